"""PDFium reads PDFs only in a parse child: it ends the process it runs in when an allocation
fails, so without isolation (``ARBOX_PARSE_ISOLATION=false``) the worker reads with pdfplumber."""

from __future__ import annotations

from typing import Any

import pytest

from core.config import Settings
from core.types import PdfReader
from worker.inbound import process
from worker.services import Services


class Stop(Exception):
    pass


@pytest.mark.parametrize(
    ("isolation", "setting", "used"),
    [
        (False, PdfReader.FAST, PdfReader.PDFPLUMBER),
        (False, PdfReader.PDFPLUMBER, PdfReader.PDFPLUMBER),
        (True, PdfReader.FAST, PdfReader.FAST),
        (True, PdfReader.PDFPLUMBER, PdfReader.PDFPLUMBER),
    ],
)
def test_the_reader_of_pdfs(monkeypatch, tmp_path, isolation, setting, used):
    seen: list[Any] = []

    def capture(raw: bytes, *, own_address: str | None, limits: Any) -> None:
        seen.append(limits.pdf_reader)
        raise Stop

    class Reader:
        def read(self, raw: bytes, *, own_address: str | None) -> None:
            raise Stop

    def shared(limits: Any, *, size: int) -> Reader:
        seen.append(limits.pdf_reader)
        return Reader()

    monkeypatch.setattr(process, "read_mail", capture)
    monkeypatch.setattr(process, "shared_reader", shared)
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'a.db'}", parse_isolation=isolation, pdf_reader=setting
    )
    svc = Services.from_settings(settings)
    with pytest.raises(Stop):
        process._read(b"Subject: x\r\n\r\nhello\r\n", svc)
    assert seen == [used]
    svc.engine.dispose()

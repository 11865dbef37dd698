"""Hostile and odd real-world inputs (../shared/corpora, beside the checkout) through the
parsers: every file must end in a value or a handled UnreadableDocumentError, never in an
unhandled exception. Skips when the corpora are absent, and fails instead when CI is set.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

import pytest

from core.errors import UnreadableDocumentError
from parsers.classify import classify_email
from parsers.mime import parse_email
from parsers.remittance import extract_remittance
from parsers.remittance_pdf import parse_pdf_remittance

CORPORA = (Path(__file__).resolve().parents[3] / ".." / "shared" / "corpora").resolve()
PDF_FOLDERS = (
    "qpdf-hostile-pdfs",
    "pdfplumber-tests",
    "pdfminer-six-samples",
    "paperless-ngx-samples",
    "py-pdf-sample-files",
)
PDF_SUFFIXES = {".pdf", ".fuzz", ".zip"}
MAIL_FOLDERS = (
    "cpython-test-email",
    "crymap-test-data",
    "stalwart-mail-parser",
    "paperless-ngx-samples",
)
MAIL_SUFFIXES = {".eml", ".txt"}
#: The whole PDF corpus took about 1 s here; a file that takes this long is a regression.
SLOW_FILE_SECONDS = 10.0


def _files(folders: tuple[str, ...], suffixes: set[str]) -> list[Path]:
    if not CORPORA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"test corpora missing at {CORPORA} (required when CI is set)")
        pytest.skip(f"test corpora not found at {CORPORA}")
    files = [
        path
        for folder in folders
        if (CORPORA / folder).is_dir()
        for path in sorted((CORPORA / folder).iterdir())
        if path.suffix.lower() in suffixes
    ]
    assert files, f"no files under {CORPORA} for {folders}"
    return files


def test_hostile_pdfs_give_a_value_or_a_named_reason() -> None:
    outcomes: dict[str, str] = {}
    unhandled: list[str] = []
    slow: list[str] = []
    for path in _files(PDF_FOLDERS, PDF_SUFFIXES):
        started = time.monotonic()
        try:
            parse_pdf_remittance(path.read_bytes(), filename=path.name)
        except UnreadableDocumentError as e:
            outcomes[path.name] = e.reason
        except Exception as e:  # the point of this test: report every file, do not stop
            unhandled.append(f"{path.parent.name}/{path.name}: {type(e).__name__}: {e}")
        else:
            outcomes[path.name] = "read"
        elapsed = time.monotonic() - started
        if elapsed > SLOW_FILE_SECONDS:
            slow.append(f"{path.name}: {elapsed:.1f} s")
    assert unhandled == []
    assert slow == []
    counts = Counter(outcomes.values())
    assert set(counts) <= {
        "read",
        "needs password",
        "no text layer, scan?",
        "malformed PDF",
        "empty file",
        "not a PDF",
    }
    known = {
        "tests__pdfs__empty.pdf": "empty file",
        "tests__pdfs__password-example.pdf": "needs password",
        "tests__pdfs__issue-948.zip": "not a PDF",
        "samples__encryption__aes-256-r6.pdf": "needs password",
        "samples__encryption__rc4-40.pdf": "needs password",
        "src__documents__tests__samples__password-is-test.pdf": "needs password",
        # garbage before the %PDF header, then a damaged file: "a non-PDF with a .pdf name"
        "src__documents__tests__samples__invalid_pdf.pdf": "malformed PDF",
        "src__paperless__tests__samples__tesseract__tagged-but-no-text.pdf": (
            "no text layer, scan?"
        ),
        "qpdf__qtest__qpdf__issue-449.pdf": "malformed PDF",  # a raw TypeError upstream
    }
    for name, reason in known.items():
        if name in outcomes:
            assert outcomes[name] == reason, name


def test_odd_and_malformed_mails_are_parsed_extracted_and_classified() -> None:
    unhandled: list[str] = []
    for path in _files(MAIL_FOLDERS, MAIL_SUFFIXES):
        try:
            parsed = parse_email(path.read_bytes())
            extraction = extract_remittance(parsed)
            classify_email(parsed, remittance=extraction.remittance, own_address="ar@arbox.example")
        except Exception as e:  # the point of this test: report every file, do not stop
            unhandled.append(f"{path.parent.name}/{path.name}: {type(e).__name__}: {e}")
    assert unhandled == []


def test_list_bounce_from_cpython_corpus_is_never_a_remittance() -> None:
    path = CORPORA / "cpython-test-email" / "msg_16.txt"
    if not path.is_file():
        _files(("cpython-test-email",), MAIL_SUFFIXES)
        pytest.skip("msg_16.txt not in the corpus")
    parsed = parse_email(path.read_bytes())
    result = classify_email(parsed, remittance=None, own_address="ar@arbox.example")
    assert result.kind in {"bounce", "bulk"}

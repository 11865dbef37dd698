"""Which reader reads a remittance PDF: PDFium first, pdfplumber again only when PDFium's
reading is not enough (parsers.remittance_pdf.read_pdf_remittance), or pdfplumber alone
(ARBOX_PDF_READER=pdfplumber, through ParseLimits and extract_remittance)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import pytest

import parsers.remittance_pdf as remittance_pdf
from core.config import Settings
from core.errors import UnreadableDocumentError
from core.types import PdfReader
from parsers.pdf_streams import PdfiumDeclinedError
from parsers.pdf_text import PageText, Word
from parsers.remittance_pdf import parse_pdf_remittance, read_pdf_remittance
from worker.inbound.pool import ParseLimits, read_mail

REMITTANCES = Path(__file__).resolve().parents[3] / "fixtures" / "remittances"
RULED = (REMITTANCES / "cobalt_ruled_table.pdf").read_bytes()


class _Source:
    """A text source that serves fixed pages, or raises."""

    def __init__(self, pages: Sequence[PageText] = (), error: Exception | None = None) -> None:
        self.pages = list(pages)
        self.error = error
        self.calls = 0

    def read_pages(
        self, data: bytes, *, filename: str | None, max_pages: int
    ) -> Sequence[PageText]:
        self.calls += 1
        if self.error is not None:
            raise self.error
        return self.pages


def _page(*lines: tuple[str, str]) -> PageText:
    """One page with a header row and a row per (reference, amount)."""
    rows = [("Invoice", "Amount"), *lines]
    words = tuple(
        Word(text, x, x + 6 * len(text), 100 + 14 * no, 110 + 14 * no)
        for no, row in enumerate(rows)
        for text, x in zip(row, (50.0, 200.0), strict=True)
    )
    return PageText(number=0, words=words, has_rules=False)


@pytest.fixture
def plumber(monkeypatch: pytest.MonkeyPatch) -> _Source:
    """pdfplumber's reading replaced by one line INV-9 of 5.00, counted."""
    source = _Source([_page(("INV-9", "5.00"))])
    monkeypatch.setattr(remittance_pdf, "PDFPLUMBER_SOURCE", source)
    return source


def _fast(monkeypatch: pytest.MonkeyPatch, source: _Source) -> _Source:
    monkeypatch.setattr(remittance_pdf, "PDFIUM_SOURCE", source)
    return source


def test_a_pdfium_reading_with_lines_that_add_up_is_the_result(
    monkeypatch: pytest.MonkeyPatch, plumber: _Source
) -> None:
    _fast(monkeypatch, _Source([_page(("INV-1", "2.00"), ("INV-2", "3.00"), ("Total", "5.00"))]))
    reading = read_pdf_remittance(b"%PDF-1.7")
    assert (reading.reader, reading.fallback) == ("pdfium", None)
    assert reading.remittance is not None
    assert [line.invoice_ref for line in reading.remittance.lines] == ["INV-1", "INV-2"]
    assert plumber.calls == 0


@pytest.mark.parametrize(
    ("fast", "why"),
    [
        (_Source(error=PdfiumDeclinedError("encrypted")), "PDFium declined it (encrypted)"),
        (_Source(error=UnreadableDocumentError("malformed PDF")), "PDFium: malformed PDF"),
        (_Source([_page()]), "no remittance lines"),
        (
            _Source([_page(("INV-1", "2.00"), ("Total", "9.00"))]),
            "the lines do not add up to the stated total",
        ),
    ],
    ids=["declined", "unreadable", "no lines", "lines off the total"],
)
def test_pdfplumber_reads_again_when_pdfiums_reading_is_not_enough(
    monkeypatch: pytest.MonkeyPatch, plumber: _Source, fast: _Source, why: str
) -> None:
    _fast(monkeypatch, fast)
    reading = read_pdf_remittance(b"%PDF-1.7")
    assert (reading.reader, reading.fallback) == ("pdfplumber", why)
    assert reading.remittance is not None
    assert [line.invoice_ref for line in reading.remittance.lines] == ["INV-9"]
    assert plumber.calls == 1


def test_pdfiums_lines_stand_when_pdfplumber_cannot_read_the_pdf(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given lines off their total from PDFium, and a file pdfminer refuses
    _fast(monkeypatch, _Source([_page(("INV-1", "2.00"), ("Total", "9.00"))]))
    broken = _Source(error=UnreadableDocumentError("malformed PDF"))
    monkeypatch.setattr(remittance_pdf, "PDFPLUMBER_SOURCE", broken)
    reading = read_pdf_remittance(b"%PDF-1.7")
    assert reading.reader == "pdfium"
    assert reading.fallback == (
        "the lines do not add up to the stated total; pdfplumber cannot read it"
    )
    assert reading.remittance is not None and reading.remittance.lines


def test_pdfplumbers_reason_is_the_result_when_neither_reader_finds_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fast(monkeypatch, _Source(error=PdfiumDeclinedError("encrypted")))
    locked = _Source(error=UnreadableDocumentError("needs password"))
    monkeypatch.setattr(remittance_pdf, "PDFPLUMBER_SOURCE", locked)
    with pytest.raises(UnreadableDocumentError) as caught:
        read_pdf_remittance(b"%PDF-1.7")
    assert caught.value.reason == "needs password"


def test_lines_without_an_amount_are_not_held_to_the_total(
    monkeypatch: pytest.MonkeyPatch, plumber: _Source
) -> None:
    # A letter naming invoices in prose: lines with no amount and the total transferred
    words = [
        "In settlement of invoices 4711 and 4712 we transferred 3,456.78 today.",
    ][0].split()
    x = 50.0
    placed = []
    for text in words:
        placed.append(Word(text, x, x + 6 * len(text), 100, 110))
        x += 6 * len(text) + 4
    _fast(monkeypatch, _Source([PageText(number=0, words=tuple(placed), has_rules=False)]))
    reading = read_pdf_remittance(b"%PDF-1.7")
    assert reading.reader == "pdfium" and reading.fallback is None
    assert reading.remittance is not None
    assert reading.remittance.stated_total == Decimal("3456.78")
    assert all(line.amount is None for line in reading.remittance.lines)


def test_reader_pdfplumber_never_asks_pdfium(monkeypatch: pytest.MonkeyPatch) -> None:
    _fast(monkeypatch, _Source(error=AssertionError("PDFium was asked")))
    reading = read_pdf_remittance(RULED, reader=PdfReader.PDFPLUMBER)
    assert (reading.reader, reading.fallback) == ("pdfplumber", None)
    assert reading.remittance is not None and reading.remittance.lines


def test_parse_pdf_remittance_counts_the_reader_of_each_result() -> None:
    before = remittance_pdf.READS.copy()
    parse_pdf_remittance(RULED)
    parse_pdf_remittance(RULED, reader=PdfReader.PDFPLUMBER)
    counted = remittance_pdf.READS - before
    assert counted == {"pdfium": 1, "pdfplumber": 1}


def test_both_readers_give_the_golden_ruled_table_the_same_remittance() -> None:
    fast = read_pdf_remittance(RULED)
    slow = read_pdf_remittance(RULED, reader=PdfReader.PDFPLUMBER)
    assert fast.reader == "pdfium" and fast.fallback is None
    assert fast.remittance == slow.remittance


def _mail(pdf: bytes) -> bytes:
    message = EmailMessage()
    message["From"] = "Payables <ap@cobalt.example>"
    message["To"] = "ar@arbox.example"
    message["Subject"] = "Remittance advice"
    message["Message-ID"] = "<reader@cobalt.example>"
    message.set_content("Our advice is attached.")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename="advice.pdf")
    return message.as_bytes()


@pytest.mark.parametrize("reader", list(PdfReader))
def test_the_setting_reaches_the_pdf_reader_through_the_parse_limits(reader: PdfReader) -> None:
    # Given ARBOX_PDF_READER as the worker reads it
    settings = Settings.from_env({"ARBOX_PDF_READER": reader.value})
    assert settings.pdf_reader == reader
    before = remittance_pdf.READS.copy()
    # When a mail is read with the limits the worker builds
    read = read_mail(
        _mail(RULED), own_address=None, limits=ParseLimits(pdf_reader=settings.pdf_reader)
    )
    # Then its PDF was read by that reader
    assert read.extraction.remittance is not None
    expected = "pdfium" if reader == PdfReader.FAST else "pdfplumber"
    assert remittance_pdf.READS - before == {expected: 1}


def test_an_unknown_reader_is_a_settings_error() -> None:
    with pytest.raises(ValueError, match="ARBOX_PDF_READER"):
        Settings.from_env({"ARBOX_PDF_READER": "fastest"})

"""parsers.pdf_fast: the PDFium text source gives what the pdfplumber source gives (words,
ruling lines, ruled tables), on the golden PDFs and on pages drawn to test one thing each
(a rotated page, sideways text, spaces drawn on their own, rules inside a form XObject), and
it reads PDFium under the PDF lock, closing all it opened."""

from __future__ import annotations

import io
import threading
from collections import Counter
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

import parsers.pdf_fast as pdf_fast
from core.errors import UnreadableDocumentError
from parsers.pdf_fast import PdfiumSource
from parsers.pdf_streams import PdfiumDeclinedError
from parsers.pdf_text import PDF_LOCK, PageText, PdfplumberSource

REMITTANCES = Path(__file__).resolve().parents[3] / "fixtures" / "remittances"
READABLE = sorted(p for p in REMITTANCES.glob("*.pdf") if "encrypted" not in p.name)
#: How far PDFium's character boxes may be from pdfminer's (font ascent and descent differ).
TOLERANCE = 3.0


def _both(data: bytes) -> tuple[list[PageText], list[PageText]]:
    plumber = PdfplumberSource().read_pages(data, filename=None, max_pages=50)
    fast = PdfiumSource().read_pages(data, filename=None, max_pages=50)
    return list(plumber), list(fast)


def _assert_same_pages(plumber: list[PageText], fast: list[PageText]) -> None:
    assert len(fast) == len(plumber)
    for theirs, ours in zip(plumber, fast, strict=True):
        key = lambda w: (round(w.top), w.x0)  # noqa: E731
        a, b = sorted(theirs.words, key=key), sorted(ours.words, key=key)
        assert [w.text for w in b] == [w.text for w in a], theirs.number
        for x, y in zip(a, b, strict=True):
            assert abs(x.x0 - y.x0) < TOLERANCE and abs(x.x1 - y.x1) < TOLERANCE, (x, y)
            assert abs(x.top - y.top) < TOLERANCE and abs(x.bottom - y.bottom) < TOLERANCE
            assert y.page == x.page
        assert ours.has_rules == theirs.has_rules
        assert [t.rows for t in ours.tables] == [t.rows for t in theirs.tables]


@pytest.mark.parametrize("path", READABLE, ids=lambda p: p.name)
def test_golden_pdfs_read_with_pdfium_give_pdfplumbers_pages(path: Path) -> None:
    _assert_same_pages(*_both(path.read_bytes()))


def _canvas() -> tuple[Canvas, io.BytesIO]:
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, invariant=1)
    c.setFont("Helvetica", 10)
    return c, buffer


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_a_rotated_page_reads_as_displayed(turn: int) -> None:
    # Given a page shown turned by /Rotate, its text drawn turned back so it reads upright
    c, buffer = _canvas()
    c.setPageRotation(turn)
    c.translate(A4[0] / 2, A4[1] / 2)
    c.rotate(turn)
    for no, line in enumerate(["Invoice  Amount", "INV-1001  1,250.00", "Total  1,250.00"]):
        c.drawString(-150, 100 - 14 * no, line)
    c.line(-150, 60, 100, 60)
    c.showPage()
    c.save()
    plumber, fast = _both(buffer.getvalue())
    # Then PDFium's words are pdfplumber's, where pdfplumber puts them
    assert [w.text for w in fast[0].words][:2] == ["Invoice", "Amount"]
    _assert_same_pages(plumber, fast)


def test_sideways_text_is_left_out_as_pdfplumber_leaves_it_out() -> None:
    c, buffer = _canvas()
    c.drawString(72, 700, "INV-2001 99.00")
    c.saveState()
    c.translate(40, 400)
    c.rotate(90)
    c.drawString(0, 0, "printed sideways")
    c.restoreState()
    c.drawString(72, 680, "Total 99.00")
    c.showPage()
    c.save()
    plumber, fast = _both(buffer.getvalue())
    assert [w.text for w in fast[0].words] == ["INV-2001", "99.00", "Total", "99.00"]
    _assert_same_pages(plumber, fast)


def test_a_space_drawn_on_its_own_splits_words_as_in_pdfplumber() -> None:
    # Given words whose spaces are text objects of their own, the gaps under 3 pt (PDFium
    # leaves such spaces out of its text page and puts its own space elsewhere)
    c, buffer = _canvas()
    x = 72.0
    for word in ["Bill", " ", "To:", " ", "INV-3001"]:
        c.drawString(x, 700, word)
        x += c.stringWidth(word, "Helvetica", 10)
    c.showPage()
    c.save()
    plumber, fast = _both(buffer.getvalue())
    assert [w.text for w in fast[0].words] == ["Bill", "To:", "INV-3001"]
    _assert_same_pages(plumber, fast)


def test_rules_inside_a_form_xobject_make_a_ruled_table() -> None:
    # Given the grid of a table drawn in a form XObject, placed twice
    c, buffer = _canvas()
    c.beginForm("grid")
    c.grid([60, 200, 340], [700, 680, 660])
    c.endForm()
    c.doForm("grid")
    for i, (ref, amount) in enumerate([("INV-4001", "10.00"), ("INV-4002", "20.00")]):
        c.drawString(66, 686 - 20 * i, ref)
        c.drawString(206, 686 - 20 * i, amount)
    c.showPage()
    c.save()
    plumber, fast = _both(buffer.getvalue())
    assert fast[0].has_rules
    assert [t.rows for t in fast[0].tables] == [(("INV-4001", "10.00"), ("INV-4002", "20.00"))]
    _assert_same_pages(plumber, fast)


def test_a_password_pdf_needs_a_password(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (REMITTANCES / "elmwood_encrypted.pdf").read_bytes()
    with pytest.raises(PdfiumDeclinedError, match="encrypted"):
        PdfiumSource().read_pages(data, filename="x.pdf", max_pages=5)
    # And with the guard out of the way, PDFium's own answer is named as pdfplumber's is
    monkeypatch.setattr(pdf_fast, "check_expansion", lambda data: 0)
    with pytest.raises(UnreadableDocumentError) as caught:
        PdfiumSource().read_pages(data, filename="x.pdf", max_pages=5)
    assert caught.value.reason == "needs password"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"PK\x03\x04 a zip", "not a PDF"),
        (b"%PDF-1.7\nno objects at all\n%%EOF", "malformed PDF"),
    ],
)
def test_unreadable_files_raise_the_named_reasons(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableDocumentError) as caught:
        PdfiumSource().read_pages(data, filename="x.pdf", max_pages=5)
    assert caught.value.reason == reason


def test_pdfium_is_only_called_under_the_pdf_lock() -> None:
    # Given the PDF lock held by someone else
    data = READABLE[0].read_bytes()
    done = threading.Event()

    def read() -> None:
        PdfiumSource().read_pages(data, filename=None, max_pages=5)
        done.set()

    with PDF_LOCK:
        reader = threading.Thread(target=read)
        reader.start()
        # Then the read waits for it
        assert not done.wait(0.5)
    reader.join(10)
    assert done.is_set()


def test_every_document_page_and_text_page_is_closed_even_when_a_page_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given counts of PDFium's opening and closing calls
    calls: Counter[str] = Counter()
    raw = pdf_fast.pdfium
    for name in (
        "FPDF_LoadMemDocument64",
        "FPDF_CloseDocument",
        "FPDF_LoadPage",
        "FPDF_ClosePage",
        "FPDFText_LoadPage",
        "FPDFText_ClosePage",
    ):
        real = getattr(raw, name)

        def counted(*args: object, _real: object = real, _name: str = name) -> object:
            calls[_name] += 1
            return _real(*args)  # type: ignore[operator]

        monkeypatch.setattr(raw, name, counted)
    data = (REMITTANCES / "elmwood_multipage.pdf").read_bytes()
    # When a document is read, and when reading its second page fails
    PdfiumSource().read_pages(data, filename=None, max_pages=50)
    real_chars = pdf_fast._chars
    seen: list[int] = []

    def failing(*args: object) -> object:
        seen.append(1)
        if len(seen) == 2:
            raise RuntimeError("page two breaks")
        return real_chars(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf_fast, "_chars", failing)
    with pytest.raises(RuntimeError):
        PdfiumSource().read_pages(data, filename=None, max_pages=50)
    # Then every open had its close
    assert calls["FPDF_LoadMemDocument64"] == calls["FPDF_CloseDocument"] == 2
    assert calls["FPDF_LoadPage"] == calls["FPDF_ClosePage"] > 2
    assert calls["FPDFText_LoadPage"] == calls["FPDFText_ClosePage"] == calls["FPDF_LoadPage"]
    assert PDF_LOCK.acquire(blocking=False)
    PDF_LOCK.release()

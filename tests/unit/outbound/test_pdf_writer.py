"""The statement and invoice-copy PDF writer: what it writes is read back by pdfplumber and
pypdfium2 as it was drawn, widths agree with the fonts' metrics, and the file is well formed."""

from __future__ import annotations

import re
import time
from io import BytesIO

import pdfplumber
import pypdfium2 as pdfium
import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from outbound.pdf_writer import (
    PdfDocument,
    ReportlabDocument,
    encode_text,
    fit_text,
    text_width,
)


def one_page(*texts: str) -> bytes:
    doc = PdfDocument(width=595, height=842, title="T (1)", author="Müller", creator="arbox")
    for n, text in enumerate(texts):
        doc.text(50, 800 - 20 * n, text, font="Helvetica", size=10)
    doc.line(50, 500, 300, 500, width=0.6)
    return doc.finish()


def lines_of(data: bytes) -> list[str]:
    with pdfplumber.open(BytesIO(data)) as pdf:
        return [line for page in pdf.pages for line in (page.extract_text() or "").splitlines()]


def test_parentheses_backslashes_and_markup_come_back_as_written():
    texts = ["Acme (Holdings) \\ Ltd", "<script>alert(1)</script>", "Müller & Söhne – 1.250,00 €"]
    assert lines_of(one_page(*texts)) == texts


def test_control_characters_are_dropped_and_characters_outside_the_font_fall_back():
    assert encode_text("A\r\nB\x00C") == b"ABC"
    assert lines_of(one_page("Łódź Kraków ő", "株式会社")) == ["Lódz Kraków o", "????"]


def test_widths_are_the_fonts_metrics():
    for font in ("Helvetica", "Helvetica-Bold"):
        for text in ("INV-00042", "1,234,567.89", "Müller – €"):
            assert abs(text_width(text, font, 8.5) - stringWidth(text, font, 8.5)) < 1e-9


def test_text_lands_where_it_is_drawn():
    doc = PdfDocument(width=595, height=842)
    doc.text(100, 700, "HERE", font="Helvetica-Bold", size=12)
    with pdfplumber.open(BytesIO(doc.finish())) as pdf:
        (word,) = pdf.pages[0].extract_words()
        chars = pdf.pages[0].chars
    assert word["text"] == "HERE"
    assert abs(word["x0"] - 100) < 0.01
    assert abs(chars[0]["y0"] - 700) < 3  # the baseline, less the font's descent
    assert chars[0]["fontname"] == "Helvetica-Bold"
    assert abs(word["x1"] - (100 + text_width("HERE", "Helvetica-Bold", 12))) < 0.01


def test_pages_metadata_and_cross_reference_table_are_well_formed():
    doc = PdfDocument(width=595, height=842, title="Statement (C1)", author="Ex Co")
    for n in range(3):
        doc.new_page()
        doc.text(50, 800, f"page {n + 1}", font="Helvetica", size=9)
    data = doc.finish()
    with pdfplumber.open(BytesIO(data)) as pdf:
        assert [p.extract_text() for p in pdf.pages] == ["page 1", "page 2", "page 3"]
        assert pdf.metadata["Title"] == "Statement (C1)"
        assert pdf.metadata["Author"] == "Ex Co"
    assert len(pdfium.PdfDocument(data)) == 3
    # every cross-reference offset points at its object, and startxref at the table
    xref_at = int(re.search(rb"startxref\n(\d+)", data).group(1))
    assert data[xref_at:].startswith(b"xref\n")
    offsets = re.findall(rb"(\d{10}) 00000 n ", data)
    for number, offset in enumerate(offsets, start=1):
        assert data[int(offset) :].startswith(b"%d 0 obj\n" % number)


def test_same_calls_give_the_same_bytes_and_other_text_other_bytes():
    assert one_page("a", "b") == one_page("a", "b")
    assert one_page("a", "b") != one_page("a", "c")


def test_an_empty_document_still_has_a_page():
    assert len(pdfium.PdfDocument(PdfDocument(width=100, height=100).finish())) == 1


def test_reportlab_backend_draws_the_same_words_at_the_same_places():
    def draw(backend):  # type: ignore[no-untyped-def]
        doc = backend(width=595, height=842, title="T")
        doc.new_page()
        doc.text(60, 780, "Łódź (Holdings) \\ 1,250.00", font="Helvetica-Bold", size=11)
        doc.line(60, 770, 500, 770, width=0.6)
        doc.new_page()
        doc.text(300.5, 400, "page two", font="Helvetica", size=8.5)
        with pdfplumber.open(BytesIO(doc.finish())) as pdf:
            return [
                [(w["text"], round(w["x0"], 2), round(w["x1"], 2)) for w in p.extract_words()]
                for p in pdf.pages
            ], [len(p.lines) for p in pdf.pages]

    ours, theirs = draw(PdfDocument), draw(ReportlabDocument)
    assert ours == theirs
    assert ours[0][0][0][0] == "Lódz"


@pytest.mark.parametrize("backend", [PdfDocument, ReportlabDocument])
def test_each_backend_gives_the_same_bytes_for_the_same_calls(backend):  # type: ignore[no-untyped-def]
    def draw() -> bytes:
        doc = backend(width=300, height=300, title="T", author="A", creator="arbox")
        doc.text(10, 10, "x", font="Helvetica", size=9)
        return doc.finish()  # type: ignore[no-any-return]

    assert draw() == draw()


def test_text_is_cut_with_an_ellipsis_to_the_width_in_one_pass_however_long():
    assert fit_text("INV-1", "Helvetica", 9, 100) == ("INV-1", text_width("INV-1", "Helvetica", 9))
    started = time.process_time()
    cut, drawn = fit_text("ACH " + "9" * 1_000_000, "Helvetica", 8.5, 120)
    assert time.process_time() - started < 1.0  # one pass, not a width per character dropped
    assert cut.startswith("ACH 99") and cut.endswith("…")
    assert drawn <= 120 and abs(drawn - text_width(cut, "Helvetica", 8.5)) < 1e-9
    # the longest cut that fits: one more character would not
    longer = cut[:-1] + "9…"
    assert text_width(longer, "Helvetica", 8.5) > 120
    # characters outside the font are cut as what is drawn for them
    assert fit_text("株式会社" * 50, "Helvetica", 9, 30)[0] == "????…"  # 4 × 5.004 + 9 ≤ 30

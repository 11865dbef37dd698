"""parsers.pdf_lattice: characters to words and ruling lines to tables, as pdfplumber does it.

The rules are checked on hand-made characters and edges, and against pdfplumber itself on
PDFs drawn for the purpose (a plain grid, a grid with a cell spanning two columns, a word that
crosses a ruling line)."""

from __future__ import annotations

import io

import pytest
from reportlab.pdfgen.canvas import Canvas

from parsers.pdf_fast import PdfiumSource
from parsers.pdf_lattice import Char, ruled_tables, words_of
from parsers.pdf_text import PdfplumberSource, Word


def _chars(text: str, x: float, top: float, *, width: float = 5.0) -> list[Char]:
    """One character per letter, side by side, ``width`` wide and 10 high."""
    return [
        (letter, x + i * width, x + (i + 1) * width, top, top + 10) for i, letter in enumerate(text)
    ]


def _texts(words: list[Word]) -> list[str]:
    return [w.text for w in words]


def test_a_gap_wider_than_three_points_starts_a_word_a_narrower_one_does_not() -> None:
    # Given "ab" then "cd" 3.5 pt to its right, and "ef" 2.5 pt to the right of that
    chars = _chars("ab", 0, 100) + _chars("cd", 13.5, 100) + _chars("ef", 25.5, 100)
    # Then the wide gap splits and the narrow one joins
    assert _texts(words_of(chars, 0)) == ["ab", "cdef"]


def test_a_blank_character_ends_a_word_and_is_no_part_of_one() -> None:
    chars = [*_chars("ab", 0, 100), (" ", 10, 10, 100, 110), *_chars("cd", 10, 100)]
    words = words_of(chars, 3)
    assert _texts(words) == ["ab", "cd"]
    assert (words[1].x0, words[1].x1, words[1].page) == (10, 20, 3)


def test_characters_more_than_three_points_apart_in_height_are_two_lines() -> None:
    # Given "cd" 4 pt below "ab", touching it, and "ef" 2 pt below "ab"
    chars = _chars("ab", 0, 100) + _chars("cd", 10, 104) + _chars("ef", 60, 102)
    words = words_of(chars, 0)
    # Then the chain of tops within 3 pt makes one line, sorted left to right, and the word
    # breaks where two neighbours are more than 3 pt apart in height
    assert _texts(words) == ["ab", "cd", "ef"]
    assert [w.top for w in words] == [100, 104, 102]


def test_lines_come_top_to_bottom_and_words_left_to_right() -> None:
    chars = _chars("low", 50, 200) + _chars("high", 80, 100) + _chars("first", 0, 100)
    assert _texts(words_of(chars, 0)) == ["first", "high", "low"]


def test_ligatures_are_spelled_out() -> None:
    assert _texts(words_of(_chars("ﬁnal", 0, 100), 0)) == ["final"]


def test_edges_that_form_no_cell_make_no_table() -> None:
    # Two horizontal rules and two vertical ones that never meet
    horizontal = [(100.0, 0.0, 50.0), (120.0, 0.0, 50.0)]
    vertical = [(200.0, 0.0, 50.0), (250.0, 0.0, 50.0)]
    assert ruled_tables(horizontal, vertical, [], []) == ()


def test_a_grid_of_two_by_two_cells_is_one_table_with_the_text_of_each_cell() -> None:
    # Given rules at x 0, 50, 100 and y 0, 20, 40, with a word in three of the cells
    horizontal = [(y, 0.0, 100.0) for y in (0.0, 20.0, 40.0)]
    vertical = [(x, 0.0, 40.0) for x in (0.0, 50.0, 100.0)]
    chars = _chars("INV", 5, 5) + _chars("9.50", 55, 5) + _chars("Total", 5, 25)
    words = words_of(chars, 0)
    (table,) = ruled_tables(horizontal, vertical, chars, words)
    assert table.bbox == (0.0, 0.0, 100.0, 40.0)
    assert table.rows == (("INV", "9.50"), ("Total", ""))


def test_edges_a_little_apart_snap_and_join_into_one() -> None:
    # Given the middle rule drawn in two pieces, 1 pt off each other and 2 pt apart
    horizontal = [(0.0, 0.0, 100.0), (20.0, 0.0, 49.0), (21.0, 51.0, 100.0), (40.0, 0.0, 100.0)]
    vertical = [(x, 0.0, 40.0) for x in (0.0, 50.0, 100.0)]
    (table,) = ruled_tables(horizontal, vertical, [], [])
    assert len(table.rows) == 2 and all(len(row) == 2 for row in table.rows)


def _grid_pdf(*, span: bool = False, overflow: bool = False) -> bytes:
    """A ruled table of three rows and three columns in Helvetica 9; with ``span`` the last
    row's first two cells are one; with ``overflow`` a reference runs over a ruling line."""
    buffer = io.BytesIO()
    c = Canvas(buffer, invariant=1)
    c.setFont("Helvetica", 9)
    xs, ys = [60, 180, 300, 420], [700, 680, 660, 640]
    for y in ys:
        c.line(xs[0], y, xs[-1], y)
    for x in xs:
        c.line(x, ys[0], x, ys[-2] if span and x == xs[1] else ys[-1])
    rows = [("Invoice", "Date", "Amount"), ("INV-1001", "2026-01-05", "1,250.00")]
    rows.append(("Total", "", "1,250.00"))
    for i, row in enumerate(rows):
        for j, text in enumerate(row):
            c.drawString(xs[j] + 4, ys[i] - 14, text)
    if overflow:
        c.drawString(xs[1] - 20, ys[2] - 14 - 1, "WIDE-REFERENCE-0001")
    c.showPage()
    c.save()
    return buffer.getvalue()


@pytest.mark.parametrize(
    "pdf",
    [_grid_pdf(), _grid_pdf(span=True), _grid_pdf(overflow=True)],
    ids=["grid", "spanning cell", "word over a rule"],
)
def test_ruled_tables_read_with_pdfium_equal_pdfplumbers(pdf: bytes) -> None:
    (plumber,) = PdfplumberSource().read_pages(pdf, filename=None, max_pages=1)
    (fast,) = PdfiumSource().read_pages(pdf, filename=None, max_pages=1)
    assert plumber.tables, "the PDF draws a table"
    assert [t.rows for t in fast.tables] == [t.rows for t in plumber.tables]
    for ours, theirs in zip(fast.tables, plumber.tables, strict=True):
        assert ours.bbox == pytest.approx(theirs.bbox, abs=0.01)

"""Positioned words of a PDF page to text lines and to tables of aligned columns. Pure.

A page's words (:class:`parsers.pdf_text.Word`) become :class:`TextLine` s by their vertical
position. A line splits into cells where the gap between two words is wider than
:data:`CELL_GAP_EM` times the text height (one space of Courier is 0.6 em, of Helvetica
0.28 em; columns are set further apart).

A table without ruling lines is found by its header row: a line of at least two cells that
name columns ("Invoice", "Date", "Gross", "Ihre Belegnr.", "Betrag", ...) and holds no amount.
The column boundaries come from the x extents of the cells below the header (the gaps
common to every body row; right-aligned amount columns share their right edge, left-aligned
text columns their left one) and from the header cells where no body cell is; each word is
then put in the column its centre falls in. The table ends after a total line, before the
next header row, or at a vertical gap of more than :data:`TABLE_GAP_LINES` line pitches.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from statistics import median

from parsers.pdf_text import Grid, Word
from parsers.vocabulary import PDF_HEADER_WORD_RE, PDF_LAYOUT_TOTAL_RE, SUBTOTAL_RE

#: Gap between words, in text heights, above which they are in different cells.
CELL_GAP_EM = 0.8
#: Words whose tops differ by less than this share of their height are on one line.
SAME_LINE_SHARE = 0.5
#: A vertical gap of this many line pitches ends a table.
TABLE_GAP_LINES = 3.0
#: Header cells naming a column that a header row needs, and the most a header may have.
MIN_HEADER_CELLS = 2
MAX_HEADER_CELLS = 30

#: Currency codes and credit/debit marks beside an amount.
_CODE_RE = re.compile(r"\b(?:[A-Z]{3}|CR|DR)\b")
_SPACE_RE = re.compile(r"[\s\u00a0\u202f]")
#: Longer cells are never one amount.
MAX_AMOUNT_CHARS = 40
#: An amount-looking token: digits with two decimals (any grouping), maybe signed.
_AMOUNT_TOKEN_RE = re.compile(r"^[-(]?[$€£]?\d[\d.,' ]*[.,]\d{2}\)?-?$")
_LABEL_VALUE_RE = re.compile(r":\s*\S")
#: Longer lines are read on every call, never kept.
MAX_KEPT_LINE_CHARS = 200


@dataclass(frozen=True, slots=True)
class Cell:
    """A run of words of one line set closer than a column gap."""

    text: str
    x0: float
    x1: float


@dataclass(frozen=True, slots=True)
class TextLine:
    """Words that share a baseline, left to right, and the cells they form."""

    words: tuple[Word, ...]
    cells: tuple[Cell, ...]
    #: The line as text: words of a cell joined by a space, cells by two.
    text: str

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def height(self) -> float:
        return median(w.height for w in self.words) or 1.0

    @property
    def has_amount(self) -> bool:
        return any(is_amount(cell.text) for cell in self.cells)


def to_line(words: Sequence[Word]) -> TextLine:
    """The line of ``words`` (in any order)."""
    ordered = tuple(sorted(words, key=lambda w: w.x0))
    cells: list[Cell] = []
    run: list[Word] = []
    for word in ordered:
        if run and word.x0 - run[-1].x1 > CELL_GAP_EM * max(word.height, 1.0):
            cells.append(_cell(run))
            run = []
        run.append(word)
    if run:
        cells.append(_cell(run))
    return TextLine(ordered, tuple(cells), "  ".join(cell.text for cell in cells))


@dataclass(frozen=True, slots=True)
class AlignedTable:
    """A table read from aligned words: the grid (header row first), the lines it used, its
    header line and whether a total line closed it (else it may go on on the next page)."""

    rows: Grid
    first_line: int
    last_line: int
    header: TextLine
    closed: bool


def _cell(words: Sequence[Word]) -> Cell:
    return Cell(" ".join(w.text for w in words), words[0].x0, words[-1].x1)


def text_lines(words: Sequence[Word]) -> list[TextLine]:
    """``words`` grouped into lines, top to bottom, each left to right."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (round(w.top, 1), w.x0)):
        if lines:
            last = lines[-1]
            ref = last[0]
            if abs(word.top - ref.top) <= SAME_LINE_SHARE * max(min(word.height, ref.height), 1):
                last.append(word)
                continue
        lines.append([word])
    return [to_line(line) for line in lines]


@functools.lru_cache(maxsize=4096)  # the cells of a page are asked again and again
def _is_amount(text: str) -> bool:
    bare = _CODE_RE.sub("", text)  # "1.234,56 EUR", "234.56 CR"
    return bool(_AMOUNT_TOKEN_RE.match(_SPACE_RE.sub("", bare)))


def is_amount(text: str) -> bool:
    """Whether a cell's text looks like an amount (two decimals)."""
    if len(text) > MAX_AMOUNT_CHARS:
        return False
    return _is_amount(text)


def is_header(line: TextLine) -> bool:
    """Whether ``line`` names the columns of a table."""
    cells = line.cells
    if not MIN_HEADER_CELLS <= len(cells) <= MAX_HEADER_CELLS:
        return False
    if any(is_amount(c.text) for c in cells):
        return False
    if any(_LABEL_VALUE_RE.search(c.text) for c in cells):
        return False  # "Payment date: 02.03.2026" labels a value, it names no column
    if PDF_LAYOUT_TOTAL_RE.match(cells[0].text):
        return False  # "Total  Gross  Net" labels the total row
    naming = sum(1 for c in cells if PDF_HEADER_WORD_RE.search(c.text) and len(c.text) <= 40)
    return naming >= MIN_HEADER_CELLS and naming * 2 >= len(cells)


def is_total(text: str) -> bool:
    """Whether a line states a (grand) total. A line is asked more than once (where a table
    ends, whether it is closed): a short line's answer is kept for the lines asked last."""
    if len(text) > MAX_KEPT_LINE_CHARS:
        return _is_total(text)
    return _kept_is_total(text)


def _is_total(text: str) -> bool:
    return bool(PDF_LAYOUT_TOTAL_RE.search(text)) and not SUBTOTAL_RE.search(text)


_kept_is_total = functools.lru_cache(maxsize=1024)(_is_total)


def aligned_tables(lines: Sequence[TextLine]) -> list[AlignedTable]:
    """Every table with a header row in ``lines``, as grids."""
    tables: list[AlignedTable] = []
    no = 0
    while no < len(lines):
        if not is_header(lines[no]):
            no += 1
            continue
        end = _table_end(lines, no)
        tables.append(_table(lines[no], lines, no, no + 1, end))
        no = end + 1
    return tables


def continued_table(header: TextLine, lines: Sequence[TextLine]) -> AlignedTable | None:
    """The rest of a table whose header was on an earlier page and is not repeated: from
    the first line with an amount, cut by the columns of ``header``."""
    first = next((no for no, line in enumerate(lines) if line.has_amount), None)
    if first is None:
        return None
    end = first if is_total(lines[first].text) else _table_end(lines, first)
    return _table(header, lines, first, first, end)


def _table(
    header: TextLine, lines: Sequence[TextLine], first: int, body: int, end: int
) -> AlignedTable:
    return AlignedTable(
        rows=_grid(header, lines[body : end + 1]),
        first_line=first,
        last_line=end,
        header=header,
        closed=is_total(lines[end].text),
    )


def _table_end(lines: Sequence[TextLine], start: int) -> int:
    """Index of the last line of the table that goes on after ``lines[start]``."""
    pitches = [
        lines[i + 1].top - lines[i].top for i in range(start, min(start + 6, len(lines) - 1))
    ]
    pitch = max(median(pitches) if pitches else lines[start].height, lines[start].height)
    end = start
    for i in range(start + 1, len(lines)):
        if lines[i].top - lines[end].bottom > TABLE_GAP_LINES * pitch or is_header(lines[i]):
            break
        end = i
        if is_total(lines[i].text):
            break
    return end


def _grid(header: TextLine, body: Sequence[TextLine]) -> Grid:
    """The header and body lines cut into the same columns."""
    spans = _column_spans(header, body)
    bounds = [(a[1] + b[0]) / 2 for a, b in pairwise(spans)]
    rows: list[tuple[str | None, ...]] = []
    for line in (header, *body):
        cells: list[list[str]] = [[] for _ in spans]
        for word in line.words:
            centre = (word.x0 + word.x1) / 2
            column = bisect_left(bounds, centre)
            cells[column].append(word.text)
        rows.append(tuple(" ".join(words) for words in cells))
    return tuple(rows)


def _column_spans(header: TextLine, body: Sequence[TextLine]) -> list[tuple[float, float]]:
    """The x extents of the columns: the union of the extents of the cells of body rows with
    an amount (prose, totals and amounts carried forward left out), plus header cells that
    cover no body cell."""
    intervals = sorted(
        (cell.x0, cell.x1)
        for line in body
        if line.has_amount
        and not PDF_LAYOUT_TOTAL_RE.search(line.text)
        and not SUBTOTAL_RE.search(line.text)
        for cell in line.cells
    )
    spans: list[tuple[float, float]] = []
    for x0, x1 in intervals:
        if spans and x0 <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], x1))
        else:
            spans.append((x0, x1))
    for cell in header.cells:
        if not any(cell.x0 <= x1 and x0 <= cell.x1 for x0, x1 in spans):
            spans.append((cell.x0, cell.x1))
    spans.sort()
    # Two header cells over one span: the body rows did not separate those columns (an
    # empty column beside a filled one); split the span between the header cells.
    out: list[tuple[float, float]] = []
    for x0, x1 in spans:
        over = [c for c in header.cells if c.x0 <= x1 and x0 <= c.x1]
        if len(over) < 2:
            out.append((x0, x1))
            continue
        cuts = [(a.x1 + b.x0) / 2 for a, b in pairwise(over)]
        edges = [x0, *cuts, x1]
        out.extend((edges[i], edges[i + 1]) for i in range(len(edges) - 1))
    return out

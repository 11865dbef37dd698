"""Characters to words and ruling lines to table cells, the way pdfplumber does it. Pure.

:mod:`parsers.pdf_fast` reads characters and ruling lines with PDFium; this module turns them
into what :class:`parsers.pdf_text.PdfplumberSource` gives, with pdfplumber's defaults, so
that both sources feed the same layout code:

- words (``extract_words``): characters are clustered into lines by their tops (within
  :data:`Y_TOLERANCE`), sorted left to right, and a word ends at a blank character, where
  the next character starts more than :data:`X_TOLERANCE` right of the last one's end, or
  where its top differs by more than :data:`Y_TOLERANCE`;
- ruled tables (``find_tables`` with the "lines" strategy): edges shorter than 1 pt go,
  edges within :data:`SNAP_TOLERANCE` of each other snap to their mean position, edges on
  one line within :data:`JOIN_TOLERANCE` join, edges shorter than :data:`MIN_EDGE` go; the
  points where a horizontal and a vertical edge cross (within
  :data:`INTERSECTION_TOLERANCE`) are the corners of the smallest cells whose four sides are
  edges; cells sharing a corner form a table (one cell alone is none);
- a cell's text: the characters whose centre lies in the cell, as words, lines joined by a
  newline.

Coordinates are pdfplumber's: points from the top left corner of the page as displayed.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import TypeVar

from parsers.pdf_text import RuledTable, Word

#: Gap between characters (pt) above which a new word starts; line clustering distance.
X_TOLERANCE = 3.0
Y_TOLERANCE = 3.0
#: Table finding: snap, join and crossing distances, and the shortest edge kept (pt).
SNAP_TOLERANCE = 3.0
JOIN_TOLERANCE = 3.0
INTERSECTION_TOLERANCE = 3.0
MIN_EDGE = 3.0
#: Edges shorter than this go before snapping (pdfplumber's ``edge_min_length_prefilter``).
MIN_EDGE_PREFILTER = 1.0
#: Ligature characters spelled out in words, as pdfplumber does.
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}

#: One upright character: text, x0, x1, top, bottom.
Char = tuple[str, float, float, float, float]
#: A horizontal edge (y, x0, x1) or a vertical one (x, top, bottom).
Edge = tuple[float, float, float]
Point = tuple[float, float]
Cell = tuple[float, float, float, float]
_T = TypeVar("_T")
_X0 = itemgetter(1)
_X1 = itemgetter(2)
_TOP = itemgetter(3)
_BOTTOM = itemgetter(4)
_LIGATURE_CHARS = frozenset(LIGATURES)
_WORD_TOP: Callable[[Word], float] = lambda w: w.top  # noqa: E731


def words_of(chars: Sequence[Char], page: int) -> list[Word]:
    """The words of one run of upright characters (in content order), line by line."""
    words: list[Word] = []
    for line in _lines(chars, key=_TOP):
        line.sort(key=_X0)
        run: list[Char] = []
        last_x0 = last_x1 = last_top = 0.0
        for char in line:
            text, x0, x1, top, _ = char
            if text.isspace():
                if run:
                    words.append(_word(run, page))
                    run = []
                continue
            if run and (
                x0 < last_x0
                or x0 > last_x1 + X_TOLERANCE
                or top - last_top > Y_TOLERANCE
                or last_top - top > Y_TOLERANCE
            ):
                words.append(_word(run, page))
                run = []
            run.append(char)
            last_x0, last_x1, last_top = x0, x1, top
        if run:
            words.append(_word(run, page))
    return words


def _word(chars: list[Char], page: int) -> Word:
    first = chars[0]
    if len(chars) == 1:
        return Word(LIGATURES.get(first[0], first[0]), first[1], first[2], first[3], first[4], page)
    text = "".join([c[0] for c in chars])
    if not _LIGATURE_CHARS.isdisjoint(text):
        text = "".join(LIGATURES.get(c, c) for c in text)
    # the characters are sorted by x0
    return Word(
        text, first[1], max(map(_X1, chars)), min(map(_TOP, chars)), max(map(_BOTTOM, chars)), page
    )


def _lines(items: Sequence[_T], *, key: Callable[[_T], float]) -> list[list[_T]]:
    """``items`` clustered by ``key`` (values within :data:`Y_TOLERANCE` of the previous
    one chain into a cluster), clusters in ascending order, items in their given order."""
    values = list(map(key, items))
    distinct = set(values)
    if max(distinct, default=0.0) - min(distinct, default=0.0) <= Y_TOLERANCE:
        return [list(items)] if items else []
    cluster = _chain(distinct, Y_TOLERANCE)
    groups: dict[int, list[_T]] = defaultdict(list)
    for item, value in zip(items, values, strict=True):
        groups[cluster[value]].append(item)
    return [groups[number] for number in sorted(groups)]


def _chain(values: Iterable[float], tolerance: float) -> dict[float, int]:
    """Each value's cluster number: sorted values within ``tolerance`` of the one before
    share a cluster (pdfplumber's ``cluster_list``)."""
    cluster: dict[float, int] = {}
    last: float | None = None
    number = -1
    for value in sorted(values):
        if last is None or value > last + tolerance:
            number += 1
        cluster[value] = number
        last = value
    return cluster


# --- ruled tables ------------------------------------------------------------------------------


def ruled_tables(
    horizontal: Sequence[Edge],
    vertical: Sequence[Edge],
    chars: Sequence[Char],
    words: Sequence[Word],
) -> tuple[RuledTable, ...]:
    """The tables the edges draw, with the text of each cell (``words`` are the words of
    ``chars``)."""
    h_edges = _merge([e for e in horizontal if e[2] - e[1] >= MIN_EDGE_PREFILTER])
    v_edges = _merge([e for e in vertical if e[2] - e[1] >= MIN_EDGE_PREFILTER])
    crossings = _intersections(h_edges, v_edges)
    cells = _cells(crossings)
    return tuple(_table(group, chars, words) for group in _tables(cells))


def _merge(edges: Sequence[Edge]) -> list[Edge]:
    """Snap edges to the mean position of their cluster, join those on one line, keep the
    ones at least :data:`MIN_EDGE` long."""
    snapped: list[Edge] = []
    for cluster in _clusters(edges):
        mean = sum(e[0] for e in cluster) / len(cluster)
        snapped.extend((mean, e[1], e[2]) for e in cluster)
    joined: list[Edge] = []
    for position, group in groupby(sorted(snapped), key=lambda e: e[0]):
        current: Edge | None = None
        for edge in group:  # sorted by start
            if current is not None and edge[1] <= current[2] + JOIN_TOLERANCE:
                current = (position, current[1], max(current[2], edge[2]))
                continue
            if current is not None:
                joined.append(current)
            current = edge
        if current is not None:
            joined.append(current)
    return [e for e in joined if e[2] - e[1] >= MIN_EDGE]


def _clusters(edges: Sequence[Edge]) -> list[list[Edge]]:
    """Edges whose positions chain within :data:`SNAP_TOLERANCE`, in input order."""
    cluster = _chain({e[0] for e in edges}, SNAP_TOLERANCE)
    groups: dict[int, list[Edge]] = defaultdict(list)
    for edge in edges:
        groups[cluster[edge[0]]].append(edge)
    return [groups[n] for n in sorted(groups)]


@dataclass(slots=True)
class _Crossing:
    """The edges that meet at one point."""

    h: set[Edge]
    v: set[Edge]


def _intersections(h_edges: Sequence[Edge], v_edges: Sequence[Edge]) -> dict[Point, _Crossing]:
    tol = INTERSECTION_TOLERANCE
    points: dict[Point, _Crossing] = {}
    for v in sorted(v_edges):
        x, top, bottom = v
        for h in sorted(h_edges):
            y, x0, x1 = h
            if top <= y + tol and bottom >= y - tol and x0 - tol <= x <= x1 + tol:
                crossing = points.setdefault((x, y), _Crossing(set(), set()))
                crossing.v.add(v)
                crossing.h.add(h)
    return points


def _cells(points: dict[Point, _Crossing]) -> list[Cell]:
    """The smallest cell with its top left corner at each point, where there is one (points
    in order of x, then y)."""
    by_x: dict[float, list[float]] = defaultdict(list)
    by_y: dict[float, list[float]] = defaultdict(list)
    for x, y in sorted(points):
        by_x[x].append(y)
        by_y[y].append(x)
    cells: list[Cell] = []
    for x, column in by_x.items():
        for i, y in enumerate(column):
            row = by_y[y]
            right = row[bisect_right(row, x) :]
            cell = _smallest_cell(points, (x, y), column[i + 1 :], right)
            if cell is not None:
                cells.append(cell)
    return cells


def _smallest_cell(
    points: dict[Point, _Crossing], corner: Point, below: list[float], right: list[float]
) -> Cell | None:
    """The cell from ``corner`` to the nearest point below and right of it that edges join
    to it on all four sides; ``below`` and ``right`` are the ys under and xs beside it."""
    x, y = corner
    here = points[corner]
    for down_y in below:
        down = points[(x, down_y)]
        if here.v.isdisjoint(down.v):
            continue
        for across_x in right:
            across = points[(across_x, y)]
            if here.h.isdisjoint(across.h):
                continue
            far = points.get((across_x, down_y))
            if far is not None and not far.v.isdisjoint(across.v) and not far.h.isdisjoint(down.h):
                return (x, y, across_x, down_y)
    return None


def _tables(cells: Sequence[Cell]) -> list[list[Cell]]:
    """Cells grouped into tables by shared corners, top to bottom; single cells dropped."""
    corners = [_corners(cell) for cell in cells]
    sharing: dict[Point, list[int]] = defaultdict(list)
    for number, four in enumerate(corners):
        for corner in four:
            sharing[corner].append(number)
    seen: set[int] = set()
    tables: list[list[Cell]] = []
    for start in range(len(cells)):
        if start in seen:
            continue
        seen.add(start)
        group, todo = [start], [start]
        while todo:
            for corner in corners[todo.pop()]:
                for other in sharing[corner]:
                    if other not in seen:
                        seen.add(other)
                        group.append(other)
                        todo.append(other)
        tables.append([cells[n] for n in sorted(group)])
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def _corners(cell: Cell) -> tuple[Point, Point, Point, Point]:
    x0, top, x1, bottom = cell
    return ((x0, top), (x0, bottom), (x1, top), (x1, bottom))


def _table(cells: Sequence[Cell], chars: Sequence[Char], words: Sequence[Word]) -> RuledTable:
    """The table of ``cells``: rows by top, a column per distinct left edge."""
    bbox = (
        min(c[0] for c in cells),
        min(c[1] for c in cells),
        max(c[2] for c in cells),
        max(c[3] for c in cells),
    )
    xs = sorted({c[0] for c in cells})
    rows = [
        [by_x.get(x) for x in xs]
        for by_x in (
            {c[0]: c for c in group}
            for _, group in groupby(sorted(cells, key=lambda c: (c[1], c[0])), key=lambda c: c[1])
        )
    ]
    texts = _texts_of_words(cells, bbox, words)
    if texts is None:
        texts = _texts_of_chars(rows, bbox, chars)
    grid = tuple(tuple(None if c is None else texts.get(c, "") for c in row) for row in rows)
    return RuledTable(bbox=bbox, rows=grid)


def _texts_of_words(
    cells: Sequence[Cell], bbox: Cell, words: Sequence[Word]
) -> dict[Cell, str] | None:
    """The text of each cell from the page's words, when the cells form a plain grid (no
    spans) and every word that touches the table lies within one cell: then a cell's
    characters are those of its words, and they make the same words. Else None."""
    xs = sorted({c[0] for c in cells} | {c[2] for c in cells})
    ys = sorted({c[1] for c in cells} | {c[3] for c in cells})
    column = {x: i for i, x in enumerate(xs)}
    row = {y: i for i, y in enumerate(ys)}
    grid = {(column[c[0]], row[c[1]]): c for c in cells}
    if any(column[c[2]] != column[c[0]] + 1 or row[c[3]] != row[c[1]] + 1 for c in cells):
        return None  # a cell spans columns or rows
    inside: dict[Cell, list[Word]] = defaultdict(list)
    x0, top, x1, bottom = bbox
    for word in words:
        if word.x1 <= x0 or word.x0 >= x1 or word.bottom <= top or word.top >= bottom:
            continue
        i, j = bisect_right(xs, word.x0) - 1, bisect_right(ys, word.top) - 1
        cell = grid.get((i, j))
        if cell is None or word.x1 > cell[2] or word.bottom > cell[3]:
            return None
        inside[cell].append(word)
    return {cell: _joined(found) for cell, found in inside.items()}


def _texts_of_chars(
    rows: Sequence[Sequence[Cell | None]], bbox: Cell, chars: Sequence[Char]
) -> dict[Cell, str]:
    """The text of each cell from the characters centred in it (pdfplumber's way)."""
    inside = sorted(
        (((ch[3] + ch[4]) / 2, ch) for ch in chars if _centre_in(ch, bbox)), key=itemgetter(0)
    )
    heights = [y for y, _ in inside]
    texts: dict[Cell, str] = {}
    for row in rows:
        present = [c for c in row if c is not None]
        top, bottom = min(c[1] for c in present), max(c[3] for c in present)
        in_row = [ch for _, ch in inside[bisect_left(heights, top) : bisect_left(heights, bottom)]]
        for cell in present:
            found = [ch for ch in in_row if _centre_in(ch, cell)]
            texts[cell] = _joined(words_of(found, 0)) if found else ""
    return texts


def _centre_in(char: Char, box: Cell) -> bool:
    x = (char[1] + char[2]) / 2
    y = (char[3] + char[4]) / 2
    return box[0] <= x < box[2] and box[1] <= y < box[3]


def _joined(words: Sequence[Word]) -> str:
    """Words as text: lines (by top) joined by newlines, words of a line by spaces."""
    if len(words) == 1:
        return words[0].text
    return "\n".join(" ".join(w.text for w in line) for line in _lines(words, key=_WORD_TOP))

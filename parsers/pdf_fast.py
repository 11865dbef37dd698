"""The text layer of a PDF read with PDFium (pypdfium2): :class:`PdfiumSource`. Pure: no IO.

pdfplumber (over pdfminer, in Python) takes 20-50 ms of CPU for a one-page remittance; PDFium
(C++, the PDF engine of Chromium, already here for the review app's page images) gives the
same characters with their boxes in 1-2 ms. This source reads with PDFium what
:class:`parsers.pdf_text.PdfplumberSource` reads with pdfplumber, in pdfplumber's coordinates
(points from the top left corner of the page as displayed, ``/Rotate`` applied), and turns
it into words and ruled tables with pdfplumber's rules (:mod:`parsers.pdf_lattice`):

- characters: PDFium's text page, each with its loose box (the font's ascent to descent, as
  pdfminer's boxes are); the spaces and line breaks PDFium adds between text objects are
  left out (pdfplumber sees only drawn characters); text that is not upright on the
  displayed page is left out, as ``page_words(upright_only=True)`` does;
- ruling lines: the segments of the page's path objects (inside form XObjects too) that
  are horizontal or vertical, as pdfplumber's ``page.edges`` (lines, rectangle sides and
  curve segments); a page has rules with :data:`parsers.pdf_text.MIN_RULES` of each.

PDFium is not thread-safe: every call runs under :data:`parsers.pdf_text.PDF_LOCK`, and every
document, page and text page is closed. PDFium aborts the process when an allocation fails
(no MemoryError to catch), so a PDF is only given to it when what its streams inflate to and
the page content PDFium would parse are bounded (:func:`parsers.pdf_streams.check_expansion`);
others raise :class:`~parsers.pdf_streams.PdfiumDeclinedError` and are for pdfplumber, whose
bombs end in MemoryError.
"""

from __future__ import annotations

import ctypes
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby, pairwise
from typing import Any

import pypdfium2.raw as pdfium  # type: ignore[import-untyped]

from core.errors import UnreadableDocumentError
from parsers.pdf_lattice import Char, Edge, ruled_tables, words_of
from parsers.pdf_streams import check_expansion
from parsers.pdf_text import (
    MALFORMED,
    MIN_RULES,
    NEEDS_PASSWORD,
    PDF_LOCK,
    PageText,
    RuledTable,
    Word,
    check_pdf_header,
)

#: Form XObjects nested deeper than this are not looked into for ruling lines.
MAX_FORM_DEPTH = 12
#: Path segments read per page at most (a page of vector art is no table).
MAX_SEGMENTS = 50_000
#: Coordinates closer than this (pt) are equal when telling horizontal from vertical.
AXIS_EPSILON = 1e-3
#: A text object narrower than this (pt) is left out of PDFium's text page (PDFium's own
#: limit): a space drawn on its own, which pdfplumber sees as a blank character.
BLANK_WIDTH = 0.01
#: How far (pt) such an object may be from where PDFium put its own space.
BLANK_REACH = 3.0
#: Characters that are not drawn: the line breaks PDFium adds.
_NOT_DRAWN = frozenset("\r\n")
#: Characters of PDFium's bulk text that need a look at the character itself.
_ODD = frozenset(["\ufffe", "\x02", *map(chr, range(0xD800, 0xE000))])
#: A character as PDFium gives it: text, left, bottom, right, top (user space).
_Corners = tuple[str, float, float, float, float]
#: The linear part (a, b, c, d) of a matrix.
_Linear = tuple[float, float, float, float]
#: pdfminer's device matrix of each ``/Rotate`` (0, 90, 180, 270): uprightness is judged in it.
_ROTATIONS: tuple[_Linear, ...] = ((1, 0, 0, 1), (0, -1, 1, 0), (-1, 0, 0, -1), (0, 1, -1, 0))


class PdfiumSource:
    """:class:`parsers.pdf_text.TextSource` over PDFium: characters, words, ruling lines and
    ruled tables of each page.

    Raises (from :meth:`read_pages`):
        UnreadableDocumentError: ``"empty file"``, ``"not a PDF"``, ``"needs password"``,
            ``"malformed PDF"``.
        PdfiumDeclinedError: the PDF's streams may inflate past the budget (or cannot be
            measured): read it with pdfplumber.
    """

    def read_pages(
        self, data: bytes, *, filename: str | None, max_pages: int
    ) -> Sequence[PageText]:
        check_pdf_header(data, filename=filename)
        check_expansion(data)
        with PDF_LOCK:
            return _read_document(data, filename=filename, max_pages=max_pages)


def _read_document(data: bytes, *, filename: str | None, max_pages: int) -> list[PageText]:
    doc = pdfium.FPDF_LoadMemDocument64(data, len(data), None)
    if not doc:
        code = pdfium.FPDF_GetLastError()
        if code in (pdfium.FPDF_ERR_PASSWORD, pdfium.FPDF_ERR_SECURITY):
            raise UnreadableDocumentError(NEEDS_PASSWORD, filename=filename)
        raise UnreadableDocumentError(MALFORMED, filename=filename)
    try:
        pages: list[PageText] = []
        for number in range(min(pdfium.FPDF_GetPageCount(doc), max_pages)):
            page = pdfium.FPDF_LoadPage(doc, number)
            if not page:
                raise UnreadableDocumentError(MALFORMED, filename=filename)
            try:
                pages.append(_read_page(page, number))
            finally:
                pdfium.FPDF_ClosePage(page)
        return pages
    finally:
        pdfium.FPDF_CloseDocument(doc)


def _read_page(page: object, number: int) -> PageText:
    frame = _frame(page)
    drawn = _Drawn(frame=frame)
    drawn.walk(page, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), depth=0)
    runs = _upright_runs(page, frame, drawn)
    words: list[Word] = [w for run in runs for w in words_of(run, number)]
    has_rules = len(drawn.horizontal) >= MIN_RULES and len(drawn.vertical) >= MIN_RULES
    tables: tuple[RuledTable, ...] = ()
    if has_rules and words:
        chars = [c for run in runs for c in run]
        tables = ruled_tables(drawn.horizontal, drawn.vertical, chars, words)
    return PageText(number=number, words=tuple(words), has_rules=has_rules, tables=tables)


@dataclass(frozen=True, slots=True)
class _Frame:
    """The page as displayed: its ``/Rotate`` in quarter turns clockwise and its box in user
    space. Maps user space to pdfplumber's coordinates (x, top from the top left corner)."""

    turns: int
    left: float
    bottom: float
    right: float
    top: float

    @property
    def device(self) -> _Linear:
        return _ROTATIONS[self.turns]

    def point(self, x: float, y: float) -> tuple[float, float]:
        if self.turns == 1:
            return y - self.bottom, x - self.left
        if self.turns == 2:
            return self.right - x, y - self.bottom
        if self.turns == 3:
            return self.top - y, self.right - x
        return x - self.left, self.top - y

    def chars(self, corners: Sequence[_Corners]) -> list[Char]:
        """Characters with their boxes (left, bottom, right, top in user space) mapped, one
        expression per turn (this runs once per character)."""
        x, y, r, t = self.left, self.bottom, self.right, self.top
        n = self._normalised
        if self.turns == 1:
            return [(c, b - y, u - y, lf - x, rt - x) if lf <= rt and b <= u else n(c, lf, b, rt, u)
                    for c, lf, b, rt, u in corners]  # fmt: skip
        if self.turns == 2:
            return [(c, r - rt, r - lf, b - y, u - y) if lf <= rt and b <= u else n(c, lf, b, rt, u)
                    for c, lf, b, rt, u in corners]  # fmt: skip
        if self.turns == 3:
            return [(c, t - u, t - b, r - rt, r - lf) if lf <= rt and b <= u else n(c, lf, b, rt, u)
                    for c, lf, b, rt, u in corners]  # fmt: skip
        return [(c, lf - x, rt - x, t - u, t - b) if lf <= rt and b <= u else n(c, lf, b, rt, u)
                for c, lf, b, rt, u in corners]  # fmt: skip

    def _normalised(self, char: str, x0: float, y0: float, x1: float, y1: float) -> Char:
        (ax, ay), (bx, by) = self.point(x0, y0), self.point(x1, y1)
        return (char, min(ax, bx), max(ax, bx), min(ay, by), max(ay, by))


def _frame(page: object) -> _Frame:
    box = pdfium.FS_RECTF()
    if not pdfium.FPDF_GetPageBoundingBox(page, ctypes.byref(box)):
        box.left, box.bottom = 0.0, 0.0
        box.right = pdfium.FPDF_GetPageWidthF(page)
        box.top = pdfium.FPDF_GetPageHeightF(page)
    turns = pdfium.FPDFPage_GetRotation(page) % 4
    return _Frame(turns, box.left, min(box.bottom, box.top), box.right, max(box.bottom, box.top))


def _upright(m: _Linear, rotation: _Linear) -> bool:
    """pdfminer's test on the matrix in device space: not rotated, not turned sideways."""
    a, b, c, d = m
    ra, rb, rc, rd = rotation
    da, db = a * ra + b * rc, a * rb + b * rd
    dc, dd = c * ra + d * rc, c * rb + d * rd
    return da * dd > 0 and db * dc <= 0


# --- what is drawn: ruling lines, and whether all text is upright ------------------------------


@dataclass
class _Drawn:
    """The horizontal and vertical edges of a page's paths, and whether every text object
    on it is upright."""

    frame: _Frame
    horizontal: list[Edge] = field(default_factory=list)
    vertical: list[Edge] = field(default_factory=list)
    all_upright: bool = True
    segments: int = 0
    blanks: _Blanks = field(default_factory=lambda: _Blanks())

    def walk(self, parent: object, matrix: _Matrix, *, depth: int) -> None:
        """Every object of ``parent`` (a page, or a form object at ``depth`` > 0)."""
        if depth == 0:
            count, get = pdfium.FPDFPage_CountObjects(parent), _PAGE_OBJECT
        else:
            count, get = pdfium.FPDFFormObj_CountObjects(parent), _FORM_OBJECT
        for index in range(max(count, 0)):
            obj = get(parent, index)
            kind = _OBJECT_TYPE(obj)
            if kind == _TEXT:
                self._text(obj, matrix)
            elif kind == _PATH:
                self._path(obj, _compose(_object_matrix(obj), matrix))
            elif kind == _FORM and depth < MAX_FORM_DEPTH:
                self.walk(obj, _compose(_object_matrix(obj), matrix), depth=depth + 1)

    def _text(self, obj: object, matrix: _Matrix) -> None:
        """Whether the text object is upright, and where it is when PDFium's text page leaves
        it out (no width: a space drawn on its own)."""
        if self.all_upright:
            own = _object_matrix(obj)
            self.all_upright = _upright(_compose(own, matrix)[:4], self.frame.device)
        left, bottom, right, _top = _BOUNDS
        if _OBJECT_BOUNDS(obj, *_BOUNDS_REFS) and abs(right.value - left.value) < BLANK_WIDTH:
            a, b, c, d, e, f = matrix
            x, y = left.value, bottom.value
            self.blanks.add(a * x + c * y + e, b * x + d * y + f)

    def _path(self, obj: object, matrix: _Matrix) -> None:
        count = pdfium.FPDFPath_CountSegments(obj)
        if count <= 0 or self.segments + count > MAX_SEGMENTS:
            return
        self.segments += count
        for points in _subpaths(obj, count, matrix, self.frame):
            self._edges(points)

    def _edges(self, points: list[tuple[float, float]]) -> None:
        """pdfplumber's edges of one subpath: a line is horizontal when flat, else vertical;
        of a rectangle or curve, each horizontal or vertical step."""
        if len(points) == 2:
            (x0, t0), (x1, t1) = points
            if abs(t0 - t1) < AXIS_EPSILON:
                self.horizontal.append((t0, min(x0, x1), max(x0, x1)))
            else:
                self.vertical.append((min(x0, x1), min(t0, t1), max(t0, t1)))
            return
        for (x0, t0), (x1, t1) in pairwise(points):
            if abs(x0 - x1) < AXIS_EPSILON:
                self.vertical.append((x0, min(t0, t1), max(t0, t1)))
            elif abs(t0 - t1) < AXIS_EPSILON:
                self.horizontal.append((t0, min(x0, x1), max(x0, x1)))


#: A full matrix (a, b, c, d, e, f).
_Matrix = tuple[float, float, float, float, float, float]


def _object_matrix(obj: object) -> _Matrix:
    m = _MATRIX
    if not _OBJECT_MATRIX(obj, _MATRIX_REF):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: _Matrix, outer: _Matrix) -> _Matrix:
    """``inner`` then ``outer`` (PDF's row-vector convention)."""
    a, b, c, d, e, f = inner
    oa, ob, oc, od, oe, of = outer
    return (
        a * oa + b * oc,
        a * ob + b * od,
        c * oa + d * oc,
        c * ob + d * od,
        e * oa + f * oc + oe,
        e * ob + f * od + of,
    )


def _subpaths(
    obj: object, count: int, matrix: _Matrix, frame: _Frame
) -> Iterator[list[tuple[float, float]]]:
    """The points of each subpath in display coordinates: a Bézier segment's end point only
    (as pdfminer keeps it), and the start point again where a closed subpath ends elsewhere."""
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    px, py = ctypes.byref(x), ctypes.byref(y)
    points: list[tuple[float, float]] = []
    bezier = 0
    for index in range(count):
        segment = _SEGMENT(obj, index)
        if not segment or not _SEGMENT_POINT(segment, px, py):
            continue
        kind = _SEGMENT_TYPE(segment)
        if kind == _MOVETO:
            if len(points) > 1:
                yield points
            points, bezier = [], 0
        elif kind == _BEZIERTO:
            bezier += 1
            if bezier % 3:
                continue  # a control point
        point = frame.point(a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        points.append(point)
        if _SEGMENT_CLOSE(segment) and points[0] != point:
            points.append(points[0])
    if len(points) > 1:
        yield points


# --- characters ---------------------------------------------------------------------------------


def _upright_runs(page: object, frame: _Frame, drawn: _Drawn) -> list[list[Char]]:
    """The page's characters in runs of upright ones (pdfplumber groups words by runs of
    equal uprightness); characters that are not upright are left out."""
    textpage = pdfium.FPDFText_LoadPage(page)
    if not textpage:
        return []
    try:
        count = pdfium.FPDFText_CountChars(textpage)
        if count <= 0:
            return []
        indices, chars = _chars(textpage, count, frame, drawn.blanks)
        if drawn.all_upright:
            return [chars]
        rotation = frame.device
        m, ref = _MATRIX, _MATRIX_REF
        flags = []
        for index, char in zip(indices, chars, strict=True):
            _CHAR_MATRIX(textpage, index, ref)
            flags.append((_upright((m.a, m.b, m.c, m.d), rotation), char))
        return [[c for _, c in run] for up, run in groupby(flags, key=lambda f: f[0]) if up]
    finally:
        pdfium.FPDFText_ClosePage(textpage)


def _chars(
    textpage: object, count: int, frame: _Frame, blanks: _Blanks
) -> tuple[list[int], list[Char]]:
    """The index and the character of every character drawn on the page.

    PDFium puts a space between text objects set apart; pdfplumber sees only the characters
    drawn, and splits words at gaps wider than 3 pt. So a space PDFium made is left out,
    unless a space drawn on its own (which PDFium leaves out) is there: then that space is
    a blank character, with the height of the character before it.
    """
    text = _text(textpage, count)
    box = pdfium.FS_RECTF()
    ref = ctypes.byref(box)
    loose, generated = _LOOSE_CHAR_BOX, _IS_GENERATED
    indices: list[int] = []
    corners: list[_Corners] = []
    for index, char in enumerate(text):
        if char in _NOT_DRAWN or not loose(textpage, index, ref):
            continue
        if char == " " and box.left == box.right and generated(textpage, index) == 1:
            x = blanks.between(corners[-1], box.left, box.bottom) if corners else None
            if x is None:
                continue
            _, _, bottom, _, top = corners[-1]
            corners.append((" ", x, bottom, x, top))
        else:
            corners.append((char, box.left, box.bottom, box.right, box.top))
        indices.append(index)
    return indices, frame.chars(corners)


class _Blanks:
    """Where text objects without width are (user space, by rounded baseline): spaces drawn
    on their own, which PDFium's text page leaves out."""

    def __init__(self) -> None:
        self.by_line: dict[int, list[float]] = defaultdict(list)

    def add(self, x: float, y: float) -> None:
        self.by_line[round(y)].append(x)

    def between(self, before: _Corners, x: float, y: float) -> float | None:
        """The x of a blank on the baseline ``y`` after the character ``before`` and at most
        :data:`BLANK_REACH` past ``x`` (where PDFium put its space), or None."""
        if not self.by_line:
            return None
        start, line = before[3] - BLANK_REACH, round(y)
        found = [
            bx
            for key in (line - 1, line, line + 1)
            for bx in self.by_line.get(key, ())
            if start <= bx <= x + BLANK_REACH
        ]
        return min(found, key=lambda bx: abs(bx - before[3])) if found else None


def _text(textpage: object, count: int) -> Sequence[str]:
    """The text of each character of the text page: one bulk call, or one call per character
    where the bulk text does not line up with the indices. A hyphen PDFium marks as the end
    of a line is ``-``; a character without Unicode (PDFium's U+FFFE, a lone surrogate) is
    empty, as pdfplumber has it."""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = pdfium.FPDFText_GetText(textpage, 0, count, buffer)
    raw = bytes(buffer)[: max(written - 1, 0) * 2]
    text = raw.decode("utf-16-le", errors="surrogatepass")
    if len(text) != count:
        return [_char(pdfium.FPDFText_GetUnicode(textpage, i)) for i in range(count)]
    if _ODD.isdisjoint(text):
        return text
    return [
        _char(pdfium.FPDFText_GetUnicode(textpage, i)) if char in _ODD else char
        for i, char in enumerate(text)
    ]


def _char(code: int) -> str:
    if code in (0x2, 0xFFFE):
        return "-"  # a hyphen ending a line (PDFium's marks for it)
    if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000:
        return chr(code)
    return ""


def _unchecked(function: Any) -> Any:
    """``function`` without pypdfium2's argument conversion, a third of the cost of a call
    (for the calls made per character, object or path segment; the arguments must be
    ctypes objects or ints that fit a C int)."""
    fast = type(function)(ctypes.cast(function, ctypes.c_void_p).value)
    fast.restype = function.restype
    return fast


_LOOSE_CHAR_BOX = _unchecked(pdfium.FPDFText_GetLooseCharBox)
_IS_GENERATED = _unchecked(pdfium.FPDFText_IsGenerated)
_CHAR_MATRIX = _unchecked(pdfium.FPDFText_GetMatrix)
_PAGE_OBJECT = _unchecked(pdfium.FPDFPage_GetObject)
_FORM_OBJECT = _unchecked(pdfium.FPDFFormObj_GetObject)
_OBJECT_TYPE = _unchecked(pdfium.FPDFPageObj_GetType)
_OBJECT_MATRIX = _unchecked(pdfium.FPDFPageObj_GetMatrix)
_SEGMENT = _unchecked(pdfium.FPDFPath_GetPathSegment)
_SEGMENT_POINT = _unchecked(pdfium.FPDFPathSegment_GetPoint)
_SEGMENT_TYPE = _unchecked(pdfium.FPDFPathSegment_GetType)
_SEGMENT_CLOSE = _unchecked(pdfium.FPDFPathSegment_GetClose)
_OBJECT_BOUNDS = _unchecked(pdfium.FPDFPageObj_GetBounds)
_TEXT, _PATH, _FORM = pdfium.FPDF_PAGEOBJ_TEXT, pdfium.FPDF_PAGEOBJ_PATH, pdfium.FPDF_PAGEOBJ_FORM
_MOVETO, _BEZIERTO = pdfium.FPDF_SEGMENT_MOVETO, pdfium.FPDF_SEGMENT_BEZIERTO
#: One matrix buffer for the object matrices (all PDFium calls run under the PDF lock).
_MATRIX = pdfium.FS_MATRIX()
_MATRIX_REF = ctypes.byref(_MATRIX)
_BOUNDS = (ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float())
_BOUNDS_REFS = tuple(ctypes.byref(v) for v in _BOUNDS)

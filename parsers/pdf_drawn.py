"""What PDFium says is drawn on a page, for :mod:`parsers.pdf_fast`: the page as displayed
(``/Rotate`` and box), the horizontal and vertical segments of its paths (pdfplumber's
``page.edges``), whether all its text is upright, and where spaces drawn on their own are.
Calls PDFium: callers hold :data:`parsers.pdf_text.PDF_LOCK`.

Path objects inside form XObjects count, with the forms' matrices. A segment counts as
pdfminer counts it: a subpath of two points is a line (horizontal when flat, else vertical, as
pdfplumber has it); of a longer one (a rectangle, a curve) each horizontal or vertical step,
a Bézier segment by its end point. Text is upright by pdfminer's test on the matrix in device
space (the page's rotation applied). A text object with no width is left out of PDFium's text
page: such an object is a space drawn on its own, which pdfplumber sees as a blank character.
"""

from __future__ import annotations

import ctypes
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import pypdfium2.raw as pdfium  # type: ignore[import-untyped]

from parsers.pdf_lattice import Char, Edge

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
#: A character as PDFium gives it: text, left, bottom, right, top (user space).
Corners = tuple[str, float, float, float, float]
#: The linear part (a, b, c, d) of a matrix.
Linear = tuple[float, float, float, float]
#: A full matrix (a, b, c, d, e, f).
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
#: pdfminer's device matrix of each ``/Rotate`` (0, 90, 180, 270): uprightness is judged in it.
_ROTATIONS: tuple[Linear, ...] = ((1, 0, 0, 1), (0, -1, 1, 0), (-1, 0, 0, -1), (0, 1, -1, 0))


@dataclass(frozen=True, slots=True)
class Frame:
    """The page as displayed: its ``/Rotate`` in quarter turns clockwise and its box in user
    space. Maps user space to pdfplumber's coordinates (x, top from the top left corner)."""

    turns: int
    left: float
    bottom: float
    right: float
    top: float

    @property
    def device(self) -> Linear:
        return _ROTATIONS[self.turns]

    def point(self, x: float, y: float) -> tuple[float, float]:
        if self.turns == 1:
            return y - self.bottom, x - self.left
        if self.turns == 2:
            return self.right - x, y - self.bottom
        if self.turns == 3:
            return self.top - y, self.right - x
        return x - self.left, self.top - y

    def chars(self, corners: Sequence[Corners]) -> list[Char]:
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


def frame_of(page: object) -> Frame:
    box = pdfium.FS_RECTF()
    if not pdfium.FPDF_GetPageBoundingBox(page, ctypes.byref(box)):
        box.left, box.bottom = 0.0, 0.0
        box.right = pdfium.FPDF_GetPageWidthF(page)
        box.top = pdfium.FPDF_GetPageHeightF(page)
    turns = pdfium.FPDFPage_GetRotation(page) % 4
    return Frame(turns, box.left, min(box.bottom, box.top), box.right, max(box.bottom, box.top))


def upright(m: Linear, rotation: Linear) -> bool:
    """pdfminer's test on the matrix in device space: not rotated, not turned sideways."""
    a, b, c, d = m
    ra, rb, rc, rd = rotation
    da, db = a * ra + b * rc, a * rb + b * rd
    dc, dd = c * ra + d * rc, c * rb + d * rd
    return da * dd > 0 and db * dc <= 0


@dataclass
class Drawn:
    """The horizontal and vertical edges of a page's paths, and whether every text object
    on it is upright."""

    frame: Frame
    horizontal: list[Edge] = field(default_factory=list)
    vertical: list[Edge] = field(default_factory=list)
    all_upright: bool = True
    segments: int = 0
    blanks: Blanks = field(default_factory=lambda: Blanks())

    def walk(self, parent: object, matrix: Matrix, *, depth: int) -> None:
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

    def _text(self, obj: object, matrix: Matrix) -> None:
        """Whether the text object is upright, and where it is when PDFium's text page leaves
        it out (no width: a space drawn on its own)."""
        if self.all_upright:
            own = _object_matrix(obj)
            self.all_upright = upright(_compose(own, matrix)[:4], self.frame.device)
        left, bottom, right, _top = _BOUNDS
        if _OBJECT_BOUNDS(obj, *_BOUNDS_REFS) and abs(right.value - left.value) < BLANK_WIDTH:
            a, b, c, d, e, f = matrix
            x, y = left.value, bottom.value
            self.blanks.add(a * x + c * y + e, b * x + d * y + f)

    def _path(self, obj: object, matrix: Matrix) -> None:
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


def _object_matrix(obj: object) -> Matrix:
    m = _MATRIX
    if not _OBJECT_MATRIX(obj, _MATRIX_REF):
        return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
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
    obj: object, count: int, matrix: Matrix, frame: Frame
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


class Blanks:
    """Where text objects without width are (user space, by rounded baseline): spaces drawn
    on their own, which PDFium's text page leaves out."""

    def __init__(self) -> None:
        self.by_line: dict[int, list[float]] = defaultdict(list)

    def add(self, x: float, y: float) -> None:
        self.by_line[round(y)].append(x)

    def between(self, before: Corners, x: float, y: float) -> float | None:
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


def unchecked(function: Any) -> Any:
    """``function`` without pypdfium2's argument conversion, a third of the cost of a call
    (for the calls made per character, object or path segment; the arguments must be
    ctypes objects or ints that fit a C int)."""
    fast = type(function)(ctypes.cast(function, ctypes.c_void_p).value)
    fast.restype = function.restype
    return fast


_PAGE_OBJECT = unchecked(pdfium.FPDFPage_GetObject)
_FORM_OBJECT = unchecked(pdfium.FPDFFormObj_GetObject)
_OBJECT_TYPE = unchecked(pdfium.FPDFPageObj_GetType)
_OBJECT_MATRIX = unchecked(pdfium.FPDFPageObj_GetMatrix)
_SEGMENT = unchecked(pdfium.FPDFPath_GetPathSegment)
_SEGMENT_POINT = unchecked(pdfium.FPDFPathSegment_GetPoint)
_SEGMENT_TYPE = unchecked(pdfium.FPDFPathSegment_GetType)
_SEGMENT_CLOSE = unchecked(pdfium.FPDFPathSegment_GetClose)
_OBJECT_BOUNDS = unchecked(pdfium.FPDFPageObj_GetBounds)
_TEXT, _PATH, _FORM = pdfium.FPDF_PAGEOBJ_TEXT, pdfium.FPDF_PAGEOBJ_PATH, pdfium.FPDF_PAGEOBJ_FORM
_MOVETO, _BEZIERTO = pdfium.FPDF_SEGMENT_MOVETO, pdfium.FPDF_SEGMENT_BEZIERTO
#: Buffers for object matrices and bounds (all PDFium calls run under the PDF lock).
_MATRIX = pdfium.FS_MATRIX()
_MATRIX_REF = ctypes.byref(_MATRIX)
_BOUNDS = (ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float())
_BOUNDS_REFS = tuple(ctypes.byref(v) for v in _BOUNDS)

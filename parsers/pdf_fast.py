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
  curve segments; :mod:`parsers.pdf_drawn`); a page has rules with
  :data:`parsers.pdf_text.MIN_RULES` of each.

PDFium is not thread-safe: every call runs under :data:`parsers.pdf_text.PDF_LOCK`, and every
document, page and text page is closed. PDFium aborts the process when an allocation fails
(no MemoryError to catch), so a PDF is only given to it when what its streams inflate to and
the page content PDFium would parse are bounded (:func:`parsers.pdf_streams.check_expansion`);
others raise :class:`~parsers.pdf_streams.PdfiumDeclinedError` and are for pdfplumber, whose
bombs end in MemoryError.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from itertools import groupby

import pypdfium2.raw as pdfium  # type: ignore[import-untyped]

from core.errors import UnreadableDocumentError
from parsers.pdf_drawn import IDENTITY, Blanks, Corners, Drawn, Frame, frame_of, unchecked, upright
from parsers.pdf_lattice import Char, ruled_tables, words_of
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

#: Characters that are not drawn: the line breaks PDFium adds.
_NOT_DRAWN = frozenset("\r\n")
#: Characters of PDFium's bulk text that need a look at the character itself.
_ODD = frozenset(["\ufffe", "\x02", *map(chr, range(0xD800, 0xE000))])


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
    frame = frame_of(page)
    drawn = Drawn(frame=frame)
    drawn.walk(page, IDENTITY, depth=0)
    runs = _upright_runs(page, frame, drawn)
    words: list[Word] = [w for run in runs for w in words_of(run, number)]
    has_rules = len(drawn.horizontal) >= MIN_RULES and len(drawn.vertical) >= MIN_RULES
    tables: tuple[RuledTable, ...] = ()
    if has_rules and words:
        chars = [c for run in runs for c in run]
        tables = ruled_tables(drawn.horizontal, drawn.vertical, chars, words)
    return PageText(number=number, words=tuple(words), has_rules=has_rules, tables=tables)


# --- characters ---------------------------------------------------------------------------------


def _upright_runs(page: object, frame: Frame, drawn: Drawn) -> list[list[Char]]:
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
            flags.append((upright((m.a, m.b, m.c, m.d), rotation), char))
        return [[c for _, c in run] for up, run in groupby(flags, key=lambda f: f[0]) if up]
    finally:
        pdfium.FPDFText_ClosePage(textpage)


def _chars(
    textpage: object, count: int, frame: Frame, blanks: Blanks
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
    corners: list[Corners] = []
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


_LOOSE_CHAR_BOX = unchecked(pdfium.FPDFText_GetLooseCharBox)
_IS_GENERATED = unchecked(pdfium.FPDFText_IsGenerated)
_CHAR_MATRIX = unchecked(pdfium.FPDFText_GetMatrix)
#: A buffer for character matrices (all PDFium calls run under the PDF lock).
_MATRIX = pdfium.FS_MATRIX()
_MATRIX_REF = ctypes.byref(_MATRIX)

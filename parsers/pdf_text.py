"""The text layer of a PDF as positioned words: the one pdfplumber adapter. Pure: no IO.

:func:`check_pdf_header` rejects what is not a PDF before any parsing; :func:`read_pdf_pages`
opens a PDF under :data:`PDF_LOCK`, reads its first pages with a function given by the
caller and translates pdfplumber's and pdfminer's errors; :func:`page_words` gives a page's
words as :class:`Word` objects. The remittance reader (:mod:`parsers.remittance_pdf`) and the
invoice reader (:mod:`parsers.invoice_pdf`) both read PDFs through this module.

:class:`TextSource` is what the remittance reader needs from a PDF library: per page, the
words with their boxes, whether the page has ruling lines (both horizontal and vertical rules,
so a ruled table may be on it) and, for such pages only, the cells of its ruled tables.
:class:`PdfplumberSource` implements it with pdfplumber; :class:`parsers.pdf_fast.PdfiumSource`
with PDFium, the remittance reader's default (:mod:`parsers.remittance_pdf`).

Each page's words are read once (``page.extract_words``); lines and aligned columns are
derived from them by :mod:`parsers.pdf_layout`. Table finding (``page.find_tables``) is
costly and runs only on pages that have ruling lines.

A PDF that cannot be read raises :class:`~core.errors.UnreadableDocumentError` with one of
the reasons below; a decompression bomb that hits the memory limit raises MemoryError.
"""

from __future__ import annotations

import io
import struct
import threading
import warnings
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.psexceptions import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from core.errors import UnreadableDocumentError

#: Reasons of :class:`UnreadableDocumentError` raised while reading a PDF.
EMPTY_FILE = "empty file"
NOT_A_PDF = "not a PDF"
NEEDS_PASSWORD = "needs password"
NO_TEXT_LAYER = "no text layer, scan?"
MALFORMED = "malformed PDF"
#: The PDF header may follow some garbage, but not much (PDF 1.7, annex H.3).
HEADER_WINDOW = 1024
#: Rules of each direction a page needs before its ruled tables are looked for.
MIN_RULES = 2

#: pdfplumber renders through PDFium, which is not thread-safe (two threads in one process
#: crashed with SIGSEGV, seen here): all PDF work in this process goes through this lock.
PDF_LOCK = threading.Lock()
#: What pdfminer and pdfplumber raise on damaged files. pdfplumber wraps most errors in
#: PdfminerException, but raw TypeError/ValueError/KeyError/RecursionError also escape (one
#: raw TypeError in 144 damaged PDFs; see the qpdf corpus baseline).
PARSE_ERRORS = (
    PdfminerException,
    MalformedPDFException,
    PSException,
    ArithmeticError,
    AssertionError,
    AttributeError,
    EOFError,
    LookupError,
    NotImplementedError,
    RecursionError,
    TypeError,
    ValueError,
    struct.error,
    zlib.error,
)


_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a page; coordinates in points from the top left corner, ``page`` the
    page's index."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int = 0

    @property
    def height(self) -> float:
        return self.bottom - self.top


#: A table's rows of cells (None for a cell that does not exist, e.g. under a span).
Grid = tuple[tuple[str | None, ...], ...]


@dataclass(frozen=True, slots=True)
class RuledTable:
    """A table drawn with ruling lines: its box ``(x0, top, x1, bottom)`` and its cells."""

    bbox: tuple[float, float, float, float]
    rows: Grid


@dataclass(frozen=True, slots=True)
class PageText:
    """What a text source read from one page."""

    number: int
    words: tuple[Word, ...]
    has_rules: bool
    tables: tuple[RuledTable, ...] = ()

    @property
    def has_text(self) -> bool:
        return any(word.text.strip() for word in self.words)


class TextSource(Protocol):
    """Reads the pages of a PDF. Implementations raise ``UnreadableDocumentError``."""

    def read_pages(
        self, data: bytes, *, filename: str | None, max_pages: int
    ) -> Sequence[PageText]:
        """Words (and ruled tables) of the first ``max_pages`` pages of ``data``."""
        ...


class PdfplumberSource:
    """:class:`TextSource` over pdfplumber: one ``extract_words`` per page, and
    ``find_tables`` only on pages with ruling lines."""

    def read_pages(
        self, data: bytes, *, filename: str | None, max_pages: int
    ) -> Sequence[PageText]:
        return read_pdf_pages(data, filename=filename, max_pages=max_pages, read_page=_read_page)


def check_pdf_header(data: bytes, *, filename: str | None) -> None:
    """Raise :class:`UnreadableDocumentError` (``"empty file"``, ``"not a PDF"``) unless
    ``data`` starts like a PDF."""
    if not data.strip():
        raise UnreadableDocumentError(EMPTY_FILE, filename=filename)
    if b"%PDF" not in data[:HEADER_WINDOW]:
        raise UnreadableDocumentError(NOT_A_PDF, filename=filename)


def read_pdf_pages(
    data: bytes,
    *,
    filename: str | None,
    max_pages: int,
    read_page: Callable[[Page, int], _T],
) -> list[_T]:
    """``read_page(page, number)`` of each of the first ``max_pages`` pages of ``data``,
    under the PDF lock; each page is closed after it is read.

    Raises:
        UnreadableDocumentError: ``"needs password"`` or ``"malformed PDF"``.
        MemoryError: a decompression bomb hit the memory limit.
    """
    pages: list[_T] = []
    with PDF_LOCK, warnings.catch_warnings():
        # pdfminer reports recoverable damage as warnings; the outcome is what counts
        # here, and pytest runs with filterwarnings=error.
        warnings.simplefilter("ignore")
        try:
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                for number, page in enumerate(pdf.pages):
                    if number >= max_pages:
                        break
                    try:
                        pages.append(read_page(page, number))
                    finally:
                        page.close()  # frees the page's cached layout objects
        except PDFEncryptionError as e:
            raise UnreadableDocumentError(NEEDS_PASSWORD, filename=filename) from e
        except PARSE_ERRORS as e:
            raise _translate(e, filename=filename) from e
    return pages


def page_words(page: Page, number: int, *, upright_only: bool = True) -> tuple[Word, ...]:
    """The words of ``page`` (page index ``number``); with ``upright_only``, rotated words
    are left out."""
    return tuple(
        Word(
            text=str(w["text"]),
            x0=float(w["x0"]),
            x1=float(w["x1"]),
            top=float(w["top"]),
            bottom=float(w["bottom"]),
            page=number,
        )
        for w in page.extract_words(keep_blank_chars=False, use_text_flow=False)
        if not upright_only or w.get("upright", True)
    )


def _translate(error: BaseException, *, filename: str | None) -> Exception:
    """The error to raise for a parse failure ``error``."""
    if out_of_memory(error):  # a decompression bomb against the memory limit
        return MemoryError(f"{filename or 'PDF'}: out of memory while inflating")
    if isinstance(error, PdfminerException):
        cause = error.args[0] if error.args else None
        if isinstance(cause, PDFEncryptionError):
            return UnreadableDocumentError(NEEDS_PASSWORD, filename=filename)
    return UnreadableDocumentError(MALFORMED, filename=filename)


def out_of_memory(error: BaseException) -> bool:
    """Whether ``error`` or what caused it is an allocation failure (MemoryError, or zlib's
    "Error -4 ... insufficient memory")."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, MemoryError):
            return True
        if isinstance(current, zlib.error) and "-4" in str(current):
            return True
        current = (
            current.__cause__
            or current.__context__
            or next((a for a in current.args if isinstance(a, BaseException)), None)
        )
    return False


def _read_page(page: Page, number: int) -> PageText:
    words = page_words(page, number)
    edges = page.edges
    vertical = sum(1 for e in edges if e.get("orientation") == "v")
    horizontal = sum(1 for e in edges if e.get("orientation") == "h")
    has_rules = vertical >= MIN_RULES and horizontal >= MIN_RULES
    tables: tuple[RuledTable, ...] = ()
    if has_rules and words:
        tables = tuple(
            RuledTable(
                bbox=tuple(float(v) for v in table.bbox),  # type: ignore[arg-type]
                rows=tuple(tuple(cell for cell in row) for row in table.extract()),
            )
            for table in page.find_tables()
        )
    return PageText(number=number, words=words, has_rules=has_rules, tables=tables)

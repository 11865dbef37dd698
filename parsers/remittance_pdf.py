"""Remittance advice PDFs (pdfplumber) to a :class:`~core.types.Remittance`. Pure: no IO.

Each page's ruled tables (``page.extract_tables()``) are read first: every row becomes one
line ``"cell | cell | cell"`` for :func:`parsers.remittance_text.scan_lines`, the same line
logic as mail bodies. A page whose tables give no remittance line is read from its text
layer (``page.extract_text()``) instead, which covers unruled, column-aligned layouts.
Subtotals and repeated header rows of multi-page advices are skipped by the line logic.

A PDF that cannot be read raises :class:`~core.errors.UnreadableDocumentError` with one of
the reasons below. Limits: pdfminer inflates streams without a size cap (a 195 KB PDF
reached 416 MB, DESIGN.md), so untrusted PDFs belong in a child process with memory and time
limits; this module only caps the pages read.
"""

from __future__ import annotations

import io
import struct
import threading
import warnings
import zlib
from dataclasses import dataclass
from decimal import Decimal

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from core.errors import UnreadableDocumentError
from core.types import Remittance, RemittanceLine
from parsers.remittance_text import LineScan, scan_lines

#: Reasons of :class:`UnreadableDocumentError` raised here.
NEEDS_PASSWORD = "needs password"
NO_TEXT_LAYER = "no text layer, scan?"
MALFORMED = "malformed PDF"
EMPTY_FILE = "empty file"
NOT_A_PDF = "not a PDF"
#: Pages read at most; the rest of a longer PDF is ignored.
MAX_PAGES = 50
#: The PDF header may follow some garbage, but not much (PDF 1.7, annex H.3).
HEADER_WINDOW = 1024
CELL_SEPARATOR = " | "

#: pdfplumber renders through PDFium, which is not thread-safe (two threads in one process
#: crashed with SIGSEGV; DESIGN.md): all PDF work in this process goes through this lock.
_PDF_LOCK = threading.Lock()
#: What pdfminer and pdfplumber raise on damaged files. pdfplumber wraps most errors in
#: PdfminerException, but raw TypeError/ValueError/KeyError/RecursionError also escape (one
#: raw TypeError in 144 damaged PDFs; see the qpdf corpus baseline).
_PARSE_ERRORS = (
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


@dataclass(frozen=True, slots=True)
class _Page:
    """The raw text of one page: its table rows (cells joined) and its text lines."""

    table_rows: tuple[str, ...]
    text_lines: tuple[str, ...]

    @property
    def has_text(self) -> bool:
        return any(row.strip(" |") for row in self.table_rows) or any(
            line.strip() for line in self.text_lines
        )


def parse_pdf_remittance(
    data: bytes, *, filename: str | None = None, max_pages: int = MAX_PAGES
) -> Remittance | None:
    """The remittance in the PDF ``data``, or None when it has text but no remittance lines.

    Args:
        data: the PDF file.
        filename: for error messages only.
        max_pages: pages read at most; later pages are ignored.

    Raises:
        UnreadableDocumentError: with ``reason`` one of ``"empty file"``, ``"not a PDF"``,
            ``"needs password"``, ``"malformed PDF"``, ``"no text layer, scan?"``.
    """
    if not data.strip():
        raise UnreadableDocumentError(EMPTY_FILE, filename=filename)
    if b"%PDF" not in data[:HEADER_WINDOW]:
        raise UnreadableDocumentError(NOT_A_PDF, filename=filename)
    pages = _read_pages(data, filename=filename, max_pages=max_pages)
    if not pages:
        raise UnreadableDocumentError(MALFORMED, filename=filename)
    if not any(page.has_text for page in pages):
        raise UnreadableDocumentError(NO_TEXT_LAYER, filename=filename)
    return _remittance_of(pages)


def _read_pages(data: bytes, *, filename: str | None, max_pages: int) -> list[_Page]:
    """Table rows and text lines of the first ``max_pages`` pages, under the PDF lock."""
    pages: list[_Page] = []
    with _PDF_LOCK, warnings.catch_warnings():
        # pdfminer reports recoverable damage as warnings; the outcome is what counts here,
        # and pytest runs with filterwarnings=error.
        warnings.simplefilter("ignore")
        try:
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                for number, page in enumerate(pdf.pages):
                    if number >= max_pages:
                        break
                    try:
                        pages.append(_read_page(page))
                    finally:
                        page.close()  # frees the page's cached layout objects
        except PDFEncryptionError as e:
            raise UnreadableDocumentError(NEEDS_PASSWORD, filename=filename) from e
        except (PdfminerException, *_PARSE_ERRORS) as e:
            if _out_of_memory(e):  # a decompression bomb against the memory limit
                raise MemoryError(f"{filename or 'PDF'}: out of memory while inflating") from e
            if not isinstance(e, PdfminerException):
                raise UnreadableDocumentError(MALFORMED, filename=filename) from e
            cause = e.args[0] if e.args else None
            if isinstance(cause, PDFEncryptionError):
                raise UnreadableDocumentError(NEEDS_PASSWORD, filename=filename) from e
            raise UnreadableDocumentError(MALFORMED, filename=filename) from e
    return pages


def _out_of_memory(error: BaseException) -> bool:
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


def _read_page(page: pdfplumber.page.Page) -> _Page:
    rows = []
    for table in page.extract_tables():
        for row in table:
            cells = [" ".join((cell or "").split()) for cell in row]
            if any(cells):
                rows.append(CELL_SEPARATOR.join(cells))
    text = page.extract_text() or ""
    return _Page(table_rows=tuple(rows), text_lines=tuple(text.splitlines()))


def _remittance_of(pages: list[_Page]) -> Remittance | None:
    """Lines of every page (tables preferred), the last stated total, the first payment ref."""
    lines: list[RemittanceLine] = []
    total: Decimal | None = None
    payment_ref: str | None = None
    currencies: set[str] = set()
    for page in pages:
        text_scan = scan_lines(page.text_lines)
        table_scan = scan_lines(page.table_rows) if page.table_rows else None
        scan: LineScan = table_scan if table_scan and table_scan.lines else text_scan
        lines.extend(scan.lines)
        page_total = (
            scan.stated_total if scan.stated_total is not None else (text_scan.stated_total)
        )
        total = page_total if page_total is not None else total
        payment_ref = payment_ref or scan.payment_ref or text_scan.payment_ref
        if scan.currency:
            currencies.add(scan.currency)
    if not lines:
        return None
    return Remittance(
        lines=tuple(lines),
        stated_total=total,
        payment_ref=payment_ref,
        currency=currencies.pop() if len(currencies) == 1 else None,
        source="pdf",
    )

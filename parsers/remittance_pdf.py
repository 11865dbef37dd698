"""Remittance advice PDFs to a :class:`~core.types.Remittance`. Pure: no IO.

The pages come from a :class:`parsers.pdf_text.TextSource`: each page's words are read once.
By default (``ARBOX_PDF_READER=fast``) PDFium reads them
(:class:`parsers.pdf_fast.PdfiumSource`, in a seventh of pdfplumber's time) and pdfplumber
reads the PDF again only when that reading is not enough (:func:`read_pdf_remittance` says
why in :attr:`PdfReading.fallback`): PDFium declined the file or could not read it, no
remittance lines were found, or the lines do not add up to a stated total. With
``ARBOX_PDF_READER=pdfplumber`` only pdfplumber reads. Then, per page:

1. ruled tables (found only on pages with ruling lines) are read as grids;
2. the remaining words become text lines (:mod:`parsers.pdf_layout`); a line that names
   columns starts a table of aligned columns (Courier typewriter layouts, check stubs,
   proportional fonts), cut into a grid by the x positions of the words;
3. every grid goes through :func:`parsers.tables.read_grid` and through the header-role
   reader :func:`parsers.pdf_columns.read_columns`; the reading that carries more wins;
4. a page without table lines is read line by line (:func:`scan_lines`).

Repeated header rows, page subtotals, "carried/brought forward" and "continued" lines never
become lines; the last stated total (the grand total on the last page) wins. A letter with no
table ("in settlement of invoices 4711, 4712 and 4720 we transferred 3,456.78") gives lines
with ``amount=None`` and the stated total (:mod:`parsers.pdf_facts`). Payer, payment date,
method, reference and currency come from the page text (:func:`parsers.pdf_facts.payment_facts`).

A PDF that cannot be read raises :class:`~core.errors.UnreadableDocumentError` with one of
the reasons below. Limits: pdfminer inflates streams without a size cap (a 195 KB PDF
reached 416 MB, measured), so untrusted PDFs belong in a child process with memory and time
limits; this module only caps the pages read (PDFium reads a PDF only when what its streams
come to is bounded: :mod:`parsers.pdf_streams`).
"""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.errors import UnreadableDocumentError
from core.refs import normalise_ref
from core.types import PdfReader, Remittance, RemittanceLine
from parsers.document_kind import is_invoice_document
from parsers.line_scan import LinesRead, scan_lines
from parsers.pdf_columns import read_columns
from parsers.pdf_facts import narrative_lines, payment_facts
from parsers.pdf_fast import PdfiumSource
from parsers.pdf_layout import TextLine, aligned_tables, continued_table, text_lines
from parsers.pdf_streams import PdfiumDeclinedError
from parsers.pdf_text import (
    EMPTY_FILE,
    MALFORMED,
    NEEDS_PASSWORD,
    NO_TEXT_LAYER,
    NOT_A_PDF,
    Grid,
    PageText,
    PdfplumberSource,
    TextSource,
    Word,
    check_pdf_header,
)
from parsers.tables import read_grid

__all__ = [
    "EMPTY_FILE",
    "MALFORMED",
    "MAX_PAGES",
    "NEEDS_PASSWORD",
    "NOT_A_PDF",
    "NO_TEXT_LAYER",
    "PdfReading",
    "parse_pdf_remittance",
    "read_pdf_remittance",
    "remittance_of_pages",
]

#: Pages read at most; the rest of a longer PDF is ignored.
MAX_PAGES = 50
PDFIUM_SOURCE: TextSource = PdfiumSource()
PDFPLUMBER_SOURCE: TextSource = PdfplumberSource()
#: Per process: whose outcome (result or reason) each PDF read by :func:`read_pdf_remittance`
#: got: ``"pdfium"``, ``"pdfplumber"`` (asked for), ``"pdfplumber after pdfium"`` (the
#: fallback), ``"pdfium, pdfplumber failing"``; and why pdfplumber read a PDF again.
READS: Counter[str] = Counter()
FALLBACKS: Counter[str] = Counter()


@dataclass(frozen=True, slots=True)
class PdfReading:
    """The remittance of a PDF, the reader that gave it (``"pdfium"`` or ``"pdfplumber"``)
    and, when pdfplumber read the PDF after PDFium, why (else None)."""

    remittance: Remittance | None
    reader: str
    fallback: str | None = None


@dataclass(frozen=True, slots=True)
class _PageRead:
    """What one page gave: table (or line) readings and the page's text lines."""

    reads: tuple[LinesRead, ...]
    lines: tuple[str, ...]


def parse_pdf_remittance(
    data: bytes,
    *,
    filename: str | None = None,
    max_pages: int = MAX_PAGES,
    sender_name: str | None = None,
    source: TextSource | None = None,
    reader: PdfReader = PdfReader.FAST,
) -> Remittance | None:
    """The remittance in the PDF ``data``, or None when it has text but no remittance lines.

    Args:
        data: the PDF file.
        filename: for error messages only.
        max_pages: pages read at most; later pages are ignored.
        sender_name: the mail's From display name, a fallback for the payer name.
        source: where the words come from; by default ``reader`` decides.
        reader: PDFium with pdfplumber as fallback, or pdfplumber alone.

    Raises:
        UnreadableDocumentError: with ``reason`` one of ``"empty file"``, ``"not a PDF"``,
            ``"needs password"``, ``"malformed PDF"``, ``"no text layer, scan?"``.
    """
    if source is not None:
        return remittance_from(
            data, source, filename=filename, max_pages=max_pages, sender_name=sender_name
        )
    reading = read_pdf_remittance(
        data, filename=filename, max_pages=max_pages, sender_name=sender_name, reader=reader
    )
    return reading.remittance


def read_pdf_remittance(
    data: bytes,
    *,
    filename: str | None = None,
    max_pages: int = MAX_PAGES,
    sender_name: str | None = None,
    reader: PdfReader = PdfReader.FAST,
) -> PdfReading:
    """:func:`parse_pdf_remittance` with ``reader``, saying which reader gave the result.

    With ``PdfReader.FAST``, pdfplumber reads the PDF again when PDFium declined it or could not
    read it, found no remittance lines, or found lines that do not add up to the total it
    read; pdfplumber's result (or error) is then the result, unless pdfplumber cannot read a
    PDF in which PDFium found lines.

    Raises:
        UnreadableDocumentError: as :func:`parse_pdf_remittance`.
    """
    check_pdf_header(data, filename=filename)
    read = functools.partial(
        remittance_from, data, filename=filename, max_pages=max_pages, sender_name=sender_name
    )
    if reader == PdfReader.PDFPLUMBER:
        READS["pdfplumber"] += 1
        return PdfReading(read(PDFPLUMBER_SOURCE), "pdfplumber")
    fast: Remittance | None = None
    why: str | None
    try:
        fast = read(PDFIUM_SOURCE)
    except PdfiumDeclinedError as e:
        why = f"PDFium declined it ({e.reason})"
    except UnreadableDocumentError as e:
        why = f"PDFium: {e.reason}"
    else:
        why = _not_enough(fast)
    if why is None:
        READS["pdfium"] += 1
        return PdfReading(fast, "pdfium")
    FALLBACKS[why] += 1
    try:
        slow = read(PDFPLUMBER_SOURCE)
    except UnreadableDocumentError:
        if fast is None or not fast.lines:
            READS["pdfplumber after pdfium"] += 1
            raise
        READS["pdfium, pdfplumber failing"] += 1
        return PdfReading(fast, "pdfium", f"{why}; pdfplumber cannot read it")
    READS["pdfplumber after pdfium"] += 1
    return PdfReading(slow, "pdfplumber", why)


def _not_enough(remittance: Remittance | None) -> str | None:
    """Why a reading needs a second opinion, or None when it is enough."""
    if remittance is None or not remittance.lines:
        return "no remittance lines"
    total = remittance.stated_total
    if total is None or remittance.has_unstated_amounts or remittance.lines_total == total:
        return None
    return "the lines do not add up to the stated total"


def remittance_from(
    data: bytes,
    source: TextSource,
    *,
    filename: str | None = None,
    max_pages: int = MAX_PAGES,
    sender_name: str | None = None,
) -> Remittance | None:
    """The remittance of the pages ``source`` reads from ``data``.

    Raises:
        UnreadableDocumentError: as :func:`parse_pdf_remittance`.
        PdfiumDeclinedError: from a PDFium source.
    """
    check_pdf_header(data, filename=filename)
    pages = source.read_pages(data, filename=filename, max_pages=max_pages)
    if not pages:
        raise UnreadableDocumentError(MALFORMED, filename=filename)
    if not any(page.has_text for page in pages):
        raise UnreadableDocumentError(NO_TEXT_LAYER, filename=filename)
    return remittance_of_pages(pages, sender_name=sender_name)


def remittance_of_pages(
    pages: Sequence[PageText], *, sender_name: str | None = None
) -> Remittance | None:
    """The remittance of positioned words, page by page: a PDF's text layer, or the words
    OCR recognised in a scan (:mod:`parsers.remittance_ocr`)."""
    reads: list[_PageRead] = []
    carried: TextLine | None = None
    for page in pages:
        read, carried = _read_page(page, carried)
        reads.append(read)
    return _remittance_of(reads, sender_name=sender_name)


def _read_page(page: PageText, carried: TextLine | None) -> tuple[_PageRead, TextLine | None]:
    """The readings of one page (its ruled tables, its aligned tables, else its lines) and
    the header of a table that may go on on the next page.

    ``carried`` is such a header from the page before: a page without a header of its own
    is cut by its columns.
    """
    reads: list[LinesRead] = []
    free_words: Sequence[Word] = page.words
    for table in page.tables:
        read = _read_table(table.rows)
        if read.lines:
            reads.append(read)
            x0, top, x1, bottom = table.bbox
            free_words = [w for w in free_words if not _inside(w, x0, top, x1, bottom)]
    lines = text_lines(free_words)
    used: set[int] = set()
    tables = aligned_tables(lines)
    if not tables and not reads and carried is not None:
        continued = continued_table(carried, lines)
        tables = [continued] if continued is not None else []
    for aligned in tables:
        read = _read_table(aligned.rows)
        if read.lines:
            reads.append(read)
            used.update(range(aligned.first_line, aligned.last_line + 1))
    free = [line.text for no, line in enumerate(lines) if no not in used]
    if not reads:
        reads.append(scan_lines(free))
    elif all(read.stated_total is None for read in reads):
        # The total may stand apart from the table ("Total paid: 4,898.15" under a gap).
        total = scan_lines(free).stated_total
        reads.append(LinesRead(lines=(), stated_total=total, payment_ref=None, currency=None))
    carry = tables[-1].header if tables and not tables[-1].closed else None
    every = lines if free_words is page.words else text_lines(page.words)
    return _PageRead(reads=tuple(reads), lines=tuple(line.text for line in every)), carry


def _inside(word: Word, x0: float, top: float, x1: float, bottom: float) -> bool:
    cx, cy = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _read_table(rows: Grid) -> LinesRead:
    """The richer of :func:`read_grid` and the header-role reading of ``rows``.

    While ``read_grid`` joins cells into text (its first cut), the header roles tell our
    reference from the payer's and give gross, discount and deduction; once ``read_grid``
    reads roles itself it wins every tie.
    """
    grid = read_grid(rows)
    own = read_columns(rows)
    if own is None or not own.lines:
        return grid
    if not grid.lines or [ln.invoice_ref for ln in own.lines] != [
        ln.invoice_ref for ln in grid.lines
    ]:
        chosen = own
    else:
        chosen = own if _detail(own) > _detail(grid) else _fuller_reasons(grid, own)
    return LinesRead(
        lines=chosen.lines,
        stated_total=chosen.stated_total if chosen.stated_total is not None else grid.stated_total,
        payment_ref=grid.payment_ref,
        currency=grid.currency,
    )


def _fuller_reasons(grid: LinesRead, own: LinesRead) -> LinesRead:
    """``grid`` with each deduction reason the column reading read whole where the grid cut
    it at a line break ("Damaged goods" + "(3 cases)" on the next line)."""
    lines = []
    for g, o in zip(grid.lines, own.lines, strict=True):
        mine, theirs = g.deduction_reason or "", o.deduction_reason or ""
        if g.amount == o.amount and len(theirs) > len(mine) and theirs.startswith(mine):
            g = dataclasses.replace(g, deduction_reason=theirs)
        lines.append(g)
    return dataclasses.replace(grid, lines=tuple(lines))


def _detail(read: LinesRead) -> int:
    """How much a reading says: stated amounts and detail fields of its lines."""
    return sum(
        (line.amount is not None)
        + sum(v is not None for v in (line.gross, line.discount, line.deduction))
        + (line.deduction_reason is not None)
        + len(line.alt_refs)
        for line in read.lines
    ) + (read.stated_total is not None)


def _narrative_wins(narrated: Sequence[RemittanceLine], read: Sequence[RemittanceLine]) -> bool:
    """Whether the invoices a letter names in its prose ("in settlement of invoices 4711 and
    4712 we transferred ...") are the remittance rather than the lines read line by line:
    when no line read names one of them. The sentence after the narrative ("... 3,456.78,
    reference TRF-7964") reads like a line of its own, with the payment reference for an
    invoice; a table that lists the narrated invoices keeps its lines."""
    named = {normalise_ref(line.invoice_ref or "") for line in narrated} - {""}
    found = {normalise_ref(line.invoice_ref or "") for line in read} - {""}
    return bool(named) and not (named & found)


def _remittance_of(pages: Sequence[_PageRead], *, sender_name: str | None) -> Remittance | None:
    """Lines of every page, the last stated total, and the payment facts of the text; None
    for an invoice (its item table is no remittance: see parsers.document_kind)."""
    text = "\n".join(line for page in pages for line in page.lines)
    if is_invoice_document(text):
        return None
    lines: list[RemittanceLine] = []
    total: Decimal | None = None
    currencies: set[str] = set()
    for page in pages:
        for read in page.reads:
            lines.extend(read.lines)
            total = read.stated_total if read.stated_total is not None else total
            if read.currency:
                currencies.add(read.currency)
    narrative = narrative_lines(text)
    if narrative is not None and _narrative_wins(narrative.lines, lines):
        lines, total = list(narrative.lines), narrative.stated_total
    if not lines:
        return None
    facts = payment_facts(text, sender_name=sender_name)
    currency = currencies.pop() if len(currencies) == 1 else None
    return Remittance(
        lines=tuple(lines),
        stated_total=total,
        payment_ref=facts.payment_ref,
        currency=currency or facts.currency,
        source="pdf",
        payer_name=facts.payer_name,
        payment_date=facts.payment_date,
        payment_method=facts.payment_method,
    )

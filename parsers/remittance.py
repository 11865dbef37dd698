"""Find the remittance advice in a parsed mail: machine-readable attachments (EDI, ISO 20022:
:mod:`parsers.structured`), then PDF attachments, then spreadsheet attachments (CSV, XLSX),
then scans read by OCR when it is on (image-only PDFs, PDFs with some pages scanned, and
PNG, JPEG, TIFF, HEIC images: :mod:`parsers.remittance_ocr`), then the text body, then the
HTML body. Pure: no IO.

A remittance read from a document (PDF, CSV, XLSX) wins over one in the body (the document
is the payer's advice; the body usually just says "please find attached"). Unreadable
documents are recorded as problems (``"invoice.pdf: needs password"``) for the review queue;
other errors propagate. Payment facts the remittance does not state itself (payer, payment
date, method, reference, currency) are taken from the mail's text: the body says "paid by
ACH today, ref 778812" beside an attached table more often than the table does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.errors import UnreadableDocumentError
from core.types import Attachment, ParsedEmail, PdfReader, Remittance
from parsers.ascii_numbers import mail_day
from parsers.ocr_images import pages_without_text, scan_kind
from parsers.payment_info import PaymentInfo, read_payment_info
from parsers.payment_notice import payment_without_references
from parsers.payment_prose import payer_in, payment_date_in
from parsers.portal_notice import link_only_problem
from parsers.quoted_text import strip_quotes_and_signature
from parsers.remittance_ocr import OcrOptions, is_small_image, read_scan
from parsers.remittance_pdf import MAX_PAGES, NO_TEXT_LAYER, parse_pdf_remittance
from parsers.remittance_text import parse_text_remittance
from parsers.spreadsheet import parse_spreadsheet_remittance, spreadsheet_kind
from parsers.structured import structured_remittance
from parsers.text_refs import MAX_TEXT_LINES
from parsers.told_again import told_again

PDF_TYPES = frozenset({"application/pdf", "application/x-pdf", "application/acrobat"})


@dataclass(frozen=True, slots=True)
class Extraction:
    """The remittance found in a mail (or None) and the documents that could not be read."""

    remittance: Remittance | None
    problems: tuple[str, ...]


def is_pdf_attachment(attachment: Attachment) -> bool:
    """Whether ``attachment`` is (or claims to be) a PDF: by type, file name or content."""
    name = (attachment.filename or "").lower()
    return (
        attachment.content_type in PDF_TYPES
        or name.endswith(".pdf")
        or attachment.data[:1024].lstrip().startswith(b"%PDF")
    )


@dataclass(frozen=True, slots=True)
class OcrRun:
    """OCR for one mail: the options, and what to call before the first page is recognised
    (the parse child raises its CPU limit)."""

    options: OcrOptions
    on_start: Callable[[], None] | None = None


def extract_remittance(
    parsed: ParsedEmail, *, pdf_reader: PdfReader = PdfReader.FAST, ocr: OcrRun | None = None
) -> Extraction:
    """The remittance of ``parsed``: from the first PDF attachment that has one, else the
    first CSV/XLSX attachment that has one, else (with ``ocr``) the first scan that has
    one, else the text body, else the HTML body, else (a mail with no attachment) a
    payment announced without references. ``pdf_reader`` says how PDFs are read
    (``ARBOX_PDF_READER``); without ``ocr`` scans are not read (``ARBOX_OCR``).

    Raises:
        Nothing of its own: :class:`UnreadableDocumentError` becomes a problem string.
    """
    problems: list[str] = []
    scanned: dict[int, bool] = {}  # attachment index: wholly scanned (else partly)
    remittance = (
        structured_remittance(parsed, problems)
        or _from_pdfs(parsed, problems, pdf_reader, scanned if ocr else None)
        or _from_spreadsheets(parsed, problems)
        or (_from_scans(parsed, problems, scanned, ocr) if ocr else None)
    )
    if remittance is None:
        remittance = _from_bodies(parsed, problems)
    if remittance is None:
        problem = link_only_problem(parsed)  # an AP platform's notice: the detail online
        problems += [problem] if problem else []
    if remittance is None and not problems and not parsed.attachments:
        # No document and no lines: perhaps one sentence announcing a payment, no references.
        text = parsed.text if parsed.text.strip() else parsed.html_text
        remittance = payment_without_references(f"{parsed.subject}\n\n{text}")
    if remittance is None:
        return Extraction(remittance=None, problems=tuple(problems))
    return Extraction(remittance=_with_payment_info(remittance, parsed), problems=tuple(problems))


def _from_bodies(parsed: ParsedEmail, problems: list[str]) -> Remittance | None:
    """The remittance of the text body, else of the HTML body; the HTML body's when both
    have one and the HTML's says more about the same documents: an AP platform's notice
    has its table in the HTML and a crude rendering of it (or a part of it) in the text,
    where the columns of gross, discount and paid run together. A body longer than the
    readers read (MAX_TEXT_LINES, quotes and signature left out) is not read in part: that
    is a problem for a person, as a spreadsheet of too many rows is."""
    found: list[Remittance] = []
    for text, source in ((parsed.text, "body"), (parsed.html_text, "html")):
        if not text.strip():
            continue
        if _too_long(text):
            name = "the HTML body" if source == "html" else "the text body"
            problems.append(
                f"{name}: more than {MAX_TEXT_LINES:,} lines: not read in part (a person's)"
            )
            continue
        if (remittance := parse_text_remittance(text)) is not None:
            found.append(dataclasses.replace(remittance, source=source))
    if len(found) == 2 and _says_more(found[1], than=found[0]):
        return found[1]
    return found[0] if found else None


def _too_long(text: str) -> bool:
    if text.count("\n") < MAX_TEXT_LINES:
        return False
    return strip_quotes_and_signature(text).count("\n") >= MAX_TEXT_LINES


def _says_more(remittance: Remittance, *, than: Remittance) -> bool:
    """Whether ``remittance`` names every document ``than`` names and states more about
    them (more lines, or more of gross, discount, deduction and other references)."""
    refs = {line.invoice_ref for line in remittance.lines}
    if not {line.invoice_ref for line in than.lines} <= refs:
        return False
    return (len(remittance.lines), _stated(remittance)) > (len(than.lines), _stated(than))


def _stated(remittance: Remittance) -> int:
    return sum(
        (line.gross is not None)
        + (line.discount is not None)
        + (line.deduction is not None)
        + bool(line.alt_refs)
        for line in remittance.lines
    )


def _from_pdfs(
    parsed: ParsedEmail,
    problems: list[str],
    pdf_reader: PdfReader,
    scanned: dict[int, bool] | None,
) -> Remittance | None:
    """The first PDF remittance; the indexes of PDFs without a text layer (True), and of
    PDFs with some pages of text and some scanned (False), go to ``scanned`` (when given:
    OCR is on; the text pages are read with the scanned ones) instead of ``problems``."""
    for number, attachment in enumerate(parsed.attachments, start=1):
        if not is_pdf_attachment(attachment):
            continue
        name = attachment.filename or f"attachment {number}"
        try:
            remittance = parse_pdf_remittance(
                attachment.data,
                filename=attachment.filename,
                sender_name=parsed.from_name or None,
                reader=pdf_reader,
            )
        except UnreadableDocumentError as e:
            if scanned is not None and e.reason == NO_TEXT_LAYER:
                scanned[number - 1] = True
            else:
                problems.append(f"{name}: {e.reason}")
            continue
        if (
            scanned is not None
            and not _adds_up(remittance)
            and pages_without_text(attachment.data, MAX_PAGES)
        ):
            scanned[number - 1] = False
            continue
        if remittance is not None and remittance.lines:
            return remittance
    return None


def _adds_up(remittance: Remittance | None) -> bool:
    """Whether the text pages of a PDF gave a whole remittance: lines that add up to the
    total they state. Its pages without text (a scanned delivery note, a logo page) are then
    no part of it, and nobody looks for them (2 ms of PDFium a PDF, on every PDF)."""
    return (
        remittance is not None
        and bool(remittance.lines)
        and remittance.stated_total is not None
        and not remittance.has_unstated_amounts
        and remittance.lines_total == remittance.stated_total
    )


def _from_scans(
    parsed: ParsedEmail, problems: list[str], scanned: dict[int, bool], ocr: OcrRun
) -> Remittance | None:
    """The remittance OCR reads in the scanned PDFs (indexes ``scanned``) and image
    attachments: every scan is read, and the lines of all are one remittance (the pages of
    one advice photographed one by one, or several advices paid together; see
    :func:`_joined`). An image too small to be a page (a logo) is passed over, and an image
    without remittance lines is no problem (a photo), nor is a PDF with pages of text (an
    invoice with a scanned delivery note); a wholly scanned PDF without any is."""
    found: list[Remittance] = []
    for index, attachment in enumerate(parsed.attachments):
        kind = "pdf" if index in scanned else None
        if kind is None and not is_pdf_attachment(attachment):
            kind = scan_kind(attachment)
            if kind is not None and is_small_image(attachment.data):
                continue
        if kind is None:
            continue
        name = attachment.filename or f"attachment {index + 1}"
        try:
            remittance = read_scan(
                attachment.data,
                kind=kind,
                options=ocr.options,
                sender_name=parsed.from_name or None,
                on_start=ocr.on_start,
            )
        except UnreadableDocumentError as e:
            problems.append(f"{name}: {e.reason}")
            continue
        if remittance is not None and remittance.lines:
            found.append(remittance)
        elif kind == "pdf" and scanned[index]:
            problems.append(f"{name}: scan read by OCR, no remittance lines found")
    return _joined(found)


def _joined(scans: list[Remittance]) -> Remittance | None:
    """One remittance of the scans' lines, in order. The stated total: the sum when every
    scan states one (several advices), the one when a single scan does (the last page of one
    advice), else none; the payment facts where the scans agree. The matching's OCR gate
    then asks the lines to add up to it."""
    if len(scans) < 2:
        return scans[0] if scans else None
    totals = [scan.stated_total for scan in scans if scan.stated_total is not None]
    if len(totals) == len(scans):
        total: Decimal | None = sum(totals, start=Decimal("0.00"))
    else:
        total = totals[0] if len(totals) == 1 else None

    def agreed(values: list[Any]) -> Any:
        known = {value for value in values if value is not None}
        return known.pop() if len(known) == 1 else None

    first = scans[0]
    return dataclasses.replace(
        first,
        lines=tuple(line for scan in scans for line in scan.lines),
        stated_total=total,
        payment_ref=agreed([scan.payment_ref for scan in scans]),
        currency=agreed([scan.currency for scan in scans]),
        payer_name=agreed([scan.payer_name for scan in scans]),
        payment_date=agreed([scan.payment_date for scan in scans]),
        payment_method=agreed([scan.payment_method for scan in scans]),
        read_text="\f".join(scan.read_text for scan in scans),
    )


def _from_spreadsheets(parsed: ParsedEmail, problems: list[str]) -> Remittance | None:
    for number, attachment in enumerate(parsed.attachments, start=1):
        kind = None if is_pdf_attachment(attachment) else spreadsheet_kind(attachment)
        if kind is None:
            continue
        name = attachment.filename or f"attachment {number}"
        try:
            remittance = parse_spreadsheet_remittance(attachment.data, kind=kind)
        except UnreadableDocumentError as e:
            problems.append(f"{name}: {e.reason}")
            continue
        if remittance is not None:
            return remittance
    return None


def _with_payment_info(remittance: Remittance, parsed: ParsedEmail) -> Remittance:
    """``remittance`` with the payment facts it lacks filled from the mail's own text (the
    subject, the body and the HTML text, without quotes and signatures), and at last the
    payer from the sender's display name."""
    texts = [strip_quotes_and_signature(text) for text in (parsed.text, parsed.html_text)]
    info = read_payment_info("\n".join([parsed.subject, *texts]))
    filled = _fill(remittance, info)
    prose = "\n".join(texts)
    if filled.payment_date is None:
        day = payment_date_in(prose, mail_day=mail_day(parsed.date))
        filled = dataclasses.replace(filled, payment_date=day)
    if filled.payer_name is None:
        payer = payer_in(prose, subject=parsed.subject, sender_name=parsed.from_name)
        filled = dataclasses.replace(filled, payer_name=payer)
    if filled.payer_name is None and parsed.from_name.strip():
        filled = dataclasses.replace(filled, payer_name=parsed.from_name.strip())
    if (again := told_again(parsed.subject, prose)) is not None:
        filled = dataclasses.replace(filled, told_again=again)
    return filled


def _fill(remittance: Remittance, info: PaymentInfo) -> Remittance:
    return dataclasses.replace(
        remittance,
        payer_name=remittance.payer_name or info.payer_name,
        payment_date=remittance.payment_date or info.payment_date,
        payment_method=remittance.payment_method or info.payment_method,
        payment_ref=remittance.payment_ref or info.payment_ref,
        currency=remittance.currency or info.currency,
    )

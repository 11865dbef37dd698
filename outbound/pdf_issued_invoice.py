"""An issued invoice or credit note as a PDF (issue 24). Pure: data in, bytes out (the same
bytes every time).

Beside :mod:`outbound.pdf_invoice` (a *copy* of an invoice the ledger knows by its header),
this draws the document itself from :class:`core.invoicing.IssuedInvoice`: our company with
its VAT identifier, the customer, number and dates, the order number, the lines, the VAT
breakdown with the exemption reasons, the totals, and for an invoice the bank details with the
payment reference and the QR payment code where one applies (:mod:`outbound.payment_qr`),
drawn as vector rectangles. A credit note says so and names the invoice it credits. Words
come from :mod:`outbound.pdf_labels` and :mod:`outbound.pdf_issued_labels`, amounts and
dates in the customer's locale (:mod:`core.locales`).
"""

from __future__ import annotations

from core.creditor_ref import format_creditor_reference, is_creditor_reference
from core.invoicing import IssuedInvoice, TaxCategory
from core.locales import DEFAULT_LOCALE, format_date, format_money, format_number
from outbound.icc_profile import srgb_profile
from outbound.payment_qr import PaymentCode, module_rects, payment_code, swiss_cross_rects
from outbound.pdf_issued_labels import IssuedLabels, issued_labels
from outbound.pdf_labels import PdfLabels, pdf_labels
from outbound.pdf_layout import (
    MARGIN,
    MM,
    REGULAR,
    WIDTH,
    Column,
    CompanyBlock,
    PageWriter,
    header,
)
from outbound.pdf_writer import text_width

#: The printed side of a QR code: 46 mm for the Swiss QR-bill (its standard's size), 32 mm
#: for the EPC code (no size is set; 32 mm reads well on paper and on screen).
_QR_SIZE = {"swiss": 46 * MM, "epc": 32 * MM}


def render_issued_invoice_pdf(invoice: IssuedInvoice, *, locale: str = DEFAULT_LOCALE) -> bytes:
    """The PDF of ``invoice`` in ``locale``."""
    draft = invoice.draft
    words, issued_words = pdf_labels(locale), issued_labels(locale)
    title = issued_words.credit_note_title if invoice.is_credit_note else issued_words.invoice_title
    doc_title = (
        issued_words.credit_note_doc if invoice.is_credit_note else issued_words.invoice_doc
    ).format(number=draft.number)
    pdf = PageWriter(
        title=doc_title,
        author=draft.seller.name,
        footer=issued_words.footer.format(company=draft.seller.name, document=doc_title),
        page_label=words.page,
        output_intent=srgb_profile(),  # ready for PDF/A-3 (Factur-X)
    )
    header(
        pdf, _company(invoice, issued_words), title, _facts(invoice, words, issued_words, locale)
    )
    pdf.gap(10)
    _buyer(pdf, invoice, words, issued_words, locale)
    _lines(pdf, invoice, issued_words, locale)
    _breakdown(pdf, invoice, issued_words, locale)
    _totals(pdf, invoice, issued_words, locale)
    if invoice.is_credit_note:
        pdf.gap(8)
        pdf.text(issued_words.nothing_to_pay)
    else:
        _payment(pdf, invoice, issued_words, locale)
    if draft.notes:
        pdf.gap(8)
        pdf.lines(draft.notes, size=8)
    return pdf.pdf()


def _company(invoice: IssuedInvoice, words: IssuedLabels) -> CompanyBlock:
    seller = invoice.draft.seller
    extra = [f"{words.vat_id}: {seller.vat_id}"] if seller.vat_id else []
    if seller.email:
        extra.append(seller.email)
    return CompanyBlock(name=seller.name, address=(*seller.address.printed(), *extra))


def _facts(
    invoice: IssuedInvoice, words: PdfLabels, issued_words: IssuedLabels, locale: str
) -> list[tuple[str, str]]:
    draft = invoice.draft
    credit = invoice.is_credit_note
    number_label = issued_words.credit_note_number if credit else words.invoice_number
    date_label = issued_words.credit_note_date if credit else words.issue_date
    facts = [(number_label, draft.number), (date_label, format_date(draft.issue_date, locale))]
    if not invoice.is_credit_note:
        facts.append((words.due_date, format_date(draft.due_date, locale)))
    facts.append((words.customer_number, draft.buyer.customer_number))
    if draft.po_number:
        facts.append((issued_words.po_number, draft.po_number))
    if draft.delivery_date:
        facts.append((issued_words.delivery_date, format_date(draft.delivery_date, locale)))
    return facts


def _buyer(
    pdf: PageWriter,
    invoice: IssuedInvoice,
    words: PdfLabels,
    issued_words: IssuedLabels,
    locale: str,
) -> None:
    buyer = invoice.draft.buyer
    pdf.text(words.bill_to, size=7.5)
    pdf.lines([buyer.name, *buyer.address.printed()], bold_first=True)
    if buyer.vat_id:
        pdf.text(f"{issued_words.vat_id}: {buyer.vat_id}")
    credits = invoice.draft.credits
    if credits is not None:
        pdf.gap(6)
        if credits.issue_date is not None:
            text = issued_words.credits_invoice_of.format(
                number=credits.number, date=format_date(credits.issue_date, locale)
            )
        else:
            text = issued_words.credits_invoice.format(number=credits.number)
        pdf.text(text, bold=True)


def _lines(pdf: PageWriter, invoice: IssuedInvoice, words: IssuedLabels, locale: str) -> None:
    cur = invoice.draft.currency
    pdf.gap(8)
    pdf.table(
        (
            Column(words.description, 0.38),
            Column(words.quantity, 0.12, "right"),
            Column(f"{words.unit_price} ({cur})", 0.22, "right"),
            Column(words.tax_rate, 0.10, "right"),
            Column(f"{words.net} ({cur})", 0.18, "right"),
        ),
        [
            [
                f.line.description,
                format_number(f.line.quantity, locale),
                format_money(f.line.unit_price, cur, locale, symbol=False),
                format_number(f.line.tax_rate, locale),
                format_money(f.net, cur, locale, symbol=False),
            ]
            for f in invoice.lines
        ],
    )


def _breakdown(pdf: PageWriter, invoice: IssuedInvoice, words: IssuedLabels, locale: str) -> None:
    cur = invoice.draft.currency
    pdf.heading(words.tax_breakdown)
    pdf.table(
        (
            Column(words.tax, 0.38),
            Column(words.tax_rate, 0.12, "right"),
            Column(f"{words.taxable} ({cur})", 0.32, "right"),
            Column(f"{words.tax} ({cur})", 0.18, "right"),
        ),
        [
            [
                _category_text(s.category, s.exemption_reason),
                format_number(s.rate, locale),
                format_money(s.taxable, cur, locale, symbol=False),
                format_money(s.tax, cur, locale, symbol=False),
            ]
            for s in invoice.breakdown
        ],
    )


def _category_text(category: TaxCategory, reason: str | None) -> str:
    return f"{category.value} – {reason}" if reason else category.value


def _totals(pdf: PageWriter, invoice: IssuedInvoice, words: IssuedLabels, locale: str) -> None:
    cur = invoice.draft.currency
    right = MARGIN + WIDTH * 0.5
    pdf.gap(6)
    rows = [
        (words.total_net, invoice.total_net, False),
        (words.total_tax, invoice.total_tax, False),
        (words.total_gross, invoice.total_gross, True),
    ]
    if not invoice.is_credit_note:
        rows.append((words.amount_due, invoice.amount_due, True))
    else:
        rows.append((words.credited, invoice.total_gross, True))
    for label, amount, bold in rows:
        pdf.text(label, x=right, width=WIDTH * 0.25, bold=bold, advance=False)
        value = format_money(amount, cur, locale)
        pdf.text(value, x=right + WIDTH * 0.25, width=WIDTH * 0.25, align="right", bold=bold)


def _payment(pdf: PageWriter, invoice: IssuedInvoice, words: IssuedLabels, locale: str) -> None:
    draft = invoice.draft
    code = payment_code(invoice)
    qr_size = _QR_SIZE[code.kind] if code else 0.0
    pdf.ensure(max(qr_size, 60) + 30)
    pdf.heading(words.bank_details)
    top = pdf.y
    reference = draft.payment_reference or draft.number
    printed_ref = (
        format_creditor_reference(reference) if is_creditor_reference(reference) else reference
    )
    room = WIDTH - qr_size - 10 * MM if code else WIDTH
    seller = draft.seller
    lines = [seller.name, f"IBAN: {_grouped(seller.iban)}"]
    if seller.bic:
        lines.append(f"BIC: {seller.bic}")
    lines.append(f"{words.payment_reference}: {printed_ref}")
    for line in lines:
        pdf.text(line, width=room)
    pdf.gap(4)
    due = format_money(invoice.amount_due, draft.currency, locale)
    sentence = words.pay_by.format(
        amount=due, date=format_date(draft.due_date, locale), reference=printed_ref
    )
    pdf.lines(wrap(sentence, width=room, size=8), size=8)
    if code is not None:
        _draw_code(pdf, code, top=top, size=qr_size)
        below = pdf.y
        pdf.y = top - qr_size - 12  # the quiet zone: four modules are at most 3.3 mm
        for line in wrap(words.scan_to_pay, width=qr_size, size=6.5):
            pdf.text(line, x=MARGIN + WIDTH - qr_size, width=qr_size, size=6.5)
        pdf.y = min(pdf.y, below)


def _draw_code(pdf: PageWriter, code: PaymentCode, *, top: float, size: float) -> None:
    x, y = MARGIN + WIDTH - size, top - size
    pdf.rects(module_rects(code.matrix, x=x, y=y, size=size))
    if code.kind == "swiss":
        frame, square, cross = swiss_cross_rects(x=x, y=y, size=size)
        pdf.rects(frame, gray=1.0)
        pdf.rects(square)
        pdf.rects(cross, gray=1.0)


def wrap(text: str, *, width: float, size: float) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` points (a word wider
    than the line stays whole, and is cut with an ellipsis when drawn)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", REGULAR, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _grouped(iban: str) -> str:
    compact = iban.replace(" ", "")
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))

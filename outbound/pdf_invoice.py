"""A copy of an invoice as a PDF. Pure: data in, bytes out (the same bytes every time).

The ledger keeps an invoice's header, not its lines, so the copy shows what the ledger knows:
our company block, the customer, number, issue and due dates, amount, open balance and terms,
marked as a copy, in the customer's locale (:mod:`outbound.pdf_labels`, :mod:`core.locales`).
"""

from __future__ import annotations

from core.locales import DEFAULT_LOCALE, format_date, format_money
from ledger.invoice_copies import InvoiceCopy
from outbound.pdf_labels import pdf_labels
from outbound.pdf_layout import Column, CompanyBlock, PageWriter, header


def render_invoice_pdf(
    invoice: InvoiceCopy, *, company: CompanyBlock, locale: str = DEFAULT_LOCALE
) -> bytes:
    """The PDF copy of ``invoice`` from ``company``, in ``locale``."""
    cur = invoice.currency
    words = pdf_labels(locale)
    issued, due = format_date(invoice.issue_date, locale), format_date(invoice.due_date, locale)
    amount = format_money(invoice.amount, cur, locale, symbol=False)
    balance = format_money(invoice.balance, cur, locale, symbol=False)
    pdf = PageWriter(
        title=words.copy_doc.format(number=invoice.number),
        author=company.name,
        footer=words.copy_footer.format(company=company.name, number=invoice.number),
        page_label=words.page,
    )
    header(
        pdf,
        company,
        words.copy_title,
        [
            (words.invoice_number, invoice.number),
            (words.issue_date, issued),
            (words.due_date, due),
        ],
    )
    pdf.gap(10)
    pdf.text(words.bill_to, size=7.5)
    pdf.lines([invoice.customer_name, words.customer.format(number=invoice.customer_number)])
    pdf.heading(words.invoice)
    pdf.table(
        (
            Column(words.invoice, 0.22),
            Column(words.issued, 0.13),
            Column(words.due, 0.13),
            Column(words.terms, 0.18),
            Column(f"{words.amount} ({cur})", 0.17, "right"),
            Column(f"{words.balance} ({cur})", 0.17, "right"),
        ),
        [[invoice.number, issued, due, invoice.terms or "", amount, balance]],
    )
    pdf.gap(8)
    open_balance = format_money(invoice.balance, cur, locale)
    pdf.text(f"{words.open_balance}: {open_balance}", size=11, bold=True)
    if invoice.terms:
        pdf.text(f"{words.terms}: {invoice.terms}")
    if company.remit_to:
        pdf.heading(words.remit_to)
        pdf.lines(company.remit_to)
    pdf.gap(10)
    pdf.text(words.copy_note, size=7.5)
    return pdf.pdf()

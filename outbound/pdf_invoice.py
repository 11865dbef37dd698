"""A copy of an invoice as a PDF. Pure: data in, bytes out (the same bytes every time).

The ledger keeps an invoice's header, not its lines, so the copy shows what the ledger knows:
our company block, the customer, number, issue and due dates, amount, open balance and terms,
marked as a copy.
"""

from __future__ import annotations

from core.money import format_amount
from ledger.statements import InvoiceCopy
from outbound.pdf_layout import Column, CompanyBlock, PageWriter, header


def render_invoice_pdf(invoice: InvoiceCopy, *, company: CompanyBlock) -> bytes:
    """The PDF copy of ``invoice`` from ``company``."""
    cur = invoice.currency
    pdf = PageWriter(
        title=f"Invoice {invoice.number} (copy)",
        author=company.name,
        footer=f"{company.name} · copy of invoice {invoice.number}",
    )
    header(
        pdf,
        company,
        "Invoice (copy)",
        [
            ("Invoice number", invoice.number),
            ("Issue date", invoice.issue_date.isoformat()),
            ("Due date", invoice.due_date.isoformat()),
        ],
    )
    pdf.gap(10)
    pdf.text("Bill to", size=7.5)
    pdf.lines([invoice.customer_name, f"Customer {invoice.customer_number}"])
    pdf.heading("Invoice")
    pdf.table(
        (
            Column("Invoice", 0.22),
            Column("Issued", 0.13),
            Column("Due", 0.13),
            Column("Terms", 0.18),
            Column(f"Amount ({cur})", 0.17, "right"),
            Column(f"Balance ({cur})", 0.17, "right"),
        ),
        [
            [
                invoice.number,
                invoice.issue_date.isoformat(),
                invoice.due_date.isoformat(),
                invoice.terms or "",
                format_amount(invoice.amount, cur),
                format_amount(invoice.balance, cur),
            ]
        ],
    )
    pdf.gap(8)
    pdf.text(f"Open balance: {format_amount(invoice.balance, cur)} {cur}", size=11, bold=True)
    if invoice.terms:
        pdf.text(f"Terms: {invoice.terms}")
    if company.remit_to:
        pdf.heading("Please remit to")
        pdf.lines(company.remit_to)
    pdf.gap(10)
    pdf.text("This is a copy of the invoice for your records.", size=7.5)
    return pdf.pdf()

"""The statement of account as a PDF. Pure: data in, bytes out (the same bytes every time).

Layout, top to bottom: our company block and the statement's facts (as-of date, customer,
currency), the customer, the total due, the open items (a table that runs over as many pages
as it needs, its header repeated), open credits, unapplied cash, the aging buckets, the
summary (open items − credits − unapplied cash = total due) and the remit-to text.
"""

from __future__ import annotations

from decimal import Decimal

from core.money import format_amount
from ledger.statements import Statement
from outbound.pdf_layout import Column, CompanyBlock, PageWriter, header

ITEM_COLUMNS = (
    Column("Invoice", 0.26),
    Column("Issued", 0.14),
    Column("Due", 0.14),
    Column("Amount", 0.16, "right"),
    Column("Balance", 0.16, "right"),
    Column("Days past due", 0.14, "right"),
)
CREDIT_COLUMNS = (
    Column("Credit memo", 0.5),
    Column("Issued", 0.25),
    Column("Amount", 0.25, "right"),
)
CASH_COLUMNS = (
    Column("Received", 0.25),
    Column("Payment reference", 0.5),
    Column("Amount", 0.25, "right"),
)
SUMMARY_COLUMNS = (Column("", 0.75), Column("Amount", 0.25, "right"))


def render_statement_pdf(statement: Statement, *, company: CompanyBlock) -> bytes:
    """The PDF of ``statement`` from ``company``."""
    cur = statement.currency

    def money(amount: Decimal) -> str:
        return format_amount(amount, cur)

    as_of = statement.as_of.isoformat()
    pdf = PageWriter(
        title=f"Statement {statement.customer_number} {as_of}",
        author=company.name,
        footer=f"{company.name} · statement for {statement.customer_number} as of {as_of}",
    )
    header(
        pdf,
        company,
        "Statement of account",
        [("As of", as_of), ("Customer number", statement.customer_number), ("Currency", cur)],
    )
    pdf.gap(10)
    pdf.text("Statement for", size=7.5)
    pdf.lines([statement.customer_name, f"Customer {statement.customer_number}"])
    pdf.gap(6)
    pdf.text(f"Total due: {money(statement.total_due)} {cur}", size=11, bold=True)

    pdf.heading("Open items")
    rows = [
        [
            i.number,
            i.issue_date.isoformat(),
            i.due_date.isoformat(),
            money(i.amount),
            money(i.balance),
            str(i.days_past_due) if i.days_past_due else "",
        ]
        for i in statement.items
    ]
    rows.append(["Open items total", "", "", "", money(statement.open_total), ""])
    pdf.table(ITEM_COLUMNS, rows, total=True)

    if statement.credits:
        pdf.heading("Credits")
        credit_rows = [
            [c.number, c.issue_date.isoformat(), money(c.balance)] for c in statement.credits
        ]
        credit_rows.append(["Credits total", "", money(-statement.credits_total)])
        pdf.table(CREDIT_COLUMNS, credit_rows, total=True)

    if statement.unapplied:
        pdf.heading("Unapplied cash")
        cash_rows = [
            [u.received_on.isoformat(), u.reference or "", money(u.amount)]
            for u in statement.unapplied
        ]
        cash_rows.append(["Unapplied total", "", money(statement.unapplied_total)])
        pdf.table(CASH_COLUMNS, cash_rows, total=True)

    pdf.heading("Aging (days past due)")
    aging_columns = [Column(b.label, 1 / 6, "right") for b in statement.aging]
    pdf.table(
        [*aging_columns, Column("Total", 1 / 6, "right")],
        [[money(b.amount) for b in statement.aging] + [money(statement.open_total)]],
    )

    pdf.heading("Summary")
    pdf.table(
        SUMMARY_COLUMNS,
        [
            ["Open items", money(statement.open_total)],
            ["Less credits", money(-statement.credits_total)],
            ["Less unapplied cash", money(-statement.unapplied_total)],
            ["Total due", money(statement.total_due)],
        ],
        total=True,
    )
    if company.remit_to:
        pdf.heading("Please remit to")
        pdf.lines(company.remit_to)
    return pdf.pdf()

"""The statement of account as a PDF. Pure: data in, bytes out (the same bytes every time).

Layout, top to bottom: our company block and the statement's facts (as-of date, customer,
currency), the customer, the total due, the open items (a table that runs over as many pages
as it needs, its header repeated), open credits, unapplied cash, the aging buckets, the
summary (open items − credits − unapplied cash = total due) and the remit-to text. Words,
amounts and dates in the customer's locale (:mod:`outbound.pdf_labels`, :mod:`core.locales`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.locales import DEFAULT_LOCALE, format_date, format_money
from ledger.statements import Statement
from outbound.pdf_labels import PdfLabels, pdf_labels
from outbound.pdf_layout import Column, CompanyBlock, PageWriter, header


def render_statement_pdf(
    statement: Statement, *, company: CompanyBlock, locale: str = DEFAULT_LOCALE
) -> bytes:
    """The PDF of ``statement`` from ``company``, in ``locale``."""
    cur = statement.currency
    words = pdf_labels(locale)

    def money(amount: Decimal) -> str:
        return format_money(amount, cur, locale, symbol=False)

    def day(value: date) -> str:
        return format_date(value, locale)

    as_of = day(statement.as_of)
    number = statement.customer_number
    pdf = PageWriter(
        title=words.statement_doc.format(number=number, as_of=statement.as_of.isoformat()),
        author=company.name,
        footer=words.statement_footer.format(company=company.name, number=number, as_of=as_of),
        page_label=words.page,
    )
    header(
        pdf,
        company,
        words.statement_title,
        [(words.as_of, as_of), (words.customer_number, number), (words.currency, cur)],
    )
    pdf.gap(10)
    pdf.text(words.statement_for, size=7.5)
    pdf.lines([statement.customer_name, words.customer.format(number=number)])
    pdf.gap(6)
    total_due = format_money(statement.total_due, cur, locale)
    pdf.text(f"{words.total_due}: {total_due}", size=11, bold=True)

    pdf.heading(words.open_items)
    rows = [
        [
            i.number,
            day(i.issue_date),
            day(i.due_date),
            money(i.amount),
            money(i.balance),
            str(i.days_past_due) if i.days_past_due else "",
        ]
        for i in statement.items
    ]
    rows.append([words.open_items_total, "", "", "", money(statement.open_total), ""])
    pdf.table(_item_columns(words), rows, total=True)

    if statement.credits:
        pdf.heading(words.credits)
        credit_rows = [
            [
                words.credit_for.format(number=c.number, invoice=c.credits_number)
                if c.credits_number
                else c.number,
                day(c.issue_date),
                money(c.balance),
            ]
            for c in statement.credits
        ]
        credit_rows.append([words.credits_total, "", money(-statement.credits_total)])
        columns = (
            Column(words.credit_memo, 0.5),
            Column(words.issued, 0.25),
            Column(words.amount, 0.25, "right"),
        )
        pdf.table(columns, credit_rows, total=True)

    if statement.unapplied:
        pdf.heading(words.unapplied_cash)
        cash_rows = [
            [day(u.received_on), u.reference or "", money(u.amount)] for u in statement.unapplied
        ]
        cash_rows.append([words.unapplied_total, "", money(statement.unapplied_total)])
        columns = (
            Column(words.received, 0.25),
            Column(words.payment_reference, 0.5),
            Column(words.amount, 0.25, "right"),
        )
        pdf.table(columns, cash_rows, total=True)

    pdf.heading(words.aging)
    aging_columns = [
        Column(words.aging_current if b.label == "current" else b.label, 1 / 6, "right")
        for b in statement.aging
    ]
    pdf.table(
        [*aging_columns, Column(words.total, 1 / 6, "right")],
        [[money(b.amount) for b in statement.aging] + [money(statement.open_total)]],
    )

    pdf.heading(words.summary)
    pdf.table(
        (Column("", 0.75), Column(f"{words.amount} ({cur})", 0.25, "right")),
        [
            [words.open_items, money(statement.open_total)],
            # "Less" says it is taken off: the amounts are shown as they are (issue 21: it
            # printed "Less unapplied cash -950.00", a double minus).
            [words.less_credits, money(statement.credits_total)],
            [words.less_unapplied, money(statement.unapplied_total)],
            [words.total_due, money(statement.total_due)],
        ],
        total=True,
    )
    if company.remit_to:
        pdf.heading(words.remit_to)
        pdf.lines(company.remit_to)
    return pdf.pdf()


def _item_columns(words: PdfLabels) -> tuple[Column, ...]:
    return (
        Column(words.invoice, 0.26),
        Column(words.issued, 0.14),
        Column(words.due, 0.14),
        Column(words.amount, 0.16, "right"),
        Column(words.balance, 0.16, "right"),
        Column(words.days_past_due, 0.14, "right"),
    )

"""DSO (days sales outstanding) as of a date, per customer and per currency.

    DSO = receivables as of the date / credit sales of the period × days in the period

*Receivables* are the invoice balances as of the date (credit memos included, unapplied cash
not: it is a separate figure of the aging). *Credit sales* are the amounts of the invoices
(not credit memos) issued in the ``days`` days up to and including the date. DSO is given to
a tenth of a day, rounded half up; it is unknown (None) when there were no credit sales.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from ledger.reports.aging import customer_labels
from ledger.reports.balances import SQL_ZERO, ZERO, balances_subquery, money_sum

#: DSO is shown to a tenth of a day.
DSO_EXP = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class DsoRow:
    """DSO of one customer in one currency, or of a whole currency (``customer_number`` "")."""

    customer_number: str
    customer_name: str
    currency: str
    receivables: Decimal
    credit_sales: Decimal
    dso: Decimal | None


@dataclass(frozen=True, slots=True)
class DsoReport:
    """DSO per customer and per currency."""

    as_of: date
    days: int
    rows: tuple[DsoRow, ...]  # by currency, then customer number
    totals: tuple[DsoRow, ...]  # one per currency


def days_sales_outstanding(
    receivables: Decimal, credit_sales: Decimal, days: int
) -> Decimal | None:
    """``receivables / credit_sales × days`` to a tenth of a day; None without sales. Pure."""
    if credit_sales <= ZERO:
        return None
    return (receivables * days / credit_sales).quantize(DSO_EXP, rounding=ROUND_HALF_UP)


def dso_report(session: Session, *, as_of: date, days: int = 90) -> DsoReport:
    """DSO of every customer with receivables or sales, and of each currency."""
    if days < 1:
        raise ValueError(f"the DSO period must be at least one day, not {days}")
    first = as_of - timedelta(days=days - 1)
    inv = balances_subquery(session, as_of)
    sales = money_sum(
        case(
            ((inv.c.issue_date >= first) & (inv.c.amount > SQL_ZERO), inv.c.amount),
            else_=SQL_ZERO,
        )
    )
    grouped = session.execute(
        select(inv.c.customer_id, inv.c.currency, money_sum(inv.c.balance), sales).group_by(
            inv.c.customer_id, inv.c.currency
        )
    ).tuples()
    figures = [(cid, cur, ar, sold) for cid, cur, ar, sold in grouped if ar or sold]
    names = customer_labels(session, [cid for cid, _, _, _ in figures])
    rows = sorted(
        (
            DsoRow(
                customer_number=names[cid][0],
                customer_name=names[cid][1],
                currency=cur,
                receivables=ar,
                credit_sales=sold,
                dso=days_sales_outstanding(ar, sold, days),
            )
            for cid, cur, ar, sold in figures
        ),
        key=lambda r: (r.currency, r.customer_number),
    )
    totals = []
    for currency in sorted({r.currency for r in rows}):
        ar = sum((r.receivables for r in rows if r.currency == currency), start=ZERO)
        sold = sum((r.credit_sales for r in rows if r.currency == currency), start=ZERO)
        totals.append(
            DsoRow("", "Total", currency, ar, sold, days_sales_outstanding(ar, sold, days))
        )
    return DsoReport(as_of=as_of, days=days, rows=tuple(rows), totals=tuple(totals))

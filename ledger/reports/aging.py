"""AR aging as of any date: open balances per customer and currency by days past due.

The buckets are the statements' (:data:`ledger.statements.BUCKETS`: current, 1–30, 31–60,
61–90, 90+ days past due), applied to each invoice's balance as of the date
(:mod:`ledger.reports.balances`). Credit memos (negative balances) and unapplied cash are
columns of their own, as negative amounts, so that a row adds up::

    total = current + 1-30 + 31-60 + 61-90 + 90+ + credits + unapplied

Everything is summed in SQL, grouped by customer and currency; only the rows of the report
are read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, select, true
from sqlalchemy.orm import Session

from ledger.compiled import IN_CHUNK
from ledger.models import Customer
from ledger.reports.balances import SQL_ZERO, ZERO, balances_subquery, money_sum, unapplied_as_of
from ledger.statements import BUCKETS

#: The bucket labels, in order (the statements' buckets).
BUCKET_LABELS: tuple[str, ...] = tuple(label for label, _, _ in BUCKETS)
#: Shown for unapplied cash of a payer nobody identified yet.
UNIDENTIFIED = "(payer not identified)"


@dataclass(frozen=True, slots=True)
class AgingRow:
    """One customer's aging in one currency (or the total of a currency)."""

    customer_number: str  # "" for the total row and for unidentified payers
    customer_name: str
    currency: str
    buckets: tuple[Decimal, ...]  # one per BUCKET_LABELS
    credits: Decimal  # open credit memos, ≤ 0
    unapplied: Decimal  # unapplied cash, ≤ 0

    @property
    def open_items(self) -> Decimal:
        """What the buckets add up to."""
        return sum(self.buckets, start=ZERO)

    @property
    def total(self) -> Decimal:
        """Open items + credits + unapplied: what the customer owes, net."""
        return self.open_items + self.credits + self.unapplied


@dataclass(frozen=True, slots=True)
class AgingReport:
    """Aging per customer, and a total row per currency."""

    as_of: date
    rows: tuple[AgingRow, ...]  # by currency, then customer number
    totals: tuple[AgingRow, ...]  # one per currency, by currency

    def total_for(self, currency: str) -> AgingRow:
        """The total row of ``currency``."""
        for row in self.totals:
            if row.currency == currency:
                return row
        raise KeyError(currency)


def bucket_condition(due: Any, *, as_of: date, low: int, high: int | None) -> ColumnElement[bool]:
    """``due`` falls in the bucket of ``low``..``high`` days past due as of ``as_of``.

    Days past due are ``max(0, as_of - due)`` (as :func:`ledger.statements.days_past_due`),
    written as date comparisons so the SQL is the same on SQLite and PostgreSQL.
    """
    parts = []
    if low > 0:
        parts.append(due <= as_of - timedelta(days=low))
    if high is not None:
        parts.append(due >= as_of - timedelta(days=high))
    return and_(true(), *parts)


def aging_report(session: Session, *, as_of: date) -> AgingReport:
    """The aging of every customer with a nonzero position as of ``as_of``."""
    inv = balances_subquery(session, as_of)
    positive = inv.c.balance > SQL_ZERO
    columns = [
        money_sum(
            case(
                (
                    positive & bucket_condition(inv.c.due_date, as_of=as_of, low=lo, high=hi),
                    inv.c.balance,
                ),
                else_=SQL_ZERO,
            )
        )
        for _, lo, hi in BUCKETS
    ]
    credits = money_sum(case((inv.c.balance < SQL_ZERO, inv.c.balance), else_=SQL_ZERO))
    grouped = session.execute(
        select(inv.c.customer_id, inv.c.currency, credits, *columns).group_by(
            inv.c.customer_id, inv.c.currency
        )
    ).all()
    figures: dict[tuple[int | None, str], tuple[tuple[Decimal, ...], Decimal, Decimal]] = {}
    for cid, currency, credit, *amounts in grouped:
        figures[(cid, currency)] = (tuple(amounts), credit, ZERO)
    for key, amount in unapplied_as_of(session, as_of).items():
        buckets, credit, _ = figures.get(key, ((ZERO,) * len(BUCKETS), ZERO, ZERO))
        figures[key] = (buckets, credit, -amount)
    names = customer_labels(session, [cid for cid, _ in figures if cid is not None])
    rows = []
    for (cid, currency), (buckets, credit, unapplied) in figures.items():
        if not any(buckets) and not credit and not unapplied:
            continue
        number, name = names[cid] if cid is not None else ("", UNIDENTIFIED)
        rows.append(AgingRow(number, name, currency, buckets, credit, unapplied))
    rows.sort(key=lambda r: (r.currency, r.customer_number == "", r.customer_number))
    return AgingReport(as_of=as_of, rows=tuple(rows), totals=total_rows(rows))


def total_rows(rows: Sequence[AgingRow]) -> tuple[AgingRow, ...]:
    """One row per currency adding up ``rows`` of that currency. Pure."""
    out = []
    for currency in sorted({r.currency for r in rows}):
        mine = [r for r in rows if r.currency == currency]
        out.append(
            AgingRow(
                customer_number="",
                customer_name="Total",
                currency=currency,
                buckets=tuple(
                    sum((r.buckets[i] for r in mine), start=ZERO) for i in range(len(BUCKETS))
                ),
                credits=sum((r.credits for r in mine), start=ZERO),
                unapplied=sum((r.unapplied for r in mine), start=ZERO),
            )
        )
    return tuple(out)


def customer_labels(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    out: dict[int, tuple[str, str]] = {}
    unique = sorted(set(ids))
    for start in range(0, len(unique), IN_CHUNK):
        chunk = unique[start : start + IN_CHUNK]
        rows = session.execute(
            select(Customer.id, Customer.number, Customer.name).where(Customer.id.in_(chunk))
        ).tuples()
        out.update((cid, (number, name)) for cid, number, name in rows)
    return out

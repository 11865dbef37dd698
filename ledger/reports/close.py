"""Month-end close: what happened to receivables in a month, reconciled to the ledger.

Per currency, the invoice balances at the start of the month roll forward to those at its
end::

      opening AR            balances as of the last day of the month before
    + invoiced              amounts of the invoices issued in the month
    + credit memos          amounts (negative) of the credit memos issued in the month
    − cash applied          net cash applied in the month (credit memos netted included)
    − discounts             early-payment discounts written off with it
    + un-applied            what applications reversed in the month gave back
    + imported balances     invoices of the month that came in with a balance below their
                            amount (paid before arbox knew them): balance − amount
    = expected closing AR
      closing AR            balances as of the last day of the month
      difference            closing − expected: nonzero means a balance changed in a way the
                            ledger has no dated record of (such as an application dated before
                            its invoice was issued), and the close does not reconcile

The opening and closing balances are computed independently of the movements (see
:mod:`ledger.reports.balances`). The report also gives the cash applied in the month (as
:mod:`ledger.reports.cash` does), unapplied cash and open deductions at the month end, and the
review items open at the month end per kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ledger.models import Application, Invoice, ReviewItem
from ledger.reports.balances import (
    SQL_ZERO,
    ZERO,
    balances_subquery,
    end_of_day,
    money_sum,
    settled,
)
from ledger.reports.cash import CashReport, cash_report

_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """The roll-forward of one currency's receivables over the month."""

    currency: str
    opening: Decimal
    invoiced: Decimal
    credit_memos: Decimal  # ≤ 0
    cash_applied: Decimal  # ≤ 0 as a movement of AR
    discounts: Decimal  # ≤ 0
    unapplied_back: Decimal  # ≥ 0
    imported: Decimal  # ≤ 0 for invoices
    closing: Decimal

    @property
    def expected(self) -> Decimal:
        """Opening plus every movement."""
        return (
            self.opening
            + self.invoiced
            + self.credit_memos
            + self.cash_applied
            + self.discounts
            + self.unapplied_back
            + self.imported
        )

    @property
    def difference(self) -> Decimal:
        """Closing − expected; zero when the month reconciles."""
        return self.closing - self.expected


@dataclass(frozen=True, slots=True)
class CloseReport:
    """The month-end report of ``period`` (``YYYY-MM``)."""

    period: str
    start: date
    end: date
    reconciliations: tuple[Reconciliation, ...]  # by currency
    cash: CashReport  # the month, by day
    review_open: tuple[tuple[str, int], ...]  # (kind, count) open at the month end

    @property
    def reconciles(self) -> bool:
        """Every currency's difference is zero."""
        return all(r.difference == ZERO for r in self.reconciliations)


def parse_period(text: str) -> tuple[date, date]:
    """``"2026-02"`` → (1 February, 28 February 2026). Raises ValueError otherwise."""
    found = _PERIOD.match(text.strip())
    if found is None:
        raise ValueError(f"period {text!r}: expected YYYY-MM")
    start = date(int(found[1]), int(found[2]), 1)
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return start, following - timedelta(days=1)


def close_report(session: Session, *, period: str) -> CloseReport:
    """The month-end report of ``period`` (``YYYY-MM``)."""
    start, end = parse_period(period)
    return CloseReport(
        period=period,
        start=start,
        end=end,
        reconciliations=reconcile(session, start=start, end=end),
        cash=cash_report(session, start=start, end=end, by="day"),
        review_open=review_open_at(session, end),
    )


def reconcile(session: Session, *, start: date, end: date) -> tuple[Reconciliation, ...]:
    """The roll-forward of receivables from ``start`` to ``end``, per currency."""
    lo, hi = end_of_day(start - timedelta(days=1)), end_of_day(end)
    opening = _totals(session, start - timedelta(days=1))
    closing = _totals(session, end)
    issued = (Invoice.issue_date >= start) & (Invoice.issue_date <= end)
    active = (
        select(Application.invoice_id.label("invoice_id"), func.sum(settled()).label("took"))
        .where(Application.reversed_at.is_(None))
        .group_by(Application.invoice_id)
        .subquery("active")
    )
    first_balance = Invoice.balance + func.coalesce(active.c.took, SQL_ZERO)
    new_docs = {
        cur: (inv, cm, imp)
        for cur, inv, cm, imp in session.execute(
            select(
                Invoice.currency,
                money_sum(case((Invoice.amount > SQL_ZERO, Invoice.amount), else_=SQL_ZERO)),
                money_sum(case((Invoice.amount < SQL_ZERO, Invoice.amount), else_=SQL_ZERO)),
                money_sum(first_balance - Invoice.amount),
            )
            .outerjoin(active, active.c.invoice_id == Invoice.id)
            .where(issued)
            .group_by(Invoice.currency)
        ).tuples()
    }
    applied_in = (Application.applied_at >= lo) & (Application.applied_at < hi)
    reversed_in = (Application.reversed_at >= lo) & (Application.reversed_at < hi)
    moves = {
        cur: (cash, disc, back)
        for cur, cash, disc, back in session.execute(
            select(
                Invoice.currency,
                money_sum(case((applied_in, Application.amount), else_=SQL_ZERO)),
                money_sum(case((applied_in, Application.discount), else_=SQL_ZERO)),
                money_sum(case((reversed_in, settled()), else_=SQL_ZERO)),
            )
            .join(Invoice, Invoice.id == Application.invoice_id)
            .where(applied_in | reversed_in)
            .group_by(Invoice.currency)
        ).tuples()
    }
    out = []
    for currency in sorted(set(opening) | set(closing) | set(new_docs) | set(moves)):
        inv, cm, imp = new_docs.get(currency, (ZERO, ZERO, ZERO))
        cash, disc, back = moves.get(currency, (ZERO, ZERO, ZERO))
        out.append(
            Reconciliation(
                currency=currency,
                opening=opening.get(currency, ZERO),
                invoiced=inv,
                credit_memos=cm,
                cash_applied=-cash,
                discounts=-disc,
                unapplied_back=back,
                imported=imp,
                closing=closing.get(currency, ZERO),
            )
        )
    return tuple(out)


def review_open_at(session: Session, day: date) -> tuple[tuple[str, int], ...]:
    """Review items open at the end of ``day``, per kind: created by then, not resolved by
    then."""
    end = end_of_day(day)
    rows = session.execute(
        select(ReviewItem.kind, func.count())
        .where(
            ReviewItem.created_at < end,
            ReviewItem.resolved_at.is_(None) | (ReviewItem.resolved_at >= end),
        )
        .group_by(ReviewItem.kind)
        .order_by(ReviewItem.kind)
    ).tuples()
    return tuple((kind, int(n)) for kind, n in rows)


def _totals(session: Session, day: date) -> dict[str, Decimal]:
    inv = balances_subquery(session, day)
    rows = session.execute(
        select(inv.c.currency, money_sum(inv.c.balance)).group_by(inv.c.currency)
    ).tuples()
    return dict(rows.all())

"""Cash applied over a period, per day or per customer, and what is still open at its end.

Per (day or customer, currency): cash applied automatically and by a person (amount and
number of applications), the discounts and deductions taken with it, and cash un-applied in
the period. An application counts on the day it was applied even if it was un-applied later;
the un-applying counts on its own day, so ``net = applied − reversed``. An application that
was un-applied is classed as automatic when the worker had applied it.

STP (straight-through processing) is the share of the remittance lines received in the
period that were applied with no person: lines decided ``auto`` / lines received. It is a
count, so it is given over all currencies. A credit memo settled against its invoice
(ledger.credit_settling) is recorded as two lines of no advice: they are not lines received.

At the end of the period: open unapplied cash and open deductions (the part of a short
payment's deduction its invoice still owes), per currency.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from core.statuses import ApplicationStatus
from ledger.credit_settling import SETTLEMENT_SOURCE
from ledger.models import Application, Invoice, Remittance, RemittanceLine
from ledger.reports.aging import customer_labels
from ledger.reports.balances import (
    SQL_ZERO,
    ZERO,
    balances_subquery,
    end_of_day,
    money,
    money_sum,
    to_date,
    unapplied_as_of,
    utc_day,
)

CashBy = Literal["day", "customer"]
#: STP is given in percent with one decimal.
PERCENT_EXP = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class CashRow:
    """Cash applied on one day (``key`` an ISO date) or to one customer (its number)."""

    key: str
    label: str  # the customer's name, or "" by day
    currency: str
    auto_amount: Decimal
    auto_count: int
    confirmed_amount: Decimal
    confirmed_count: int
    discounts: Decimal
    deductions: Decimal
    reversed: Decimal  # cash un-applied in the period

    @property
    def applied(self) -> Decimal:
        """Cash applied, automatically or by a person."""
        return self.auto_amount + self.confirmed_amount

    @property
    def net(self) -> Decimal:
        """Applied less un-applied."""
        return self.applied - self.reversed


@dataclass(frozen=True, slots=True)
class StpDay:
    """Remittance lines received on a day and how many were applied with no person."""

    day: date
    lines: int
    auto: int

    @property
    def stp(self) -> Decimal | None:
        """Percent of lines applied straight through; None on a day without lines."""
        return percent(self.auto, self.lines)


@dataclass(frozen=True, slots=True)
class OpenAtEnd:
    """What is still open at the end of the period in one currency."""

    currency: str
    unapplied: Decimal
    deductions: Decimal


@dataclass(frozen=True, slots=True)
class CashReport:
    """Cash applied in ``start``..``end`` (both included)."""

    start: date
    end: date
    by: CashBy
    rows: tuple[CashRow, ...]
    totals: tuple[CashRow, ...]  # one per currency
    stp_days: tuple[StpDay, ...]  # every day with lines, by day
    open_at_end: tuple[OpenAtEnd, ...]

    @property
    def lines(self) -> int:
        """Remittance lines received in the period."""
        return sum(d.lines for d in self.stp_days)

    @property
    def lines_auto(self) -> int:
        """Of those, applied with no person."""
        return sum(d.auto for d in self.stp_days)

    @property
    def stp(self) -> Decimal | None:
        """STP of the period in percent."""
        return percent(self.lines_auto, self.lines)


def percent(part: int, whole: int) -> Decimal | None:
    """``part / whole`` in percent with one decimal, rounded half up; None when ``whole`` is 0."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / whole).quantize(PERCENT_EXP, rounding=ROUND_HALF_UP)


def cash_report(session: Session, *, start: date, end: date, by: CashBy = "day") -> CashReport:
    """Cash applied from ``start`` to ``end`` (UTC days, both included)."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    dialect = session.get_bind().dialect.name
    rows = _applied(session, start=start, end=end, by=by, dialect=dialect)
    return CashReport(
        start=start,
        end=end,
        by=by,
        rows=rows,
        totals=cash_totals(rows),
        stp_days=stp_days(session, start=start, end=end),
        open_at_end=open_at_end(session, end),
    )


def cash_totals(rows: Sequence[CashRow]) -> tuple[CashRow, ...]:
    """One row per currency adding up ``rows``. Pure."""
    out = []
    for currency in sorted({r.currency for r in rows}):
        mine = [r for r in rows if r.currency == currency]
        out.append(
            CashRow(
                key="Total",
                label="",
                currency=currency,
                auto_amount=sum((r.auto_amount for r in mine), start=ZERO),
                auto_count=sum(r.auto_count for r in mine),
                confirmed_amount=sum((r.confirmed_amount for r in mine), start=ZERO),
                confirmed_count=sum(r.confirmed_count for r in mine),
                discounts=sum((r.discounts for r in mine), start=ZERO),
                deductions=sum((r.deductions for r in mine), start=ZERO),
                reversed=sum((r.reversed for r in mine), start=ZERO),
            )
        )
    return tuple(out)


def _applied(
    session: Session, *, start: date, end: date, by: CashBy, dialect: str
) -> tuple[CashRow, ...]:
    lo, hi = end_of_day(start - timedelta(days=1)), end_of_day(end)
    is_auto = case(
        (Application.status == ApplicationStatus.AUTO, literal(True)),
        (
            and_(
                Application.status == ApplicationStatus.REVERSED, Application.applied_by == "worker"
            ),
            literal(True),
        ),
        else_=literal(False),
    )
    applied_in = (Application.applied_at >= lo) & (Application.applied_at < hi)
    reversed_in = (Application.reversed_at >= lo) & (Application.reversed_at < hi)

    def in_period(flag: Any, value: Any) -> Any:
        return money_sum(case((flag, value), else_=SQL_ZERO))

    auto_in = applied_in & is_auto
    manual_in = applied_in & ~is_auto
    key: Any = utc_day(Application.applied_at, dialect) if by == "day" else Invoice.customer_id
    measures = (
        in_period(auto_in, Application.amount),
        func.sum(case((auto_in, 1), else_=0)),
        in_period(manual_in, Application.amount),
        func.sum(case((manual_in, 1), else_=0)),
        in_period(applied_in, Application.discount),
        in_period(applied_in, Application.deduction),
    )
    rev = money_sum(Application.amount)
    found: dict[tuple[Any, str], list[Any]] = {}
    stmt = (
        select(key, Application.currency, *measures)
        .join(Invoice, Invoice.id == Application.invoice_id)
        .where(applied_in)
        .group_by(key, Application.currency)
    )
    for k, currency, *values in session.execute(stmt):
        found[(k, currency)] = [*values, ZERO]
    rkey: Any = utc_day(Application.reversed_at, dialect) if by == "day" else Invoice.customer_id
    stmt = (
        select(rkey, Application.currency, rev)
        .join(Invoice, Invoice.id == Application.invoice_id)
        .where(reversed_in)
        .group_by(rkey, Application.currency)
    )
    for k, currency, amount in session.execute(stmt):
        found.setdefault((k, currency), [ZERO, 0, ZERO, 0, ZERO, ZERO, ZERO])[6] = amount
    names = customer_labels(session, [k for k, _ in found]) if by == "customer" else {}
    out = []
    for (k, currency), (auto, n_auto, manual, n_manual, disc, ded, back) in found.items():
        label = names[k] if by == "customer" else (to_date(k).isoformat(), "")
        out.append(
            CashRow(
                key=label[0],
                label=label[1],
                currency=currency,
                auto_amount=auto,
                auto_count=int(n_auto or 0),
                confirmed_amount=manual,
                confirmed_count=int(n_manual or 0),
                discounts=disc,
                deductions=ded,
                reversed=back,
            )
        )
    out.sort(key=lambda r: (r.currency, r.key))
    return tuple(out)


def stp_days(session: Session, *, start: date, end: date) -> tuple[StpDay, ...]:
    """Remittance lines received per day from ``start`` to ``end`` and how many went ``auto``."""
    lo, hi = end_of_day(start - timedelta(days=1)), end_of_day(end)
    day = utc_day(Remittance.created_at, session.get_bind().dialect.name)
    rows = session.execute(
        select(day, func.count(), func.sum(case((RemittanceLine.outcome == "auto", 1), else_=0)))
        .join(Remittance, Remittance.id == RemittanceLine.remittance_id)
        .where(
            Remittance.created_at >= lo,
            Remittance.created_at < hi,
            Remittance.source != SETTLEMENT_SOURCE,
        )
        .group_by(day)
    ).tuples()
    days = [StpDay(day=to_date(d), lines=int(n), auto=int(a or 0)) for d, n, a in rows]
    return tuple(sorted(days, key=lambda d: d.day))


def open_at_end(session: Session, day: date) -> tuple[OpenAtEnd, ...]:
    """Unapplied cash and open deductions at the end of ``day``, per currency."""
    unapplied: dict[str, Decimal] = {}
    for (_, currency), amount in unapplied_as_of(session, day).items():
        unapplied[currency] = unapplied.get(currency, ZERO) + amount
    deductions = open_deductions(session, day)
    return tuple(
        OpenAtEnd(currency=c, unapplied=unapplied.get(c, ZERO), deductions=deductions.get(c, ZERO))
        for c in sorted(set(unapplied) | set(deductions))
    )


def open_deductions(session: Session, day: date) -> dict[str, Decimal]:
    """Per currency: the deductions of short payments applied by the end of ``day`` (and not
    un-applied by then), each as far as its invoice still owes it as of ``day``."""
    end = end_of_day(day)
    taken = (
        select(
            Application.invoice_id.label("invoice_id"),
            money(func.sum(Application.deduction)).label("deduction"),
        )
        .where(
            Application.deduction > SQL_ZERO,
            Application.applied_at < end,
            (Application.reversed_at.is_(None)) | (Application.reversed_at >= end),
        )
        .group_by(Application.invoice_id)
        .subquery("taken")
    )
    inv = balances_subquery(session, day)
    still = case(
        (taken.c.deduction <= inv.c.balance, taken.c.deduction),
        (inv.c.balance > SQL_ZERO, inv.c.balance),
        else_=SQL_ZERO,
    )
    rows = session.execute(
        select(inv.c.currency, money_sum(still))
        .join(taken, taken.c.invoice_id == inv.c.invoice_id)
        .group_by(inv.c.currency)
    ).tuples()
    return {currency: amount for currency, amount in rows if amount != ZERO}

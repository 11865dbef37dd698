"""The reads of the review queue and of the dashboard: open review items (filtered, sorted,
counted by kind and by age), the next one in queue order, today's mail by status, the lines
applied with no person, and the open unapplied cash. The review pages call these; the SQL is
here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from core.statuses import ReviewStatus, UnappliedStatus
from core.types import Outcome
from ledger.base import money_from_sum
from ledger.like_patterns import contains_folded
from ledger.models import (
    Customer,
    InboundMessage,
    Remittance,
    RemittanceLine,
    ReviewItem,
    UnappliedCash,
)

#: The text search of the queue looks in these columns.
SEARCHED = (
    ReviewItem.reason,
    InboundMessage.subject,
    InboundMessage.from_address,
    Remittance.payer_name,
    RemittanceLine.invoice_ref,
    Customer.number,
    Customer.name,
)


@dataclass(frozen=True, slots=True)
class OpenItems:
    """Open review items a filter lets through: how many, and the first rows in its order.

    Each row: item id, kind, reason, created_at, customer number, customer name, sender,
    subject, payer name, invoice ref, amount, currency, the item's stored candidates."""

    matched: int
    rows: Sequence[Row[Any]]


def open_items(
    session: Session,
    *,
    now: datetime,
    limit: int,
    kind: str | None = None,
    customer: str | None = None,
    min_age_days: int | None = None,
    min_amount: Decimal | None = None,
    max_amount: Decimal | None = None,
    q: str | None = None,
    sort: str = "oldest",
) -> OpenItems:
    """The open review items of ``kind``, whose customer's number or name contains
    ``customer``, at least ``min_age_days`` old, with a line amount in
    [``min_amount``, ``max_amount``], with ``q`` in any of :data:`SEARCHED` (text compared
    case-insensitively and literally); the first ``limit`` in the order ``sort`` names
    (``oldest``, ``newest``, ``amount_desc``, ``amount_asc``, ``kind``, ``customer``;
    anything else is ``oldest``), and how many match."""
    where: list[ColumnElement[bool]] = [ReviewItem.status == ReviewStatus.OPEN]
    if kind:
        where.append(ReviewItem.kind == kind)
    if customer:
        where.append(
            or_(
                contains_folded(Customer.number, customer), contains_folded(Customer.name, customer)
            )
        )
    if min_age_days is not None:
        where.append(ReviewItem.created_at <= now - timedelta(days=min_age_days))
    if min_amount is not None:
        where.append(RemittanceLine.amount >= min_amount)
    if max_amount is not None:
        where.append(RemittanceLine.amount <= max_amount)
    if q:
        where.append(or_(*(contains_folded(column, q) for column in SEARCHED)))
    counted = select(func.count(ReviewItem.id))
    if customer or q or min_amount is not None or max_amount is not None:
        counted = _joined(counted)
    matched = session.execute(counted.where(*where)).scalar_one()
    stmt = (
        _joined(
            select(
                ReviewItem.id,
                ReviewItem.kind,
                ReviewItem.reason,
                ReviewItem.created_at,
                Customer.number,
                Customer.name,
                InboundMessage.from_address,
                InboundMessage.subject,
                Remittance.payer_name,
                RemittanceLine.invoice_ref,
                RemittanceLine.amount,
                Remittance.currency,
                ReviewItem.candidates,
            )
        )
        .where(*where)
        .order_by(*_order(sort))
        .limit(limit)
    )
    return OpenItems(matched=matched, rows=session.execute(stmt).all())


def _joined(stmt: Select[Any]) -> Select[Any]:
    return (
        stmt.select_from(ReviewItem)
        .outerjoin(Customer, ReviewItem.customer_id == Customer.id)
        .outerjoin(InboundMessage, ReviewItem.inbound_id == InboundMessage.id)
        .outerjoin(RemittanceLine, ReviewItem.remittance_line_id == RemittanceLine.id)
        .outerjoin(Remittance, RemittanceLine.remittance_id == Remittance.id)
    )


def _order(sort: str) -> list[Any]:
    tail = [ReviewItem.created_at, ReviewItem.id]
    if sort == "newest":
        return [ReviewItem.created_at.desc(), ReviewItem.id.desc()]
    if sort == "amount_desc":
        return [RemittanceLine.amount.is_(None), RemittanceLine.amount.desc(), *tail]
    if sort == "amount_asc":
        return [RemittanceLine.amount.is_(None), RemittanceLine.amount, *tail]
    if sort == "kind":
        return [ReviewItem.kind, *tail]
    if sort == "customer":
        return [Customer.number.is_(None), Customer.number, *tail]
    return tail


def open_items_by_kind(session: Session) -> dict[str, int]:
    """The number of open review items of each kind, by kind."""
    return {
        str(k): int(n)
        for k, n in session.execute(
            select(ReviewItem.kind, func.count())
            .where(ReviewItem.status == ReviewStatus.OPEN)
            .group_by(ReviewItem.kind)
            .order_by(ReviewItem.kind)
        )
    }


def next_open_item(session: Session, *, after: int) -> int | None:
    """The next open item in queue order (oldest first) after ``after``, else the first."""
    ids = list(
        session.scalars(
            select(ReviewItem.id)
            .where(ReviewItem.status == ReviewStatus.OPEN)
            .order_by(ReviewItem.created_at, ReviewItem.id)
            .limit(1000)
        )
    )
    later = [i for i in ids if i > after]
    return later[0] if later else (ids[0] if ids else None)


def open_items_size(session: Session) -> tuple[int, datetime | None]:
    """How many review items are open, and when the oldest of them was opened."""
    count, oldest = session.execute(
        select(func.count(ReviewItem.id), func.min(ReviewItem.created_at)).where(
            ReviewItem.status == ReviewStatus.OPEN
        )
    ).one()
    return count, oldest


def open_items_by_age(
    session: Session, *, now: datetime, bounds: Sequence[tuple[timedelta, timedelta | None]]
) -> tuple[int, ...]:
    """The number of open review items in each age bucket of ``bounds``: (at least this old,
    younger than this or None), in one query."""
    buckets = []
    for low, high in bounds:
        older = ReviewItem.created_at <= now - low
        inside = older if high is None else and_(older, ReviewItem.created_at > now - high)
        buckets.append(func.count(case((inside, 1))))
    counted = session.execute(select(*buckets).where(ReviewItem.status == ReviewStatus.OPEN)).one()
    return tuple(int(n) for n in counted)


def mail_by_status(session: Session, *, since: datetime) -> dict[str, int]:
    """The number of mails received since ``since``, by status."""
    return {
        str(k): int(n)
        for k, n in session.execute(
            select(InboundMessage.status, func.count())
            .where(InboundMessage.received_at >= since)
            .group_by(InboundMessage.status)
            .order_by(InboundMessage.status)
        )
    }


def line_outcomes(session: Session, *, since: datetime | None) -> tuple[int, int]:
    """Remittance lines read (of remittances created since ``since``, or ever): how many
    were applied automatically, and how many there were."""
    stmt = select(
        func.count(case((RemittanceLine.outcome == Outcome.AUTO, 1))), func.count(RemittanceLine.id)
    ).join(Remittance, RemittanceLine.remittance_id == Remittance.id)
    if since is not None:
        stmt = stmt.where(Remittance.created_at >= since)
    auto, total = session.execute(stmt).one()
    return auto, total


def unapplied_by_currency(session: Session) -> list[tuple[str, Decimal, int]]:
    """The open unapplied cash per currency: currency, total, number of items; by currency."""
    return [
        (currency, _money(total), n)
        for currency, total, n in session.execute(
            select(UnappliedCash.currency, func.sum(UnappliedCash.amount), func.count())
            .where(UnappliedCash.status == UnappliedStatus.OPEN)
            .group_by(UnappliedCash.currency)
            .order_by(UnappliedCash.currency)
        )
    ]


def _money(value: object) -> Decimal:
    """A SUM of a money column: SQLite sums the stored thousandths, PostgreSQL the NUMERIC."""
    return money_from_sum(value)

"""The dashboard: today's mail by outcome, straight-through processing (lines applied with
no person / all lines), the queue's size and age, and the unapplied cash. Each figure is one
SQL query over the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.types import ReviewStatus
from ledger.models import InboundMessage, Remittance, RemittanceLine, ReviewItem, UnappliedCash
from review import deps
from review.auth import require
from review.templating import render

#: Age buckets of the queue: label, lower bound (an item at least this old), upper bound.
AGE_BUCKETS: Final[tuple[tuple[str, timedelta, timedelta | None], ...]] = (
    ("under 1 day", timedelta(0), timedelta(days=1)),
    ("1-3 days", timedelta(days=1), timedelta(days=3)),
    ("3-7 days", timedelta(days=3), timedelta(days=7)),
    ("over 7 days", timedelta(days=7), None),
)


@dataclass(frozen=True, slots=True)
class Stp:
    """Remittance lines applied automatically out of all lines read."""

    auto: int
    total: int

    @property
    def percent(self) -> Decimal | None:
        """The share in percent with one place, or None when there were no lines."""
        if self.total == 0:
            return None
        return (Decimal(self.auto) * 100 / Decimal(self.total)).quantize(Decimal("0.1"))


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The dashboard's figures; ``day_start`` is midnight UTC of today."""

    day_start: datetime
    mail_today: dict[str, int]
    stp_today: Stp
    stp_all: Stp
    queue_open: int
    queue_oldest: datetime | None
    queue_ages: tuple[tuple[str, int], ...]
    queue_kinds: dict[str, int]
    unapplied: dict[str, Decimal]
    unapplied_items: int


def dashboard(session: Session, *, now: datetime) -> Dashboard:
    """The figures as of ``now`` (aware UTC)."""
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    mail_today = {
        str(k): int(n)
        for k, n in session.execute(
            select(InboundMessage.status, func.count())
            .where(InboundMessage.received_at >= day_start)
            .group_by(InboundMessage.status)
            .order_by(InboundMessage.status)
        )
    }
    open_items = ReviewItem.status == ReviewStatus.OPEN
    count, oldest = session.execute(
        select(func.count(ReviewItem.id), func.min(ReviewItem.created_at)).where(open_items)
    ).one()
    buckets = []
    for _label, low, high in AGE_BUCKETS:
        older = ReviewItem.created_at <= now - low
        inside = older if high is None else and_(older, ReviewItem.created_at > now - high)
        buckets.append(func.count(case((inside, 1))))
    counted = session.execute(select(*buckets).where(open_items)).one()
    ages = [(label, int(n)) for (label, _low, _high), n in zip(AGE_BUCKETS, counted, strict=True)]
    kinds = {
        str(k): int(n)
        for k, n in session.execute(
            select(ReviewItem.kind, func.count())
            .where(open_items)
            .group_by(ReviewItem.kind)
            .order_by(ReviewItem.kind)
        )
    }
    unapplied: dict[str, Decimal] = {}
    items = 0
    for currency, total, n in session.execute(
        select(UnappliedCash.currency, func.sum(UnappliedCash.amount), func.count())
        .where(UnappliedCash.status == "open")
        .group_by(UnappliedCash.currency)
        .order_by(UnappliedCash.currency)
    ):
        unapplied[currency] = _money(total)
        items += n
    return Dashboard(
        day_start=day_start,
        mail_today=mail_today,
        stp_today=_stp(session, since=day_start),
        stp_all=_stp(session, since=None),
        queue_open=count,
        queue_oldest=oldest,
        queue_ages=tuple(ages),
        queue_kinds=kinds,
        unapplied=unapplied,
        unapplied_items=items,
    )


def _stp(session: Session, *, since: datetime | None) -> Stp:
    stmt = select(
        func.count(case((RemittanceLine.outcome == "auto", 1))), func.count(RemittanceLine.id)
    ).join(Remittance, RemittanceLine.remittance_id == Remittance.id)
    if since is not None:
        stmt = stmt.where(Remittance.created_at >= since)
    auto, total = session.execute(stmt).one()
    return Stp(auto=auto, total=total)


def _money(value: object) -> Decimal:
    """A SUM of a money column: SQLite sums the stored cents, PostgreSQL the NUMERIC."""
    if value is None:
        return Decimal("0.00")
    if isinstance(value, int):  # SQLite: integer cents (ledger.base.Fixed)
        return Decimal(value).scaleb(-2).quantize(Decimal("0.01"))
    return Decimal(str(value)).quantize(Decimal("0.01"))


async def dashboard_page(request: Request) -> Response:
    """``/dashboard``."""
    require(request, "viewer")
    figures = dashboard(deps.db(request), now=deps.now(request))
    return render(request, "dashboard.html", {"d": figures})


routes: list[BaseRoute] = [Route("/dashboard", dashboard_page, methods=["GET"])]

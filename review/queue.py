"""The queue page: open review items with filters (kind, customer, age, amount, text), a
sort, and counts per kind. The query is here, in SQL; the page is ``queue.html`` with
keyboard moves from ``static/queue.js``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.errors import AmountFormatError
from core.money import parse_amount
from core.types import ReviewStatus
from ledger.models import Customer, InboundMessage, Remittance, RemittanceLine, ReviewItem
from review import deps
from review.auth import require
from review.templating import render

#: Sorts the page offers: name → (label, ORDER BY).
SORTS: Final[dict[str, str]] = {
    "oldest": "Oldest first",
    "newest": "Newest first",
    "amount_desc": "Largest amount",
    "amount_asc": "Smallest amount",
    "kind": "Kind",
    "customer": "Customer",
}
#: Most rows one page shows.
PAGE_ROWS: Final = 200


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue is narrowed to; ``errors`` names what could not be read."""

    kind: str | None = None
    customer: str | None = None
    min_age_days: int | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    q: str | None = None
    sort: str = "oldest"
    errors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One open review item as the queue lists it."""

    id: int
    kind: str
    reason: str
    created_at: datetime
    age_days: int
    customer_number: str | None
    customer_name: str | None
    sender: str | None
    subject: str | None
    payer_name: str | None
    invoice_ref: str | None
    amount: Decimal | None
    currency: str | None
    top_candidate: str | None


@dataclass(frozen=True, slots=True)
class QueueView:
    """The queue page's data."""

    rows: tuple[QueueRow, ...]
    matched: int
    counts: dict[str, int]


def parse_filter(params: QueryParams) -> QueueFilter:
    """The filter of a query string; values that do not parse are dropped and named."""
    errors: list[str] = []

    def text(name: str) -> str | None:
        value = params.get(name, "").strip()
        return value[:200] or None

    def amount(name: str) -> Decimal | None:
        value = text(name)
        if value is None:
            return None
        try:
            if not value.isascii():  # "１" is no amount a person typed here
                raise AmountFormatError(value, "not written in ASCII digits")
            return parse_amount(value)
        except AmountFormatError:
            errors.append(f"{name.replace('_', ' ')} {value!r} is not an amount")
            return None

    age = text("min_age_days")
    min_age: int | None = None
    if age is not None:
        if age.isascii() and age.isdigit() and len(age) <= 5:
            min_age = int(age)
        else:
            errors.append(f"age {age!r} is not a number of days")
    sort = params.get("sort", "oldest")
    if sort not in SORTS:
        errors.append(f"sort {sort[:40]!r} is none of {', '.join(sorted(SORTS))}")
    kind = text("kind")
    if kind is not None and not re.fullmatch(r"[a-z_+-]{1,32}", kind):
        errors.append(f"kind {kind[:40]!r} is no kind of review item")
        kind = None
    return QueueFilter(
        kind=kind,
        customer=text("customer"),
        min_age_days=min_age,
        min_amount=amount("min_amount"),
        max_amount=amount("max_amount"),
        q=text("q"),
        sort=sort if sort in SORTS else "oldest",
        errors=tuple(errors),
    )


def queue_view(session: Session, flt: QueueFilter, *, now: datetime) -> QueueView:
    """The open review items ``flt`` lets through (at most :data:`PAGE_ROWS`), how many
    match, and the count of open items per kind."""
    conditions = _conditions(flt, now=now)
    counted = select(func.count(ReviewItem.id))
    if _needs_joins(flt):
        counted = _joined(counted)
    matched = session.execute(counted.where(*conditions)).scalar_one()
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
        .where(*conditions)
        .order_by(*_order(flt.sort))
        .limit(PAGE_ROWS)
    )
    rows = tuple(_row(r, now) for r in session.execute(stmt))
    counts = {
        str(k): int(n)
        for k, n in session.execute(
            select(ReviewItem.kind, func.count())
            .where(ReviewItem.status == ReviewStatus.OPEN)
            .group_by(ReviewItem.kind)
            .order_by(ReviewItem.kind)
        )
    }
    return QueueView(rows=rows, matched=matched, counts=counts)


def _joined(stmt: Select[Any]) -> Select[Any]:
    return (
        stmt.select_from(ReviewItem)
        .outerjoin(Customer, ReviewItem.customer_id == Customer.id)
        .outerjoin(InboundMessage, ReviewItem.inbound_id == InboundMessage.id)
        .outerjoin(RemittanceLine, ReviewItem.remittance_line_id == RemittanceLine.id)
        .outerjoin(Remittance, RemittanceLine.remittance_id == Remittance.id)
    )


def _needs_joins(flt: QueueFilter) -> bool:
    return bool(flt.customer or flt.q) or flt.min_amount is not None or flt.max_amount is not None


def _conditions(flt: QueueFilter, *, now: datetime) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [ReviewItem.status == ReviewStatus.OPEN]
    if flt.kind:
        where.append(ReviewItem.kind == flt.kind)
    if flt.customer:
        like = f"%{_escape_like(flt.customer.lower())}%"
        where.append(
            or_(
                func.lower(Customer.number).like(like, escape="\\"),
                func.lower(Customer.name).like(like, escape="\\"),
            )
        )
    if flt.min_age_days is not None:
        where.append(ReviewItem.created_at <= now - timedelta(days=flt.min_age_days))
    if flt.min_amount is not None:
        where.append(RemittanceLine.amount >= flt.min_amount)
    if flt.max_amount is not None:
        where.append(RemittanceLine.amount <= flt.max_amount)
    if flt.q:
        like = f"%{_escape_like(flt.q.lower())}%"
        where.append(
            or_(
                *(
                    func.lower(column).like(like, escape="\\")
                    for column in (
                        ReviewItem.reason,
                        InboundMessage.subject,
                        InboundMessage.from_address,
                        Remittance.payer_name,
                        RemittanceLine.invoice_ref,
                        Customer.number,
                        Customer.name,
                    )
                )
            )
        )
    return where


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


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _row(r: Any, now: datetime) -> QueueRow:
    candidates = r[12] if isinstance(r[12], list) else []
    top = (
        candidates[0].get("invoice_number")
        if candidates and isinstance(candidates[0], dict)
        else None
    )
    return QueueRow(
        id=r[0],
        kind=r[1],
        reason=r[2],
        created_at=r[3],
        age_days=max((now - r[3]).days, 0),
        customer_number=r[4],
        customer_name=r[5],
        sender=r[6],
        subject=r[7],
        payer_name=r[8],
        invoice_ref=r[9],
        amount=r[10],
        currency=r[11],
        top_candidate=str(top) if top is not None else None,
    )


async def queue_page(request: Request) -> Response:
    """``/queue``: the filtered, sorted open review items."""
    require(request, "viewer")
    flt = parse_filter(request.query_params)
    view = queue_view(deps.db(request), flt, now=deps.now(request))
    return render(
        request,
        "queue.html",
        {"filter": flt, "view": view, "sorts": SORTS},
        status_code=400 if flt.errors else 200,
    )


routes: list[BaseRoute] = [Route("/queue", queue_page, methods=["GET"])]

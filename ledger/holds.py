"""Holds on reminders: what a customer told us that stops dunning for a while.

- A **dispute** holds the reminders of the invoices it names (all of the customer's invoices
  when it names none we know) until its review item is resolved, whoever resolves it and
  however (the hold reads the item's status, so no resolution path can forget to end it).
- A **promise to pay** holds the reminders of the invoices it names (all of the customer's
  when it names none) until the promised date has passed; without a date, until its review
  item is resolved.

Holds are recorded in the transaction that opens the review item
(:func:`worker.inbound.questions.open_questions`), one row per invoice (or one for the whole
customer) under a key derived from the review item's key, so recording is idempotent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import PermanentError
from core.statuses import HOLD_KINDS, ReviewKind, ReviewStatus
from ledger.models import DunningHold, Invoice, ReviewItem
from ledger.posting import audit


@dataclass(frozen=True, slots=True)
class ActiveHold:
    """A hold in force on a date."""

    kind: str
    customer_id: int
    invoice_id: int | None  # None: every invoice of the customer
    review_item_id: int | None
    until: date | None

    def describe(self) -> str:
        """Why reminders wait, for people: ``open dispute (review item 7)``."""
        item = f"review item {self.review_item_id}" if self.review_item_id else "no review item"
        if self.kind == ReviewKind.DISPUTE:
            return f"open dispute ({item})"
        if self.until is not None:
            return f"promise to pay by {self.until.isoformat()} ({item})"
        return f"promise to pay, no date ({item})"


def record_question_holds(
    session: Session,
    *,
    review_item_key: str,
    kind: ReviewKind,
    customer_id: int,
    invoice_numbers: Sequence[str],
    promise_date: date | None,
    now: datetime,
) -> int:
    """Hold the reminders a dispute or promise to pay (the review item ``review_item_key``)
    concerns: the named invoices of ``customer_id``, or all of them when none is named.
    Returns how many holds were created (0 when they exist: recording twice is harmless).
    """
    if kind not in HOLD_KINDS:
        raise ValueError(f"review items of kind {str(kind)!r} hold no reminders")
    item_id = session.execute(
        select(ReviewItem.id).where(ReviewItem.key == review_item_key)
    ).scalar_one_or_none()
    invoice_ids: list[int | None] = []
    if invoice_numbers:
        invoice_ids = list(
            session.scalars(
                select(Invoice.id)
                .where(Invoice.customer_id == customer_id, Invoice.number.in_(invoice_numbers))
                .order_by(Invoice.id)
            )
        )
    if not invoice_ids:
        invoice_ids = [None]
    until = promise_date if kind == ReviewKind.PROMISE_TO_PAY else None
    created = 0
    for invoice_id in invoice_ids:
        key = f"hold:{review_item_key}:{invoice_id if invoice_id is not None else 'all'}"
        try:  # the savepoint rolls back before the error is handled (PostgreSQL)
            with session.begin_nested():
                session.execute(
                    insert(DunningHold).values(
                        key=key,
                        kind=kind,
                        customer_id=customer_id,
                        invoice_id=invoice_id,
                        review_item_id=item_id,
                        until=until,
                        reason=kind.replace("_", " "),
                        created_at=now,
                    )
                )
        except IntegrityError:
            continue
        created += 1
    if created:
        audit(
            session,
            actor="worker",
            action="hold_reminders",
            entity="customer",
            entity_id=customer_id,
            now=now,
            kind=kind,
            review_item_id=item_id,
            invoices=len([i for i in invoice_ids if i is not None]),
            until=until.isoformat() if until else None,
        )
    return created


def active_holds(
    session: Session, customer_ids: Sequence[int], *, as_of: date
) -> dict[int, list[ActiveHold]]:
    """The holds in force on ``as_of`` of each of ``customer_ids``."""
    item_open = ReviewItem.status == ReviewStatus.OPEN
    in_force = or_(
        and_(DunningHold.kind == ReviewKind.DISPUTE, item_open),
        and_(
            DunningHold.kind == ReviewKind.PROMISE_TO_PAY,
            or_(
                DunningHold.until >= as_of,
                and_(DunningHold.until.is_(None), item_open),
            ),
        ),
    )
    rows = session.execute(
        select(
            DunningHold.kind,
            DunningHold.customer_id,
            DunningHold.invoice_id,
            DunningHold.review_item_id,
            DunningHold.until,
        )
        .outerjoin(ReviewItem, ReviewItem.id == DunningHold.review_item_id)
        .where(DunningHold.customer_id.in_(customer_ids), in_force)
        .order_by(DunningHold.id)
    ).tuples()
    out: dict[int, list[ActiveHold]] = {}
    for kind, cid, invoice_id, item_id, until in rows:
        out.setdefault(cid, []).append(
            ActiveHold(
                kind=kind,
                customer_id=cid,
                invoice_id=invoice_id,
                review_item_id=item_id,
                until=until,
            )
        )
    return out


def resolve_question(session: Session, *, item_id: int, actor: str, now: datetime) -> None:
    """Resolve an open dispute or promise-to-pay review item (its holds end with it).

    Raises:
        PermanentError: no such open item of those kinds.
    """
    done = session.execute(
        update(ReviewItem)
        .where(
            ReviewItem.id == item_id,
            ReviewItem.status == ReviewStatus.OPEN,
            ReviewItem.kind.in_(sorted(HOLD_KINDS)),
        )
        .values(status=ReviewStatus.RESOLVED, resolved_at=now, resolved_by=actor)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise PermanentError(f"review item {item_id} is not an open dispute or promise to pay")
    audit(
        session,
        actor=actor,
        action="resolve_review_item",
        entity="review_item",
        entity_id=item_id,
        now=now,
    )

"""A reviewer's decisions that post no cash: keep a line as unapplied cash, close a mail as
not a remittance, say whose mail it is, add a note. Same rules as :mod:`ledger.review_decisions`:
the item locked and checked first, one transaction, a ``review_decision`` audit event with the
user, a second submit of the same form changes nothing.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.errors import RefusedActionError
from core.statuses import LINE_KINDS, InboundStatus, ReviewStatus, UnappliedStatus
from ledger import models as m
from ledger.posting import audit
from ledger.review_decisions import (
    Decided,
    OpenItem,
    checked_text,
    decision_events,
    open_item,
    record_decision,
)
from ledger.rules import create_rule

ZERO = Decimal("0.00")


def leave_unapplied(
    session: Session,
    *,
    item_id: int,
    reason: str,
    actor: str,
    now: datetime,
    submission: str | None = None,
) -> Decided:
    """Resolve the item and keep the line's cash as unapplied cash of the customer (recorded
    by the worker when the line went to review; it stays until a person applies it)."""
    found = open_item(
        session, item_id, lines_only=True, submission=submission, decision="unapplied"
    )
    if isinstance(found, Decided):
        return found
    why = checked_text(reason, "the reason", required=False) or "left as unapplied cash"
    held = session.scalars(
        select(m.UnappliedCash).where(
            m.UnappliedCash.remittance_line_id == found.item.remittance_line_id,
            m.UnappliedCash.status == UnappliedStatus.OPEN,
        )
    ).all()
    amount = sum((row.amount for row in held), start=ZERO)
    _resolve(session, found, ReviewStatus.RESOLVED, actor, now)
    currency = found.remittance.currency if found.remittance else ""
    summary = f"{amount} {currency} kept as unapplied cash: {why}"
    return record_decision(
        session,
        item_id,
        decision="unapplied",
        summary=summary,
        actor=actor,
        now=now,
        submission=submission,
        amount=str(amount),
        why=why,
    )


def mark_not_remittance(
    session: Session,
    *,
    item_id: int,
    reason: str,
    actor: str,
    now: datetime,
    submission: str | None = None,
) -> Decided:
    """The mail is no remittance: close this item and the mail's other open line items,
    nothing posted; cash the worker held as unapplied for those lines is voided (it was only
    what the mail claimed). Refused when cash of the mail was applied already."""
    found = open_item(
        session, item_id, lines_only=False, submission=submission, decision="not_remittance"
    )
    if isinstance(found, Decided):
        return found
    why = checked_text(reason, "the reason", required=False) or "not a remittance"
    inbound_id = found.inbound.id if found.inbound else None
    items = [found.item]
    if inbound_id is not None:
        items += session.scalars(
            select(m.ReviewItem)
            .where(
                m.ReviewItem.inbound_id == inbound_id,
                m.ReviewItem.status == ReviewStatus.OPEN,
                m.ReviewItem.id != item_id,
                m.ReviewItem.kind.in_(LINE_KINDS),
            )
            .order_by(m.ReviewItem.id)
            .with_for_update()
        ).all()
    line_ids = [i.remittance_line_id for i in items if i.remittance_line_id is not None]
    if found.remittance is not None:
        applied = session.scalars(
            select(m.Application.id)
            .join(m.RemittanceLine, m.RemittanceLine.id == m.Application.remittance_line_id)
            .where(
                m.RemittanceLine.remittance_id == found.remittance.id,
                m.Application.reversed_at.is_(None),
            )
            .limit(1)
        ).first()
        if applied is not None:
            raise RefusedActionError(
                "cash of this mail was applied already: un-apply it first (supervisor), "
                "then mark it not a remittance"
            )
    voided = ZERO
    if line_ids:
        rows = session.scalars(
            select(m.UnappliedCash)
            .where(
                m.UnappliedCash.remittance_line_id.in_(line_ids),
                m.UnappliedCash.status == UnappliedStatus.OPEN,
            )
            .with_for_update()
        ).all()
        for row in rows:
            voided += row.amount
            audit(
                session,
                actor=actor,
                action="void_unapplied_cash",
                entity="unapplied_cash",
                entity_id=row.id,
                now=now,
                amount=str(row.amount),
                why=f"not a remittance: {why}",
            )
        session.execute(
            update(m.UnappliedCash)
            .where(m.UnappliedCash.id.in_([r.id for r in rows]))
            .values(status=UnappliedStatus.VOID, amount=ZERO, resolved_at=now)
        )
    for other in items:
        other.status = ReviewStatus.CLOSED
        other.resolved_at = now
        other.resolved_by = actor
    if found.inbound is not None and found.inbound.status == InboundStatus.REVIEW:
        _close_mail(session, found.inbound, InboundStatus.IGNORED, f"not a remittance ({actor})")
    summary = f"closed as not a remittance ({len(items)} item(s)), nothing posted: {why}"
    if voided:
        summary += f"; {voided} of unapplied cash voided"
    return record_decision(
        session,
        item_id,
        decision="not_remittance",
        summary=summary,
        actor=actor,
        now=now,
        submission=submission,
        closed=[i.id for i in items],
        why=why,
    )


def reassign_customer(
    session: Session,
    *,
    item_id: int,
    customer_number: str,
    actor: str,
    now: datetime,
    remember: bool = False,
    submission: str | None = None,
) -> Decided:
    """Say whose mail this is: the item, its remittance, its mail, the other open items of the
    mail and the cash held unapplied for them move to ``customer_number``; the item stays open
    for the cash decision. With ``remember`` the payer name (else the sender) becomes a rule.
    Refused when cash of the mail was applied to another customer's invoices."""
    found = open_item(
        session, item_id, lines_only=False, submission=submission, decision="reassign"
    )
    if isinstance(found, Decided):
        return found
    number = checked_text(customer_number, "the customer number")
    customer = session.scalars(select(m.Customer).where(m.Customer.number == number)).first()
    if customer is None:
        raise RefusedActionError(f"there is no customer {number!r}")
    if found.item.customer_id == customer.id:
        raise RefusedActionError(f"the item is customer {number}'s already")
    if found.remittance is not None:
        other = session.scalars(
            select(m.Invoice.number)
            .join(m.Application, m.Application.invoice_id == m.Invoice.id)
            .join(m.RemittanceLine, m.RemittanceLine.id == m.Application.remittance_line_id)
            .where(
                m.RemittanceLine.remittance_id == found.remittance.id,
                m.Application.reversed_at.is_(None),
                m.Invoice.customer_id != customer.id,
            )
            .limit(1)
        ).first()
        if other is not None:
            raise RefusedActionError(
                f"cash of this mail was applied to invoice {other} of another customer: "
                "un-apply it first (supervisor)"
            )
    items = [found.item]
    if found.inbound is not None:
        items += session.scalars(
            select(m.ReviewItem)
            .where(
                m.ReviewItem.inbound_id == found.inbound.id,
                m.ReviewItem.status == ReviewStatus.OPEN,
                m.ReviewItem.id != item_id,
            )
            .with_for_update()
        ).all()
        found.inbound.customer_id = customer.id
    if found.remittance is not None:
        found.remittance.customer_id = customer.id
    for i in items:
        i.customer_id = customer.id
    line_ids = [i.remittance_line_id for i in items if i.remittance_line_id is not None]
    if line_ids:
        session.execute(
            update(m.UnappliedCash)
            .where(
                m.UnappliedCash.remittance_line_id.in_(line_ids),
                m.UnappliedCash.status == UnappliedStatus.OPEN,
            )
            .values(customer_id=customer.id)
        )
    rules: list[str] = []
    if remember:
        taught = reassign_rule(session, found.remittance, found.inbound)
        if taught is not None:
            rule, created = create_rule(
                session,
                kind=taught[0],
                pattern=taught[1],
                customer_id=customer.id,
                actor=actor,
                now=now,
                source_review_item_id=item_id,
            )
            if created:
                rules.append(rule.describe())
    summary = f"customer set to {customer.number} ({customer.name}) on {len(items)} item(s)"
    return record_decision(
        session,
        item_id,
        decision="reassign",
        summary=summary,
        actor=actor,
        now=now,
        submission=submission,
        rules=rules,
        customer_id=customer.id,
    )


def reassign_rule(
    session: Session, remittance: m.Remittance | None, inbound: m.InboundMessage | None
) -> tuple[str, str] | None:
    """The rule a reassignment with remember teaches: the payer name, else the sender when
    it is no registered contact (a contact's mail is identified by the contact)."""
    if remittance is not None and remittance.payer_name and remittance.payer_name.strip():
        return ("payer_name", remittance.payer_name)
    sender = (inbound.from_address or "").strip().casefold() if inbound is not None else ""
    if "@" not in sender:
        return None
    contact = session.scalars(select(m.Contact.id).where(m.Contact.email == sender)).first()
    return None if contact is not None else ("sender", sender)


def close_item(
    session: Session,
    *,
    item_id: int,
    reason: str,
    actor: str,
    now: datetime,
    submission: str | None = None,
) -> Decided:
    """Resolve an item that holds no cash to decide (a question answered, a deduction
    settled with the customer, a reply loop looked at), with the reason; nothing is posted."""
    why = checked_text(reason, "the reason")
    return close_with(
        session,
        item_id=item_id,
        decision="close",
        summary=f"resolved, nothing posted: {why}",
        actor=actor,
        now=now,
        submission=submission,
        why=why,
    )


def close_with(
    session: Session,
    *,
    item_id: int,
    decision: str,
    summary: str,
    actor: str,
    now: datetime,
    submission: str | None,
    **detail: object,
) -> Decided:
    """Resolve an item that holds no cash as ``decision`` (``close``, ledger.review_credit's)."""
    found = open_item(session, item_id, lines_only=False, submission=submission, decision=decision)
    if isinstance(found, Decided):
        return found
    if found.item.kind in LINE_KINDS:
        raise RefusedActionError(
            f"review item {item_id} is a {found.item.kind} item: decide its cash (accept, "
            "pick, split, deduction, unapplied or not a remittance)"
        )
    _resolve(session, found, ReviewStatus.RESOLVED, actor, now)
    return record_decision(
        session,
        item_id,
        decision=decision,
        summary=summary,
        actor=actor,
        now=now,
        submission=submission,
        rules=(),
        **detail,
    )


def add_note(
    session: Session,
    *,
    item_id: int,
    text: str,
    actor: str,
    now: datetime,
    submission: str | None = None,
) -> Decided:
    """A note on an open item, kept as an audit event; the item stays open."""
    found = open_item(session, item_id, lines_only=False, submission=submission, decision="note")
    if isinstance(found, Decided):
        return found
    note = checked_text(text, "the note")
    return record_decision(
        session,
        item_id,
        decision="note",
        summary=f"note: {note}",
        actor=actor,
        now=now,
        submission=submission,
        note=note,
    )


def notes(session: Session, item_id: int) -> list[tuple[datetime, str, str]]:
    """The item's decision history, oldest first: (when, who, what)."""
    events = decision_events(session, item_id)
    return [(e.at, e.actor, str(e.detail.get("summary", ""))) for e in events]


def _resolve(
    session: Session, found: OpenItem, status: ReviewStatus, actor: str, now: datetime
) -> None:
    found.item.status = status
    found.item.resolved_at = now
    found.item.resolved_by = actor
    session.flush()
    if found.inbound is not None and found.inbound.status == InboundStatus.REVIEW:
        _close_mail(session, found.inbound, InboundStatus.APPLIED, f"decided by {actor}")


def _close_mail(
    session: Session, inbound: m.InboundMessage, status: InboundStatus, why: str
) -> None:
    """A mail waiting for review whose last open item was decided leaves review."""
    still_open = session.scalars(
        select(m.ReviewItem.id)
        .where(m.ReviewItem.inbound_id == inbound.id, m.ReviewItem.status == ReviewStatus.OPEN)
        .limit(1)
    ).first()
    if still_open is None:
        inbound.status = status
        inbound.reason = f"{inbound.reason or ''}; {why}".lstrip("; ")[:2000]

"""Posting: applying cash to invoices, opening review items, writing audit events.

Every balance change is one guarded UPDATE (``WHERE status = 'open' AND balance >= :amount``),
so two workers can never take the same balance twice, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, case, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.statuses import ApplicationStatus, InvoiceStatus, ReviewKind, ReviewStatus
from ledger.compiled import write
from ledger.models import Application, AuditEvent, Invoice, ReviewItem

ZERO = Decimal("0.00")

#: An audit event, on the Core table (run through ledger.compiled: built and compiled once).
_INSERT_AUDIT_EVENT = insert(cast(Table, AuditEvent.__table__))


@dataclass(frozen=True, slots=True)
class Posted:
    """The result of applying cash to one invoice."""

    application_id: int
    balance_after: Decimal


def audit(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    now: datetime,
    **detail: Any,
) -> None:
    """Record who did what to which row, and why (written at once, not at the next flush:
    an event alone is no reason for the session to flush what it holds)."""
    event = {
        "at": now,
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "detail": detail,
    }
    write(session, _INSERT_AUDIT_EVENT, event)


def apply_cash(
    session: Session,
    *,
    remittance_line_id: int,
    invoice_id: int,
    amount: Decimal,
    currency: str,
    status: ApplicationStatus,
    confidence: Decimal,
    reasons: str,
    actor: str,
    now: datetime,
    discount: Decimal = ZERO,
    deduction: Decimal = ZERO,
) -> Posted | None:
    """Apply ``amount`` of a remittance line to an invoice, writing off ``discount`` (an
    earned early-payment discount) with it; ``deduction`` is recorded as what stays open
    for follow-up (it does not change the balance). A negative ``amount`` nets that much of
    an open credit memo (a negative balance) against the payment.

    Returns None, changing nothing, when the invoice is no longer open, has a smaller
    balance than ``amount + discount`` (a credit memo: less credit left than ``-amount``),
    or this line was already applied to it (a second delivery).
    """
    if amount == ZERO:
        raise ValueError("cannot apply an amount of zero")
    if discount < ZERO or deduction < ZERO:
        raise ValueError(f"negative discount {discount} or deduction {deduction}")
    if amount < ZERO and (discount or deduction):
        raise ValueError("a credit memo netted takes no discount and leaves no deduction")
    settled = amount + discount
    try:  # the savepoint rolls back before the error is handled (PostgreSQL)
        with session.begin_nested():
            app_id = session.execute(
                insert(Application)
                .values(
                    remittance_line_id=remittance_line_id,
                    invoice_id=invoice_id,
                    amount=amount,
                    discount=discount,
                    deduction=deduction,
                    currency=currency,
                    status=status,
                    confidence=confidence,
                    reasons=reasons,
                    applied_by=actor,
                    applied_at=now,
                )
                .returning(Application.id)
            ).scalar_one()
    except IntegrityError:
        return None
    if not take_balance(session, invoice_id=invoice_id, amount=settled, currency=currency, now=now):
        session.execute(
            Application.__table__.delete().where(Application.id == app_id)  # type: ignore[attr-defined]
        )
        return None
    balance = session.execute(select(Invoice.balance).where(Invoice.id == invoice_id)).scalar_one()
    audit(
        session,
        actor=actor,
        action="apply_cash",
        entity="invoice",
        entity_id=invoice_id,
        now=now,
        application_id=app_id,
        amount=str(amount),
        discount=str(discount),
        deduction=str(deduction),
        balance_after=str(balance),
        why=reasons,
    )
    return Posted(application_id=app_id, balance_after=balance)


def take_balance(
    session: Session, *, invoice_id: int, amount: Decimal, currency: str, now: datetime
) -> bool:
    """Take ``amount`` off an open invoice's balance in one guarded UPDATE: a positive amount
    off an invoice that has at least that much open, a negative one off a credit memo (a
    negative balance) that has at least that much credit left; the status becomes ``paid``
    when nothing is left. Returns False, changing nothing, when that does not hold (the
    invoice is not open, not in ``currency``, or has less left): whoever committed first won.
    The balance half of :func:`apply_cash`."""
    new_balance = Invoice.balance - amount
    result = session.execute(
        update(Invoice)
        .where(
            Invoice.id == invoice_id,
            Invoice.status == InvoiceStatus.OPEN,
            Invoice.currency == currency,
            Invoice.balance >= amount if amount > ZERO else Invoice.balance <= amount,
        )
        .values(
            balance=new_balance,
            status=case(
                (new_balance == ZERO, InvoiceStatus.PAID.value), else_=InvoiceStatus.OPEN.value
            ),
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def open_review_item(
    session: Session,
    *,
    key: str,
    kind: ReviewKind,
    reason: str,
    now: datetime,
    inbound_id: int | None = None,
    remittance_line_id: int | None = None,
    customer_id: int | None = None,
    candidates: list[dict[str, Any]] | None = None,
) -> int | None:
    """Open a review item unless one with ``key`` exists; returns its id when created."""
    try:  # the savepoint rolls back before the error is handled (PostgreSQL)
        with session.begin_nested():
            item_id = session.execute(
                insert(ReviewItem)
                .values(
                    key=key,
                    kind=kind,
                    status=ReviewStatus.OPEN,
                    inbound_id=inbound_id,
                    remittance_line_id=remittance_line_id,
                    customer_id=customer_id,
                    reason=reason,
                    candidates=candidates or [],
                    created_at=now,
                )
                .returning(ReviewItem.id)
            ).scalar_one()
    except IntegrityError:
        return None
    audit(
        session,
        actor="worker",
        action="open_review_item",
        entity="review_item",
        entity_id=item_id,
        now=now,
        kind=kind,
        reason=reason,
    )
    return item_id

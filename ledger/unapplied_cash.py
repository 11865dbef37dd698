"""Unapplied cash: money received that no invoice has taken (yet).

An overpaid line, a line no invoice could be found for, a payment of a customer nobody
identified, cash a person un-applied: each is recorded once (by key) with its reason and
stays on the customer until a person applies it. Reports and dunning read it (a customer
with unapplied cash is not chased).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.statuses import UnappliedStatus
from ledger.base import money_from_sum
from ledger.models import UnappliedCash
from ledger.posting import audit

ZERO = Decimal("0.00")


def record_unapplied_cash(
    session: Session,
    *,
    key: str,
    amount: Decimal,
    currency: str,
    reason: str,
    now: datetime,
    actor: str = "worker",
    customer_id: int | None = None,
    inbound_id: int | None = None,
    remittance_line_id: int | None = None,
) -> int | None:
    """Record ``amount`` as unapplied unless ``key`` is recorded already; returns the new id."""
    if amount <= ZERO:
        raise ValueError(f"unapplied cash must be positive, not {amount}")
    try:  # the savepoint rolls back before the error is handled (PostgreSQL)
        with session.begin_nested():
            row_id = session.execute(
                insert(UnappliedCash)
                .values(
                    key=key,
                    customer_id=customer_id,
                    inbound_id=inbound_id,
                    remittance_line_id=remittance_line_id,
                    amount=amount,
                    received=amount,
                    currency=currency,
                    reason=reason,
                    status=UnappliedStatus.OPEN,
                    created_at=now,
                )
                .returning(UnappliedCash.id)
            ).scalar_one()
    except IntegrityError:
        return None
    audit(
        session,
        actor=actor,
        action="record_unapplied_cash",
        entity="unapplied_cash",
        entity_id=row_id,
        now=now,
        amount=str(amount),
        currency=currency,
        customer_id=customer_id,
        why=reason,
    )
    return row_id


def take_unapplied_cash(
    session: Session, *, remittance_line_id: int, amount: Decimal, actor: str, now: datetime
) -> Decimal:
    """Reduce the unapplied cash of a remittance line by ``amount`` (a person applied it);
    returns how much was taken (never more than was unapplied)."""
    rows = session.scalars(
        select(UnappliedCash)
        .where(
            UnappliedCash.remittance_line_id == remittance_line_id,
            UnappliedCash.status == UnappliedStatus.OPEN,
        )
        .with_for_update()
    ).all()
    taken = ZERO
    for row in rows:
        part = min(row.amount, amount - taken)
        if part <= ZERO:
            break
        remaining = row.amount - part
        session.execute(
            update(UnappliedCash)
            .where(UnappliedCash.id == row.id)
            .values(
                amount=remaining,
                status=UnappliedStatus.APPLIED if remaining == ZERO else UnappliedStatus.OPEN,
                resolved_at=now if remaining == ZERO else None,
            )
        )
        audit(
            session,
            actor=actor,
            action="take_unapplied_cash",
            entity="unapplied_cash",
            entity_id=row.id,
            now=now,
            amount=str(part),
            remaining=str(remaining),
        )
        taken += part
    return taken


def unapplied_total(session: Session, customer_id: int) -> Decimal:
    """The customer's open unapplied cash (all currencies added: one per customer here)."""
    total = session.execute(
        select(func.coalesce(func.sum(UnappliedCash.amount), 0)).where(
            UnappliedCash.customer_id == customer_id, UnappliedCash.status == UnappliedStatus.OPEN
        )
    ).scalar_one()
    return total if isinstance(total, Decimal) else money_from_sum(total)

"""The applications page's read: cash recently applied (automatically or by a person) with
its invoice and customer, reversed applications too, for a supervisor to find and un-apply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ledger.like_patterns import contains_folded
from ledger.models import Application, Customer, Invoice


@dataclass(frozen=True, slots=True)
class RecentApplication:
    """One application of cash with the numbers a person knows it by."""

    id: int
    invoice_number: str
    customer_number: str
    customer_name: str
    amount: Decimal
    discount: Decimal
    currency: str
    status: str
    applied_by: str
    applied_at: datetime
    reversed_by: str | None
    reversed_at: datetime | None
    reversal_reason: str | None


def recent_applications(
    session: Session, *, limit: int, q: str | None = None
) -> list[RecentApplication]:
    """The latest ``limit`` applications (reversed ones too), newest first; ``q`` narrows to
    an invoice or customer number or customer name containing it (case-insensitively)."""
    stmt = (
        select(
            Application.id,
            Invoice.number,
            Customer.number,
            Customer.name,
            Application.amount,
            Application.discount,
            Application.currency,
            Application.status,
            Application.applied_by,
            Application.applied_at,
            Application.reversed_by,
            Application.reversed_at,
            Application.reversal_reason,
        )
        .join(Invoice, Application.invoice_id == Invoice.id)
        .join(Customer, Invoice.customer_id == Customer.id)
        .order_by(Application.applied_at.desc(), Application.id.desc())
        .limit(limit)
    )
    if q:
        stmt = stmt.where(
            or_(
                contains_folded(Invoice.number, q),
                contains_folded(Customer.number, q),
                contains_folded(Customer.name, q),
            )
        )
    return [RecentApplication(*r) for r in session.execute(stmt)]

"""The statements of bank linking (worker.bank.linking): the credits and expected payments a
new arrival may link to, locked; the held lines of a remittance; the held lines whose credit
is late; what a link settles (applications on the bank's word, review items closed); and the
payments ``arbox bank payments`` lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from core.statuses import (
    ApplicationBasis,
    ExpectedPaymentStatus,
    PaymentStatus,
    ReviewKind,
    ReviewStatus,
)
from core.types import Outcome
from ledger import models as m
from ledger.compiled import rows


def unmatched_credits_near(
    session: Session, *, currency: str, amount: Decimal, day: date, window_days: int
) -> Sequence[m.Payment]:
    """The unmatched credits of ``amount`` in ``currency`` valued within ``window_days`` of
    ``day``, locked, by id."""
    window = timedelta(days=window_days)
    params = {"currency": currency, "amount": amount, "low": day - window, "high": day + window}
    # Asked for every remittance, mostly before its credit is on a statement: one cheap read
    # (ledger.compiled) says whether there is any, and only then are they loaded and locked.
    if not rows(session, _ANY_CREDIT_NEAR, params):
        return []
    return session.scalars(_CREDITS_NEAR, params).all()


#: An unmatched credit of an amount and currency valued in a window of days.
_NEAR = (
    m.Payment.status == PaymentStatus.UNMATCHED.value,
    m.Payment.currency == bindparam("currency"),
    m.Payment.amount == bindparam("amount"),
    m.Payment.value_date >= bindparam("low"),
    m.Payment.value_date <= bindparam("high"),
)
_ANY_CREDIT_NEAR = select(m.Payment.id).where(*_NEAR).limit(1)
_CREDITS_NEAR = select(m.Payment).where(*_NEAR).order_by(m.Payment.id).with_for_update()


def open_expected_near(
    session: Session, *, currency: str, amount: Decimal, day: date, window_days: int
) -> Sequence[m.ExpectedPayment]:
    """The open expected payments of ``amount`` in ``currency`` expected within
    ``window_days`` of ``day``, locked, by id."""
    window = timedelta(days=window_days)
    return session.scalars(
        select(m.ExpectedPayment)
        .where(
            m.ExpectedPayment.status == ExpectedPaymentStatus.OPEN,
            m.ExpectedPayment.currency == currency,
            m.ExpectedPayment.amount == amount,
            m.ExpectedPayment.expected_on >= day - window,
            m.ExpectedPayment.expected_on <= day + window,
        )
        .order_by(m.ExpectedPayment.id)
        .with_for_update()
    ).all()


def held_lines(session: Session, remittance_id: int) -> Sequence[m.RemittanceLine]:
    """The lines of ``remittance_id`` held for their bank credit, by line number."""
    return session.scalars(
        select(m.RemittanceLine)
        .where(
            m.RemittanceLine.remittance_id == remittance_id,
            m.RemittanceLine.outcome == Outcome.HELD,
        )
        .order_by(m.RemittanceLine.line_no)
    ).all()


def settle_held_line(
    session: Session,
    line_id: int,
    application_ids: Sequence[int],
    *,
    item_kinds: Sequence[ReviewKind],
    now: datetime,
) -> None:
    """A held line posted on the bank's word: its applications' basis is ``bank``, and its
    open review items of ``item_kinds`` are resolved by the bank."""
    session.execute(
        update(m.Application)
        .where(m.Application.id.in_(application_ids))
        .values(basis=ApplicationBasis.BANK)
    )
    session.execute(
        update(m.ReviewItem)
        .where(
            m.ReviewItem.remittance_line_id == line_id,
            m.ReviewItem.kind.in_(list(item_kinds)),
            m.ReviewItem.status == ReviewStatus.OPEN,
        )
        .values(status=ReviewStatus.RESOLVED, resolved_at=now, resolved_by="bank")
    )


def late_held_lines(
    session: Session, *, expected_before: date
) -> list[tuple[m.RemittanceLine, int, int | None]]:
    """(line, inbound id, customer id) of every held line whose expected payment is still open
    and was expected before ``expected_before``, by line id."""
    rows = session.execute(
        select(m.RemittanceLine, m.Remittance.inbound_id, m.Remittance.customer_id)
        .join(m.Remittance, m.Remittance.id == m.RemittanceLine.remittance_id)
        .join(m.ExpectedPayment, m.ExpectedPayment.remittance_id == m.Remittance.id)
        .where(
            m.RemittanceLine.outcome == Outcome.HELD,
            m.ExpectedPayment.status == ExpectedPaymentStatus.OPEN,
            m.ExpectedPayment.expected_on < expected_before,
        )
        .order_by(m.RemittanceLine.id)
    ).all()
    return [(line, inbound_id, customer_id) for line, inbound_id, customer_id in rows]


def open_items_of_kind(session: Session, kind: ReviewKind) -> Sequence[m.ReviewItem]:
    """The open review items of ``kind``."""
    return session.scalars(
        select(m.ReviewItem).where(
            m.ReviewItem.kind == kind, m.ReviewItem.status == ReviewStatus.OPEN
        )
    ).all()


def payment_link_of(session: Session, payment_id: int) -> m.PaymentLink:
    """The link of ``payment_id``."""
    return session.scalars(
        select(m.PaymentLink).where(m.PaymentLink.payment_id == payment_id)
    ).one()


def payments_listed(
    session: Session, *, status: PaymentStatus | None = None
) -> list[dict[str, Any]]:
    """The payments bank statements brought, oldest first, each with the expected payment it
    is linked to and its customer's number (``arbox bank payments``)."""
    query = (
        select(m.Payment, m.PaymentLink.expected_payment_id, m.Customer.number)
        .outerjoin(m.PaymentLink, m.PaymentLink.payment_id == m.Payment.id)
        .outerjoin(m.Customer, m.Customer.id == m.Payment.customer_id)
        .order_by(m.Payment.id)
    )
    if status:
        query = query.where(m.Payment.status == status)
    return [
        {
            "id": p.id,
            "status": p.status,
            "amount": str(p.amount),
            "currency": p.currency,
            "value_date": p.value_date.isoformat() if p.value_date else None,
            "payer_name": p.payer_name,
            "customer_number": number,
            "bank_ref": p.bank_ref or p.end_to_end_id,
            "expected_payment_id": expected,
            "text": (p.remittance_text or "")[:80],
        }
        for p, expected, number in session.execute(query)
    ]

"""Un-applying cash: a person reverses an application (``arbox unapply``).

The invoice gets back what the application took from it (the cash and the discount written off
with it) and is open again; the application stays, marked reversed with who, when and why, so
the record of what was done is never lost; an audit event says the same. Matching reads
:func:`reversed_invoice_ids` so that an invoice a person un-applied cash from is never applied
automatically again.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import RefusedActionError
from core.statuses import ApplicationStatus, InvoiceStatus
from ledger.compiled import IN_CHUNK
from ledger.models import Application, Customer, Invoice
from ledger.posting import audit
from ledger.unapplied_cash import record_unapplied_cash


@dataclass(frozen=True, slots=True)
class Unapplied:
    """What un-applying one application gave back."""

    application_id: int
    remittance_line_id: int
    invoice_id: int
    invoice_number: str
    customer_id: int
    customer_number: str
    amount: Decimal
    discount: Decimal
    currency: str
    balance_after: Decimal


def unapply(
    session: Session, *, application_id: int, actor: str, reason: str, now: datetime
) -> Unapplied:
    """Reverse one application: restore the invoice's balance by its amount plus discount,
    open the invoice again, mark the application reversed, write an ``unapply_cash`` audit
    event. The application and then its invoice are locked (``SELECT ... FOR UPDATE``) first.

    Raises:
        RefusedActionError: no reason given; no such application; it was already reversed;
            or the balance restored would exceed the invoice's amount (the balance was
            changed since, by an import for instance: a person must look).
    """
    why = reason.strip()
    if not why:
        raise RefusedActionError("say why the cash is un-applied (a reason is required)")
    app = session.get(Application, application_id, with_for_update=True, populate_existing=True)
    if app is None:
        raise RefusedActionError(f"application {application_id} does not exist")
    if app.reversed_at is not None or app.status == ApplicationStatus.REVERSED:
        when = app.reversed_at.isoformat(timespec="seconds") if app.reversed_at else "before"
        raise RefusedActionError(
            f"application {application_id} was already un-applied ({when} by "
            f"{app.reversed_by or 'someone'}: {app.reversal_reason or 'no reason recorded'})"
        )
    invoice = session.get(Invoice, app.invoice_id, with_for_update=True, populate_existing=True)
    assert invoice is not None  # a foreign key
    restored = invoice.balance + app.amount + app.discount
    if invoice.amount >= 0 and restored > invoice.amount:
        raise RefusedActionError(
            f"un-applying application {application_id} would leave invoice {invoice.number} "
            f"with a balance of {restored}, above its amount {invoice.amount}; its balance was "
            "changed since (an import?): nothing was changed"
        )
    invoice.balance = restored
    invoice.status = InvoiceStatus.OPEN
    invoice.updated_at = now
    app.status = ApplicationStatus.REVERSED
    app.reversed_at = now
    app.reversed_by = actor
    app.reversal_reason = why
    session.flush()
    audit(
        session,
        actor=actor,
        action="unapply_cash",
        entity="invoice",
        entity_id=invoice.id,
        now=now,
        application_id=app.id,
        remittance_line_id=app.remittance_line_id,
        amount=str(app.amount),
        discount=str(app.discount),
        balance_after=str(restored),
        why=why,
    )
    if app.amount > 0:  # the cash is still ours to apply: the customer's unapplied cash
        record_unapplied_cash(
            session,
            key=f"unapply:{app.id}",
            amount=app.amount,
            currency=app.currency,
            reason=f"un-applied from invoice {invoice.number} by {actor}: {why}",
            now=now,
            actor=actor,
            customer_id=invoice.customer_id,
            remittance_line_id=app.remittance_line_id,
        )
    number = session.scalars(select(Customer.number).where(Customer.id == invoice.customer_id))
    return Unapplied(
        application_id=app.id,
        remittance_line_id=app.remittance_line_id,
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        customer_id=invoice.customer_id,
        customer_number=number.one(),
        amount=app.amount,
        discount=app.discount,
        currency=app.currency,
        balance_after=restored,
    )


def reversed_invoice_ids(session: Session, invoice_ids: Collection[int]) -> set[int]:
    """Those of ``invoice_ids`` a person un-applied cash from at least once."""
    ids = sorted(set(invoice_ids))
    found: set[int] = set()
    for start in range(0, len(ids), IN_CHUNK):
        found.update(
            session.scalars(
                select(Application.invoice_id)
                .where(
                    Application.invoice_id.in_(ids[start : start + IN_CHUNK]),
                    Application.reversed_at.is_not(None),
                )
                .distinct()
            )
        )
    return found

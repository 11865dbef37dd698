"""Settling a credit memo against the invoice it credits: one ledger action.

A credit memo is a negative open item linked to its invoice (``invoices.credits_invoice_id``).
Settling nets the two: the credit memo's credit (its negative balance) is taken off the
invoice's open balance, through the same guarded balance update cash is applied with
(:func:`ledger.posting.take_balance`), both rows locked first. Equal, both close (``paid``); a
smaller credit leaves the rest of the invoice open; a larger one pays the invoice and leaves
the rest of the credit open (to net on a remittance, or refund). Refused, changing nothing,
when the credit memo is not linked to an invoice or not open, or the invoice is paid or
otherwise not open, or they differ in customer or currency. One audit event records who, both
numbers and the amount. Settling again is a no-op that says so: the earlier settlement.

A credit memo arbox issues is not settled when it is issued: it stays open until a person
settles it. A payer who received it nets it on their remittance ("INV-17 1,000.00, CN-4
-100.00"), which matching applies as it is written; settled at once, the invoice would
already be 900.00 and that remittance would go to a person as an overpayment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import RefusedActionError
from core.money import format_amount
from core.statuses import InvoiceStatus
from ledger.models import AuditEvent, Invoice
from ledger.posting import ZERO, audit, take_balance

#: The audit action of a settlement; also what makes settling again a no-op.
SETTLE_ACTION = "settle_credit_memo"


@dataclass(frozen=True, slots=True)
class Settlement:
    """What settling a credit memo did (or, ``already``, had done before)."""

    credit_number: str
    invoice_number: str
    amount: Decimal
    currency: str
    credit_balance: Decimal
    invoice_balance: Decimal
    already: bool = False

    @property
    def summary(self) -> str:
        """One line for a person: what was netted and what is left open."""
        money = format_amount(self.amount, self.currency)
        verb = "was settled before" if self.already else "settled"
        left = [
            f"{number} {format_amount(balance, self.currency)} left"
            for number, balance in (
                (self.invoice_number, self.invoice_balance),
                (self.credit_number, self.credit_balance),
            )
            if balance != ZERO
        ]
        rest = f"; {', '.join(left)}" if left else "; both closed"
        return (
            f"credit memo {self.credit_number} {verb} against {self.invoice_number}: "
            f"{money} {self.currency}{rest}"
        )


def settle_credit_memo(
    session: Session, *, credit_number: str, actor: str, now: datetime
) -> Settlement:
    """Net the credit memo ``credit_number`` against the invoice it credits.

    Raises:
        RefusedActionError: it cannot be done as asked (see the module); nothing changed.
    """
    credit = session.scalars(
        select(Invoice).where(Invoice.number == credit_number.strip())
    ).one_or_none()
    if credit is None:
        raise RefusedActionError(f"there is no credit memo {credit_number[:64]!r}")
    if credit.credits_invoice_id is None:
        raise RefusedActionError(
            f"{credit.number} is not a credit memo linked to an invoice: there is nothing to "
            "settle it against"
        )
    credit, invoice = _locked(session, credit.id, credit.credits_invoice_id)
    earlier = _earlier(session, credit, invoice)
    if earlier is not None:
        return earlier
    amount = _settleable(credit, invoice)
    for row, taken in ((credit, -amount), (invoice, amount)):
        if not take_balance(
            session, invoice_id=row.id, amount=taken, currency=credit.currency, now=now
        ):  # the rows are locked: only a concurrent change outside a lock gets here
            raise RefusedActionError(f"{row.number} changed meanwhile; nothing was settled")
    session.flush()
    credit, invoice = _locked(session, credit.id, invoice.id)
    audit(
        session,
        actor=actor,
        action=SETTLE_ACTION,
        entity="invoice",
        entity_id=credit.id,
        now=now,
        credit_number=credit.number,
        invoice_number=invoice.number,
        invoice_id=invoice.id,
        amount=str(amount),
        currency=credit.currency,
        credit_balance_after=str(credit.balance),
        invoice_balance_after=str(invoice.balance),
    )
    return _settlement(credit, invoice, amount)


def _locked(session: Session, credit_id: int, invoice_id: int) -> tuple[Invoice, Invoice]:
    """The credit memo and its invoice, read again under a row lock (in id order, so two
    settlements or a settlement and a payment wait for each other instead of deadlocking)."""
    rows = session.scalars(
        select(Invoice)
        .where(Invoice.id.in_((credit_id, invoice_id)))
        .order_by(Invoice.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    by_id = {row.id: row for row in rows}
    if invoice_id not in by_id:
        raise RefusedActionError(f"the invoice credit memo id {credit_id} credits does not exist")
    return by_id[credit_id], by_id[invoice_id]


def _earlier(session: Session, credit: Invoice, invoice: Invoice) -> Settlement | None:
    """The settlement made before, when there was one and nothing more can be settled now
    (a second run of the same command), else None."""
    if credit.status == InvoiceStatus.OPEN and invoice.status == InvoiceStatus.OPEN:
        return None
    event = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.action == SETTLE_ACTION,
            AuditEvent.entity == "invoice",
            AuditEvent.entity_id == credit.id,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).one_or_none()
    if event is None:
        return None
    return _settlement(credit, invoice, Decimal(str(event.detail["amount"])), already=True)


def _settleable(credit: Invoice, invoice: Invoice) -> Decimal:
    """How much of the credit nets the invoice, or why it cannot."""
    if credit.amount >= ZERO:
        raise RefusedActionError(f"{credit.number} is no open credit: it is an invoice")
    if credit.status != InvoiceStatus.OPEN or credit.balance >= ZERO:
        raise RefusedActionError(
            f"credit memo {credit.number} is {credit.status}, not open (balance "
            f"{format_amount(credit.balance, credit.currency)})"
        )
    if invoice.status != InvoiceStatus.OPEN or invoice.balance <= ZERO:
        raise RefusedActionError(
            f"invoice {invoice.number} is {invoice.status} (balance "
            f"{format_amount(invoice.balance, invoice.currency)}): there is nothing open to "
            f"settle {credit.number} against"
        )
    if invoice.customer_id != credit.customer_id:
        raise RefusedActionError(f"{credit.number} and {invoice.number} are different customers'")
    if invoice.currency != credit.currency:
        raise RefusedActionError(
            f"{credit.number} is in {credit.currency}, {invoice.number} in {invoice.currency}"
        )
    return min(-credit.balance, invoice.balance)


def _settlement(
    credit: Invoice, invoice: Invoice, amount: Decimal, *, already: bool = False
) -> Settlement:
    return Settlement(
        credit_number=credit.number,
        invoice_number=invoice.number,
        amount=amount,
        currency=credit.currency,
        credit_balance=credit.balance,
        invoice_balance=invoice.balance,
        already=already,
    )

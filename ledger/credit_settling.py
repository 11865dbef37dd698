"""Settling a credit memo against the invoice it credits: one ledger action.

A credit memo is a negative open item linked to its invoice (``invoices.credits_invoice_id``).
Settling nets the two as a payer's remittance netting a credit memo does: two applications
(:func:`ledger.posting.apply_cash`), the amount to the invoice and the same amount negative to
the credit memo, both rows locked first. They belong to a settlement record made for the
purpose, as a bank credit's own text is recorded (worker.bank.credit_text): an inbound row of
source ``credit`` (no mail; its Message-ID ``<credit-settlement-{id}@arbox.invalid>`` makes the
settlement happen once), its remittance and two lines, confirmed by the person who settled. So
the applications export, un-applying (``arbox unapply``) and the balances as of a past date
(ledger.reports.balances, which replays applications) see it like any other posting.

Equal, both close (``paid``); a smaller credit leaves the rest of the invoice open; a larger
one pays the invoice and leaves the rest of the credit open (to net on a remittance, or
refund). Refused, changing nothing, when the credit memo is not linked to an invoice or not
open, or the invoice is paid or otherwise not open, or they differ in customer or currency.
One audit event records who, both numbers and the amount. Settling again is a no-op that
says so: the earlier settlement.

A credit memo arbox issues is not settled when it is issued: it stays open until a person
settles it. A payer who received it nets it on their remittance ("INV-17 1,000.00, CN-4
-100.00"), which matching applies as it is written; settled at once, the invoice would
already be 900.00 and that remittance would go to a person as an overpayment.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import RefusedActionError
from core.money import format_amount
from core.statuses import ApplicationStatus, InboundStatus, InvoiceStatus
from core.types import MailKind, Outcome
from ledger import models as m
from ledger.models import AuditEvent, Invoice
from ledger.posting import ZERO, apply_cash, audit

#: The audit action of a settlement; also what makes settling again a no-op.
SETTLE_ACTION = "settle_credit_memo"
#: ``remittances.source`` of a settlement record: no payer's advice (the STP count leaves it
#: out, ledger.reports.cash).
SETTLEMENT_SOURCE = "credit settlement"


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
    why = f"credit memo {credit.number} settled against {invoice.number} by {actor}"
    lines = _record(session, credit, invoice, amount, why=why, now=now)
    for line, row, taken in zip(lines, (invoice, credit), (amount, -amount), strict=True):
        posted = apply_cash(
            session,
            remittance_line_id=line.id,
            invoice_id=row.id,
            amount=taken,
            currency=credit.currency,
            status=ApplicationStatus.CONFIRMED,
            confidence=Decimal("1.000"),
            reasons=why,
            actor=actor,
            now=now,
        )
        if posted is None:  # the rows are locked: only a change outside a lock gets here
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


def _message_id(credit_id: int) -> str:
    return f"<credit-settlement-{credit_id}@arbox.invalid>"


def _record(
    session: Session, credit: Invoice, invoice: Invoice, amount: Decimal, *, why: str, now: datetime
) -> tuple[m.RemittanceLine, m.RemittanceLine]:
    """The settlement record the two applications belong to: an inbound row (no mail), its
    remittance netting to zero, a line for the invoice and one for the credit memo."""
    message_id = _message_id(credit.id)
    text = why.encode()
    inbound = m.InboundMessage(
        message_id=message_id,
        sha256=hashlib.sha256(message_id.encode()).hexdigest(),
        raw=text,
        size=len(text),
        source="credit",
        status=InboundStatus.APPLIED,
        kind=MailKind.REMITTANCE.value,
        subject=why[:2000],
        customer_id=credit.customer_id,
        attempts=1,
        received_at=now,
        parsed_at=now,
        processed_at=now,
    )
    session.add(inbound)
    session.flush()
    remittance = m.Remittance(
        inbound_id=inbound.id,
        customer_id=credit.customer_id,
        source=SETTLEMENT_SOURCE,
        currency=credit.currency,
        stated_total=ZERO,
        lines_total=ZERO,
        created_at=now,
    )
    session.add(remittance)
    session.flush()
    made = tuple(
        m.RemittanceLine(
            remittance_id=remittance.id,
            line_no=no,
            invoice_ref=row.number,
            amount=taken,
            stated_amount=taken,
            outcome=Outcome.REVIEW,  # a person's decision, as a confirmed review line
            confidence=Decimal("1.000"),
            reason=why,
            invoice_id=row.id,
        )
        for no, row, taken in ((1, invoice, amount), (2, credit, -amount))
    )
    session.add_all(made)
    session.flush()
    return made[0], made[1]


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
    """The settlement made before (a second run of the same command), else None."""
    recorded = session.scalar(
        select(m.InboundMessage.id).where(m.InboundMessage.message_id == _message_id(credit.id))
    )
    if recorded is None:
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
    if event is None:  # the record without its event: never written apart
        raise RefusedActionError(f"{credit.number} has a settlement record without its event")
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

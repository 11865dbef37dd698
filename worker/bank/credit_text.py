"""A bank credit whose own text names our invoices, applied like a remittance mail.

The remittance read from the bank record (parsers.bank.remittance) is applied by the one
remittance step (worker.inbound.remittance.apply_remittance) as a source that is no claim
and has no sender address: identified by payer name and the invoices named, or as the
customer the payer already is. It is recorded under an inbound
row of source ``bank`` whose identity is the payment's key, so it happens once per payment;
its applications record ``basis = 'bank'``. No acknowledgement is sent: the payer wrote to
their bank, not to us.
"""

from __future__ import annotations

import structlog
from sqlalchemy.orm import Session

from core.statuses import InboundStatus, PaymentStatus
from core.types import MailKind
from ledger import models as m
from ledger.matching_reads import invoices_by_ref_keys
from ledger.posting import audit
from ledger.remittance_lines import mark_applied_by_bank
from matching.decide import line_ref_keys
from parsers.bank.model import BankEntry
from parsers.bank.remittance import remittance_from_entry
from worker.inbound.remittance import apply_remittance, bank_text_source
from worker.inbound.sender_check import SenderCheck, SenderIdentity
from worker.services import Services

log = structlog.get_logger(__name__)


def apply_bank_text(
    session: Session, payment: m.Payment, entry: BankEntry, *, svc: Services
) -> str | None:
    """Apply the remittance in ``entry``'s text; returns the inbound status it came to, or
    None when the text names none of our invoices."""
    remittance = remittance_from_entry(entry)
    if remittance is None:
        return None
    keys = {key for line in remittance.lines for key in line_ref_keys(line)}
    if not keys or not invoices_by_ref_keys(session, keys):
        return None
    now = svc.clock()
    text = entry.remittance_text or " ".join(entry.refs)
    row = m.InboundMessage(
        message_id=f"<bank-payment-{payment.key[:40]}@arbox.invalid>",
        sha256=payment.key,
        raw=text.encode(),
        size=len(text.encode()),
        source="bank",
        status=InboundStatus.PARSED,
        kind=MailKind.REMITTANCE.value,
        subject=f"bank credit {payment.bank_ref or payment.end_to_end_id or payment.id}"[:2000],
        attempts=1,
        received_at=now,
        parsed_at=now,
    )
    session.add(row)
    session.flush()
    identity = SenderIdentity(
        address=None,
        check=SenderCheck(False, "a bank credit has no sender address"),
        payer_customer_id=payment.customer_id,
        payer_reason="the payer of the bank credit",
    )
    applied = apply_remittance(session, remittance, bank_text_source(row), identity, svc)
    assert applied is not None  # a bank credit is no claim: never refused for its length
    mark_applied_by_bank(session, applied.remittance.id)
    row.processed_at = now
    payment.inbound_id = row.id
    payment.customer_id = payment.customer_id or row.customer_id
    if applied.posted.applied:
        payment.status = PaymentStatus.APPLIED
    audit(
        session,
        actor="worker",
        action="apply_bank_text",
        entity="payment",
        entity_id=payment.id,
        now=now,
        inbound_id=row.id,
        status=row.status,
        reason=row.reason,
    )
    log.info("bank_text_remittance", payment_id=payment.id, inbound_id=row.id, status=row.status)
    return str(row.status)

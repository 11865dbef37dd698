"""A bank credit whose own text names our invoices, applied like a remittance mail.

The remittance read from the bank record (parsers.bank.remittance) goes through the worker's
own steps: identify (worker.deciding.identify, by payer name and the invoices named, or the
customer the payer already is), the reviewer's reference prefixes, the locks, decide
(worker.deciding.decide) and post (worker.lines.post_lines). It is recorded under an inbound
row of source ``bank`` whose identity is the payment's key, so it happens once per payment;
its applications record ``basis = 'bank'``. No acknowledgement is sent: the payer wrote to
their bank, not to us.
"""

from __future__ import annotations

import structlog
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.types import InboundStatus, MailKind, ParsedEmail
from ledger import models as m
from ledger.matching_reads import invoices_by_ref_keys, lock_invoices
from ledger.posting import audit
from ledger.rules import with_ref_prefixes
from matching.customer import Identified
from matching.decide import line_ref_keys
from parsers.bank.model import BankEntry
from parsers.bank.remittance import remittance_from_entry
from worker.deciding import decide, identify
from worker.lines import post_lines
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
    parsed = ParsedEmail(
        message_id=row.message_id,
        subject=row.subject or "",
        from_address=None,
        from_name=payment.payer_name or "",
        reply_to=None,
        return_path=None,
        date=None,
        headers=(),
        text=text,
        html_text="",
        attachments=(),
        content_type="text/plain",
    )
    identified = identify(session, row, parsed, remittance, keys, svc=svc)
    if identified.customer_id is None and not identified.group and payment.customer_id:
        identified = Identified(payment.customer_id, None, "the payer of the bank credit")
    row.customer_id = identified.customer_id
    remittance, prefixed = with_ref_prefixes(
        session, remittance, customer_id=row.customer_id, now=now
    )
    keys |= prefixed
    lock_invoices(session, keys=keys, customer_id=row.customer_id)
    decision = decide(session, row, remittance, keys, identified, svc=svc)
    rem = m.Remittance(
        inbound_id=row.id,
        customer_id=row.customer_id,
        source=remittance.source,
        currency=remittance.currency or svc.settings.default_currency,
        stated_total=remittance.stated_total,
        lines_total=remittance.lines_total,
        payment_ref=(remittance.payment_ref or "")[:255] or None,
        payer_name=(remittance.payer_name or "")[:255] or None,
        payment_date=remittance.payment_date,
        created_at=now,
    )
    session.add(rem)
    session.flush()
    posted = post_lines(
        session,
        row=row,
        rem=rem,
        remittance=remittance,
        decision=decision,
        shadow=svc.policy.shadow,
        now=now,
    )
    line_ids = select(m.RemittanceLine.id).where(m.RemittanceLine.remittance_id == rem.id)
    session.execute(
        update(m.Application)
        .where(m.Application.remittance_line_id.in_(line_ids))
        .values(basis="bank")
    )
    row.status = InboundStatus.REVIEW if posted.in_review else InboundStatus.APPLIED
    row.reason = (
        f"bank credit: {len(posted.applied)} of {len(decision.lines)} line(s) applied"
        + (f"; {len(posted.in_review)} to review ({posted.review_reasons[0]})"
           if posted.review_reasons else "")
    )  # fmt: skip
    row.processed_at = now
    payment.inbound_id = row.id
    payment.customer_id = payment.customer_id or row.customer_id
    if posted.applied:
        payment.status = "applied"
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

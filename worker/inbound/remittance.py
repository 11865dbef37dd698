"""Applying one remittance, whatever it came in as: a mail, the text of a bank credit, later
others. One path: keys → identify → the reviewer's prefixes → locks → decide → the
``Remittance`` row → post its lines → the inbound row's status and summary.

What differs by source is said by :class:`RemittanceSource` (the summary's wording, whether
the remittance is a claim that waits for its bank credit) and by the
:class:`~worker.inbound.sender_check.SenderIdentity` it comes with (a mail's trusted From
address, none for a bank credit but perhaps the payer the import knew).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from core.statuses import InboundStatus, ReviewKind
from core.types import Classification, Remittance
from ledger import models as m
from ledger.matching_reads import CustomerRef, lock_invoices
from ledger.posting import open_review_item
from ledger.remittance_lines import LinesPosted, post_lines
from ledger.rules import with_ref_prefixes
from matching.customer import PERSON_VOUCHED, Identified
from matching.decide import line_ref_keys
from worker import metrics
from worker.bank.linking import expect_payment
from worker.inbound.deciding import decide, identify
from worker.inbound.questions import answer_remittance_questions
from worker.inbound.replies import MailReplies, acknowledge
from worker.inbound.sender_check import SenderIdentity
from worker.services import Services

#: The recognised text of a scan kept for review (characters; the rest is cut).
MAX_READ_TEXT = 200_000


@dataclass(frozen=True, slots=True)
class RemittanceSource:
    """What a remittance came in as, and what that changes in applying it."""

    #: The inbound row the remittance is recorded under.
    row: m.InboundMessage
    #: Put before the summary of the lines in the row's reason.
    summary_prefix: str = ""
    #: A claim (a mail) posts when its bank credit links or a person confirms it, as the
    #: settings and its sender say, and tells the bank linking to expect its credit. The
    #: text of a bank credit is no claim: the money is there.
    is_claim: bool = True


def mail_source(row: m.InboundMessage) -> RemittanceSource:
    """A remittance mail."""
    return RemittanceSource(row=row)


def bank_text_source(row: m.InboundMessage) -> RemittanceSource:
    """The remittance text of a bank credit (worker.bank.credit_text)."""
    return RemittanceSource(row=row, summary_prefix="bank credit: ", is_claim=False)


@dataclass(frozen=True, slots=True)
class AppliedRemittance:
    """What applying a remittance came to."""

    remittance: m.Remittance
    posted: LinesPosted
    #: The currency the lines were decided in.
    currency: str


def apply_remittance(
    session: Session,
    remittance: Remittance,
    source: RemittanceSource,
    identity: SenderIdentity,
    svc: Services,
) -> AppliedRemittance | None:
    """Identify, decide and post ``remittance`` under ``source.row``, and set the row's
    status and reason. None when a stranger's claim is too long to read line by line: the
    whole claim went to one review item instead."""
    row, now = source.row, svc.clock()
    keys = {key for line in remittance.lines for key in line_ref_keys(line)}
    identified = identify(session, row, identity, remittance, keys, svc=svc)
    if identified.customer_id is None and not identified.group and identity.payer_customer_id:
        identified = Identified(identity.payer_customer_id, None, identity.payer_reason)
    if row.customer_id != identified.customer_id:  # the same value would dirty the row
        row.customer_id = identified.customer_id
    # A stranger's remittance is a claim: it posts when the bank credit links or a person
    # confirms it, whatever the content says (issue 19); a contact's waits only when told to.
    unverified = _unverified(row, identified) if source.is_claim else None
    if unverified and len(remittance.lines) > svc.settings.max_unverified_lines:
        _review_whole_claim(session, row, unverified, len(remittance.lines), svc=svc, now=now)
        return None
    # A customer who writes our numbers without a prefix (a reviewer's rule): try it with one.
    remittance, prefixed = with_ref_prefixes(
        session, remittance, customer_id=row.customer_id, now=now
    )
    keys |= prefixed
    lock_invoices(session, keys=keys, customer_id=row.customer_id)
    decision = decide(session, row, remittance, keys, identified, svc=svc)
    currency = decision.currency or remittance.currency or svc.settings.default_currency
    rem = _remittance_row(session, row, remittance, currency, now=now)
    posted = post_lines(
        session,
        row=row,
        rem=rem,
        remittance=remittance,
        decision=decision,
        shadow=svc.policy.shadow,
        now=now,
        hold=source.is_claim and (svc.settings.apply_cash_on == "bank" or unverified is not None),
        hold_review=unverified,
    )
    for outcome in posted.outcomes:
        metrics.REMITTANCE_LINES.labels(outcome=outcome).inc()
    if source.is_claim:
        expect_payment(  # issue 8: the bank credit may link to it (and post held lines)
            session,
            row=row,
            rem=rem,
            invoice_refs=[line.invoice_ref for line in remittance.lines if line.invoice_ref],
            window_days=svc.settings.bank_match_window_days,
            now=now,
        )
    _record_outcome(source, len(decision.lines), posted, unverified=unverified is not None)
    return AppliedRemittance(remittance=rem, posted=posted, currency=currency)


def apply_remittance_mail(
    session: Session,
    replies: MailReplies,
    remittance: Remittance,
    identity: SenderIdentity,
    customer: CustomerRef | None,
    classification: Classification,
    *,
    svc: Services,
) -> tuple[int, ...]:
    """A remittance mail: applied, acknowledged, and its questions answered (or a person's).
    Returns the outbox rows written."""
    applied = apply_remittance(session, remittance, mail_source(replies.row), identity, svc)
    if applied is None:  # a stranger's claim too long to read: one review item
        return ()
    posted = applied.posted
    outbox_ids: list[int] = []
    # Everything waiting for the bank credit: nothing to acknowledge yet.
    if not (posted.held and not posted.applied and not posted.in_review):
        ack = acknowledge(replies, customer, posted.applied, posted.in_review, applied.currency)
        if ack is not None:
            outbox_ids.append(ack)
    if classification.questions:  # remittance+question: posted, and the question answered
        outbox_ids += answer_remittance_questions(
            session, replies, classification, customer, svc=svc
        )
    return tuple(outbox_ids)


def _unverified(row: m.InboundMessage, identified: Identified) -> str | None:
    """Why the sender's word is not enough to post, or None when it is."""
    if identified.method in PERSON_VOUCHED:
        return None
    return (
        f"the sender {row.from_address or '(none)'} is no registered contact "
        f"(customer identified by {identified.method or 'nothing'})"
    )


def _review_whole_claim(
    session: Session,
    row: m.InboundMessage,
    unverified: str,
    lines: int,
    *,
    svc: Services,
    now: datetime,
) -> None:
    """One claim, one item: a stranger's 5,000 lines must not bury the queue."""
    limit = svc.settings.max_unverified_lines
    reason = (
        f"{unverified}; {lines} lines: more than a stranger's claim is "
        f"read line by line (ARBOX_MAX_UNVERIFIED_LINES={limit})"
    )
    row.status, row.reason = InboundStatus.REVIEW, reason
    open_review_item(
        session,
        key=f"inbound:{row.id}:{ReviewKind.UNVERIFIED_PAYMENT}",
        kind=ReviewKind.UNVERIFIED_PAYMENT,
        reason=reason,
        now=now,
        inbound_id=row.id,
        customer_id=row.customer_id,
    )


def _remittance_row(
    session: Session,
    row: m.InboundMessage,
    remittance: Remittance,
    currency: str,
    *,
    now: datetime,
) -> m.Remittance:
    rem = m.Remittance(
        inbound_id=row.id,
        customer_id=row.customer_id,
        source=remittance.source,
        currency=currency,
        stated_total=remittance.stated_total,
        lines_total=remittance.lines_total,
        payment_ref=_clip(remittance.payment_ref, 255),
        payer_name=_clip(remittance.payer_name, 255),
        payment_date=remittance.payment_date,
        payment_method=remittance.payment_method.value if remittance.payment_method else None,
        read_text=_clip(remittance.read_text, MAX_READ_TEXT),
        created_at=now,
    )
    session.add(rem)
    session.flush()
    return rem


def _clip(text: str | None, size: int) -> str | None:
    """``text`` cut to a column of ``size`` characters; None for nothing."""
    return text[:size] if text else None


def _record_outcome(
    source: RemittanceSource, total: int, posted: LinesPosted, *, unverified: bool
) -> None:
    """The inbound row's status and reason: the lines applied of ``total``, those to review,
    those waiting for their bank credit (or a person: ``unverified``)."""
    row = source.row
    row.status = InboundStatus.REVIEW if posted.in_review else InboundStatus.APPLIED
    row.reason = source.summary_prefix + _summary(total, posted)
    if posted.held:  # ARBOX_APPLY_CASH_ON=bank, or a sender who is no registered contact
        row.reason += f"; {posted.held} waiting for the bank credit"
        if unverified:
            row.status = InboundStatus.REVIEW
            row.reason += " or a person"


def _summary(total: int, posted: LinesPosted) -> str:
    summary = f"{len(posted.applied)} of {total} line(s) applied"
    if posted.review_reasons:
        summary += f"; {len(posted.review_reasons)} to review ({posted.review_reasons[0]})"
    return summary

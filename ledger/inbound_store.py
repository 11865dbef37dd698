"""The inbound rows' statements for the worker: find a stored message, record where it sat in
a mailbox, move it along (an attempt counted, failed, given back), and find what a crash left
stored or pending to enqueue again."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from core.statuses import (
    FINAL_STATUSES,
    PENDING_STATUSES,
    InboundStatus,
    OutboxStatus,
    ReviewStatus,
)
from ledger import models as m
from ledger.compiled import rows, write


def find_inbound(session: Session, message_id: str, digest: str) -> m.InboundMessage | None:
    """The message stored with ``message_id`` and sha256 ``digest``, or None."""
    return session.execute(
        select(m.InboundMessage).where(
            m.InboundMessage.message_id == message_id, m.InboundMessage.sha256 == digest
        )
    ).scalar_one_or_none()


def record_mailbox_position(
    session: Session,
    *,
    account: str,
    folder: str,
    uidvalidity: int,
    uid: int,
    inbound_id: int,
    now: datetime,
) -> None:
    """Record that ``inbound_id`` sat at this mailbox position (once: a position recorded by
    an earlier poll is left as it is)."""
    try:
        with session.begin_nested():
            session.add(
                m.MailboxMessage(
                    account=account,
                    folder=folder,
                    uidvalidity=uidvalidity,
                    uid=uid,
                    inbound_id=inbound_id,
                    fetched_at=now,
                )
            )
    except IntegrityError:
        pass  # this position was recorded by an earlier poll


@dataclass(frozen=True, slots=True)
class AttemptView:
    """What starting an attempt at an inbound message looks at."""

    status: str
    size: int
    attempts: int
    failed: bool
    raw: bytes
    message_id: str  # for the log context


#: Built once (its cache key computed once, not per mail): run on every mail.
_ATTEMPT_VIEW = select(
    m.InboundMessage.status,
    m.InboundMessage.size,
    m.InboundMessage.attempts,
    m.InboundMessage.reason,
    m.InboundMessage.raw,
    m.InboundMessage.message_id,
).where(m.InboundMessage.id == bindparam("b_id"))

#: The row a mail's decision writes, locked, without its raw mail: built once, run on every
#: mail (what ``Session.get(..., with_for_update=True, options=[defer(raw)])`` runs, without
#: building the statement and its cache key each time).
_LOCKED_FOR_DECISION = (
    select(m.InboundMessage)
    .options(defer(m.InboundMessage.raw))
    .where(m.InboundMessage.id == bindparam("b_id"))
    .with_for_update()
)


def locked_for_decision(session: Session, inbound_id: int) -> m.InboundMessage | None:
    """The inbound message ``inbound_id`` locked for update (on PostgreSQL; SQLite's writer
    holds the database), its raw mail not loaded; None when it is unknown."""
    found: m.InboundMessage | None = session.scalars(
        _LOCKED_FOR_DECISION, {"b_id": inbound_id}
    ).one_or_none()
    return found


def attempt_view(session: Session, inbound_id: int) -> AttemptView | None:
    """The state, size, attempts, raw mail and Message-ID of ``inbound_id``, or None when it
    is unknown."""
    found = rows(session, _ATTEMPT_VIEW, {"b_id": inbound_id})
    if not found:
        return None
    ((status, size, attempts, reason, raw, message_id),) = found
    return AttemptView(status, size, attempts, reason is not None, raw, message_id)


#: One more attempt at a message still as it was seen (see :func:`count_attempt`); one form
#: for a message with a failure recorded and one without. Built once: run on every mail.
_COUNT_ATTEMPT = {
    failed: update(m.InboundMessage)
    .where(
        m.InboundMessage.id == bindparam("b_id"),
        m.InboundMessage.status == bindparam("b_status"),
        m.InboundMessage.attempts == bindparam("b_attempts"),
        m.InboundMessage.reason.is_not(None) if failed else m.InboundMessage.reason.is_(None),
    )
    .values(attempts=m.InboundMessage.attempts + 1)
    .execution_options(synchronize_session=False)
    for failed in (False, True)
}


def count_attempt(session: Session, inbound_id: int, seen: AttemptView) -> bool:
    """One more attempt at ``inbound_id``, if it is still as ``seen`` (its state, attempt
    count and whether a failure is recorded); False when another delivery moved it on."""
    params = {"b_id": inbound_id, "b_status": seen.status, "b_attempts": seen.attempts}
    return write(session, _COUNT_ATTEMPT[seen.failed], params).rowcount == 1


def record_inbound_failure(session: Session, inbound_id: int, reason: str) -> None:
    """Record why the last attempt at ``inbound_id`` failed."""
    session.execute(
        update(m.InboundMessage).where(m.InboundMessage.id == inbound_id).values(reason=reason)
    )


def give_back_attempt(session: Session, inbound_id: int) -> None:
    """Uncount the last attempt at ``inbound_id``, unless it is final already."""
    session.execute(
        update(m.InboundMessage)
        .where(
            m.InboundMessage.id == inbound_id,
            m.InboundMessage.attempts > 0,
            m.InboundMessage.status.not_in([s.value for s in FINAL_STATUSES]),
        )
        .values(attempts=m.InboundMessage.attempts - 1)
    )


def reenqueue_stale_inbound(session: Session, *, cutoff: datetime, now: datetime) -> list[int]:
    """The messages still to process that were last enqueued before ``cutoff``, marked
    enqueued ``now``."""
    return list(
        session.execute(
            update(m.InboundMessage)
            .where(
                m.InboundMessage.status.in_([s.value for s in PENDING_STATUSES]),
                m.InboundMessage.enqueued_at < cutoff,
            )
            .values(enqueued_at=now)
            .returning(m.InboundMessage.id)
        )
        .scalars()
        .all()
    )


def reenqueue_stale_outbox(session: Session, *, cutoff: datetime, now: datetime) -> list[int]:
    """The pending mails last enqueued before ``cutoff``, marked enqueued ``now``. A mail a
    delivery holds (its lease not expired) is left to that delivery; it keeps its old
    ``enqueued_at``, so the first sweep after the lease ends finds it if the holder died."""
    return list(
        session.execute(
            update(m.OutboxMessage)
            .where(
                m.OutboxMessage.status == OutboxStatus.PENDING,
                m.OutboxMessage.enqueued_at < cutoff,
                or_(m.OutboxMessage.claimed_until.is_(None), m.OutboxMessage.claimed_until <= now),
            )
            .values(enqueued_at=now)
            .returning(m.OutboxMessage.id)
        )
        .scalars()
        .all()
    )


def earlier_mail_waiting(
    session: Session,
    customer_ids: Collection[int],
    *,
    inbound_id: int,
    since: datetime,
    question_kinds: Collection[str],
    same: SamePayment | None = None,
) -> int | None:
    """The latest mail before ``inbound_id`` of one of ``customer_ids``, received since
    ``since``, that still waits for a person (in review, with an open item) and asks
    nothing only (a remittance, or a mail nobody could read): where the first copy of a
    re-sent advice would be: a mail from a registered contact of its customer. With
    ``same``, only a mail that may be the first copy of that payment: nothing of it was
    read, or it names one of the same invoices, or has the same payment reference or
    total (another remittance of the customer waiting for its own reasons is not the
    first copy). None when there is none."""
    if not customer_ids:
        return None
    waiting = (
        select(m.ReviewItem.id)
        .where(
            m.ReviewItem.inbound_id == m.InboundMessage.id,
            m.ReviewItem.status == ReviewStatus.OPEN,
        )
        .exists()
    )
    # a registered contact's mail only: a stranger's claim waits for its bank credit, and
    # must not hold the customer's own re-sent advices back
    from_contact = (
        select(m.Contact.id)
        .where(
            m.Contact.customer_id == m.InboundMessage.customer_id,
            m.Contact.email == func.lower(m.InboundMessage.from_address),
        )
        .exists()
    )
    return session.execute(
        select(m.InboundMessage.id)
        .where(
            m.InboundMessage.status == InboundStatus.REVIEW,
            from_contact,
            m.InboundMessage.customer_id.in_(sorted(set(customer_ids))),
            m.InboundMessage.id < inbound_id,
            m.InboundMessage.received_at >= since,
            or_(
                m.InboundMessage.kind.is_(None),
                m.InboundMessage.kind.not_in(sorted(question_kinds)),
            ),
            waiting,
            *([_may_be_first_copy(same)] if same is not None else []),
        )
        .order_by(m.InboundMessage.id.desc())
        .limit(1)
    ).scalar_one_or_none()


@dataclass(frozen=True, slots=True)
class SamePayment:
    """What ties a re-sent advice to its first copy: the invoices it pays (ids, and the
    references as written, lower-cased), its payment reference and its total."""

    invoice_ids: frozenset[int]
    refs: frozenset[str]
    payment_ref: str | None
    total: Decimal | None


def _may_be_first_copy(same: SamePayment) -> ColumnElement[bool]:
    """The inbound row's mail may be the first copy of the payment ``same``: none of its
    lines was read, or one of them names the same invoice, or its remittance has the same
    payment reference or total."""
    own = m.Remittance.inbound_id == m.InboundMessage.id
    line_of = m.RemittanceLine.remittance_id == m.Remittance.id
    any_line = select(m.RemittanceLine.id).where(line_of, own).exists()
    same_invoice = (
        select(m.RemittanceLine.id)
        .where(
            line_of,
            own,
            or_(
                m.RemittanceLine.invoice_id.in_(sorted(same.invoice_ids)),
                func.lower(m.RemittanceLine.invoice_ref).in_(sorted(same.refs)),
            ),
        )
        .exists()
    )
    ties = [
        column == value
        for column, value in (
            (m.Remittance.payment_ref, same.payment_ref),
            (m.Remittance.stated_total, same.total),
        )
        if value is not None
    ]
    same_payment = select(m.Remittance.id).where(own, or_(*ties)).exists() if ties else None
    return or_(~any_line, same_invoice, *([same_payment] if same_payment is not None else []))

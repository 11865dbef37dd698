"""What arbox sent to one address lately, for the reply cap and the reply breaker.

The outbox is the record: every automatic mail is a row (whatever became of it), and a mail
answered is an outbox row with the inbound mail's id. Each inbound mail keeps why it looked
like part of a loop (``loop_evidence``) and the key of its text (``body_key``), set by
:func:`loop_evidence` when it is processed. A breaker trip is an open review item of kind
``reply_loop`` on the inbound mail that tripped it, so resolving the item ends it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from core.types import ParsedEmail, ReviewStatus
from ledger import models as m
from outbound.loop_signs import answers_our_subject, referenced_ids
from outbound.policy import PeerHistory, PeerMail, ReplyLimits, count_loop_mails

#: Review item kind of a tripped reply breaker.
REPLY_LOOP = "reply_loop"
#: The window of the daily cap.
DAY = timedelta(days=1)


def loop_evidence(
    session: Session,
    parsed: ParsedEmail,
    *,
    inbound_id: int,
    address: str,
    body_key: str | None,
    now: datetime,
    limits: ReplyLimits,
) -> str | None:
    """Why the mail ``inbound_id`` from ``address`` looks like part of a reply loop, or None.

    It does when it names one of our replies (an outbox row answering an inbound mail) in
    ``In-Reply-To`` or ``References``; when it has neither header and its subject is that of
    one of our replies to the address in the last day with ``Re:``; or when an earlier mail
    of the address within the breaker's window has the same ``body_key``.
    """
    address = address.strip().lower()
    ids = referenced_ids(parsed)
    if ids:
        ours = session.execute(
            select(m.OutboxMessage.message_id)
            .where(m.OutboxMessage.message_id.in_(ids), m.OutboxMessage.inbound_id.is_not(None))
            .limit(1)
        ).scalar_one_or_none()
        if ours is not None:
            return f"answers our reply {ours}"
    elif parsed.subject:
        from_address = select(m.InboundMessage.id).where(
            m.InboundMessage.from_address == address,
            m.InboundMessage.received_at >= now - DAY,
            m.InboundMessage.id != inbound_id,
        )
        subjects = session.scalars(
            select(m.OutboxMessage.subject).where(m.OutboxMessage.inbound_id.in_(from_address))
        ).all()
        if answers_our_subject(parsed.subject, subjects):
            return "answers our reply (its subject with Re:, no threading headers)"
    if body_key is not None:
        earlier = session.execute(
            select(m.InboundMessage.id)
            .where(
                m.InboundMessage.from_address == address,
                m.InboundMessage.received_at >= now - timedelta(minutes=limits.breaker_minutes),
                m.InboundMessage.id != inbound_id,
                m.InboundMessage.body_key == body_key,
            )
            .order_by(m.InboundMessage.id)
            .limit(1)
        ).scalar_one_or_none()
        if earlier is not None:
            return f"the same text as mail {earlier}"
    return None


def peer_history(
    session: Session,
    address: str,
    *,
    inbound_id: int,
    body_key: str | None,
    now: datetime,
    limits: ReplyLimits,
) -> PeerHistory:
    """What was sent to and answered for ``address`` (a bare address) lately, as seen by
    the mail ``inbound_id`` with ``body_key``."""
    address = address.strip().lower()
    answered = exists().where(m.OutboxMessage.inbound_id == m.InboundMessage.id)
    earlier = session.execute(
        select(answered, m.InboundMessage.loop_evidence, m.InboundMessage.body_key).where(
            m.InboundMessage.from_address == address,
            m.InboundMessage.received_at >= now - timedelta(minutes=limits.breaker_minutes),
            m.InboundMessage.id != inbound_id,
        )
    ).all()
    loop_mails = count_loop_mails(
        (PeerMail(answered=bool(a), loop_evidence=e, body_key=k) for a, e, k in earlier),
        body_key=body_key,
    )
    tripped = select(func.count(m.ReviewItem.id)).where(
        m.ReviewItem.kind == REPLY_LOOP,
        m.ReviewItem.status == ReviewStatus.OPEN,
        m.ReviewItem.created_at >= now - timedelta(minutes=limits.cooldown_minutes),
        m.ReviewItem.inbound_id == m.InboundMessage.id,
        m.InboundMessage.from_address == address,
    )
    return PeerHistory(
        mails_today=mails_sent_to_since(session, address, since=now - DAY),
        loop_mails_in_window=loop_mails,
        breaker_open=session.execute(tripped).scalar_one() > 0,
    )


def mails_sent_to_since(session: Session, address: str, *, since: datetime) -> int:
    """Outbox rows with ``address`` among their recipients created since ``since``."""
    address = address.strip().lower()
    escaped = address.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    recipients = m.OutboxMessage.recipients
    return session.execute(
        select(func.count(m.OutboxMessage.id)).where(
            m.OutboxMessage.created_at >= since,
            or_(
                recipients == address,
                recipients.like(f"{escaped},%", escape="\\"),
                recipients.like(f"%,{escaped}", escape="\\"),
                recipients.like(f"%,{escaped},%", escape="\\"),
            ),
        )
    ).scalar_one()

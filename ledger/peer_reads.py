"""What arbox sent to one address and got from it lately, for the reply cap and the reply
breaker (:mod:`outbound.peer_history` judges). Addresses are bare and lower-cased, as the
outbox's recipients and the inbound mails' senders are stored."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from core.statuses import ReviewKind, ReviewStatus
from ledger import models as m
from ledger.like_patterns import escape_like


def our_reply_among(session: Session, message_ids: Collection[str]) -> str | None:
    """The Message-ID of one of our replies (an outbox row answering an inbound mail) among
    ``message_ids``, if any."""
    return session.execute(
        select(m.OutboxMessage.message_id)
        .where(m.OutboxMessage.message_id.in_(message_ids), m.OutboxMessage.inbound_id.is_not(None))
        .limit(1)
    ).scalar_one_or_none()


def reply_subjects_to(
    session: Session, address: str, *, since: datetime, other_than: int
) -> Sequence[str]:
    """The subjects of our replies to the mails from ``address`` received since ``since``,
    but for the mail ``other_than``."""
    from_address = select(m.InboundMessage.id).where(
        m.InboundMessage.from_address == address,
        m.InboundMessage.received_at >= since,
        m.InboundMessage.id != other_than,
    )
    return session.scalars(
        select(m.OutboxMessage.subject).where(m.OutboxMessage.inbound_id.in_(from_address))
    ).all()


def first_mail_with_text(
    session: Session, address: str, *, body_key: str, since: datetime, other_than: int
) -> int | None:
    """The first mail from ``address`` received since ``since`` whose text has ``body_key``,
    but for the mail ``other_than``; by id."""
    return session.execute(
        select(m.InboundMessage.id)
        .where(
            m.InboundMessage.from_address == address,
            m.InboundMessage.received_at >= since,
            m.InboundMessage.id != other_than,
            m.InboundMessage.body_key == body_key,
        )
        .order_by(m.InboundMessage.id)
        .limit(1)
    ).scalar_one_or_none()


def mails_from_since(
    session: Session, address: str, *, since: datetime, other_than: int
) -> list[tuple[bool, str | None, str | None]]:
    """The mails from ``address`` received since ``since``, but for the mail ``other_than``:
    whether we answered each (an outbox row for it), why it looked like part of a loop, and
    the key of its text."""
    answered = exists().where(m.OutboxMessage.inbound_id == m.InboundMessage.id)
    rows = session.execute(
        select(answered, m.InboundMessage.loop_evidence, m.InboundMessage.body_key).where(
            m.InboundMessage.from_address == address,
            m.InboundMessage.received_at >= since,
            m.InboundMessage.id != other_than,
        )
    ).all()
    return [(bool(a), e, k) for a, e, k in rows]


def open_items_on_mails_from(
    session: Session, address: str, *, kind: ReviewKind, since: datetime
) -> int:
    """Open review items of ``kind`` opened since ``since`` on mails from ``address``."""
    return session.execute(
        select(func.count(m.ReviewItem.id)).where(
            m.ReviewItem.kind == kind,
            m.ReviewItem.status == ReviewStatus.OPEN,
            m.ReviewItem.created_at >= since,
            m.ReviewItem.inbound_id == m.InboundMessage.id,
            m.InboundMessage.from_address == address,
        )
    ).scalar_one()


def mails_sent_to_since(session: Session, address: str, *, since: datetime) -> int:
    """Outbox rows with ``address`` among their recipients created since ``since``."""
    address = address.strip().lower()
    escaped = escape_like(address)
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

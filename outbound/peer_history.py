"""What arbox sent to one address lately, for the reply cap and the reply breaker.

The outbox is the record: every automatic mail is a row (whatever became of it), and a mail
answered is an outbox row with the inbound mail's id. A breaker trip is an open review item of
kind ``reply_loop`` on the inbound mail that tripped it, so resolving the item ends it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ledger import models as m
from outbound.policy import PeerHistory, ReplyLimits

#: Review item kind of a tripped reply breaker.
REPLY_LOOP = "reply_loop"
#: The window of the daily cap.
DAY = timedelta(days=1)


def peer_history(
    session: Session, address: str, *, now: datetime, limits: ReplyLimits
) -> PeerHistory:
    """What was sent to and answered for ``address`` (a bare address) lately."""
    address = address.strip().lower()
    answered = select(func.count(func.distinct(m.InboundMessage.id))).where(
        m.InboundMessage.from_address == address,
        m.OutboxMessage.inbound_id == m.InboundMessage.id,
        m.OutboxMessage.created_at >= now - timedelta(minutes=limits.breaker_minutes),
    )
    tripped = select(func.count(m.ReviewItem.id)).where(
        m.ReviewItem.kind == REPLY_LOOP,
        m.ReviewItem.status == "open",
        m.ReviewItem.created_at >= now - timedelta(minutes=limits.cooldown_minutes),
        m.ReviewItem.inbound_id == m.InboundMessage.id,
        m.InboundMessage.from_address == address,
    )
    return PeerHistory(
        mails_today=mails_sent_to_since(session, address, since=now - DAY),
        answered_in_window=session.execute(answered).scalar_one(),
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

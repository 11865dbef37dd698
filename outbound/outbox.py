"""The transactional outbox: a mail is a row written in the same transaction as the decision
that caused it; the ``send_outbound`` actor delivers it later, once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.types import OutboxStatus
from ledger.models import OutboxMessage


@dataclass(frozen=True, slots=True)
class RenderedMail:
    """A message as the outbox stores it: its bytes and the envelope read from its headers.
    Rendering can happen in another process than the one that writes the row."""

    message_id: str
    sender: str
    recipients: tuple[str, ...]
    subject: str
    raw: bytes


def render_for_outbox(message: EmailMessage) -> RenderedMail:
    """``message`` as bytes (SMTP line endings) with its envelope; raises ``ValueError``
    without From or To."""
    recipients = [addr.lower() for _, addr in getaddresses([str(message["To"] or "")]) if addr]
    sender = [addr for _, addr in getaddresses([str(message["From"] or "")]) if addr]
    if not recipients or not sender:
        raise ValueError("an outbound message needs From and To")
    return RenderedMail(
        message_id=str(message["Message-ID"]),
        sender=sender[0],
        recipients=tuple(recipients),
        subject=str(message["Subject"] or ""),
        raw=message.as_bytes(policy=policy.SMTP),
    )


def add_to_outbox(
    session: Session,
    *,
    key: str,
    kind: str,
    message: EmailMessage | RenderedMail,
    now: datetime,
    inbound_id: int | None = None,
    customer_id: int | None = None,
) -> int | None:
    """Store ``message`` for sending; None when a row with ``key`` already exists."""
    mail = message if isinstance(message, RenderedMail) else render_for_outbox(message)
    try:  # the savepoint rolls back before the error is handled (PostgreSQL)
        with session.begin_nested():
            return session.execute(
                insert(OutboxMessage)
                .values(
                    key=key,
                    kind=kind,
                    inbound_id=inbound_id,
                    customer_id=customer_id,
                    message_id=mail.message_id,
                    sender=mail.sender,
                    recipients=",".join(mail.recipients),
                    subject=mail.subject,
                    raw=mail.raw,
                    status=OutboxStatus.PENDING,
                    attempts=0,
                    created_at=now,
                    enqueued_at=now,
                )
                .returning(OutboxMessage.id)
            ).scalar_one()
    except IntegrityError:
        return None

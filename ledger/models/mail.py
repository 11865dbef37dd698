"""Mail as received and where it sits in the mailbox.

An inbound message is unique by (Message-ID, sha256) and by its mailbox position, so a mail
delivered or fetched twice is stored once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ledger.base import Base


class MailboxState(Base):
    """Per (account, folder): the UIDVALIDITY seen and the highest UID stored."""

    __tablename__ = "mailbox_states"
    __table_args__ = (UniqueConstraint("account", "folder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(320))
    folder: Mapped[str] = mapped_column(String(255))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    last_poll_at: Mapped[datetime | None]


class InboundMessage(Base):
    """A mail as received: raw bytes, identity, and where it is in its life."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("message_id", "sha256"),
        # A sender's recent mails, for the reply breaker (outbound.peer_history).
        Index("ix_inbound_messages_from_address_received_at", "from_address", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(998))  # "" when the mail has none
    sha256: Mapped[str] = mapped_column(String(64))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))  # imap | file
    status: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    from_address: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(Text)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime]
    enqueued_at: Mapped[datetime | None]
    parsed_at: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]
    #: SHA-256 of the mail's own text (quotes dropped, case and spacing folded) and
    #: attachments: the same mail again has the same key (outbound.loop_signs.body_key).
    body_key: Mapped[str | None] = mapped_column(String(64))
    #: Why the mail looks like part of a reply loop (it answers one of our replies, or
    #: repeats an earlier mail of its sender), or None: what the reply breaker counts.
    loop_evidence: Mapped[str | None] = mapped_column(Text)


class MailboxMessage(Base):
    """Where an inbound message sits in a mailbox, and what the poller did with it there after
    its processing committed. ``action`` is null while that is still to do (see
    :class:`core.statuses.MailboxAction`); ``moved_to`` names the target folder or keyword."""

    __tablename__ = "mailbox_messages"
    __table_args__ = (UniqueConstraint("account", "folder", "uidvalidity", "uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(320))
    folder: Mapped[str] = mapped_column(String(255))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    inbound_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"), index=True)
    fetched_at: Mapped[datetime | None]
    action: Mapped[str | None] = mapped_column(String(16), index=True)
    moved_to: Mapped[str | None] = mapped_column(String(255))
    moved_at: Mapped[datetime | None]

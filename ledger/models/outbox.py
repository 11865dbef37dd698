"""Mail to send, written in the same transaction as the decision that caused it; unique by its
deterministic key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ledger.base import Base


class OutboxMessage(Base):
    """A mail to send, written in the same transaction as the decision that caused it."""

    __tablename__ = "outbox"
    # The reply cap counts the mails sent to one address in a day (ledger.peer_reads): rows of
    # one recipient by (recipients, created_at), rows of several, few, by created_at.
    __table_args__ = (
        Index(
            "ix_outbox_one_recipient_created_at",
            "recipients",
            "created_at",
            sqlite_where=text("recipients NOT LIKE '%,%'"),
            postgresql_where=text("recipients NOT LIKE '%,%'"),
        ),
        Index(
            "ix_outbox_several_recipients_created_at",
            "created_at",
            sqlite_where=text("recipients LIKE '%,%'"),
            postgresql_where=text("recipients LIKE '%,%'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    sender: Mapped[str] = mapped_column(String(320))
    recipients: Mapped[str] = mapped_column(Text)  # comma-separated envelope recipients
    subject: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    enqueued_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    # While a delivery talks to the SMTP server the row is its own until then; no other
    # delivery sends it before (worker.sending). NULL: nobody is sending it.
    claimed_until: Mapped[datetime | None]

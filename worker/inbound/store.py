"""Storing an inbound message: the raw bytes once (unique by Message-ID + sha256) and where
it sat in a mailbox; and the sweep that enqueues again what a crash left stored or pending.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32

import structlog
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.types import PENDING_STATUSES, InboundStatus
from ledger import models as m
from outbound.compose import clean_header
from worker.bank.linking import flag_late_held_lines
from worker.services import Services

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class MailboxKey:
    """Where a message sits in a mailbox."""

    account: str
    folder: str
    uidvalidity: int
    uid: int


@dataclass(frozen=True, slots=True)
class Stored:
    """The inbound row a raw message was stored as; ``created`` is False for a duplicate."""

    inbound_id: int
    created: bool
    status: str


def message_id_of(raw: bytes) -> str:
    """The Message-ID header of ``raw`` (cleaned), or ``""``. Never raises."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw[: 256 * 1024])
    value = headers.get("Message-ID")
    return clean_header(str(value))[:998] if value else ""


def store_inbound(
    svc: Services, raw: bytes, *, source: str, mailbox: MailboxKey | None = None
) -> Stored:
    """Store ``raw`` (unique by Message-ID + sha256) and its mailbox position, if any.

    Storing the same bytes twice returns the first row; the mailbox position is recorded
    either way, so the poller can move the duplicate out of the inbox.
    """
    digest = hashlib.sha256(raw).hexdigest()
    message_id = message_id_of(raw)
    now = svc.clock()
    with svc.sessions.begin() as session:
        existing = _find_inbound(session, message_id, digest)
        created = existing is None
        if existing is None:
            row = m.InboundMessage(
                message_id=message_id,
                sha256=digest,
                raw=raw,
                size=len(raw),
                source=source,
                status=InboundStatus.STORED,
                attempts=0,
                received_at=now,
                enqueued_at=now,
            )
            try:
                with session.begin_nested():
                    session.add(row)
                    session.flush()
            except IntegrityError:  # stored by a concurrent poller a moment ago
                existing = _find_inbound(session, message_id, digest)
                assert existing is not None
                created = False
            else:
                existing = row
        if mailbox is not None:
            _record_position(session, mailbox, existing.id, now)
        log.info(
            "inbound_stored" if created else "inbound_duplicate",
            inbound_id=existing.id,
            sha256=digest[:16],
            source=source,
        )
        return Stored(inbound_id=existing.id, created=created, status=existing.status)


def _find_inbound(session: Session, message_id: str, digest: str) -> m.InboundMessage | None:
    return session.execute(
        select(m.InboundMessage).where(
            m.InboundMessage.message_id == message_id, m.InboundMessage.sha256 == digest
        )
    ).scalar_one_or_none()


def _record_position(session: Session, key: MailboxKey, inbound_id: int, now: datetime) -> None:
    try:
        with session.begin_nested():
            session.add(
                m.MailboxMessage(
                    account=key.account,
                    folder=key.folder,
                    uidvalidity=key.uidvalidity,
                    uid=key.uid,
                    inbound_id=inbound_id,
                    fetched_at=now,
                )
            )
    except IntegrityError:
        pass  # this position was recorded by an earlier poll


@dataclass(frozen=True, slots=True)
class Swept:
    """Work a crash left behind, to enqueue again."""

    inbound_ids: tuple[int, ...]
    outbox_ids: tuple[int, ...]


def sweep(svc: Services, *, older_than: timedelta = timedelta(minutes=5)) -> Swept:
    """Stored messages and pending mail not enqueued for ``older_than``: mark them enqueued
    now and return their ids. Covers a crash between a commit and the enqueue after it. Held
    lines whose bank credit is late go to a person on the way."""
    now = svc.clock()
    cutoff = now - older_than
    with svc.sessions.begin() as session:
        flag_late_held_lines(session, window_days=svc.settings.bank_match_window_days, now=now)
        inbound = (
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
        outbox = (
            session.execute(
                update(m.OutboxMessage)
                .where(m.OutboxMessage.status == "pending", m.OutboxMessage.enqueued_at < cutoff)
                .values(enqueued_at=now)
                .returning(m.OutboxMessage.id)
            )
            .scalars()
            .all()
        )
    return Swept(inbound_ids=tuple(inbound), outbox_ids=tuple(outbox))

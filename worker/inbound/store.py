"""Storing an inbound message: the raw bytes once (unique by Message-ID + sha256) and where
it sat in a mailbox; and the sweep that enqueues again what a crash left stored or pending.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32

import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.statuses import InboundStatus
from ledger import models as m
from ledger.inbound_store import (
    find_inbound,
    record_mailbox_position,
    reenqueue_stale_inbound,
    reenqueue_stale_outbox,
)
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
    (stored,) = store_many(svc, [(raw, mailbox)], source=source)
    return stored


def store_many(
    svc: Services,
    mails: Sequence[tuple[bytes, MailboxKey | None]],
    *,
    source: str,
    then: Callable[[Session], None] | None = None,
) -> list[Stored]:
    """Store each of ``mails`` as :func:`store_inbound` does, all in one transaction, and
    run ``then`` in it (the poller records how far it read the folder): one commit for a
    batch of mail, all or nothing."""
    now = svc.clock()
    keyed = [(message_id_of(raw), hashlib.sha256(raw).hexdigest()) for raw, _ in mails]
    # In the order of the unique key: two batches holding the same mails (two folders polled at
    # once) take their index entries in one order and cannot deadlock on PostgreSQL.
    order = sorted(range(len(mails)), key=keyed.__getitem__)
    stored: dict[int, Stored] = {}
    with svc.sessions.begin() as session:
        for n in order:
            raw, key = mails[n]
            message_id, digest = keyed[n]
            stored[n] = _store(
                session, raw, message_id, digest, source=source, mailbox=key, now=now
            )
        if then is not None:
            then(session)
    return [stored[n] for n in range(len(mails))]


def _store(
    session: Session,
    raw: bytes,
    message_id: str,
    digest: str,
    *,
    source: str,
    mailbox: MailboxKey | None,
    now: datetime,
) -> Stored:
    existing = find_inbound(session, message_id, digest)
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
            existing = find_inbound(session, message_id, digest)
            assert existing is not None
            created = False
        else:
            existing = row
    if mailbox is not None:
        record_mailbox_position(
            session,
            account=mailbox.account,
            folder=mailbox.folder,
            uidvalidity=mailbox.uidvalidity,
            uid=mailbox.uid,
            inbound_id=existing.id,
            now=now,
        )
    log.info(
        "inbound_stored" if created else "inbound_duplicate",
        inbound_id=existing.id,
        sha256=digest[:16],
        source=source,
    )
    return Stored(inbound_id=existing.id, created=created, status=existing.status)


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
        inbound = reenqueue_stale_inbound(session, cutoff=cutoff, now=now)
        outbox = reenqueue_stale_outbox(session, cutoff=cutoff, now=now)
    return Swept(inbound_ids=tuple(inbound), outbox_ids=tuple(outbox))

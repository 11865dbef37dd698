"""Operational views and actions: counts for ``arbox status``, the quarantine and its replay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.statuses import FINAL_STATUSES, InboundStatus, ReviewStatus
from ledger import models as m
from ledger.posting import audit


@dataclass(frozen=True, slots=True)
class FolderPoll:
    """Bookkeeping of one mailbox folder."""

    account: str
    folder: str
    uidvalidity: int
    last_uid: int
    last_poll_at: datetime | None


@dataclass(frozen=True, slots=True)
class StatusCounts:
    """What ``arbox status`` shows, apart from queue depths."""

    inbound: dict[str, int]
    mailbox: dict[str, int]
    review: dict[str, int]
    outbox: dict[str, int]
    folders: tuple[FolderPoll, ...]


@dataclass(frozen=True, slots=True)
class QuarantinedMessage:
    """A message that could not be processed, and why."""

    id: int
    message_id: str
    from_address: str | None
    subject: str | None
    size: int
    attempts: int
    reason: str
    received_at: datetime


def status_counts(session: Session) -> StatusCounts:
    """Inbound mail per state, open review items per kind, outbox rows per state, folders."""

    def grouped(column, where=None) -> dict[str, int]:  # type: ignore[no-untyped-def]
        stmt = select(column, func.count()).group_by(column)
        if where is not None:
            stmt = stmt.where(where)
        return {str(k): int(v) for k, v in session.execute(stmt).tuples()}

    folders = tuple(
        FolderPoll(s.account, s.folder, s.uidvalidity, s.last_uid, s.last_poll_at)
        for s in session.execute(
            select(m.MailboxState).order_by(m.MailboxState.account, m.MailboxState.folder)
        ).scalars()
    )
    return StatusCounts(
        inbound=grouped(m.InboundMessage.status),
        mailbox=mailbox_action_counts(session),
        review=grouped(m.ReviewItem.kind, m.ReviewItem.status == ReviewStatus.OPEN),
        outbox=grouped(m.OutboxMessage.status),
        folders=folders,
    )


@dataclass(frozen=True, slots=True)
class OpenReview:
    """Open review items of one kind: how many, and when the oldest was opened."""

    kind: str
    count: int
    oldest_created_at: datetime


def open_review_by_kind(session: Session) -> list[OpenReview]:
    """Open review items per kind with the oldest one's creation time (metrics, issue 20)."""
    stmt = (
        select(m.ReviewItem.kind, func.count(), func.min(m.ReviewItem.created_at))
        .where(m.ReviewItem.status == ReviewStatus.OPEN)
        .group_by(m.ReviewItem.kind)
        .order_by(m.ReviewItem.kind)
    )
    return [OpenReview(str(k), int(n), oldest) for k, n, oldest in session.execute(stmt).tuples()]


#: The ``arbox status`` label of mailbox positions whose mail is done but not yet moved/flagged.
WAITING_FOR_MAILBOX_ACTION = "waiting for mailbox action"
#: ... and of positions whose mail is still being processed.
BEING_PROCESSED = "being processed"


def mailbox_action_counts(session: Session) -> dict[str, int]:
    """Mailbox positions per action done (moved, flagged, gone, stale), plus the ones still
    to do: ``waiting for mailbox action`` (processing final and committed) and ``being
    processed``."""
    final = m.InboundMessage.status.in_([s.value for s in FINAL_STATUSES])
    counts: dict[str, int] = {}
    stmt = (
        select(m.MailboxMessage.action, final, func.count())
        .join(m.InboundMessage, m.InboundMessage.id == m.MailboxMessage.inbound_id)
        .group_by(m.MailboxMessage.action, final)
    )
    for action, is_final, n in session.execute(stmt).tuples():
        if action is not None:
            label = str(action)
        else:
            label = WAITING_FOR_MAILBOX_ACTION if is_final else BEING_PROCESSED
        counts[label] = counts.get(label, 0) + int(n)
    return counts


def quarantined(session: Session) -> list[QuarantinedMessage]:
    """Every quarantined inbound message, oldest first."""
    rows = session.execute(
        select(m.InboundMessage)
        .where(m.InboundMessage.status == InboundStatus.QUARANTINED)
        .order_by(m.InboundMessage.received_at, m.InboundMessage.id)
    ).scalars()
    return [_to_quarantined(r) for r in rows]


def quarantined_message(session: Session, inbound_id: int) -> QuarantinedMessage | None:
    """One quarantined message, or None when ``inbound_id`` is not in quarantine."""
    row = session.get(m.InboundMessage, inbound_id)
    if row is None or row.status != InboundStatus.QUARANTINED:
        return None
    return _to_quarantined(row)


def release_from_quarantine(
    session: Session, inbound_id: int, *, actor: str, now: datetime
) -> bool:
    """Put a quarantined message back to ``stored`` with a fresh attempt count, so it can be
    processed again. Returns False when it is not in quarantine."""
    result = session.execute(
        update(m.InboundMessage)
        .where(
            m.InboundMessage.id == inbound_id,
            m.InboundMessage.status == InboundStatus.QUARANTINED,
        )
        .values(
            status=InboundStatus.STORED,
            attempts=0,
            reason=None,
            enqueued_at=now,
            parsed_at=None,
            processed_at=None,
        )
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.execute(
        update(m.ReviewItem)
        .where(m.ReviewItem.key == f"inbound:{inbound_id}:quarantine")
        .values(status=ReviewStatus.RESOLVED, resolved_at=now, resolved_by=actor)
    )
    audit(
        session,
        actor=actor,
        action="quarantine_retry",
        entity="inbound_message",
        entity_id=inbound_id,
        now=now,
    )
    return True


def _to_quarantined(row: m.InboundMessage) -> QuarantinedMessage:
    return QuarantinedMessage(
        id=row.id,
        message_id=row.message_id,
        from_address=row.from_address,
        subject=row.subject,
        size=row.size,
        attempts=row.attempts,
        reason=row.reason or "",
        received_at=row.received_at,
    )

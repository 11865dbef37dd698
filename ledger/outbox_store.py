"""The outbox's rows: a mail to send is a row written in the same transaction as the decision
that caused it (:func:`outbound.outbox.add_to_outbox` renders it), unique by its key."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from core.statuses import OutboxStatus
from ledger.compiled import write
from ledger.models import OutboxMessage

#: Insert a row unless its key (or Message-ID) is taken, with no savepoint: SQLite's and
#: PostgreSQL's ``ON CONFLICT DO NOTHING``. Built once: run on every reply.
#: On the Core table: the ORM's bulk insert doubles the cost of the statement.
_OUTBOX = cast(Table, OutboxMessage.__table__)
_INSERT_NEW = {
    "sqlite": sqlite_insert(_OUTBOX).on_conflict_do_nothing().returning(_OUTBOX.c.id),
    "postgresql": pg_insert(_OUTBOX).on_conflict_do_nothing().returning(_OUTBOX.c.id),
}


def insert_outbox_row(
    session: Session,
    *,
    key: str,
    kind: str,
    message_id: str,
    sender: str,
    recipients: Sequence[str],
    subject: str,
    raw: bytes,
    now: datetime,
    inbound_id: int | None = None,
    customer_id: int | None = None,
) -> int | None:
    """A pending outbox row for the mail ``raw``, by id; None when a row with ``key`` (or
    ``message_id``) already exists (nothing is written then, and the transaction goes on)."""
    row = {
        "key": key,
        "kind": kind,
        "inbound_id": inbound_id,
        "customer_id": customer_id,
        "message_id": message_id,
        "sender": sender,
        "recipients": ",".join(recipients),
        "subject": subject,
        "raw": raw,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "created_at": now,
        "enqueued_at": now,
    }
    statement = _INSERT_NEW[session.get_bind().dialect.name]  # arbox runs on these two
    found = write(session, statement, row).rows
    return int(found[0][0]) if found else None


#: Claim rows for one delivery (see :func:`claim_new_rows`): built once, run on every reply.
_CLAIM = (
    update(OutboxMessage)
    .where(
        OutboxMessage.id.in_(bindparam("b_ids", expanding=True)),
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.claimed_until.is_(None),
        OutboxMessage.attempts < bindparam("b_max_attempts"),
    )
    .values(
        attempts=OutboxMessage.attempts + 1,
        claimed_until=bindparam("b_until", type_=OutboxMessage.claimed_until.type),
    )
    .returning(
        OutboxMessage.id,
        OutboxMessage.attempts,
        OutboxMessage.raw,
        OutboxMessage.sender,
        OutboxMessage.recipients,
    )
    .execution_options(synchronize_session=False)
)


def claim_new_rows(
    session: Session, outbox_ids: Sequence[int], *, until: datetime, max_attempts: int
) -> Sequence[tuple[int, int, bytes, str, str]]:
    """Claim the rows of ``outbox_ids`` that are pending and nobody holds, for one delivery:
    one more attempt and a lease until ``until``. Their id, attempts, raw mail, sender and
    recipients (comma-separated)."""
    if not outbox_ids:
        return ()
    params = {"b_ids": list(outbox_ids), "b_until": until, "b_max_attempts": max_attempts}
    return write(session, _CLAIM, params).rows


#: Record a delivery the server took (see :func:`mark_sent`): built once, run on every reply.
_MARK_SENT = (
    update(OutboxMessage)
    .where(
        OutboxMessage.id == bindparam("b_id"),
        OutboxMessage.status == OutboxStatus.PENDING,
    )
    .values(
        status=OutboxStatus.SENT,
        sent_at=bindparam("b_now", type_=OutboxMessage.sent_at.type),
        claimed_until=None,
    )
    .execution_options(synchronize_session=False)
)


def mark_sent(session: Session, outbox_id: int, *, now: datetime) -> bool:
    """Row ``outbox_id`` sent at ``now`` and its lease ended, if it is still pending (under
    any delivery's claim: the server has the mail, no one is to send it again); True when
    written. One guarded statement: nothing is read. False leaves the row as it was."""
    return write(session, _MARK_SENT, {"b_id": outbox_id, "b_now": now}).rowcount == 1

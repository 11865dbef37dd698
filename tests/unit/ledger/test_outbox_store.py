"""An outbox row is written once per key and per Message-ID: a second write of either is no
error and writes nothing (``ON CONFLICT DO NOTHING``, no savepoint), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from ledger import models as m
from ledger.outbox_store import insert_outbox_row, mark_sent

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def write(session, key: str, message_id: str) -> int | None:  # type: ignore[no-untyped-def]
    return insert_outbox_row(
        session,
        key=key,
        kind="acknowledgement",
        message_id=message_id,
        sender="ar@arbox.example",
        recipients=["ap@acme.example", "boss@acme.example"],
        subject="Re: payment",
        raw=b"Subject: Re: payment\r\n\r\nthanks\r\n",
        now=NOW,
    )


def test_a_taken_key_or_message_id_writes_nothing_and_the_transaction_goes_on(sessions):
    with sessions.begin() as s:
        first = write(s, "ack:1", "<a@arbox.example>")
        assert isinstance(first, int)
        assert write(s, "ack:1", "<b@arbox.example>") is None  # the key is taken
        assert write(s, "ack:2", "<a@arbox.example>") is None  # the Message-ID is taken
        second = write(s, "ack:3", "<c@arbox.example>")  # the transaction is still usable
        assert isinstance(second, int) and second != first
    with sessions() as s:
        rows = s.execute(
            select(
                m.OutboxMessage.key, m.OutboxMessage.recipients, m.OutboxMessage.status
            ).order_by(m.OutboxMessage.id)
        ).all()
        assert [tuple(r) for r in rows] == [
            ("ack:1", "ap@acme.example,boss@acme.example", "pending"),
            ("ack:3", "ap@acme.example,boss@acme.example", "pending"),
        ]
        assert s.execute(select(func.count(m.OutboxMessage.id))).scalar_one() == 2


def test_mark_sent_writes_a_pending_row_once_and_leaves_a_finished_one_alone(sessions):
    later = NOW + timedelta(seconds=5)
    with sessions.begin() as s:
        pending = write(s, "ack:1", "<a@arbox.example>")
        failed = write(s, "ack:2", "<b@arbox.example>")
        assert isinstance(pending, int) and isinstance(failed, int)
        s.get(m.OutboxMessage, pending).claimed_until = later  # a delivery's lease
        s.get(m.OutboxMessage, failed).status = "failed"
    with sessions.begin() as s:
        assert mark_sent(s, pending, now=later) is True
        assert mark_sent(s, failed, now=later) is False  # failed for good: not sent
    with sessions.begin() as s:
        assert mark_sent(s, pending, now=later + timedelta(seconds=1)) is False  # sent already
        assert mark_sent(s, 999_999, now=later) is False  # no such row
    with sessions() as s:
        rows = s.execute(
            select(
                m.OutboxMessage.status, m.OutboxMessage.sent_at, m.OutboxMessage.claimed_until
            ).order_by(m.OutboxMessage.id)
        ).all()
        assert [tuple(r) for r in rows] == [("sent", later, None), ("failed", None, None)]

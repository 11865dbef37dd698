"""The reads of the reply cap and breaker (ledger.peer_reads) are built once and run through
ledger.compiled: on SQLite's cursor each reads what SQLAlchemy's result machinery reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.statuses import InboundStatus, ReviewKind, ReviewStatus
from ledger import compiled, peer_reads
from ledger import models as m

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
ADDRESS = "ap@acme.example"


def inbound(session, n: int, sender: str, *, hours_ago: int, body_key: str | None = None) -> int:  # type: ignore[no-untyped-def]
    row = m.InboundMessage(
        message_id=f"<in{n}@example.com>",
        sha256=f"{n:064d}",
        raw=b"x",
        size=1,
        source="imap",
        status=InboundStatus.APPLIED,
        attempts=1,
        received_at=NOW - timedelta(hours=hours_ago),
        from_address=sender,
        body_key=body_key,
        loop_evidence="answers our reply" if n % 2 else None,
    )
    session.add(row)
    session.flush()
    return row.id


def outbox(session, n: int, inbound_id: int | None, recipients: str) -> None:  # type: ignore[no-untyped-def]
    session.add(
        m.OutboxMessage(
            key=f"k{n}",
            kind="acknowledgement",
            inbound_id=inbound_id,
            message_id=f"<out{n}@arbox.example>",
            sender="ar@arbox.example",
            recipients=recipients,
            subject=f"Re: payment {n}",
            raw=b"x",
            status="sent",
            attempts=1,
            created_at=NOW - timedelta(hours=n),
        )
    )


@pytest.fixture
def world(sessions):  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        a = inbound(session, 1, ADDRESS, hours_ago=1, body_key="b1")
        b = inbound(session, 2, ADDRESS, hours_ago=2, body_key="b1")
        c = inbound(session, 3, ADDRESS, hours_ago=50, body_key="b1")
        d = inbound(session, 4, "other@acme.example", hours_ago=1, body_key="b1")
        outbox(session, 1, a, ADDRESS)
        outbox(session, 2, b, f"x@y.example,{ADDRESS}")
        outbox(session, 3, c, f"{ADDRESS},x@y.example")
        outbox(session, 4, d, "other@acme.example")
        outbox(session, 5, None, f"x@y.example,{ADDRESS},z@y.example")
        outbox(session, 6, None, "ap_acme.example")  # a LIKE wildcard must not match
        for n, inbound_id in enumerate((a, b, c, d)):
            session.add(
                m.ReviewItem(
                    key=f"r{n}",
                    kind=ReviewKind.REPLY_LOOP,
                    status=ReviewStatus.OPEN,
                    inbound_id=inbound_id,
                    reason="loop",
                    created_at=NOW - timedelta(hours=n),
                )
            )
    return {"a": a, "b": b, "c": c, "d": d}


SINCE = NOW - timedelta(hours=24)


@pytest.mark.parametrize(
    ("statement", "params"),
    [
        ("_REPLY_SUBJECTS", {"address": ADDRESS, "since": SINCE, "other_than": 0}),
        (
            "_FIRST_WITH_TEXT",
            {"address": ADDRESS, "since": SINCE, "other_than": 1, "body_key": "b1"},
        ),
        ("_MAILS_FROM", {"address": ADDRESS, "since": SINCE, "other_than": 0}),
        (
            "_OPEN_ITEMS_ON_MAILS_FROM",
            {"kind": ReviewKind.REPLY_LOOP.value, "since": SINCE, "address": ADDRESS},
        ),
        (
            "_SENT_TO",
            {
                "since": NOW - timedelta(hours=100),
                "address": ADDRESS,
                "first": f"{ADDRESS},%",
                "last": f"%,{ADDRESS}",
                "middle": f"%,{ADDRESS},%",
            },
        ),
    ],
)
def test_each_read_on_sqlites_cursor_reads_what_sqlalchemy_reads(
    world, sessions, database_url, statement, params
):
    stmt = getattr(peer_reads, statement)
    with sessions() as session:
        fast = compiled.rows(session, stmt, params)
        generic = compiled.generic_rows(session, stmt, params)
    assert fast, "the world has rows for every read"
    assert [tuple(r) for r in fast] == [tuple(r) for r in generic]


def test_the_reads_answer_what_they_say(world, sessions):
    with sessions() as s:
        assert sorted(peer_reads.reply_subjects_to(s, ADDRESS, since=SINCE, other_than=0)) == [
            "Re: payment 1",
            "Re: payment 2",
        ]
        assert peer_reads.reply_subjects_to(s, ADDRESS, since=SINCE, other_than=world["a"]) == [
            "Re: payment 2"
        ]
        first = peer_reads.first_mail_with_text(
            s, ADDRESS, body_key="b1", since=SINCE, other_than=world["a"]
        )
        assert first == world["b"]
        assert (
            peer_reads.first_mail_with_text(s, ADDRESS, body_key="zz", since=SINCE, other_than=0)
            is None
        )
        mails = peer_reads.mails_from_since(s, ADDRESS, since=SINCE, other_than=0)
        assert sorted(mails, key=str) == [(True, "answers our reply", "b1"), (True, None, "b1")]
        items = peer_reads.open_items_on_mails_from(
            s, ADDRESS, kind=ReviewKind.REPLY_LOOP, since=SINCE
        )
        assert items == 3  # on mails a, b and c (the items are recent, c is not)
        # rows 1, 2, 3 and 5 name the address; 6 only looks like it to an unescaped LIKE
        since = NOW - timedelta(hours=100)
        assert peer_reads.mails_sent_to_since(s, ADDRESS, since=since) == 4
        assert peer_reads.mails_sent_to_since(s, " AP@acme.example ", since=since) == 4


def test_the_mails_sent_to_an_address_are_counted_by_index_not_by_reading_the_outbox(
    world, sessions
):
    # One LIKE over the comma-separated recipients read every row of the outbox on every
    # reply: 35 ms at 50,000 rows. Each half of the count now searches a partial index.
    params = {"since": SINCE, "address": ADDRESS, "first": "a,%", "last": "%,a", "middle": "%,a,%"}
    with sessions() as s:
        conn = s.connection()
        dialect = conn.dialect
        compiled = peer_reads._SENT_TO.compile(dialect=dialect)
        if dialect.name == "sqlite":
            order = ("address", "since", "since", "first", "last", "middle")
            found = conn.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {compiled}", tuple(params[k] for k in order)
            )
            plan = [row[-1] for row in found]
            assert not any(step.startswith("SCAN outbox") for step in plan), plan
        else:  # PostgreSQL: a table this small is read whole unless that is made dear
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = [row[0] for row in conn.exec_driver_sql(f"EXPLAIN {compiled}", params)]
            assert not any("Seq Scan on outbox" in step for step in plan), plan
    assert any("ix_outbox_one_recipient_created_at" in step for step in plan), plan
    assert any("ix_outbox_several_recipients_created_at" in step for step in plan), plan

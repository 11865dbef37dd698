"""The writes every mail runs (ledger.compiled.write): on SQLite's driver cursor each writes the
rows SQLAlchemy writes, returns what its RETURNING returns and counts what it changed; on any
database the same through the generic path. And a held row (ledger.session.hold_row): the
reads leave its changes unwritten while they are the only ones, and nothing else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.statuses import OutboxStatus
from ledger import bulk_posting, compiled, outbox_store
from ledger.inbound_store import _COUNT_ATTEMPT
from ledger.models import Application, AuditEvent, InboundMessage, Invoice, OutboxMessage
from ledger.session import hold_row
from tests.unit.ledger.conftest import NOW, LedgerFactory

sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

Scenario = Callable[[Session, Callable[..., compiled.Written]], list[Any]]


def _generic(session: Session, stmt: Any, params: Any) -> compiled.Written:
    """What SQLAlchemy's own path writes and returns for ``stmt``."""
    result = session.execute(stmt, params)
    if stmt._returning:
        found = [tuple(r) for r in result.tuples()]
        return compiled.Written(found, len(found))
    return compiled.Written([], result.rowcount)  # type: ignore[attr-defined]


def _snapshot(session: Session) -> list[Any]:
    """Every column of the rows the scenarios write, as the ORM reads them."""
    session.expire_all()
    tables = (Application, AuditEvent, Invoice, OutboxMessage, InboundMessage)
    return [
        [
            {c.key: getattr(r, c.key) for c in model.__table__.columns}
            for r in session.scalars(select(model).order_by(model.id))
        ]
        for model in tables
    ]


def _world(ledger: LedgerFactory) -> dict[str, int]:
    acme = ledger.customer("C-001")
    first = ledger.invoice(acme, "INV-1")
    second = ledger.invoice(acme, "INV-2", balance="99.99")
    line = ledger.remittance_line(ledger.inbound())
    for n in (1, 2):
        outbox_store.insert_outbox_row(
            ledger.session,
            key=f"ack:{n}",
            kind="acknowledgement",
            message_id=f"<r{n}@ar.example>",
            sender="ar@ar.example",
            recipients=["ap@acme.example"],
            subject="Re: paid",
            raw=b"\x00raw\xff",
            now=NOW,
        )
    return {"first": first, "second": second, "line": line}


def _posting(ids: dict[str, int]) -> Scenario:
    def run(session: Session, do: Callable[..., compiled.Written]) -> list[Any]:
        apps = [
            {
                "remittance_line_id": ids["line"],
                "invoice_id": ids[name],
                "amount": Decimal(amount),
                "discount": Decimal("0.00"),
                "deduction": Decimal("0.00"),
                "currency": "USD",
                "status": "auto",
                "confidence": Decimal("0.975"),
                "reasons": "exact",
                "applied_by": "worker",
                "applied_at": NOW,
            }  # no "basis": its default
            for name, amount in (("first", "1250.00"), ("second", "90.00"))
        ]
        settle = [
            {"b_id": ids[name], "b_owed": Decimal(owed), "b_currency": "USD", "b_now": NOW}
            for name, owed in (("first", "1250.00"), ("second", "90.00"))
        ]
        events = [
            {
                "at": NOW,
                "actor": "worker",
                "action": "apply_cash",
                "entity": "invoice",
                "entity_id": ids["first"],
                "detail": {"amount": "1250.00", "why": "exact"},
            }
        ]
        return [
            do(session, bulk_posting._INSERT_APPLICATIONS, apps),
            do(session, bulk_posting.SETTLE, settle),
            do(session, bulk_posting.SETTLE, settle),  # nothing left to take: no row changes
            do(session, bulk_posting._INSERT_AUDIT_EVENTS, events),
        ]

    return run


def _outbox(ids: dict[str, int]) -> Scenario:
    def run(session: Session, do: Callable[..., compiled.Written]) -> list[Any]:
        claim = {"b_ids": [1, 2, 404], "b_until": NOW + timedelta(minutes=5), "b_max_attempts": 5}
        new = {
            "key": "ack:3",
            "kind": "acknowledgement",
            "inbound_id": None,
            "customer_id": None,
            "message_id": "<r3@ar.example>",
            "sender": "ar@ar.example",
            "recipients": "ap@acme.example",
            "subject": "Re: paid",
            "raw": b"mail",
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "created_at": NOW,
            "enqueued_at": NOW,
        }
        insert = outbox_store._INSERT_NEW[session.get_bind().dialect.name]
        seen = {"b_id": 1, "b_status": "applied", "b_attempts": 0}
        return [
            do(session, outbox_store._CLAIM, claim),
            do(session, outbox_store._CLAIM, claim),  # claimed already: none
            do(session, outbox_store._MARK_SENT, {"b_id": 1, "b_now": NOW}),
            do(session, outbox_store._MARK_SENT, {"b_id": 1, "b_now": NOW}),  # sent: no change
            do(session, insert, new),
            do(session, insert, new),  # its key is taken: nothing, no row returned
            do(session, _COUNT_ATTEMPT[False], seen),
            do(session, _COUNT_ATTEMPT[False], seen),  # no longer as seen
        ]

    return run


@sqlite_only  # elsewhere write() is Session.execute (and sequences do not roll back)
@pytest.mark.parametrize("scenario", [_posting, _outbox])
def test_each_write_does_on_the_cursor_what_sqlalchemy_does(
    sessions: sessionmaker[Session], scenario: Callable[[dict[str, int]], Scenario]
) -> None:
    with sessions.begin() as session:
        ids = _world(LedgerFactory(session))
    run = scenario(ids)
    results = []
    for do in (compiled.write, _generic):
        with sessions() as session:
            returned = run(session, do)
            results.append((returned, _snapshot(session)))
            session.rollback()
    (fast, fast_rows), (generic, generic_rows) = results
    assert fast == generic
    assert fast_rows == generic_rows
    assert any(r.rows for r in fast) and any(r.rowcount == 0 for r in fast)


@sqlite_only
def test_the_sqlite_path_runs_on_the_cursor_and_fills_a_scalar_default(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        ids = _world(LedgerFactory(session))
    with sessions() as session:
        _posting(ids)(session, compiled.write)
        basis = session.execute(text("select distinct basis from applications")).scalars().all()
        session.rollback()
    assert basis == ["remittance"]
    form = compiled._sqlite_write_form(
        bulk_posting._INSERT_APPLICATIONS,
        ("remittance_line_id", "invoice_id", "amount"),
        session.get_bind().dialect,
    )
    assert form is not None and form.sql.startswith("INSERT INTO applications")


def test_a_held_row_is_written_with_the_next_row_or_the_commit_not_by_each_read(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        inbound_id = LedgerFactory(session).inbound()
    stored = select(InboundMessage.status).where(InboundMessage.id == inbound_id)
    with sessions.begin() as session:
        row = session.get(InboundMessage, inbound_id)
        assert row is not None
        hold_row(session, row)
        row.status = "parsed"
        # reads, ORM and compiled: the row's change alone is not flushed for them
        session.scalars(select(Invoice.id)).all()
        compiled.rows(session, select(Invoice.id))
        assert session.scalars(stored).one() == "applied"
        # another change goes with the row's
        session.add(
            AuditEvent(at=NOW, actor="t", action="a", entity="inbound_message", entity_id=1)
        )
        assert session.scalars(stored).one() == "parsed"
        row.status = "review"
    with sessions() as session:
        assert session.scalars(stored).one() == "review"  # the commit wrote the rest


def test_without_a_held_row_every_read_flushes(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        inbound_id = LedgerFactory(session).inbound()
    stored = select(InboundMessage.status).where(InboundMessage.id == inbound_id)
    with sessions() as session:
        row = session.get(InboundMessage, inbound_id)
        assert row is not None
        row.status = "parsed"
        assert compiled.rows(session, stored) == [("parsed",)]
        other = session.get(InboundMessage, inbound_id)
        hold_row(session, Invoice())  # another row held: this one's changes are flushed
        assert other is row
        row.status = "review"
        assert session.scalars(stored).one() == "review"


def test_a_refused_write_raises_what_sqlalchemy_raises(sessions: sessionmaker[Session]) -> None:
    """A constraint refused on the driver's cursor is SQLAlchemy's IntegrityError, as the
    callers catch it (the posting at once falls back to line by line on it)."""
    event = {
        "remittance_line_id": 404,  # no such line: the foreign key refuses it
        "invoice_id": 404,
        "amount": Decimal("1.00"),
        "discount": Decimal("0.00"),
        "deduction": Decimal("0.00"),
        "currency": "USD",
        "status": "auto",
        "confidence": Decimal("1.000"),
        "reasons": "exact",
        "applied_by": "worker",
        "applied_at": NOW,
    }
    with sessions() as session, pytest.raises(IntegrityError):
        compiled.write(session, bulk_posting._INSERT_APPLICATIONS, [event])

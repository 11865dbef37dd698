"""Who a statement run mails: a customer's statement contacts (role names statements) when it
has any, else every registered contact; never anyone else."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.config import Settings
from ledger import models as m
from ledger.migrate import upgrade
from worker.runs.statements import queue_statements
from worker.services import Services

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


@pytest.fixture
def svc(database_url: str) -> Services:
    upgrade(database_url)
    services = Services.from_settings(
        Settings(database_url=database_url, ar_address="ar@supplies.example")
    )
    yield services
    services.engine.dispose()


def customer(session, number: str, contacts: dict[str, str | None]) -> None:  # type: ignore[no-untyped-def]
    row = m.Customer(number=number, name=f"Customer {number}", created_at=NOW)
    session.add(row)
    session.flush()
    for email, role in contacts.items():
        session.add(m.Contact(customer_id=row.id, email=email, role=role))
    session.add(
        m.Invoice(
            number=f"INV-{number}", ref_key=f"inv{number}".lower(), customer_id=row.id,
            issue_date=date(2026, 10, 1), due_date=date(2026, 10, 31), amount=Decimal("10.00"),
            balance=Decimal("10.00"), currency="USD", terms=None, status="open",
            created_at=NOW, updated_at=NOW,
        )
    )  # fmt: skip


def test_statement_contacts_alone_get_the_statement_else_every_contact(svc):
    with svc.sessions.begin() as s:
        customer(s, "C1", {"ap@one.example": "AP", "Statements@One.example": "AP Statements"})
        customer(s, "C2", {"ap@two.example": "AP", "boss@two.example": None})
        customer(s, "C3", {"not an address": "statements", "ap@three.example": "AP"})
    queued = queue_statements(svc, as_of=date(2026, 12, 1))
    with svc.sessions() as s:
        sent = dict(
            s.execute(select(m.OutboxMessage.key, m.OutboxMessage.recipients)).tuples().all()
        )
    assert len(queued.queued) == 3
    assert sent == {
        "statement:C1:2026-12-01": "statements@one.example",
        "statement:C2:2026-12-01": "ap@two.example,boss@two.example",
        # its only statement contact is no address: every (valid) contact instead
        "statement:C3:2026-12-01": "ap@three.example",
    }

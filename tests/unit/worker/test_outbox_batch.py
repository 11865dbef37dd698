"""Bulk runs write the outbox in batches: every row once, even when another run wrote some of
a batch's keys meanwhile."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.config import Settings
from ledger import models as m
from ledger.migrate import upgrade
from outbound.outbox import RenderedMail
from worker.runs.outbox_batch import OutboxWriter, PendingRow
from worker.services import Services

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


@pytest.fixture
def svc(database_url: str) -> Services:
    settings = Settings(database_url=database_url)
    upgrade(database_url)
    services = Services.from_settings(settings)
    yield services
    services.engine.dispose()


def row(n: int) -> PendingRow:
    mail = RenderedMail(
        message_id=f"<arbox.{n}@supplies.example>",
        sender="ar@supplies.example",
        recipients=(f"ap@c{n}.example",),
        subject=f"Statement {n}",
        raw=f"Subject: Statement {n}\r\n\r\nbody\r\n".encode(),
    )
    return PendingRow(key=f"statement:C{n}:2026-12-01", kind="statement", mail=mail, now=NOW,
                      customer_id=None)  # fmt: skip


def test_rows_are_written_once_even_when_another_run_wrote_some_of_the_batch(svc):
    # Given another run already wrote row 2
    other = OutboxWriter(svc)
    other.add(row(2))
    other.flush()
    # When a writer with batches of 2 writes rows 1 to 5
    writer = OutboxWriter(svc, batch=2)
    for n in range(1, 6):
        writer.add(row(n))
    writer.flush()
    # Then it created 1, 3, 4 and 5, and every key is stored once
    with svc.sessions() as s:
        stored = dict(s.execute(select(m.OutboxMessage.key, m.OutboxMessage.id)).tuples().all())
    assert len(stored) == 5
    assert sorted(writer.queued) == sorted(
        stored[f"statement:C{n}:2026-12-01"] for n in (1, 3, 4, 5)
    )
    assert other.queued == [stored["statement:C2:2026-12-01"]]

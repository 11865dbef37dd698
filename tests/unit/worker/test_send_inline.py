"""A reply is delivered by the worker that wrote it, right after its commit; a failure hands it
to the outbound queue, and so does every reply for a while after one (worker.inline_send)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from ledger import models as m
from tests.fakes import services_on_ledger
from worker import inline_send, sending
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound
from worker.services import Services

LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-73001,C731,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,100.00
INV-73002,C731,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,200.00
INV-73003,C731,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,300.00
"""


@pytest.fixture(autouse=True)
def _not_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inline_send, "_inline_paused_until", 0.0)


def services(tmp_path: Path, database_url: str, **settings: object) -> Services:
    now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    return services_on_ledger(tmp_path, database_url, LEDGER, now=now, **settings)


def acknowledgement(svc: Services, n: int) -> int:
    raw = (
        "From: ap@acme-mfg.example\r\nTo: ar@arbox.example\r\nSubject: Payment\r\n"
        f"Message-ID: <inline{n}@acme-mfg.example>\r\n\r\nINV-7300{n} {n}00.00\r\n"
    ).encode()
    result = process_inbound(store_inbound(svc, raw, source="file").inbound_id, svc=svc)
    (outbox_id,) = result.outbox_ids
    return outbox_id


def status(svc: Services, outbox_id: int) -> tuple[str, int]:
    with svc.sessions() as s:
        row = s.execute(select(m.OutboxMessage).where(m.OutboxMessage.id == outbox_id)).scalar_one()
        return row.status, row.attempts


def test_a_reply_goes_out_from_the_worker_that_wrote_it(tmp_path, database_url):
    svc = services(tmp_path, database_url)
    queued: list[tuple[int, int | None]] = []
    outbox_id = acknowledgement(svc, 1)
    inline_send.send_now_or_queue(outbox_id, svc=svc, queue=lambda i, d: queued.append((i, d)))
    assert queued == []
    assert len(svc.mailer.sent) == 1  # type: ignore[union-attr]
    assert status(svc, outbox_id) == ("sent", 1)
    svc.engine.dispose()


def test_a_failed_try_queues_the_reply_and_the_next_ones_for_a_while(tmp_path, database_url):
    svc = services(tmp_path, database_url)
    svc.mailer.fail_next = 1  # type: ignore[union-attr]
    queued: list[tuple[int, int | None]] = []
    first, second = acknowledgement(svc, 1), acknowledgement(svc, 2)
    inline_send.send_now_or_queue(first, svc=svc, queue=lambda i, d: queued.append((i, d)))
    assert queued == [(first, sending.RETRY_FIRST_DELAY_MS)]
    assert status(svc, first) == ("pending", 1)  # the try is counted on the row
    # paused: the next reply is not tried here, though the relay would take it now
    inline_send.send_now_or_queue(second, svc=svc, queue=lambda i, d: queued.append((i, d)))
    assert queued[1] == (second, None)
    assert status(svc, second) == ("pending", 0)
    assert svc.mailer.sent == []  # type: ignore[union-attr]
    svc.engine.dispose()


def test_inline_sending_can_be_turned_off(tmp_path, database_url):
    svc = services(tmp_path, database_url, send_inline=False)
    queued: list[tuple[int, int | None]] = []
    outbox_id = acknowledgement(svc, 3)
    inline_send.send_now_or_queue(outbox_id, svc=svc, queue=lambda i, d: queued.append((i, d)))
    assert queued == [(outbox_id, None)]
    assert status(svc, outbox_id) == ("pending", 0)
    svc.engine.dispose()

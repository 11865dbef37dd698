"""The poller stores fetched mail in batches: one transaction per batch, all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ledger import models as m
from tests.fakes import services_on_ledger
from worker import poller
from worker.inbound.store import MailboxKey, store_many
from worker.mailbox import FetchedMessage

LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-74001,C741,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,100.00
"""


def raw(n: int, size: int = 0) -> bytes:
    return f"Message-ID: <b{n}@example.com>\r\n\r\nhello {n}\r\n{'x' * size}".encode()


def test_batches_are_bounded_by_count_and_bytes(monkeypatch):
    monkeypatch.setattr(poller, "STORE_BATCH", 3)
    monkeypatch.setattr(poller, "STORE_BATCH_BYTES", 1000)
    msgs = [FetchedMessage(uid=n, raw=raw(n)) for n in range(1, 8)]
    assert [[x.uid for x in b] for b in poller.store_batches(msgs)] == [[1, 2, 3], [4, 5, 6], [7]]
    big = [FetchedMessage(uid=1, raw=raw(1)), FetchedMessage(uid=2, raw=raw(2, 2000))]
    big.append(FetchedMessage(uid=3, raw=raw(3)))
    assert [[x.uid for x in b] for b in poller.store_batches(big)] == [[1], [2], [3]]
    assert list(poller.store_batches([])) == []


def test_a_batch_is_stored_all_or_nothing(tmp_path, database_url):
    from datetime import UTC, datetime

    svc = services_on_ledger(tmp_path, database_url, LEDGER, now=datetime(2026, 11, 22, tzinfo=UTC))
    keys = [MailboxKey("a", "INBOX", 1, n) for n in (1, 2, 3)]

    def fails(session):  # type: ignore[no-untyped-def]
        raise RuntimeError("the folder's position could not be recorded")

    with pytest.raises(RuntimeError):
        store_many(
            svc,
            [(raw(n), k) for n, k in zip((1, 2, 3), keys, strict=True)],
            source="imap",
            then=fails,
        )
    with svc.sessions() as s:
        assert s.execute(select(func.count(m.InboundMessage.id))).scalar_one() == 0
    ran: list[bool] = []
    stored = store_many(
        svc,
        [(raw(n), k) for n, k in zip((1, 2, 1), keys, strict=True)],  # the third is the first again
        source="imap",
        then=lambda session: ran.append(session.in_transaction()),
    )
    assert ran == [True]
    assert [s.created for s in stored] == [True, True, False]
    assert stored[0].inbound_id == stored[2].inbound_id
    with svc.sessions() as s:
        assert s.execute(select(func.count(m.InboundMessage.id))).scalar_one() == 2
        assert s.execute(select(func.count(m.MailboxMessage.id))).scalar_one() == 3
    svc.engine.dispose()

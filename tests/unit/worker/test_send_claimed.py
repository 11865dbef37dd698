"""The transaction that writes a reply claims its outbox row for the worker to send right
after the commit (worker.inline_send.claim_for_inline): one claiming transaction fewer per
reply, and the same lease a claim of its own takes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from ledger import models as m
from tests.unit.worker.test_send_inline import services, status
from worker import inline_send, sending
from worker.inbound.process import Processed, process_inbound
from worker.inbound.store import store_inbound
from worker.services import Services


@pytest.fixture(autouse=True)
def _not_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inline_send, "_inline_paused_until", 0.0)
    monkeypatch.setattr(inline_send, "_inline_failed", False)


def processed(svc: Services, n: int) -> Processed:
    raw = (
        "From: ap@acme-mfg.example\r\nTo: ar@arbox.example\r\nSubject: Payment\r\n"
        f"Message-ID: <claimed{n}@acme-mfg.example>\r\n\r\nINV-7300{n} {n}00.00\r\n"
    ).encode()
    inbound_id = store_inbound(svc, raw, source="file").inbound_id
    return process_inbound(inbound_id, svc=svc, claim_inline=True)


def lease(svc: Services, outbox_id: int):
    with svc.sessions() as s:
        return s.execute(
            select(m.OutboxMessage.claimed_until).where(m.OutboxMessage.id == outbox_id)
        ).scalar_one()


def test_the_reply_is_claimed_with_the_decision_and_sent_once(tmp_path, database_url):
    svc = services(tmp_path, database_url)
    result = processed(svc, 1)
    (claim,) = result.claims
    assert result.unclaimed() == ()
    assert claim.outbox_id == result.outbox_ids[0] and claim.attempts == 1
    assert claim.recipients == ("ap@acme-mfg.example",)
    # claimed in the decision's transaction: the lease a claim of its own would take
    until = svc.clock() + timedelta(seconds=sending.lease_seconds(svc.settings))
    assert lease(svc, claim.outbox_id) == until
    assert status(svc, claim.outbox_id) == ("pending", 1)
    # a second delivery (the outbound queue, the sweep) finds the lease and sends nothing
    held = sending.send_outbox(claim.outbox_id, svc=svc)
    assert held.held_for_ms is not None and svc.mailer.sent == []  # type: ignore[union-attr]
    queued: list[tuple[int, int | None]] = []
    inline_send.send_claimed(claim, svc=svc, queue=lambda i, d: queued.append((i, d)))
    assert queued == []
    assert len(svc.mailer.sent) == 1  # type: ignore[union-attr]
    assert status(svc, claim.outbox_id) == ("sent", 1)
    assert lease(svc, claim.outbox_id) is None
    svc.engine.dispose()


@pytest.mark.parametrize(
    ("paused", "setting"),
    [(True, {}), (False, {"send_inline": False}), (False, {"outbound_dry_run": True})],
    ids=["paused", "off", "dry-run"],
)
def test_nothing_is_claimed_when_sending_inline_is_paused_off_or_dry(
    tmp_path, database_url, monkeypatch, paused, setting
):
    svc = services(tmp_path, database_url, **setting)
    monkeypatch.setattr(inline_send, "_inline_failed", paused)
    result = processed(svc, 1)
    assert result.claims == () and result.unclaimed() == result.outbox_ids
    assert len(result.outbox_ids) == 1
    assert lease(svc, result.outbox_ids[0]) is None
    svc.engine.dispose()


def test_a_claim_made_before_a_pause_is_given_back_and_queued(tmp_path, database_url, monkeypatch):
    svc = services(tmp_path, database_url)
    (claim,) = processed(svc, 2).claims
    # another thread's try failed meanwhile: inline sending is paused
    monkeypatch.setattr(inline_send, "_inline_failed", True)
    monkeypatch.setattr(inline_send, "_inline_paused_until", float("inf"))
    queued: list[tuple[int, int | None]] = []
    inline_send.send_claimed(claim, svc=svc, queue=lambda i, d: queued.append((i, d)))
    assert queued == [(claim.outbox_id, None)]
    assert svc.mailer.sent == []  # type: ignore[union-attr]
    # the queue's delivery finds no lease to wait for: it sends at once
    assert lease(svc, claim.outbox_id) is None
    assert sending.send_outbox(claim.outbox_id, svc=svc).status == "sent"
    assert status(svc, claim.outbox_id) == ("sent", 2)
    svc.engine.dispose()


def test_a_failed_claimed_send_is_recorded_and_queued_with_its_delay(tmp_path, database_url):
    svc = services(tmp_path, database_url)
    svc.mailer.fail_next = 1  # type: ignore[union-attr]
    (claim,) = processed(svc, 3).claims
    queued: list[tuple[int, int | None]] = []
    inline_send.send_claimed(claim, svc=svc, queue=lambda i, d: queued.append((i, d)))
    assert queued == [(claim.outbox_id, sending.RETRY_FIRST_DELAY_MS)]
    assert status(svc, claim.outbox_id) == ("pending", 1)
    assert lease(svc, claim.outbox_id) is None
    assert inline_send._inline_failed  # the next replies go through the queue for a while
    svc.engine.dispose()

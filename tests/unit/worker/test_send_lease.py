"""A delivery holds no database lock while the SMTP server takes the mail: it claims the row
with a lease in one short transaction and records the outcome in another (worker.sending). A
second delivery of the row sends nothing while the lease runs, and sends it once the lease
ended without an outcome (the holder died). On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import OperationalError

from core.config import Settings
from ledger import models as m
from ledger.inbound_store import reenqueue_stale_outbox
from ledger.outbox_store import insert_outbox_row
from tests.fakes import RecordingMailer
from worker import inline_send, sending
from worker.inline_send import send_now_or_queue
from worker.sending import SendResult, send_outbox
from worker.services import Services

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
RAW = b"Message-ID: <r1@arbox.example>\r\nSubject: Re: Payment\r\n\r\nThank you.\r\n"
WAIT = 10.0  # seconds a step may take before the test calls it stuck


class BlockingMailer(RecordingMailer):
    """Says when a send began, then waits until released before the server 'accepts' it."""

    def __init__(self) -> None:
        super().__init__()
        self.began = threading.Event()
        self.release = threading.Event()

    def send(self, raw: bytes, *, sender: str, recipients: Sequence[str]) -> None:
        self.began.set()
        assert self.release.wait(WAIT), "the test never released the send"
        super().send(raw, sender=sender, recipients=recipients)


@pytest.fixture
def svc(database_url: str) -> Iterator[Services]:
    settings = Settings(database_url=database_url, ar_address="ar@arbox.example")
    base = Services.from_settings(settings, mailer=RecordingMailer())
    services = dataclasses.replace(base, clock=lambda: NOW)
    yield services
    services.engine.dispose()


def outbox_row(svc: Services, key: str = "ack:1") -> int:
    with svc.sessions.begin() as session:
        outbox_id = insert_outbox_row(
            session,
            key=key,
            kind="acknowledgement",
            message_id=f"<{key}@arbox.example>",
            sender="ar@arbox.example",
            recipients=["ap@acme-mfg.example"],
            subject="Re: Payment",
            raw=RAW,
            now=NOW,
        )
    assert outbox_id is not None
    return outbox_id


def with_mailer(svc: Services, mailer: RecordingMailer) -> Services:
    return dataclasses.replace(svc, mailer=mailer)


def at(svc: Services, when: datetime) -> Services:
    return dataclasses.replace(svc, clock=lambda: when)


def row(svc: Services, outbox_id: int) -> m.OutboxMessage:
    with svc.sessions() as session:
        found = session.get(m.OutboxMessage, outbox_id)
        assert found is not None
        return found


def in_thread(target, *args) -> tuple[threading.Thread, list[object]]:  # type: ignore[no-untyped-def]
    """Run ``target(*args)`` in a thread; its result or exception lands in the list."""
    out: list[object] = []

    def run() -> None:
        try:
            out.append(target(*args))
        except BaseException as e:
            out.append(e)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


def lease_end(svc: Services) -> datetime:
    return NOW + timedelta(seconds=sending.lease_seconds(svc.settings))


def test_another_transaction_writes_while_the_server_takes_the_mail(svc):
    mailer = BlockingMailer()
    sender = with_mailer(svc, mailer)
    outbox_id = outbox_row(svc)
    sending_thread, result = in_thread(lambda: send_outbox(outbox_id, svc=sender))
    assert mailer.began.wait(WAIT)

    # While the send is in progress, another transaction locks and writes the very row being
    # sent and adds another: on SQLite that needs the database's write lock
    def write() -> int:
        with svc.sessions.begin() as session:
            held = session.get(m.OutboxMessage, outbox_id, with_for_update=True)
            assert held is not None and held.claimed_until is not None
            held.enqueued_at = NOW
        return outbox_row(svc, key="ack:2")

    writer, written = in_thread(write)
    writer.join(WAIT)
    assert not writer.is_alive(), "a write waited for the SMTP server"
    assert isinstance(written[0], int)
    mailer.release.set()
    sending_thread.join(WAIT)
    assert result == [SendResult(outbox_id, "sent")]
    sent = row(svc, outbox_id)
    assert (sent.status, sent.attempts, sent.claimed_until) == ("sent", 1, None)


def test_two_deliveries_at_once_send_one_mail(svc):
    mailer = BlockingMailer()
    sender = with_mailer(svc, mailer)
    outbox_id = outbox_row(svc)
    start = threading.Barrier(2)

    def deliver() -> SendResult:
        start.wait(WAIT)
        return send_outbox(outbox_id, svc=sender)

    (first, out1), (second, out2) = in_thread(deliver), in_thread(deliver)
    assert mailer.began.wait(WAIT)
    # the one that did not claim the row returns while the other one's send is in progress
    deadline = time.monotonic() + WAIT
    while not (out1 or out2) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(out1) + len(out2) == 1
    mailer.release.set()
    first.join(WAIT)
    second.join(WAIT)
    results = sorted([*out1, *out2], key=lambda r: r.held_for_ms is not None)  # type: ignore[union-attr]
    assert results[0] == SendResult(outbox_id, "sent")
    assert results[1].status == "pending" and results[1].held_for_ms > 0  # type: ignore[union-attr]
    assert len(mailer.sent) == 1
    assert row(svc, outbox_id).attempts == 1


def test_a_delivery_that_finds_the_lease_running_sends_nothing_and_looks_again_after_it(svc):
    mailer = RecordingMailer()
    outbox_id = outbox_row(svc)
    # Given a delivery that claimed the row and died before sending
    claim = sending._claim(outbox_id, with_mailer(svc, mailer))
    assert isinstance(claim, sending.Claim) and claim.attempts == 1
    # When the job is delivered again while its lease runs: nothing is sent
    result = send_outbox(outbox_id, svc=with_mailer(svc, mailer))
    lease_ms = sending.lease_seconds(svc.settings) * 1000
    assert result == SendResult(outbox_id, "pending", held_for_ms=lease_ms)
    assert mailer.sent == []
    # and a reply delivered inline hands the row to the queue, to look again when it ends
    queued: list[tuple[int, int | None]] = []
    send_now_or_queue(outbox_id, svc=with_mailer(svc, mailer), queue=lambda *a: queued.append(a))
    assert queued == [(outbox_id, lease_ms)] and mailer.sent == []
    assert inline_send._inline_paused_until == 0.0  # another delivery's lease is no relay failure
    # Then, once the lease ended, a delivery sends it
    later = at(with_mailer(svc, mailer), lease_end(svc))
    assert send_outbox(outbox_id, svc=later) == SendResult(outbox_id, "sent")
    assert len(mailer.sent) == 1
    assert row(svc, outbox_id).attempts == 2


def test_the_sweep_leaves_a_held_row_and_finds_it_once_the_lease_ended(svc):
    outbox_id = outbox_row(svc)
    assert isinstance(sending._claim(outbox_id, svc), sending.Claim)
    end = lease_end(svc)

    def swept(now: datetime) -> list[int]:
        with svc.sessions.begin() as session:
            return reenqueue_stale_outbox(session, cutoff=now, now=now)

    assert swept(end - timedelta(seconds=1)) == []
    assert swept(end) == [outbox_id]


def test_a_crash_after_the_server_took_the_mail_sends_it_again_once_the_lease_ended(
    svc, monkeypatch
):
    mailer = RecordingMailer()
    outbox_id = outbox_row(svc)
    record = sending._record

    def crash(claim, status, error, services):  # type: ignore[no-untyped-def]
        raise RuntimeError("the worker died")

    # Given a server that took the mail and a worker that died before recording it
    monkeypatch.setattr(sending, "_record", crash)
    with pytest.raises(RuntimeError):
        send_outbox(outbox_id, svc=with_mailer(svc, mailer))
    monkeypatch.setattr(sending, "_record", record)
    assert (row(svc, outbox_id).status, len(mailer.sent)) == ("pending", 1)
    # When it is delivered again during the lease, nothing goes; after it, the same bytes go
    assert send_outbox(outbox_id, svc=with_mailer(svc, mailer)).held_for_ms is not None
    assert send_outbox(outbox_id, svc=at(with_mailer(svc, mailer), lease_end(svc))).status == (
        "sent"
    )
    assert [raw for _, _, raw in mailer.sent] == [RAW, RAW]
    assert row(svc, outbox_id).attempts == 2


def test_a_crash_before_the_server_took_the_mail_is_recorded_and_retried_at_once(svc):
    class Crashing(RecordingMailer):
        def send(self, raw: bytes, *, sender: str, recipients: Sequence[str]) -> None:
            raise ConnectionResetError("reset by peer")

    outbox_id = outbox_row(svc)
    with pytest.raises(ConnectionResetError):
        send_outbox(outbox_id, svc=with_mailer(svc, Crashing()))
    failed = row(svc, outbox_id)
    assert (failed.status, failed.attempts, failed.claimed_until) == ("pending", 1, None)
    assert failed.last_error == "ConnectionResetError: reset by peer"
    mailer = RecordingMailer()
    assert send_outbox(outbox_id, svc=with_mailer(svc, mailer)).status == "sent"
    assert len(mailer.sent) == 1


def test_a_database_hiccup_after_the_server_took_the_mail_is_retried_and_recorded(svc, monkeypatch):
    mailer = RecordingMailer()
    outbox_id = outbox_row(svc)
    record, failures = sending._record, [OperationalError("update", {}, Exception("locked"))]

    def flaky(*args):  # type: ignore[no-untyped-def]
        if failures:
            raise failures.pop()
        return record(*args)

    monkeypatch.setattr(sending, "_record", flaky)
    monkeypatch.setattr(sending, "FINISH_RETRY_WAITS", (0.0, 0.0, 0.0))
    assert send_outbox(outbox_id, svc=with_mailer(svc, mailer)).status == "sent"
    assert len(mailer.sent) == 1 and failures == []


def test_an_outcome_of_a_delivery_whose_lease_was_taken_over_is_not_recorded(svc):
    mailer = RecordingMailer()
    mailer.fail_next = 1
    outbox_id = outbox_row(svc)
    # Given a slow delivery whose lease ran out and a second delivery that claimed the row
    slow = sending._claim(outbox_id, with_mailer(svc, mailer))
    later = at(with_mailer(svc, mailer), lease_end(svc))
    second = sending._claim(outbox_id, later)
    assert isinstance(slow, sending.Claim) and isinstance(second, sending.Claim)
    # When the slow one's temporary failure comes in, the row stays the second's
    recorded = sending.finish(slow, sending.OutboxStatus.PENDING, "451 later", later)
    assert not recorded.written
    assert recorded.result.status == "pending" and recorded.result.held_for_ms is not None
    assert (row(svc, outbox_id).attempts, row(svc, outbox_id).last_error) == (2, None)
    # But a mail the slow one got accepted is recorded sent: no one is to send it again
    assert sending.finish(slow, sending.OutboxStatus.SENT, None, later).written
    assert sending.finish(second, sending.OutboxStatus.PENDING, "451", later).written is False
    assert row(svc, outbox_id).status == "sent"

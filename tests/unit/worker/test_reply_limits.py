"""The reply limits in the pipeline: the daily cap per recipient and the reply breaker, with a
SQLite file, a recording mailer and a clock the tests move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from core.config import Settings
from ledger import models as m
from ledger.imports import import_invoices
from outbound.compose import stable_message_id
from outbound.outbox import add_to_outbox
from outbound.peer_history import mails_sent_to_since
from tests.fakes import RecordingMailer
from worker.pipeline import process_inbound, store_inbound
from worker.sending import send_outbox
from worker.services import Services

LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-70001,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00
INV-70002,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,99.99
"""
T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def services(tmp_path: Path, database_url: str, **overrides) -> Services:
    settings = Settings(
        database_url=database_url,
        ar_address="ar@arbox.example",
        parse_isolation=False,
        **overrides,
    )
    base = Services.from_settings(settings, mailer=RecordingMailer())
    svc = Services(
        settings=settings,
        engine=base.engine,
        sessions=base.sessions,
        mailer=base.mailer,
        policy=base.policy,
        clock=Clock(),
    )
    csv = tmp_path / "ledger.csv"
    csv.write_text(LEDGER)
    with svc.sessions.begin() as session:
        import_invoices(session, csv, default_currency="USD", now=svc.clock())
    return svc


@pytest.fixture
def svc(tmp_path: Path, database_url: str):
    s = services(
        tmp_path,
        database_url,
        max_replies_per_sender_per_day=10,
        reply_breaker_mails=3,
        reply_breaker_minutes=60,
        reply_breaker_cooldown_minutes=240,
    )
    yield s
    s.engine.dispose()


def remittance(n: int, sender: str = "ap@acme-mfg.example") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = f"Payment {n}"
    msg["Message-ID"] = f"<pay{n}@acme-mfg.example>"
    msg.set_content("We paid:\nINV-70002 1.00\n")
    return msg.as_bytes()


def run(svc: Services, raw: bytes) -> int:
    """Process ``raw``; the number of mails arbox sent for it."""
    result = process_inbound(store_inbound(svc, raw, source="file").inbound_id, svc=svc)
    for outbox_id in result.outbox_ids:
        send_outbox(outbox_id, svc=svc)
    return len(result.outbox_ids)


def reply_loops(svc: Services) -> list[m.ReviewItem]:
    with svc.sessions() as s:
        return list(s.scalars(select(m.ReviewItem).where(m.ReviewItem.kind == "reply_loop")))


def test_a_peer_answered_three_times_within_the_hour_trips_the_breaker(svc):
    # Given a customer whose mails arbox answered three times in 30 minutes
    sent = []
    for n in range(3):
        sent.append(run(svc, remittance(n)))
        svc.clock.now += timedelta(minutes=10)
    assert sent == [1, 1, 1]
    # When a fourth mail arrives within the hour
    assert run(svc, remittance(3)) == 0
    # Then it is posted but not answered, and a person is told once
    (item,) = reply_loops(svc)
    assert item.status == "open"
    assert item.reason.startswith("ap@acme-mfg.example: reply loop: 3 mails")
    # And the breaker stays open for later mails, without a second review item
    svc.clock.now += timedelta(minutes=90)
    assert run(svc, remittance(4)) == 0
    assert len(reply_loops(svc)) == 1
    assert len(svc.mailer.sent) == 3


def test_replies_resume_after_the_cool_down(svc):
    for n in range(4):
        run(svc, remittance(n))
    assert len(reply_loops(svc)) == 1
    # When the cool-down (240 minutes) has passed
    svc.clock.now += timedelta(minutes=241)
    # Then the address is answered again
    assert run(svc, remittance(9)) == 1


def test_resolving_the_reply_loop_item_ends_the_cool_down(svc):
    for n in range(4):
        run(svc, remittance(n))
    (item,) = reply_loops(svc)
    with svc.sessions.begin() as s:
        s.get(m.ReviewItem, item.id).status = "resolved"
    # Past the breaker's window, so the old answers no longer count
    svc.clock.now += timedelta(minutes=61)
    assert run(svc, remittance(9)) == 1


def test_answers_spread_beyond_the_window_never_trip_the_breaker(svc):
    for n in range(6):
        assert run(svc, remittance(n)) == 1
        svc.clock.now += timedelta(minutes=31)  # at most two answers in any hour
    assert reply_loops(svc) == []


def test_the_daily_cap_counts_rows_with_several_recipients(svc):
    # Given a statement to two contacts queued earlier today
    msg = EmailMessage()
    msg["From"] = "ar@arbox.example"
    msg["To"] = "AP@acme-mfg.example, boss@acme-mfg.example"
    msg["Subject"] = "Statement"
    msg["Message-ID"] = stable_message_id("statement:C701", domain="arbox.example")
    msg.set_content("statement")
    with svc.sessions.begin() as s:
        add_to_outbox(s, key="statement:C701", kind="statement", message=msg, now=svc.clock())
    with svc.sessions() as s:
        since = svc.clock() - timedelta(days=1)
        # Then it counts for each of them, and for no one else
        assert mails_sent_to_since(s, "ap@acme-mfg.example", since=since) == 1
        assert mails_sent_to_since(s, "boss@acme-mfg.example", since=since) == 1
        assert mails_sent_to_since(s, "p@acme-mfg.example", since=since) == 0
        assert mails_sent_to_since(s, "_p@acme-mfg.example", since=since) == 0


def test_the_daily_cap_stops_replies_until_a_day_has_passed(tmp_path, database_url):
    svc = services(tmp_path, database_url, max_replies_per_sender_per_day=2, reply_breaker_mails=0)
    try:
        sent = [run(svc, remittance(n)) for n in range(4)]
        assert sent == [1, 1, 0, 0]
        svc.clock.now += timedelta(days=1, seconds=1)
        assert run(svc, remittance(5)) == 1
        assert reply_loops(svc) == []  # the breaker is off
    finally:
        svc.engine.dispose()

"""The reply limits in the pipeline: the daily cap per recipient and the reply breaker, with a
SQLite file, a recording mailer and a clock the tests move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from core.config import Settings
from ledger import models as m
from ledger.imports import import_invoices
from ledger.peer_reads import mails_sent_to_since
from outbound.compose import stable_message_id
from outbound.outbox import add_to_outbox
from tests.fakes import RecordingMailer
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound
from worker.sending import send_outbox
from worker.services import Services

LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-70001,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00
INV-70002,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,99.99
"""
T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def services(tmp_path: Path, database_url: str, ledger: str = LEDGER, **overrides) -> Services:
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
    csv.write_text(ledger)
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


def remittance(n: int, sender: str = "ap@acme-mfg.example", *, body: str | None = None) -> bytes:
    """A fresh remittance of a person: its own subject, Message-ID and amount."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = f"Payment {n}"
    msg["Message-ID"] = f"<pay{n}@acme-mfg.example>"
    msg.set_content(body or f"We paid:\nINV-70002 {n + 1}.00\n")
    return msg.as_bytes()


def answer_to_our_last_mail(svc: Services, n: int, *, subject_only: bool = False) -> bytes:
    """What a peer that answers our mails sends: threaded on the last mail arbox sent it
    (or only its subject with Re:), its own words different each time, our mail quoted."""
    ours = message_from_bytes(svc.mailer.sent[-1][2], policy=policy.default)
    msg = EmailMessage()
    msg["From"] = "ap@acme-mfg.example"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = f"Re: {ours['Subject']}"
    msg["Message-ID"] = f"<answer{n}@acme-mfg.example>"
    if not subject_only:
        msg["In-Reply-To"] = ours["Message-ID"]
        msg["References"] = f"{ours.get('References', '')} {ours['Message-ID']}".strip()
    quoted = "\n".join(f"> {line}" for line in ours.get_body(("plain",)).get_content().splitlines())
    msg.set_content(f"Noted, thanks ({n}). We paid:\nINV-70002 {n + 1}.00\n\n{quoted}\n")
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


def start_a_loop(svc: Services) -> list[int]:
    """A customer's remittance, then a peer answering each of our replies a minute later
    until arbox stops answering; the mails arbox sent for each mail."""
    sent = [run(svc, remittance(0))]
    for n in range(1, 6):
        svc.clock.now += timedelta(minutes=1)
        sent.append(run(svc, answer_to_our_last_mail(svc, n)))
        if sent[-1] == 0:
            break
    return sent


def test_distinct_mails_of_a_person_within_the_hour_are_all_answered(svc):
    # Given a customer who writes six different remittances in half an hour
    sent = []
    for n in range(6):
        sent.append(run(svc, remittance(n)))
        svc.clock.now += timedelta(minutes=5)
    # Then every one is answered (the daily cap of 10 is the limit) and no loop is reported
    assert sent == [1] * 6
    assert reply_loops(svc) == []


def test_the_demo_customer_who_asks_promises_and_pays_within_the_hour_is_answered_each_time(
    tmp_path, database_url
):
    # Given the demo's ledger and Dunmore's mails of the demo (issue 17: the fourth got a
    # reply_loop item and nothing more for a day), every breaker setting at its default
    demo = services(
        tmp_path, database_url, ledger=(FIXTURES / "ledgers" / "demo_invoices.csv").read_text()
    )
    mails = [
        "other_statement_request",
        "other_promise_to_pay",
        "remittance_unknown_ref",
        "remittance_overpay",
    ]
    try:
        sent = []
        for name in mails:
            sent.append(run(demo, (FIXTURES / "emails" / f"{name}.eml").read_bytes()))
            demo.clock.now += timedelta(minutes=10)
        # Then each gets its answer and no loop is reported
        assert sent == [1, 1, 1, 1]
        assert reply_loops(demo) == []
        assert {to for _, (to,), _ in demo.mailer.sent} == {"accounts@dunmore-logistics.example"}
    finally:
        demo.engine.dispose()


def test_a_peer_answering_each_of_our_replies_trips_the_breaker_on_its_third_answer(svc):
    # Given a remittance, answered; then answers to our answers, each threaded on our last
    sent = start_a_loop(svc)
    # Then its first two answers are answered and the third trips the breaker
    assert sent == [1, 1, 1, 0]
    (item,) = reply_loops(svc)
    assert item.status == "open"
    assert item.reason.startswith(
        "ap@acme-mfg.example: reply loop: 3 mails from this address answered our replies"
    )
    assert "(this one: answers our reply <arbox." in item.reason
    # And the breaker stays open for later mails, even a person's, without a second item
    svc.clock.now += timedelta(minutes=90)
    assert run(svc, remittance(8)) == 0
    assert len(reply_loops(svc)) == 1
    assert len(svc.mailer.sent) == 3


def test_answers_that_keep_only_our_subject_are_answers_too(svc):
    sent = [run(svc, remittance(0))]
    for n in range(1, 4):
        svc.clock.now += timedelta(minutes=1)
        sent.append(run(svc, answer_to_our_last_mail(svc, n, subject_only=True)))
    assert sent == [1, 1, 1, 0]
    (item,) = reply_loops(svc)
    assert "its subject with Re:" in item.reason


def test_the_same_mail_three_times_within_the_hour_trips_the_breaker(svc):
    # Given one text sent again and again under new subjects and Message-IDs
    same = "We paid:\nINV-70002 1.00\n"
    sent = []
    for n in range(3):
        sent.append(run(svc, remittance(n, body=same)))
        svc.clock.now += timedelta(minutes=10)
    # Then the third is not answered and a person is told
    assert sent == [1, 1, 0]
    (item,) = reply_loops(svc)
    assert "3 mails from this address" in item.reason
    assert "(this one: the same text as mail 1)" in item.reason


def test_replies_resume_after_the_cool_down(svc):
    start_a_loop(svc)
    assert len(reply_loops(svc)) == 1
    # When the cool-down (240 minutes) has passed
    svc.clock.now += timedelta(minutes=241)
    # Then the address is answered again
    assert run(svc, remittance(9)) == 1


def test_resolving_the_reply_loop_item_ends_the_cool_down(svc):
    start_a_loop(svc)
    (item,) = reply_loops(svc)
    with svc.sessions.begin() as s:
        s.get(m.ReviewItem, item.id).status = "resolved"
    assert run(svc, remittance(9)) == 1


def test_answers_spread_beyond_the_window_never_trip_the_breaker(svc):
    assert run(svc, remittance(0)) == 1
    for n in range(1, 6):
        svc.clock.now += timedelta(minutes=31)  # at most two answers in any hour
        assert run(svc, answer_to_our_last_mail(svc, n)) == 1
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

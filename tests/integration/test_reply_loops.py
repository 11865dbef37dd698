"""Ping-pong on loopback: arbox's acknowledgements go over real SMTP to an auto-responder
(aiosmtpd on 127.0.0.1) that answers every mail with a new remittance-looking reply and no
Auto-Submitted header (the worst case). Each reply goes back into arbox through the same
pipeline (store_inbound + process_inbound). The exchange must stop, and how soon is counted."""

from __future__ import annotations

import queue
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from core.config import Settings
from ledger import models as m
from ledger.imports import import_invoices
from tests.conftest import migrated_sqlite
from worker.dev.embedded import free_port
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound
from worker.sending import send_outbox
from worker.services import Services

pytestmark = [pytest.mark.integration, pytest.mark.smtp]

LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-70002,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,99.99
"""
#: A hard stop for the test itself, far above any bound arbox must keep.
MAX_ROUNDS = 60


class AutoResponder:
    """Answers every mail it receives, as a badly configured vacation responder would: a new
    Message-ID, threaded on ours, a remittance line in the body, and ``auto_submitted``
    decides whether it admits to being automatic (RFC 3834) or not."""

    def __init__(self, *, auto_submitted: str | None) -> None:
        self.auto_submitted = auto_submitted
        self.replies: queue.Queue[bytes] = queue.Queue()
        self.received = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        ours = message_from_bytes(envelope.content, policy=policy.default)
        self.received += 1
        reply = EmailMessage()
        reply["From"] = envelope.rcpt_tos[0]
        reply["To"] = envelope.mail_from
        reply["Subject"] = f"Re: {ours['Subject']}"
        reply["Message-ID"] = f"<auto{self.received}@acme-mfg.example>"
        reply["In-Reply-To"] = ours["Message-ID"]
        reply["References"] = f"{ours.get('References', '')} {ours['Message-ID']}".strip()
        if self.auto_submitted:
            reply["Auto-Submitted"] = self.auto_submitted
        quoted = "\n".join(f"> {line}" for line in ours.get_content().splitlines())
        reply.set_content(f"Thank you. We paid:\nINV-70002 1.00\n\n{quoted}\n")
        self.replies.put(reply.as_bytes())
        return "250 OK"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def responder_factory():
    from aiosmtpd.controller import Controller

    controllers = []

    def start(*, auto_submitted: str | None = None) -> tuple[AutoResponder, int]:
        handler = AutoResponder(auto_submitted=auto_submitted)
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return handler, port

    yield start
    for controller in controllers:
        controller.stop()


def arbox(tmp_path: Path, port: int, **overrides) -> Services:
    # Each mail pays 1.00 of a 99.99 invoice, so the loop can go on: part payments, posted
    # here as before ARBOX_MAX_DEDUCTION_SHARE (tested in tests/unit/matching).
    overrides.setdefault("max_deduction_share", "1.00")
    settings = Settings(
        database_url=migrated_sqlite(tmp_path / "ledger.db"),
        ar_address="ar@arbox.example",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_tls="none",
        parse_isolation=False,
        **overrides,
    )
    base = Services.from_settings(settings)
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


def first_remittance() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Acme AP <ap@acme-mfg.example>"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Payment"
    msg["Message-ID"] = "<first@acme-mfg.example>"
    msg.set_content("We paid:\nINV-70002 1.00\n")
    return msg.as_bytes()


def play(svc: Services, responder: AutoResponder, *, minutes_per_round: float) -> tuple[int, int]:
    """Run the exchange until it stops: (mails into arbox, mails arbox sent)."""
    responder.replies.put(first_remittance())
    into = out = 0
    for _ in range(MAX_ROUNDS):
        try:
            raw = responder.replies.get_nowait()
        except queue.Empty:
            break
        into += 1
        result = process_inbound(store_inbound(svc, raw, source="file").inbound_id, svc=svc)
        for outbox_id in result.outbox_ids:
            # The responder's reply is queued before the server's 250 reaches us
            assert send_outbox(outbox_id, svc=svc).status == "sent"
            out += 1
        svc.clock.now += timedelta(minutes=minutes_per_round)
    else:
        pytest.fail(f"the exchange did not stop within {MAX_ROUNDS} rounds")
    return into, out


def reply_loop_items(svc: Services) -> list[str]:
    with svc.sessions() as s:
        return list(s.scalars(select(m.ReviewItem.reason).where(m.ReviewItem.kind == "reply_loop")))


def test_the_breaker_stops_a_responder_that_answers_every_mail(tmp_path, responder_factory):
    # Given a responder that answers everything, a cap of 5 a day and a breaker of 3 an hour
    responder, port = responder_factory()
    svc = arbox(
        tmp_path,
        port,
        max_replies_per_sender_per_day=5,
        reply_breaker_mails=3,
        reply_breaker_minutes=60,
    )
    # When the first remittance arrives and every mail is answered a minute later
    into, out = play(svc, responder, minutes_per_round=1)
    # Then arbox answers three times, the responder three times, and the fourth mail trips
    # the breaker: seven mails in all, and a person is told
    assert (into, out) == (4, 3)
    assert responder.received == 3
    (reason,) = reply_loop_items(svc)
    assert "ap@acme-mfg.example: reply loop: 3 mails from this address answered" in reason


def test_without_the_breaker_the_daily_cap_bounds_the_exchange(tmp_path, responder_factory):
    responder, port = responder_factory()
    svc = arbox(tmp_path, port, max_replies_per_sender_per_day=5, reply_breaker_mails=0)
    into, out = play(svc, responder, minutes_per_round=1)
    assert (into, out) == (6, 5)
    assert reply_loop_items(svc) == []


def test_a_slow_responder_is_still_bounded_by_the_cap(tmp_path, responder_factory):
    # Given answers two hours apart (the breaker's hour never holds three of them)
    responder, port = responder_factory()
    svc = arbox(
        tmp_path,
        port,
        max_replies_per_sender_per_day=5,
        reply_breaker_mails=3,
        reply_breaker_minutes=60,
    )
    into, out = play(svc, responder, minutes_per_round=120)
    # Then the cap stops it after five answers in the day, and no loop is reported
    assert (into, out) == (6, 5)
    assert reply_loop_items(svc) == []


def test_a_responder_that_says_auto_submitted_is_never_answered(tmp_path, responder_factory):
    responder, port = responder_factory(auto_submitted="auto-replied")
    svc = arbox(tmp_path, port)
    into, out = play(svc, responder, minutes_per_round=1)
    assert (into, out) == (2, 1)  # our acknowledgement, its auto-reply, nothing more
    with svc.sessions() as s:
        statuses = list(s.scalars(select(m.InboundMessage.status).order_by(m.InboundMessage.id)))
    assert statuses == ["applied", "ignored"]

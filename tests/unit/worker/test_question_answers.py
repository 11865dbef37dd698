"""Questions through the pipeline with automatic replies on (issue 17): a reference written
shorter than our number, a question the reader is unsure of, a dispute's review item."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from core.config import Settings
from ledger import models as m
from ledger.imports import import_invoices
from tests.fakes import RecordingMailer
from worker.inbound import process
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound
from worker.services import Services

LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
NW-061408,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00
NW-061409,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,99.99
SO-0077123,C801,Borealis Foods Ltd,payables@borealis.example,2026-10-05,2026-11-04,10.00
"""
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def svc(tmp_path: Path, database_url: str) -> Services:
    settings = Settings(
        database_url=database_url,
        ar_address="ar@arbox.example",
        auto_reply_kinds="all",
        intent_min_confidence=0.5,
    )
    base = Services.from_settings(settings, mailer=RecordingMailer())
    services = Services(
        settings=settings,
        engine=base.engine,
        sessions=base.sessions,
        mailer=base.mailer,
        policy=base.policy,
        clock=lambda: NOW,
    )
    csv = tmp_path / "ledger.csv"
    csv.write_text(LEDGER)
    with services.sessions.begin() as session:
        import_invoices(session, csv, default_currency="USD", now=NOW)
    yield services
    services.engine.dispose()


def mail(body: str, *, sender: str = "ap@acme-mfg.example", subject: str = "Hello") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = subject
    msg["Message-ID"] = "<q1@acme-mfg.example>"
    msg["Date"] = "Sun, 22 Nov 2026 08:00:00 +0000"
    msg.set_content(body)
    return msg.as_bytes()


def run(svc: Services, raw: bytes) -> process.Processed:
    stored = store_inbound(svc, raw, source="file")
    return process_inbound(stored.inbound_id, svc=svc)


def outbox(svc: Services) -> list[m.OutboxMessage]:
    with svc.sessions() as s:
        return list(s.execute(select(m.OutboxMessage).order_by(m.OutboxMessage.id)).scalars())


def review_items(svc: Services) -> list[m.ReviewItem]:
    with svc.sessions() as s:
        return list(s.execute(select(m.ReviewItem).order_by(m.ReviewItem.id)).scalars())


def attachments(row: m.OutboxMessage) -> list[str]:
    msg = message_from_bytes(row.raw, policy=policy.default)
    return [part.get_filename() or "" for part in msg.iter_attachments()]


def test_issue_17_a_copy_request_for_61408_is_answered_with_the_pdf_of_nw_061408(svc):
    # Given a registered contact asking for "invoice 61408", whose only fit is NW-061408
    result = run(svc, mail("Hi, could you send me a copy of invoice 61408? Thanks"))
    # Then the PDF of NW-061408 is queued for the contact and nothing waits for a person
    (reply,) = outbox(svc)
    assert reply.kind == "invoice_copy"
    assert reply.recipients == "ap@acme-mfg.example"
    assert any("NW-061408" in name for name in attachments(reply))
    assert result.status == "applied"
    assert review_items(svc) == []


def test_a_short_reference_that_fits_only_another_customers_invoice_names_nothing(svc):
    # Given Acme asking for "77123", which is Borealis's SO-0077123
    result = run(svc, mail("Please send a copy of invoice 77123."))
    # Then nothing about that invoice goes out: the reply that reveals nothing, and a person
    (reply,) = outbox(svc)
    assert reply.kind == "request_received"
    (item,) = review_items(svc)
    assert item.kind == "invoice_copy_request"
    assert item.candidates == []
    assert result.status == "review"


def test_a_question_below_the_confidence_threshold_goes_to_a_person(svc):
    # Given a mail whose only cue is a word with other uses ("balance", with a request)
    # and a threshold above what that scores
    svc = Services(
        settings=svc.settings.model_copy(update={"intent_min_confidence": 0.9}),
        engine=svc.engine,
        sessions=svc.sessions,
        mailer=svc.mailer,
        policy=svc.policy,
        clock=svc.clock,
    )
    result = run(svc, mail("Could you confirm our balance?"))
    # Then no balance is told: the reply that reveals nothing, and a review item saying why
    (reply,) = outbox(svc)
    assert reply.kind == "request_received"
    (item,) = review_items(svc)
    assert item.kind == "balance_inquiry"
    assert "unsure what is asked (confidence" in item.reason
    assert result.status == "review"


def test_the_same_question_above_the_threshold_is_answered(svc):
    run(svc, mail("Could you confirm our balance?"))
    (reply,) = outbox(svc)
    assert reply.kind == "balance"
    assert review_items(svc) == []


def test_issue_17_a_dispute_names_the_invoice_in_its_review_item(svc):
    # Given the dispute of issue 17 naming the invoice as "61408"
    body = (
        "Invoice 61408: you charged us for 20 cartons but 16 arrived; please send a credit "
        "note, we are holding payment until then."
    )
    result = run(svc, mail(body))
    # Then a dispute item names the customer's invoice and offers it as the candidate
    (item,) = [i for i in review_items(svc) if i.kind == "dispute"]
    assert "invoices: 61408 (NW-061408)" in item.reason
    assert item.candidates == [{"invoice_number": "NW-061408", "score": "1.000"}]
    assert result.status == "review"
    assert [row.kind for row in outbox(svc)] == ["dispute_ack"]

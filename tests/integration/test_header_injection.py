"""Header injection end to end (CVE-2024-6923 on this Python 3.11.7): hostile remittances go
through the worker's pipeline (parse in the child process, post, acknowledge) and out over real
SMTP (aiosmtpd on 127.0.0.1). What the sink received must have exactly one envelope recipient,
exactly our headers and threading on the inbound mail's real ids."""

from __future__ import annotations

import base64
from email import message_from_bytes, policy
from email.utils import getaddresses
from pathlib import Path

import pytest
from sqlalchemy import update

from core.config import Settings
from ledger import models as m
from ledger.imports import import_invoices
from tests.conftest import migrated_sqlite
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound
from worker.sending import send_outbox
from worker.services import Services

pytestmark = [pytest.mark.integration, pytest.mark.smtp]

LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-70002,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,99.99
"""
CUSTOMER = "ap@acme-mfg.example"
OUR_HEADERS = {
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "auto-submitted",
    "x-auto-response-suppress",
    "content-type",
    "content-transfer-encoding",
    "mime-version",
}


def b64(text: str) -> str:
    return f"=?utf-8?b?{base64.b64encode(text.encode()).decode()}?="


#: Subjects as they stand in the raw inbound header.
SUBJECTS = {
    "encoded LF": "=?utf-8?q?x=0ABcc:_evil@x.example?=",
    "encoded CRLF": "=?utf-8?q?Payment=0D=0ACc:_evil2@x.example?=",
    "U+2028 in base64": b64("Payment\u2028Bcc: evil3@x.example"),
    "double-encoded": "=?utf-8?q?=3D=3Futf-8=3Fq=3Fx=3D0ABcc:_evil4=40x.example=3F=3D?=",
    "very long": " ".join(["=?utf-8?q?Remittance=0ABcc:_evil5@x.example?="] * 120),
}


def hostile_remittance(n: int, subject: str) -> bytes:
    return (
        # An encoded line break or another address in the display name makes the sender
        # unknown (issue 19, parsers.sender; tests/hostile_corpus.py): this one is odd but no
        # injection, so the mail is the contact's and its acknowledgement is what is checked.
        "From: =?utf-8?q?Acme_AP_Bcc=3A_evil6?= <ap@acme-mfg.example>\r\n"
        "To: ar@arbox.example\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <m{n}@acme-mfg.example> =?utf-8?q?=0ABcc:_evil7@x.example?=\r\n"
        "References: <r1@acme-mfg.example> =?utf-8?q?=0D=0ABcc:_evil8@x.example?=\r\n"
        "\tBcc: evil9@x.example\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "We paid:\r\nINV-70002 99.99\r\n"
    ).encode()


@pytest.fixture
def svc(tmp_path: Path, smtp_sink):
    settings = Settings(
        database_url=migrated_sqlite(tmp_path / "ledger.db"),
        ar_address="ar@arbox.example",
        company_name="Example Supplies =?utf-8?q?x=0ABcc:_evil10@x.example?=\r\nBcc: e@x",
        smtp_host=smtp_sink.host,
        smtp_port=smtp_sink.port,
        smtp_tls="none",
        max_replies_per_sender_per_day=100,
        reply_breaker_mails=0,
    )
    services = Services.from_settings(settings)
    csv = tmp_path / "ledger.csv"
    csv.write_text(LEDGER)
    with services.sessions.begin() as session:
        import_invoices(session, csv, default_currency="USD", now=services.clock())
        # A customer name from the database with a line break and an encoded newline
        session.execute(
            update(m.Customer).values(
                name="Acme\r\nBcc: evil11@x.example =?utf-8?q?=0ABcc:_evil12@x.example?="
            )
        )
    yield services
    services.engine.dispose()


@pytest.mark.parametrize(("n", "label"), list(enumerate(SUBJECTS)), ids=list(SUBJECTS))
def test_hostile_headers_never_add_a_recipient_or_a_header(svc, smtp_sink, n, label):
    # Given a remittance whose subject, display name, Message-ID and References are hostile
    raw = hostile_remittance(n, SUBJECTS[label])
    # When the worker processes it and sends the acknowledgement over SMTP
    result = process_inbound(store_inbound(svc, raw, source="file").inbound_id, svc=svc)
    assert result.status == "applied"
    (outbox_id,) = result.outbox_ids
    assert send_outbox(outbox_id, svc=svc).status == "sent"
    # Then the server was asked to deliver to the customer and no one else
    (received,) = smtp_sink.messages()
    assert received.rcpt_tos == (CUSTOMER,)
    assert received.mail_from == "ar@arbox.example"
    # And the bytes parse back with exactly our headers, each once, one recipient
    parsed = message_from_bytes(received.raw, policy=policy.default)
    assert sorted(name.lower() for name in parsed) == sorted(OUR_HEADERS)
    fields = [str(v) for k in ("To", "Cc", "Bcc", "Resent-To") for v in parsed.get_all(k, [])]
    assert [addr for _, addr in getaddresses(fields)] == [CUSTOMER]
    header_block = received.raw.split(b"\r\n\r\n", 1)[0]
    for line in header_block.split(b"\r\n"):
        assert not line.lower().startswith((b"bcc", b"cc:", b"resent-")), line
    # And the reply threads on the inbound mail's real ids only
    assert parsed["In-Reply-To"] == f"<m{n}@acme-mfg.example>"
    assert parsed["References"] == f"<r1@acme-mfg.example> <m{n}@acme-mfg.example>"
    assert parsed["Subject"].startswith("Re: ")
    assert str(parsed["From"]).endswith("<ar@arbox.example>")

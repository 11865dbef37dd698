"""Who a mail is from, in the worker (issue 19, finding 8): a malformed From is nobody's, and
with ARBOX_REQUIRE_DMARC_PASS a registered contact's mail that did not pass DMARC at our mail
server is a stranger's: no customer from the address, no account data in any reply."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from core.config import Settings
from core.types import ParsedEmail
from ledger import models as m
from ledger.imports import import_invoices
from parsers.mime import parse_email
from tests.conftest import migrated_sqlite
from tests.fakes import RecordingMailer
from worker.inbound.process import process_inbound
from worker.inbound.sender_check import check_sender
from worker.inbound.store import store_inbound
from worker.services import Services, utc_now

LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-80001,C801,Borealis Foods Ltd,payables@borealis.example,2026-10-05,2026-11-04,10.00
INV-80002,C801,Borealis Foods Ltd,payables@borealis.example,2026-10-06,2026-11-05,20.00
"""
CONTACT = "payables@borealis.example"
OURS = "mx.arbox.example"
PASS = f"{OURS}; spf=pass smtp.mailfrom=borealis.example; dmarc=pass header.from=borealis.example"
FAIL = f"{OURS}; spf=fail smtp.mailfrom=evil.test; dmarc=fail header.from=borealis.example"


def mail(body: str, *, auth: str | None, sender: str = CONTACT, mid: str = "m1") -> bytes:
    msg = EmailMessage()
    if auth is not None:
        msg["Authentication-Results"] = auth
    msg["From"] = sender
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Payment"
    msg["Message-ID"] = f"<{mid}@borealis.example>"
    msg.set_content(body)
    return msg.as_bytes()


def parsed(auth: str | None, sender: str = CONTACT) -> ParsedEmail:
    return parse_email(mail("hello", auth=auth, sender=sender))


@pytest.mark.parametrize(
    ("require", "authserv_id", "auth", "verified"),
    [
        (False, None, None, True),  # the default: the address stands for the sender
        (False, OURS, FAIL, True),
        (True, OURS, PASS, True),
        (True, None, PASS, True),
        (True, OURS, FAIL, False),
        (True, OURS, None, False),  # nothing said is no pass
        (True, OURS, PASS.replace(OURS, "evil.test"), False),  # stamped by someone else
        (True, OURS, PASS.replace("header.from=borealis", "header.from=other"), False),
        (True, OURS, PASS.replace("dmarc=pass", "dmarc=temperror"), False),
    ],
)
def test_check_sender(require, authserv_id, auth, verified) -> None:
    settings = Settings(require_dmarc_pass=require, authserv_id=authserv_id)
    check = check_sender(parsed(auth), settings)
    assert check.verified is verified
    assert verified or check.reason


def test_a_malformed_from_is_never_verified() -> None:
    check = check_sender(parsed(PASS, sender=f"{CONTACT} <attacker@evil.test>"), Settings())
    assert not check.verified
    assert "malformed" in check.reason


def services(tmp_path: Path, **overrides: object) -> Services:
    settings = Settings(
        database_url=migrated_sqlite(tmp_path / "arbox.db"),
        ar_address="ar@arbox.example",
        parse_isolation=False,
        authserv_id=OURS,
        **overrides,
    )
    svc = Services.from_settings(settings, mailer=RecordingMailer())
    (tmp_path / "ledger.csv").write_text(LEDGER)
    with svc.sessions.begin() as session:
        import_invoices(session, tmp_path / "ledger.csv", default_currency="USD", now=utc_now())
    return svc


def run(svc: Services, raw: bytes) -> tuple[m.InboundMessage, list[m.OutboxMessage]]:
    stored = store_inbound(svc, raw, source="file")
    process_inbound(stored.inbound_id, svc=svc)
    with svc.sessions() as session:
        row = session.get(m.InboundMessage, stored.inbound_id)
        out = list(session.scalars(select(m.OutboxMessage).order_by(m.OutboxMessage.id)))
        items = list(session.scalars(select(m.ReviewItem)))
        session.expunge_all()
    run.items = items  # type: ignore[attr-defined]
    return row, out


@pytest.fixture
def strict(tmp_path: Path) -> Services:
    svc = services(tmp_path, require_dmarc_pass=True)
    yield svc
    svc.engine.dispose()


def test_a_contact_passing_dmarc_is_the_contact(strict) -> None:
    row, out = run(strict, mail("Hi, what is our current balance? Thanks", auth=PASS))
    assert row.customer_id is not None
    assert [o.kind for o in out] == ["balance"]
    assert out[0].recipients == CONTACT


def test_issue_19_a_contact_failing_dmarc_asks_as_a_stranger(strict) -> None:
    """https://github.com/arbox/arbox/issues/19 (finding 8): a forged contact's address."""
    row, out = run(strict, mail("Hi, what is our current balance? Thanks", auth=FAIL))
    # Then the mail is nobody's, the answer reveals nothing and a person looks
    assert row.customer_id is None
    assert [o.kind for o in out] == ["request_received"]
    (item,) = [i for i in run.items if i.kind == "unverified_sender"]  # type: ignore[attr-defined]
    assert "DMARC did not pass: dmarc=fail for borealis.example" in item.reason


def test_a_contact_failing_dmarc_gets_no_acknowledgement_naming_invoices(strict) -> None:
    _, out = run(strict, mail("INV-80001 10.00\nINV-80002 20.00\n", auth=FAIL))
    assert [o.kind for o in out if o.kind != "request_received"] == []
    with strict.sessions() as session:
        lines = list(session.scalars(select(m.RemittanceLine)))
    # a stranger's lines, not a contact's: they wait for the bank or a person (issue 19)
    assert lines and all(line.outcome == "held" for line in lines)
    assert not any("sender is a registered contact" in line.reason for line in lines)


def test_a_contacts_balance_is_answered_without_the_setting(tmp_path) -> None:
    svc = services(tmp_path)
    try:
        row, out = run(svc, mail("Hi, what is our current balance? Thanks", auth=FAIL))
    finally:
        svc.engine.dispose()
    assert row.customer_id is not None
    assert [o.kind for o in out] == ["balance"]


def test_a_from_naming_a_contact_in_its_name_is_nobodys(tmp_path) -> None:
    svc = services(tmp_path)
    try:
        row, out = run(
            svc,
            mail(
                "Hi, what is our current balance? Thanks",
                auth=PASS,
                sender=f"{CONTACT} <attacker@evil.test>",
            ),
        )
    finally:
        svc.engine.dispose()
    assert row.from_address is None
    assert row.customer_id is None
    assert out == []  # no address to answer at all

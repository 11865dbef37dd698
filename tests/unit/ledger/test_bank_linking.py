"""Bank statements into the ledger and payments tied to remittances, on SQLite and
PostgreSQL: idempotent imports, linking in both orders, ambiguity, apply-on-bank, the bank's
own remittance text, and statements that arrive by mail."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import UTC, datetime
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.config import Settings
from core.errors import RefusedActionError
from ledger import models as m
from ledger.imports import import_invoices
from parsers.bank import BankStatementError
from tests.fakes import RecordingMailer
from worker.bank.importing import BankImport, import_bank_file
from worker.bank.linking import confirm_link
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound
from worker.services import Services

LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-70001,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00
INV-70002,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,99.99
INV-80001,C801,Borealis Foods Ltd,payables@borealis.example,2026-10-05,2026-11-04,10.00
"""


def camt(
    *entries: tuple[str, str, str | None, str],
    sid: str = "ST-1",
    opening: str = "0.00",
    closing: str | None = None,
) -> bytes:
    """A camt.053 with credits ``(amount, remittance text, payer name, value date)``; the
    closing balance adds up unless ``closing`` is given."""
    total = closing or sum((Decimal(a) for a, _, _, _ in entries), start=Decimal(opening))
    ntry = "".join(
        f"""<Ntry><Amt Ccy="USD">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>
        <NtryDtls><TxDtls><RltdPties><Dbtr><Nm>{payer or ""}</Nm></Dbtr></RltdPties>
        <RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"""
        for amount, text, payer, day in entries
    )
    return f"""<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M</MsgId></GrpHdr><Stmt><Id>{sid}</Id>
<Acct><Id><IBAN>US00ARBOX0001</IBAN></Id><Ccy>USD</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="USD">{opening}</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-20</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="USD">{total}</Amt>
<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-24</Dt></Dt></Bal>
{ntry}</Stmt></BkToCstmrStmt></Document>""".encode()


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def services(database_url: str, tmp_path: Path, **settings: object) -> Services:
    config = Settings(
        database_url=database_url,
        ar_address="ar@arbox.example",
        parse_isolation=False,
        **settings,  # type: ignore[arg-type]
    )
    base = Services.from_settings(config, mailer=RecordingMailer())
    svc = dataclasses.replace(base, clock=Clock())
    csv = tmp_path / "ledger.csv"
    csv.write_text(LEDGER)
    with svc.sessions.begin() as session:
        import_invoices(session, csv, default_currency="USD", now=svc.clock())
    return svc


@pytest.fixture
def svc(database_url: str, tmp_path: Path):
    services_ = services(database_url, tmp_path)
    yield services_
    services_.engine.dispose()


@pytest.fixture
def bank_svc(database_url: str, tmp_path: Path):
    services_ = services(
        database_url, tmp_path, apply_cash_on="bank", bank_senders="Statements@Bank.example"
    )
    yield services_
    services_.engine.dispose()


@pytest.fixture
def mail_svc(sqlite_template: Path, tmp_path: Path):
    """SQLite only: what is tested here (the pipeline hook) does not depend on the database."""
    path = tmp_path / "mail.db"
    shutil.copyfile(sqlite_template, path)
    services_ = services(f"sqlite:///{path}", tmp_path, bank_senders="Statements@Bank.example")
    yield services_
    services_.engine.dispose()


def book(svc: Services, data: bytes) -> BankImport:
    with svc.sessions.begin() as session:
        return import_bank_file(session, data, svc=svc)


def mail(body: str, *, mid: str, sender: str = "ap@acme-mfg.example") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Payment advice"
    msg["Message-ID"] = mid
    msg.set_content(body)
    return msg.as_bytes()


def ingest(svc: Services, raw: bytes) -> str:
    stored = store_inbound(svc, raw, source="file")
    return process_inbound(stored.inbound_id, svc=svc).status


def rows(svc: Services, model):  # type: ignore[no-untyped-def]
    with svc.sessions() as s:
        return list(s.scalars(select(model).order_by(model.id)))


def balance(svc: Services, number: str) -> Decimal:
    with svc.sessions() as s:
        return s.scalars(select(m.Invoice.balance).where(m.Invoice.number == number)).one()


def test_reimporting_a_statement_creates_nothing_twice(svc):
    data = camt(("10.00", "THANK YOU", "Someone", "2026-11-21"), ("20.00", "X", None, "2026-11-21"))
    first, again = book(svc, data), book(svc, data)
    assert (first.statements, first.credits_new, first.credits_known) == (1, 2, 0)
    assert (again.statements, again.statements_known, again.credits_new, again.credits_known) == (
        0, 1, 0, 2,
    )  # fmt: skip
    assert len(rows(svc, m.Payment)) == 2 and len(rows(svc, m.BankStatementRow)) == 1


def test_an_overlapping_statement_adds_only_the_credits_not_seen_before(svc):
    a = ("10.00", "TFR 1", None, "2026-11-20")
    b = ("20.00", "TFR 2", None, "2026-11-21")
    c = ("30.00", "TFR 3", None, "2026-11-22")
    book(svc, camt(a, b, sid="ST-1"))
    later = book(svc, camt(b, c, sid="ST-2", opening="10.00"))
    assert (later.credits_new, later.credits_known) == (1, 1)
    assert sorted(p.amount for p in rows(svc, m.Payment)) == [
        Decimal("10.00"), Decimal("20.00"), Decimal("30.00")
    ]  # fmt: skip


def test_two_equal_credits_in_one_statement_are_two_payments(svc):
    same = ("10.00", "TFR", None, "2026-11-20")
    assert book(svc, camt(same, same)).credits_new == 2
    assert book(svc, camt(same, same)).credits_new == 0


def test_a_statement_that_does_not_balance_writes_nothing(svc):
    bad = camt(("10.00", "TFR", None, "2026-11-20"), closing="10.01")
    with pytest.raises(BankStatementError, match="does not balance"):
        book(svc, bad)
    assert rows(svc, m.Payment) == [] and rows(svc, m.BankStatementRow) == []


def test_remittance_first_then_its_credit_links_by_amount_and_reference(svc):
    # Given a remittance for INV-70001 (applied on the remittance, the default)
    assert ingest(svc, mail("INV-70001 1,250.00\n", mid="<r1@acme>")) == "applied"
    (expected,) = rows(svc, m.ExpectedPayment)
    assert expected.status == "open" and expected.amount == Decimal("1250.00")
    # When the bank credit arrives naming the invoice, from a payer no one knows by name
    result = book(svc, camt(("1250.00", "INV-70001", "A. C. M. E. Treasury", "2026-11-24")))
    # Then it links, and nothing is applied a second time
    assert result.linked == 1 and result.from_text == 0
    (payment,) = rows(svc, m.Payment)
    (link,) = rows(svc, m.PaymentLink)
    assert payment.status == "linked" and link.expected_payment_id == expected.id
    assert "reference" in link.reason
    (application,) = rows(svc, m.Application)
    assert application.basis == "remittance"
    assert balance(svc, "INV-70001") == Decimal("0.00")


def test_credit_first_then_its_remittance_links_by_payer(svc):
    # Given a credit whose payer is a customer by name, with no reference in its text
    book(svc, camt(("99.99", "PAYMENT THANK YOU", "ACME Manufacturing, Inc.", "2026-11-18")))
    (payment,) = rows(svc, m.Payment)
    assert payment.status == "unmatched" and payment.customer_id is not None
    # When the remittance arrives four days later
    ingest(svc, mail("INV-70002 99.99\n", mid="<r2@acme>"))
    # Then it links to the credit
    (link,) = rows(svc, m.PaymentLink)
    assert link.payment_id == payment.id and "payer" in link.reason
    assert rows(svc, m.Payment)[0].status == "linked"


def test_a_credit_outside_the_window_does_not_link(svc):
    book(svc, camt(("99.99", "INV-70002 paid", "Acme Manufacturing Inc", "2026-11-01")))
    ingest(svc, mail("INV-70002 99.99\n", mid="<r3@acme>"))
    assert rows(svc, m.PaymentLink) == []
    assert rows(svc, m.ExpectedPayment)[0].status == "open"


def test_two_credits_that_fit_one_remittance_go_to_a_person(svc):
    # Given two credits of the same amount from the same payer, neither naming an invoice
    book(
        svc,
        camt(
            ("99.99", "PAYMENT", "Acme Manufacturing Inc", "2026-11-20"),
            ("99.99", "PAYMENT", "Acme Manufacturing Inc", "2026-11-21"),
        ),
    )
    # When the remittance arrives
    ingest(svc, mail("INV-70002 99.99\n", mid="<r4@acme>"))
    # Then nothing is linked and a bank_link review item names both payments
    assert rows(svc, m.PaymentLink) == []
    items = [i for i in rows(svc, m.ReviewItem) if i.kind == "bank_link"]
    assert len(items) == 1
    assert sorted(c["payment_id"] for c in items[0].candidates) == [
        p.id for p in rows(svc, m.Payment)
    ]
    assert "same payer" in items[0].reason
    # And a person's answer links the one they pick and resolves the item
    first = rows(svc, m.Payment)[0]
    (expected,) = rows(svc, m.ExpectedPayment)
    with svc.sessions.begin() as session:
        with pytest.raises(RefusedActionError, match="does not exist"):
            confirm_link(session, payment_id=999, expected_payment_id=expected.id,
                         actor="clerk", now=svc.clock())  # fmt: skip
        confirm_link(session, payment_id=first.id, expected_payment_id=expected.id,
                     actor="clerk", now=svc.clock())  # fmt: skip
    (link,) = rows(svc, m.PaymentLink)
    assert (link.payment_id, link.method, link.linked_by) == (first.id, "confirmed", "clerk")
    assert [i.status for i in rows(svc, m.ReviewItem) if i.kind == "bank_link"] == ["resolved"]


def test_apply_on_bank_holds_the_applications_until_the_credit_links(bank_svc):
    svc = bank_svc
    # Given a remittance while cash is applied on the bank credit
    assert ingest(svc, mail("INV-70001 1,250.00\n", mid="<r5@acme>")) == "applied"
    (line,) = rows(svc, m.RemittanceLine)
    assert line.outcome == "held" and rows(svc, m.Application) == []
    assert balance(svc, "INV-70001") == Decimal("1250.00")
    assert not [i for i in rows(svc, m.ReviewItem) if i.kind != "bank_link"]
    assert rows(svc, m.OutboxMessage) == []  # nothing done yet: no acknowledgement
    # When its credit arrives
    book(svc, camt(("1250.00", "INV-70001", "Acme Manufacturing Inc", "2026-11-23")))
    # Then the held line posts, recording that it was applied on the bank credit
    (application,) = rows(svc, m.Application)
    assert application.basis == "bank" and application.amount == Decimal("1250.00")
    assert balance(svc, "INV-70001") == Decimal("0.00")
    assert rows(svc, m.RemittanceLine)[0].outcome == "auto"
    assert rows(svc, m.Payment)[0].status == "applied"
    # And importing the statement again posts nothing more
    book(svc, camt(("1250.00", "INV-70001", "Acme Manufacturing Inc", "2026-11-23")))
    assert len(rows(svc, m.Application)) == 1


def test_a_credit_naming_invoices_with_no_remittance_is_applied_from_its_text(svc):
    # Given a credit whose text names an invoice, from a payer nobody knows, no mail
    result = book(svc, camt(("99.99", "INV-70002", "Unknown Payments Ltd", "2026-11-21")))
    # Then it becomes a remittance through the worker's matching and posting
    assert result.from_text == 1
    (application,) = rows(svc, m.Application)
    assert application.basis == "bank" and application.amount == Decimal("99.99")
    assert balance(svc, "INV-70002") == Decimal("0.00")
    (payment,) = rows(svc, m.Payment)
    assert payment.status == "applied" and payment.inbound_id is not None
    (inbound,) = rows(svc, m.InboundMessage)
    assert inbound.source == "bank" and inbound.status == "applied"
    (rem,) = rows(svc, m.Remittance)
    assert rem.source == "bank" and rem.customer_id == payment.customer_id is not None
    assert svc.mailer.sent == []  # the payer wrote to their bank, not to us
    # And the same statement again applies nothing twice
    assert (
        book(svc, camt(("99.99", "INV-70002", "Unknown Payments Ltd", "2026-11-21"))).from_text == 0
    )
    assert len(rows(svc, m.Application)) == 1


def test_a_credit_naming_two_customers_invoices_goes_to_review_not_applied(svc):
    book(svc, camt(("1260.00", "INV-70001 INV-80001", None, "2026-11-21")))
    assert rows(svc, m.Application) == []
    (inbound,) = rows(svc, m.InboundMessage)
    assert inbound.status == "review"
    assert {i.kind for i in rows(svc, m.ReviewItem)} - {"bank_link"}


def statement_mail(data: bytes, *, name: str, mid: str, sender="statements@bank.example") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Daily statement"
    msg["Message-ID"] = mid
    msg.set_content("Your statement is attached.")
    msg.add_attachment(data, maintype="application", subtype="xml", filename=name)
    return msg.as_bytes()


def test_a_statement_mailed_by_the_bank_is_imported_by_the_pipeline(mail_svc):
    svc = mail_svc
    data = camt(("10.00", "TFR", "Someone", "2026-11-21"))
    assert ingest(svc, statement_mail(data, name="stmt.xml", mid="<s1@bank>")) == "applied"
    (inbound,) = rows(svc, m.InboundMessage)
    assert inbound.kind == "bank-statement" and "1 new" in (inbound.reason or "")
    assert len(rows(svc, m.Payment)) == 1
    assert rows(svc, m.Remittance) == []  # not read as a remittance


def test_a_broken_statement_mailed_by_the_bank_is_quarantined_with_nothing_written(mail_svc):
    svc = mail_svc
    good = camt(("10.00", "TFR", "Someone", "2026-11-21"))
    msg = EmailMessage()
    msg["From"] = "statements@bank.example"
    msg["Subject"] = "Statements"
    msg["Message-ID"] = "<s2@bank>"
    msg.set_content("attached")
    msg.add_attachment(good, maintype="application", subtype="xml", filename="a.xml")
    msg.add_attachment(good[:300], maintype="application", subtype="xml", filename="b.xml")
    assert ingest(svc, msg.as_bytes()) == "quarantined"
    (inbound,) = rows(svc, m.InboundMessage)
    assert "'b.xml'" in (inbound.reason or "") and "not well-formed" in (inbound.reason or "")
    assert rows(svc, m.Payment) == [] and rows(svc, m.BankStatementRow) == []


def test_a_statement_from_an_address_that_is_not_the_bank_is_not_imported(mail_svc):
    svc = mail_svc
    data = camt(("10.00", "TFR", "Someone", "2026-11-21"))
    ingest(svc, statement_mail(data, name="stmt.xml", mid="<s3@x>", sender="mallory@evil.example"))
    assert rows(svc, m.Payment) == []
    with svc.sessions() as s:
        assert s.scalar(select(func.count()).select_from(m.BankStatementRow)) == 0


def test_a_printed_creditor_reference_links_the_remittance_and_its_credit(svc):
    # Given INV-70001 printed with an RF reference, and a remittance quoting only that
    with svc.sessions.begin() as s:
        invoice = s.scalars(select(m.Invoice).where(m.Invoice.number == "INV-70001")).one()
        invoice.payment_reference = "RF18539007547034"
    advice = mail("Paid rf18 5390 0754 7034   1,250.00\n", mid="<rf1@acme>")
    assert ingest(svc, advice) == "applied"
    # When the bank credit comes with the reference in groups among other words
    text = "RF18 5390 0754 7034 ACME MFG"
    result = book(svc, camt(("1250.00", text, "A. C. M. E. Treasury", "2026-11-24")))
    # Then it links by that reference, and nothing is applied twice
    assert result.linked == 1 and result.from_text == 0
    (link,) = rows(svc, m.PaymentLink)
    assert "reference" in link.reason
    assert len(rows(svc, m.Application)) == 1 and balance(svc, "INV-70001") == Decimal("0.00")

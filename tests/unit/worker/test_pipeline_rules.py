"""The pipeline with a reviewer's rules: a rule identifies an unknown sender's customer (method
"rule", reason naming it, hit counted), and a customer's reference prefix turns the bare number
they write into our invoice; without the rules the same mail goes to review."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from ledger import models as m
from ledger.imports import import_invoices
from ledger.rules import create_rule, list_rules
from tests.fakes import services_on_ledger
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound
from worker.services import Services

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
SO-70001,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00
SO-70002,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,99.99
SO-80001,C801,Borealis Foods Ltd,payables@borealis.example,2026-10-05,2026-11-04,10.00
"""


@pytest.fixture
def svc(tmp_path: Path, database_url: str):
    services = services_on_ledger(tmp_path, database_url, LEDGER, now=NOW)
    yield services
    services.engine.dispose()


def mail(body: str, *, mid: str, sender: str = "payments@bank.example") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Payment"
    msg["Message-ID"] = mid
    msg.set_content(body)
    return msg.as_bytes()


def process(svc: Services, raw: bytes) -> m.InboundMessage:
    stored = store_inbound(svc, raw, source="file")
    process_inbound(stored.inbound_id, svc=svc)
    with svc.sessions() as s:
        row = s.get(m.InboundMessage, stored.inbound_id)
        assert row is not None
        return row


def customer_id(svc: Services, number: str) -> int:
    with svc.sessions() as s:
        return s.execute(select(m.Customer.id).where(m.Customer.number == number)).scalar_one()


def teach(svc: Services, kind: str, pattern: str, customer: str) -> None:
    with svc.sessions.begin() as s:
        create_rule(
            s,
            kind=kind,
            pattern=pattern,
            customer_id=customer_id(svc, customer),
            actor="alice",
            now=NOW,
        )


def test_without_rules_a_bare_number_from_an_unknown_sender_goes_to_review(svc):
    row = process(svc, mail("70001 1,250.00\n", mid="<a@bank.example>"))
    assert row.status == "review"
    assert row.customer_id is None


def test_sender_and_prefix_rules_apply_the_bare_number_and_count_their_hits(svc):
    # Given alice taught: this sender is Acme's, and Acme writes our numbers without "SO"
    teach(svc, "sender", "Payments@Bank.example", "C701")
    teach(svc, "ref_prefix", "so", "C701")
    # When the sender pays "70001 1,250.00"
    row = process(svc, mail("70001 1,250.00\n", mid="<b@bank.example>"))
    # Then the cash is applied to SO-70001, the customer was identified by the rule
    assert row.status == "applied", row.reason
    assert row.customer_id == customer_id(svc, "C701")
    with svc.sessions() as s:
        line = s.execute(select(m.RemittanceLine)).scalar_one()
        invoice = s.execute(select(m.Invoice).where(m.Invoice.number == "SO-70001")).scalar_one()
        assert invoice.balance == Decimal("0.00")
        assert line.alt_refs == "so70001"
        customer = next(x for x in line.evidence["signals"] if x["name"] == "customer")
        assert "rule 1: sender address 'payments@bank.example' is customer C701" in str(customer)
        rules = {rule.kind: rule for rule in list_rules(s)}
    # and each rule counts the hit
    assert (rules["sender"].hits, rules["sender"].last_hit_at) == (1, NOW)
    assert rules["ref_prefix"].hits == 1
    # and no reply goes to an address that is no registered contact
    assert svc.mailer.sent == []


def test_a_payer_name_rule_identifies_the_customer_and_counts_a_hit(svc):
    teach(svc, "payer_name", "Acme Holdings LLC", "C701")
    row = process(svc, mail("Payer: ACME HOLDINGS\n70002 99.99\n", mid="<c@bank.example>"))
    assert row.customer_id == customer_id(svc, "C701")
    with svc.sessions() as s:
        (rule,) = list_rules(s)
    assert rule.hits == 1


def test_a_rule_that_disagrees_with_the_invoices_named_identifies_no_one(svc):
    # Given a sender rule for Acme, and that sender (a bank) paying Borealis' own invoice
    teach(svc, "sender", "payments@bank.example", "C701")
    row = process(svc, mail("SO-80001 10.00\n", mid="<e@bank.example>"))
    # Then neither the rule nor the invoice decides: a person looks, and nothing is applied
    assert (row.status, row.customer_id) == ("review", None)
    assert "disagrees with the invoices named" in row.reason
    with svc.sessions() as s:
        assert s.execute(select(m.Application.id)).first() is None
        (rule,) = list_rules(s)
    assert rule.hits == 0


def test_a_rule_identifies_even_when_identification_by_content_is_off(svc):
    # Given identification by content switched off, and a sender rule a person made
    svc = dataclasses.replace(
        svc, policy=dataclasses.replace(svc.policy, identify_by_content=False)
    )
    teach(svc, "sender", "payments@bank.example", "C701")
    # When the sender names our full number
    row = process(svc, mail("SO-70002 99.99\n", mid="<d@bank.example>"))
    # Then the person's rule still says whose it is, and it is applied
    assert (row.status, row.customer_id) == ("applied", customer_id(svc, "C701"))


def test_a_parent_taught_to_pay_for_two_customers_pays_both_in_one_remittance(svc):
    # Given alice confirmed before that "Northwind Holdings" pays for Acme and for Borealis
    teach(svc, "payer_name", "Northwind Holdings Inc", "C701")
    teach(svc, "payer_name", "Northwind Holdings Inc", "C801")
    # When the parent pays one invoice of each, from a bank address nobody registered
    body = "Payer: Northwind Holdings\nSO-70001 1,250.00\nSO-80001 10.00\nTotal 1,260.00\n"
    row = process(svc, mail(body, mid="<g@bank.example>"))
    # Then each line is applied to the invoice of the customer it names, and no reply goes out
    assert row.status == "applied", row.reason
    with svc.sessions() as s:
        paid = dict(
            s.execute(
                select(m.Invoice.number, m.Invoice.balance).where(
                    m.Invoice.number.in_(["SO-70001", "SO-80001"])
                )
            ).all()
        )
        hits = sorted(rule.hits for rule in list_rules(s))
    assert paid == {"SO-70001": Decimal("0.00"), "SO-80001": Decimal("0.00")}
    assert hits == [1, 1]
    assert svc.mailer.sent == []


def test_a_group_payer_naming_an_invoice_outside_the_group_identifies_no_one(svc, tmp_path):
    csv = tmp_path / "third.csv"
    csv.write_text(
        "invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount\n"
        "SO-90001,C901,Cobalt Tools GmbH,ap@cobalt.example,2026-10-05,2026-11-04,20.00\n"
    )
    with svc.sessions.begin() as session:
        import_invoices(session, csv, default_currency="USD", now=NOW)
    teach(svc, "payer_name", "Northwind Holdings Inc", "C701")
    teach(svc, "payer_name", "Northwind Holdings Inc", "C801")
    body = "Payer: Northwind Holdings\nSO-70001 1,250.00\nSO-90001 20.00\n"
    row = process(svc, mail(body, mid="<h@bank.example>"))
    assert (row.status, row.customer_id) == ("review", None)
    assert "name 2 customers; the invoices named do not say which" in row.reason
    with svc.sessions() as s:
        assert s.execute(select(m.Application.id)).first() is None

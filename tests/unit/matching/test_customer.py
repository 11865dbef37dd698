"""Identifying the customer of a remittance: contact, invoices referenced, domain, payer name,
and refusing when the evidence disagrees."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.types import OpenInvoice
from matching.customer import NamePolicy, customer_by_payer_name, identify_customer, name_key

NAMES = {
    1: "Acme Holdings, Inc.",
    2: "Acme Foods GmbH",
    3: "Borealis Ltd",
    4: "Müller GmbH & Co. KG",
}


def inv(number: str, customer: int) -> OpenInvoice:
    return OpenInvoice(
        invoice_id=hash(number) % 10_000,
        number=number,
        customer_id=customer,
        customer_number=f"C{customer}",
        balance=Decimal("10.00"),
        currency="USD",
        status="open",
        due_date=date(2026, 12, 1),
    )


def identify(**kw):
    args = {
        "contact_customer_id": None,
        "sender_domain": None,
        "domain_customer_ids": (),
        "payer_name": None,
        "customer_names": NAMES,
        "referenced": (),
    }
    args.update(kw)
    return identify_customer(**args)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("ACME Holdings, Inc.", "acme holdings"),
        ("Müller GmbH & Co. KG", "müller"),
        ("The Borealis Company Ltd", "borealis"),
    ],
)
def test_name_key_drops_legal_forms_and_punctuation(name, key):
    assert name_key(name) == key


def test_a_registered_contact_wins_over_everything():
    found = identify(contact_customer_id=3, referenced=[[inv("INV-1", 1)]])
    assert (found.customer_id, found.method) == (3, "contact")


def test_invoices_referenced_identify_an_unknown_sender():
    found = identify(referenced=[[inv("INV-1", 1)], [inv("INV-2", 1)], []])
    assert (found.customer_id, found.method) == (1, "invoices")


def test_invoices_of_several_customers_identify_no_one():
    found = identify(referenced=[[inv("INV-1", 1)], [inv("INV-2", 3)]])
    assert found.customer_id is None
    assert "several customers" in found.reason


def test_an_ambiguous_reference_is_no_evidence():
    found = identify(referenced=[[inv("INV-1", 1), inv("INV-1", 3)]])
    assert found.customer_id is None


def test_domain_of_one_customer_identifies():
    found = identify(sender_domain="acme.example", domain_customer_ids=[2])
    assert (found.customer_id, found.method) == (2, "domain")


def test_public_mail_domain_never_identifies():
    found = identify(sender_domain="gmail.com", domain_customer_ids=[2])
    assert found.customer_id is None


def test_domain_shared_by_two_customers_never_identifies():
    found = identify(sender_domain="group.example", domain_customer_ids=[1, 2])
    assert found.customer_id is None


def test_payer_name_identifies_with_legal_forms_ignored():
    found = identify(payer_name="BOREALIS LIMITED")
    assert (found.customer_id, found.method) == (3, "payer name")


def test_payer_name_close_to_two_customers_identifies_no_one():
    # "Acme" alone is as near to Acme North as to Acme South
    names = {1: "Acme North Inc", 2: "Acme South Inc"}
    cid, why = customer_by_payer_name("Acme", names, policy=NamePolicy(cutoff=50))
    assert cid is None and "as close to" in why


def test_disagreeing_evidence_identifies_no_one():
    # Given the domain says Acme Foods but the invoices are Borealis'
    found = identify(
        sender_domain="acme-foods.example",
        domain_customer_ids=[2],
        referenced=[[inv("INV-9", 3)]],
    )
    assert found.customer_id is None
    assert "disagrees" in found.reason


def test_agreeing_evidence_lists_every_reason():
    found = identify(
        sender_domain="borealis.example",
        domain_customer_ids=[3],
        payer_name="Borealis Ltd.",
        referenced=[[inv("INV-9", 3)]],
    )
    assert found.customer_id == 3
    assert "domain" in found.reason and "payer name" in found.reason

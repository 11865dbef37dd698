"""Ledger queries: what export, review and matching read, as plain values."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from core.types import OpenInvoice
from ledger.matching_reads import (
    CustomerRef,
    customer_by_email,
    customer_contacts,
    invoices_by_ref_keys,
    open_invoices_for_customer,
)
from ledger.queries import (
    ApplicationRow,
    ReviewCandidate,
    ReviewRow,
    applications_for_export,
    pending_review,
)
from tests.unit.ledger.conftest import NOW


def test_applications_carry_the_source_message_id_in_applied_order(ledger):
    # Given two payments, the later one applied to two invoices, and one reversed application
    acme = ledger.customer("C-001")
    borealis = ledger.customer("C-002", "Borealis Ltd")
    inv1 = ledger.invoice(acme, "INV-1001")
    inv2 = ledger.invoice(borealis, "INV-2002")
    early = ledger.remittance_line(ledger.inbound("<early@acme.example>"))
    late = ledger.remittance_line(ledger.inbound("<late@borealis.example>"), amount="100.10")
    ledger.application(
        late,
        inv2,
        amount="100.00",
        deduction="0.10",
        applied_at=NOW + timedelta(hours=1),
        status="confirmed",
        confidence="0.875",
    )
    ledger.application(early, inv1, amount="0.30", discount="0.20")
    ledger.application(
        late, inv1, amount="0.10", applied_at=NOW + timedelta(hours=1), status="reversed"
    )
    # When they are exported
    rows = applications_for_export(ledger.session)
    # Then each names its mail and the invoice's customer, oldest first, reversed left out
    assert rows == [
        ApplicationRow(
            message_id="<early@acme.example>",
            invoice_number="INV-1001",
            customer_number="C-001",
            amount_applied=Decimal("0.30"),
            discount=Decimal("0.20"),
            deduction=Decimal("0.00"),
            currency="USD",
            status="auto",
            confidence=Decimal("1.000"),
            applied_at=NOW,
        ),
        ApplicationRow(
            message_id="<late@borealis.example>",
            invoice_number="INV-2002",
            customer_number="C-002",
            amount_applied=Decimal("100.00"),
            discount=Decimal("0.00"),
            deduction=Decimal("0.10"),
            currency="USD",
            status="confirmed",
            confidence=Decimal("0.875"),
            applied_at=NOW + timedelta(hours=1),
        ),
    ]
    assert rows[0].applied_at.utcoffset() == timedelta(0)


def test_pending_review_lists_only_open_items_oldest_first(ledger):
    acme = ledger.customer("C-001")
    mail = ledger.inbound("<m1@acme.example>")
    no_id = ledger.inbound("")
    later = ledger.review_item(
        "k-later",
        kind="short_payment",
        inbound_id=mail,
        customer_id=acme,
        reason="paid 10.00 less",
        created_at=NOW + timedelta(minutes=5),
        candidates=[
            {"invoice_number": "INV-1", "score": "0.875"},
            {"invoice_number": "INV-7", "score": 0.5},
        ],
    )
    first = ledger.review_item("k-first", inbound_id=no_id)
    ledger.review_item("k-done", status="resolved")
    ledger.review_item("k-ignored", status="dismissed")
    rows = pending_review(ledger.session)
    assert rows == [
        ReviewRow(
            id=first,
            kind="unmatched",
            message_id=None,
            customer_number=None,
            reason="no invoice found",
            candidates=(),
            created_at=NOW,
        ),
        ReviewRow(
            id=later,
            kind="short_payment",
            message_id="<m1@acme.example>",
            customer_number="C-001",
            reason="paid 10.00 less",
            candidates=(
                ReviewCandidate("INV-1", Decimal("0.875")),
                ReviewCandidate("INV-7", Decimal("0.5")),
            ),
            created_at=NOW + timedelta(minutes=5),
        ),
    ]


def test_open_invoices_of_a_customer_exclude_paid_and_other_customers(ledger):
    acme = ledger.customer("C-001")
    other = ledger.customer("C-002", "Other")
    late = ledger.invoice(acme, "INV-2", due=date(2026, 3, 1), balance="0.10")
    soon = ledger.invoice(acme, "INV-3", due=date(2026, 2, 1))
    ledger.invoice(acme, "INV-1", status="paid", balance="0.00")
    ledger.invoice(other, "INV-9")
    got = open_invoices_for_customer(ledger.session, acme)
    assert [(i.invoice_id, i.number) for i in got] == [(soon, "INV-3"), (late, "INV-2")]
    assert got[1] == OpenInvoice(
        invoice_id=late,
        number="INV-2",
        customer_id=acme,
        customer_number="C-001",
        balance=Decimal("0.10"),
        currency="USD",
        status="open",
        due_date=date(2026, 3, 1),
        issue_date=date(2026, 1, 5),
        amount=Decimal("1250.00"),
        terms=None,
    )


def test_invoices_by_ref_keys_include_paid_ones_of_any_customer(ledger):
    acme = ledger.customer("C-001")
    other = ledger.customer("C-002", "Other")
    a = ledger.invoice(acme, "INV-001001", status="paid", balance="0.00")
    b = ledger.invoice(other, "1001")
    c = ledger.invoice(acme, "CM-1001")
    ledger.invoice(acme, "INV-2000")
    got = invoices_by_ref_keys(ledger.session, {"1001", "cm1001", "404"})
    assert {k: [i.invoice_id for i in v] for k, v in got.items()} == {
        "1001": [a, b],
        "cm1001": [c],
    }
    assert got["1001"][0].status == "paid"
    assert invoices_by_ref_keys(ledger.session, []) == {}


def test_invoices_by_ref_keys_handles_more_keys_than_one_in_list(ledger):
    acme = ledger.customer("C-001")
    for n in range(1, 1001):
        ledger.invoice(acme, f"INV-{n}")
    got = invoices_by_ref_keys(ledger.session, [str(n) for n in range(1, 2001)])
    assert len(got) == 1000


def test_customer_by_email_matches_contacts_case_insensitively(ledger):
    acme = ledger.customer("C-001", emails=["billing@acme.example", "ap@acme.example"])
    ledger.customer("C-002", "Other", emails=["ap@other.example"])
    assert customer_by_email(ledger.session, " AP@Acme.Example ") == CustomerRef(
        id=acme,
        number="C-001",
        name="Acme Corp",
        contacts=("ap@acme.example", "billing@acme.example"),
    )
    assert customer_by_email(ledger.session, "nobody@acme.example") is None
    assert customer_by_email(ledger.session, "") is None
    assert customer_contacts(ledger.session, acme) == ("ap@acme.example", "billing@acme.example")


def test_address_shared_by_two_customers_identifies_neither(ledger):
    ledger.customer("C-001", emails=["ap@group.example"])
    ledger.customer("C-002", "Sister Co", emails=["ap@group.example"])
    assert customer_by_email(ledger.session, "ap@group.example") is None

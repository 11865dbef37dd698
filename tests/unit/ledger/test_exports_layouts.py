"""ERP layouts of the applications export: QuickBooks Online "Receive payment" and SAP
lockbox-like CSV, exact text from a ledger written through the posting code."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from ledger.erp import (
    QUICKBOOKS_COLUMNS,
    SAP_COLUMNS,
    payment_applications,
    to_quickbooks_csv,
    to_sap_lockbox_csv,
)
from tests.unit.ledger.report_ledger import Book, at


def _ledger(session):
    """One payment (PAY-1, ACH) of two invoices less a credit memo, with a discount and a
    deduction; a second payment whose application was un-applied (left out)."""
    book = Book(session)
    book.customer("C1", "Acme, Inc.")
    for number, amount in (("INV-1", "1000.00"), ("INV-2", "500.00"), ("CM-1", "-100.00")):
        book.invoice(number, "C1", issued=date(2026, 1, 2), due=date(2026, 2, 1), amount=amount)
    book.invoice("INV-3", "C1", issued=date(2026, 1, 2), due=date(2026, 2, 1), amount="70.00")
    when = at(date(2026, 1, 10))
    line = book.line(when=when, amount="1320.00")
    book.pay("INV-1", "980.00", discount="20.00", when=when, line_id=line)
    book.pay("INV-2", "440.00", deduction="60.00", when=when, line_id=line)
    book.pay("CM-1", "-100.00", when=when, line_id=line)
    reversed_id = book.pay("INV-3", "70.00", when=at(date(2026, 1, 11)))
    book.unapply(reversed_id, when=at(date(2026, 1, 12)))
    session.flush()
    return payment_applications(session)


def test_quickbooks_layout_is_exact(sessions):
    with sessions() as session:
        rows = _ledger(session)
    text = to_quickbooks_csv(rows)
    assert text.splitlines()[0] == ",".join(QUICKBOOKS_COLUMNS)
    assert text.splitlines()[1:] == [
        'ARB-1,2026-01-10,PAY-1,"Acme, Inc.",ACH,,INV-1,980.00,'
        "arbox <m1@payer.example>; discount 20.00,USD",
        'ARB-1,2026-01-10,PAY-1,"Acme, Inc.",ACH,,INV-2,440.00,'
        "arbox <m1@payer.example>; deduction 60.00,USD",
        'ARB-1,2026-01-10,PAY-1,"Acme, Inc.",ACH,,CM-1,-100.00,arbox <m1@payer.example>,USD',
    ]


def test_sap_layout_repeats_the_check_on_each_line_and_adds_up(sessions):
    with sessions() as session:
        rows = _ledger(session)
    records = list(csv.DictReader(io.StringIO(to_sap_lockbox_csv(rows))))
    assert list(records[0]) == list(SAP_COLUMNS)
    assert [
        (r["invoice_number"], r["amount_paid"], r["discount"], r["deduction"]) for r in records
    ] == [
        ("INV-1", "980.00", "20.00", "0.00"),
        ("INV-2", "440.00", "0.00", "60.00"),
        ("CM-1", "-100.00", "0.00", "0.00"),
    ]
    assert {(r["batch"], r["item"], r["check_number"], r["check_amount"]) for r in records} == {
        ("20260110", "1", "PAY-1", "1320.00")
    }
    assert sum(Decimal(r["amount_paid"]) for r in records) == Decimal(records[0]["check_amount"])
    assert {r["customer_account"] for r in records} == {"C1"}


def test_quickbooks_layout_clips_references_to_its_field_limits():
    from ledger.erp import PaymentApplication

    row = PaymentApplication(
        remittance_id=7,
        payment_ref="R" * 40,
        payment_date=date(2026, 1, 1),
        payment_method="wire",
        payer_name=None,
        message_id="<x@y>",
        customer_number="C1",
        customer_name="Acme",
        invoice_number="I" * 30,
        amount=Decimal("1.00"),
        discount=Decimal("0.00"),
        deduction=Decimal("0.00"),
        deduction_reason=None,
        currency="EUR",
    )
    (record,) = csv.DictReader(io.StringIO(to_quickbooks_csv([row])))
    assert len(record["Reference no"]) == 31 and len(record["Invoice no"]) == 21
    assert record["Payment method"] == "Wire"

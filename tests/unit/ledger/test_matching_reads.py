"""The matching path's reads (ledger.matching_reads): each Core statement reads the same rows
through SQLite's driver cursor (its compiled SQL, cached: ledger.compiled.rows) as through
SQLAlchemy's result machinery, and the same invoices as the ORM; a customer's open invoices
come from the covering index alone; the invoices a person un-applied cash from are the ones
ledger.reversals names."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from core.types import OpenInvoice
from ledger import compiled, matching_reads
from ledger.matching_reads import (
    customer_by_email,
    customer_contacts,
    invoices_by_ref_keys,
    open_invoices_for_customer,
    unapplied_before,
)
from ledger.models import Customer, Invoice
from ledger.reversals import reversed_invoice_ids, unapply
from tests.unit.ledger.conftest import NOW

sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _orm_invoices(session, *where, order=(Invoice.id,)):  # type: ignore[no-untyped-def]
    """The invoices as the ORM reads them (every column, the types' own conversion)."""
    stmt = (
        select(Invoice, Customer.number)
        .join(Customer, Customer.id == Invoice.customer_id)
        .where(*where)
        .order_by(*order)
    )
    return [
        OpenInvoice(
            invoice_id=i.id,
            number=i.number,
            customer_id=i.customer_id,
            customer_number=number,
            balance=i.balance,
            currency=i.currency,
            status=i.status,
            due_date=i.due_date,
            issue_date=i.issue_date,
            amount=i.amount,
            terms=i.terms,
            ref_key=i.ref_key,
        )
        for i, number in session.execute(stmt).tuples()
    ]


def _orm_open(session, customer_id):  # type: ignore[no-untyped-def]
    return _orm_invoices(
        session,
        Invoice.customer_id == customer_id,
        Invoice.status == "open",
        order=(Invoice.due_date, Invoice.number),
    )


def _orm_by_keys(session, keys):  # type: ignore[no-untyped-def]
    found: dict[str, list[OpenInvoice]] = {}
    for inv in _orm_invoices(session, Invoice.ref_key.in_(sorted(keys))):
        found.setdefault(inv.ref_key, []).append(inv)
    return found


@sqlite_only
@pytest.mark.parametrize(
    ("statement", "params"),
    [
        ("_OPEN_KEYS", {"customer_id": 1}),
        ("_OPEN_DETAILS", {"id": 2}),
        ("_OPEN_DETAILS_ALL", {"customer_id": 1}),
        ("_CUSTOMER_NUMBER", {"customer_id": 1}),
        ("_BY_REF_KEYS", {"keys": ["1001", "cm1001", "2000", "404"]}),
        ("_BY_REF_KEYS", {"keys": ["1001"]}),
        ("_BY_REF_KEYS", {"keys": []}),
        ("_CUSTOMERS_BY_EMAIL", {"email": "ap@acme.example"}),
        ("_CONTACTS", {"customer_id": 1}),
        ("_UNAPPLIED", {"ids": [1, 2, 3, 4]}),
    ],
)
def test_each_statement_reads_on_sqlites_cursor_what_sqlalchemy_reads(ledger, statement, params):
    acme = ledger.customer("C-001", emails=["billing@acme.example", "ap@acme.example"])
    other = ledger.customer("C-002", "Other", emails=["ap@other.example"])
    ledger.invoice(acme, "INV-001001", status="paid", balance="0.00")
    ledger.invoice(other, "1001", balance="-12.34", currency="EUR")
    ledger.invoice(acme, "CM-1001", balance="0.01", due=date(2026, 1, 9))
    ledger.invoice(acme, "INV-2000")
    assert acme == 1
    stmt = getattr(matching_reads, statement)
    fast = compiled.rows(ledger.session, stmt, params)
    generic = compiled.generic_rows(ledger.session, stmt, params)
    assert [tuple(r) for r in fast] == [tuple(r) for r in generic]
    assert [[type(v) for v in r] for r in fast] == [[type(v) for v in r] for r in generic]
    assert compiled.rows(ledger.session, stmt, params) == fast  # the cached form, again
    by_column = [list(column) for column in zip(*generic, strict=True)]
    assert compiled.columns(ledger.session, stmt, params) == (
        by_column or [[] for _ in stmt.selected_columns]
    )


def test_invoices_by_ref_keys_read_what_the_orm_reads(ledger):
    acme = ledger.customer("C-001")
    other = ledger.customer("C-002", "Other")
    ledger.invoice(acme, "INV-001001", status="paid", balance="0.00")
    ledger.invoice(other, "1001", balance="-12.34", currency="EUR")
    ledger.invoice(acme, "CM-1001", balance="0.01")
    ledger.invoice(acme, "INV-2000")
    keys = ["1001", "cm1001", "2000", "404"]
    fast = invoices_by_ref_keys(ledger.session, keys)
    assert fast == _orm_by_keys(ledger.session, keys)
    assert [str(i.balance) for i in fast["1001"]] == ["0.00", "-12.34"]
    assert invoices_by_ref_keys(ledger.session, []) == {}


def test_a_contacts_customer_is_what_the_contacts_say(ledger):
    acme = ledger.customer("C-001", emails=["billing@acme.example", "ap@acme.example"])
    ledger.customer("C-002", "Other", emails=["ap@other.example", "shared@group.example"])
    ledger.customer("C-003", "Sister", emails=["shared@group.example"])
    found = customer_by_email(ledger.session, "ap@acme.example")
    assert found is not None
    assert (found.id, found.number, found.name) == (acme, "C-001", "Acme Corp")
    assert found.contacts == customer_contacts(ledger.session, acme)
    assert customer_by_email(ledger.session, "shared@group.example") is None
    assert customer_by_email(ledger.session, "nobody@acme.example") is None


@sqlite_only
def test_a_customers_open_invoices_are_read_from_the_covering_index_alone(ledger):
    acme = ledger.customer("C-001")
    ledger.invoice(acme, "INV-1", balance="0.01")
    form = compiled._sqlite_form(matching_reads._OPEN_KEYS, ledger.session.get_bind().dialect)
    bound = form.bind({"customer_id": acme})
    assert bound is not None
    sql, values = bound
    cursor = ledger.session.connection().connection.driver_connection.cursor()
    plan = cursor.execute("EXPLAIN QUERY PLAN " + sql, values).fetchall()
    details = " ".join(str(row[-1]) for row in plan)
    assert "COVERING INDEX ix_invoices_customer_open" in details
    assert "TEMP B-TREE" not in details  # already in due-date, number order
    assert [i.number for i in open_invoices_for_customer(ledger.session, acme)] == ["INV-1"]


def test_open_invoices_are_the_orms_with_their_stored_keys_and_frozen(ledger):
    acme = ledger.customer("C-001")
    ledger.invoice(acme, "INV-000042", balance="12.34", currency="EUR", due=date(2026, 1, 1))
    ledger.invoice(acme, "inv 7", balance="0.01", due=date(2026, 2, 1))
    ledger.invoice(acme, "INV-8", status="paid", balance="0.00")
    fast = open_invoices_for_customer(ledger.session, acme)
    generic = _orm_open(ledger.session, acme)
    # every field, the stored key too (it is left out of ==)
    assert [dataclasses.astuple(i) for i in fast] == [dataclasses.astuple(i) for i in generic]
    assert [(i.number, i.ref_key, i.key) for i in fast] == [
        ("INV-000042", "42", "42"),
        ("inv 7", "7", "7"),
    ]
    assert fast[0].balance == Decimal("12.34") and fast[0].currency == "EUR"
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast[0].balance = Decimal("0")  # type: ignore[misc]


@sqlite_only
def test_the_sqlite_fast_path_reads_exactly_what_the_generic_query_reads(ledger):
    acme = ledger.customer("C-001")
    ledger.invoice(acme, "INV-1", balance="0.01")
    ledger.invoice(acme, "CM-7", balance="-250.00", due=date(2026, 1, 9))
    ledger.invoice(acme, "INV-2", balance="1250.00", currency="EUR")
    generic = _orm_open(ledger.session, acme)
    fast = open_invoices_for_customer(ledger.session, acme)
    assert fast == generic and len(fast) == 3
    assert [str(i.balance) for i in fast] == ["-250.00", "0.01", "1250.00"]
    assert open_invoices_for_customer(ledger.session, 999_999) == []


def test_open_invoices_made_one_at_a_time_or_all_at_once_are_the_orms(ledger):
    acme = ledger.customer("C-001")
    for no in range(6):
        ledger.invoice(acme, f"INV-{no}", balance=f"{no}.50", due=date(2026, 1, 1 + no))
    generic = [dataclasses.astuple(i) for i in _orm_open(ledger.session, acme)]
    one_by_one = open_invoices_for_customer(ledger.session, acme)
    assert [dataclasses.astuple(one_by_one[no]) for no in (4, 0, 5, 1, 2, 3)] == [
        generic[no] for no in (4, 0, 5, 1, 2, 3)
    ]
    at_once = open_invoices_for_customer(ledger.session, acme)
    first = at_once[2]
    assert [dataclasses.astuple(i) for i in at_once] == generic and at_once[2] is first


def test_an_open_invoice_paid_since_it_was_read_is_still_made_as_it_was_read(ledger):
    acme = ledger.customer("C-001")
    paid = ledger.invoice(acme, "INV-1", balance="10.00")
    ledger.invoice(acme, "INV-2", balance="20.00")
    ledger.invoice(acme, "INV-3", balance="30.00")
    read = open_invoices_for_customer(ledger.session, acme)
    ledger.session.execute(
        text("UPDATE invoices SET status = 'paid', balance = 0 WHERE id = :id"), {"id": paid}
    )
    assert [(i.number, str(i.balance), i.status) for i in read] == [
        ("INV-1", "10.00", "open"),
        ("INV-2", "20.00", "open"),
        ("INV-3", "30.00", "open"),
    ]


def test_open_invoices_are_not_made_from_another_transaction_than_the_one_that_read_them(ledger):
    acme = ledger.customer("C-001")
    ledger.invoice(acme, "INV-1")
    ledger.invoice(acme, "INV-2")
    read = open_invoices_for_customer(ledger.session, acme)
    assert read.numbers == ["INV-1", "INV-2"]  # the columns were read with it
    ledger.session.commit()
    with pytest.raises(RuntimeError, match="after the transaction that read them ended"):
        read[0]
    with pytest.raises(RuntimeError, match="after the transaction that read them ended"):
        list(read)


def test_invoices_unapplied_before_are_those_ledger_unapply_names(ledger):
    acme = ledger.customer("C-001")
    paid = ledger.invoice(acme, "INV-1001", balance="0.00", status="paid", due=date(2026, 1, 1))
    kept = ledger.invoice(acme, "INV-1002")
    line = ledger.remittance_line(ledger.inbound())
    app = ledger.application(line, paid, amount="1250.00")
    ledger.application(line, kept, amount="10.00")
    assert unapplied_before(ledger.session, [paid, kept]) == set()
    unapply(ledger.session, application_id=app, actor="alice", reason="wrong", now=NOW)
    ids = [paid, kept, 999_999]
    assert unapplied_before(ledger.session, ids) == reversed_invoice_ids(ledger.session, ids)
    assert unapplied_before(ledger.session, ids) == {paid}
    assert unapplied_before(ledger.session, []) == set()


def test_a_valid_creditor_reference_names_the_invoice_whose_payment_reference_it_is(ledger):
    acme = ledger.customer("C-001")
    printed = ledger.invoice(acme, "INV-3000")
    grouped = ledger.invoice(acme, "INV-3001")
    ledger.session.get(Invoice, printed).payment_reference = "RF18539007547034"
    ledger.session.get(Invoice, grouped).payment_reference = "RF37 INV4 711"  # as printed
    ledger.session.flush()
    keys = ["rf18539007547034", "rf37inv4711", "rf19539007547034", "3000"]
    found = invoices_by_ref_keys(ledger.session, keys)
    assert [i.number for i in found["rf18539007547034"]] == ["INV-3000"]
    assert [i.number for i in found["rf37inv4711"]] == ["INV-3001"]
    assert "rf19539007547034" not in found  # bad check digits: no lookup at all
    assert [i.number for i in found["3000"]] == ["INV-3000"]
    assert matching_reads.lock_invoices(ledger.session, keys=keys, customer_id=None) in (0, 2)

"""The matching path's reads: SQLite's driver-cursor readers (ledger.sqlite_reads) read exactly
what the generic SQLAlchemy statements read, a customer's open invoices come from the covering
index alone, and the invoices a person un-applied cash from are the ones ledger.reversals names."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text

from ledger import sqlite_reads
from ledger.queries import (
    _core,
    _prepared,
    _to_open_invoice,
    customer_contacts,
    open_invoices_for_customer,
    unapplied_before,
)
from ledger.reversals import reversed_invoice_ids, unapply
from tests.unit.ledger.conftest import NOW

sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _generic_by_keys(session, keys):  # type: ignore[no-untyped-def]
    found: dict[str, list] = {}  # type: ignore[type-arg]
    for r in _core(session, _prepared().by_ref_keys, {"keys": sorted(keys)}):
        found.setdefault(r[-1], []).append(_to_open_invoice(r))
    return found


@sqlite_only
def test_invoices_by_ref_keys_on_sqlite_read_what_the_generic_query_reads(ledger):
    acme = ledger.customer("C-001")
    other = ledger.customer("C-002", "Other")
    ledger.invoice(acme, "INV-001001", status="paid", balance="0.00")
    ledger.invoice(other, "1001", balance="-12.34", currency="EUR")
    ledger.invoice(acme, "CM-1001", balance="0.01")
    ledger.invoice(acme, "INV-2000")
    keys = ["1001", "cm1001", "2000", "404"]
    fast = sqlite_reads.invoices_by_ref_keys(ledger.session, keys)
    assert fast == _generic_by_keys(ledger.session, keys)
    assert [str(i.balance) for i in fast["1001"]] == ["0.00", "-12.34"]
    assert sqlite_reads.invoices_by_ref_keys(ledger.session, []) == {}


@sqlite_only
def test_a_contacts_customer_on_sqlite_is_what_the_generic_queries_say(ledger):
    acme = ledger.customer("C-001", emails=["billing@acme.example", "ap@acme.example"])
    ledger.customer("C-002", "Other", emails=["ap@other.example", "shared@group.example"])
    ledger.customer("C-003", "Sister", emails=["shared@group.example"])
    generic = _core(ledger.session, _prepared().customer_by_email, {"email": "ap@acme.example"})
    (row,) = generic.all()
    assert sqlite_reads.customer_by_email(ledger.session, "ap@acme.example") == (
        *row,
        customer_contacts(ledger.session, acme),
    )
    assert sqlite_reads.customer_by_email(ledger.session, "shared@group.example") is None
    assert sqlite_reads.customer_by_email(ledger.session, "nobody@acme.example") is None


@sqlite_only
def test_a_customers_open_invoices_are_read_from_the_covering_index_alone(ledger):
    acme = ledger.customer("C-001")
    ledger.invoice(acme, "INV-1", balance="0.01")
    plan = sqlite_reads.rows(
        ledger.session, "EXPLAIN QUERY PLAN " + sqlite_reads._OPEN_INVOICES, [acme]
    )
    details = " ".join(str(row[-1]) for row in plan)
    assert "COVERING INDEX ix_invoices_customer_open" in details
    assert "TEMP B-TREE" not in details  # already in due-date, number order
    assert [i.number for i in open_invoices_for_customer(ledger.session, acme)] == ["INV-1"]


@sqlite_only
def test_open_invoices_on_sqlite_are_the_generic_querys_with_their_stored_keys_and_frozen(ledger):
    acme = ledger.customer("C-001")
    ledger.invoice(acme, "INV-000042", balance="12.34", currency="EUR", due=date(2026, 1, 1))
    ledger.invoice(acme, "inv 7", balance="0.01", due=date(2026, 2, 1))
    ledger.invoice(acme, "INV-8", status="paid", balance="0.00")
    fast = sqlite_reads.open_invoices(ledger.session, acme)
    generic = [
        _to_open_invoice(r)
        for r in _core(ledger.session, _prepared().open_for_customer, {"customer_id": acme})
    ]
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
def test_open_invoices_made_one_at_a_time_or_all_at_once_are_the_generic_querys(ledger):
    acme = ledger.customer("C-001")
    for no in range(6):
        ledger.invoice(acme, f"INV-{no}", balance=f"{no}.50", due=date(2026, 1, 1 + no))
    generic = [
        dataclasses.astuple(_to_open_invoice(r))
        for r in _core(ledger.session, _prepared().open_for_customer, {"customer_id": acme})
    ]
    one_by_one = sqlite_reads.open_invoices(ledger.session, acme)
    assert [dataclasses.astuple(one_by_one[no]) for no in (4, 0, 5, 1, 2, 3)] == [
        generic[no] for no in (4, 0, 5, 1, 2, 3)
    ]
    at_once = sqlite_reads.open_invoices(ledger.session, acme)
    first = at_once[2]
    assert [dataclasses.astuple(i) for i in at_once] == generic and at_once[2] is first


@sqlite_only
def test_an_open_invoice_paid_since_it_was_read_is_still_made_as_it_was_read(ledger):
    acme = ledger.customer("C-001")
    paid = ledger.invoice(acme, "INV-1", balance="10.00")
    ledger.invoice(acme, "INV-2", balance="20.00")
    ledger.invoice(acme, "INV-3", balance="30.00")
    read = sqlite_reads.open_invoices(ledger.session, acme)
    ledger.session.execute(
        text("UPDATE invoices SET status = 'paid', balance = 0 WHERE id = :id"), {"id": paid}
    )
    assert [(i.number, str(i.balance), i.status) for i in read] == [
        ("INV-1", "10.00", "open"),
        ("INV-2", "20.00", "open"),
        ("INV-3", "30.00", "open"),
    ]


@sqlite_only
def test_open_invoices_are_not_made_from_another_transaction_than_the_one_that_read_them(ledger):
    acme = ledger.customer("C-001")
    ledger.invoice(acme, "INV-1")
    ledger.invoice(acme, "INV-2")
    read = sqlite_reads.open_invoices(ledger.session, acme)
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

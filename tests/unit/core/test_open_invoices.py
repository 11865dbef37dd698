"""``OpenInvoices``: a customer's open invoices with their columns ready, each invoice made
the first time it is asked for, and otherwise a list of them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.open_invoices import OpenInvoices
from core.types import OpenInvoice


def invoice(no: int) -> OpenInvoice:
    return OpenInvoice(
        invoice_id=no,
        number=f"INV-{no}",
        customer_id=1,
        customer_number="C1",
        balance=Decimal(no),
        currency="USD",
        status="open",
        due_date=date(2026, 12, 1),
        ref_key=str(no),
    )


def lazy(count: int) -> tuple[OpenInvoices, list[int]]:
    made: list[int] = []

    def make(no: int) -> OpenInvoice:
        made.append(no)
        return invoice(no)

    rows = list(range(1, count + 1))
    found = OpenInvoices(
        ids=rows,
        numbers=[f"INV-{no}" for no in rows],
        keys=[str(no) for no in rows],
        balances=[Decimal(no) for no in rows],
        rows=rows,
        make=make,
    )
    return found, made


def test_an_invoice_is_made_when_first_asked_for_and_only_once():
    found, made = lazy(5)
    assert made == [] and len(found) == 5 and found.keys[2] == "3"
    assert found[2] == invoice(3) and found[2] is found[2]
    assert found[-1].number == "INV-5"
    assert made == [3, 5]


def test_iterating_slicing_and_comparing_give_what_a_list_gives():
    found, made = lazy(4)
    plain = [invoice(no) for no in range(1, 5)]
    assert list(found) == plain and found == plain and found == tuple(plain)
    assert found[1:3] == plain[1:3] and found[::-1] == plain[::-1]
    assert found != plain[:3] and found != "INV-1"
    assert sorted(made) == [1, 2, 3, 4]  # each made once
    assert invoice(2) in found and found.index(invoice(3)) == 2
    with pytest.raises(IndexError):
        found[4]


def test_made_invoices_become_open_invoices_with_their_columns():
    plain = [invoice(no) for no in (7, 3)]
    found = OpenInvoices.of(plain)
    assert OpenInvoices.of(found) is found
    assert (found.ids, found.numbers, found.keys) == ([7, 3], ["INV-7", "INV-3"], ["7", "3"])
    assert found.balances == [Decimal(7), Decimal(3)] and found == plain
    assert not OpenInvoices.of(()) and OpenInvoices.of(()) == []


def test_columns_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match="one value per invoice"):
        OpenInvoices(ids=[1], numbers=[], keys=[], balances=[], rows=[], make=lambda r: r)

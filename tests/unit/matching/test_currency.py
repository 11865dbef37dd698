"""The currency of a remittance that names none: the currency of what it pays (issue 17)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from core.types import OpenInvoice
from matching.currency import remittance_currency

CODES = ("USD", "EUR", "GBP", "CHF", "JPY")


def inv(number: str, currency: str, customer_id: int = 1) -> OpenInvoice:
    return OpenInvoice(
        invoice_id=hash((number, customer_id)) & 0xFFFF,
        number=number,
        customer_id=customer_id,
        customer_number=f"C{customer_id}",
        balance=Decimal("100.00"),
        currency=currency,
        status="open",
        due_date=date(2026, 12, 1),
    )


def test_a_body_naming_eur_invoices_is_a_eur_payment():
    found = remittance_currency(
        None,
        named=[inv("90051177", "EUR")],
        customer_ids=[1],
        customer_open=[],
        default="USD",
    )
    assert (found.code, found.source) == ("EUR", "named invoices")


def test_named_invoices_of_other_customers_do_not_count_once_the_customer_is_known():
    found = remittance_currency(
        None,
        named=[inv("A-1", "GBP", customer_id=2), inv("A-2", "EUR", customer_id=1)],
        customer_ids=[1],
        customer_open=[],
        default="USD",
    )
    assert found.code == "EUR"


def test_without_named_invoices_the_customers_one_currency_counts():
    found = remittance_currency(
        None, named=[], customer_ids=[1], customer_open=[inv("1", "EUR")], default="USD"
    )
    assert (found.code, found.source) == ("EUR", "open items")


def test_invoices_in_two_currencies_leave_the_default():
    named = [inv("1", "EUR"), inv("2", "GBP")]
    found = remittance_currency(None, named=named, customer_ids=[1], customer_open=named,
                                default="usd")  # fmt: skip
    assert (found.code, found.source) == ("USD", "default")


def test_nothing_known_is_the_default():
    found = remittance_currency(None, named=[], customer_ids=[], customer_open=[], default="USD")
    assert (found.code, found.source) == ("USD", "default")


@given(
    stated=st.sampled_from(CODES),
    named=st.lists(st.tuples(st.sampled_from(CODES), st.integers(1, 3)), max_size=6),
    customers=st.lists(st.integers(1, 3), max_size=2),
    default=st.sampled_from(CODES),
)
def test_a_stated_currency_always_wins(stated, named, customers, default):
    invoices = [inv(str(no), code, customer) for no, (code, customer) in enumerate(named)]
    found = remittance_currency(
        stated, named=invoices, customer_ids=customers, customer_open=invoices, default=default
    )
    assert (found.code, found.source) == (stated, "stated")


@given(
    named=st.lists(st.sampled_from(CODES), min_size=1, max_size=6),
    default=st.sampled_from(CODES),
)
def test_an_unstated_currency_is_the_named_invoices_when_they_agree_else_the_default(
    named, default
):
    invoices = [inv(str(no), code) for no, code in enumerate(named)]
    found = remittance_currency(
        None, named=invoices, customer_ids=[1], customer_open=invoices, default=default
    )
    assert found.code == (named[0] if len(set(named)) == 1 else default)

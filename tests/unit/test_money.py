"""core.money: parsing written amounts, quantisation and cents."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import AmountFormatError
from core.money import format_amount, from_cents, parse_amount, quantize, to_cents

cents = st.integers(min_value=-(10**12), max_value=10**12)


def _us(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _eu(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1 234,56 €", "1234.56"),
        ("$1,234.56", "1234.56"),
        ("(1,234.56)", "-1234.56"),
        ("1234.56-", "-1234.56"),
        ("1234.56 CR", "-1234.56"),
        ("-1234.56", "-1234.56"),
        ("USD 1,250", "1250.00"),
        ("1,250", "1250.00"),
        ("0.5", "0.50"),
        ("12", "12.00"),
    ],
)
def test_parse_amount_reads_written_styles(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text", ["", "abc", "1.234.5", "12.345,678", "1,23,456.00", "1.2.3", "€", "12..50"]
)
def test_parse_amount_rejects_what_is_not_an_amount(text: str) -> None:
    with pytest.raises(AmountFormatError):
        parse_amount(text)


def test_parse_amount_refuses_to_round_extra_decimals() -> None:
    with pytest.raises(AmountFormatError, match="more than 2 decimals"):
        parse_amount("1,234.567")


def test_parse_amount_honours_a_forced_decimal_separator() -> None:
    assert parse_amount("1.234", decimal_sep=".", max_decimals=3) == Decimal("1.234")
    assert parse_amount("1,234", decimal_sep=".") == Decimal("1234.00")


@given(cents)
def test_us_formatted_amount_parses_back_equal(value: int) -> None:
    amount = from_cents(value)
    assert parse_amount(_us(amount)) == amount


@given(cents)
def test_eu_formatted_amount_parses_back_equal(value: int) -> None:
    amount = from_cents(value)
    assert parse_amount(_eu(amount)) == amount


@given(cents)
def test_cents_round_trip(value: int) -> None:
    assert to_cents(from_cents(value)) == value


def test_to_cents_refuses_sub_cent_precision() -> None:
    with pytest.raises(AmountFormatError):
        to_cents(Decimal("1.005"))


def test_quantize_refuses_to_round_for_a_zero_decimal_currency() -> None:
    assert quantize(Decimal("1200"), "JPY") == Decimal("1200")
    with pytest.raises(AmountFormatError):
        quantize(Decimal("12.50"), "JPY")


def test_format_amount_uses_the_currency_decimals() -> None:
    assert format_amount(Decimal("1234.5")) == "1,234.50"
    assert format_amount(Decimal("1234"), "JPY") == "1,234"


def test_parse_amount_refuses_a_number_too_long_for_the_decimal_context() -> None:
    with pytest.raises(AmountFormatError):
        parse_amount("9" * 30 + ".00")
    with pytest.raises(AmountFormatError):
        parse_amount("9" * 13)

"""core.money: parsing written amounts, quantisation and cents."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import AmountFormatError
from core.money import (
    currency_problem,
    currency_table,
    fits_currency,
    format_amount,
    from_minor,
    is_supported_currency,
    parse_amount,
    plain_decimal,
    quantize,
    to_minor,
)

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


@pytest.mark.parametrize("text", ["", "abc", "1.234.5", "12.345,6789", "1.2.3", "€", "12..50"])
def test_parse_amount_rejects_what_is_not_an_amount(text: str) -> None:
    with pytest.raises(AmountFormatError):
        parse_amount(text)


def test_parse_amount_refuses_to_round_extra_decimals() -> None:
    with pytest.raises(AmountFormatError, match="more than 3 decimals"):
        parse_amount("1,234.5678")
    with pytest.raises(AmountFormatError, match="more than 2 decimals"):
        parse_amount("1,234.567", max_decimals=2)


def test_parse_amount_keeps_three_written_decimals_and_two_otherwise() -> None:
    assert str(parse_amount("1,234.567")) == "1234.567"
    assert str(parse_amount("1.234,5")) == "1234.50"
    assert str(parse_amount("12")) == "12.00"


def test_a_three_decimal_currency_reads_a_lone_separator_as_the_decimal_point() -> None:
    assert parse_amount("1.500", currency="KWD") == Decimal("1.5")
    assert parse_amount("1,500", currency="BHD") == Decimal("1.5")
    assert parse_amount("1.500", currency="EUR") == Decimal("1500")
    assert parse_amount("1,234.500", currency="KWD") == Decimal("1234.5")


def test_parse_amount_honours_a_forced_decimal_separator() -> None:
    assert parse_amount("1.234", decimal_sep=".", max_decimals=3) == Decimal("1.234")
    assert parse_amount("1,234", decimal_sep=".") == Decimal("1234.00")


@given(cents)
def test_us_formatted_amount_parses_back_equal(value: int) -> None:
    amount = from_minor(value, "USD")
    assert parse_amount(_us(amount)) == amount


@given(cents)
def test_eu_formatted_amount_parses_back_equal(value: int) -> None:
    amount = from_minor(value, "EUR")
    assert parse_amount(_eu(amount)) == amount


@given(cents, st.sampled_from(sorted(c for c, n in currency_table().items() if n <= 3)))
def test_minor_units_round_trip(value: int, currency: str) -> None:
    assert to_minor(from_minor(value, currency), currency) == value


@given(
    st.integers(min_value=-(10**11), max_value=10**11),
    st.sampled_from(sorted(c for c, n in currency_table().items() if n <= 3)),
)
def test_every_currency_formats_and_parses_back_exactly(value: int, currency: str) -> None:
    amount = from_minor(value, currency)
    written = format_amount(amount, currency)
    assert parse_amount(written, currency=currency) == amount
    assert fits_currency(amount, currency)


def test_to_minor_refuses_finer_than_the_minor_unit() -> None:
    with pytest.raises(AmountFormatError):
        to_minor(Decimal("1.005"), "USD")
    with pytest.raises(AmountFormatError):
        to_minor(Decimal("100.5"), "JPY")
    assert to_minor(Decimal("1.005"), "KWD") == 1005


def test_the_currency_table_is_iso_4217() -> None:
    assert (
        currency_table()["JPY"],
        currency_table()["KWD"],
        currency_table()["EUR"],
        currency_table()["HUF"],
    ) == (
        0,
        3,
        2,
        2,
    )
    assert len(currency_table()) > 150


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("XYZ", "not an ISO 4217 currency code"),
        ("ABC", "not an ISO 4217 currency code"),
        ("US", "three capital letters"),
        ("usd", "three capital letters"),
        ("XAU", "no minor unit"),
        ("CLF", "4 decimals"),
    ],
)
def test_unknown_or_unstorable_currencies_are_refused_with_the_reason(
    code: str, reason: str
) -> None:
    assert reason in (currency_problem(code) or "")
    assert not is_supported_currency(code)


@pytest.mark.parametrize(
    "code", ["USD", "EUR", "JPY", "KWD", "BHD", "TND", "CHF", "INR", "BRL", "PLN"]
)
def test_iso_currencies_are_supported(code: str) -> None:
    assert currency_problem(code) is None


def test_quantize_refuses_to_round_for_a_zero_decimal_currency() -> None:
    assert quantize(Decimal("1200"), "JPY") == Decimal("1200")
    with pytest.raises(AmountFormatError):
        quantize(Decimal("12.50"), "JPY")


def test_format_amount_uses_the_currency_decimals() -> None:
    assert format_amount(Decimal("1234.5")) == "1,234.50"
    assert format_amount(Decimal("1234"), "JPY") == "1,234"
    assert format_amount(Decimal("1234.00"), "JPY") == "1,234"
    assert format_amount(Decimal("1234.5"), "KWD") == "1,234.500"


def test_format_amount_never_rounds_what_the_currency_does_not_allow() -> None:
    assert format_amount(Decimal("101.50"), "JPY") == "101.5"


def test_parse_amount_refuses_a_number_too_long_for_the_decimal_context() -> None:
    with pytest.raises(AmountFormatError):
        parse_amount("9" * 30 + ".00")
    with pytest.raises(AmountFormatError):
        parse_amount("9" * 13)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,23,456.78", "123456.78"),
        ("12,34,56,789.00", "123456789.00"),
        ("₹ 1,00,000.00", "100000"),
    ],
)
def test_indian_lakh_and_crore_grouping_is_read(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["1,2,345.00", "123,45,678.00", "1,23,45.00", "1.23.456,00"])
def test_misgrouped_digits_are_refused(text: str) -> None:
    with pytest.raises(AmountFormatError, match=r"grouping|separator"):
        parse_amount(text)


@pytest.mark.parametrize(
    "text", ["1_000", "١٢", "1e400", "1E2", "NaN", "-Infinity", "0x10", "", " ", "1,5"]
)
def test_plain_decimal_refuses_what_decimal_would_take(text):
    with pytest.raises(ValueError):
        plain_decimal(text)


@pytest.mark.parametrize(("text", "value"), [("12", "12"), (" -0.50 ", "-0.50"), ("+.5", "0.5")])
def test_plain_decimal_reads_plain_numbers(text, value):
    assert plain_decimal(text) == Decimal(value)

"""core.locales: amounts and dates written as the customer's locale writes them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from babel.numbers import get_decimal_symbol, parse_decimal
from hypothesis import given
from hypothesis import strategies as st

from core.locales import format_date, format_money, language_of, normalize_locale
from core.money import currency_table, from_minor, parse_amount

LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "nl_NL", "de_CH", "pl_PL", "ja_JP"]


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "written"),
    [
        ("-1234.5", "EUR", "de_DE", "-1.234,50\u00a0€"),
        ("1234.5", "EUR", "en_US", "€1,234.50"),
        ("1234", "JPY", "en_US", "¥1,234"),
        ("1234.567", "KWD", "de_DE", "1.234,567\u00a0KWD"),
        ("1234.50", "HUF", "de_DE", "1.234,50\u00a0HUF"),  # ISO's 2 decimals, not CLDR's 0
    ],
)
def test_format_money(amount: str, currency: str, locale: str, written: str) -> None:
    assert format_money(Decimal(amount), currency, locale) == written


def test_format_money_never_rounds() -> None:
    assert format_money(Decimal("100.50"), "JPY", "en_US", symbol=False) == "100.5"
    assert format_money(Decimal("100.00"), "JPY", "en_US", symbol=False) == "100"


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=3, allow_nan=False),
    st.sampled_from(["EUR", "JPY", "KWD", "CHF", "INR"]),
    st.sampled_from(LOCALES),
)
def test_written_amount_parses_back(amount: Decimal, currency: str, locale: str) -> None:
    text = format_money(amount, currency, locale, symbol=False)
    assert parse_decimal(text, locale=locale, strict=True) == amount


def test_format_date() -> None:
    assert format_date(date(2026, 3, 5), "de_DE") == "05.03.2026"
    assert format_date(date(2026, 3, 5), "en_US") == "Mar 5, 2026"


@pytest.mark.parametrize(
    ("typed", "locale"), [("de-de", "de_DE"), ("fr", "fr"), (" en_GB ", "en_GB")]
)
def test_normalize_locale(typed: str, locale: str) -> None:
    assert normalize_locale(typed) == locale


@pytest.mark.parametrize("typed", ["", "xx_YY", "../../etc", "de_DE" * 10])
def test_normalize_locale_refuses(typed: str) -> None:
    with pytest.raises(ValueError):
        normalize_locale(typed)


def test_language_of() -> None:
    assert language_of("de_CH") == "de"


WRITING_LOCALES = [
    "en_US",
    "en_GB",
    "en_IN",
    "de_DE",
    "de_CH",
    "fr_FR",
    "fr_CH",
    "es_ES",
    "nl_NL",
    "it_IT",
    "pl_PL",
    "sv_SE",
    "pt_BR",
    "ja_JP",
    "ar_EG",
]


@given(
    st.integers(min_value=-(10**11), max_value=10**11),
    st.sampled_from(sorted(c for c, n in currency_table().items() if n <= 3)),
    st.sampled_from(WRITING_LOCALES),
)
def test_every_currency_in_every_locale_reads_back_as_written(
    units: int, currency: str, locale: str
) -> None:
    # parse ∘ format is the identity: what arbox writes for a customer, arbox reads back
    amount = from_minor(units, currency)
    text = format_money(amount, currency, locale, symbol=False)
    sep = get_decimal_symbol(locale)
    assert parse_amount(text, decimal_sep=sep, currency=currency) == amount

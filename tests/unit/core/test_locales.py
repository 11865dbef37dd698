"""core.locales: amounts and dates written as the customer's locale writes them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from babel.numbers import parse_decimal
from hypothesis import given
from hypothesis import strategies as st

from core.locales import format_date, format_money, language_of, normalize_locale

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

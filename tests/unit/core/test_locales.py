"""core.locales: amounts and dates written as the customer's locale writes them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from babel.numbers import get_decimal_symbol, parse_decimal
from hypothesis import given
from hypothesis import strategies as st

from core.locales import (
    format_date,
    format_money,
    language_of,
    locale_for_language,
    mail_locale,
    normalize_locale,
    resolve_locale,
    template_language,
    territory_of,
)
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


@pytest.mark.parametrize(
    "typed", ["", "xx_YY", "../../etc", "de_DE" * 10, "C", "root", "und", "en_US_POSIX"]
)
def test_normalize_locale_refuses(typed: str) -> None:
    with pytest.raises(ValueError):
        normalize_locale(typed)


def test_language_of() -> None:
    assert language_of("de_CH") == "de"


# --- which locale a mail is written in (issue 21) ---------------------------------------------


def test_a_contacts_locale_wins_over_its_customers_which_wins_over_the_default() -> None:
    assert resolve_locale(contact="fr_FR", customer="de_DE", default="en_US") == "fr_FR"
    assert resolve_locale(contact=None, customer="de_DE", default="en_US") == "de_DE"
    assert resolve_locale(contact=None, customer=None, default="en_US") == "en_US"


@given(
    st.lists(st.sampled_from(["a@x.example", "b@x.example", "c@x.example"]), min_size=1),
    st.dictionaries(
        st.sampled_from(["a@x.example", "b@x.example"]), st.sampled_from(LOCALES) | st.none()
    ),
    st.sampled_from(LOCALES) | st.none(),
)
def test_one_mail_has_the_locale_its_recipients_share_else_the_customers(
    recipients: list[str], contacts: dict[str, str | None], customer: str | None
) -> None:
    locale = mail_locale(recipients, contact_locales=contacts, customer=customer, default="en_US")
    each = {resolve_locale(contact=contacts.get(r), customer=customer, default="en_US")
            for r in recipients}  # fmt: skip
    assert locale == (each.pop() if len(each) == 1 else customer or "en_US")


def test_a_language_without_templates_is_written_in_english_with_its_own_formats() -> None:
    assert template_language("de_CH") == "de"
    assert template_language("pl_PL") == "en"
    assert template_language("it_IT", ("en", "it")) == "it"


def test_a_language_becomes_a_full_locale_near_the_customers_territory() -> None:
    assert locale_for_language("fr", territory="BE") == "fr_BE"
    assert locale_for_language("fr", territory="US") == "fr_FR"  # CLDR has no fr_US
    assert locale_for_language("nl") == "nl_NL"
    assert territory_of("de_CH") == "CH" and territory_of("de") is None


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


#: Amounts whose writing differs in sign, grouping, decimals and zeros.
_WRITTEN_LIKE_BABEL = ["-0.00", "0.01", "-7", "1234.5", "-1234567.891", "9" * 12]


def test_every_locale_writes_money_as_babels_pattern_does() -> None:
    """The form cached per locale and currency writes what Babel's pattern writes, for every
    locale CLDR has (Indian grouping, signs after the number, right-to-left marks, symbols
    before and after, separators of every kind)."""
    from babel.localedata import locale_identifiers

    from core.locales import _babel_money, _money_form
    from core.money import money_places

    forms = 0
    for locale in locale_identifiers():
        for currency in ("EUR", "JPY"):
            for text in _WRITTEN_LIKE_BABEL:
                amount = Decimal(text)
                digits = money_places(amount, currency)
                for symbol in (True, False):
                    written = format_money(amount, currency, locale, symbol=symbol)
                    assert written == _babel_money(
                        amount, currency, locale, digits, symbol=symbol
                    ), (locale, currency, text, symbol)
                forms += _money_form(locale, digits, currency) is not None
    assert forms > 0.9 * len(locale_identifiers()) * 2 * len(_WRITTEN_LIKE_BABEL)

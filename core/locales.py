"""Locales: how a customer's amounts and dates are written, with babel (CLDR data). Pure: no IO.

A locale is a CLDR identifier such as ``de_DE``, ``fr_FR``, ``en_GB`` or ``en_US``.
:func:`normalize_locale` turns what a person types (``de-de``, ``de``) into one of them or
refuses it. Amounts are written with the currency's ISO 4217 minor units
(:func:`core.money.minor_units`), never CLDR's display digits: CLDR shows HUF and COP without
decimals, but an invoice of HUF 1 234,50 is owed to the filler.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date as _babel_format_date
from babel.numbers import NumberPattern, format_decimal, parse_pattern

from core.money import money_places

#: The locale of a customer that has none, unless ``ARBOX_DEFAULT_LOCALE`` says otherwise.
DEFAULT_LOCALE = "en_US"
#: Languages arbox has templates for (``outbound/templates``).
TEMPLATE_LANGUAGES = ("en", "de", "fr", "es", "nl")
#: CLDR identifiers that name no language: the root locale and "undetermined".
_NOT_A_LANGUAGE = frozenset({"root", "und"})


def normalize_locale(text: str) -> str:
    """``text`` as a CLDR locale identifier (``de-de`` → ``de_DE``, ``fr`` → ``fr``).

    Raises:
        ValueError: not a locale CLDR knows, with the reason.
    """
    cleaned = text.strip().replace("-", "_")
    if not cleaned or len(cleaned) > 20:
        raise ValueError(f"not a locale: {text[:40]!r}")
    try:
        parsed = _parse(cleaned)
    except (UnknownLocaleError, ValueError, TypeError) as e:
        raise ValueError(f"unknown locale {text[:40]!r} (e.g. de_DE, fr_FR, en_GB)") from e
    if parsed.variant or parsed.language in _NOT_A_LANGUAGE or cleaned.lower() in ("c", "und"):
        # C is POSIX's en_US_POSIX, und and root CLDR's stand-ins: no customer's language
        raise ValueError(f"{text[:40]!r} is not a customer's language (e.g. de_DE, fr_FR, en_GB)")
    return str(parsed)


def language_of(locale: str) -> str:
    """The language of ``locale``: ``de_CH`` → ``de``."""
    return _parse(locale).language


def format_money(amount: Decimal, currency: str, locale: str, *, symbol: bool = True) -> str:
    """``amount`` as ``locale`` writes it, with the currency's ISO minor units.

    ``format_money(Decimal("-1234.5"), "EUR", "de_DE")`` → ``-1.234,50 €``; with
    ``symbol=False`` → ``-1.234,50``. Never rounds: an amount finer than the currency's
    minor unit is written with all its digits.
    """
    pattern = _pattern(locale, money_places(amount, currency), symbol=symbol)
    text: str = pattern.apply(
        amount, _parse(locale), currency=currency.upper() if symbol else None, currency_digits=False
    )
    return text


@lru_cache(maxsize=4096)  # a statement run writes the same few hundred dates again and again
def format_date(day: date, locale: str) -> str:
    """``day`` in ``locale``'s medium form: ``05.03.2026`` (de_DE), ``5 mars 2026`` (fr_FR)."""
    return _babel_format_date(day, format="medium", locale=_parse(locale))


def resolve_locale(*, contact: str | None, customer: str | None, default: str) -> str:
    """The locale a contact is written to: its own, else its customer's, else ``default``."""
    return contact or customer or default


def mail_locale(
    recipients: Sequence[str],
    *,
    contact_locales: Mapping[str, str | None],
    customer: str | None,
    default: str,
) -> str:
    """The locale of one mail to ``recipients`` (addresses) of one customer: theirs when
    every recipient resolves to the same one (:func:`resolve_locale`, a recipient that is no
    contact counting as the customer), else the customer's (else ``default``): one mail
    has one language, and the customer's is the one its people share."""
    resolved = {
        resolve_locale(
            contact=contact_locales.get(address.lower()), customer=customer, default=default
        )
        for address in recipients
    }
    if len(resolved) == 1:
        return resolved.pop()
    return customer or default


def template_language(locale: str, available: Sequence[str] = TEMPLATE_LANGUAGES) -> str:
    """The language whose templates a mail in ``locale`` uses: its own when ``available``,
    else English (written with ``locale``'s number and date formats)."""
    language = language_of(locale)
    return language if language in available else "en"


def locale_for_language(language: str, *, territory: str | None = None) -> str:
    """A full locale for ``language``: with ``territory`` when CLDR has that pair
    (``fr`` in ``BE`` → ``fr_BE``), else the language's likely one (``fr`` → ``fr_FR``)."""
    if territory:
        try:
            return normalize_locale(f"{language}_{territory}")
        except ValueError:
            pass
    likely: str = get_global("likely_subtags").get(language, language)
    parts = likely.split("_")
    return normalize_locale(f"{parts[0]}_{parts[-1]}" if len(parts) > 1 else parts[0])


def territory_of(locale: str) -> str | None:
    """The territory of ``locale``: ``de_CH`` → ``CH``; None for a bare language."""
    territory: str | None = _parse(locale).territory
    return territory


@lru_cache(maxsize=256)
def _parse(locale: str) -> Locale:
    return Locale.parse(locale)


@lru_cache(maxsize=1024)
def _pattern(locale: str, digits: int, *, symbol: bool) -> NumberPattern:
    """``locale``'s currency (or plain number) pattern with exactly ``digits`` decimals."""
    loc = _parse(locale)
    fmt = loc.currency_formats["standard"] if symbol else loc.decimal_formats[None]
    pattern = copy.copy(parse_pattern(fmt.pattern))
    pattern.frac_prec = (digits, digits)
    return pattern


def format_number(value: Decimal, locale: str) -> str:
    """``value`` with ``locale``'s separators and every decimal it has (``1.5`` →
    ``1,5`` in de_DE; ``2`` → ``2``): quantities and rates, never rounded."""
    text: str = format_decimal(value, locale=_parse(locale), decimal_quantization=False)
    return text

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
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date as _babel_format_date
from babel.numbers import (
    NumberPattern,
    format_decimal,
    get_decimal_symbol,
    get_group_symbol,
    parse_pattern,
)

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
    digits = money_places(amount, currency)
    form = _money_form(locale, digits, currency.upper() if symbol else None)
    if form is not None and amount.is_finite():
        return form.write(amount)
    return _babel_money(amount, currency, locale, digits, symbol=symbol)


def _babel_money(amount: Decimal, currency: str, locale: str, digits: int, *, symbol: bool) -> str:
    """:func:`format_money` by Babel's pattern, every time (~40 µs an amount)."""
    pattern = _pattern(locale, digits, symbol=symbol)
    text: str = pattern.apply(
        amount, _parse(locale), currency=currency.upper() if symbol else None, currency_digits=False
    )
    return text


@dataclass(frozen=True, slots=True)
class _MoneyForm:
    """How one locale writes amounts of one currency (or none) with a fixed number of
    decimals, taken from Babel's pattern once: what stands before and after the number for a
    positive and for a negative amount, and the number's separators and grouping. Writes
    what the pattern writes (``tests/unit/core/test_locales.py`` compares them)."""

    #: (before, after) the number: for an amount that is not signed, and for one that is.
    around: tuple[tuple[str, str], tuple[str, str]]
    quantum: Decimal
    decimal: str
    group: str
    #: The size of the last group and of the others (3, 3; 3, 2 in India), the least
    #: integer digits.
    grouping: tuple[int, int]
    min_int: int

    def write(self, amount: Decimal) -> str:
        before, after = self.around[amount.is_signed()]
        whole, _, fraction = f"{abs(amount).quantize(self.quantum):f}".partition(".")
        whole = whole.rjust(self.min_int, "0")
        size, rest = self.grouping
        if len(whole) > size:
            head, tail = whole[:-size], [whole[-size:]]
            while len(head) > rest:
                head, tail = head[:-rest], [head[-rest:], *tail]
            whole = self.group.join([head, *tail])
        number = f"{whole}{self.decimal}{fraction}" if fraction else whole
        return f"{before}{number}{after}"


#: What may be part of the number Babel writes: digits, and the locale's separators.
_PROBE = Decimal(7)


@lru_cache(maxsize=1024)
def _money_form(locale: str, digits: int, currency: str | None) -> _MoneyForm | None:
    """The :class:`_MoneyForm` of ``locale`` for ``currency`` (None: no symbol) and
    ``digits`` decimals, or None when its pattern is not a plain one (scientific, significant
    digits, a scale, a currency's name or a symbol that could be taken for the number):
    those amounts are written by Babel every time."""
    pattern = _pattern(locale, digits, symbol=currency is not None)
    loc = _parse(locale)
    decimal, group = get_decimal_symbol(loc), get_group_symbol(loc)
    if (
        pattern.exp_prec
        or pattern.scale
        or "@" in pattern.pattern
        or "¤¤" in pattern.pattern
        or not pattern.number_pattern
        or {"'", "¤", "7"} & set(decimal + group)
    ):
        return None
    form = _MoneyForm(
        around=(("", ""), ("", "")),
        quantum=Decimal(1).scaleb(-digits),
        decimal=decimal,
        group=group,
        grouping=(pattern.grouping[0], pattern.grouping[1]),
        min_int=pattern.int_prec[0],
    )
    around = []
    for probe in (_PROBE, -_PROBE):
        text: str = pattern.apply(probe, loc, currency=currency, currency_digits=False)
        number = form.write(_PROBE)
        if text.count(number) != 1:
            return None
        before, _, after = text.partition(number)
        around.append((before, after))
    return _MoneyForm(
        around=(around[0], around[1]),
        quantum=form.quantum,
        decimal=decimal,
        group=group,
        grouping=form.grouping,
        min_int=form.min_int,
    )


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

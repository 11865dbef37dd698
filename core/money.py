"""Money: Decimal amounts, parsing of written amounts, quantisation per currency. Pure: no IO.

Amounts are ``decimal.Decimal`` built from strings, never floats. Parsing never rounds: text
with more decimals than asked for raises :class:`AmountFormatError`. Currencies and their minor
units are ISO 4217's (:func:`currency_table`); amounts are stored with up to three decimals.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from types import MappingProxyType

from core.errors import AmountFormatError

#: The most decimals a stored amount may have (ledger.base.Money): KWD, BHD, OMR, JOD, TND,
#: LYD and IQD have three. CLF and UYW (units of account with four) are refused.
STORED_DECIMALS = 3
ZERO = Decimal("0.00")
_TWO_PLACES = Decimal("0.01")
#: Digits before the decimal point that an amount may have (NUMERIC(17, 3) holds 14).
MAX_INTEGER_DIGITS = 12

_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
#: ISO codes read as a currency mark next to an amount in mail and PDFs (a regex alternation).
#: Not every ISO code: ALL, TOP, PEN, TRY, CUP, MAD, SOS and the like are also words.
CURRENCY_CODES = (
    "USD|EUR|GBP|CHF|CAD|AUD|NZD|SEK|NOK|DKK|ISK|PLN|CZK|HUF|RON|BGN|JPY|CNY|HKD|SGD|KRW|"
    "INR|BRL|MXN|ZAR|ILS|AED|SAR|QAR|KWD|BHD|OMR|JOD|TND|LYD|IQD|TWD|THB|MYR|IDR|PHP|VND"
)
_SYMBOLS = "$€£¥₹"
_STRIP_RE = re.compile(rf"[{_SYMBOLS}\s\u00a0\u202f']|\b[A-Z]{{3}}\b")


@functools.cache
def _iso_table() -> tuple[dict[str, int], frozenset[str]]:
    """ISO 4217's minor units of every current currency, from ISO's own published table (the
    ``iso4217`` package, never kept by hand; loaded on first use: parsing it costs ~25 ms), and
    the codes without a minor unit (gold, SDR, the test code XTS: not money an invoice is
    written in)."""
    from iso4217 import Currency

    units = {c.code: c.exponent for c in Currency if c.exponent is not None}
    return units, frozenset(c.code for c in Currency if c.exponent is None)


def currency_table() -> Mapping[str, int]:
    """Every ISO 4217 currency code and its minor units (``JPY`` 0, ``EUR`` 2, ``KWD`` 3)."""
    return MappingProxyType(_iso_table()[0])


@functools.lru_cache(maxsize=1024)  # asked for every amount written or checked
def minor_units(currency: str) -> int:
    """Decimals of ``currency`` (ISO 4217 code); 2 for a code ISO does not know."""
    return _iso_table()[0].get(currency.upper(), 2)


def currency_problem(code: str) -> str | None:
    """Why ``code`` cannot be the currency of an amount arbox keeps, or None when it can."""
    if not _CURRENCY_RE.match(code):
        return "is not an ISO 4217 code (three capital letters, e.g. EUR)"
    units, no_minor_unit = _iso_table()
    if code not in units:
        if code in no_minor_unit:
            return "is not money an invoice is written in (ISO 4217 gives it no minor unit)"
        return "is not an ISO 4217 currency code"
    if units[code] > STORED_DECIMALS:
        return f"has {units[code]} decimals; arbox keeps at most {STORED_DECIMALS}"
    return None


def is_supported_currency(currency: str) -> bool:
    """Whether ``currency`` is an ISO 4217 currency whose minor units arbox can store."""
    return currency_problem(currency) is None


def quantize(amount: Decimal, currency: str = "USD") -> Decimal:
    """``amount`` with exactly the currency's decimals; raises if that would round."""
    exp = Decimal(1).scaleb(-minor_units(currency))
    q = amount.quantize(exp)
    if q != amount:
        raise AmountFormatError(str(amount), f"more decimals than {currency} allows")
    return q


def fits_currency(amount: Decimal, currency: str) -> bool:
    """Whether ``amount`` is a whole number of ``currency``'s minor unit (``12.50`` JPY is not)."""
    return amount == amount.quantize(minor_unit(currency))


@functools.lru_cache(maxsize=1024)
def minor_unit(currency: str) -> Decimal:
    """The currency's smallest amount: ``0.01`` for EUR, ``1`` for JPY, ``0.001`` for KWD."""
    return Decimal(1).scaleb(-minor_units(currency))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half up to the currency's minor unit, written with at least two
    decimals as money is read back (``12`` JPY → ``12.00``): for computed amounts such as a
    terms discount, never for amounts someone wrote."""
    rounded = amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)
    return rounded.quantize(_TWO_PLACES) if minor_units(currency) < 2 else rounded


def to_minor(amount: Decimal, currency: str) -> int:
    """``amount`` as an integer count of the currency's minor unit; raises if finer."""
    units = amount.scaleb(minor_units(currency))
    if units != units.to_integral_value():
        raise AmountFormatError(str(amount), f"finer than {currency}'s minor unit")
    return int(units)


def from_minor(units: int, currency: str) -> Decimal:
    """The Decimal amount of ``units`` of the currency's minor unit (``1234`` JPY → ``1234``)."""
    return Decimal(units).scaleb(-minor_units(currency))


def parse_amount(
    text: str, *, decimal_sep: str | None = None, max_decimals: int = 3, currency: str | None = None
) -> Decimal:
    """Parse a written amount into a Decimal.

    Handles ``1,234.56``, ``1.234,56``, ``1 234,56 €``, ``$1,234.56``, ``(1,234.56)``,
    ``1234.56-``, ``1234.56 CR`` and ``-1234.56``. ``decimal_sep`` forces ``.`` or ``,``
    as the decimal separator; when absent it is inferred (see :func:`_infer_decimal_sep`).
    The result has two decimals, or three when three are written (``1.234,567`` KWD): whether
    the currency allows them is the caller's check (:func:`fits_currency`). With a
    ``currency`` of three decimals, a lone separator before three digits is the decimal point
    (``1.500`` KWD is one and a half dinars), not a thousands separator.

    Raises:
        AmountFormatError: the text is not an amount, or has more than ``max_decimals``.
    """
    original = text
    s = text.strip()
    negative = False
    upper = s.upper()
    if upper.endswith(("CR", "DR")):
        negative = upper.endswith("CR")
        s = s[:-2].strip()
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    s = _STRIP_RE.sub("", s)
    if s.endswith("-"):
        negative, s = True, s[:-1]
    elif s.startswith("-"):
        negative, s = True, s[1:]
    elif s.startswith("+"):
        s = s[1:]
    if not re.fullmatch(r"\d[0-9.,]*|[.,]\d+", s):
        raise AmountFormatError(original, "not an amount")
    sep = decimal_sep or _infer_decimal_sep(s, three_decimals=minor_units(currency or "") == 3)
    thousands = "." if sep == "," else ","
    whole, found, frac = s.rpartition(sep)
    if not found:
        whole, frac = s, ""
    if sep in whole or thousands in frac:
        raise AmountFormatError(original, "misplaced separator")
    if thousands in whole and not _grouped(whole, thousands):
        raise AmountFormatError(original, "bad digit grouping")
    if len(frac) > max_decimals:
        raise AmountFormatError(original, f"more than {max_decimals} decimals")
    digits = whole.replace(thousands, "") or "0"
    if len(digits.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise AmountFormatError(original, f"too large: more than {MAX_INTEGER_DIGITS} digits")
    try:
        value = Decimal(f"{digits}.{frac}" if frac else digits).quantize(
            Decimal(1).scaleb(-max(2, len(frac)))
        )
    except InvalidOperation as e:  # beyond the decimal context's precision
        raise AmountFormatError(original, "too many digits") from e
    return -value if negative else value


def _grouped(whole: str, thousands: str) -> bool:
    """Whether ``whole`` groups its digits by thousands (``1,234,567``), or as Indian
    amounts are written, by lakh and crore (``12,34,567``)."""
    if re.fullmatch(rf"\d{{1,3}}(\{thousands}\d{{3}})*", whole):
        return True
    return thousands == "," and re.fullmatch(r"\d{1,2}(,\d\d)+,\d{3}", whole) is not None


def _infer_decimal_sep(s: str, *, three_decimals: bool = False) -> str:
    """The decimal separator of ``s``: the last of ``.``/``,``, unless it is a lone
    separator followed by exactly three digits (``1,234`` / ``1.234``), which groups thousands.
    """
    last_dot, last_comma = s.rfind("."), s.rfind(",")
    last = max(last_dot, last_comma)
    if last == -1:
        return "."
    tail = s[last + 1 :]
    sep = s[last]
    if len(tail) == 3 and (last_dot == -1 or last_comma == -1) and not three_decimals:
        return "," if sep == "." else "."
    return sep


def money_places(amount: Decimal, currency: str) -> int:
    """The decimals ``amount`` is written with: the currency's minor units, more only when it
    has more (``100.5`` JPY keeps its one): nothing is ever rounded for display."""
    if fits_currency(amount, currency):
        return minor_units(currency)
    return -int(amount.normalize().as_tuple().exponent)


def plain_amount(amount: Decimal, currency: str) -> str:
    """``amount`` as exact decimal text with :func:`money_places` (``1250.50``, ``1250`` JPY,
    ``1.125`` KWD), no grouping: for files and JSON."""
    return format(amount.quantize(Decimal(1).scaleb(-money_places(amount, currency))), "f")


def from_thousandths(units: int) -> Decimal:
    """Money from its integer thousandths as the ledger reads it back: two decimals unless the
    third is used (``1230`` → ``1.23``, ``1125`` → ``1.125``)."""
    if units % 10:
        return Decimal(units).scaleb(-3)
    return Decimal(units // 10).scaleb(-2)


def format_amount(amount: Decimal, currency: str = "USD") -> str:
    """``1234.5`` → ``1,234.50``: the currency's decimals, comma thousands. Never rounds: an
    amount finer than the currency's minor unit (``100.50`` JPY) is written with its digits."""
    return f"{amount:,.{money_places(amount, currency)}f}"


#: A plain decimal number as a file or a command line gives one: ASCII digits, an optional sign
#: and point, no exponent, no ``_`` grouping, no other script's digits (``Decimal`` takes all
#: of those: ``1_000``, ``١٢``, ``1e400``).
_PLAIN_DECIMAL = re.compile(r"[+-]?[0-9]{1,18}(?:\.[0-9]{1,12})?|[+-]?\.[0-9]{1,12}")


def plain_decimal(text: str) -> Decimal:
    """``text`` (surrounding spaces aside) as a Decimal when it is a plain decimal number.

    Raises:
        ValueError: anything else (exponents, ``_``, non-ASCII digits, NaN, Infinity).
    """
    stripped = text.strip()
    if not _PLAIN_DECIMAL.fullmatch(stripped):
        raise ValueError(f"{text[:40]!r} is not a plain decimal number (1234.50)")
    return Decimal(stripped)

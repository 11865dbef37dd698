"""Money: Decimal amounts, parsing of written amounts, quantisation per currency. Pure: no IO.

Amounts are ``decimal.Decimal`` built from strings, never floats. Parsing never rounds:
text with more decimals than the currency allows raises :class:`AmountFormatError`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from core.errors import AmountFormatError

#: ISO 4217 minor units that differ from 2. arbox stores amounts with 2 decimals, so
#: currencies with 3 minor units are refused at the edges.
MINOR_UNITS: dict[str, int] = {
    "JPY": 0,
    "KRW": 0,
    "ISK": 0,
    "CLP": 0,
    "VND": 0,
    "HUF": 2,
    "BHD": 3,
    "KWD": 3,
    "OMR": 3,
    "JOD": 3,
    "TND": 3,
    "LYD": 3,
    "IQD": 3,
}
#: The most decimals a stored amount may have.
STORED_DECIMALS = 2
ZERO = Decimal("0.00")
#: Digits before the decimal point that an amount may have (NUMERIC(14, 2) holds 12).
MAX_INTEGER_DIGITS = 12

_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_SYMBOLS = "$€£¥"
_STRIP_RE = re.compile(rf"[{_SYMBOLS}\s\u00a0\u202f']|\b[A-Z]{{3}}\b")


def minor_units(currency: str) -> int:
    """Decimals of ``currency`` (ISO 4217 code)."""
    return MINOR_UNITS.get(currency.upper(), 2)


def is_supported_currency(currency: str) -> bool:
    """Whether ``currency`` is an ISO-looking code whose minor units arbox can store."""
    return bool(_CURRENCY_RE.match(currency)) and minor_units(currency) <= STORED_DECIMALS


def quantize(amount: Decimal, currency: str = "USD") -> Decimal:
    """``amount`` with exactly the currency's decimals; raises if that would round."""
    exp = Decimal(1).scaleb(-minor_units(currency))
    q = amount.quantize(exp)
    if q != amount:
        raise AmountFormatError(str(amount), f"more decimals than {currency} allows")
    return q


def to_cents(amount: Decimal) -> int:
    """Integer hundredths of ``amount``; raises if ``amount`` has finer precision."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise AmountFormatError(str(amount), "finer than a hundredth")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    """The Decimal amount of ``cents`` hundredths."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def parse_amount(text: str, *, decimal_sep: str | None = None, max_decimals: int = 2) -> Decimal:
    """Parse a written amount into a Decimal.

    Handles ``1,234.56``, ``1.234,56``, ``1 234,56 €``, ``$1,234.56``, ``(1,234.56)``,
    ``1234.56-``, ``1234.56 CR`` and ``-1234.56``. ``decimal_sep`` forces ``.`` or ``,``
    as the decimal separator; when absent it is inferred (see :func:`_infer_decimal_sep`).

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
    sep = decimal_sep or _infer_decimal_sep(s)
    thousands = "." if sep == "," else ","
    whole, found, frac = s.rpartition(sep)
    if not found:
        whole, frac = s, ""
    if sep in whole or thousands in frac:
        raise AmountFormatError(original, "misplaced separator")
    if thousands in whole and not re.fullmatch(rf"\d{{1,3}}(\{thousands}\d{{3}})*", whole):
        raise AmountFormatError(original, "bad digit grouping")
    if len(frac) > max_decimals:
        raise AmountFormatError(original, f"more than {max_decimals} decimals")
    digits = whole.replace(thousands, "") or "0"
    if len(digits.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise AmountFormatError(original, f"too large: more than {MAX_INTEGER_DIGITS} digits")
    try:
        value = Decimal(f"{digits}.{frac}" if frac else digits).quantize(
            Decimal(1).scaleb(-max_decimals)
        )
    except InvalidOperation as e:  # beyond the decimal context's precision
        raise AmountFormatError(original, "too many digits") from e
    return -value if negative else value


def _infer_decimal_sep(s: str) -> str:
    """The decimal separator of ``s``: the last of ``.``/``,``, unless it is a lone
    separator followed by exactly three digits (``1,234`` / ``1.234``), which groups thousands.
    """
    last_dot, last_comma = s.rfind("."), s.rfind(",")
    last = max(last_dot, last_comma)
    if last == -1:
        return "."
    tail = s[last + 1 :]
    sep = s[last]
    if len(tail) == 3 and (last_dot == -1 or last_comma == -1):
        return "," if sep == "." else "."
    return sep


def format_amount(amount: Decimal, currency: str = "USD") -> str:
    """``1234.5`` → ``1,234.50`` (the currency's decimals, comma thousands)."""
    places = minor_units(currency)
    return f"{amount:,.{places}f}"

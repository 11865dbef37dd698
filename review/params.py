"""Parameters of the review app's requests, checked: a value that is not what the page needs
answers 400 with a message (404 for an id in the path that cannot exist), never 500.

Issue 19 (finding 6) found ``str.isdigit`` let ``"²"`` through to ``int`` (a ValueError), ids
past SQLite's 64-bit integers overflow in the driver, ``Decimal("NaN")`` raises on comparison,
and ``9999-12-31`` overflows date arithmetic. These functions are the one place such values
are turned away.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException

#: The largest id a table can hold (SQLite and PostgreSQL ``BIGINT``).
MAX_ID: Final = 2**63 - 1
#: The dates a report may be asked for.
MIN_DATE: Final = date(1900, 1, 1)
MAX_DATE: Final = date(2999, 12, 31)
#: The longest value echoed in a message.
_ECHO: Final = 40


class IdConvertor(Convertor[int]):
    """``{name:id}`` in a route: 1 to 19 ASCII digits. Starlette's ``int`` matches any number
    of digits and its ``int()`` raises past 4,300 of them (a 500 before any handler runs)."""

    regex = "[0-9]{1,19}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())


def shown(value: str) -> str:
    """A parameter value as a message quotes it (cut, printable)."""
    text = "".join(ch if ch.isprintable() else "?" for ch in value[:_ECHO])
    return repr(text + ("…" if len(value) > _ECHO else ""))


def is_id_text(text: str) -> bool:
    """Whether ``text`` is an id: ASCII digits only, 1..:data:`MAX_ID` (``"²"`` is not)."""
    return text.isascii() and text.isdigit() and len(text) <= 19 and 0 < int(text) <= MAX_ID


def query_id(params: Mapping[str, Any], name: str) -> int | None:
    """The id in parameter ``name``; None when absent or empty.

    Raises:
        HTTPException: 400 when it is not an id.
    """
    text = str(params.get(name) or "").strip()
    if not text:
        return None
    if not is_id_text(text):
        raise HTTPException(400, f"{name} {shown(text)} is not an id (a whole number)")
    return int(text)


def path_id(path_params: Mapping[str, Any], name: str, what: str) -> int:
    """The id in the path (Starlette's ``int`` convertor already made it digits).

    Raises:
        HTTPException: 404 when no row can have it (0 or past :data:`MAX_ID`).
    """
    value = path_params[name]
    if not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise HTTPException(404, f"there is no {what} {shown(str(value))}")
    return value


def query_date(params: Mapping[str, Any], name: str, *, default: date) -> date:
    """The ``YYYY-MM-DD`` date in parameter ``name``; ``default`` when absent or empty.

    Raises:
        HTTPException: 400 when it is not such a date between 1900 and 2999.
    """
    text = str(params.get(name) or "").strip()
    if not text:
        return default
    try:
        value = date.fromisoformat(text) if text.isascii() and len(text) == 10 else None
    except ValueError:
        value = None
    if value is None or not MIN_DATE <= value <= MAX_DATE:
        raise HTTPException(
            400, f"{name} {shown(text)} is not a date YYYY-MM-DD between 1900 and 2999"
        )
    return value


def query_share(params: Mapping[str, Any], name: str, *, default: Decimal) -> Decimal:
    """The number above 0 and at most 1 in parameter ``name``; ``default`` when absent.

    Raises:
        HTTPException: 400 when it is not one (``NaN``, ``Infinity``, ``1e999``, ``²``, …).
    """
    text = str(params.get(name) or "").strip()
    if not text:
        return default
    try:
        value = Decimal(text) if text.isascii() and len(text) <= 20 else None
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite() or not Decimal(0) < value <= Decimal(1):
        raise HTTPException(400, f"{name} {shown(text)} is not a number above 0 and at most 1")
    return value

"""Numbers read from text a sender controls (attributes, header values, dates), strictly.
Pure: no IO.

``int()`` reads more than ASCII digits and can raise on what ``str.isdigit()`` accepts:
``"²".isdigit()`` is True and ``int("²")`` raises ValueError (issue 19: ``<td colspan="²">``
made the worker fail three times and quarantine a remittance); ``int("٣")`` is 3 (an
Arabic-Indic digit read as ours); and a string of more than 4,300 digits raises too (Python's
``sys.int_info.str_digits_check_threshold``). Every number the parsers take from such text
goes through :func:`ascii_int`: ASCII digits only, bounded, None for anything else. Never
raises.
"""

from __future__ import annotations

import email.utils
from datetime import date

#: What HTML and mail headers call white space around a number.
ASCII_SPACE = " \t\r\n\f"
#: Longest Date header read; a real one is under 40 characters.
MAX_DATE_HEADER_CHARS = 200


def ascii_int(
    text: str | None, *, minimum: int = 0, maximum: int, clamp: bool = False
) -> int | None:
    """The number ``text`` writes in ASCII digits (surrounding ASCII white space allowed),
    or None: empty, a sign, any other character (``"²"``, ``"٣"``, ``"3px"``), or outside
    ``minimum``..``maximum``. With ``clamp``, a number outside the bounds is brought to the
    nearer bound instead (a 4,300-digit ``colspan`` is the widest span). Never raises.

    >>> ascii_int(" 3 ", maximum=50), ascii_int("²", maximum=50)
    (3, None)
    >>> ascii_int("9" * 5000, maximum=50, clamp=True)
    50
    """
    if not text:
        return None
    digits = text.strip(ASCII_SPACE)
    if not digits or not digits.isascii() or not digits.isdigit():
        return None
    digits = digits.lstrip("0") or "0"
    if len(digits) > len(str(maximum)):  # too big to be in bounds: never int() it
        return maximum if clamp else None
    value = int(digits)
    if value > maximum:
        return maximum if clamp else None
    if value < minimum:
        return minimum if clamp else None
    return value


def ascii_date(year: str | int, month: str | int, day: str | int) -> date | None:
    """The calendar date of these parts (each an int or ASCII digits), or None when a part
    is not ASCII digits or the date does not exist (31 February, month 13)."""
    y = year if isinstance(year, int) else ascii_int(year, minimum=1, maximum=9999)
    m = month if isinstance(month, int) else ascii_int(month, minimum=1, maximum=12)
    d = day if isinstance(day, int) else ascii_int(day, minimum=1, maximum=31)
    if y is None or m is None or d is None:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def mail_day(header: str | None) -> date | None:
    """The day an RFC 5322 Date header names (in the writer's time zone), or None when there
    is none or it is not plain ASCII of a sane length: the stdlib parser reads an Arabic-Indic
    year and raises on a 5,000-digit one."""
    if not header or len(header) > MAX_DATE_HEADER_CHARS or not header.isascii():
        return None
    try:
        return email.utils.parsedate_to_datetime(header).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None

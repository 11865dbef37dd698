"""The decimal mark of a file's amounts, chosen once per file. Pure: no IO.

Excel in a German, French or Spanish Windows writes ``1.234,56`` and ``100,00``; everyone
else ``1,234.56``. A row-by-row guess would read ``1,234`` as 1234 in one row and ``1,5`` as
1.50 in the next, so the mark is chosen for the whole file from the amounts that can only
be read one way:

- ``100,00``, ``1.234,56``, ``1.234.567``: a decimal comma;
- ``100.00``, ``1,234.56``, ``1,234,567``: a decimal point;
- ``1,234``, ``1.234``, ``100``: either; they follow the other amounts, the option, or the
  default (a decimal point, as before), and the note says so.

A file with amounts of both kinds is refused: one of them would be misread.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from core.errors import ImportFileError

DecimalMark = Literal[".", ","]

_SIGN = r"[-+(]?\s*"
_END = r"\s*(?:\)|-|CR|DR)?"
_COMMA_RE = re.compile(
    rf"{_SIGN}(?:\d{{1,3}}(?:\.\d{{3}})+,\d{{1,2}}|\d+,\d{{1,2}}|\d{{1,3}}(?:\.\d{{3}}){{2,}}){_END}",
    re.IGNORECASE,
)
_POINT_RE = re.compile(
    rf"{_SIGN}(?:\d{{1,3}}(?:,\d{{3}})+\.\d{{1,2}}|\d+\.\d{{1,2}}|\d{{1,3}}(?:,\d{{3}}){{2,}}){_END}",
    re.IGNORECASE,
)
_EITHER_RE = re.compile(rf"{_SIGN}\d{{1,3}}[.,]\d{{3}}{_END}")


@dataclass(frozen=True, slots=True)
class DecimalChoice:
    """The decimal mark for a file, and what to tell the user about it (or None)."""

    mark: DecimalMark
    note: str | None = None


def choose_decimal_mark(
    cells: Iterable[tuple[int, str]], *, forced: DecimalMark | None = None
) -> DecimalChoice:
    """The decimal mark of the amounts ``cells`` (row number, text), or ``forced``.

    Raises:
        ImportFileError: amounts written with both marks and none forced.
    """
    if forced is not None:
        return DecimalChoice(forced)
    comma = point = either = None
    for row, text in cells:
        if "," not in text and "." not in text:
            continue  # 1250: read alike either way
        value = text.strip()
        if comma is None and _COMMA_RE.fullmatch(value):
            comma = (row, value)
        elif point is None and _POINT_RE.fullmatch(value):
            point = (row, value)
        elif either is None and _EITHER_RE.fullmatch(value):
            either = (row, value)
        if comma and point:
            raise ImportFileError(
                f"amounts are written with both decimal marks: {comma[1]!r} in row "
                f"{comma[0]} and {point[1]!r} in row {point[0]}; give --decimal-comma or "
                "--decimal-point"
            )
    if comma:
        return DecimalChoice(
            ",", f"amounts read with a decimal comma ({comma[1]!r} in row {comma[0]})"
        )
    if either and not point:
        return DecimalChoice(
            ".",
            f"amounts such as {either[1]!r} (row {either[0]}) can be read either way: read "
            "with a decimal point, the default; give --decimal-comma if the comma is the "
            "decimal mark",
        )
    return DecimalChoice(".")

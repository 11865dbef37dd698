"""Cells of the CSV and XLSX files arbox writes (exports, reports) made safe to open in a
spreadsheet. Pure: no IO.

Their text comes partly from strangers (a payer's name in a mail, a customer name from an
import), and a spreadsheet reads a cell starting with ``=`` as a formula
(``=HYPERLINK(…)``, ``=cmd|'/C calc'!A0``). So, as OWASP's "CSV injection" advice has it:

- CSV: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
  leading ``'`` (:func:`csv_cell`, which every row of a :class:`CsvWriter` goes
  through); a number (``-12.50``, ``-1.250,00``) is left alone;
- XLSX: a text cell is always a string cell, never a formula (:func:`xlsx_strings`), and loses
  the control characters an XLSX file cannot hold (:func:`xlsx_text`); numbers stay numbers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

#: What a spreadsheet may take for the start of a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A number as arbox writes it (``-12.50``, ``-1.250,00``, ``+3``): not text to neutralise.
_NUMBER_RE = re.compile(r"[+-]?\d[\d.,]*")


def csv_cell(value: Any) -> Any:
    """``value`` as it may go into a CSV cell: text that a spreadsheet would read as a formula
    gets a leading ``'``; numbers and anything that is not text are unchanged."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _NUMBER_RE.fullmatch(value)
    ):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A CSV row with every cell through :func:`csv_cell`."""
    return [csv_cell(v) for v in values]


class CsvWriter:
    """A :func:`csv.writer` that writes every row through :func:`csv_row`."""

    def __init__(self, buffer: Any, **options: Any) -> None:
        self._writer = csv.writer(buffer, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        """Write ``row`` with its formula-like text cells quoted."""
        return self._writer.writerow(csv_row(row))


def xlsx_text(value: Any) -> Any:
    """``value`` without the characters an XLSX cell cannot hold (text only)."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # loaded when an XLSX is written

        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def xlsx_strings(cells: Iterable[Any]) -> None:
    """Make every text cell of ``cells`` (openpyxl cells) a string cell: openpyxl takes a
    ``str`` starting with ``=`` for a formula."""
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"

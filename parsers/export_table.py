"""Ledger exports (the invoice and contact imports) as a header and numbered rows. Pure: no IO.

Strict, unlike the attachment reader in :mod:`parsers.spreadsheet`: every row is read and a
file that cannot be read exactly is refused with :class:`~core.errors.ImportFileError`.

- CSV/TSV: the encoding by :func:`parsers.text_encoding.decode_text` (BOM, UTF-8, or a legacy
  code page it is sure of; else refused naming the readings), the delimiter by the header
  line (the most of ``,`` ``;`` TAB; ties go to ``,``, as before). Existing UTF-8 comma files
  read exactly as they did.
- XLSX: the first sheet, formulas by their cached value; a formula without one is refused
  naming the cell (:mod:`parsers.xlsx_formulas`).

Sample (Excel's "CSV" in a German Windows: ``;``, Windows-1252, decimal comma)::

    invoice_number;customer_number;customer_name;issue_date;due_date;amount
    RE-1001;K-1;Müller GmbH;2026-01-05;2026-02-04;1.234,56
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Literal

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from core.errors import ImportFileError, UnreadableDocumentError
from parsers.text_encoding import decode_text
from parsers.xlsx_formulas import WorkbookShapeError, describe_cells, formulas_without_value

TableKind = Literal["csv", "xlsx"]
#: A ledger export: its header and its data rows, numbered as in the file (the header is 1).
ExportTable = tuple[list[str], list[tuple[int, list[str]]]]
#: The delimiters a CSV header is split by, the first winning ties.
DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass(frozen=True, slots=True)
class Export:
    """A read export and how it was read (``encoding`` and ``delimiter`` are None for XLSX)."""

    header: list[str]
    records: list[tuple[int, list[str]]]
    encoding: str | None = None
    delimiter: str | None = None
    detected: bool = False

    def describe(self) -> str | None:
        """What a user should be told about the reading: a legacy code page, or None."""
        if not self.detected or self.encoding is None:
            return None
        return (
            f"read as {self.encoding} (not UTF-8; detected), "
            f"{_DELIMITER_NAMES.get(self.delimiter or ',', 'comma')}-separated; "
            "if names look wrong, give --encoding or save the file as UTF-8"
        )


def table_kind(name: str) -> TableKind:
    """Whether the export file ``name`` is a CSV (``.csv``, ``.tsv``, ``.txt``: Excel's
    "Unicode text") or an XLSX file, by its suffix.

    Raises:
        ImportFileError: any other suffix.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    raise ImportFileError(
        f"{name}: unsupported file type {suffix or '(none)'!r}; use .csv, .tsv or .xlsx"
    )


def read_export(data: bytes, *, name: str, encoding: str | None = None) -> Export:
    """The header and the numbered data rows of the ledger export ``data`` named ``name``
    (``encoding`` forces a CSV's encoding). Cells are trimmed.

    Raises:
        ImportFileError: unsupported type, an encoding not sure, malformed CSV, an
            unreadable workbook or a formula without a value, or no header row.
    """
    if table_kind(name) == "xlsx":
        return _numbered(list(_xlsx_records(data, name)), name)
    try:
        decoded = decode_text(data, encoding=encoding)
    except UnreadableDocumentError as e:
        raise ImportFileError(f"{name}: {e.reason}") from e
    delimiter = sniff_delimiter(decoded.text.partition("\n")[0])
    table = _numbered(list(_csv_records(decoded.text, delimiter, name)), name)
    return Export(
        table.header,
        table.records,
        encoding=decoded.encoding,
        delimiter=delimiter,
        detected=encoding is None and not decoded.bom and decoded.encoding != "utf-8",
    )


def read_table(data: bytes, *, name: str, encoding: str | None = None) -> ExportTable:
    """:func:`read_export` as ``(header, records)``."""
    export = read_export(data, name=name, encoding=encoding)
    return export.header, export.records


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a CSV by its header line: the most of ``,`` ``;`` TAB (ties: the
    first). Header names hold none of them, so the header says it plainly."""
    return max(DELIMITERS, key=header_line.count)


def _numbered(rows: list[list[str]], name: str) -> Export:
    if not rows or not any(rows[0]):
        raise ImportFileError(f"{name}: empty file, no header row")
    return Export(rows[0], list(enumerate(rows[1:], start=2)))


def _csv_records(text: str, delimiter: str, name: str) -> Iterator[list[str]]:
    try:
        # StringIO, not str.splitlines(): that also splits on \x0c, \u2028 and friends.
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        for record in reader:
            yield [value.strip() for value in record]
    except csv.Error as e:
        raise ImportFileError(f"{name}: malformed CSV: {e}") from e


def _xlsx_records(data: bytes, name: str) -> Iterator[list[str]]:
    try:
        empty = formulas_without_value(data, max_sheets=1)
        with warnings.catch_warnings():
            # Workbooks written by other tools often lack a default style; openpyxl says so
            # with a UserWarning that tells the user nothing.
            warnings.simplefilter("ignore", UserWarning)
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, WorkbookShapeError) as e:
        raise ImportFileError(f"{name}: not a readable XLSX workbook ({e})") from e
    if empty:
        workbook.close()
        raise ImportFileError(f"{name}: {describe_cells(empty)}")
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [export_cell_text(value) for value in values]
    finally:
        workbook.close()


def export_cell_text(value: object) -> str:
    """A ledger export's cell as the text a user would have typed.

    Not the attachment reader's cell text: the import validates what the user typed, so a
    float goes through ``repr`` (the shortest string that round-trips, ``1e-05`` stays as
    written and is refused by the amount parser instead of rounded), never
    ``Decimal(float)``, and no cell format is applied.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value).strip()

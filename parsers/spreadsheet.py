"""CSV and XLSX files to rows of cell strings: the one spreadsheet reader. Pure: no IO.

An attachment (:func:`read_sheets`, lenient, bounded, and the remittance in it,
:func:`parse_spreadsheet_remittance`). Ledger exports for the imports are read strictly by
:mod:`parsers.export_table`.

- CSV: decoded by :func:`parsers.text_encoding.decode_text` (BOM, UTF-8, or a legacy code page
  such as a customer's Latin-1 export; leniently: letters that the code pages read
  differently become U+FFFD, never a guess); the delimiter (``,`` ``;`` tab ``|``) is the one
  that splits the first lines most evenly. Each column's decimal mark is inferred when its
  amounts are read (:func:`parsers.tables.read_grid`).
- XLSX: openpyxl with ``read_only=True, data_only=True`` (the cached values of formulas); a
  formula without a cached value makes the file unreadable, naming the cell.
  Numeric cells are numbers: a float becomes the shortest decimal that round-trips
  (``Decimal(repr(value))``), shown with two decimals only where that is exact and the cell
  is formatted with two; integral numbers (invoice numbers stored as numbers) are written
  without decimals; date cells become ISO dates. Nothing is rounded.
- Limits: a sheet of more than :data:`MAX_ROWS` rows is refused (its rows past the limit
  would be in no line and no review item); at most :data:`MAX_COLS` columns are read; an
  XLSX whose archive would expand past :data:`MAX_UNCOMPRESSED_BYTES` or holds more than
  :data:`MAX_ZIP_ENTRIES` files is refused before it is opened
  (:class:`~core.errors.UnreadableDocumentError`), as is a file that is not what it claims.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Literal
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from core.errors import UnreadableDocumentError
from core.types import Attachment, Remittance
from parsers.payment_info import read_payment_info
from parsers.tables import read_grid
from parsers.text_encoding import decode_text
from parsers.xlsx_formulas import WorkbookShapeError, describe_cells, formulas_without_value

#: Rows read at most per sheet (and per CSV file).
MAX_ROWS = 10_000
#: Columns read at most.
MAX_COLS = 64
#: Sheets of a workbook read at most.
MAX_SHEETS = 10
#: Largest size the files of an XLSX archive may expand to.
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
#: Most files an XLSX archive may hold.
MAX_ZIP_ENTRIES = 2_000
#: Rows whose text is searched for the payment facts (payer, date, method).
MAX_INFO_ROWS = 200
#: Longest CSV field read (the csv module's own limit is 128 KiB).
MAX_FIELD_CHARS = 10_000

CSV_TYPES = frozenset(
    {"text/csv", "application/csv", "text/comma-separated-values", "text/tab-separated-values"}
)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLS_TYPE = "application/vnd.ms-excel"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DELIMITERS = (",", ";", "\t", "|")
#: What openpyxl and the zip and XML layers under it raise on a damaged workbook.
_XLSX_ERRORS = (
    InvalidFileException,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    ParseError,
    SyntaxError,
    LookupError,
    ValueError,
    TypeError,
    AttributeError,
    OSError,
    EOFError,
    ArithmeticError,
    NotImplementedError,
)
_CURRENCY_FORMAT_RE = re.compile(r"\[\$(?P<sym>[^\]\-]+)|(?P<bare>[€£])")

SpreadsheetKind = Literal["csv", "xlsx", "xls"]


def spreadsheet_kind(attachment: Attachment) -> SpreadsheetKind | None:
    """Whether ``attachment`` is a CSV, XLSX or legacy XLS file (by content, type and name),
    or None."""
    name = (attachment.filename or "").lower()
    head = attachment.data[:8]
    if head.startswith(_OLE_MAGIC) and (
        attachment.content_type == XLS_TYPE or name.endswith(".xls")
    ):
        return "xls"
    if attachment.content_type == XLSX_TYPE or name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if head.startswith(b"PK\x03\x04") and attachment.content_type == XLS_TYPE:
        return "xlsx"
    if attachment.content_type in CSV_TYPES or name.endswith((".csv", ".tsv")):
        return "csv"
    if attachment.content_type == XLS_TYPE or name.endswith(".xls"):
        return "csv"  # a "CSV for Excel" sent as application/vnd.ms-excel
    return None


def read_sheets(
    data: bytes, kind: SpreadsheetKind, *, max_rows: int = MAX_ROWS
) -> list[list[list[str]]]:
    """The sheets of a spreadsheet file, each as rows of cell strings.

    Raises:
        UnreadableDocumentError: the file is empty, damaged, too big once unpacked, or a
            legacy XLS.
    """
    if not data:
        raise UnreadableDocumentError("empty file")
    if kind == "xls":
        raise UnreadableDocumentError("XLS (Excel 97-2003) is not supported; send XLSX or CSV")
    if kind == "csv":
        return [read_csv_rows(data, max_rows=max_rows)]
    return read_xlsx_rows(data, max_rows=max_rows)


def read_csv_rows(data: bytes, *, max_rows: int = MAX_ROWS) -> list[list[str]]:
    """The rows of a CSV file (at most ``max_rows``).

    Raises:
        UnreadableDocumentError: binary content, or a field longer than allowed.
    """
    text = decode_text(data, lenient=True).text
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    old_limit = csv.field_size_limit()
    try:
        csv.field_size_limit(MAX_FIELD_CHARS)
        for row in reader:
            if len(rows) >= max_rows:
                raise UnreadableDocumentError(_too_many_rows(max_rows))
            rows.append([cell.strip() for cell in row[:MAX_COLS]])
    except csv.Error as e:
        raise UnreadableDocumentError(f"malformed CSV: {e}") from e
    finally:
        csv.field_size_limit(old_limit)
    return rows


def read_xlsx_rows(data: bytes, *, max_rows: int = MAX_ROWS) -> list[list[list[str]]]:
    """The rows of each sheet of an XLSX workbook (at most ``max_rows`` each).

    Raises:
        UnreadableDocumentError: not a zip, a zip that expands too far, or a damaged workbook.
    """
    _check_archive(data)
    try:
        empty = formulas_without_value(data, max_sheets=MAX_SHEETS)
    except (*_XLSX_ERRORS, WorkbookShapeError) as e:
        raise UnreadableDocumentError(f"damaged XLSX ({type(e).__name__})") from e
    if empty:
        raise UnreadableDocumentError(describe_cells(empty))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _XLSX_ERRORS as e:
        raise UnreadableDocumentError(f"damaged XLSX ({type(e).__name__})") from e
    sheets: list[list[list[str]]] = []
    try:
        for sheet in workbook.worksheets[:MAX_SHEETS]:
            rows: list[list[str]] = []
            for row in sheet.iter_rows(max_row=max_rows + 1, max_col=MAX_COLS):
                if len(rows) >= max_rows:
                    raise UnreadableDocumentError(_too_many_rows(max_rows))
                cells = [_cell_text(cell) for cell in row]
                while cells and not cells[-1]:
                    cells.pop()
                rows.append(cells)
            sheets.append(rows)
    except _XLSX_ERRORS as e:
        raise UnreadableDocumentError(f"damaged XLSX ({type(e).__name__})") from e
    finally:
        workbook.close()
    return sheets


def _too_many_rows(max_rows: int) -> str:
    """The reason a sheet longer than arbox reads is refused: its rows past the limit would be
    in no line and no review item."""
    return f"more than {max_rows:,} rows: arbox reads at most that many from one file; split it"


def _check_archive(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as e:
        raise UnreadableDocumentError("not an XLSX file (no zip archive)") from e
    if len(infos) > MAX_ZIP_ENTRIES:
        raise UnreadableDocumentError(f"XLSX holds {len(infos)} files, over {MAX_ZIP_ENTRIES}")
    expanded = sum(info.file_size for info in infos)
    if expanded > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableDocumentError(
            f"XLSX expands to {expanded} bytes, over the limit of {MAX_UNCOMPRESSED_BYTES}"
        )


def _cell_text(cell: object) -> str:
    """The text of one workbook cell (see the module docstring for numbers and dates)."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        fmt = str(getattr(cell, "number_format", "") or "")
        return _number_text(value, fmt)
    return " ".join(str(value).split())


def _number_text(value: float, number_format: str) -> str:
    """A numeric cell as decimal text, exact: ``1250.0`` → ``1250`` (``1250.00`` when the
    cell is formatted with two decimals), ``0.1`` → ``0.1``, never rounded."""
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:  # inf, nan
        return ""
    if not number.is_finite():
        return ""
    text = format(number, "f")
    if "0.00" in number_format:
        cents = number.quantize(Decimal("0.01")) if abs(number) < 10**15 else number
        if cents == number:
            text = format(cents, "f")
    elif number == number.to_integral_value() and abs(number) < 10**15:
        text = str(int(number))
    m = _CURRENCY_FORMAT_RE.search(number_format)
    symbol = (m.group("sym") or m.group("bare") or "") if m else ""
    if symbol in ("€", "£") or re.fullmatch(r"[A-Z]{3}", symbol):
        text = f"{text} {symbol}"
    return text


def _sniff_delimiter(text: str) -> str:
    """The delimiter that gives the first lines the most fields, evenly (ties: ``,``).
    Lines it does not split (a title, "Created 2026-08-27" above the table) count against
    it but do not hide the table below them."""
    sample = [line for line in text.splitlines()[:50] if line.strip()]
    best, best_score = ",", -1.0
    for delimiter in _DELIMITERS:
        counts = _field_counts(sample, delimiter)
        split = [count for count in counts if count >= 2]
        if not split:
            continue
        modal = max(sorted(set(split)), key=split.count)
        score = counts.count(modal) / len(counts) * 10 + min(modal, 10) / 10
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _field_counts(lines: Sequence[str], delimiter: str) -> list[int]:
    try:
        return [len(row) for row in csv.reader(lines, delimiter=delimiter)]
    except csv.Error:
        return []


def parse_spreadsheet_remittance(
    data: bytes, *, kind: SpreadsheetKind, sender_name: str | None = None
) -> Remittance | None:
    """The remittance in a CSV or XLSX file: the first sheet whose table has lines, with the
    payment facts of its text (title rows above the table), or None.

    Raises:
        UnreadableDocumentError: see :func:`read_sheets`.
    """
    for rows in read_sheets(data, kind):
        grid = read_grid(rows)
        if not grid.lines:
            continue
        info = read_payment_info(
            "\n".join("  ".join(cell for cell in row if cell) for row in rows[:MAX_INFO_ROWS]),
            sender_name=sender_name,
        )
        return Remittance(
            lines=grid.lines,
            stated_total=grid.stated_total,
            payment_ref=grid.payment_ref or info.payment_ref,
            currency=grid.currency or info.currency,
            source=kind,
            payer_name=info.payer_name,
            payment_date=info.payment_date,
            payment_method=info.payment_method,
        )
    return None

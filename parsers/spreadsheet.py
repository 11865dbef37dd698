"""CSV and XLSX files to rows of cell strings: the one spreadsheet reader. Pure: no IO.

Two readings: an attachment (:func:`read_sheets`, lenient, bounded, and the remittance in it,
:func:`parse_spreadsheet_remittance`), and a ledger export for the invoice and contact
imports (:func:`read_table`, strict: UTF-8 only, a malformed file is refused with
:class:`~core.errors.ImportFileError`, every row read).

Attachments:

- CSV: decoded as UTF-8 (with or without BOM), UTF-16 with a BOM, else cp1252; the
  delimiter (``,`` ``;`` tab ``|``) is the one that splits the first lines most evenly.
- XLSX: openpyxl with ``read_only=True, data_only=True`` (the cached values of formulas).
  Numeric cells are numbers: a float becomes the shortest decimal that round-trips
  (``Decimal(repr(value))``), shown with two decimals only where that is exact and the cell
  is formatted with two; integral numbers (invoice numbers stored as numbers) are written
  without decimals; date cells become ISO dates. Nothing is rounded.
- Limits: at most :data:`MAX_ROWS` rows and :data:`MAX_COLS` columns per sheet are read
  (a bounded read); an XLSX whose archive would expand past :data:`MAX_UNCOMPRESSED_BYTES`
  or holds more than :data:`MAX_ZIP_ENTRIES` files is refused before it is opened
  (:class:`~core.errors.UnreadableDocumentError`), as is a file that is not what it claims.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Literal
from xml.etree.ElementTree import ParseError

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from core.errors import ImportFileError, UnreadableDocumentError
from core.types import Attachment, Remittance
from parsers.payment_info import read_payment_info
from parsers.tables import read_grid

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
    text = _decode(data)
    if "\x00" in text:
        raise UnreadableDocumentError("not a text file")
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    old_limit = csv.field_size_limit()
    try:
        csv.field_size_limit(MAX_FIELD_CHARS)
        for row in reader:
            rows.append([cell.strip() for cell in row[:MAX_COLS]])
            if len(rows) >= max_rows:
                break
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
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _XLSX_ERRORS as e:
        raise UnreadableDocumentError(f"damaged XLSX ({type(e).__name__})") from e
    sheets: list[list[list[str]]] = []
    try:
        for sheet in workbook.worksheets[:MAX_SHEETS]:
            rows: list[list[str]] = []
            for row in sheet.iter_rows(max_row=max_rows, max_col=MAX_COLS):
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


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


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


# --- ledger exports (the invoice and contact imports) ---------------------------------------

TableKind = Literal["csv", "xlsx"]
#: A ledger export: its header and its data rows, numbered as in the file (the header is 1).
ExportTable = tuple[list[str], list[tuple[int, list[str]]]]


def table_kind(name: str) -> TableKind:
    """Whether the export file ``name`` is a CSV or an XLSX file, by its suffix.

    Raises:
        ImportFileError: any other suffix.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    raise ImportFileError(
        f"{name}: unsupported file type {suffix or '(none)'!r}; use .csv or .xlsx"
    )


def read_table(data: bytes, *, name: str) -> ExportTable:
    """The header and the numbered data rows of the ledger export ``data`` named ``name``.

    CSV is UTF-8 (a BOM is dropped) split by ``;`` when the first line has more of them
    than commas, else by ``,``; XLSX is the first sheet. Cells are trimmed.

    Raises:
        ImportFileError: unsupported type, not UTF-8, malformed CSV, unreadable workbook,
            or no header row.
    """
    kind = table_kind(name)
    table = _export_csv_records(data, name) if kind == "csv" else _export_xlsx_records(data, name)
    numbered = enumerate(table, start=1)
    first = next(numbered, None)
    if first is None or not any(first[1]):
        raise ImportFileError(f"{name}: empty file, no header row")
    return first[1], list(numbered)


def _export_csv_records(data: bytes, name: str) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ImportFileError(f"{name}: not UTF-8 text ({e.reason} at byte {e.start})") from e
    first_line = text.partition("\n")[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        # StringIO, not str.splitlines(): that also splits on \x0c, \u2028 and friends.
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        for record in reader:
            yield [value.strip() for value in record]
    except csv.Error as e:
        raise ImportFileError(f"{name}: malformed CSV: {e}") from e


def _export_xlsx_records(data: bytes, name: str) -> Iterator[list[str]]:
    try:
        with warnings.catch_warnings():
            # Workbooks written by other tools often lack a default style; openpyxl says so
            # with a UserWarning that tells the user nothing.
            warnings.simplefilter("ignore", UserWarning)
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as e:
        raise ImportFileError(f"{name}: not a readable XLSX workbook ({e})") from e
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_export_cell_text(value) for value in values]
    finally:
        workbook.close()


def _export_cell_text(value: object) -> str:
    """A ledger export's cell as the text a user would have typed.

    Not :func:`_cell_text`: the import validates what the user typed, so a float goes through
    ``repr`` (the shortest string that round-trips, ``1e-05`` stays as written and is refused
    by the amount parser instead of rounded), never ``Decimal(float)``, and no cell format is
    applied.
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

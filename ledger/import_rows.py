"""Reading an invoice import file: every row validated before anything is written.

A bad row raises :class:`~core.errors.ImportRowError` with the row number a spreadsheet user
sees (the header is row 1). No database: :mod:`ledger.imports` writes what this reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from core.errors import AmountFormatError, ImportFileError, ImportRowError
from core.locales import normalize_locale
from core.money import currency_problem, fits_currency, minor_units, parse_amount
from parsers.decimal_marks import DecimalChoice, DecimalMark, choose_decimal_mark
from parsers.export_table import Export, ExportTable, read_export, table_kind

#: Columns every file must have.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "invoice_number",
    "customer_number",
    "customer_name",
    "issue_date",
    "due_date",
    "amount",
)
#: Columns read when present; any other column is ignored.
OPTIONAL_COLUMNS: tuple[str, ...] = ("customer_email", "balance", "currency", "terms", "locale")
#: Every column, in the order of a full export (what generators of ledgers write).
ALL_COLUMNS: tuple[str, ...] = (
    *REQUIRED_COLUMNS[:3],
    "customer_email",
    *REQUIRED_COLUMNS[3:],
    "balance",
    "currency",
    "terms",
)
#: Column widths of the tables, checked up front so PostgreSQL never truncates or fails late.
MAX_LENGTHS = {"invoice_number": 64, "customer_number": 64, "customer_name": 255, "terms": 64}
MAX_EMAIL_LENGTH = 320
#: Numeric(14, 2): at most 12 integer digits.
MAX_ABS_AMOUNT = Decimal("999999999999.99")
ZERO = Decimal("0.00")

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PLAIN_AMOUNT_RE = re.compile(r"-?\d{1,12}(\.\d{1,3})?")
_PLAIN_COMMA_AMOUNT_RE = re.compile(r"-?\d{1,12}(,\d{1,3})?")
_CENT = Decimal("0.01")
#: The columns holding amounts (their decimal mark is chosen once per file).
AMOUNT_COLUMNS = ("amount", "balance")
#: An e-mail address (dot-atoms at a domain of two or more labels), for import rows.
EMAIL_RE = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+"
)


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    """One validated row of an import file."""

    row: int
    number: str
    customer_number: str
    customer_name: str
    emails: tuple[str, ...]
    issue_date: date
    due_date: date
    amount: Decimal
    balance: Decimal
    currency: str
    terms: str | None
    #: The customer's locale (``de_DE``); None: leave the customer's as it is.
    locale: str | None = None


def read_invoice_rows(
    path: Path, *, default_currency: str, decimal_mark: DecimalMark | None = None
) -> list[InvoiceRow]:
    """Read and validate every row of ``path``; raises on the first bad row. No database."""
    header, records = read_table_file(path)
    mark = decimal_choice(header, records, forced=decimal_mark).mark
    return validate_rows(header, records, default_currency=default_currency, decimal_mark=mark)


def decimal_choice(
    header: Sequence[str],
    records: Sequence[tuple[int, list[str]]],
    *,
    forced: DecimalMark | None = None,
) -> DecimalChoice:
    """The decimal mark of the file's amount columns (:mod:`parsers.decimal_marks`)."""
    columns = column_positions(header)
    positions = [columns[name] for name in AMOUNT_COLUMNS if name in columns]
    cells = (
        (row, values[pos]) for row, values in records for pos in positions if pos < len(values)
    )
    return choose_decimal_mark(cells, forced=forced)


def validate_rows(
    header: Sequence[str],
    records: Sequence[tuple[int, list[str]]],
    *,
    default_currency: str,
    decimal_mark: DecimalMark = ".",
    on_row: Callable[[int], None] | None = None,
) -> list[InvoiceRow]:
    columns = column_positions(header)
    rows: list[InvoiceRow] = []
    numbers: set[str] = set()
    names: dict[str, str] = {}
    locales: dict[str, str] = {}
    for seen, (row_no, values) in enumerate(records, start=1):
        if on_row is not None:
            on_row(seen)
        if not any(values):
            continue
        fields = {name: values[pos] if pos < len(values) else "" for name, pos in columns.items()}
        inv = _validate_row(
            row_no, fields, default_currency=default_currency, decimal_mark=decimal_mark
        )
        if inv.number in numbers:
            raise ImportRowError(row_no, f"invoice_number {inv.number!r} appears twice in the file")
        numbers.add(inv.number)
        known = names.setdefault(inv.customer_number, inv.customer_name)
        if known != inv.customer_name:
            raise ImportRowError(
                row_no,
                f"customer_number {inv.customer_number!r} is named {inv.customer_name!r} here "
                f"but {known!r} in an earlier row",
            )
        _same_locale(row_no, inv, locales)
        rows.append(inv)
    return rows


# --- reading ------------------------------------------------------------------------------


def read_table_file(path: Path, *, encoding: str | None = None) -> ExportTable:
    """The header and the numbered data rows (the header is row 1) of a CSV or XLSX file,
    read by :func:`parsers.export_table.read_export`."""
    export = read_export_file(path, encoding=encoding)
    return export.header, export.records


def read_export_file(path: Path, *, encoding: str | None = None) -> Export:
    """:func:`read_table_file` with how the file was read (its encoding and delimiter)."""
    kind = table_kind(path.name)
    try:
        data = path.read_bytes()
    except OSError as e:
        if kind == "xlsx":
            raise ImportFileError(f"{path.name}: not a readable XLSX workbook ({e})") from e
        raise ImportFileError(f"{path.name}: cannot read: {e.strerror}") from e
    return read_export(data, name=path.name, encoding=encoding)


def column_positions(
    header: Sequence[str],
    required: Sequence[str] = REQUIRED_COLUMNS,
    optional: Collection[str] = OPTIONAL_COLUMNS,
) -> dict[str, int]:
    """Position of each known column (``required`` and ``optional``, the invoice import's by
    default); header names are trimmed and case-insensitive. Unknown columns are ignored."""
    positions: dict[str, int] = {}
    for pos, name in enumerate(header):
        key = name.strip().lower()
        if key not in required and key not in optional:
            continue
        if key in positions:
            raise ImportFileError(f"column {key!r} appears twice in the header")
        positions[key] = pos
    missing = [name for name in required if name not in positions]
    if missing:
        raise ImportFileError(f"missing columns: {', '.join(missing)}")
    return positions


# --- validation ---------------------------------------------------------------------------


def _validate_row(
    row: int, fields: dict[str, str], *, default_currency: str, decimal_mark: DecimalMark
) -> InvoiceRow:
    for name in REQUIRED_COLUMNS:
        if not fields[name]:
            raise ImportRowError(row, f"{name} is empty")
    for name, limit in MAX_LENGTHS.items():
        value = fields.get(name, "")
        if len(value) > limit:
            raise ImportRowError(row, f"{name} is longer than {limit} characters")
    issue_date = _date(row, "issue_date", fields["issue_date"])
    due_date = _date(row, "due_date", fields["due_date"])
    if due_date < issue_date:
        raise ImportRowError(row, f"due_date {due_date} is before issue_date {issue_date}")
    currency = (fields.get("currency", "") or default_currency).strip().upper()
    problem = _currency_problem(currency)
    if problem is not None:
        raise ImportRowError(row, f"currency {currency!r} {problem}")
    amount = _amount(row, "amount", fields["amount"], decimal_mark, currency)
    balance_text = fields.get("balance", "")
    balance = (
        _amount(row, "balance", balance_text, decimal_mark, currency) if balance_text else amount
    )
    if amount >= ZERO and not ZERO <= balance <= amount:
        raise ImportRowError(row, f"balance {balance} is not between 0 and amount {amount}")
    if amount < ZERO and not amount <= balance <= ZERO:
        raise ImportRowError(
            row, f"balance {balance} of a credit memo is not between amount {amount} and 0"
        )
    return InvoiceRow(
        row=row,
        number=fields["invoice_number"],
        customer_number=fields["customer_number"],
        customer_name=fields["customer_name"],
        emails=_emails(row, fields.get("customer_email", "")),
        issue_date=issue_date,
        due_date=due_date,
        amount=amount,
        balance=balance,
        currency=currency,
        terms=fields.get("terms") or None,
        locale=_locale(row, fields.get("locale", "")),
    )


def _same_locale(row: int, inv: InvoiceRow, locales: dict[str, str]) -> None:
    """A customer has one locale: two rows of it may not name two."""
    if inv.locale is None:
        return
    known = locales.setdefault(inv.customer_number, inv.locale)
    if known != inv.locale:
        raise ImportRowError(
            row,
            f"customer_number {inv.customer_number!r} has locale {inv.locale!r} here "
            f"but {known!r} in an earlier row",
        )


def _locale(row: int, text: str) -> str | None:
    """The row's ``locale`` as a CLDR identifier; None when empty."""
    if not text.strip():
        return None
    locale = _parse_locale(text)
    if locale.startswith("!"):
        raise ImportRowError(row, f"locale: {locale[1:]}")
    return locale


@lru_cache(maxsize=256)
def _parse_locale(text: str) -> str:
    """``text`` as a locale, or ``!`` and why not. Cached: a file repeats a few locales."""
    try:
        return normalize_locale(text)
    except ValueError as e:
        return f"!{e}"


@lru_cache(maxsize=256)
def _currency_problem(code: str) -> str | None:
    return currency_problem(code)


def _date(row: int, name: str, text: str) -> date:
    parsed = _parse_date(text)
    if isinstance(parsed, str):
        raise ImportRowError(row, f"{name} {text!r} {parsed}")
    return parsed


@lru_cache(maxsize=8192)
def _parse_date(text: str) -> date | str:
    """The date ``text`` is in YYYY-MM-DD form, or why not. Cached: a ledger has a few
    hundred distinct dates in a million rows."""
    # date.fromisoformat also takes 20260105 and 2026-W01-1 since 3.11; we want YYYY-MM-DD only.
    if not _DATE_RE.fullmatch(text):
        return "is not a date in YYYY-MM-DD form"
    try:
        return date.fromisoformat(text)
    except ValueError:
        return "is not a valid date"


def _amount(row: int, name: str, text: str, mark: DecimalMark, currency: str) -> Decimal:
    plain = _PLAIN_AMOUNT_RE if mark == "." else _PLAIN_COMMA_AMOUNT_RE
    if plain.fullmatch(text):  # the common case, without parse_amount's generality
        value = Decimal(text.replace(",", "."))
        if value.as_tuple().exponent != -3:  # two decimals unless three are written
            value = value.quantize(_CENT)
    else:
        try:
            value = parse_amount(text, decimal_sep=mark)
        except AmountFormatError as e:
            raise ImportRowError(row, f"{name} {text!r} is not an amount: {e.reason}") from e
    if abs(value) > MAX_ABS_AMOUNT:
        raise ImportRowError(row, f"{name} {text!r} is too large")
    if not fits_currency(value, currency):
        raise ImportRowError(
            row,
            f"{name} {text!r} has more decimals than {currency} allows ({minor_units(currency)})",
        )
    return value


def _emails(row: int, text: str) -> tuple[str, ...]:
    emails = _parse_emails(text)
    if isinstance(emails, str):
        raise ImportRowError(row, f"customer_email {emails!r} is not an e-mail address")
    return emails


@lru_cache(maxsize=8192)
def _parse_emails(text: str) -> tuple[str, ...] | str:
    """The lower-cased addresses of a ``;``-separated list, or the first part that is not
    one. Cached: a customer's rows repeat the same addresses."""
    emails: list[str] = []
    for part in text.split(";"):
        address = part.strip().lower()
        if not address:
            continue
        if len(address) > MAX_EMAIL_LENGTH or not EMAIL_RE.fullmatch(address):
            return part.strip()
        if address not in emails:
            emails.append(address)
    return tuple(emails)

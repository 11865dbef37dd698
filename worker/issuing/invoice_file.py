"""Reading the file of ``arbox invoices issue``: JSON, or CSV/TSV/XLSX (read like every import,
:func:`ledger.import_rows.read_export_file`). No database: what is checked here is the file
itself; :mod:`worker.issuing.invoices` checks it against the ledger and the settings.

JSON: a list of ``{"customer_number", "issue_date", "currency", "terms", "po_number",
"notes"?, "lines": [{"description", "quantity", "unit_price", "tax_rate", "tax_category"?,
"unit_code"?}]}``; amounts, quantities and rates are decimal strings (JSON numbers are read
exactly too); ``notes`` a string or a list of strings. A problem is named by the document's
place in the list (``document 3, line 2``).

CSV/XLSX: one row per line; the ``document`` column groups the rows of one invoice (any
text: ``1``, ``A-17``), its invoice columns (``customer_number``, ``issue_date``,
``currency``, ``terms``, ``po_number``, ``notes``) are given on its first row and, on its
other rows, either left empty or repeated with the same value; the line columns
(``description``, ``quantity``, ``unit_price``, ``tax_rate``, ``tax_category``,
``unit_code``) on every row. Decimals are written with a point. A problem is named by the
spreadsheet row (the header is row 1).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from core.errors import ImportFileError, PermanentError
from core.invoicing import TaxCategory
from core.money import currency_problem, plain_decimal
from ledger.import_rows import column_positions, read_export_file

INVOICE_COLUMNS = ("customer_number", "issue_date", "currency", "terms", "po_number", "notes")
LINE_COLUMNS = ("description", "quantity", "unit_price", "tax_rate", "tax_category", "unit_code")
REQUIRED_COLUMNS = (
    "document",
    "customer_number",
    "issue_date",
    "currency",
    "terms",
    "description",
    "quantity",
    "unit_price",
    "tax_rate",
)
#: Bounds that keep a hostile file from costing more than a real one would.
MAX_DOCUMENTS = 100_000
MAX_LINES = 500
MAX_TEXT = {"description": 1000, "notes": 2000, "po_number": 64, "terms": 64}
MAX_FILE_BYTES = 200 * 1024 * 1024


class IssueFileError(PermanentError):
    """The file cannot be issued: ``problems`` are ``(where, reason)`` pairs (``row 7``,
    ``document 3, line 2``)."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        shown = "; ".join(f"{where}: {reason}" for where, reason in problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(shown + more)
        self.problems = tuple(problems)


#: The years an issue date may have: a date past these is a typo (``9999-12-31``, ``0001``), and
#: its due date could not even be computed.
FIRST_ISSUE_YEAR, LAST_ISSUE_YEAR = 2000, 2999


@dataclass(frozen=True, slots=True)
class LineIn:
    """A line as the file gives it (checked for form, not yet against the settings)."""

    where: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal
    tax_category: TaxCategory
    unit_code: str


@dataclass(frozen=True, slots=True)
class DocumentIn:
    """An invoice as the file gives it."""

    where: str
    customer_number: str
    issue_date: date
    currency: str
    terms: str
    po_number: str | None
    notes: tuple[str, ...]
    lines: tuple[LineIn, ...]

    def issue_key(self, company: str) -> str:
        """What makes issuing this document idempotent: a hash of its content (customer,
        date, currency, PO number and lines, decimals compared by value)."""
        content = [
            "invoice",
            company,
            self.customer_number,
            self.issue_date.isoformat(),
            self.currency,
            self.po_number or "",
            [
                [ln.description, _plain(ln.quantity), _plain(ln.unit_price), _plain(ln.tax_rate),
                 ln.tax_category.value, ln.unit_code]
                for ln in self.lines
            ],
        ]  # fmt: skip
        text = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


class _Problems:
    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []

    def add(self, where: str, reason: str) -> None:
        self.found.append((where, reason))


def read_invoice_file(path: Path) -> tuple[list[DocumentIn], list[tuple[str, str]]]:
    """The well-formed documents of ``path`` and the problems of the others (``(where,
    reason)``), so that the checks against the ledger can name theirs too.

    Raises:
        ImportFileError: the file cannot be read at all.
    """
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ImportFileError(f"{path.name} is larger than {MAX_FILE_BYTES >> 20} MiB")
    except OSError as e:
        raise ImportFileError(f"{path.name}: cannot read: {e.strerror}") from e
    problems = _Problems()
    if path.suffix.lower() == ".json":
        documents = _from_json(path, problems)
    else:
        documents = _from_table(path, problems)
    if not documents and not problems.found:
        problems.add(path.name, "no invoices in the file")
    if len(documents) > MAX_DOCUMENTS:
        problems.add(path.name, f"more than {MAX_DOCUMENTS} invoices: split the file")
    return documents, problems.found


# --- JSON ---------------------------------------------------------------------------------


def _from_json(path: Path, problems: _Problems) -> list[DocumentIn]:
    try:
        data = json.loads(path.read_bytes(), parse_float=Decimal, parse_int=Decimal)
    except (ValueError, RecursionError) as e:
        raise ImportFileError(f"{path.name}: not JSON ({str(e)[:80]})") from e
    if not isinstance(data, list):
        raise ImportFileError(f"{path.name}: expected a list of invoices")
    out = []
    for number, item in enumerate(data, start=1):
        where = f"document {number}"
        if not isinstance(item, dict):
            problems.add(where, "not an object")
            continue
        raw_lines = item.get("lines")
        if not isinstance(raw_lines, list) or not raw_lines:
            problems.add(where, "lines: expected a non-empty list")
            continue
        lines = [
            _line(f"{where}, line {n}", ln if isinstance(ln, dict) else None, problems)
            for n, ln in enumerate(raw_lines, start=1)
        ]
        notes = item.get("notes")
        if isinstance(notes, list) and all(isinstance(n, str) for n in notes):
            item = {**item, "notes": "\n".join(notes)}
        doc = _document(where, item, [ln for ln in lines if ln is not None], problems)
        if doc is not None and len(lines) == len(doc.lines):
            out.append(doc)
    return out


# --- CSV / XLSX ---------------------------------------------------------------------------


def _from_table(path: Path, problems: _Problems) -> list[DocumentIn]:
    export = read_export_file(path)
    columns = column_positions(
        export.header, REQUIRED_COLUMNS, (*INVOICE_COLUMNS, *LINE_COLUMNS, "document")
    )
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for row_no, values in export.records:
        if not any(v.strip() for v in values):
            continue
        fields = {
            name: values[pos].strip() if pos < len(values) else "" for name, pos in columns.items()
        }
        key = fields["document"]
        if not key:
            problems.add(f"row {row_no}", "document is empty (it groups the rows of an invoice)")
            continue
        groups.setdefault(key, []).append((row_no, fields))
    out = []
    for rows in groups.values():
        before = len(problems.found)
        first_row, first = rows[0]
        header = dict(first)
        for row_no, fields in rows[1:]:
            for name in INVOICE_COLUMNS:
                value = fields.get(name, "")
                if value and value != header.get(name, ""):
                    problems.add(
                        f"row {row_no}",
                        f"{name} {value[:40]!r} differs from row {first_row}'s "
                        f"{header.get(name, '')[:40]!r} in document {first['document'][:40]!r}",
                    )
        lines = [_line(f"row {row_no}", fields, problems) for row_no, fields in rows]
        doc = _document(f"row {first_row}", header, [ln for ln in lines if ln], problems)
        if doc is not None and len(doc.lines) == len(rows) and len(problems.found) == before:
            out.append(doc)
    return out


# --- fields -------------------------------------------------------------------------------


def _document(
    where: str, item: Mapping[str, Any], lines: list[LineIn], problems: _Problems
) -> DocumentIn | None:
    before = len(problems.found)
    customer = _text(where, item, "customer_number", problems, limit=64)
    currency = _text(where, item, "currency", problems, limit=3).upper()
    if currency and currency_problem(currency):
        problems.add(where, f"currency {currency!r} {currency_problem(currency)}")
    issue_date = _date(where, item, problems)
    terms = _text(where, item, "terms", problems, limit=MAX_TEXT["terms"])
    po = _text(where, item, "po_number", problems, limit=MAX_TEXT["po_number"], required=False)
    notes = _text(where, item, "notes", problems, limit=MAX_TEXT["notes"], required=False)
    if len(lines) > MAX_LINES:
        problems.add(where, f"more than {MAX_LINES} lines")
    if len(problems.found) > before or issue_date is None:
        return None
    return DocumentIn(
        where=where,
        customer_number=customer,
        issue_date=issue_date,
        currency=currency,
        terms=terms,
        po_number=po or None,
        notes=tuple(n for n in notes.splitlines() if n.strip()),
        lines=tuple(lines),
    )


def _line(where: str, item: Mapping[str, Any] | None, problems: _Problems) -> LineIn | None:
    if item is None:
        problems.add(where, "not an object")
        return None
    before = len(problems.found)
    description = _text(where, item, "description", problems, limit=MAX_TEXT["description"])
    quantity = _decimal(where, item, "quantity", problems)
    price = _decimal(where, item, "unit_price", problems)
    rate = _decimal(where, item, "tax_rate", problems)
    category_text = _text(where, item, "tax_category", problems, limit=4, required=False) or "S"
    unit = _text(where, item, "unit_code", problems, limit=3, required=False) or "C62"
    try:
        category = TaxCategory(category_text.upper())
    except ValueError:
        problems.add(where, f"tax_category {category_text!r}: S, Z, E, AE, K, G, O, L or M")
        return None
    if len(problems.found) > before or quantity is None or price is None or rate is None:
        return None
    return LineIn(where, description, quantity, price, rate, category, unit.upper())


def _text(
    where: str,
    item: Mapping[str, Any],
    name: str,
    problems: _Problems,
    *,
    limit: int,
    required: bool = True,
) -> str:
    value = item.get(name)
    if value is None or value == "":
        if required:
            problems.add(where, f"{name} is missing")
        return ""
    if isinstance(value, Decimal):
        value = format(value, "f")
    if not isinstance(value, str):
        problems.add(where, f"{name}: expected text")
        return ""
    value = value.strip()
    if len(value) > limit:
        problems.add(where, f"{name} is longer than {limit} characters")
        return ""
    if required and not value:
        problems.add(where, f"{name} is empty")
    return value


def _decimal(where: str, item: Mapping[str, Any], name: str, problems: _Problems) -> Decimal | None:
    value = item.get(name)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, str) and value.strip():
        try:
            number = plain_decimal(value)
        except ValueError:
            problems.add(where, f"{name} {value[:20]!r} is not a decimal number (1234.50)")
            return None
    else:
        problems.add(where, f"{name} is missing")
        return None
    if not number.is_finite():
        problems.add(where, f"{name} {value!s:.20} is not a number")
        return None
    return number


def _date(where: str, item: Mapping[str, Any], problems: _Problems) -> date | None:
    text = item.get("issue_date")
    if not isinstance(text, str) or not text.strip():
        problems.add(where, "issue_date is missing (YYYY-MM-DD)")
        return None
    text = text.strip()
    # a spreadsheet's date cell is read as ``2026-12-01 00:00:00``
    day, _, time = text.replace("T", " ").partition(" ")
    try:
        if len(day) != 10 or time.strip("0:") or len(time) > 8:
            raise ValueError(text)
        issued = date.fromisoformat(day)
    except ValueError:
        problems.add(where, f"issue_date {text[:20]!r} is not a date YYYY-MM-DD")
        return None
    if not FIRST_ISSUE_YEAR <= issued.year <= LAST_ISSUE_YEAR:
        problems.add(
            where,
            f"issue_date {day} is not a year from {FIRST_ISSUE_YEAR} to {LAST_ISSUE_YEAR}",
        )
        return None
    return issued

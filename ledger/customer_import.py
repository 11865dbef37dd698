"""Customers' billing details (``arbox import customers FILE``, issue 24): what an invoice arbox
issues says of its customer, from a CSV, TSV or XLSX file read like every import
(:func:`ledger.import_rows.read_export_file`), all or nothing.

Columns (header names case-insensitive, others ignored)::

    customer_number,name,address,postcode,city,country,vat_id,endpoint,einvoice,locale
    C-1001,Acme GmbH,Hauptstr. 1|Hof 2,10115,Berlin,DE,DE123456789,9930:DE123456789,factur-x,de_DE

``customer_number`` is required: a known customer is updated, an unknown one is created when
the row has a ``name`` (else the row is refused). Every other column is optional; an empty
cell leaves the customer's value as it is. ``address``: street lines separated by ``|``;
``country``: ISO 3166-1 alpha-2; ``endpoint``: the Peppol endpoint ``scheme:identifier``
(EAS scheme: 4 digits or ``EM``); ``einvoice``: ``none``, ``factur-x`` or ``ubl``;
``locale``: a CLDR locale (``de_DE``). The whole file is checked before anything is written
(:class:`~core.errors.ImportRowError` with the row number, the header being row 1).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from core.errors import ImportRowError
from core.locales import normalize_locale
from ledger.compiled import IN_CHUNK
from ledger.import_rows import column_positions, read_export_file
from ledger.models import AuditEvent, Customer

REQUIRED_COLUMNS = ("customer_number",)
OPTIONAL_COLUMNS = (
    "name",
    "address",
    "postcode",
    "city",
    "country",
    "vat_id",
    "endpoint",
    "einvoice",
    "locale",
)
_LIMITS = {"customer_number": 64, "name": 255, "address": 1000, "postcode": 16, "city": 64}
_VAT_ID = re.compile(r"[A-Z]{2}[A-Z0-9+*.]{2,30}")
_ENDPOINT = re.compile(r"(?P<scheme>[0-9]{4}|EM):(?P<id>[^\s:][^\s]{0,127})")
_EINVOICES = ("none", "factur-x", "ubl")


@dataclass(frozen=True, slots=True)
class CustomersSummary:
    """What a customers import did."""

    rows: int
    created: int
    updated: int
    notes: tuple[str, ...] = ()


def import_customers(
    session: Session,
    path: Path,
    *,
    now: datetime,
    actor: str = "import",
    encoding: str | None = None,
) -> CustomersSummary:
    """Create or update the customers of ``path``; nothing is written unless every row is
    valid (the caller owns the transaction).

    Raises:
        ImportFileError: the file cannot be read, or lacks a required column.
        ImportRowError: a row is invalid.
    """
    export = read_export_file(path, encoding=encoding)
    rows = read_customer_rows(export.header, export.records)
    known = _known(session, [number for _, number, _ in rows])
    created = updated = 0
    new: list[dict[str, object]] = []
    for row_no, number, values in rows:
        if number in known:
            if values:
                session.execute(
                    update(Customer).where(Customer.id == known[number]).values(**values)
                )
            updated += 1
        elif "name" not in values:
            raise ImportRowError(
                row_no, f"customer {number!r} is not known: give its name to create it"
            )
        else:
            new.append({"number": number, "created_at": now, **values})
            created += 1
    if new:
        columns = sorted({key for row in new for key in row})
        session.execute(insert(Customer), [{c: row.get(c) for c in columns} for row in new])
    summary = CustomersSummary(
        len(rows), created, updated, tuple(n for n in [export.describe()] if n)
    )
    session.add(
        AuditEvent(
            at=now,
            actor=actor,
            action="import_customers",
            entity="customer",
            entity_id=None,
            detail={"file": path.name, "rows": len(rows), "created": created, "updated": updated},
        )
    )
    session.flush()
    return summary


def read_customer_rows(
    header: Sequence[str], records: Sequence[tuple[int, list[str]]]
) -> list[tuple[int, str, dict[str, object]]]:
    """(row, customer number, the columns to set) of every row; no database."""
    columns = column_positions(header, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
    out: list[tuple[int, str, dict[str, object]]] = []
    seen: dict[str, int] = {}
    for row_no, values in records:
        if not any(v.strip() for v in values):
            continue
        fields = {
            name: values[pos].strip() if pos < len(values) else "" for name, pos in columns.items()
        }
        number = fields.pop("customer_number")
        if not number:
            raise ImportRowError(row_no, "customer_number is empty")
        if number in seen:
            raise ImportRowError(row_no, f"customer {number!r} is already in row {seen[number]}")
        seen[number] = row_no
        out.append((row_no, number, _values(row_no, {"customer_number": number, **fields})))
    return out


def _values(row: int, fields: dict[str, str]) -> dict[str, object]:
    for name, limit in _LIMITS.items():
        if len(fields.get(name, "")) > limit:
            raise ImportRowError(row, f"{name} is longer than {limit} characters")
        hidden = _hidden(fields.get(name, ""))
        if hidden:
            raise ImportRowError(
                row, f"{name} has an invisible or control character (U+{ord(hidden):04X})"
            )
    number = fields.get("customer_number", "")
    if not (number.isascii() and number.isprintable()):
        raise ImportRowError(
            row,
            f"customer_number {number[:64]!r} is not plain ASCII: a number that looks like "
            "another customer's (a Cyrillic С for a C) would be another customer",
        )
    values: dict[str, object] = {}
    for name in ("name", "postcode", "city"):
        if fields.get(name):
            values[name] = fields[name]
    if fields.get("address"):
        lines = [part.strip() for part in fields["address"].split("|") if part.strip()]
        values["address"] = "\n".join(lines)
    values.update(_codes(row, fields))
    return values


def _hidden(text: str) -> str | None:
    """The first character of ``text`` a reader does not see: a control character, or a
    format character (zero-width space, bidi override…), or None."""
    return next((ch for ch in text if unicodedata.category(ch) in ("Cc", "Cf")), None)


def _codes(row: int, fields: dict[str, str]) -> dict[str, object]:
    values: dict[str, object] = {}
    country = fields.get("country", "").upper()
    if country:
        if len(country) != 2 or not country.isascii() or not country.isalpha():
            raise ImportRowError(
                row, f"country {country[:10]!r}: an ISO 3166-1 alpha-2 code (DE, CH)"
            )
        values["country"] = country
    vat_id = fields.get("vat_id", "").replace(" ", "").upper()
    if vat_id:
        if not _VAT_ID.fullmatch(vat_id):
            raise ImportRowError(
                row, f"vat_id {vat_id[:20]!r}: a country prefix and 2 to 30 letters or digits"
            )
        values["vat_id"] = vat_id
    endpoint = fields.get("endpoint", "")
    if endpoint:
        match = _ENDPOINT.fullmatch(endpoint)
        if match is None:
            raise ImportRowError(
                row, f"endpoint {endpoint[:40]!r}: scheme:identifier (0088:4000001000005)"
            )
        values["endpoint_scheme"], values["endpoint_id"] = match["scheme"], match["id"]
    einvoice = fields.get("einvoice", "").lower()
    if einvoice:
        if einvoice not in _EINVOICES:
            raise ImportRowError(row, f"einvoice {einvoice[:20]!r}: none, factur-x or ubl")
        values["einvoice"] = einvoice
    if fields.get("locale"):
        try:
            values["locale"] = normalize_locale(fields["locale"])
        except ValueError as e:
            raise ImportRowError(row, f"locale: {e}") from e
    return values


def _known(session: Session, numbers: Sequence[str]) -> dict[str, int]:
    wanted = sorted(set(numbers))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[start : start + IN_CHUNK]
        query = select(Customer.number, Customer.id).where(Customer.number.in_(chunk))
        found.update(dict(session.execute(query).tuples().all()))
    return found

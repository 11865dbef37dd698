"""Invoice import: open invoices and their customers from a CSV or XLSX file, all or nothing.

The whole file is read and validated before anything is written, so a bad row raises
:class:`~core.errors.ImportRowError` (with the row number a spreadsheet user sees: the header
is row 1) and leaves the caller's transaction untouched. Valid files are upserted in bulk:
existing invoices and customers are loaded by number in one query per chunk, new rows go in
with one executemany ``INSERT`` and changed ones with one executemany ``UPDATE`` by primary key.

Columns as in docs/imports-and-exports.md (invoice import); a CSV may also use ``;``::

    invoice_number,customer_number,customer_name,issue_date,due_date,amount,balance,currency
    INV-1001,C-001,Acme Corp,2026-01-05,2026-02-04,1250.00,1250.00,USD
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from core.refs import normalise_ref
from core.statuses import InvoiceStatus
from ledger.compiled import IN_CHUNK
from ledger.import_rows import (
    ZERO,
    InvoiceRow,
    decimal_choice,
    read_export_file,
    validate_rows,
)
from ledger.models import AuditEvent, Contact, Customer, Invoice
from parsers.decimal_marks import DecimalMark

#: Rows per executemany batch; progress is reported after each batch.
MIN_WRITE_BATCH = 500


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did. ``invoices_unchanged`` were in the file and already up to date."""

    rows: int
    invoices_created: int
    invoices_updated: int
    customers_created: int
    contacts_added: int
    invoices_unchanged: int = 0
    #: What the user should know about how the file was read (its encoding, decimal mark).
    notes: tuple[str, ...] = ()


@dataclass(slots=True)
class _CustomerIn:
    name: str
    emails: set[str] = field(default_factory=set)
    locale: str | None = None  # None: leave the customer's as it is


def import_invoices(
    session: Session,
    path: Path,
    *,
    default_currency: str,
    now: datetime,
    actor: str = "import",
    progress: Callable[[int, int], None] | None = None,
    decimal_mark: DecimalMark | None = None,
    encoding: str | None = None,
) -> ImportSummary:
    """Upsert the invoices of ``path`` (CSV or XLSX) and their customers and contacts.

    Nothing is written unless every row is valid; the caller owns the transaction.
    ``decimal_mark`` forces the amounts' decimal mark (else inferred per file) and
    ``encoding`` a CSV's encoding (else detected).

    Raises:
        ImportFileError: the file cannot be read, or lacks a required column.
        ImportRowError: a row is invalid (``row`` is its 1-based number, header = 1).
    """
    with _no_cyclic_gc():
        export = read_export_file(path, encoding=encoding)
        header, records, export_note = export.header, export.records, export.describe()
        choice = decimal_choice(header, records, forced=decimal_mark)
        tracker = _Progress(progress, total=len(records))
        # Validation is the first half of the bar, writing the second.
        rows = validate_rows(
            header,
            records,
            default_currency=default_currency,
            decimal_mark=choice.mark,
            on_row=lambda n: tracker(n // 2),
        )
        del records, export
    total = len(rows)
    half = tracker.total // 2
    customers = _customers_in(rows)
    customer_ids, customers_created = _upsert_customers(session, customers, now=now)
    contacts_added = _add_contacts(session, customers, customer_ids)
    created, updated, unchanged = _upsert_invoices(
        session,
        rows,
        customer_ids,
        now=now,
        on_written=lambda n: tracker(half + (tracker.total - half) * n // max(total, 1)),
    )
    tracker(tracker.total)
    summary = ImportSummary(
        rows=total,
        invoices_created=created,
        invoices_updated=updated,
        customers_created=customers_created,
        contacts_added=contacts_added,
        invoices_unchanged=unchanged,
        notes=tuple(note for note in (export_note, choice.note) if note),
    )
    session.add(
        AuditEvent(
            at=now,
            actor=actor,
            action="import_invoices",
            entity="invoice",
            entity_id=None,
            detail={
                "file": path.name,
                "rows": total,
                "invoices_created": created,
                "invoices_updated": updated,
                "invoices_unchanged": unchanged,
                "customers_created": customers_created,
                "contacts_added": contacts_added,
            },
        )
    )
    session.flush()
    return summary


# --- writing ------------------------------------------------------------------------------


def _customers_in(rows: Iterable[InvoiceRow]) -> dict[str, _CustomerIn]:
    customers: dict[str, _CustomerIn] = {}
    for inv in rows:
        customer = customers.setdefault(inv.customer_number, _CustomerIn(inv.customer_name))
        customer.emails.update(inv.emails)
        customer.locale = customer.locale or inv.locale
    return customers


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _upsert_customers(
    session: Session, customers: dict[str, _CustomerIn], *, now: datetime
) -> tuple[dict[str, int], int]:
    """Ids of every customer of the file by number, creating, renaming and setting the
    locale (when the file gives one) as needed."""
    numbers = list(customers)
    ids: dict[str, int] = {}
    renames: list[dict[str, Any]] = []
    for chunk in _chunks(numbers, IN_CHUNK):
        found = session.execute(
            select(Customer.id, Customer.number, Customer.name, Customer.locale).where(
                Customer.number.in_(chunk)
            )
        )
        for cid, number, name, locale in found:
            ids[number] = cid
            wanted = customers[number]
            if (wanted.name, wanted.locale or locale) != (name, locale):
                renames.append({"id": cid, "name": wanted.name, "locale": wanted.locale or locale})
    if renames:
        session.execute(update(Customer), renames)
    new = [
        {
            "number": number,
            "name": customers[number].name,
            "created_at": now,
            "locale": customers[number].locale,
        }
        for number in numbers
        if number not in ids
    ]
    if new:
        created = session.execute(
            insert(Customer).returning(Customer.id, Customer.number, sort_by_parameter_order=True),
            new,
        )
        ids.update((number, cid) for cid, number in created)
    return ids, len(new)


def _add_contacts(session: Session, customers: dict[str, _CustomerIn], ids: dict[str, int]) -> int:
    """Add the file's e-mail addresses a customer does not have yet; never removes one."""
    wanted = {(ids[number], email) for number, c in customers.items() for email in c.emails}
    if not wanted:
        return 0
    customer_ids = sorted({cid for cid, _ in wanted})
    existing: set[tuple[int, str]] = set()
    for chunk in _chunks(customer_ids, IN_CHUNK):
        found = session.execute(
            select(Contact.customer_id, Contact.email).where(Contact.customer_id.in_(chunk))
        )
        existing.update((cid, email) for cid, email in found)
    new = sorted(wanted - existing)
    if new:
        session.execute(insert(Contact), [{"customer_id": c, "email": e} for c, e in new])
    return len(new)


def _upsert_invoices(
    session: Session,
    rows: Sequence[InvoiceRow],
    customer_ids: dict[str, int],
    *,
    now: datetime,
    on_written: Callable[[int], None],
) -> tuple[int, int, int]:
    """Insert new invoices and update changed ones; returns (created, updated, unchanged).

    The rows go in batches (about 1 % of the file each): a batch's invoices already in the
    ledger are looked up, then its new ones inserted and its changed ones updated, so only
    one batch of parameters is ever held in memory.
    """
    total = len(rows)
    batch = max(MIN_WRITE_BATCH, -(-total // 100))
    table = Invoice.metadata.tables[Invoice.__tablename__]
    created = updated = done = 0
    for chunk in _chunks(rows, batch):
        existing: dict[str, tuple[Any, ...]] = {}
        for numbers in _chunks([inv.number for inv in chunk], IN_CHUNK):
            found = session.execute(select(*_COMPARED).where(Invoice.number.in_(numbers)))
            existing.update((values[1], tuple(values)) for values in found)
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for inv in chunk:
            values = {
                "number": inv.number,
                "ref_key": normalise_ref(inv.number),
                "customer_id": customer_ids[inv.customer_number],
                "issue_date": inv.issue_date,
                "due_date": inv.due_date,
                "amount": inv.amount,
                "balance": inv.balance,
                "currency": inv.currency,
                "terms": inv.terms,
                "status": InvoiceStatus.OPEN if inv.balance != ZERO else InvoiceStatus.PAID,
                "updated_at": now,
            }
            old = existing.get(inv.number)
            if old is None:
                values["created_at"] = now
                new.append(values)
            elif tuple(values[c.key] for c in _COMPARED[1:]) != old[1:]:
                values["id"] = old[0]
                changed.append(values)
        if new:
            insert_many(session, table, new)
        if changed:
            session.execute(update(Invoice), changed)
        created += len(new)
        updated += len(changed)
        done += len(chunk)
        on_written(done)
    return created, updated, total - created - updated


def insert_many(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """``INSERT`` ``rows`` (each with the same keys) into ``table`` with one executemany.

    On SQLite through the driver's cursor: each column's values go through that column type's
    own bind processor (money to integer cents, dates to ISO text, as SQLAlchemy would), one
    column at a time, and the rows as plain tuples. SQLAlchemy's per-row parameter handling
    was as long as SQLite's own work (100 k invoices: 3 s of 5.7 s). Elsewhere: Core's
    executemany (the ORM's per-row bookkeeping buys nothing here either)."""
    if not rows:
        return
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        session.execute(insert(table), rows)
        return
    names = list(rows[0])
    columns: list[list[Any]] = []
    for name in names:
        values = [row[name] for row in rows]
        # The dialect's form of the type, as SQLAlchemy's own execution looks it up.
        process = table.c[name].type.dialect_impl(bind.dialect).bind_processor(bind.dialect)
        columns.append(values if process is None else _processed(values, process))
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    if session.autoflush:
        session.flush()
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, zip(*columns, strict=True))
    finally:
        cursor.close()


def _processed(values: Sequence[Any], process: Callable[[Any], Any]) -> list[Any]:
    """``[process(v) for v in values]``, each distinct value processed once: a file's dates,
    currencies and the import's own timestamp repeat on most rows. Keyed by type and value,
    so values equal across types (``1`` and ``True``) never share a result."""
    done: dict[tuple[type, Any], Any] = {}
    out = []
    for value in values:
        key = (type(value), value)
        if key not in done:
            done[key] = process(value)
        out.append(done[key])
    return out


#: The columns an import sets, id first: a row whose values are all equal is left alone.
_COMPARED = (
    Invoice.id,
    Invoice.number,
    Invoice.ref_key,
    Invoice.customer_id,
    Invoice.issue_date,
    Invoice.due_date,
    Invoice.amount,
    Invoice.balance,
    Invoice.currency,
    Invoice.terms,
    Invoice.status,
)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """The cyclic garbage collector paused while the block runs. Reading a file allocates
    millions of objects that all live on (no cycles among them), and each of the collector's
    full passes would walk every one of them again: quadratic in the rows."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Progress:
    """Calls ``report(done, total)`` at the start, about every 1 % after, and at the end."""

    def __init__(self, report: Callable[[int, int], None] | None, *, total: int) -> None:
        self.report = report
        self.total = total
        self.step = max(1, -(-total // 100))
        self.last: int | None = None

    def __call__(self, done: int) -> None:
        if self.report is None:
            return
        if (
            self.last is None
            or done - self.last >= self.step
            or (done == self.total and self.last != done)
        ):
            self.last = done
            self.report(done, self.total)

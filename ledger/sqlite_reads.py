"""The matching path's reads on SQLite, through the driver's cursor.

Every remittance line runs these (``ledger.queries`` calls them when the session is bound to
SQLite). Through SQLAlchemy each statement costs far more than SQLite takes to run it:
compiling or looking up the compiled form, a result object, a row object and a type processor
per cell. Here they are fixed SQL text with ``?`` parameters and plain tuples; the columns are
converted as ``ledger.base.Fixed`` and ``Date`` do on SQLite (money in integer cents, dates
as ISO text). ``tests/unit/ledger/test_sqlite_reads.py`` compares each with the generic query.

Pending ORM changes are flushed first, as ``Session.execute`` would.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import fields
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from core.types import OpenInvoice, OpenInvoices

#: Rows per ``IN (...)`` list: below SQLite's historical limit of 999 bound parameters.
IN_CHUNK = 900

#: A customer's open invoices, the columns matching compares on every line: half the time of
#: reading every column (each text column is a string object per row).
_OPEN_INVOICES = (
    "SELECT id, number, balance, ref_key FROM invoices "
    "WHERE customer_id = ? AND status = 'open' ORDER BY due_date, number"
)
#: The rest of an open invoice, read when matching asks for that invoice.
_OPEN_DETAILS = (
    "SELECT id, currency, due_date, issue_date, amount, terms FROM invoices WHERE id = ?"
)
#: The rest of every open invoice of a customer, read when matching goes through them all.
_OPEN_DETAILS_ALL = (
    "SELECT id, currency, due_date, issue_date, amount, terms FROM invoices "
    "WHERE customer_id = ? AND status = 'open'"
)
_CUSTOMER_NUMBER = "SELECT number FROM customers WHERE id = ?"
_BY_REF_KEYS = (
    "SELECT i.id, i.number, i.balance, i.currency, i.status, i.due_date, i.issue_date, "
    "i.amount, i.terms, i.customer_id, c.number, i.ref_key FROM invoices i "
    "JOIN customers c ON c.id = i.customer_id WHERE i.ref_key IN ({}) ORDER BY i.id"
)
_CUSTOMER_BY_EMAIL = (
    "SELECT c.id, c.number, c.name, k2.email FROM contacts k "
    "JOIN customers c ON c.id = k.customer_id JOIN contacts k2 ON k2.customer_id = c.id "
    "WHERE k.email = ? ORDER BY c.id, k2.email"
)
_ANY_PREFIX_RULE = "SELECT 1 FROM match_rules WHERE kind = 'ref_prefix' AND customer_id = ? LIMIT 1"
_ANY_IDENTIFYING_RULE = (
    "SELECT 1 FROM match_rules WHERE kind IN ('sender', 'payer_name') AND pattern IN ({}) LIMIT 1"
)
_UNAPPLIED = (
    "SELECT DISTINCT invoice_id FROM applications "
    "WHERE reversed_at IS NOT NULL AND invoice_id IN ({})"
)


def rows(session: Session, sql: str, params: Sequence[Any]) -> list[Any]:
    """All rows of ``sql`` with ``params``, on the session's connection (its transaction)."""
    if session.autoflush:
        session.flush()
    dbapi = session.connection().connection.driver_connection
    cursor = dbapi.cursor()  # type: ignore[union-attr]
    try:
        return cursor.execute(sql, tuple(params)).fetchall()  # type: ignore[no-any-return]
    finally:
        cursor.close()


def _cents(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


# A frozen dataclass's ``__init__`` sets every field through ``object.__setattr__``; for a
# customer's ~200 open invoices per line that was most of turning the rows into invoices.
# Filling the slots of a new instance directly makes the same (immutable) object in half the
# time. The setters in field order: a new field of OpenInvoice breaks this unpacking at import.
(
    _put_invoice_id,
    _put_number,
    _put_customer_id,
    _put_customer_number,
    _put_balance,
    _put_currency,
    _put_status,
    _put_due_date,
    _put_issue_date,
    _put_amount,
    _put_terms,
    _put_ref_key,
) = (getattr(OpenInvoice, f.name).__set__ for f in fields(OpenInvoice))
_new = object.__new__


def _open_invoice(
    invoice_id: int,
    number: str,
    customer_id: int,
    customer_number: str,
    balance: Decimal,
    currency: str,
    status: str,
    due_date: date,
    issue_date: date | None,
    amount: Decimal | None,
    terms: str | None,
    ref_key: str,
) -> OpenInvoice:
    """``OpenInvoice(...)`` of these fields, without its ``__init__``."""
    invoice: OpenInvoice = _new(OpenInvoice)
    _put_invoice_id(invoice, invoice_id)
    _put_number(invoice, number)
    _put_customer_id(invoice, customer_id)
    _put_customer_number(invoice, customer_number)
    _put_balance(invoice, balance)
    _put_currency(invoice, currency)
    _put_status(invoice, status)
    _put_due_date(invoice, due_date)
    _put_issue_date(invoice, issue_date)
    _put_amount(invoice, amount)
    _put_terms(invoice, terms)
    _put_ref_key(invoice, ref_key)
    return invoice


def has_prefix_rules(session: Session, customer_id: int) -> bool:
    """Whether the customer has a ``ref_prefix`` rule (most have none: then the rules are not
    read at all)."""
    return bool(rows(session, _ANY_PREFIX_RULE, (customer_id,)))


def has_identifying_rules(session: Session, patterns: Sequence[str]) -> bool:
    """Whether a ``sender`` or ``payer_name`` rule has one of ``patterns``."""
    sql = _ANY_IDENTIFYING_RULE.format(",".join("?" * len(patterns)))
    return bool(rows(session, sql, patterns))


def open_invoices(session: Session, customer_id: int) -> OpenInvoices:
    """``ledger.queries.open_invoices_for_customer``: by due date, then number.

    What matching compares on every line (ids, numbers, keys, balances) is read and converted
    at once; the rest of an invoice (currency, dates, amount, terms) is read when matching
    first asks for that invoice, and for all of them in one read when it goes through every
    one. Most lines look closely at one or two. Those reads belong to this transaction: made
    after it ended, they raise instead of reading another snapshot."""
    found = rows(session, _CUSTOMER_NUMBER, (customer_id,))
    if not found:
        return OpenInvoices.of(())
    number = found[0][0]
    transaction = session.get_transaction()
    iso = date.fromisoformat

    def details(sql: str, params: Sequence[Any]) -> dict[int, Any]:
        if transaction is None or session.get_transaction() is not transaction:
            raise RuntimeError("open invoices made after the transaction that read them ended")
        return {r[0]: r for r in rows(session, sql, params)}

    def made(r: Any, d: Any) -> OpenInvoice:
        return _open_invoice(
            r[0],
            r[1],
            customer_id,
            number,
            Decimal(r[2]).scaleb(-2),
            d[1],
            "open",
            iso(d[2]),
            iso(d[3]) if d[3] is not None else None,
            Decimal(d[4]).scaleb(-2) if d[4] is not None else None,
            d[5],
            r[3],
        )

    def make(r: Any) -> OpenInvoice:
        return made(r, details(_OPEN_DETAILS, (r[0],))[r[0]])

    def make_all(read: Sequence[Any]) -> list[OpenInvoice]:
        every = details(_OPEN_DETAILS_ALL, (customer_id,))
        # One this transaction has paid since it read them is no longer open: read it alone.
        return [made(r, every[r[0]]) if r[0] in every else make(r) for r in read]

    read = rows(session, _OPEN_INVOICES, (customer_id,))
    return OpenInvoices(
        ids=[r[0] for r in read],
        numbers=[r[1] for r in read],
        keys=[r[3] for r in read],
        balances=[Decimal(r[2]).scaleb(-2) for r in read],
        rows=read,
        make=make,
        make_all=make_all,
    )


def invoices_by_ref_keys(session: Session, keys: Sequence[str]) -> dict[str, list[OpenInvoice]]:
    """``ledger.queries.invoices_by_ref_keys``: by key, each list in id order."""
    found: dict[str, list[OpenInvoice]] = {}
    iso = date.fromisoformat
    for start in range(0, len(keys), IN_CHUNK):
        chunk = keys[start : start + IN_CHUNK]
        sql = _BY_REF_KEYS.format(",".join("?" * len(chunk)))
        for r in rows(session, sql, chunk):
            found.setdefault(r[11], []).append(
                _open_invoice(
                    r[0],
                    r[1],
                    r[9],
                    r[10],
                    _cents(r[2]),
                    r[3],
                    r[4],
                    iso(r[5]),
                    iso(r[6]) if r[6] is not None else None,
                    _cents(r[7]) if r[7] is not None else None,
                    r[8],
                    r[11],
                )
            )
    return found


def customer_by_email(session: Session, email: str) -> tuple[int, str, str, tuple[str, ...]] | None:
    """(id, number, name, contacts) of the one customer with contact ``email`` (lower-cased
    already), or None when none or several have it."""
    found = rows(session, _CUSTOMER_BY_EMAIL, (email,))
    if not found or found[0][0] != found[-1][0]:
        return None
    cid, number, name, _ = found[0]
    return cid, number, name, tuple(r[3] for r in found)


def unapplied_before(session: Session, invoice_ids: Collection[int]) -> set[int]:
    """``ledger.queries.unapplied_before``: those a person un-applied cash from."""
    ids = sorted(set(invoice_ids))
    found: set[int] = set()
    for start in range(0, len(ids), IN_CHUNK):
        chunk = ids[start : start + IN_CHUNK]
        found.update(
            r[0] for r in rows(session, _UNAPPLIED.format(",".join("?" * len(chunk))), chunk)
        )
    return found

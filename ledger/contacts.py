"""Contacts import (``arbox import contacts FILE``): the addresses that may receive a customer's
account data, from a CSV or XLSX file, all or nothing.

Columns (CSV header names; XLSX first sheet, first row; case-insensitive, others ignored)::

    customer_number,email,name,role,allow_domain,locale
    C1001,ap@acme-mfg.example,Jane Doe,AP,yes,de_DE

``customer_number`` and ``email`` are required; ``name``, ``role``, ``allow_domain``
and ``locale`` optional. Each row upserts the contact (customer, lower-cased address): a new
address is added, a known one gets the row's name, role and locale (the contact's language
and formats, over its customer's; empty leaves it as it is). ``allow_domain``
``yes``/``true``/``1`` lets every address at the e-mail's domain receive the customer's data
(``customers.contact_domain``), ``no``/``false``/``0`` withdraws that for the domain, empty
leaves it as it is. Nothing is
removed that the file does not name.

The file is read with the invoice import's readers (:mod:`ledger.imports`) and validated whole
before anything is written: an unknown customer, a malformed address, a free-mail domain to
allow, one customer allowing two domains or one domain allowed for two customers raises
:class:`~core.errors.ImportRowError` with the row number (the header is row 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from core.errors import ImportRowError
from core.locales import normalize_locale
from ledger.compiled import IN_CHUNK
from ledger.import_rows import EMAIL_RE, MAX_EMAIL_LENGTH, column_positions, read_export_file
from ledger.models import AuditEvent, Contact, Customer

REQUIRED_COLUMNS: tuple[str, ...] = ("customer_number", "email")
OPTIONAL_COLUMNS: tuple[str, ...] = ("name", "role", "allow_domain", "locale")
MAX_NAME_LENGTH = 255
MAX_ROLE_LENGTH = 64
_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})
#: Mail providers anyone can have an address at: allowing one would open a customer's data
#: to everybody there, so the import refuses it (register the addresses one by one).
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "gmail.com",
        "gmx.de",
        "gmx.net",
        "googlemail.com",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mail.com",
        "me.com",
        "msn.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "web.de",
        "yahoo.com",
        "yandex.ru",
    }
)


@dataclass(frozen=True, slots=True)
class ContactRow:
    """One validated row of a contacts file."""

    row: int
    customer_number: str
    email: str
    name: str | None
    role: str | None
    allow_domain: bool | None  # None: leave the customer's domain as it is
    locale: str | None = None  # None: leave the contact's as it is


@dataclass(frozen=True, slots=True)
class ContactsSummary:
    """What a contacts import did."""

    rows: int
    contacts_added: int
    contacts_updated: int
    domains_allowed: int
    domains_withdrawn: int
    #: How the file was read, when the user should know (a detected legacy encoding).
    notes: tuple[str, ...] = ()


def import_contacts(
    session: Session,
    path: Path,
    *,
    now: datetime,
    actor: str = "import",
    encoding: str | None = None,
) -> ContactsSummary:
    """Upsert the contacts of ``path`` (CSV or XLSX). Nothing is written unless every row is
    valid; the caller owns the transaction.

    Raises:
        ImportFileError: the file cannot be read, or lacks a required column.
        ImportRowError: a row is invalid (``row`` is its 1-based number, header = 1).
    """
    export = read_export_file(path, encoding=encoding)
    rows = read_contact_rows(export.header, export.records)
    customers = _customers(session, rows)
    domains = _domains(session, rows, customers)
    added, updated = _upsert_contacts(session, rows, customers)
    allowed = withdrawn = 0
    for cid, (current, wanted) in domains.items():
        if current == wanted:
            continue
        session.execute(update(Customer).where(Customer.id == cid).values(contact_domain=wanted))
        allowed += wanted is not None
        withdrawn += wanted is None
    summary = ContactsSummary(
        rows=len(rows),
        contacts_added=added,
        contacts_updated=updated,
        domains_allowed=allowed,
        domains_withdrawn=withdrawn,
        notes=tuple(note for note in [export.describe()] if note),
    )
    session.add(
        AuditEvent(
            at=now,
            actor=actor,
            action="import_contacts",
            entity="contact",
            entity_id=None,
            detail={"file": path.name, **asdict(summary)},
        )
    )
    session.flush()
    return summary


def read_contact_rows(
    header: Sequence[str], records: Sequence[tuple[int, list[str]]]
) -> list[ContactRow]:
    """Validate every row (no database); raises on the first bad one."""
    columns = column_positions(header, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
    rows: list[ContactRow] = []
    seen: set[tuple[str, str]] = set()
    for row_no, values in records:
        if not any(values):
            continue
        fields = {name: values[pos] if pos < len(values) else "" for name, pos in columns.items()}
        contact = _validate_row(row_no, fields)
        key = (contact.customer_number, contact.email)
        if key in seen:
            raise ImportRowError(
                row_no, f"{contact.email} appears twice for customer {contact.customer_number}"
            )
        seen.add(key)
        rows.append(contact)
    return rows


def _validate_row(row: int, fields: dict[str, str]) -> ContactRow:
    number = fields["customer_number"].strip()
    if not number:
        raise ImportRowError(row, "customer_number is empty")
    email = fields["email"].strip().lower()
    if not email:
        raise ImportRowError(row, "email is empty")
    if len(email) > MAX_EMAIL_LENGTH or not EMAIL_RE.fullmatch(email):
        raise ImportRowError(row, f"email {fields['email'].strip()!r} is not an e-mail address")
    name = fields.get("name", "").strip() or None
    role = fields.get("role", "").strip() or None
    if name is not None and len(name) > MAX_NAME_LENGTH:
        raise ImportRowError(row, f"name is longer than {MAX_NAME_LENGTH} characters")
    if role is not None and len(role) > MAX_ROLE_LENGTH:
        raise ImportRowError(row, f"role is longer than {MAX_ROLE_LENGTH} characters")
    flag = fields.get("allow_domain", "").strip().lower()
    if flag and flag not in _YES | _NO:
        raise ImportRowError(row, f"allow_domain {flag!r}: expected yes or no (or empty)")
    allow = None if not flag else flag in _YES
    domain = email.rpartition("@")[2]
    if allow and domain in PUBLIC_MAIL_DOMAINS:
        raise ImportRowError(
            row, f"allow_domain for {domain}: a public mail provider; register addresses instead"
        )
    locale_text = fields.get("locale", "").strip()
    try:
        locale = normalize_locale(locale_text) if locale_text else None
    except ValueError as e:
        raise ImportRowError(row, f"locale: {e}") from e
    return ContactRow(row, number, email, name, role, allow, locale)


def _customers(session: Session, rows: Sequence[ContactRow]) -> dict[str, tuple[int, str | None]]:
    """Id and current contact domain of every customer the file names; an unknown one raises."""
    numbers = sorted({r.customer_number for r in rows})
    found: dict[str, tuple[int, str | None]] = {}
    for start in range(0, len(numbers), IN_CHUNK):
        chunk = numbers[start : start + IN_CHUNK]
        for cid, number, domain in session.execute(
            select(Customer.id, Customer.number, Customer.contact_domain).where(
                Customer.number.in_(chunk)
            )
        ).tuples():
            found[number] = (cid, domain)
    for r in rows:
        if r.customer_number not in found:
            raise ImportRowError(
                r.row,
                f"customer_number {r.customer_number!r} is not a known customer "
                "(import its invoices first)",
            )
    return found


def _domains(
    session: Session, rows: Sequence[ContactRow], customers: dict[str, tuple[int, str | None]]
) -> dict[int, tuple[str | None, str | None]]:
    """Customer id → (contact domain now, contact domain after the import)."""
    result = {cid: (domain, domain) for cid, domain in customers.values()}
    set_by: dict[int, ContactRow] = {}
    for r in rows:
        if r.allow_domain is None:
            continue
        cid = customers[r.customer_number][0]
        domain = r.email.rpartition("@")[2]
        current, wanted = result[cid]
        if r.allow_domain:
            earlier = set_by.get(cid)
            if earlier is not None and wanted != domain:
                raise ImportRowError(
                    r.row,
                    f"customer {r.customer_number} allows {wanted} in row {earlier.row}; "
                    "a customer allows one domain",
                )
            set_by[cid] = r
            result[cid] = (current, domain)
        elif wanted == domain:
            result[cid] = (current, None)
    # One domain, one customer: else a sender there would not say whose data it may read.
    numbers = {cid: number for number, (cid, _) in customers.items()}
    for cid, r in set_by.items():
        held = result[cid][1]
        if held is None:  # allowed, then withdrawn further down the file
            continue
        holders = session.execute(
            select(Customer.id, Customer.number).where(
                Customer.contact_domain == held, Customer.id != cid
            )
        ).tuples()
        # A customer of this file that withdraws the domain no longer holds it.
        other = next((n for c, n in holders if c not in result or result[c][1] == held), None)
        if other is None:
            other = next(
                (numbers[c] for c, (_, w) in result.items() if w == held and c != cid), None
            )
        if other is not None:
            raise ImportRowError(r.row, f"domain {held} is already allowed for customer {other}")
    return result


def _upsert_contacts(
    session: Session, rows: Sequence[ContactRow], customers: dict[str, tuple[int, str | None]]
) -> tuple[int, int]:
    """Add the new contacts and update the name, role and locale of known ones: (added,
    updated)."""
    ids = sorted({cid for cid, _ in customers.values()})
    existing: dict[tuple[int, str], tuple[int, tuple[str | None, str | None, str | None]]] = {}
    for start in range(0, len(ids), IN_CHUNK):
        chunk = ids[start : start + IN_CHUNK]
        columns = (
            Contact.id, Contact.customer_id, Contact.email, Contact.name, Contact.role,
            Contact.locale,
        )  # fmt: skip
        for contact_id, cid, email, name, role, locale in session.execute(
            select(*columns).where(Contact.customer_id.in_(chunk))
        ).tuples():
            existing[(cid, email)] = (contact_id, (name, role, locale))
    new: list[dict[str, object]] = []
    changed: list[dict[str, object]] = []
    for r in rows:
        cid = customers[r.customer_number][0]
        known = existing.get((cid, r.email))
        if known is None:
            new.append(
                {
                    "customer_id": cid, "email": r.email, "name": r.name, "role": r.role,
                    "locale": r.locale,
                }
            )  # fmt: skip
            continue
        contact_id, now_held = known
        given = (r.name, r.role, r.locale)
        wanted = tuple(g if g is not None else h for g, h in zip(given, now_held, strict=True))
        if wanted != now_held:
            changed.append(
                {"id": contact_id, "name": wanted[0], "role": wanted[1], "locale": wanted[2]}
            )
    if new:
        session.execute(insert(Contact), new)
    if changed:
        session.execute(update(Contact), changed)
    return len(new), len(changed)

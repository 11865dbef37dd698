"""Bank statements into the ledger: statements and payments stored once, and who paid.

:func:`store_statements` writes what :func:`parsers.bank.read_statements` returned, inside the
caller's transaction: each statement once (by file hash and position), each booked credit as
one payment once (by :func:`payment_key`), debits counted and left out (arbox applies cash
received; what the company pays is not AR). :func:`payer_customer` says whose a credit is.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.refs import normalise_ref
from core.statuses import PaymentStatus
from ledger import models as m
from ledger.matching_reads import invoices_by_ref_keys
from ledger.queries import customer_names
from ledger.rules import rules_for
from matching.customer import identify_customer
from parsers.bank.model import BankEntry, BankStatement


@dataclass(slots=True)
class StoredStatements:
    """What storing a file's statements did."""

    statements_new: int = 0
    statements_known: int = 0
    credits_new: int = 0
    credits_known: int = 0
    debits_ignored: int = 0
    unbooked_ignored: int = 0
    #: The new payments with the entry each came from, in file order.
    new_payments: list[tuple[m.Payment, BankEntry]] = field(default_factory=list)


def payment_key(statement: BankStatement, entry: BankEntry, occurrence: int) -> str:
    """The identity of a credit across files: account, currency, dates, amount, the bank's
    references and text, and which of identical credits in its statement it is (two equal
    transfers on one day are two payments; the same one in an overlapping statement is one).
    """
    parts = (
        statement.format,
        statement.account,
        entry.currency,
        entry.value_date.isoformat() if entry.value_date else "",
        entry.booking_date.isoformat() if entry.booking_date else "",
        str(entry.amount),
        entry.bank_ref or "",
        entry.end_to_end_id or "",
        entry.payer_account or "",
        entry.remittance_text,
        str(occurrence),
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def store_statements(
    session: Session,
    statements: Sequence[BankStatement],
    *,
    file_sha256: str,
    now: datetime,
) -> StoredStatements:
    """Store ``statements`` of one file (see module); nothing is committed here."""
    out = StoredStatements()
    for index, statement in enumerate(statements):
        key = f"{file_sha256}:{index}"
        row = session.scalars(
            select(m.BankStatementRow).where(m.BankStatementRow.key == key)
        ).one_or_none()
        if row is None:
            row = m.BankStatementRow(
                key=key,
                file_sha256=file_sha256,
                format=statement.format,
                account=statement.account[:64],
                currency=statement.currency,
                statement_id=statement.statement_id[:255],
                opening_balance=statement.opening_balance,
                closing_balance=statement.closing_balance,
                entries=len(statement.entries),
                imported_at=now,
            )
            session.add(row)
            session.flush()
            out.statements_new += 1
        else:
            out.statements_known += 1
        seen: Counter[tuple[object, ...]] = Counter()
        credits: list[tuple[str, BankEntry]] = []
        for entry in statement.entries:
            if not entry.booked:
                out.unbooked_ignored += 1
                continue
            if not entry.is_credit:
                out.debits_ignored += 1
                continue
            identity = (entry.value_date, entry.amount, entry.bank_ref, entry.remittance_text)
            seen[identity] += 1
            credits.append((payment_key(statement, entry, seen[identity]), entry))
        known = _known_keys(session, [key for key, _ in credits])
        added: list[tuple[m.Payment, BankEntry]] = []
        for pkey, entry in credits:
            if pkey in known:
                out.credits_known += 1
                continue
            known.add(pkey)
            payment = m.Payment(
                key=pkey,
                statement_id=row.id,
                account=statement.account[:64],
                amount=entry.amount,
                currency=entry.currency,
                value_date=entry.value_date,
                booking_date=entry.booking_date,
                payer_name=entry.payer_name,
                payer_account=(entry.payer_account or "")[:64] or None,
                bank_ref=(entry.bank_ref or "")[:255] or None,
                end_to_end_id=(entry.end_to_end_id or "")[:255] or None,
                remittance_text=entry.remittance_text or None,
                refs="\n".join(entry.refs) or None,
                status=PaymentStatus.UNMATCHED,
                created_at=now,
            )
            session.add(payment)
            added.append((payment, entry))
        session.flush()
        out.credits_new += len(added)
        out.new_payments.extend(added)
    return out


def _known_keys(session: Session, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` are payments already (read in chunks: a statement has thousands)."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        found.update(session.scalars(select(m.Payment.key).where(m.Payment.key.in_(chunk))))
    return found


def payer_customer(
    session: Session,
    *,
    payer_name: str | None,
    payer_account: str | None,
    invoice_refs: Sequence[str],
    names: Mapping[int, str] | None = None,
) -> tuple[int | None, str]:
    """The customer a credit comes from, and the evidence: a rule a person taught for the
    payer name, the customer earlier credits from the same account were linked to, else what
    the payer name and the invoices named say together (matching.customer). ``names`` are
    the customers' names (:func:`ledger.queries.customer_names`), read here when not given:
    an import of many credits reads them once."""
    rules = rules_for(session, sender=None, payer_name=payer_name)
    if len({r.customer_id for r in rules}) == 1:
        return rules[0].customer_id, f"rule {rules[0].id}: {rules[0].describe()}"
    if payer_account:
        known = set(
            session.scalars(
                select(m.Payment.customer_id)
                .where(m.Payment.payer_account == payer_account, m.Payment.customer_id.is_not(None))
                .distinct()
            )
        )
        if len(known) == 1:
            (customer_id,) = known
            return customer_id, f"earlier payments from account {payer_account} were theirs"
    keys = {k for k in (normalise_ref(r) for r in invoice_refs) if k}
    by_key = invoices_by_ref_keys(session, keys) if keys else {}
    identified = identify_customer(
        contact_customer_id=None,
        sender_domain=None,
        domain_customer_ids=(),
        payer_name=payer_name,
        customer_names=(names if names is not None else customer_names(session))
        if payer_name
        else {},
        referenced=[by_key[k] for k in keys if k in by_key],
    )
    return identified.customer_id, identified.reason

"""Gap-free document numbers: one sequence per company, kind of document and year (issue 24).

A number is taken in the transaction that stores its document: the sequence's row is created
if missing (``INSERT … ON CONFLICT DO NOTHING``) and advanced with ``UPDATE … RETURNING``,
which holds the row's lock until the transaction ends. Two issuers of the same sequence wait
for each other (PostgreSQL's row lock; SQLite's single writer), a number is never handed out
twice, and a transaction that rolls back gives its number back — no gap, nothing in memory.
Numbers are unique in the database too (``invoices.number``).
"""

from __future__ import annotations

from sqlalchemy import Table, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ledger.models import NumberSequence

_SEQUENCES: Table = NumberSequence.__table__  # type: ignore[assignment]
_CREATE = {
    "sqlite": sqlite_insert(_SEQUENCES).on_conflict_do_nothing(),
    "postgresql": pg_insert(_SEQUENCES).on_conflict_do_nothing(),
}


def next_number(session: Session, *, company: str, name: str, year: int, pattern: str) -> str:
    """The next number of sequence ``name`` (``invoice``, ``credit_memo``) of ``company`` in
    ``year``, formatted with ``pattern``; the caller's transaction holds the sequence until it
    ends (commit: the number is used; rollback: it is free again)."""
    dialect = session.get_bind().dialect.name
    session.execute(_CREATE[dialect].values(company=company, name=name, year=year, next_value=1))
    taken = session.execute(
        update(NumberSequence)
        .where(
            NumberSequence.company == company,
            NumberSequence.name == name,
            NumberSequence.year == year,
        )
        .values(next_value=NumberSequence.next_value + 1)
        .returning(NumberSequence.next_value)
    ).scalar_one()
    return pattern.format(year=year, seq=taken - 1, company=company)

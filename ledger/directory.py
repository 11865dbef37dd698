"""The customer directory an unknown sender is identified against, kept between mails.

Identifying a sender that is nobody's contact ranks the payer name against every customer's
name and looks the sender's domain up among every contact (``worker.inbound.deciding.identify``). At
a few thousand customers, reading and preparing those for every such mail cost tens of
milliseconds; the directory keeps them per engine, ready (``matching.customer.NameIndex``, a
domain → customers map), and reads them again only when they may have changed.

What says so is ``directory_versions.token`` (migration ``0011_speed``): database triggers set
it to a new random number on every insert, update and delete of ``customers`` and
``contacts``, whatever writes them (``arbox import invoices`` renaming a customer, another
worker process, a person in SQL). Each use reads the token first (one row), then, only when it
differs from the one the kept directory was read under, the names and contacts: read in that
order, a change committed in between makes the kept copy newer than its token, never older,
and the next use reads again. A database without the token row is read every time.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from ledger.compiled import rows
from ledger.models import Contact, Customer
from ledger.models.directory import TOKEN_ROW, DirectoryVersion
from matching.customer import NameIndex


@dataclass(frozen=True, slots=True)
class Directory:
    """Every customer's name, ready for ranking, and the customers at each contact domain."""

    token: int | None
    names: NameIndex
    #: domain → the ids (ascending) of the customers with a contact there, at most two.
    domains: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    def customers_at_domain(self, domain: str) -> list[int]:
        """What ``ledger.queries.customers_at_domain`` says: at most two customer ids."""
        return list(self.domains.get(domain.strip().lower(), ()))


#: Engine → the directory last read through it.
_KEPT: weakref.WeakKeyDictionary[Any, Directory] = weakref.WeakKeyDictionary()


def customer_directory(session: Session) -> Directory:
    """The directory as the session's transaction sees it: the kept one while the token has
    not moved, else read again (and kept)."""
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    token = _token(session)
    kept = _KEPT.get(engine)
    if token is not None and kept is not None and kept.token == token:
        return kept
    directory = read_directory(session, token=token)
    if token is not None:
        _KEPT[engine] = directory
    return directory


def read_directory(session: Session, *, token: int | None) -> Directory:
    """The directory read from the database (names by customer id; contacts' domains)."""
    names = dict(
        session.execute(select(Customer.id, Customer.name).order_by(Customer.id)).tuples().all()
    )
    at: dict[str, set[int]] = {}
    for customer_id, email in session.execute(select(Contact.customer_id, Contact.email)).tuples():
        domain = email.rpartition("@")[2].lower() if "@" in email else ""
        if domain:
            at.setdefault(domain, set()).add(customer_id)
    domains = {domain: tuple(sorted(ids)[:2]) for domain, ids in at.items()}
    return Directory(token=token, names=NameIndex.of(names), domains=domains)


def _token(session: Session) -> int | None:
    found = rows(session, _token_select(), {"id": TOKEN_ROW})
    return int(found[0][0]) if found and found[0][0] is not None else None


@cache
def _token_select() -> Select[Any]:
    return select(DirectoryVersion.token).where(DirectoryVersion.id == bindparam("id"))


def forget() -> None:
    """Drop every kept directory (tests)."""
    _KEPT.clear()

"""Whose mail is this: the customer a sender's address belongs to, for the inbound path (a
mail's customer before any invoice is matched) and for deciding who may receive a customer's
account data (:mod:`outbound.recipients`).

An address belongs to a customer when it is a registered contact of that customer (the exact
address, compared case-insensitively) or the customer allows its whole domain
(``customers.contact_domain``, set by ``arbox import contacts`` with ``allow_domain``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.matching_reads import CustomerRef, customer_by_email, customer_contacts
from ledger.models import Customer


def domain_of(address: str) -> str:
    """The lower-cased domain of ``address`` (``""`` when it has none)."""
    local, at, domain = address.strip().lower().rpartition("@")
    return domain if at and local else ""


def sender_customer(session: Session, address: str | None) -> CustomerRef | None:
    """The customer whose account data ``address`` may receive, when exactly one is: the
    customer with it as a registered contact, else the one customer allowing its domain.
    None for anybody else (and for an address two customers share: it does not say who)."""
    if not address or not domain_of(address):
        return None
    found = customer_by_email(session, address)
    if found is not None:
        return found
    rows = session.execute(
        select(Customer.id, Customer.number, Customer.name).where(
            Customer.contact_domain == domain_of(address)
        )
    ).all()
    if len(rows) != 1:
        return None
    cid, number, name = rows[0]
    return CustomerRef(id=cid, number=number, name=name, contacts=customer_contacts(session, cid))

"""Who may receive what: the single place that decides where a customer's account data may go.

An address may receive a customer's account data (invoice copies, balances, statements,
acknowledgements naming its invoices) only when it is a registered contact of THAT customer
(the exact address, compared case-insensitively) or the customer allows its whole domain
(``customers.contact_domain``, set by ``arbox import contacts`` with ``allow_domain``). A mail
that mentions several accounts goes only to addresses that may receive the data of every one
of them. Every outbound path (acknowledgements, replies, statement runs) asks here.

The rules are pure (:func:`may_receive`, :func:`allowed_recipients`); the rest reads the
audiences and the sender's customer from the ledger.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.matching_reads import CustomerRef, customer_by_email, customer_contacts
from ledger.models import Contact, Customer, Invoice


@dataclass(frozen=True, slots=True)
class Audience:
    """Who may receive one customer's account data."""

    customer_id: int
    contacts: frozenset[str]  # lower-cased addresses
    domain: str | None = None  # lower-cased; every address at it may receive the data


def normalise_address(address: str) -> str:
    """``address`` as it is compared: stripped and lower-cased."""
    return address.strip().lower()


def domain_of(address: str) -> str:
    """The lower-cased domain of ``address`` (``""`` when it has none)."""
    local, at, domain = normalise_address(address).rpartition("@")
    return domain if at and local else ""


def may_receive(address: str, audience: Audience) -> bool:
    """Whether ``address`` may receive the account data of ``audience``'s customer. Pure."""
    email = normalise_address(address)
    if not email:
        return False
    if email in audience.contacts:
        return True
    return audience.domain is not None and domain_of(email) == audience.domain


def allowed_recipients(addresses: Iterable[str], audiences: Sequence[Audience]) -> tuple[str, ...]:
    """The addresses (lower-cased, deduplicated, sorted) that may receive a mail mentioning
    the accounts of ``audiences``: those allowed by every one of them. A mail that mentions no
    account (``audiences`` empty) may go to any of ``addresses``. Pure."""
    out = {normalise_address(a) for a in addresses if normalise_address(a)}
    return tuple(sorted(a for a in out if all(may_receive(a, aud) for aud in audiences)))


def audiences(session: Session, customer_ids: Collection[int]) -> list[Audience]:
    """The audience of each of ``customer_ids`` (an unknown id gets an audience of nobody)."""
    ids = sorted(set(customer_ids))
    if not ids:
        return []
    domains = dict(
        session.execute(select(Customer.id, Customer.contact_domain).where(Customer.id.in_(ids)))
        .tuples()
        .all()
    )
    contacts: dict[int, set[str]] = {cid: set() for cid in ids}
    for cid, email in session.execute(
        select(Contact.customer_id, Contact.email).where(Contact.customer_id.in_(ids))
    ).tuples():
        contacts[cid].add(normalise_address(email))
    return [
        Audience(
            customer_id=cid,
            contacts=frozenset(contacts[cid]),
            domain=(domains.get(cid) or "").lower() or None,
        )
        for cid in ids
    ]


def recipients_for(
    session: Session, addresses: Iterable[str], customer_ids: Collection[int]
) -> tuple[str, ...]:
    """The addresses of ``addresses`` that may receive a mail mentioning ``customer_ids``."""
    return allowed_recipients(addresses, audiences(session, customer_ids))


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


def invoice_owners(session: Session, numbers: Collection[str]) -> set[int]:
    """The customers whose invoices ``numbers`` (exact invoice numbers) are."""
    if not numbers:
        return set()
    rows = session.execute(
        select(Invoice.customer_id).where(Invoice.number.in_(sorted(set(numbers)))).distinct()
    )
    return set(rows.scalars())

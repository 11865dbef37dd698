"""The reads behind who may receive a customer's account data (:mod:`outbound.recipients`
decides): each customer's registered contacts and allowed domain, the customers whose
invoices a mail names, and whether an address is a registered contact of a customer."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.models import Contact, Customer, Invoice


def contact_domains(session: Session, customer_ids: Collection[int]) -> dict[int, str | None]:
    """The domain each of ``customer_ids`` allows (as stored; None: none), by customer id;
    an unknown id is left out."""
    return dict(
        session.execute(
            select(Customer.id, Customer.contact_domain).where(Customer.id.in_(customer_ids))
        )
        .tuples()
        .all()
    )


def registered_contacts(session: Session, customer_ids: Collection[int]) -> list[tuple[int, str]]:
    """The registered contact addresses (as stored) of ``customer_ids``: (customer id,
    address) pairs."""
    return list(
        session.execute(
            select(Contact.customer_id, Contact.email).where(Contact.customer_id.in_(customer_ids))
        ).tuples()
    )


def is_contact_of(session: Session, customer_id: int, address: str) -> bool:
    """Whether ``address`` (exactly as given: compare it as the contacts are stored,
    lower-cased) is a registered contact of customer ``customer_id``."""
    return (
        session.scalars(
            select(Contact.id).where(Contact.customer_id == customer_id, Contact.email == address)
        ).first()
        is not None
    )


def invoice_owners(session: Session, numbers: Collection[str]) -> set[int]:
    """The customers whose invoices ``numbers`` (exact invoice numbers) are."""
    if not numbers:
        return set()
    rows = session.execute(
        select(Invoice.customer_id).where(Invoice.number.in_(sorted(set(numbers)))).distinct()
    )
    return set(rows.scalars())

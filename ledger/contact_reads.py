"""The reads behind who may receive a customer's account data (:mod:`outbound.recipients`
decides): each customer's registered contacts and allowed domain, the customers whose
invoices a mail names, and whether an address is a registered contact of a customer."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ledger.compiled import rows
from ledger.models import Contact, Customer, Invoice

# Read for every reply: built once, run through ledger.compiled (on SQLite its SQL, compiled
# once, through the driver's cursor).
_DOMAINS = select(Customer.id, Customer.contact_domain).where(
    Customer.id.in_(bindparam("ids", expanding=True))
)
_CONTACTS = select(Contact.customer_id, Contact.email).where(
    Contact.customer_id.in_(bindparam("ids", expanding=True))
)
_OWNERS = (
    select(Invoice.customer_id)
    .where(Invoice.number.in_(bindparam("numbers", expanding=True)))
    .distinct()
)


def contact_domains(session: Session, customer_ids: Collection[int]) -> dict[int, str | None]:
    """The domain each of ``customer_ids`` allows (as stored; None: none), by customer id;
    an unknown id is left out."""
    return dict(rows(session, _DOMAINS, {"ids": sorted(customer_ids)}))


def registered_contacts(session: Session, customer_ids: Collection[int]) -> list[tuple[int, str]]:
    """The registered contact addresses (as stored) of ``customer_ids``: (customer id,
    address) pairs."""
    return [(c, e) for c, e in rows(session, _CONTACTS, {"ids": sorted(customer_ids)})]


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
    return {owner for (owner,) in rows(session, _OWNERS, {"numbers": sorted(set(numbers))})}

"""Each customer's and contact's locale (issue 21): the reads behind the language and formats
of every mail, and the suggestion a customer's own mail makes, which a person confirms.

A locale is a CLDR identifier (``de_DE``) set by the invoice import (``locale`` on the
customer) or the contacts import (``locale`` on the contact). The language a contact writes in
is never applied silently: it is recorded as ``contacts.suggested_locale`` with the mail it
was read from, and only :func:`confirm_locale_suggestion` (a person, in the review app) makes
it the contact's locale, with an audit event.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from core.errors import RefusedActionError
from core.locales import mail_locale, resolve_locale
from ledger.compiled import rows
from ledger.models import Contact, Customer
from ledger.posting import audit

_CUSTOMER_LOCALES = select(Customer.id, Customer.locale).where(
    Customer.id.in_(bindparam("ids", expanding=True))
)
_CONTACT_LOCALES = select(Contact.customer_id, Contact.email, Contact.locale).where(
    Contact.customer_id.in_(bindparam("ids", expanding=True))
)


@dataclass(frozen=True, slots=True)
class LocaleBook:
    """A customer's locale and its contacts' own (lower-cased address → locale or None)."""

    customer: str | None = None
    contacts: dict[str, str | None] = field(default_factory=dict)

    def for_mail(self, recipients: Sequence[str], *, default: str) -> str:
        """The locale of one mail to ``recipients`` (see :func:`core.locales.mail_locale`)."""
        return mail_locale(
            recipients, contact_locales=self.contacts, customer=self.customer, default=default
        )


@dataclass(frozen=True, slots=True)
class LocaleSuggestion:
    """A contact's language, read from its mail, waiting for a person."""

    contact_id: int
    customer_id: int
    customer_number: str
    customer_name: str
    email: str
    current: str  # the locale the contact is written to now
    suggested: str
    inbound_id: int | None


def locale_books(session: Session, customer_ids: Collection[int]) -> dict[int, LocaleBook]:
    """The :class:`LocaleBook` of each of ``customer_ids`` (an unknown id: an empty one)."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    customers = dict(rows(session, _CUSTOMER_LOCALES, {"ids": ids}))
    contacts: dict[int, dict[str, str | None]] = {cid: {} for cid in ids}
    for cid, email, locale in rows(session, _CONTACT_LOCALES, {"ids": ids}):
        contacts[cid][email.lower()] = locale
    return {cid: LocaleBook(customers.get(cid), contacts[cid]) for cid in ids}


def set_locale_books(session: Session) -> dict[int, LocaleBook]:
    """The :class:`LocaleBook` of every customer that has a locale, or a contact with one
    (two queries for a whole statement run; a customer not in it has neither: the default)."""
    customers = dict(
        session.execute(select(Customer.id, Customer.locale).where(Customer.locale.is_not(None)))
        .tuples()
        .all()
    )
    contacts: dict[int, dict[str, str | None]] = {}
    for cid, email, locale in session.execute(
        select(Contact.customer_id, Contact.email, Contact.locale).where(
            Contact.locale.is_not(None)
        )
    ).tuples():
        contacts.setdefault(cid, {})[email.lower()] = locale
    return {
        cid: LocaleBook(customers.get(cid), contacts.get(cid, {}))
        for cid in customers.keys() | contacts.keys()
    }


def locale_book(session: Session, customer_id: int) -> LocaleBook:
    """:func:`locale_books` of one customer."""
    return locale_books(session, [customer_id])[customer_id]


def suggest_locale(
    session: Session,
    *,
    customer_id: int,
    address: str,
    locale: str,
    inbound_id: int,
    default: str,
) -> bool:
    """Record ``locale`` as the suggestion for the contact ``address`` of ``customer_id``
    when it is not the language the contact is written in now; True when recorded. A
    contact already suggested the same locale keeps its first mail as the evidence."""
    contact = session.scalars(
        select(Contact).where(Contact.customer_id == customer_id, Contact.email == address.lower())
    ).first()
    if contact is None:
        return False
    customer_locale = session.scalar(select(Customer.locale).where(Customer.id == customer_id))
    current = resolve_locale(contact=contact.locale, customer=customer_locale, default=default)
    if _language(current) == _language(locale) or contact.suggested_locale == locale:
        return False
    contact.suggested_locale = locale
    contact.suggested_locale_inbound_id = inbound_id
    return True


def pending_locale_suggestions(
    session: Session,
    *,
    default: str,
    customer_number: str | None = None,
    limit: int = 200,
) -> list[LocaleSuggestion]:
    """The suggestions waiting for a person (of the customer ``customer_number`` when
    given), oldest contact first."""
    query = (
        select(Contact, Customer.number, Customer.name, Customer.locale)
        .join(Customer, Customer.id == Contact.customer_id)
        .where(Contact.suggested_locale.is_not(None))
        .order_by(Contact.id)
        .limit(limit)
    )
    if customer_number is not None:
        query = query.where(Customer.number == customer_number)
    return [
        LocaleSuggestion(
            contact_id=contact.id,
            customer_id=contact.customer_id,
            customer_number=number,
            customer_name=name,
            email=contact.email,
            current=resolve_locale(contact=contact.locale, customer=cust_locale, default=default),
            suggested=contact.suggested_locale or "",
            inbound_id=contact.suggested_locale_inbound_id,
        )
        for contact, number, name, cust_locale in session.execute(query).tuples()
    ]


def confirm_locale_suggestion(
    session: Session, *, contact_id: int, locale: str, actor: str, now: datetime
) -> None:
    """Make the suggested ``locale`` the contact's own (a person confirmed it), recorded as
    the audit event ``locale_confirmed``.

    Raises:
        RefusedActionError: the contact has no such suggestion (confirmed or replaced
            meanwhile); nothing changed.
    """
    contact = session.get(Contact, contact_id)
    if contact is None or contact.suggested_locale != locale:
        raise RefusedActionError(f"contact {contact_id} has no pending suggestion {locale!r}")
    before, inbound_id = contact.locale, contact.suggested_locale_inbound_id
    contact.locale = locale
    contact.suggested_locale = None
    contact.suggested_locale_inbound_id = None
    audit(
        session,
        actor=actor,
        action="locale_confirmed",
        entity="contact",
        entity_id=contact_id,
        now=now,
        customer_id=contact.customer_id,
        locale=locale,
        previous=before,
        inbound_id=inbound_id,
    )


def _language(locale: str) -> str:
    return locale.partition("_")[0]

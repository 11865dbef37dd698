"""Customers and their registered contacts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.base import Base


class Customer(Base):
    """A customer (payer) with its AR contacts."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
    #: A domain (lower-cased) whose every address may receive the customer's account data;
    #: None: only its registered contacts (see outbound.recipients).
    contact_domain: Mapped[str | None] = mapped_column(String(255), index=True)
    #: The CLDR locale (``de_DE``) of what is mailed to it; None: ``ARBOX_DEFAULT_LOCALE``.
    locale: Mapped[str | None] = mapped_column(String(20))
    # What an invoice arbox issues says of the customer (issue 24; ``arbox import customers``):
    #: Street lines, one per line.
    address: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(16))
    city: Mapped[str | None] = mapped_column(String(64))
    #: ISO 3166-1 alpha-2.
    country: Mapped[str | None] = mapped_column(String(2))
    vat_id: Mapped[str | None] = mapped_column(String(32))
    #: Peppol endpoint: EAS scheme (``0088``, ``9930``, ``EM``…) and identifier.
    endpoint_scheme: Mapped[str | None] = mapped_column(String(8))
    endpoint_id: Mapped[str | None] = mapped_column(String(128))
    #: The e-invoice its invoices carry: ``none``, ``factur-x``, ``ubl`` (null: the default,
    #: ``ARBOX_DEFAULT_EINVOICE``).
    einvoice: Mapped[str | None] = mapped_column(String(16))

    contacts: Mapped[list[Contact]] = relationship(back_populates="customer", lazy="raise")


class Contact(Base):
    """A registered e-mail address of a customer; the only addresses account data goes to."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("customer_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    email: Mapped[str] = mapped_column(String(320), index=True)  # lower-cased
    name: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str | None] = mapped_column(String(64))  # free text: "AP", "statements", …
    #: The contact's own locale; None: its customer's (see core.locales.resolve_locale).
    locale: Mapped[str | None] = mapped_column(String(20))
    #: The locale of the language the contact's mail was written in, waiting for a person to
    #: confirm it (never applied silently), and the inbound mail it was read from.
    suggested_locale: Mapped[str | None] = mapped_column(String(20))
    suggested_locale_inbound_id: Mapped[int | None]

    customer: Mapped[Customer] = relationship(back_populates="contacts", lazy="raise")

"""The ledger's tables. Money columns are :func:`ledger.base.Money`; Python values are Decimal.

Uniqueness is what makes at-least-once delivery safe: an inbound message is unique by
(Message-ID, sha256) and by its mailbox position; an application by (remittance line, invoice);
a review item and an outbox row by their deterministic keys.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ledger.base import Base, Money, Score


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

    customer: Mapped[Customer] = relationship(back_populates="contacts", lazy="raise")


class Invoice(Base):
    """An invoice with its open balance. ``status`` is ``open`` or ``paid``."""

    __tablename__ = "invoices"
    #: A customer's open invoices in due-date order, without reading its paid ones, and
    #: without reading the table: the index carries every column matching reads (0011, 0013).
    __table_args__ = (
        Index(
            "ix_invoices_customer_open",
            "customer_id",
            "status",
            "due_date",
            "number",
            "balance",
            "currency",
            "issue_date",
            "amount",
            "terms",
            "ref_key",
        ),
        #: The aging (ledger/reports): every balance per customer and currency, no sort.
        Index("ix_invoices_aging", "customer_id", "currency", "due_date", "issue_date", "balance"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    ref_key: Mapped[str] = mapped_column(String(64), index=True)  # normalised number
    #: No index of its own: ix_invoices_customer_open and ix_invoices_aging start with it (0014).
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    balance: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    terms: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class MailboxState(Base):
    """Per (account, folder): the UIDVALIDITY seen and the highest UID stored."""

    __tablename__ = "mailbox_states"
    __table_args__ = (UniqueConstraint("account", "folder"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(320))
    folder: Mapped[str] = mapped_column(String(255))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    last_poll_at: Mapped[datetime | None]


class InboundMessage(Base):
    """A mail as received: raw bytes, identity, and where it is in its life."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("message_id", "sha256"),
        # A sender's recent mails, for the reply breaker (outbound.peer_history).
        Index("ix_inbound_messages_from_address_received_at", "from_address", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(998))  # "" when the mail has none
    sha256: Mapped[str] = mapped_column(String(64))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16))  # imap | file
    status: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    from_address: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(Text)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[datetime]
    enqueued_at: Mapped[datetime | None]
    parsed_at: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]
    #: SHA-256 of the mail's own text (quotes dropped, case and spacing folded) and
    #: attachments: the same mail again has the same key (outbound.loop_signs.body_key).
    body_key: Mapped[str | None] = mapped_column(String(64))
    #: Why the mail looks like part of a reply loop (it answers one of our replies, or
    #: repeats an earlier mail of its sender), or None: what the reply breaker counts.
    loop_evidence: Mapped[str | None] = mapped_column(Text)


class MailboxMessage(Base):
    """Where an inbound message sits in a mailbox, and what the poller did with it there after
    its processing committed. ``action`` is null while that is still to do (see
    :class:`core.types.MailboxAction`); ``moved_to`` names the target folder or keyword."""

    __tablename__ = "mailbox_messages"
    __table_args__ = (UniqueConstraint("account", "folder", "uidvalidity", "uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(320))
    folder: Mapped[str] = mapped_column(String(255))
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    inbound_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"), index=True)
    fetched_at: Mapped[datetime | None]
    action: Mapped[str | None] = mapped_column(String(16), index=True)
    moved_to: Mapped[str | None] = mapped_column(String(255))
    moved_at: Mapped[datetime | None]


class Remittance(Base):
    """A remittance advice read from an inbound message."""

    __tablename__ = "remittances"

    id: Mapped[int] = mapped_column(primary_key=True)
    inbound_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    source: Mapped[str] = mapped_column(String(32))
    currency: Mapped[str] = mapped_column(String(3))
    stated_total: Mapped[Decimal | None] = mapped_column(Money())
    lines_total: Mapped[Decimal] = mapped_column(Money())
    payment_ref: Mapped[str | None] = mapped_column(String(255))
    payer_name: Mapped[str | None] = mapped_column(String(255))
    payment_date: Mapped[date | None] = mapped_column(Date)
    payment_method: Mapped[str | None] = mapped_column(String(16))  # core.types.PaymentMethod
    created_at: Mapped[datetime]


class RemittanceLine(Base):
    """One line of a remittance, with the decision taken for it."""

    __tablename__ = "remittance_lines"
    __table_args__ = (UniqueConstraint("remittance_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    remittance_id: Mapped[int] = mapped_column(ForeignKey("remittances.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    invoice_ref: Mapped[str | None] = mapped_column(String(255))
    #: The amount the line was decided for: the stated net, or the open balance matching
    #: filled in for a document named without an amount (0.00 while nobody knows it).
    amount: Mapped[Decimal] = mapped_column(Money())
    #: What the payer wrote: net paid (null when not stated), gross, discount, deduction.
    stated_amount: Mapped[Decimal | None] = mapped_column(Money())
    gross: Mapped[Decimal | None] = mapped_column(Money())
    discount: Mapped[Decimal | None] = mapped_column(Money())
    deduction: Mapped[Decimal | None] = mapped_column(Money())
    deduction_reason: Mapped[str | None] = mapped_column(Text)
    #: Further identifiers on the line that may be our number, one per line of text.
    alt_refs: Mapped[str | None] = mapped_column(Text)
    #: The decision record: ``{"signals": [{name, value, detail}], "candidates":
    #: [{invoice_number, score}], "runner_up": str | None}`` (see matching.evidence).
    evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[Decimal] = mapped_column(Score())
    reason: Mapped[str] = mapped_column(Text)
    #: Indexed: a line's invoice is looked up to tell a re-sent claim (worker.inbound.deciding).
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)


class Application(Base):
    """Cash applied from one remittance line to one invoice."""

    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("remittance_line_id", "invoice_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    remittance_line_id: Mapped[int] = mapped_column(ForeignKey("remittance_lines.id"))
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    discount: Mapped[Decimal] = mapped_column(Money())
    deduction: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))  # auto | confirmed
    confidence: Mapped[Decimal] = mapped_column(Score())
    reasons: Mapped[str] = mapped_column(Text)
    applied_by: Mapped[str] = mapped_column(String(255))
    applied_at: Mapped[datetime]
    #: Set when a person un-applied it (``arbox unapply``); ``status`` is then ``reversed``.
    reversed_at: Mapped[datetime | None]
    reversed_by: Mapped[str | None] = mapped_column(String(255))
    reversal_reason: Mapped[str | None] = mapped_column(Text)
    #: What the cash was applied on: ``remittance`` (the advice) or ``bank`` (the bank
    #: credit linked to it, or the bank record's own remittance text); see ledger.bank.
    basis: Mapped[str] = mapped_column(
        String(16), default="remittance", server_default="remittance"
    )


class ReviewItem(Base):
    """Something a person must decide. ``key`` makes creating it idempotent."""

    __tablename__ = "review_items"
    #: The review app's queue: open items oldest first, without sorting them all (issue 7).
    __table_args__ = (Index("ix_review_items_status_created_at", "status", "created_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="open")
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    remittance_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("remittance_lines.id"), index=True
    )
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    reason: Mapped[str] = mapped_column(Text)
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(255))


class OutboxMessage(Base):
    """A mail to send, written in the same transaction as the decision that caused it."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    sender: Mapped[str] = mapped_column(String(320))
    recipients: Mapped[str] = mapped_column(Text)  # comma-separated envelope recipients
    subject: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    enqueued_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]


class AuditEvent(Base):
    """Who changed what in the ledger, when and why."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class UnappliedCash(Base):
    """Money received and not (yet) applied to an invoice: an overpayment, a line no invoice
    could take, cash a person un-applied. It belongs to the customer (null: not identified)
    until a person applies or refunds it; ``key`` makes recording it idempotent."""

    __tablename__ = "unapplied_cash"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    remittance_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("remittance_lines.id"), index=True
    )
    amount: Mapped[Decimal] = mapped_column(Money())  # what is still unapplied
    received: Mapped[Decimal] = mapped_column(Money())  # what it was when recorded
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)  # open | applied
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]


class MatchRule(Base):
    """What a reviewer's confirmation taught, as an explicit rule a person can list and delete.

    ``kind`` is ``sender`` (``pattern`` an exact lower-cased address, or ``@domain``),
    ``payer_name`` (``pattern`` the name as :func:`matching.customer.name_key` normalises it)
    or ``ref_prefix`` (``pattern`` what to put before the normalised reference the customer
    writes to get our invoice's ``ref_key``).
    """

    __tablename__ = "match_rules"
    __table_args__ = (UniqueConstraint("kind", "pattern", "customer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    pattern: Mapped[str] = mapped_column(String(320))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime]
    source_review_item_id: Mapped[int | None] = mapped_column(ForeignKey("review_items.id"))
    hits: Mapped[int] = mapped_column(Integer, default=0)
    last_hit_at: Mapped[datetime | None]


from ledger import users as _users  # noqa: E402,F401  (the review app's users: issue 7)

# Bank statements and payments (issue 8): models of their own module, imported so the
# metadata knows them.
from ledger.bank_models import (  # noqa: E402 - at the end: they import ledger.base only
    BankStatementRow as BankStatementRow,
)
from ledger.bank_models import ExpectedPayment as ExpectedPayment  # noqa: E402
from ledger.bank_models import Payment as Payment  # noqa: E402
from ledger.bank_models import PaymentLink as PaymentLink  # noqa: E402

# Models of their own modules, imported so the metadata knows them.
from ledger.directory_version import DirectoryVersion  # noqa: E402, F401

# Dunning and the scheduler (issue 6): their tables live in their own module.
from ledger.dunning_models import DunningHold, DunningNotice, ScheduledRun  # noqa: E402

__all__ = ["DunningHold", "DunningNotice", "ScheduledRun"]

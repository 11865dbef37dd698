"""The ledger's tables, one module per subject; importing this package registers every table
on :attr:`ledger.base.Base.metadata` (what Alembic and ``create_all`` see).

Money columns are :func:`ledger.base.Money`; Python values are Decimal. Uniqueness is what makes
at-least-once delivery safe: an inbound message is unique by (Message-ID, sha256) and by its
mailbox position; an application by (remittance line, invoice); a review item and an outbox row
by their deterministic keys.
"""

from __future__ import annotations

from ledger.models.audit import AuditEvent
from ledger.models.bank import BankStatementRow, ExpectedPayment, Payment, PaymentLink
from ledger.models.customers import Contact, Customer
from ledger.models.directory import DirectoryVersion
from ledger.models.dunning import DunningHold, DunningNotice, ScheduledRun
from ledger.models.invoices import Invoice, InvoiceLine, NumberSequence
from ledger.models.mail import InboundMessage, MailboxMessage, MailboxState
from ledger.models.outbox import OutboxMessage
from ledger.models.remittances import Application, Remittance, RemittanceLine, UnappliedCash
from ledger.models.review import MatchRule, ReviewItem
from ledger.models.users import User, WebSession

__all__ = [
    "Application",
    "AuditEvent",
    "BankStatementRow",
    "Contact",
    "Customer",
    "DirectoryVersion",
    "DunningHold",
    "DunningNotice",
    "ExpectedPayment",
    "InboundMessage",
    "Invoice",
    "InvoiceLine",
    "MailboxMessage",
    "MailboxState",
    "MatchRule",
    "NumberSequence",
    "OutboxMessage",
    "Payment",
    "PaymentLink",
    "Remittance",
    "RemittanceLine",
    "ReviewItem",
    "ScheduledRun",
    "UnappliedCash",
    "User",
    "WebSession",
]

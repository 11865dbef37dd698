"""The bank side of the ledger: statements imported, the payments (credits) they brought, the
payments remittances announce, and the links between the two.

Uniqueness makes every import idempotent: a statement by (file hash, position in the file), a
payment by :attr:`Payment.key` (account, currency, value date, amount, bank references and
text, and its occurrence among identical credits of its statement), so re-importing a file,
or a later statement that overlaps an earlier one, creates nothing twice. A payment links to
at most one expected payment and the other way round.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ledger.base import Base, Money


class BankStatementRow(Base):
    """One statement of an imported bank file."""

    __tablename__ = "bank_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ``<file sha256>:<index in the file>``.
    key: Mapped[str] = mapped_column(String(255), unique=True)
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    format: Mapped[str] = mapped_column(String(8))
    account: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    statement_id: Mapped[str] = mapped_column(String(255))
    opening_balance: Mapped[Decimal | None] = mapped_column(Money())
    closing_balance: Mapped[Decimal | None] = mapped_column(Money())
    entries: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime]


class Payment(Base):
    """Money that arrived: one per booked credit of a statement. ``status`` is
    ``unmatched``, ``linked`` (to a remittance's expected payment) or ``applied`` (cash was
    applied because of it: held applications posted, or its own remittance text)."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_status_amount", "status", "currency", "amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statements.id"), index=True)
    account: Mapped[str] = mapped_column(String(64))
    amount: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    value_date: Mapped[date | None] = mapped_column(Date)
    booking_date: Mapped[date | None] = mapped_column(Date)
    payer_name: Mapped[str | None] = mapped_column(String(255))
    payer_account: Mapped[str | None] = mapped_column(String(64))
    bank_ref: Mapped[str | None] = mapped_column(String(255))
    end_to_end_id: Mapped[str | None] = mapped_column(String(255))
    remittance_text: Mapped[str | None] = mapped_column(Text)
    #: Structured references from the bank record, one per line.
    refs: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)  # core.statuses.PaymentStatus
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    #: The inbound row standing for the remittance read from the bank text, if one was.
    inbound_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    created_at: Mapped[datetime]


class ExpectedPayment(Base):
    """The payment a remittance announces, waiting for its bank credit. ``status`` is
    ``open`` or ``linked``."""

    __tablename__ = "expected_payments"
    __table_args__ = (Index("ix_expected_payments_status_amount", "status", "currency", "amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    remittance_id: Mapped[int] = mapped_column(ForeignKey("remittances.id"), unique=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    currency: Mapped[str] = mapped_column(String(3))
    payment_ref: Mapped[str | None] = mapped_column(String(255))
    #: The invoice references of the remittance, one per line.
    invoice_refs: Mapped[str | None] = mapped_column(Text)
    expected_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), index=True)  # ExpectedPaymentStatus
    created_at: Mapped[datetime]


class PaymentLink(Base):
    """A bank payment tied to a remittance's expected payment, and why."""

    __tablename__ = "payment_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), unique=True)
    expected_payment_id: Mapped[int] = mapped_column(
        ForeignKey("expected_payments.id"), unique=True
    )
    method: Mapped[str] = mapped_column(String(16))  # core.statuses.LinkMethod
    reason: Mapped[str] = mapped_column(Text)
    linked_by: Mapped[str] = mapped_column(String(255))
    linked_at: Mapped[datetime]

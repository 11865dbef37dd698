"""Remittances read from inbound mail, their lines with the decision taken for each, the cash
applied to invoices and the cash not (yet) applied. Money columns are
:func:`ledger.base.Money`; Python values are Decimal.

An application is unique by (remittance line, invoice) and unapplied cash by its key, so
at-least-once delivery applies nothing twice.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.statuses import ApplicationBasis
from ledger.base import Base, Money, Score


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
    #: What OCR recognised on a scan or photo (source ``ocr …``), shown beside the page image
    #: in review; null for a remittance read from text.
    read_text: Mapped[str | None] = mapped_column(Text)
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
    status: Mapped[str] = mapped_column(String(16))  # core.statuses.ApplicationStatus
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
        String(16),
        default=ApplicationBasis.REMITTANCE,
        server_default=ApplicationBasis.REMITTANCE.value,
    )


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
    status: Mapped[str] = mapped_column(String(16), index=True)  # core.statuses.UnappliedStatus
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]

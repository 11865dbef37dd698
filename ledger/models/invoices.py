"""Invoices and their open balances. Money columns are :func:`ledger.base.Money`; Python values
are Decimal.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.statuses import InvoiceStatus
from ledger.base import Base, Money


class Invoice(Base):
    """An invoice with its open balance; ``status`` is an :class:`~core.statuses.InvoiceStatus`."""

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
    status: Mapped[str] = mapped_column(String(16), default=InvoiceStatus.OPEN)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Issued by arbox (issue 24; null for an imported invoice):
    #: A credit memo (negative amount): the invoice it credits. A plain integer, not a foreign
    #: key: SQLite cannot add one to an existing table without rebuilding it (0022).
    credits_invoice_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: The reference printed for the payer to quote (an ISO 11649 RF creditor reference, or
    #: the number); matching resolves it to this invoice.
    payment_reference: Mapped[str | None] = mapped_column(String(40), index=True)
    po_number: Mapped[str | None] = mapped_column(String(64))
    notes: Mapped[str | None] = mapped_column(Text)
    net_total: Mapped[Decimal | None] = mapped_column(Money())
    tax_total: Mapped[Decimal | None] = mapped_column(Money())
    #: The e-invoice sent with it: ``factur-x``, ``ubl`` (null: a PDF alone, or imported).
    einvoice: Mapped[str | None] = mapped_column(String(16))
    issued_at: Mapped[datetime | None]
    #: What makes issuing idempotent: the same document asked for twice (a re-run of the same
    #: file) finds this and is neither numbered nor sent again.
    issue_key: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)


class InvoiceLine(Base):
    """One line of an invoice or credit memo arbox issued. Quantities, unit prices and rates
    are kept as written (decimal text: any number of decimals, exact on every database);
    ``net`` and ``tax`` in the currency's minor unit (``tax`` null under per-total rounding)."""

    __tablename__ = "invoice_lines"
    __table_args__ = (UniqueConstraint("invoice_id", "line_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[str] = mapped_column(String(32))
    unit_code: Mapped[str] = mapped_column(String(3))
    unit_price: Mapped[str] = mapped_column(String(32))
    tax_category: Mapped[str] = mapped_column(String(4))
    tax_rate: Mapped[str] = mapped_column(String(16))
    net: Mapped[Decimal] = mapped_column(Money())
    tax: Mapped[Decimal | None] = mapped_column(Money())


class NumberSequence(Base):
    """A gap-free numbering sequence: ``next_value`` of ``name`` (``invoice``,
    ``credit_memo``) for ``company`` in ``year``. Taken under the row's lock in the
    transaction that stores the document (ledger.numbering), so a number is never reused and a
    rolled-back document leaves no gap."""

    __tablename__ = "number_sequences"
    __table_args__ = (UniqueConstraint("company", "name", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    next_value: Mapped[int] = mapped_column(Integer)

"""Invoices and their open balances. Money columns are :func:`ledger.base.Money`; Python values
are Decimal.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, String
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

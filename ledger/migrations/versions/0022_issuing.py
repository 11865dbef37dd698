"""issuing: invoices and credit memos arbox issues, their lines, gap-free numbering, and what
an issued invoice says of the customer

Revision ID: 0022_issuing
Revises: 0021_remittance_read_text
Create Date: 2026-12-07 16:00:00

Hand-written (issue 24). Nullable columns added in place on SQLite and PostgreSQL (no table
rebuild: other tables refer to ``invoices`` and ``customers``), so ``credits_invoice_id`` is a
plain integer, as 0020's inbound reference; two new tables.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

import ledger.base

revision = "0022_issuing"
down_revision = "0021_remittance_read_text"
branch_labels = None
depends_on = None

_INVOICE_COLUMNS: tuple[sa.Column[Any], ...] = (
    sa.Column("credits_invoice_id", sa.Integer(), nullable=True),
    sa.Column("payment_reference", sa.String(40), nullable=True),
    sa.Column("po_number", sa.String(64), nullable=True),
    sa.Column("notes", sa.Text(), nullable=True),
    sa.Column("net_total", ledger.base.Money(), nullable=True),
    sa.Column("tax_total", ledger.base.Money(), nullable=True),
    sa.Column("einvoice", sa.String(16), nullable=True),
    sa.Column("issued_at", ledger.base.UtcDateTime(), nullable=True),
    sa.Column("issue_key", sa.String(64), nullable=True),
)
_CUSTOMER_COLUMNS: tuple[sa.Column[Any], ...] = (
    sa.Column("address", sa.Text(), nullable=True),
    sa.Column("postcode", sa.String(16), nullable=True),
    sa.Column("city", sa.String(64), nullable=True),
    sa.Column("country", sa.String(2), nullable=True),
    sa.Column("vat_id", sa.String(32), nullable=True),
    sa.Column("endpoint_scheme", sa.String(8), nullable=True),
    sa.Column("endpoint_id", sa.String(128), nullable=True),
    sa.Column("einvoice", sa.String(16), nullable=True),
)


def upgrade() -> None:
    for column in _INVOICE_COLUMNS:
        op.add_column("invoices", column)
    op.create_index("ix_invoices_credits_invoice_id", "invoices", ["credits_invoice_id"])
    op.create_index("ix_invoices_payment_reference", "invoices", ["payment_reference"])
    op.create_index("ix_invoices_issue_key", "invoices", ["issue_key"], unique=True)
    for column in _CUSTOMER_COLUMNS:
        op.add_column("customers", column)
    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("invoice_id", sa.Integer(), sa.ForeignKey("invoices.id"), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("quantity", sa.String(32), nullable=False),
        sa.Column("unit_code", sa.String(3), nullable=False),
        sa.Column("unit_price", sa.String(32), nullable=False),
        sa.Column("tax_category", sa.String(4), nullable=False),
        sa.Column("tax_rate", sa.String(16), nullable=False),
        sa.Column("net", ledger.base.Money(), nullable=False),
        sa.Column("tax", ledger.base.Money(), nullable=True),
        sa.UniqueConstraint("invoice_id", "line_no"),
    )
    op.create_index("ix_invoice_lines_invoice_id", "invoice_lines", ["invoice_id"])
    op.create_table(
        "number_sequences",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("company", sa.String(64), nullable=False),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("next_value", sa.Integer(), nullable=False),
        sa.UniqueConstraint("company", "name", "year"),
    )


def downgrade() -> None:
    op.drop_table("number_sequences")
    op.drop_index("ix_invoice_lines_invoice_id", table_name="invoice_lines")
    op.drop_table("invoice_lines")
    for column in reversed(_CUSTOMER_COLUMNS):
        op.drop_column("customers", column.name)
    op.drop_index("ix_invoices_issue_key", table_name="invoices")
    op.drop_index("ix_invoices_payment_reference", table_name="invoices")
    op.drop_index("ix_invoices_credits_invoice_id", table_name="invoices")
    for column in reversed(_INVOICE_COLUMNS):
        op.drop_column("invoices", column.name)

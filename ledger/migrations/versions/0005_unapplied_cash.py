"""unapplied cash: money received and not applied (overpayments, unmatched lines, cash a
person un-applied), per customer

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 15:50:00

Hand-written. A new table only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.base

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unapplied_cash",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=255), nullable=False, unique=True),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id"), nullable=True),
        sa.Column("inbound_id", sa.Integer(), sa.ForeignKey("inbound_messages.id"), nullable=True),
        sa.Column(
            "remittance_line_id",
            sa.Integer(),
            sa.ForeignKey("remittance_lines.id"),
            nullable=True,
        ),
        sa.Column("amount", ledger.base.Money(), nullable=False),
        sa.Column("received", ledger.base.Money(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", ledger.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", ledger.base.UtcDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_unapplied_cash_customer_id", "unapplied_cash", ["customer_id"])
    op.create_index(
        "ix_unapplied_cash_remittance_line_id", "unapplied_cash", ["remittance_line_id"]
    )
    op.create_index("ix_unapplied_cash_status", "unapplied_cash", ["status"])


def downgrade() -> None:
    op.drop_table("unapplied_cash")

"""bank statements: imported statements, payments (credits), expected payments announced by
remittances, payment links; and what each application was applied on

Revision ID: 0010_bank
Revises: 0009_users
Create Date: 2026-12-01 18:40:00

Hand-written. New tables, and one column on ``applications`` with a server default
(``remittance``: every application so far was applied on its remittance), so existing rows
need no update and SQLite needs no table rebuild.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.base

revision = "0010_bank"
down_revision = "0009_users"
branch_labels = None
depends_on = None


def _at(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, ledger.base.UtcDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "bank_statements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=255), nullable=False, unique=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("statement_id", sa.String(length=255), nullable=False),
        sa.Column("opening_balance", ledger.base.Money(), nullable=True),
        sa.Column("closing_balance", ledger.base.Money(), nullable=True),
        sa.Column("entries", sa.Integer(), nullable=False),
        _at("imported_at"),
    )
    op.create_index("ix_bank_statements_file_sha256", "bank_statements", ["file_sha256"])
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=64), nullable=False, unique=True),
        sa.Column(
            "statement_id", sa.Integer(), sa.ForeignKey("bank_statements.id"), nullable=False
        ),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("amount", ledger.base.Money(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=True),
        sa.Column("booking_date", sa.Date(), nullable=True),
        sa.Column("payer_name", sa.String(length=255), nullable=True),
        sa.Column("payer_account", sa.String(length=64), nullable=True),
        sa.Column("bank_ref", sa.String(length=255), nullable=True),
        sa.Column("end_to_end_id", sa.String(length=255), nullable=True),
        sa.Column("remittance_text", sa.Text(), nullable=True),
        sa.Column("refs", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id"), nullable=True),
        sa.Column("inbound_id", sa.Integer(), sa.ForeignKey("inbound_messages.id"), nullable=True),
        _at("created_at"),
    )
    op.create_index("ix_payments_statement_id", "payments", ["statement_id"])
    op.create_index("ix_payments_status", "payments", ["status"])
    op.create_index("ix_payments_customer_id", "payments", ["customer_id"])
    op.create_index("ix_payments_status_amount", "payments", ["status", "currency", "amount"])
    op.create_table(
        "expected_payments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "remittance_id",
            sa.Integer(),
            sa.ForeignKey("remittances.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id"), nullable=True),
        sa.Column("amount", ledger.base.Money(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("payment_ref", sa.String(length=255), nullable=True),
        sa.Column("invoice_refs", sa.Text(), nullable=True),
        sa.Column("expected_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        _at("created_at"),
    )
    op.create_index("ix_expected_payments_customer_id", "expected_payments", ["customer_id"])
    op.create_index("ix_expected_payments_status", "expected_payments", ["status"])
    op.create_index(
        "ix_expected_payments_status_amount",
        "expected_payments",
        ["status", "currency", "amount"],
    )
    op.create_table(
        "payment_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "payment_id", sa.Integer(), sa.ForeignKey("payments.id"), nullable=False, unique=True
        ),
        sa.Column(
            "expected_payment_id",
            sa.Integer(),
            sa.ForeignKey("expected_payments.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("linked_by", sa.String(length=255), nullable=False),
        _at("linked_at"),
    )
    op.add_column(
        "applications",
        sa.Column("basis", sa.String(length=16), nullable=False, server_default="remittance"),
    )


def downgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("basis")
    op.drop_table("payment_links")
    op.drop_table("expected_payments")
    op.drop_table("payments")
    op.drop_table("bank_statements")

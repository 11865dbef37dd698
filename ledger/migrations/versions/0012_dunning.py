"""dunning: holds on reminders (disputes, promises to pay), the reminders sent per (invoice,
level), and the scheduled runs started per (job, day)

Revision ID: 0012_dunning
Revises: 0011_speed
Create Date: 2026-12-01 19:00:00

Hand-written. New tables only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.base

revision = "0012_dunning"
down_revision = "0011_speed"
branch_labels = None
depends_on = None


def _utc(name: str) -> sa.Column[object]:
    return sa.Column(name, ledger.base.UtcDateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "dunning_holds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=255), nullable=False, unique=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("invoice_id", sa.Integer(), sa.ForeignKey("invoices.id"), nullable=True),
        sa.Column("review_item_id", sa.Integer(), sa.ForeignKey("review_items.id"), nullable=True),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        _utc("created_at"),
    )
    op.create_index("ix_dunning_holds_customer_id", "dunning_holds", ["customer_id"])
    op.create_index("ix_dunning_holds_invoice_id", "dunning_holds", ["invoice_id"])
    op.create_table(
        "dunning_notices",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("invoice_id", sa.Integer(), sa.ForeignKey("invoices.id"), nullable=False),
        sa.Column("level", sa.String(length=64), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("outbox_id", sa.Integer(), sa.ForeignKey("outbox.id"), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("balance", ledger.base.Money(), nullable=False),
        _utc("created_at"),
        sa.UniqueConstraint("invoice_id", "level"),
    )
    op.create_index("ix_dunning_notices_customer_id", "dunning_notices", ["customer_id"])
    op.create_index("ix_dunning_notices_outbox_id", "dunning_notices", ["outbox_id"])
    op.create_table(
        "scheduled_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("job", sa.String(length=64), nullable=False),
        sa.Column("run_key", sa.String(length=64), nullable=False),
        _utc("fire_time"),
        _utc("enqueued_at"),
        sa.Column("scheduler", sa.String(length=255), nullable=False),
        sa.UniqueConstraint("job", "run_key"),
    )


def downgrade() -> None:
    op.drop_table("scheduled_runs")
    op.drop_table("dunning_notices")
    op.drop_table("dunning_holds")

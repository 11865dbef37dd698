"""rules and reversals: the match rules a reviewer's confirmation teaches; who un-applied an
application, when and why

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 15:20:00

Hand-written. One new table and nullable columns only (plain ALTER TABLE ... ADD COLUMN on
SQLite and PostgreSQL, no table rebuild). Applications written before this revision were never
un-applied: their reversal columns stay null.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.base

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "match_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("pattern", sa.String(length=320), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", ledger.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("source_review_item_id", sa.Integer(), nullable=True),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("last_hit_at", ledger.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_match_rules_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["source_review_item_id"],
            ["review_items.id"],
            name=op.f("fk_match_rules_source_review_item_id_review_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_rules")),
        sa.UniqueConstraint(
            "kind",
            "pattern",
            "customer_id",
            name=op.f("uq_match_rules_kind_pattern_customer_id"),
        ),
    )
    op.create_index(
        op.f("ix_match_rules_customer_id"), "match_rules", ["customer_id"], unique=False
    )
    op.add_column(
        "applications",
        sa.Column("reversed_at", ledger.base.UtcDateTime(timezone=True), nullable=True),
    )
    op.add_column("applications", sa.Column("reversed_by", sa.String(length=255), nullable=True))
    op.add_column("applications", sa.Column("reversal_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35 has it): a batch rebuild would drop
    # applications, which nothing else references, but there is no need for one.
    op.drop_column("applications", "reversal_reason")
    op.drop_column("applications", "reversed_by")
    op.drop_column("applications", "reversed_at")
    op.drop_index(op.f("ix_match_rules_customer_id"), table_name="match_rules")
    op.drop_table("match_rules")

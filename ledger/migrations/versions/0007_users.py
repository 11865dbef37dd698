"""users: the review web app's users and their server-side sessions

Revision ID: 0007_users
Revises: 0006
Create Date: 2026-12-01 18:45:00

Hand-written. Two new tables only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.base

revision = "0007_users"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("locked_until", ledger.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", ledger.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", ledger.base.UtcDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", ledger.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", ledger.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", ledger.base.UtcDateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sessions_token_hash")),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])


def downgrade() -> None:
    op.drop_table("web_sessions")
    op.drop_table("users")

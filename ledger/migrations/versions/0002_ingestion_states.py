"""ingestion states: parsed_at on inbound mail; fetched_at and the mailbox action per position

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 00:50:00

Hand-written. Batch mode for the additions (on SQLite, batch "auto" needs no table rebuild to
add a nullable column; PostgreSQL gets plain ALTER TABLE ... ADD COLUMN). Positions moved
before this revision get ``action = 'moved'`` (or ``'gone'`` when the old code recorded
``(gone) <folder>``), so they do not show up as waiting for a mailbox action.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("parsed_at", ledger.base.UtcDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("mailbox_messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fetched_at", ledger.base.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("action", sa.String(length=16), nullable=True))
    positions = sa.table(
        "mailbox_messages",
        sa.column("action", sa.String),
        sa.column("moved_to", sa.String),
        sa.column("moved_at", sa.DateTime),
    )
    op.execute(
        positions.update()
        .where(positions.c.moved_at.is_not(None), positions.c.moved_to.like("(gone)%"))
        .values(action="gone")
    )
    op.execute(
        positions.update()
        .where(positions.c.moved_at.is_not(None), positions.c.action.is_(None))
        .values(action="moved")
    )
    # "waiting for a mailbox action" is: action IS NULL (joined to a final inbound status)
    with op.batch_alter_table("mailbox_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mailbox_messages_action"), ["action"], unique=False)


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35 has it): a batch rebuild would drop
    # inbound_messages, which the foreign keys of other tables' rows forbid.
    op.drop_index(op.f("ix_mailbox_messages_action"), table_name="mailbox_messages")
    op.drop_column("mailbox_messages", "action")
    op.drop_column("mailbox_messages", "fetched_at")
    op.drop_column("inbound_messages", "parsed_at")

"""outbox lease: the time until which a delivery holds an outbox row

Revision ID: 0017_outbox_lease
Revises: 0016_claim_indexes
Create Date: 2026-12-07 12:00:00

Hand-written.

A delivery took the row's lock and held it, in an open transaction, while the SMTP server took
the mail; on SQLite that transaction held the whole database's write lock. A delivery now
claims the row for a while (``outbox.claimed_until``) in a short transaction, talks to the
server with no transaction open, and records the outcome in another short one. Rows written
before stay NULL: nobody is sending them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.base

revision = "0017_outbox_lease"
down_revision = "0016_claim_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(
            sa.Column("claimed_until", ledger.base.UtcDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("claimed_until")

"""outbox recipient indexes: the reply cap's count of mails sent to an address by index

Revision ID: 0018_outbox_recipient_indexes
Revises: 0017_outbox_lease
Create Date: 2026-12-07 11:00:00

Hand-written.

The reply cap counts the outbox rows sent to one address in the last day on every reply. It
matched the comma-separated recipients with LIKE and read the whole outbox: 35 ms a reply at
50,000 rows, inside the transaction that posts the remittance. Two partial indexes: rows of one
recipient by (recipients, created_at), and rows of several recipients (few) by created_at.
Partial, so a long list of recipients never makes an index entry (PostgreSQL refuses entries
over about 2.7 KB) and the one-recipient index holds addresses only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_outbox_recipient_indexes"
down_revision = "0017_outbox_lease"
branch_labels = None
depends_on = None

ONE = "recipients NOT LIKE '%,%'"
SEVERAL = "recipients LIKE '%,%'"


def upgrade() -> None:
    op.create_index(
        "ix_outbox_one_recipient_created_at",
        "outbox",
        ["recipients", "created_at"],
        sqlite_where=sa.text(ONE),
        postgresql_where=sa.text(ONE),
    )
    op.create_index(
        "ix_outbox_several_recipients_created_at",
        "outbox",
        ["created_at"],
        sqlite_where=sa.text(SEVERAL),
        postgresql_where=sa.text(SEVERAL),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_several_recipients_created_at", table_name="outbox")
    op.drop_index("ix_outbox_one_recipient_created_at", table_name="outbox")

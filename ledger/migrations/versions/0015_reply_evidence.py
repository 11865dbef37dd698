"""reply evidence: what the reply breaker counts of each inbound mail, and indexes to find a
sender's recent mails and our replies to them

Revision ID: 0015_reply_evidence
Revises: 0014_invoice_customer_index
Create Date: 2026-12-07 10:00:00

Hand-written.

The reply breaker counted every answered mail of a sender, so a customer who wrote three
times in an hour was cut off as a loop. It now counts only mails that look like a loop: an
answer to one of our replies, or the same mail again. ``inbound_messages.loop_evidence`` keeps
why a mail looked so when it was processed, ``body_key`` the hash of its own text and
attachments (to find the same mail again). Rows written before stay NULL: no evidence.
``ix_inbound_messages_from_address_received_at`` finds a sender's mails of the last hour,
``ix_outbox_inbound_id`` whether (and with what subject) we answered them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_reply_evidence"
down_revision = "0014_invoice_customer_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_messages") as batch_op:
        batch_op.add_column(sa.Column("body_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("loop_evidence", sa.Text(), nullable=True))
    op.create_index(
        "ix_inbound_messages_from_address_received_at",
        "inbound_messages",
        ["from_address", "received_at"],
        unique=False,
    )
    op.create_index("ix_outbox_inbound_id", "outbox", ["inbound_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_outbox_inbound_id", table_name="outbox")
    op.drop_index("ix_inbound_messages_from_address_received_at", table_name="inbound_messages")
    with op.batch_alter_table("inbound_messages") as batch_op:
        batch_op.drop_column("loop_evidence")
        batch_op.drop_column("body_key")

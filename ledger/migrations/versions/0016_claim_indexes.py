"""claim indexes: remittance lines by invoice, review items by remittance line

Revision ID: 0016_claim_indexes
Revises: 0015_reply_evidence
Create Date: 2026-12-07 02:40:00

Hand-written.

A remittance line that would be applied looks for an earlier mail's line claiming the same
invoice and amount that still waits for a person or the bank (a re-sent advice:
worker.inbound.deciding): one read by invoice, and one by line for its open review item.
"""

from __future__ import annotations

from alembic import op

revision = "0016_claim_indexes"
down_revision = "0015_reply_evidence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_remittance_lines_invoice_id", "remittance_lines", ["invoice_id"])
    op.create_index("ix_review_items_remittance_line_id", "review_items", ["remittance_line_id"])


def downgrade() -> None:
    op.drop_index("ix_review_items_remittance_line_id", table_name="review_items")
    op.drop_index("ix_remittance_lines_invoice_id", table_name="remittance_lines")

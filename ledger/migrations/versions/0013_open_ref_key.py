"""open ref key: the covering index of a customer's open invoices carries ``ref_key`` too

Revision ID: 0013_open_ref_key
Revises: 0012_dunning
Create Date: 2026-12-01 21:45:00

Hand-written.

Matching compares a line's reference with the normalised number of each of the identified
customer's open invoices (near matches, the runner-up, suggestions). It read the numbers and
normalised them again per line; now it reads the stored ``ref_key`` with the rest, and
``ix_invoices_customer_open`` (0011) must carry it so the read stays on the index alone.
"""

from __future__ import annotations

from alembic import op

revision = "0013_open_ref_key"
down_revision = "0012_dunning"
branch_labels = None
depends_on = None

_NAME = "ix_invoices_customer_open"
_BEFORE = [
    "customer_id",
    "status",
    "due_date",
    "number",
    "balance",
    "currency",
    "issue_date",
    "amount",
    "terms",
]


def upgrade() -> None:
    op.drop_index(_NAME, table_name="invoices")
    op.create_index(_NAME, "invoices", [*_BEFORE, "ref_key"], unique=False)


def downgrade() -> None:
    op.drop_index(_NAME, table_name="invoices")
    op.create_index(_NAME, "invoices", _BEFORE, unique=False)

"""matching indexes: a customer's open invoices, in the order matching reads them

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 15:45:00

Hand-written. ``open_invoices_for_customer`` (every remittance line of an identified customer)
filters on ``customer_id`` and ``status`` and sorts by ``due_date, number``. With
``ix_invoices_customer_id`` alone the database reads all of the customer's invoices, paid ones
included (years of them on a real ledger), and sorts the open ones in a temporary B-tree; this
index finds the open ones only, already in order (EXPLAIN QUERY PLAN: ``SEARCH invoices USING
INDEX ix_invoices_customer_id_status (customer_id=? AND status=?)``, no sort). A plain
CREATE INDEX on SQLite and PostgreSQL; no table rebuild.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_COLUMNS = ["customer_id", "status", "due_date", "number"]


def upgrade() -> None:
    op.create_index("ix_invoices_customer_id_status", "invoices", _COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index("ix_invoices_customer_id_status", table_name="invoices")

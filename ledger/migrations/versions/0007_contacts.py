"""contacts: who may receive a customer's account data

Revision ID: 0007_contacts
Revises: 0006
Create Date: 2026-12-01 18:45:00

Hand-written. ``customers.contact_domain``: a domain whose every address may receive the
customer's account data (set by ``arbox import contacts`` with ``allow_domain``; null: only
the registered addresses), indexed because an inbound sender is looked up by it. A contact's
``name`` and ``role`` as the contacts import gives them. Nullable columns added in place on
SQLite and PostgreSQL; no table rebuild.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_contacts"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("contact_domain", sa.String(255), nullable=True))
    op.create_index("ix_customers_contact_domain", "customers", ["contact_domain"], unique=False)
    op.add_column("contacts", sa.Column("name", sa.String(255), nullable=True))
    op.add_column("contacts", sa.Column("role", sa.String(64), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite >= 3.35 has it), not a batch table rebuild: rebuilding
    # ``customers`` drops the table, which fails once other tables' rows refer to it.
    op.drop_column("contacts", "role")
    op.drop_column("contacts", "name")
    op.drop_index("ix_customers_contact_domain", table_name="customers")
    op.drop_column("customers", "contact_domain")

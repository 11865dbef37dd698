"""locales: each customer's and contact's language and formats, and the suggested one

Revision ID: 0020_locales
Revises: 0019_money_three_decimals
Create Date: 2026-12-07 13:00:00

Hand-written (issue 21). ``customers.locale`` and ``contacts.locale``: the CLDR locale
(``de_DE``, ``fr_FR``, …) of everything mailed to them; null: the customer's, then
``ARBOX_DEFAULT_LOCALE``. ``contacts.suggested_locale`` with ``suggested_locale_inbound_id``:
the language a contact's mail was written in, when it differs from the one we write to it,
waiting for a person to confirm (never switched silently). Nullable columns added in place on
SQLite and PostgreSQL, no table rebuild; the inbound reference is a plain integer, not a
foreign key (SQLite cannot add one to an existing table without rebuilding it, and a
suggestion outliving its mail is harmless).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020_locales"
# After 0019_money_three_decimals (issue 21's money part, merged first) so there is one head;
# the brief named 0018 when neither was merged.
down_revision = "0019_money_three_decimals"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("customers", sa.Column("locale", sa.String(20), nullable=True))
    op.add_column("contacts", sa.Column("locale", sa.String(20), nullable=True))
    op.add_column("contacts", sa.Column("suggested_locale", sa.String(20), nullable=True))
    op.add_column("contacts", sa.Column("suggested_locale_inbound_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite >= 3.35 has it), as 0007: a batch rebuild of ``customers``
    # fails once other tables' rows refer to it.
    op.drop_column("contacts", "suggested_locale_inbound_id")
    op.drop_column("contacts", "suggested_locale")
    op.drop_column("contacts", "locale")
    op.drop_column("customers", "locale")

"""remittances.read_text: what OCR recognised on a scan, shown beside the page in review

Revision ID: 0021_remittance_read_text
Revises: 0020_locales
Create Date: 2026-12-07 16:00:00

Hand-written (issue 23). A nullable TEXT column added in place on SQLite and PostgreSQL; null
for every remittance read from a text layer, a body or a file.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_remittance_read_text"
down_revision = "0020_locales"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("remittances", sa.Column("read_text", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("remittances", "read_text")

"""remittance facts: payer, payment date and method; per line what the payer stated and the
decision record (signals, candidates, runner-up) as JSON

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 13:10:00

Hand-written. Only nullable columns are added (plain ALTER TABLE ... ADD COLUMN on SQLite and
PostgreSQL, no table rebuild). ``remittance_lines.amount`` keeps its meaning, the amount the
line was decided for; ``stated_amount`` is what the payer wrote (null when it named the
document without an amount).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import ledger.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_LINE_MONEY = ("stated_amount", "gross", "discount", "deduction")


def upgrade() -> None:
    op.add_column("remittances", sa.Column("payer_name", sa.String(length=255), nullable=True))
    op.add_column("remittances", sa.Column("payment_date", sa.Date(), nullable=True))
    op.add_column("remittances", sa.Column("payment_method", sa.String(length=16), nullable=True))
    for name in _LINE_MONEY:
        op.add_column("remittance_lines", sa.Column(name, ledger.base.Money(), nullable=True))
    op.add_column("remittance_lines", sa.Column("deduction_reason", sa.Text(), nullable=True))
    op.add_column("remittance_lines", sa.Column("alt_refs", sa.Text(), nullable=True))
    op.add_column("remittance_lines", sa.Column("evidence", sa.JSON(), nullable=True))
    # Lines written before this revision always had a stated amount: the one they carry.
    lines = sa.table(
        "remittance_lines", sa.column("amount", sa.Numeric), sa.column("stated_amount", sa.Numeric)
    )
    op.execute(lines.update().values(stated_amount=lines.c.amount))


def downgrade() -> None:
    for name in ("evidence", "alt_refs", "deduction_reason", *reversed(_LINE_MONEY)):
        op.drop_column("remittance_lines", name)
    for name in ("payment_method", "payment_date", "payer_name"):
        op.drop_column("remittances", name)

"""money three decimals: every money column keeps up to three decimals (KWD, BHD, TND, …)

Revision ID: 0019_money_three_decimals
Revises: 0018_outbox_recipient_indexes
Create Date: 2026-12-07 13:30:00

Hand-written.

ISO 4217 gives seven currencies three decimals. Money was NUMERIC(14, 2) on PostgreSQL and
integer cents on SQLite, so a KWD invoice of 1.125 could not be kept. Now NUMERIC(17, 3) (the
same 14 digits before the point) and integer thousandths on SQLite: every stored value is
multiplied by ten. Downgrade divides again and refuses when a third decimal is in use.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_money_three_decimals"
down_revision = "0018_outbox_recipient_indexes"
branch_labels = None
depends_on = None

#: Every money column (ledger.base.Money) at this revision.
COLUMNS: dict[str, tuple[str, ...]] = {
    "bank_statements": ("opening_balance", "closing_balance"),
    "invoices": ("amount", "balance"),
    "payments": ("amount",),
    "remittances": ("stated_total", "lines_total"),
    "dunning_notices": ("balance",),
    "expected_payments": ("amount",),
    "remittance_lines": ("amount", "stated_amount", "gross", "discount", "deduction"),
    "applications": ("amount", "discount", "deduction"),
    "unapplied_cash": ("amount", "received"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _scale_sqlite("* 10")
        return
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(column, type_=sa.Numeric(17, 3), existing_type=sa.Numeric(14, 2))


def downgrade() -> None:
    bind = op.get_bind()
    for table, columns in COLUMNS.items():
        for column in columns:
            third = (
                f"{column} % 10 <> 0"
                if bind.dialect.name == "sqlite"
                else f"{column} <> round({column}, 2)"
            )
            used = bind.execute(sa.text(f"SELECT count(*) FROM {table} WHERE {third}")).scalar()
            if used:
                raise RuntimeError(
                    f"{table}.{column}: {used} amounts use a third decimal; cannot go back"
                )
    if bind.dialect.name == "sqlite":
        _scale_sqlite("/ 10")
        return
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(column, type_=sa.Numeric(14, 2), existing_type=sa.Numeric(17, 3))


def _scale_sqlite(by: str) -> None:
    """SQLite keeps money as integers: scale them (the column's type does not change)."""
    for table, columns in COLUMNS.items():
        sets = ", ".join(f"{c} = {c} {by}" for c in columns)
        op.execute(f"UPDATE {table} SET {sets}")

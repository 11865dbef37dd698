"""Migration 0019_money_three_decimals on SQLite and PostgreSQL: amounts kept before it read the
same after it, a third decimal can be stored, and it goes down only when no third decimal is used."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic import command

from ledger.migrate import alembic_config, current, upgrade
from ledger.models import Invoice
from ledger.session import make_engine

pytestmark = [pytest.mark.integration]

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
BEFORE = "0018_outbox_recipient_indexes"
AFTER = "0019_money_three_decimals"


def _invoice(conn: sa.Connection, number: str, stored: object, currency: str) -> None:
    conn.execute(
        sa.text(
            "insert into invoices (number, ref_key, customer_id, issue_date, due_date, amount, "
            "balance, currency, status, created_at, updated_at) values (:n, :n, 1, '2026-11-01', "
            "'2026-11-30', :a, :a, :c, 'open', :now, :now)"
        ),
        {"n": number, "a": stored, "c": currency, "now": NOW},
    )


def _amounts(engine: sa.Engine) -> dict[str, Decimal]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(Invoice.number, Invoice.amount)).all()
    return {str(number): amount for number, amount in rows}


def test_0019_keeps_amounts_takes_a_third_decimal_and_round_trips(empty_database_url):
    sqlite = empty_database_url.startswith("sqlite")
    upgrade(empty_database_url, BEFORE)
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "insert into customers (id, number, name, created_at) values (1, 'C1', 'A', :now)"
                ),
                {"now": NOW},
            )
            # SQLite kept integer cents before, PostgreSQL NUMERIC(14, 2)
            _invoice(conn, "USD-1", 123456 if sqlite else Decimal("1234.56"), "USD")
            _invoice(conn, "JPY-1", 1200000 if sqlite else Decimal("12000.00"), "JPY")
        upgrade(empty_database_url, AFTER)
        assert current(empty_database_url) == AFTER
        assert _amounts(engine) == {"USD-1": Decimal("1234.56"), "JPY-1": Decimal("12000")}
        assert str(_amounts(engine)["USD-1"]) == "1234.56"  # two decimals unless a third is used
        with engine.begin() as conn:
            conn.execute(
                sa.insert(Invoice.__table__).values(
                    number="KWD-1",
                    ref_key="KWD-1",
                    customer_id=1,
                    issue_date=NOW.date(),
                    due_date=NOW.date(),
                    amount=Decimal("1.125"),
                    balance=Decimal("1.125"),
                    currency="KWD",
                    status="open",
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
        assert str(_amounts(engine)["KWD-1"]) == "1.125"
        # Going down while a third decimal is in use is refused, and nothing changes
        with pytest.raises(RuntimeError, match="third decimal"):
            command.downgrade(alembic_config(empty_database_url), BEFORE)
        engine.dispose()
        assert current(empty_database_url) == AFTER
        with engine.begin() as conn:
            conn.execute(sa.text("delete from invoices where number = 'KWD-1'"))
        command.downgrade(alembic_config(empty_database_url), BEFORE)
        engine.dispose()
        with engine.connect() as conn:
            raw = conn.execute(
                sa.text("select amount from invoices where number = 'USD-1'")
            ).scalar_one()
        assert Decimal(raw) == (123456 if sqlite else Decimal("1234.56"))
    finally:
        engine.dispose()

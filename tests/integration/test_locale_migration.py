"""Migration 0020_locales on SQLite and PostgreSQL: the locale columns of customers and
contacts and the contact's suggested locale are added in place, keep the rows there were,
and go again on downgrade (issue 21)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from ledger.migrate import alembic_config, current, upgrade

pytestmark = [pytest.mark.integration]


def columns(url: str, table: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def test_migration_0019_adds_the_locale_columns_keeps_rows_and_downgrades(empty_database_url):
    url = empty_database_url
    # Given a ledger at the revision before with a customer and a contact
    upgrade(url, "0019_money_three_decimals")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text("insert into customers (number, name, created_at) values ('C1', 'Acme', :t)"),
            {"t": datetime(2026, 12, 1, tzinfo=UTC)},
        )
        conn.execute(
            text("insert into contacts (customer_id, email) select id, 'ap@acme.example' "
                 "from customers")
        )  # fmt: skip
    # When it is upgraded to 0019
    upgrade(url, "0020_locales")
    # Then the columns are there, empty, and a locale can be stored
    assert current(url) == "0020_locales"
    assert "locale" in columns(url, "customers")
    assert {"locale", "suggested_locale", "suggested_locale_inbound_id"} <= columns(url, "contacts")
    with engine.begin() as conn:
        assert conn.execute(text("select locale from customers")).scalar_one() is None
        conn.execute(text("update contacts set locale = 'de_DE', suggested_locale = 'fr_FR'"))
        assert conn.execute(text("select locale from contacts")).scalar_one() == "de_DE"
    engine.dispose()
    # And it downgrades with the rows kept, and upgrades again
    command.downgrade(alembic_config(url), "0019_money_three_decimals")
    assert "locale" not in columns(url, "customers") | columns(url, "contacts")
    upgrade(url)
    assert "suggested_locale" in columns(url, "contacts")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("select count(*) from contacts")).scalar_one() == 1
    finally:
        engine.dispose()

"""Migration 0010_bank on SQLite and PostgreSQL: the bank tables arrive, applications made
before it are recorded as applied on their remittance, and it goes down and up again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command

from ledger.migrate import alembic_config, current, upgrade
from ledger.session import make_engine

pytestmark = [pytest.mark.integration]

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
BANK_TABLES = {"bank_statements", "payments", "expected_payments", "payment_links"}


def _insert_application(conn: sa.Connection) -> None:
    statements = [
        "insert into customers (id, number, name, created_at) values (1, 'C1', 'Acme', :now)",
        "insert into invoices (id, number, ref_key, customer_id, issue_date, due_date, amount, "
        "balance, currency, status, created_at, updated_at) values (1, 'INV-1', '1', 1, "
        "'2026-11-01', '2026-11-30', 100, 0, 'USD', 'paid', :now, :now)",
        "insert into inbound_messages (id, message_id, sha256, raw, size, source, status, "
        "attempts, received_at) values (1, '<a@x>', 'ff', :raw, 3, 'imap', 'applied', 1, :now)",
        "insert into remittances (id, inbound_id, source, currency, lines_total, created_at) "
        "values (1, 1, 'body', 'USD', 100, :now)",
        "insert into remittance_lines (id, remittance_id, line_no, invoice_ref, amount, "
        "outcome, confidence, reason) values (1, 1, 1, 'INV-1', 100, 'auto', 1, 'r')",
        "insert into applications (id, remittance_line_id, invoice_id, amount, discount, "
        "deduction, currency, status, confidence, reasons, applied_by, applied_at) values "
        "(1, 1, 1, 100, 0, 0, 'USD', 'auto', 1, 'r', 'worker', :now)",
    ]
    for statement in statements:
        conn.execute(sa.text(statement), {"now": NOW, "raw": b"abc"})


def test_0010_adds_the_bank_tables_marks_old_applications_and_round_trips(empty_database_url):
    # Given a database at 0006 with one application
    upgrade(empty_database_url, "0006")
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as conn:
            _insert_application(conn)
        # When it is upgraded
        upgrade(empty_database_url, "0010_bank")
        assert current(empty_database_url) == "0010_bank"
        # Then the bank tables are there and the old application was applied on its remittance
        assert set(sa.inspect(engine).get_table_names()) >= BANK_TABLES
        with engine.connect() as conn:
            basis = conn.execute(sa.text("select basis from applications")).scalar_one()
        assert basis == "remittance"
        # And it goes down, keeping the application, and up again
        command.downgrade(alembic_config(empty_database_url), "0006")
        engine.dispose()
        assert not BANK_TABLES & set(sa.inspect(engine).get_table_names())
        with engine.connect() as conn:
            assert conn.execute(sa.text("select count(*) from applications")).scalar_one() == 1
        upgrade(empty_database_url, "0010_bank")
        assert current(empty_database_url) == "0010_bank"
    finally:
        engine.dispose()

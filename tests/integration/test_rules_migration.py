"""Migration 0004 on SQLite and PostgreSQL: match rules and reversal columns arrive, an
application written before it stays applied (never un-applied), and it goes down and up again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command

from ledger.migrate import alembic_config, current, upgrade
from ledger.session import make_engine

pytestmark = [pytest.mark.integration]

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def test_0004_leaves_old_applications_unreversed_and_round_trips(empty_database_url):
    # Given a database at 0003 with one application of cash
    upgrade(empty_database_url, "0003")
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "insert into customers (id, number, name, created_at) "
                    "values (1, 'C1', 'Acme', :now)"
                ),
                {"now": NOW},
            )
            conn.execute(
                sa.text(
                    "insert into invoices (id, number, ref_key, customer_id, issue_date, "
                    "due_date, amount, balance, currency, status, created_at, updated_at) "
                    "values (1, 'INV-1', '1', 1, '2026-11-01', '2026-12-01', 100, 0, 'USD', "
                    "'paid', :now, :now)"
                ),
                {"now": NOW},
            )
            conn.execute(
                sa.text(
                    "insert into inbound_messages (id, message_id, sha256, raw, size, source, "
                    "status, attempts, received_at) values (1, '<a@x>', 'ff', :raw, 3, 'imap', "
                    "'applied', 1, :now)"
                ),
                {"raw": b"abc", "now": NOW},
            )
            conn.execute(
                sa.text(
                    "insert into remittances (id, inbound_id, source, currency, lines_total, "
                    "created_at) values (1, 1, 'body', 'USD', 100, :now)"
                ),
                {"now": NOW},
            )
            conn.execute(
                sa.text(
                    "insert into remittance_lines (id, remittance_id, line_no, invoice_ref, "
                    "amount, outcome, confidence, reason) values "
                    "(1, 1, 1, 'INV-1', 100, 'auto', 1, 'r')"
                )
            )
            conn.execute(
                sa.text(
                    "insert into applications (id, remittance_line_id, invoice_id, amount, "
                    "discount, deduction, currency, status, confidence, reasons, applied_by, "
                    "applied_at) values (1, 1, 1, 100, 0, 0, 'USD', 'auto', 1, 'r', 'worker', "
                    ":now)"
                ),
                {"now": NOW},
            )
        # When it is upgraded
        upgrade(empty_database_url, "0004")
        assert current(empty_database_url) == "0004"
        with engine.connect() as conn:
            reversed_at, reversed_by, why = conn.execute(
                sa.text("select reversed_at, reversed_by, reversal_reason from applications")
            ).one()
            rules = conn.execute(sa.text("select count(*) from match_rules")).scalar()
        # Then the old application was never un-applied, and there are no rules yet
        assert (reversed_at, reversed_by, why) == (None, None, None)
        assert rules == 0
        # and it goes down and up again
        command.downgrade(alembic_config(empty_database_url), "0003")
        assert current(empty_database_url) == "0003"
        upgrade(empty_database_url, "0004")
        assert current(empty_database_url) == "0004"
    finally:
        engine.dispose()

"""Migration 0003 on SQLite and PostgreSQL: the remittance facts arrive, lines written before it
keep their amount as the stated one, it goes down and up again; and the migrated schema is the
one the models describe (Alembic finds nothing to autogenerate)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from ledger.base import Base
from ledger.migrate import alembic_config, current, upgrade
from ledger.session import make_engine

pytestmark = [pytest.mark.integration]

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def test_0003_keeps_old_line_amounts_as_stated_and_round_trips(empty_database_url):
    # Given a database at 0002 with one remittance line of 120.50
    upgrade(empty_database_url, "0002")
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as conn:
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
                    "created_at) values (1, 1, 'body', 'USD', 120.50, :now)"
                ),
                {"now": NOW},
            )
            conn.execute(
                sa.text(
                    "insert into remittance_lines (id, remittance_id, line_no, invoice_ref, "
                    "amount, outcome, confidence, reason) values "
                    "(1, 1, 1, 'INV-1', 120.50, 'auto', 1, 'r')"
                )
            )
        # When it is upgraded
        upgrade(empty_database_url, "0003")
        assert current(empty_database_url) == "0003"
        with engine.connect() as conn:
            stated, gross = conn.execute(
                sa.text("select stated_amount, gross from remittance_lines")
            ).one()
            payer = conn.execute(sa.text("select payer_name from remittances")).scalar()
        # Then the old amount is the stated one and the new facts are unknown
        assert Decimal(str(stated)) == Decimal("120.50")
        assert gross is None and payer is None
        # and it goes down and up again
        command.downgrade(alembic_config(empty_database_url), "0002")
        assert current(empty_database_url) == "0002"
        upgrade(empty_database_url, "0003")
        assert current(empty_database_url) == "0003"
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_models(empty_database_url):
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diffs == []


def _invoice_indexes(url: str) -> dict[str, list[str]]:
    engine = make_engine(url)
    try:
        return {ix["name"]: ix["column_names"] for ix in sa.inspect(engine).get_indexes("invoices")}
    finally:
        engine.dispose()


def test_0014_drops_the_customer_id_index_and_customer_lookups_keep_an_index(empty_database_url):
    upgrade(empty_database_url, "0013_open_ref_key")
    assert "ix_invoices_customer_id" in _invoice_indexes(empty_database_url)
    upgrade(empty_database_url)
    indexes = _invoice_indexes(empty_database_url)
    assert "ix_invoices_customer_id" not in indexes
    # Every remaining index a customer's invoices can be found by starts with customer_id.
    assert indexes["ix_invoices_customer_open"][0] == "customer_id"
    assert indexes["ix_invoices_aging"][0] == "customer_id"
    engine = make_engine(empty_database_url)
    try:
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                plan = " ".join(
                    str(row[-1])
                    for row in conn.exec_driver_sql(
                        "EXPLAIN QUERY PLAN SELECT id FROM invoices WHERE customer_id = 7"
                    )
                )
            assert "USING" in plan and "INDEX" in plan and "SCAN invoices" not in plan
    finally:
        engine.dispose()
    command.downgrade(alembic_config(empty_database_url), "0013_open_ref_key")
    assert current(empty_database_url) == "0013_open_ref_key"
    assert "ix_invoices_customer_id" in _invoice_indexes(empty_database_url)


def test_0015_adds_the_reply_evidence_columns_and_indexes_and_round_trips(empty_database_url):
    # Given a database at 0014 with one inbound mail
    upgrade(empty_database_url, "0014_invoice_customer_index")
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "insert into inbound_messages (id, message_id, sha256, raw, size, source, "
                    "status, attempts, received_at, from_address) values (1, '<a@x>', 'ff', "
                    ":raw, 3, 'imap', 'applied', 1, :now, 'ap@x.example')"
                ),
                {"raw": b"abc", "now": NOW},
            )
        # When it is upgraded
        upgrade(empty_database_url)
        inspector = sa.inspect(engine)
        columns = {c["name"] for c in inspector.get_columns("inbound_messages")}
        inbound_ix = {
            ix["name"]: ix["column_names"] for ix in inspector.get_indexes("inbound_messages")
        }
        outbox_ix = {ix["name"]: ix["column_names"] for ix in inspector.get_indexes("outbox")}
        with engine.connect() as conn:
            kept = conn.execute(
                sa.text("select body_key, loop_evidence from inbound_messages")
            ).one()
        # Then the mail stored before has no evidence, and a sender's mails have an index
        assert {"body_key", "loop_evidence"} <= columns
        assert tuple(kept) == (None, None)
        assert inbound_ix["ix_inbound_messages_from_address_received_at"] == [
            "from_address",
            "received_at",
        ]
        assert outbox_ix["ix_outbox_inbound_id"] == ["inbound_id"]
        # And it goes down and up again
        command.downgrade(alembic_config(empty_database_url), "0014_invoice_customer_index")
        assert current(empty_database_url) == "0014_invoice_customer_index"
        columns = {c["name"] for c in sa.inspect(engine).get_columns("inbound_messages")}
        assert "loop_evidence" not in columns and "body_key" not in columns
        upgrade(empty_database_url, "0015_reply_evidence")
        assert current(empty_database_url) == "0015_reply_evidence"
    finally:
        engine.dispose()


def test_0016_indexes_lines_by_invoice_and_review_items_by_line(empty_database_url):
    # Given a database at 0015, when it is upgraded
    upgrade(empty_database_url, "0015_reply_evidence")
    upgrade(empty_database_url, "0016_claim_indexes")
    engine = make_engine(empty_database_url)
    try:
        inspector = sa.inspect(engine)
        lines = {ix["name"]: ix["column_names"] for ix in inspector.get_indexes("remittance_lines")}
        items = {ix["name"]: ix["column_names"] for ix in inspector.get_indexes("review_items")}
        # Then a re-sent claim is looked up by index (worker.inbound.deciding)
        assert lines["ix_remittance_lines_invoice_id"] == ["invoice_id"]
        assert items["ix_review_items_remittance_line_id"] == ["remittance_line_id"]
        # And it goes down and up again
        command.downgrade(alembic_config(empty_database_url), "0015_reply_evidence")
        names = {ix["name"] for ix in sa.inspect(engine).get_indexes("remittance_lines")}
        assert "ix_remittance_lines_invoice_id" not in names
        upgrade(empty_database_url, "0016_claim_indexes")
        assert current(empty_database_url) == "0016_claim_indexes"
    finally:
        engine.dispose()


def test_0017_gives_outbox_rows_a_lease_nobody_holds_yet(empty_database_url):
    # Given a database at 0016 with one pending outbox row
    upgrade(empty_database_url, "0016_claim_indexes")
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "insert into outbox (id, key, kind, message_id, sender, recipients, subject, "
                    "raw, status, attempts, created_at) values (1, 'ack:1', 'acknowledgement', "
                    "'<r1@arbox.example>', 'ar@arbox.example', 'ap@acme.example', 'Re', :raw, "
                    "'pending', 0, :now)"
                ),
                {"raw": b"abc", "now": NOW},
            )
        # When it is upgraded, the row is there and nobody holds it
        upgrade(empty_database_url, "0017_outbox_lease")
        with engine.connect() as conn:
            held = conn.execute(sa.text("select status, claimed_until from outbox")).one()
        assert tuple(held) == ("pending", None)
        # And it goes down and up again
        command.downgrade(alembic_config(empty_database_url), "0016_claim_indexes")
        columns = {c["name"] for c in sa.inspect(engine).get_columns("outbox")}
        assert "claimed_until" not in columns
        upgrade(empty_database_url, "0017_outbox_lease")
        assert current(empty_database_url) == "0017_outbox_lease"
    finally:
        engine.dispose()

"""Migration 0002 on SQLite and PostgreSQL: the new columns arrive, positions moved under 0001
get their action, nothing waits that was already done, and it downgrades and upgrades again."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from ledger.migrate import current, upgrade
from ledger.session import make_engine

pytestmark = [pytest.mark.integration]

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def test_0002_adds_the_ingestion_states_and_keeps_done_positions_done(empty_database_url):
    from alembic import command

    from ledger.migrate import alembic_config

    # Given a database at 0001 with three positions: moved, gone, and still to do
    upgrade(empty_database_url, "0001")
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
            for uid, moved_to, moved_at in (
                (1, "Processed", NOW),
                (2, "(gone) Processed", NOW),
                (3, None, None),
            ):
                conn.execute(
                    sa.text(
                        "insert into mailbox_messages (account, folder, uidvalidity, uid, "
                        "inbound_id, moved_to, moved_at) values ('a', 'INBOX', 1, :uid, 1, "
                        ":moved_to, :moved_at)"
                    ),
                    {"uid": uid, "moved_to": moved_to, "moved_at": moved_at},
                )
        # When it is upgraded
        upgrade(empty_database_url, "0002")
        assert current(empty_database_url) == "0002"
        with engine.connect() as conn:
            actions = conn.execute(
                sa.text("select uid, action, fetched_at from mailbox_messages order by uid")
            ).all()
            parsed = conn.execute(sa.text("select parsed_at from inbound_messages")).scalar()
        # Then done positions carry their action and only the third waits
        assert [(u, a) for u, a, _ in actions] == [(1, "moved"), (2, "gone"), (3, None)]
        assert parsed is None
        # and it goes down and up again
        command.downgrade(alembic_config(empty_database_url), "0001")
        assert current(empty_database_url) == "0001"
        upgrade(empty_database_url, "0002")
        assert current(empty_database_url) == "0002"
    finally:
        engine.dispose()

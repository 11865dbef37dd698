"""Users of the review app in the ledger (SQLite and PostgreSQL): unique names, salted
scrypt hashes, lockout counting, sessions that end; and the ``arbox users`` commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from core.errors import RefusedActionError
from core.passwords import SCRYPT_N, hash_password, verify_password
from ledger.auth import (
    add_user,
    authenticate,
    disable_user,
    list_users,
    open_session,
    revoke_session,
    session_user,
)
from ledger.models import AuditEvent, User, WebSession
from ledger.session import make_engine, make_sessionmaker

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_password_verifies_only_itself_and_hashes_differ_by_salt():
    first, second = hash_password("s3cret pass", n=2**8), hash_password("s3cret pass", n=2**8)
    assert first != second
    assert verify_password("s3cret pass", first)
    assert not verify_password("s3cret pas", first)
    assert not verify_password("s3cret pass", "scrypt$broken")
    assert not verify_password("x" * 5000, first)


def test_production_hashes_use_the_full_scrypt_cost(monkeypatch):
    monkeypatch.undo()  # the tests' low cost (conftest.fast_scrypt)
    assert hash_password("pw").split("$")[1] == str(SCRYPT_N) == "16384"


def test_empty_or_huge_passwords_are_refused():
    with pytest.raises(ValueError, match="empty"):
        hash_password("")
    with pytest.raises(ValueError, match="at most"):
        hash_password("x" * 2000)


@pytest.fixture
def sessions(database_url):
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    engine.dispose()


def test_users_are_unique_and_failures_are_counted_not_locked_on_both_databases(sessions):
    with sessions.begin() as s:
        add_user(s, username="Alice", role="clerk", password="pw-1", actor="cli", now=NOW)
    with sessions.begin() as s, pytest.raises(RefusedActionError, match="exists"):
        add_user(s, username="alice", role="viewer", password="pw-2", actor="cli", now=NOW)
    with sessions.begin() as s, pytest.raises(RefusedActionError, match="role"):
        add_user(s, username="bob", role="admin", password="pw-2", actor="cli", now=NOW)

    def attempt(password, at=NOW):
        with sessions.begin() as s:
            return authenticate(s, username="ALICE", password=password, now=at).outcome

    # the database never locks a user out (issue 19: five requests locked any supervisor out);
    # throttling is the web app's, per address and username (review.throttle)
    assert [attempt("wrong") for _ in range(6)] == ["wrong"] * 6
    with sessions() as s:
        assert list_users(s)[0].failed_count == 6
    assert attempt("pw-1") == "ok"
    with sessions() as s:
        assert list_users(s)[0].failed_count == 0
        actions = s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["add_user"] + ["sign_in_failed"] * 6 + ["sign_in"]


def test_a_session_is_stored_as_a_digest_and_ends_when_revoked_or_disabled(sessions):
    with sessions.begin() as s:
        account = add_user(s, username="carol", role="viewer", password="pw", actor="cli", now=NOW)
        opened = open_session(s, user_id=account.id, now=NOW, lifetime=timedelta(hours=1))
        other = open_session(s, user_id=account.id, now=NOW, lifetime=timedelta(hours=1))
    with sessions() as s:
        stored = s.scalars(select(WebSession.token_hash)).all()
        assert opened.token not in stored
        assert session_user(s, token=opened.token, now=NOW).account.username == "carol"
        assert session_user(s, token=opened.token, now=NOW + timedelta(hours=2)) is None
    with sessions.begin() as s:
        revoke_session(s, token=opened.token, now=NOW)
    with sessions.begin() as s:
        assert session_user(s, token=opened.token, now=NOW) is None
        assert session_user(s, token=other.token, now=NOW) is not None
        disable_user(s, username="carol", actor="cli", now=NOW)
    with sessions() as s:
        assert session_user(s, token=other.token, now=NOW) is None


@pytest.fixture
def cli(tmp_path, sqlite_template):
    import shutil

    from worker.cli import app

    db = tmp_path / "ledger.db"
    shutil.copyfile(sqlite_template, db)
    env = {"ARBOX_DATABASE_URL": f"sqlite:///{db}", "ARBOX_DATA_DIR": str(tmp_path / "data")}
    runner = CliRunner()

    def run(*args, input=None):
        return runner.invoke(app, list(args), env=env, input=input)

    run.db = db
    return run


def test_the_users_commands_add_list_change_and_disable_without_echoing_passwords(cli):
    added = cli(
        "users", "add", "dana", "--role", "supervisor", "--password-stdin", input="Pa55 word!\n"
    )
    assert added.exit_code == 0, added.output
    assert "dana (supervisor) added" in added.output and "Pa55" not in added.output
    prompted = cli("users", "add", "erin", "--role", "clerk", input="erin-pw\nerin-pw\n")
    assert prompted.exit_code == 0, prompted.output
    assert "erin-pw" not in prompted.output
    dup = cli("users", "add", "dana", "--role", "clerk", "--password-stdin", input="x\n")
    assert dup.exit_code == 1 and "exists already" in dup.output
    bad_role = cli("users", "add", "fay", "--role", "admin", "--password-stdin", input="x\n")
    assert bad_role.exit_code == 2
    assert cli("users", "passwd", "dana", "--password-stdin", input="N3w one\n").exit_code == 0
    assert cli("users", "disable", "erin").exit_code == 0
    listed = cli("users", "list")
    assert listed.exit_code == 0
    assert "dana" in listed.output and "supervisor" in listed.output and "disabled" in listed.output
    assert cli("users", "disable", "nobody").exit_code == 1

    engine = make_engine(f"sqlite:///{cli.db}")
    with make_sessionmaker(engine)() as s:
        stored = s.scalars(select(User.password_hash).where(User.username == "dana")).one()
    engine.dispose()
    assert verify_password("N3w one", stored)

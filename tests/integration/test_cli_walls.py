"""Issue 20: a bad setting, or a database that is unreachable, missing or not migrated, is one
line naming the setting and the fix, exit status 2 (settings) or 1, never a traceback; a
command that only reads never creates a database file."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.integration.cli import arbox, arbox_here, cli_env

pytestmark = [pytest.mark.integration, pytest.mark.smtp]


@pytest.fixture
def env(tmp_path: Path, smtp_sink) -> dict[str, str]:
    return cli_env(tmp_path, smtp_sink)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def one_error_line(result, code: int) -> str:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("variable", "value", "expected", "command"),
    [
        ("ARBOX_IMAP_PORT", "abc", "'abc': expected a whole number from 1 to 65535", "status"),
        ("ARBOX_IMAP_PORT", "-1", "'-1': expected a whole number from 1 to 65535", "status"),
        ("ARBOX_SMTP_PORT", "70000", "expected a whole number from 1 to 65535", "status"),
        ("ARBOX_WEB_PORT", "99999", "'99999': expected a whole number from 0 to 65535", "serve"),
        ("ARBOX_IMAP_TLS", "maybe", "'maybe': expected one of ssl, starttls, none", "status"),
        ("ARBOX_SMTP_TLS", "tls", "expected one of ssl, starttls, none", "statements send"),
        ("ARBOX_AUTO_APPLY", "perhaps", "'perhaps': expected true or false", "report aging"),
        ("ARBOX_OUTBOUND_DRY_RUN", "sure", "expected true or false", "statements send"),
        ("ARBOX_AUTO_APPLY_AMOUNT_BANDS", "lots:0.9", "'lots' is not a number", "report aging"),
        ("ARBOX_DUNNING_LEVELS", "soon:x", "expected DAYS:TEMPLATE", "dunning send"),
        ("ARBOX_MAX_DEDUCTION_SHARE", "1.5", "expected a number from 0 to 1", "status"),
        ("ARBOX_INTENT_MIN_CONFIDENCE", "2", "expected a number from 0 to 1", "status"),
        ("ARBOX_IMAP_POLL_SECONDS", "0", "expected a number greater than 0", "status"),
        ("ARBOX_WORKER_THREADS", "0", "expected a whole number of at least 1", "status"),
        ("ARBOX_DISCOUNT_GRACE_DAYS", "-3", "expected a whole number of at least 0", "status"),
        ("ARBOX_DEFAULT_CURRENCY", "dollars", "three-letter ISO 4217 currency code", "status"),
        ("ARBOX_DATABASE_URL", "nonsense", "'nonsense': expected a database URL", "status"),
        ("ARBOX_DATABASE_URL", "oracle9://x", "not a database arbox can use", "status"),
        ("ARBOX_REDIS_URL", "localhost", "'***': expected a Redis URL", "status"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it_exit_2(
    env, tmp_path, variable, value, expected, command
):
    result = arbox_here(*command.split(), env={**env, variable: value}, cwd=tmp_path)
    line = one_error_line(result, 2)
    assert line.startswith(f"error: {variable}=")
    assert expected in line


def test_each_bad_setting_is_its_own_line_and_secrets_are_never_shown(env, tmp_path):
    bad = {
        **env,
        "ARBOX_IMAP_PORT": "abc",
        "ARBOX_IMAP_TLS": "maybe",
        "ARBOX_DATABASE_URL": "postgresql://arbox:hunter2@",
        "ARBOX_SMTP_PASSWORD": "hunter2",
        "ARBOX_REDIS_URL": "hunter2",
    }
    result = arbox("status", env=bad, cwd=tmp_path)  # the console script, as a user runs it
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "hunter2" not in result.stderr
    assert sorted(line.split("=")[0] for line in result.stderr.strip().splitlines()) == [
        "error: ARBOX_IMAP_PORT",
        "error: ARBOX_IMAP_TLS",
        "error: ARBOX_REDIS_URL",
    ]


def test_a_read_command_on_a_missing_database_says_run_db_upgrade_and_creates_nothing(
    env, tmp_path
):
    line = one_error_line(arbox_here("status", env=env, cwd=tmp_path), 1)
    assert "does not exist: run arbox db upgrade" in line
    assert not (tmp_path / "arbox.db").exists()


def test_a_database_in_a_missing_directory_is_one_line(env, tmp_path):
    url = f"sqlite:///{tmp_path / 'nowhere' / 'arbox.db'}"
    line = one_error_line(arbox_here("report", "aging", env={**env, "ARBOX_DATABASE_URL": url}, cwd=tmp_path), 1)  # fmt: skip
    assert f"is in a directory that does not exist ({tmp_path / 'nowhere'})" in line
    upgrade = arbox_here("db", "upgrade", env={**env, "ARBOX_DATABASE_URL": url}, cwd=tmp_path)
    assert f"the directory {tmp_path / 'nowhere'} does not exist" in one_error_line(upgrade, 1)
    assert not (tmp_path / "nowhere").exists()


def test_a_database_never_migrated_is_one_line_saying_run_db_upgrade(env, tmp_path):
    (tmp_path / "arbox.db").touch()  # what an earlier arbox left behind
    line = one_error_line(arbox_here("review", "list", env=env, cwd=tmp_path), 1)
    assert "has no arbox schema (never migrated): run arbox db upgrade" in line


def test_a_database_behind_the_code_is_one_line_saying_run_db_upgrade(env, tmp_path):
    from ledger.migrate import head, upgrade

    url = env["ARBOX_DATABASE_URL"]
    upgrade(url, "0015_reply_evidence")
    line = one_error_line(arbox_here("status", env=env, cwd=tmp_path), 1)
    assert f"is at revision 0015_reply_evidence, behind this arbox's {head()}" in line
    assert line.endswith("run arbox db upgrade")
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    assert arbox_here("status", env=env, cwd=tmp_path).returncode == 0


def test_an_unreachable_postgresql_is_one_line_with_the_password_masked(env, tmp_path):
    url = f"postgresql+psycopg://arbox:hunter2@127.0.0.1:{closed_port()}/arbox"
    result = arbox("status", env={**env, "ARBOX_DATABASE_URL": url}, cwd=tmp_path)
    line = one_error_line(result, 1)
    assert "cannot open the database postgresql+psycopg://arbox:***@127.0.0.1" in line
    assert "check ARBOX_DATABASE_URL" in line and "hunter2" not in line

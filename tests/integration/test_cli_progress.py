"""``ingest``, ``statements send`` and ``dunning send`` with standard error captured (a pipe,
as under cron, with colour forced as CI does): no progress bar is drawn, and the last line of
standard output is the command's summary with its wall time (issue 20). The import commands
are tested the same way in tests/unit/worker/test_cli_progress.py."""

from __future__ import annotations

import re
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.integration.cli import arbox_here, cli_env

pytestmark = [pytest.mark.integration, pytest.mark.smtp]

REPO = Path(__file__).resolve().parents[2]
LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-70001,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00
INV-70002,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,99.99
INV-70010,C702,Bolt & Nut Ltd,payables@boltnut.example,2026-08-01,2026-08-31,400.00
"""
#: What drawing a Rich progress bar writes: any escape sequence, or a carriage return (on
#: standard error, where the bar goes: nothing else writes escapes there).
DRAWING = re.compile(r"\x1b|\r")
#: Cursor control a live display writes (standard output may be in colour: FORCE_COLOR).
CURSOR = re.compile(r"\r|\x1b\[\?25[lh]|\x1b\[\d*[ABK]")
WALL_TIME = r" in \d+\.\d s"


@pytest.fixture
def env(tmp_path: Path, smtp_sink) -> dict[str, str]:
    base = cli_env(
        tmp_path,
        smtp_sink,
        ARBOX_AR_ADDRESS="ar@arbox.example",
        ARBOX_COMPANY_NAME="Example Supplies Co.",
        PYTHONPATH=str(REPO),
        FORCE_COLOR="1",
    )
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(LEDGER)
    assert arbox_here("db", "upgrade", env=base, cwd=tmp_path).returncode == 0
    imported = arbox_here("import", "invoices", str(ledger), env=base, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    return base


def run_arbox(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """This checkout's ``arbox`` in a subprocess, standard output and error captured."""
    return subprocess.run(
        [sys.executable, "-c", "from worker.cli import main; main()", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def summary(result: subprocess.CompletedProcess[str]) -> str:
    """The last line of standard output, once nothing drawn is found anywhere."""
    assert result.returncode == 0, result.stderr
    assert not (DRAWING.search(result.stderr) or CURSOR.search(result.stdout)), repr(result.stderr)
    return result.stdout.strip().splitlines()[-1]


def mail(path: Path, body: str, mid: str) -> None:
    msg = EmailMessage()
    msg["From"] = "ap@acme-mfg.example"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Payment"
    msg["Message-ID"] = f"<{mid}@acme-mfg.example>"
    msg.set_content(body)
    path.write_bytes(msg.as_bytes())


@pytest.mark.redis
def test_ingest_to_a_pipe_draws_no_bar_and_ends_with_its_summary(env, tmp_path):
    # Given two mails: one pays an invoice, one names an unknown one
    mails = tmp_path / "mails"
    mails.mkdir()
    mail(mails / "paid.eml", "INV-70001 1,250.00\n", "m1")
    mail(mails / "unknown.eml", "INV-99999 10.00\n", "m2")
    # When they are ingested with standard error captured
    result = run_arbox("ingest", str(mails), env=env, cwd=tmp_path)
    # Then the summary counts them by outcome, applied first
    line = summary(result)
    assert re.fullmatch(r"ingest: 2 mails, 1 applied, 1 review" + WALL_TIME, line), line


def test_statements_send_to_a_pipe_draws_no_bar_and_ends_with_its_summary(env, tmp_path):
    result = run_arbox("statements", "send", "--as-of", "2026-12-01", env=env, cwd=tmp_path)
    line = summary(result)
    assert re.fullmatch(
        r"statements send: as of 2026-12-01: 2 customer\(s\) with open items; 2 queued, 2 sent"
        + WALL_TIME,
        line,
    ), line


def test_dunning_send_to_a_pipe_draws_no_bar_and_ends_with_its_summary(env, tmp_path):
    dry = run_arbox("dunning", "send", "--as-of", "2026-12-10", "--dry-run", env=env, cwd=tmp_path)
    line = summary(dry)
    assert re.fullmatch(
        r"dunning send: as of 2026-12-10 \(dry run\): 2 reminder mail\(s\) would be sent; "
        r"0 customer\(s\) with held invoices; nothing written" + WALL_TIME,
        line,
    ), line
    sent = run_arbox("dunning", "send", "--as-of", "2026-12-10", env=env, cwd=tmp_path)
    line = summary(sent)
    assert re.fullmatch(
        r"dunning send: as of 2026-12-10: 2 queued, 2 sent; 0 customer\(s\) with held invoices"
        + WALL_TIME,
        line,
    ), line

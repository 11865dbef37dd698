"""The long commands draw a progress bar on standard error only when it is a terminal, and
always end with a one-line summary and their wall time (issue 20). ``import invoices`` and
``import bank`` run here (SQLite only); ``ingest``, ``statements send`` and ``dunning send``
need Redis or an SMTP server: tests/integration/test_cli_progress.py."""

from __future__ import annotations

import io
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from tests.unit.ledger.test_bank_linking import camt
from worker.cli.common import is_interactive
from worker.cli.progress import Stopwatch, count_parts, summary_line

REPO = Path(__file__).resolve().parents[3]
LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-70001,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00
INV-70002,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,99.99
"""
#: What drawing a Rich progress bar writes: any escape sequence, or a carriage return (on
#: standard error, where the bar goes: nothing else writes escapes there).
DRAWING = re.compile(r"\x1b|\r")
#: Cursor control a live display writes (standard output may be in colour: FORCE_COLOR).
CURSOR = re.compile(r"\r|\x1b\[\?25[lh]|\x1b\[\d*[ABK]")


def test_summary_line_joins_the_parts_and_ends_with_the_wall_time() -> None:
    parts = ["300 mails", *count_parts({"review": 15, "quarantined": 5, "applied": 280},
                                       order=("applied", "review", "ignored", "quarantined"))]  # fmt: skip
    line = summary_line("ingest", parts, seconds=12.34)
    assert line == "ingest: 300 mails, 280 applied, 15 review, 5 quarantined in 12.3 s"


def test_count_parts_puts_unknown_keys_after_the_ordered_ones() -> None:
    assert count_parts({"received": 1, "applied": 2}, order=("applied",)) == [
        "2 applied",
        "1 received",
    ]


def test_stopwatch_counts_from_when_it_was_made() -> None:
    ticks = iter([100.0, 103.5])
    assert Stopwatch(clock=lambda: next(ticks)).seconds() == 3.5


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_only_a_tty_is_interactive_even_when_colour_is_forced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # FORCE_COLOR (set by CI systems for coloured logs) makes Rich call any file a terminal
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    assert not is_interactive(Console(file=io.StringIO()))
    assert is_interactive(Console(file=_Tty()))
    monkeypatch.setenv("TTY_COMPATIBLE", "0")
    assert not is_interactive(Console(file=_Tty()))


@pytest.fixture
def env(tmp_path: Path, sqlite_template: Path) -> dict[str, str]:
    shutil.copyfile(sqlite_template, tmp_path / "arbox.db")
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ARBOX_") and k not in ("COLUMNS", "TTY_COMPATIBLE")
    }
    return base | {
        "PYTHONPATH": str(REPO),
        "ARBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'arbox.db'}",
        "ARBOX_DATA_DIR": str(tmp_path / "data"),
        "FORCE_COLOR": "1",  # colour forced, as in CI: still no bar when stderr is no terminal
    }


def run_arbox(*args: str, env: dict[str, str], cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:  # fmt: skip
    return subprocess.run(  # type: ignore[call-overload,no-any-return]
        [sys.executable, "-c", "from worker.cli import main; main()", *args],
        cwd=cwd,
        env=env,
        text=True,
        timeout=120,
        check=False,
        **({"capture_output": True} | kwargs),
    )


def test_import_invoices_to_a_pipe_draws_no_bar_and_ends_with_its_summary(
    env: dict[str, str], tmp_path: Path
) -> None:
    # Given a ledger file, and standard error captured (a pipe, as under cron)
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(LEDGER)
    # When it is imported
    result = run_arbox("import", "invoices", str(ledger), env=env, cwd=tmp_path)
    # Then nothing was drawn, and the last line says what happened and how long it took
    assert result.returncode == 0, result.stderr
    assert not (DRAWING.search(result.stderr) or CURSOR.search(result.stdout)), repr(result.stderr)
    last = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(
        r"import invoices: 2 rows, 2 invoices created, 0 updated, 1 customers created, "
        r"1 contacts added in \d+\.\d s",
        last,
    ), last


def test_import_bank_to_a_pipe_draws_no_bar_and_ends_with_its_summary(
    env: dict[str, str], tmp_path: Path
) -> None:
    statement = tmp_path / "stmt.xml"
    statement.write_bytes(
        camt(("10.00", "TFR", "Someone", "2026-11-21"), ("20.00", "TFR 2", None, "2026-11-21"))
    )
    result = run_arbox("import", "bank", str(statement), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not (DRAWING.search(result.stderr) or CURSOR.search(result.stdout)), repr(result.stderr)
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("import bank: stmt.xml: camt: 1 statement(s)"), last
    assert "credits: 2 new, 0 already known" in last
    assert re.search(r" in \d+\.\d s$", last), last


def test_import_invoices_on_a_terminal_draws_its_bar_on_standard_error(
    env: dict[str, str], tmp_path: Path
) -> None:
    # Given standard error is a terminal (a pseudo-terminal) and standard output a pipe
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(LEDGER)
    env = {k: v for k, v in env.items() if k != "FORCE_COLOR"} | {"COLUMNS": "100"}
    primary, secondary = pty.openpty()
    try:
        result = run_arbox(
            "import", "invoices", str(ledger), env=env, cwd=tmp_path,
            capture_output=False, stdout=subprocess.PIPE, stderr=secondary,
        )  # fmt: skip
        os.close(secondary)
        drawn = _read_all(primary)
    finally:
        os.close(primary)
    # Then the bar was drawn there (and cleared), and the summary went to standard output
    assert result.returncode == 0
    assert "importing rows" in drawn and "\x1b[" in drawn
    assert result.stdout.startswith("import invoices: 2 rows")


def _read_all(fd: int) -> str:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the other end is closed and everything was read
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")

"""Output that is not a terminal (a cron job's mail, `| less`, a file) is never wrapped or cut:
a long table row stays one line (issue 20)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.table import Table

from worker.cli.common import make_console

REPO = Path(__file__).resolve().parents[3]
LONG_NAME = "clerk." + "x" * 45 + "@example.com"  # 62 characters, the longest a username gets


def test_a_table_printed_to_a_file_keeps_each_row_on_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    buffer = io.StringIO()
    console = make_console()
    console.file = buffer
    table = Table()
    for column in ("id", "from", "reason"):
        table.add_column(column)
    table.add_row("1", LONG_NAME, "Cannot parse amount '1.234,5x' from " + LONG_NAME)
    console.print(table)
    row = next(line for line in buffer.getvalue().splitlines() if "Cannot parse" in line)
    assert LONG_NAME in row and row.rstrip().endswith("│")
    assert len(row) > 150


def test_an_explicit_columns_is_still_obeyed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    console = make_console()
    console.file = io.StringIO()
    assert console.width == 60


def run_arbox(*args: str, cwd: Path, stdin: str = "") -> str:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS" and not k.startswith("ARBOX_")}
    env |= {"PYTHONPATH": str(REPO), "ARBOX_DATABASE_URL": f"sqlite:///{cwd / 'arbox.db'}"}
    result = subprocess.run(
        [sys.executable, "-c", "from worker.cli import main; main()", *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,  # standard output is a pipe, not a terminal
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_command_piped_elsewhere_prints_a_long_row_whole(tmp_path: Path) -> None:
    # Given a user whose name makes the `users list` row wider than 80 columns
    run_arbox("db", "upgrade", cwd=tmp_path)
    run_arbox(
        "users", "add", LONG_NAME, "--role", "supervisor", "--password-stdin",
        cwd=tmp_path, stdin="a-long-passphrase-123\n",
    )  # fmt: skip

    # When the list goes to a pipe
    out = run_arbox("users", "list", cwd=tmp_path)

    # Then the row is one line with the whole name (Rich cut it to 'clerk.xxx…' at 80 columns)
    (row,) = [line for line in out.splitlines() if "supervisor" in line]
    assert LONG_NAME in row and "active" in row

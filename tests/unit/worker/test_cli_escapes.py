"""Text from strangers (a mail's sender, a customer name from an import) printed by a command
cannot drive the terminal: its control characters are written out, not sent (hostile30)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from tests.unit.worker.test_cli_console import run_arbox
from worker.cli import common

TITLE_AND_CLEAR = "\x1b]0;pwned\x07\x1b[2J"
CONTROL = "Ctl\x01\x1b[31mRed\x07"


def test_shown_writes_control_characters_out_and_keeps_the_rest() -> None:
    assert common.shown(TITLE_AND_CLEAR) == "\\x1b]0;pwned\\x07\\x1b[2J"
    assert common.shown("a\u202eb\r") == "a\\u202eb\\x0d"
    assert common.shown("Müller & Co\n日本\tx") == "Müller & Co\n日本\tx"


@pytest.mark.parametrize("colour", [False, True])
def test_a_table_cell_cannot_retitle_or_clear_the_terminal(
    monkeypatch: pytest.MonkeyPatch, colour: bool
) -> None:
    monkeypatch.setenv("FORCE_COLOR" if colour else "NO_COLOR", "1")
    console = common.make_console()
    console.file = io.StringIO()
    table = common.table("Review queue", ["id", "reason"])
    table.add_row("1", f"from {TITLE_AND_CLEAR}")
    console.print(table)
    console.print(f"[bold]{CONTROL}[/bold]")
    printed = console.file.getvalue()
    assert "\x1b]" not in printed and "\x07" not in printed and "\x1b[2J" not in printed
    shown = re.sub(r"\x1b\[[0-9;]*m", "", printed)  # the console's own colours
    assert "\\x1b]0;pwned\\x07\\x1b[2J" in shown and "Ctl\\x01\\x1b[31mRed\\x07" in shown


def test_report_aging_prints_an_imported_customer_name_escaped(tmp_path: Path) -> None:
    # Given an open invoice of a customer whose name holds terminal escapes
    run_arbox("db", "upgrade", cwd=tmp_path)
    invoices = tmp_path / "invoices.csv"
    invoices.write_text(
        "invoice_number,customer_number,customer_name,issue_date,due_date,amount\n"
        f"INV-1,C1,{CONTROL},2026-01-01,2026-02-01,100.00\n",
        encoding="utf-8",
    )
    run_arbox("import", "invoices", str(invoices), cwd=tmp_path)

    # When the aging report is printed as a table
    out = run_arbox("report", "aging", "--as-of", "2026-03-01", cwd=tmp_path)

    # Then the name is there with its control characters written out, none sent
    assert "Ctl\\x01\\x1b[31mRed\\x07" in out
    assert "\x1b" not in out and "\x07" not in out and "\x01" not in out


def test_a_table_cell_is_text_not_rich_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    console = common.make_console()
    console.file = io.StringIO()
    table = common.table("Review queue", ["id", "reason"])
    table.add_row("1", "[link=http://evil.example]click[/link] [red]alarm[/red]")
    console.print(table)
    printed = console.file.getvalue()
    assert "\x1b]8;" not in printed  # no terminal hyperlink
    assert "[link=http://evil.example]click[/link] [red]alarm[/red]" in printed

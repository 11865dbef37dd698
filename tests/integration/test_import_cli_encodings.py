"""``arbox import invoices`` with a file from another system (issue 21), as a user runs it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import openpyxl
import pytest

from tests.integration.cli import arbox, arbox_here, cli_env

pytestmark = [pytest.mark.integration, pytest.mark.smtp]

GERMAN = (
    "invoice_number;customer_number;customer_name;issue_date;due_date;amount\r\n"
    "RE-1;K-1;Müller GmbH;2026-01-05;2026-02-04;1.234,56\r\n"
    "RE-2;K-1;Müller GmbH;2026-01-05;2026-02-04;1.234\r\n"
)


@pytest.fixture
def env(tmp_path: Path, smtp_sink) -> dict[str, str]:
    environment = cli_env(tmp_path, smtp_sink, ARBOX_DEFAULT_CURRENCY="EUR")
    assert arbox_here("db", "upgrade", env=environment, cwd=tmp_path).returncode == 0
    return environment


def thousandths(db: Path) -> dict[str, int]:
    """Amounts as SQLite stores them: exact integer thousandths (ledger/base.py)."""
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("select number, amount from invoices"))


def test_issue_21_german_excel_csv_imports_and_says_how_it_was_read(env, tmp_path):
    path = tmp_path / "offene_posten.csv"
    path.write_bytes(GERMAN.encode("cp1252"))
    result = arbox("import", "invoices", str(path), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "2 invoices created" in result.stdout
    assert "offene_posten.csv: read as cp1252 (not UTF-8; detected), semicolon-separated" in (
        result.stderr
    )
    assert "amounts read with a decimal comma ('1.234,56' in row 2)" in result.stderr
    assert thousandths(tmp_path / "arbox.db") == {"RE-1": 1234560, "RE-2": 1234000}


def test_decimal_point_option_overrides_and_the_two_options_exclude_each_other(env, tmp_path):
    path = tmp_path / "offene_posten.csv"
    path.write_bytes(GERMAN.encode("cp1252"))
    forced = arbox_here("import", "invoices", str(path), "--decimal-point", env=env, cwd=tmp_path)
    assert forced.returncode == 1
    assert "row 2: amount '1.234,56' is not an amount" in forced.stderr
    assert "nothing was imported" in forced.stderr
    both = arbox_here(
        "import", "invoices", str(path), "--decimal-comma", "--decimal-point", env=env, cwd=tmp_path
    )
    assert both.returncode == 2
    assert "give one of them" in both.stderr


def test_encoding_option_reads_a_file_detection_is_not_sure_of(env, tmp_path):
    path = tmp_path / "szamlak.csv"
    path.write_bytes(GERMAN.replace("Müller GmbH", "Szőlő Győr Kft").encode("iso8859_2"))
    refused = arbox_here("import", "invoices", str(path), env=env, cwd=tmp_path)
    assert refused.returncode == 1
    assert "cannot be told for sure" in refused.stderr and "nothing was imported" in refused.stderr
    given = arbox_here(
        "import", "invoices", str(path), "--encoding", "iso8859_2", env=env, cwd=tmp_path
    )
    assert given.returncode == 0, given.stderr
    with sqlite3.connect(tmp_path / "arbox.db") as conn:
        assert conn.execute("select name from customers").fetchall() == [("Szőlő Győr Kft",)]


def test_xlsx_formula_without_value_is_refused_naming_the_cell(env, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Open items"
    sheet.append(["invoice_number", "customer_number", "customer_name", "issue_date", "due_date"])
    sheet["F1"] = "amount"
    sheet.append(["RE-1", "K-1", "Acme", "2026-01-05", "2026-02-04", "=100*1.19"])
    path = tmp_path / "open.xlsx"
    book.save(path)
    result = arbox_here("import", "invoices", str(path), env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert (
        "formula without a value: open and save the file in Excel (cell 'Open items'!F2)"
        in result.stderr
    )

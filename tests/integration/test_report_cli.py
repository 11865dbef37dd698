"""``arbox report`` and ``arbox export applications --layout`` as a user runs them, on a
migrated SQLite and PostgreSQL database holding the hand-computed ledger of the report tests."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from typer.testing import CliRunner

from ledger.migrate import upgrade
from ledger.session import make_engine, make_sessionmaker
from tests.integration.cli import arbox, cli_env
from tests.unit.ledger.report_ledger import Book, at
from tests.unit.ledger.test_report_aging import build_small_ledger
from worker.cli import app

pytestmark = pytest.mark.integration

NO_SMTP = SimpleNamespace(host="127.0.0.1", port=9)  # the reports send nothing


def _load(url: str, build) -> None:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine).begin() as session:
            build(session)
    finally:
        engine.dispose()


@pytest.fixture
def env(empty_database_url, tmp_path):
    env = cli_env(tmp_path, NO_SMTP, ARBOX_DATABASE_URL=empty_database_url)
    upgrade(empty_database_url)
    _load(empty_database_url, build_small_ledger)
    return env


def test_reports_and_layouts_run_on_sqlite_and_postgres(env, tmp_path):
    # the console script once per database, the rest in this process
    aging = arbox(
        "report", "aging", "--as-of", "2026-03-01", "--format", "csv", env=env, cwd=tmp_path
    )
    assert aging.returncode == 0, aging.stderr
    rows = list(csv.DictReader(io.StringIO(aging.stdout)))
    usd = next(r for r in rows if r["customer_name"] == "Total" and r["currency"] == "USD")
    assert (usd["current"], usd["1-30"], usd["90+"], usd["total"]) == (
        "500.00",
        "600.00",
        "300.00",
        "1001.00",
    )
    code, stdout, stderr = run(env, "report", "close", "--period", "2026-02", "--format", "json")
    assert code == 0, stderr
    value = json.loads(stdout)
    lines = {r["line"]: r["USD"] for r in value["tables"]["reconciliation"]["rows"]}
    assert (lines["closing AR"], lines["difference"]) == ("1350.00", "0.00")
    assert value["params"]["reconciles"] == "true"
    code, stdout, stderr = run(env, "export", "applications", "--layout", "sap")
    assert code == 0, stderr
    paid = [r["amount_paid"] for r in csv.DictReader(io.StringIO(stdout))]
    assert sorted(paid, key=Decimal) == ["400.00", "500.00", "600.00"]  # the 294 was un-applied


def run(env, *args):
    """The CLI in this process (``typer.testing``): the error paths and files need no new
    interpreter each."""
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
def test_report_files_and_errors(env, tmp_path):
    xlsx = tmp_path / "aging.xlsx"
    code, _, stderr = run(
        env, "report", "aging", "--as-of", "2026-03-01", "--format", "xlsx", "-o", str(xlsx)
    )
    assert code == 0, stderr
    sheet = openpyxl.load_workbook(xlsx)["aging"]
    assert sheet.cell(sheet.max_row, 2).value == "Total"
    assert sheet.cell(2, 4).number_format == "#,##0.00"
    page = tmp_path / "cash.html"
    code, _, stderr = run(
        env,
        "report",
        "cash",
        "--from",
        "2026-02-01",
        "--to",
        "2026-03-31",
        "--format",
        "html",
        "-o",
        str(page),
    )
    assert code == 0, stderr
    assert "<svg" in page.read_text() and "STP per day" in page.read_text()
    code, stdout, _ = run(env, "report", "dso", "--as-of", "2026-03-01")
    assert code == 0 and "81.0" in stdout and "1,350.00" in stdout
    code, _, stderr = run(env, "report", "aging", "--as-of", "1 March")
    assert code == 2 and "YYYY-MM-DD" in stderr
    code, _, stderr = run(env, "report", "close", "--period", "2026-13")
    assert code == 2 and "YYYY-MM" in stderr
    code, _, stderr = run(
        env, "export", "applications", "--layout", "quickbooks", "--format", "json"
    )
    assert code == 2 and "CSV only" in stderr
    code, stdout, _ = run(env, "export", "applications", "--layout", "quickbooks")
    assert code == 0 and stdout.splitlines()[0].startswith("Ref Number,Payment date")
    code, stdout, stderr = run(
        env, "report", "aging", "--as-of", "2026-03-01", "--format", "csv", "--locale", "de-de"
    )
    assert code == 0, stderr
    assert stdout.splitlines()[0].startswith("customer_number;customer_name;currency;current")
    assert ";1001,00" in stdout
    code, stdout, _ = run(env, "report", "dso", "--as-of", "2026-03-01", "--locale", "de_DE")
    assert code == 0 and "1.350,00" in stdout
    code, stdout, _ = run(env, "export", "applications", "--locale", "de_DE")
    assert code == 0 and stdout.splitlines()[0].startswith("message_id;invoice_number;")
    code, _, stderr = run(env, "report", "aging", "--locale", "xx_YY")
    assert code == 2 and "unknown locale" in stderr
    code, _, stderr = run(env, "export", "applications", "--layout", "sap", "--locale", "de_DE")
    assert code == 2 and "no --locale" in stderr


@pytest.mark.parametrize("empty_database_url", ["sqlite"], indirect=True)
def test_a_month_that_does_not_reconcile_exits_1_and_says_by_how_much(env, tmp_path):
    # Given cash applied in January to an invoice dated February
    def early_payment(session):
        book = Book(session)
        book.customer("C7")
        book.invoice(
            "INV-77", "C7", issued=date(2026, 2, 15), due=date(2026, 3, 1), amount="100.00"
        )
        book.pay("INV-77", "100.00", when=at(date(2026, 1, 20)))

    _load(env["ARBOX_DATABASE_URL"], early_payment)
    code, stdout, stderr = run(env, "report", "close", "--period", "2026-01", "--format", "csv")
    # Then the close says by how much, and fails
    assert code == 1
    assert "difference 100.00" in stderr
    assert "difference,100.00" in stdout.splitlines()

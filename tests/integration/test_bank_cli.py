"""``arbox import bank`` as a user runs it: counts printed, re-import creates nothing twice,
a rejected file writes nothing, CSV columns mapped by options or a mapping file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.integration.cli import arbox, arbox_here, cli_env
from tests.unit.ledger.test_bank_linking import camt

pytestmark = pytest.mark.integration

NO_SMTP = SimpleNamespace(host="127.0.0.1", port=9)  # the command sends no mail


def _payments(tmp_path: Path) -> int:
    with sqlite3.connect(tmp_path / "arbox.db") as conn:
        return int(conn.execute("select count(*) from payments").fetchone()[0])


def test_import_bank_counts_knows_a_file_again_rejects_a_broken_one_and_maps_csv(tmp_path):
    env = cli_env(tmp_path, NO_SMTP)
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    # A statement: its credits counted, then known
    statement = tmp_path / "stmt.xml"
    statement.write_bytes(
        camt(("10.00", "TFR", "Someone", "2026-11-21"), ("20.00", "TFR 2", None, "2026-11-21"))
    )
    first = arbox("import", "bank", str(statement), env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "credits: 2 new, 0 already known" in " ".join(first.stdout.split())
    # (the first import runs the console script; the rest run its entry point in this process)
    again = arbox_here("import", "bank", str(statement), "--format", "camt", env=env, cwd=tmp_path)
    assert "credits: 0 new, 2 already known" in " ".join(again.stdout.split())
    # A statement that does not balance: rejected whole
    broken = tmp_path / "broken.xml"
    broken.write_bytes(camt(("30.00", "TFR 3", None, "2026-11-22"), closing="31.00"))
    rejected = arbox_here("import", "bank", str(broken), env=env, cwd=tmp_path)
    message = " ".join(rejected.stderr.split())
    assert rejected.returncode == 1
    assert "does not balance" in message and "nothing was imported" in message
    assert _payments(tmp_path) == 2
    # A CSV export: columns by options, then by a mapping file
    export = tmp_path / "export.csv"
    export.write_text("Tag;Betrag;Zahler;Text\n2026-11-21;1.250,00;Acme;INV-70001\n")
    ok = arbox_here(
        "import", "bank", str(export), "--date-column", "Tag", "--amount-column", "Betrag",
        "--payer-column", "Zahler", "--text-column", "Text", "--decimal-comma",
        env=env, cwd=tmp_path,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "credits: 1 new" in " ".join(ok.stdout.split())
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"date_column": "Tag", "amount_column": "Betrag"}))
    unmapped = arbox_here(
        "import", "bank", str(export), "--mapping", str(mapping), env=env, cwd=tmp_path
    )
    assert unmapped.returncode == 1  # 1.250,00 without decimal_comma: refused, not guessed
    assert "Betrag" in " ".join(unmapped.stderr.split()) and _payments(tmp_path) == 3
    # The payments, as a person reviewing bank_link items sees them
    listed = arbox_here("bank", "payments", "--format", "json", env=env, cwd=tmp_path)
    payments = json.loads(listed.stdout)
    assert [(p["amount"], p["status"]) for p in payments] == [
        ("10.00", "unmatched"), ("20.00", "unmatched"), ("1250.00", "unmatched"),
    ]  # fmt: skip

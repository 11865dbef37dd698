"""The loop closes: an invoice's printed payment reference (an ISO 11649 RF creditor
reference, ``invoices.payment_reference``) quoted alone by a remittance mail or a bank credit
applies the cash to that invoice, through ``arbox ingest`` and ``arbox import bank`` as a user
runs them; a mistyped reference (bad check digits) applies nothing."""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import pytest

from core.creditor_ref import creditor_reference, format_creditor_reference
from tests.integration.cli import arbox, arbox_here, cli_env

pytestmark = [pytest.mark.integration, pytest.mark.redis, pytest.mark.smtp]

LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-70001,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00
INV-70002,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,99.99
INV-70003,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,40.00
"""
#: Printed references not made from the numbers: only the payment_reference column names them.
FIRST = "RF18539007547034"
SECOND = creditor_reference("4711")
THIRD = creditor_reference("AB12")


@pytest.fixture
def env(tmp_path: Path, smtp_sink) -> dict[str, str]:
    return cli_env(tmp_path, smtp_sink, ARBOX_AR_ADDRESS="ar@arbox.example")


def _mail(path: Path, body: str, mid: str) -> None:
    msg = EmailMessage()
    msg["From"] = "ap@acme-mfg.example"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Payment advice"
    msg["Message-ID"] = f"<{mid}@acme-mfg.example>"
    msg.set_content(body)
    path.write_bytes(msg.as_bytes())


def _ledger(tmp_path: Path, env: dict[str, str]) -> Path:
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    (tmp_path / "ledger.csv").write_text(LEDGER)
    imported = arbox_here("import", "invoices", str(tmp_path / "ledger.csv"), env=env, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    db = tmp_path / "arbox.db"
    with sqlite3.connect(db) as conn:
        for number, ref in (("INV-70001", FIRST), ("INV-70002", SECOND), ("INV-70003", THIRD)):
            conn.execute(
                "update invoices set payment_reference = ? where number = ?", (ref, number)
            )
    return db


def _balances(db: Path) -> dict[str, Decimal]:
    """Balances by number (SQLite keeps money as integer thousandths: ledger.base.Money)."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select number, balance from invoices")
        return {n: Decimal(b).scaleb(-3) for n, b in rows}


def test_a_remittance_quoting_only_the_printed_reference_is_applied(env, tmp_path, smtp_sink):
    db = _ledger(tmp_path, env)
    mails = tmp_path / "mails"
    mails.mkdir()
    # Given one advice quoting the reference as printed, in groups of four, in lower case …
    printed = format_creditor_reference(FIRST).lower()
    _mail(mails / "paid.eml", f"Payment for {printed}   1,250.00\nTotal 1,250.00\n", "m1")
    # … and one whose reference has two digits swapped (the check digits fail)
    _mail(mails / "typo.eml", "Paid RF18 5390 0754 7043   99.99\n", "m2")
    ingested = arbox("ingest", str(mails), env=env, cwd=tmp_path)
    assert ingested.returncode == 0, ingested.stderr
    assert "1 applied" in ingested.stdout and "1 review" in ingested.stdout
    exported = arbox_here("export", "applications", "--format", "json", env=env, cwd=tmp_path)
    (row,) = json.loads(exported.stdout)
    assert (row["invoice_number"], row["amount_applied"], row["status"]) == (
        "INV-70001", "1250.00", "auto",
    )  # fmt: skip
    assert _balances(db)["INV-70002"] == Decimal("99.99")  # the mistyped one: untouched
    listed = arbox_here("review", "list", "--format", "json", env=env, cwd=tmp_path)
    (item,) = json.loads(listed.stdout)
    assert item["message_id"] == "<m2@acme-mfg.example>" and "RF18539007547043" in item["reason"]


def test_a_bank_credit_quoting_the_printed_reference_is_applied_from_its_text(env, tmp_path):
    db = _ledger(tmp_path, env)
    export = tmp_path / "bank.csv"
    printed = format_creditor_reference(SECOND)
    export.write_text(
        "Date;Amount;Payer;Text\n"
        f"2026-11-21;99,99;Acme Manufacturing Inc;{printed} ACME MFG\n"
        "2026-11-21;40,00;Acme Manufacturing Inc;RF99AB12\n"  # bad check digits
    )
    imported = arbox_here(
        "import", "bank", str(export), "--date-column", "Date", "--amount-column", "Amount",
        "--payer-column", "Payer", "--text-column", "Text", "--decimal-comma",
        env=env, cwd=tmp_path,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    assert "1 applied from the bank text" in " ".join(imported.stdout.split())
    balances = _balances(db)
    assert (balances["INV-70002"], balances["INV-70003"]) == (0, Decimal("40.00"))
    listed = arbox_here("bank", "payments", "--format", "json", env=env, cwd=tmp_path)
    assert [(p["amount"], p["status"]) for p in json.loads(listed.stdout)] == [
        ("99.99", "applied"), ("40.00", "unmatched"),
    ]  # fmt: skip


def test_an_issued_invoice_paid_by_its_printed_reference_is_applied(tmp_path, smtp_sink):
    from tests.integration.credit_world import build_credit_world

    # Given an invoice arbox issued (its RF reference printed on the PDF, in groups of four)
    world = build_credit_world(tmp_path, smtp_sink)
    try:
        with sqlite3.connect(tmp_path / "arbox.db") as conn:
            ((reference,),) = conn.execute(
                "select payment_reference from invoices where number = ?", (world.invoice_number,)
            ).fetchall()
        printed = format_creditor_reference(reference)
        mails = tmp_path / "mails"
        mails.mkdir()
        msg = EmailMessage()
        msg["From"] = "ap@granite.example"
        msg["To"] = world.env["ARBOX_AR_ADDRESS"]
        msg["Subject"] = "Payment"
        msg["Message-ID"] = "<paid-by-rf@granite.example>"
        msg.set_content(f"We paid today:\n\n{printed}   USD 330.00\n\nTotal USD 330.00\n")
        (mails / "paid.eml").write_bytes(msg.as_bytes())
        # When the payer's advice quoting only that reference is ingested
        ingested = arbox("ingest", str(mails), env=world.env, cwd=tmp_path)
        # Then it is applied straight through
        assert ingested.returncode == 0, ingested.stderr
        assert "1 applied" in ingested.stdout, ingested.stdout
        assert _balances(tmp_path / "arbox.db")[world.invoice_number] == 0
    finally:
        world.close()

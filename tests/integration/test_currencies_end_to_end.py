"""A ledger in twelve currencies through the whole job, as a user runs it: import, remittances
by mail (``arbox ingest``), statements, aging, month-end close and the export, on SQLite and
PostgreSQL. Every figure is exact to its currency's ISO 4217 minor unit: yen without decimals,
dinars with three, nothing rounded, nothing padded."""

from __future__ import annotations

import csv
import io
import json
from email import message_from_bytes, policy
from email.message import EmailMessage
from io import BytesIO
from pathlib import Path

import pdfplumber
import pytest

from tests.integration.cli import arbox, arbox_here, cli_env

pytestmark = [pytest.mark.integration, pytest.mark.redis, pytest.mark.smtp]

#: currency: (paid by mail as written in the mail, canonical amount, left open, open written)
LEDGER: dict[str, tuple[str, str, str, str]] = {
    "USD": ("1,234.56", "1234.56", "310.20", "310.20"),
    "EUR": ("2.468,10", "2468.10", "99.99", "99.99"),
    "GBP": ("987.65", "987.65", "12.00", "12.00"),
    "CHF": ("4,321.05", "4321.05", "0.05", "0.05"),
    "JPY": ("1,234,567", "1234567", "500000", "500,000"),
    "KWD": ("1,250.125", "1250.125", "75.500", "75.500"),
    "BHD": ("99.875", "99.875", "10.001", "10.001"),
    "INR": ("1,23,456.78", "123456.78", "4500.50", "4,500.50"),  # lakh grouping
    "BRL": ("3.456,78", "3456.78", "100.10", "100.10"),
    "PLN": ("7 890,12", "7890.12", "1.01", "1.01"),
    "ISK": ("45,000", "45000", "1500", "1,500"),
    "TND": ("2,000.250", "2000.250", "0.125", "0.125"),
}


def ledger_csv() -> str:
    rows = [
        "invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,"
        "amount,balance,currency"
    ]
    for n, (code, (_, paid, open_, _)) in enumerate(LEDGER.items(), start=1):
        email = f"ap@{code.lower()}-buyer.example"
        rows.append(
            f"INV-{70100 + n},C{n:03},{code} Buyer,{email},2026-11-02,2026-12-02,"
            f"{paid},{paid},{code}"
        )
        rows.append(
            f"INV-{70200 + n},C{n:03},{code} Buyer,,2026-10-01,2026-10-31,{open_},{open_},{code}"
        )
    return "\n".join(rows) + "\n"


def remittance(path: Path, n: int, code: str, written: str) -> None:
    msg = EmailMessage()
    msg["From"] = f"ap@{code.lower()}-buyer.example"
    msg["To"] = "ar@supplies.example"
    msg["Subject"] = "Payment advice"
    msg["Message-ID"] = f"<pay-{code}@{code.lower()}-buyer.example>"
    written_amount = f"{code} {written}"
    msg.set_content(
        f"Hello,\n\nwe paid invoice INV-{70100 + n} today.\n\n"
        f"Invoice INV-{70100 + n}  {written_amount}\nTotal paid: {written_amount}\n\nRegards\n"
    )
    path.write_bytes(msg.as_bytes())


@pytest.fixture
def env(tmp_path: Path, smtp_sink, empty_database_url: str) -> dict[str, str]:
    base = cli_env(
        tmp_path,
        smtp_sink,
        ARBOX_DATABASE_URL=empty_database_url,
        ARBOX_AR_ADDRESS="ar@supplies.example",
        ARBOX_COMPANY_NAME="Example Supplies Co.",
    )
    assert arbox_here("db", "upgrade", env=base, cwd=tmp_path).returncode == 0
    (tmp_path / "ledger.csv").write_text(ledger_csv())
    imported = arbox_here(
        "import", "invoices", str(tmp_path / "ledger.csv"), env=base, cwd=tmp_path
    )
    assert imported.returncode == 0, imported.stderr
    return base


def test_twelve_currencies_exact_to_their_minor_units_from_import_to_export(
    env, tmp_path, smtp_sink
):
    # Given remittances by mail, each in its currency as its payers write it
    mails = tmp_path / "mails"
    mails.mkdir()
    for n, (code, (written, _, _, _)) in enumerate(LEDGER.items(), start=1):
        remittance(mails / f"{code}.eml", n, code, written)
    ingested = arbox("ingest", str(mails), env=env, cwd=tmp_path)
    assert ingested.returncode == 0, ingested.stderr
    assert "12 applied" in ingested.stdout, ingested.stdout
    # Then every line was applied in full, written with its currency's decimals
    exported = arbox_here("export", "applications", "--format", "json", env=env, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    applied = {r["currency"]: r["amount_applied"] for r in json.loads(exported.stdout)}
    assert applied == {code: paid for code, (_, paid, _, _) in LEDGER.items()}
    # The aging holds exactly the invoices left open, per currency
    aging = arbox_here(
        "report", "aging", "--as-of", "2026-12-15", "--format", "csv", env=env, cwd=tmp_path
    )
    assert aging.returncode == 0, aging.stderr
    totals = {
        r["currency"]: r["total"]
        for r in csv.DictReader(io.StringIO(aging.stdout))
        if r["customer_name"] == "Total"
    }
    assert totals == {code: open_ for code, (_, _, open_, _) in LEDGER.items()}
    # The close of December reconciles in every currency, its columns exact per currency
    close = arbox_here(
        "report", "close", "--period", "2026-12", "--format", "json", env=env, cwd=tmp_path
    )
    assert close.returncode == 0, close.stderr
    value = json.loads(close.stdout)
    assert value["params"]["reconciles"] == "true"
    (cash,) = [r for r in value["tables"]["reconciliation"]["rows"] if r["line"] == "closing AR"]
    assert {code: cash[code] for code in LEDGER} == {c: o for c, (_, _, o, _) in LEDGER.items()}
    # Statements: each customer's PDF shows its open item with the currency's decimals
    sent = arbox("statements", "send", "--as-of", "2026-12-15", env=env, cwd=tmp_path)
    assert sent.returncode == 0, sent.stderr
    statements = [
        m
        for m in smtp_sink.wait_for(24, timeout=20)
        if "Statement" in str(message_from_bytes(m.raw, policy=policy.default)["Subject"])
    ]
    assert len(statements) == 12
    for m in statements:
        msg = message_from_bytes(m.raw, policy=policy.default)
        code = m.rcpt_tos[0].split("@")[1].split("-")[0].upper()
        (attachment,) = list(msg.iter_attachments())
        with pdfplumber.open(BytesIO(attachment.get_content())) as pdf:
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        shown = LEDGER[code][3]
        assert shown in text, (code, text)
        if code in ("JPY", "ISK"):
            assert f"{shown}.00" not in text, (code, text)

"""EDI remittance files attached to a registered contact's mail, through ``arbox ingest``: an
X12 820 paying two invoices, one short with an ADX, is applied with the deduction and its
reason recorded and acknowledged; a truncated 820 is a review item with the reason."""

from __future__ import annotations

import json
import sqlite3
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.integration.cli import arbox, arbox_here, cli_env
from tests.unit.parsers.edi_samples import PAYMENT_820, x12

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


def mail_with_edi(path: Path, data: bytes, *, filename: str, mid: str) -> None:
    msg = EmailMessage()
    msg["From"] = "ap@acme-mfg.example"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Remittance advice"
    msg["Message-ID"] = f"<{mid}@acme-mfg.example>"
    msg.set_content("Please find our remittance advice attached.\n")
    msg.add_attachment(data, maintype="application", subtype="EDI-X12", filename=filename)
    path.write_bytes(msg.as_bytes())


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_ingest_applies_an_820_with_its_deduction_and_reviews_a_truncated_one(
    env, tmp_path, smtp_sink
):
    # Given two open invoices of a customer whose contact is ap@acme-mfg.example
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(LEDGER)
    assert arbox_here("import", "invoices", str(ledger), env=env, cwd=tmp_path).returncode == 0
    # And that contact's mail with an 820 paying both, INV-70001 25.00 short (ADX 04),
    # and another of its mails with an 820 cut off in the middle
    mails = tmp_path / "mails"
    mails.mkdir()
    full = x12(PAYMENT_820, newline="\n")
    mail_with_edi(mails / "paid.eml", full, filename="remit.edi", mid="edi1")
    mail_with_edi(mails / "cut.eml", full[:500], filename="remit2.edi", mid="edi2")
    # When the mails are ingested
    result = arbox("ingest", str(mails), env=env, cwd=tmp_path)
    # Then the full one is applied to both invoices, the deduction recorded with its reason
    assert result.returncode == 0, result.stderr
    assert "1 applied" in result.stdout and "1 review" in result.stdout
    exported = arbox_here("export", "applications", "--format", "json", env=env, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    applied = {row["invoice_number"]: row for row in json.loads(exported.stdout)}
    assert set(applied) == {"INV-70001", "INV-70002"}
    assert applied["INV-70001"]["amount_applied"] == "1225.00"
    assert applied["INV-70001"]["deduction"] == "25.00"
    assert applied["INV-70002"]["amount_applied"] == "99.99"
    assert {row["status"] for row in applied.values()} == {"auto"}
    db = tmp_path / "arbox.db"
    assert rows(db, "select source, payment_ref, payer_name from remittances") == [
        ("edi 820", "778812", "ACME MANUFACTURING INC")
    ]
    reasons = rows(db, "select invoice_ref, deduction_reason from remittance_lines order by id")
    assert reasons == [("INV-70001", "04 Item not accepted - damaged"), ("INV-70002", None)]
    # And it is acknowledged, once
    (ack,) = smtp_sink.wait_for(1, timeout=10)
    assert "ap@acme-mfg.example" in str(ack)
    # And the truncated one is a person's, with the reason naming the file and what is wrong
    review = arbox_here("review", "list", "--format", "json", env=env, cwd=tmp_path)
    assert review.returncode == 0, review.stderr
    items = {item["kind"]: item for item in json.loads(review.stdout)}
    assert set(items) == {"unreadable_document", "deduction"}
    cut = items["unreadable_document"]
    assert cut["message_id"] == "<edi2@acme-mfg.example>"
    assert cut["reason"].startswith("remit2.edi: truncated: no IEA segment")
    # And the deduction is followed up as any short payment is, with the payer's reason
    short = items["deduction"]
    assert short["message_id"] == "<edi1@acme-mfg.example>"
    assert (
        short["reason"] == "25.00 of invoice INV-70001 stays open: 04 Item not accepted - damaged"
    )

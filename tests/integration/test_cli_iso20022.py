"""An ISO 20022 remittance advice by mail, end to end: ``arbox ingest`` of a registered
contact's mail with a remt.001 attached (fixtures/iso20022) applies its lines, with the
discount and the adjustment it states, and acknowledges it; an entity bomb attached instead
becomes a review item with the reason. The console script runs in a subprocess, as a user
runs it (tests/integration/cli.py)."""

from __future__ import annotations

import email
import json
import sqlite3
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.integration.cli import arbox, arbox_here, cli_env

pytestmark = [pytest.mark.integration, pytest.mark.redis, pytest.mark.smtp]

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "iso20022"
# INV-70003 is on 2/10 net 30 terms and paid within the ten days (the advice's execution
# date is 2026-11-30): its 20.00 discount is earned and written off.
LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount,currency,terms
INV-70001,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00,USD,
INV-70003,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-11-25,2026-12-25,1000.00,USD,2/10 net 30
INV-70004,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-11-02,2026-12-02,500.00,USD,
"""
BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9)
    )
    + b']><Document xmlns="urn:iso:std:iso:20022:tech:xsd:remt.001.001.04"><RmtAdvc>'
    + b"<GrpHdr><MsgId>&j;</MsgId></GrpHdr></RmtAdvc></Document>"
)


def _mail(path: Path, attachment: bytes, filename: str, mid: str) -> None:
    msg = EmailMessage()
    msg["From"] = "ap@acme-mfg.example"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Remittance advice"
    msg["Message-ID"] = f"<{mid}@acme-mfg.example>"
    msg.set_content("Please find our remittance advice attached.\n")
    msg.add_attachment(attachment, maintype="application", subtype="xml", filename=filename)
    path.write_bytes(msg.as_bytes())


def test_ingest_applies_a_remt001_advice_and_reviews_an_entity_bomb(tmp_path, smtp_sink):
    env = cli_env(
        tmp_path,
        smtp_sink,
        ARBOX_AR_ADDRESS="ar@arbox.example",
        ARBOX_COMPANY_NAME="Example Supplies Co.",
    )
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    (tmp_path / "ledger.csv").write_text(LEDGER)
    imported = arbox_here("import", "invoices", str(tmp_path / "ledger.csv"), env=env, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    # Given a registered contact's mail with a remt.001 paying three invoices (one with a
    # discount, one with an adjustment), and another with an entity bomb as its advice
    mails = tmp_path / "mails"
    mails.mkdir()
    advice = (FIXTURE / "remt001_v04_acme_three_invoices.xml").read_bytes()
    _mail(mails / "advice.eml", advice, "RA-778812.xml", "ra1")
    _mail(mails / "bomb.eml", BOMB, "advice.xml", "ra2")
    # When they are ingested
    result = arbox("ingest", str(mails), env=env, cwd=tmp_path)
    # Then the advice's three lines are applied as it states them
    assert result.returncode == 0, result.stderr
    assert "1 applied" in result.stdout and "1 review" in result.stdout, result.stdout
    exported = arbox_here("export", "applications", "--format", "json", env=env, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    rows = {row["invoice_number"]: row for row in json.loads(exported.stdout)}
    assert set(rows) == {"INV-70001", "INV-70003", "INV-70004"}
    assert {row["message_id"] for row in rows.values()} == {"<ra1@acme-mfg.example>"}
    assert {row["status"] for row in rows.values()} == {"auto"}
    assert (rows["INV-70001"]["amount_applied"], rows["INV-70001"]["currency"]) == (
        "1250.00",
        "USD",
    )
    assert (rows["INV-70003"]["amount_applied"], rows["INV-70003"]["discount"]) == (
        "980.00",
        "20.00",
    )
    assert (rows["INV-70004"]["amount_applied"], rows["INV-70004"]["deduction"]) == (
        "464.50",
        "35.50",
    )
    with sqlite3.connect(tmp_path / "arbox.db") as conn:
        balances = dict(conn.execute("select number, balance from invoices").fetchall())
        (stored,) = conn.execute(
            "select source, payment_ref, payer_name, payment_date, stated_total from remittances"
        ).fetchall()
        lines = conn.execute(
            "select invoice_ref, outcome, deduction_reason, reason from remittance_lines "
            "order by line_no"
        ).fetchall()
    assert balances["INV-70001"] == balances["INV-70003"] == 0
    assert balances["INV-70004"] == 35500  # thousandths: the 35.50 deduction stays open
    assert stored[:4] == ("remt.001", "E2E-778812", "Acme Manufacturing Inc", "2026-11-30")
    assert [(ref, outcome) for ref, outcome, _, _ in lines] == [
        ("INV-70001", "auto"),
        ("INV-70003", "auto"),
        ("INV-70004", "auto"),
    ]
    # the payer's reason for the adjustment is the deduction's reason
    assert lines[2][2] == "DAMG: 2 cartons damaged in transit"
    assert "stays open as a deduction (DAMG: 2 cartons damaged in transit)" in lines[2][3]
    assert "early-payment discount 20.00" in lines[1][3]
    # and the payer is acknowledged, once, naming the invoices
    sent = smtp_sink.wait_for(1, timeout=10)
    (ack,) = [m for m in sent if "ra1@acme-mfg.example" in (m.headers["In-Reply-To"] or "")]
    body = email.message_from_bytes(ack.raw, policy=policy.default).get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "INV-70001" in text and "INV-70003" in text and "INV-70004" in text
    # and the deduction waits for a person with the payer's reason (as any short pay does),
    # and the entity bomb is a review item whose reason says why
    review = arbox_here("review", "list", "--format", "json", env=env, cwd=tmp_path)
    assert review.returncode == 0, review.stderr
    items = {item["kind"]: item for item in json.loads(review.stdout)}
    assert set(items) == {"deduction", "unreadable_document"}
    assert items["deduction"]["message_id"] == "<ra1@acme-mfg.example>"
    assert items["deduction"]["reason"] == (
        "35.50 of invoice INV-70004 stays open: DAMG: 2 cartons damaged in transit"
    )
    bomb = items["unreadable_document"]
    assert bomb["message_id"] == "<ra2@acme-mfg.example>"
    assert bomb["reason"] == (
        "advice.xml: XML refused: it declares DTDForbidden (DTDs and entities are not allowed)"
    )

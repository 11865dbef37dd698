"""A scanned remittance advice attached to a registered contact's mail, through ``arbox
ingest`` (the parse child, with OCR's own limits): an image-only PDF is read by OCR and its
lines are recorded with ``source`` "ocr pdf"; a damaged scan is a review item with the
reason; nothing crashes. Whether OCR lines apply is the matching gate's decision (issue 23),
so this test asserts on what was read and recorded."""

from __future__ import annotations

import json
import sqlite3
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.integration.cli import arbox, arbox_here, cli_env
from tests.unit.parsers.ocr_samples import encoded, page_of, require_tesseract

pytestmark = [pytest.mark.integration, pytest.mark.redis, pytest.mark.smtp]

LEDGER = Path(__file__).resolve().parents[2] / "fixtures" / "ledgers" / "demo_invoices.csv"


@pytest.fixture
def env(tmp_path: Path, smtp_sink) -> dict[str, str]:
    return cli_env(
        tmp_path,
        smtp_sink,
        ARBOX_AR_ADDRESS="ar@arbox.example",
        ARBOX_COMPANY_NAME="Example Supplies Co.",
        ARBOX_OCR_TIMEOUT_SECONDS="120",
    )


def mail_with_scan(path: Path, data: bytes, *, subtype: str, filename: str, mid: str) -> None:
    msg = EmailMessage()
    msg["From"] = "buchhaltung@cobalt-retail.example"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Remittance advice"
    msg["Message-ID"] = f"<{mid}@cobalt-retail.example>"
    msg.set_content("Please find our remittance advice attached (scanned).\n")
    maintype = "application" if subtype == "pdf" else "image"
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    path.write_bytes(msg.as_bytes())


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_ingest_reads_a_scanned_pdf_advice_by_ocr_and_reviews_a_damaged_scan(env, tmp_path):
    require_tesseract()
    # Given the demo ledger (Cobalt Retail's contact is buchhaltung@cobalt-retail.example)
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    imported = arbox_here("import", "invoices", str(LEDGER), env=env, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    # And that contact's mail with its ruled-table advice scanned to an image-only PDF,
    # and another with a JPEG cut off in the middle
    mails = tmp_path / "mails"
    mails.mkdir()
    scan = encoded([page_of("cobalt_ruled_table", dpi=300)], "PDF", resolution=300)
    mail_with_scan(mails / "scan.eml", scan, subtype="pdf", filename="advice.pdf", mid="ocr1")
    jpeg = encoded([page_of("cobalt_ruled_table", dpi=150)], "JPEG", quality=80)
    cut = jpeg[: len(jpeg) // 2]
    mail_with_scan(mails / "cut.eml", cut, subtype="jpeg", filename="photo.jpg", mid="ocr2")
    # When the mails are ingested
    result = arbox("ingest", str(mails), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    # Then the scan's lines are recorded as read by OCR, in the advice's order
    db = tmp_path / "arbox.db"
    assert rows(db, "select source, payment_ref from remittances") == [("ocr pdf", "CR-2026-0302")]
    lines = rows(db, "select invoice_ref, amount from remittance_lines order by id")
    assert lines == [  # amounts in thousandths, as the ledger stores money
        ("INV-10011", 1_890_000),
        ("INV-10012", 2_450_750),
        ("INV-10013", 675_000),
    ]
    # And the damaged scan is a person's, with the reason naming the file
    review = arbox_here("review", "list", "--format", "json", env=env, cwd=tmp_path)
    assert review.returncode == 0, review.stderr
    reasons = {item["message_id"]: item["reason"] for item in json.loads(review.stdout)}
    assert reasons["<ocr2@cobalt-retail.example>"] == "photo.jpg: damaged or truncated image"

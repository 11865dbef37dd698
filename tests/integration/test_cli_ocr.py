"""A scanned remittance advice attached to a registered contact's mail, through ``arbox
ingest`` (the parse child, with OCR's own limits): an image-only PDF is read by OCR and its
lines are recorded with ``source`` "ocr pdf"; a damaged scan is a review item with the
reason; nothing crashes. A PNG scan whose lines name whole balances exactly and add up is
applied (matching.ocr_gate); below ``ARBOX_OCR_MIN_CONFIDENCE`` its lines go to a person, whose
item page shows the scan beside the recognised text."""

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


def ingest_png_scan(env: dict[str, str], tmp_path: Path) -> Path:
    """The demo ledger, then Cobalt's contact's mail with its ruled-table advice as a PNG
    scan, ingested; the database."""
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    imported = arbox_here("import", "invoices", str(LEDGER), env=env, cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    mails = tmp_path / "mails"
    mails.mkdir()
    scan = encoded([page_of("cobalt_ruled_table", dpi=300)], "PNG")
    mail_with_scan(mails / "scan.eml", scan, subtype="png", filename="advice.png", mid="ocr3")
    result = arbox("ingest", str(mails), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / "arbox.db"


def test_a_scan_that_names_whole_balances_exactly_and_adds_up_is_applied(env, tmp_path):
    require_tesseract()
    db = ingest_png_scan(env, tmp_path)
    ((source, total, text),) = rows(db, "select source, stated_total, read_text from remittances")
    assert (source, total) == ("ocr png", 5_015_750)
    assert "INV-10012" in text and "2,450.75" in text  # the recognised text, kept for review
    outcomes = rows(db, "select invoice_ref, outcome from remittance_lines order by id")
    assert outcomes == [("INV-10011", "auto"), ("INV-10012", "auto"), ("INV-10013", "auto")]


def test_an_ocr_line_below_the_confidence_goes_to_a_person_who_sees_scan_and_text(env, tmp_path):
    require_tesseract()
    env = {**env, "ARBOX_OCR_MIN_CONFIDENCE": "100"}  # nothing is read that surely
    db = ingest_png_scan(env, tmp_path)
    lines = rows(db, "select outcome, reason from remittance_lines order by id")
    assert [outcome for outcome, _ in lines] == ["review"] * 3
    assert all(
        reason.startswith("read by OCR: recognition confidence ") and " is below 100" in reason
        for _, reason in lines
    )
    assert rows(db, "select count(*) from applications") == [(0,)]
    # The item page shows the scan as a page and the recognised text beside it
    from datetime import UTC, datetime

    from starlette.testclient import TestClient

    from core.config import Settings
    from ledger.auth import add_user
    from ledger.session import make_engine, make_sessionmaker
    from review.app import create_app
    from tests.unit.review.conftest import sign_in

    engine = make_engine(f"sqlite:///{db}")
    sessions = make_sessionmaker(engine)
    with sessions.begin() as session:
        add_user(
            session,
            username="vera",
            role="viewer",
            password="correct horse battery staple",
            actor="test",
            now=datetime(2026, 12, 1, tzinfo=UTC),
        )
    settings = Settings(database_url=f"sqlite:///{db}", data_dir=tmp_path / "web")
    app = create_app(settings, session_factory=sessions)
    ((item,),) = rows(db, "select min(id) from review_items where remittance_line_id is not null")
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as client:
        assert sign_in(client, "vera", "correct horse battery staple").status_code == 303
        page = client.get(f"/items/{item}")
        assert page.status_code == 200
        html = page.text
        assert 'class="scan-compare"' in html
        assert f'src="/items/{item}/pages/1.png"' in html
        assert "Recognised text" in html and "INV-10012" in html.split("ocr-text", 1)[1]
        assert "ocr png" in html
        image = client.get(f"/items/{item}/pages/1.png")
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    engine.dispose()

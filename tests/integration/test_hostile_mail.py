"""Hostile and odd real-world mail through the real path (store, read in a child process with
limits, decide, post) on SQLite: nothing raises, everything ends in a final state with a reason,
bombs and monsters are quarantined within 10 s, and a normal remittance after them is applied."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from core.config import Settings
from core.statuses import FINAL_STATUSES
from ledger import models as m
from ledger.imports import import_invoices
from tests.conftest import migrated_sqlite
from tests.fakes import RecordingMailer
from tests.hostile import bomb_pdf, mail_with_attachment, many_parts_mail, nested_mail
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound
from worker.services import Services, utc_now

pytestmark = [pytest.mark.integration]

MAIL_CORPORA = (
    "cpython-test-email",
    "crymap-test-data",
    "stalwart-mail-parser",
    "paperless-ngx-samples",
)
NOT_MAIL = {".md", ".json", ".pdf", ".zip"}
LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-70001,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00
"""


@pytest.fixture
def svc(tmp_path: Path) -> Services:
    settings = Settings(
        database_url=migrated_sqlite(tmp_path / "arbox.db"),
        ar_address="ar@arbox.example",
        max_message_bytes=25 * 1024 * 1024,
        worker_threads=2,
    )
    services = Services.from_settings(settings, mailer=RecordingMailer())
    (tmp_path / "ledger.csv").write_text(LEDGER)
    with services.sessions.begin() as session:
        import_invoices(session, tmp_path / "ledger.csv", default_currency="USD", now=utc_now())
    yield services
    services.engine.dispose()


def run(svc: Services, raw: bytes) -> m.InboundMessage:
    stored = store_inbound(svc, raw, source="file")
    for _ in range(4):  # a failure is retried; the attempt after the third quarantines
        try:
            process_inbound(stored.inbound_id, svc=svc)
            break
        except Exception:  # the worker would retry; so do we
            continue
    with svc.sessions() as session:
        row = session.get(m.InboundMessage, stored.inbound_id)
        assert row is not None
        session.expunge(row)
        return row


def corpus_mails(corpora: Path) -> list[tuple[str, bytes]]:
    found = []
    for name in MAIL_CORPORA:
        folder = corpora / name
        assert folder.is_dir(), folder
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.suffix not in NOT_MAIL and "COPYING" not in path.name:
                found.append((f"{name}/{path.name}", path.read_bytes()))
            elif path.suffix == ".pdf":  # a real PDF, as a customer would attach it
                found.append(
                    (
                        f"{name}/{path.name} (attached)",
                        mail_with_attachment(
                            path.read_bytes(), path.name, mid=f"corpus-{path.stem}"
                        ),
                    )
                )
    return found


def test_every_corpus_mail_ends_in_a_final_state_with_a_reason(svc, corpora_dir) -> None:
    mails = corpus_mails(corpora_dir)
    assert len(mails) >= 90
    started = time.monotonic()
    outcomes: Counter[str] = Counter()
    for name, raw in mails:
        row = run(svc, raw)
        assert row.status in FINAL_STATUSES, (name, row.status, row.reason)
        if row.status != "applied":
            assert row.reason, name
        outcomes[row.status] += 1
    elapsed = time.monotonic() - started
    print(f"\n{len(mails)} corpus mails in {elapsed:.1f}s: {dict(sorted(outcomes.items()))}")  # noqa: T201 - the counts
    assert elapsed < 120


def test_monsters_are_quarantined_quickly_and_later_mail_still_flows(svc) -> None:
    monsters = {
        "pdf bomb": mail_with_attachment(bomb_pdf(), "remittance.pdf", mid="bomb"),
        "30 MB attachment": mail_with_attachment(
            b"\0" * (30 * 1024 * 1024), "scan.pdf", mid="huge"
        ),
        "10,000 parts": many_parts_mail(10_000, mid="parts"),
        "100-deep nesting": nested_mail(100, mid="deep"),
    }
    reasons = {}
    for what, raw in monsters.items():
        started = time.monotonic()
        row = run(svc, raw)
        assert time.monotonic() - started < 10, what
        assert row.status == "quarantined", (what, row.status, row.reason)
        reasons[what] = row.reason
    assert "memory limit" in reasons["pdf bomb"]
    assert "exceeds the limit" in reasons["30 MB attachment"]
    assert "more than 1000 MIME parts" in reasons["10,000 parts"]
    assert "nested more than 30 deep" in reasons["100-deep nesting"]
    normal = mail_with_attachment(b"", "empty.txt", mid="after")
    normal = normal.replace(b"Please find our remittance advice attached.", b"INV-70001 1,250.00")
    after = run(svc, normal)
    assert after.status == "applied", after.reason
    with svc.sessions() as session:
        balance = session.execute(
            select(m.Invoice.balance).where(m.Invoice.number == "INV-70001")
        ).scalar_one()
    assert balance == 0

"""A ledger with an invoice arbox issued and a customer disputing it, for the tests of a
dispute settled with a credit memo (the review app's Credit decision, issue 24): the issuing
world's company and customers, one invoice issued to C-US through ``arbox invoices issue``,
and a dispute mail from its billing contact run through the pipeline."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from core.config import Settings
from ledger import models as m
from ledger.auth import add_user
from tests.integration.cli import arbox_here, cli_env
from tests.integration.issuing_world import COMPANY, write_world
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound
from worker.services import Services

#: The clerk who decides, and the password.
CLERK = ("clara", "clerk-pass-1")
INVOICE = [
    {
        "customer_number": "C-US",
        "issue_date": "2026-12-01",
        "currency": "USD",
        "terms": "Net 30",
        "po_number": "PO-9001",
        "lines": [
            {"description": "Torque wrench", "quantity": "2", "unit_price": "125.00",
             "tax_rate": "0", "tax_category": "G"},
            {"description": "Socket set", "quantity": "1", "unit_price": "80.00",
             "tax_rate": "0", "tax_category": "G"},
        ],
    }
]  # fmt: skip


@dataclass
class CreditWorld:
    env: dict[str, str]
    settings: Settings
    services: Services
    invoice_number: str
    dispute_item: int

    def close(self) -> None:
        self.services.engine.dispose()


def dispute_mail(invoice_number: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "ap@granite.example"
    msg["To"] = COMPANY["ARBOX_AR_ADDRESS"]
    msg["Subject"] = f"Invoice {invoice_number}"
    msg["Message-ID"] = "<dispute-1@granite.example>"
    msg.set_content(
        f"Hello,\n\ninvoice {invoice_number} is wrong, we were overcharged: the agreed price "
        "was lower.\nPlease check.\n\nPayables\nGranite Tools Inc\n"
    )
    return msg.as_bytes()


def build_credit_world(tmp_path: Path, smtp_sink: Any) -> CreditWorld:
    env = cli_env(tmp_path, smtp_sink, **COMPANY)
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    customers, contacts = write_world(tmp_path)
    for kind, path in (("customers", customers), ("contacts", contacts)):
        done = arbox_here("import", kind, str(path), env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    doc = tmp_path / "invoice.json"
    doc.write_text(json.dumps(INVOICE))
    issued = arbox_here("invoices", "issue", str(doc), "--format", "json", env=env, cwd=tmp_path)
    assert issued.returncode == 0, issued.stderr
    (invoice,) = json.loads(issued.stdout)
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        settings = Settings.from_env()
    settings = settings.model_copy(update={"parse_isolation": False})
    services = Services.from_settings(settings)
    with services.sessions.begin() as session:
        add_user(
            session, username=CLERK[0], role="clerk", password=CLERK[1], actor="test",
            now=datetime.now(UTC),
        )  # fmt: skip
    stored = store_inbound(services, dispute_mail(invoice["invoice_number"]), source="file")
    process_inbound(stored.inbound_id, svc=services)
    with services.sessions() as session:
        item = session.scalars(
            select(m.ReviewItem.id).where(
                m.ReviewItem.inbound_id == stored.inbound_id, m.ReviewItem.kind == "dispute"
            )
        ).one()
    return CreditWorld(env, settings, services, invoice["invoice_number"], item)

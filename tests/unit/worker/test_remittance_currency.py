"""A remittance that names no currency is in the currency of what it pays (issue 17): through
the pipeline, with a SQLite file and a recording mailer."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from ledger import models as m
from tests.fakes import services_on_ledger
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound
from worker.services import Services

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount,currency
90051177,C1,Rheinland Werkzeug GmbH,buchhaltung@rheinland.example,2026-10-01,2026-10-31,12408.90,EUR
90051178,C1,Rheinland Werkzeug GmbH,buchhaltung@rheinland.example,2026-10-02,2026-11-01,310.00,EUR
INV-1,C2,Acme Inc,ap@acme.example,2026-10-01,2026-10-31,500.00,USD
"""


@pytest.fixture
def svc(tmp_path: Path, database_url: str):
    services = services_on_ledger(tmp_path, database_url, LEDGER, now=NOW)
    yield services
    services.engine.dispose()


def mail(body: str, mid: str, sender: str = "buchhaltung@rheinland.example") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Zahlung"
    msg["Message-ID"] = mid
    msg.set_content(body)
    return msg.as_bytes()


def process(svc: Services, raw: bytes):
    return process_inbound(store_inbound(svc, raw, source="file").inbound_id, svc=svc)


def applied_and_currency(svc: Services) -> tuple[list[tuple[str, Decimal]], str]:
    with svc.sessions() as s:
        applied = s.execute(
            select(m.Invoice.number, m.Application.amount).join(
                m.Invoice, m.Invoice.id == m.Application.invoice_id
            )
        ).all()
        currency = s.execute(select(m.Remittance.currency)).scalar_one()
    return [tuple(row) for row in applied], currency


def test_a_body_without_a_currency_pays_eur_invoices_in_eur(svc):
    result = process(svc, mail("We paid 12,408.90 for 90051177 today.\n", "<a@rheinland>"))
    assert result.status == "applied"
    assert applied_and_currency(svc) == ([("90051177", Decimal("12408.90"))], "EUR")


def test_a_stated_currency_other_than_the_invoices_wins_and_goes_to_a_person(svc):
    result = process(svc, mail("We paid USD 12,408.90 for 90051177 today.\n", "<b@rheinland>"))
    assert result.status == "review"
    applied, currency = applied_and_currency(svc)
    assert (applied, currency) == ([], "USD")
    with svc.sessions() as s:
        reason = s.execute(select(m.RemittanceLine.reason)).scalar_one()
    assert "in USD" in reason and "EUR" in reason

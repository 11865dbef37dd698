"""One AP team registered as the contact of sister companies: the invoices a mail names say
which of them pays, and that is a registered contact's remittance, not a stranger's."""

from __future__ import annotations

from datetime import UTC, datetime
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
LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
90040769,C1011,Bluewater Bakery Corp.,payables@bluewater.example,2026-10-01,2026-10-31,1403.94
90040770,C1011,Bluewater Bakery Corp.,payables@bluewater.example,2026-10-01,2026-10-31,1666.80
90040484,C1161,Bluewater Bakery Co.,payables@bluewater.example,2026-10-02,2026-11-01,2901.12
90049999,C9,Other Ltd,ap@other.example,2026-10-02,2026-11-01,50.00
"""


@pytest.fixture
def svc(tmp_path: Path, database_url: str):
    services = services_on_ledger(tmp_path, database_url, LEDGER, now=NOW)
    yield services
    services.engine.dispose()


def process(svc: Services, body: str, mid: str):
    msg = EmailMessage()
    msg["From"] = "payables@bluewater.example"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Remittance"
    msg["Message-ID"] = mid
    msg.set_content(body)
    stored = store_inbound(svc, msg.as_bytes(), source="file")
    return process_inbound(stored.inbound_id, svc=svc)


def outcomes(svc: Services) -> list[tuple[str | None, str]]:
    with svc.sessions() as s:
        return [tuple(r) for r in s.execute(
            select(m.RemittanceLine.invoice_ref, m.RemittanceLine.outcome).order_by(
                m.RemittanceLine.id
            )
        )]  # fmt: skip


def test_the_invoices_named_pick_which_of_the_senders_customers_pays(svc):
    result = process(svc, "90040769 1,403.94\n90040770 1,666.80\n", "<a@bluewater>")
    assert result.status == "applied"
    assert outcomes(svc) == [("90040769", "auto"), ("90040770", "auto")]
    with svc.sessions() as s:
        number = s.execute(
            select(m.Customer.number).join(
                m.InboundMessage, m.InboundMessage.customer_id == m.Customer.id
            )
        ).scalar_one()
    assert number == "C1011"


def test_a_mail_paying_both_sister_companies_is_decided_line_by_line(svc):
    result = process(svc, "90040769 1,403.94\n90040484 2,901.12\n", "<b@bluewater>")
    assert result.status == "applied"
    assert outcomes(svc) == [("90040769", "auto"), ("90040484", "auto")]


def test_a_shared_contact_naming_another_customers_invoice_is_not_applied(svc):
    process(svc, "90049999 50.00\n", "<c@bluewater>")
    assert outcomes(svc) == [("90049999", "review")]

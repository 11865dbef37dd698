"""Dunning decisions: the level an invoice has reached, never the same level twice, a later
level only, what holds a whole customer, and a run that crashed between writing and sending."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.config import Settings
from core.setting_values import parse_dunning_levels
from ledger import models as m
from ledger.dunning import Level, iter_dunning, level_for, levels_from
from ledger.imports import import_invoices
from ledger.migrate import upgrade
from worker.runs.dunning import queue_dunning
from worker.services import Services

LEVELS = levels_from([(7, "reminder_1"), (30, "reminder_2"), (60, "final_notice")])
NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
# As of 2026-12-10: INV-1 is 100 days overdue, INV-2 9, INV-3 3 (not yet at a level).
LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-1,C1,Acme Corp,ap@acme.example,2026-08-02,2026-09-01,500.00
INV-2,C1,Acme Corp,ap@acme.example,2026-11-01,2026-12-01,20.00
INV-3,C1,Acme Corp,ap@acme.example,2026-11-07,2026-12-07,30.00
INV-9,C2,Borealis Foods,ap@borealis.example,2026-10-01,2026-10-31,90.00
"""


@pytest.fixture
def svc(tmp_path: Path, database_url: str) -> Services:
    settings = Settings(database_url=database_url, ar_address="ar@supplies.example")
    upgrade(settings.database_url)
    base = Services.from_settings(settings)
    services = Services(
        settings=settings, engine=base.engine, sessions=base.sessions, mailer=None,
        policy=base.policy, clock=lambda: NOW,
    )  # fmt: skip
    csv = tmp_path / "ledger.csv"
    csv.write_text(LEDGER)
    with services.sessions.begin() as session:
        import_invoices(session, csv, default_currency="USD", now=NOW)
    yield services
    services.engine.dispose()


def count(svc: Services, model) -> int:
    with svc.sessions() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_level_is_the_highest_one_reached():
    assert level_for(6, LEVELS) is None
    assert level_for(7, LEVELS) == Level(7, "reminder_1")
    assert level_for(59, LEVELS) == Level(30, "reminder_2")
    assert level_for(400, LEVELS) == Level(60, "final_notice")


@pytest.mark.parametrize(
    ("text", "error"),
    [("7", "expected DAYS:TEMPLATE"), ("0:now", "expected DAYS:TEMPLATE"),
     ("7:a,7:b", "own days and name"), ("7:x/../y", "expected DAYS:TEMPLATE")],
)  # fmt: skip
def test_levels_setting_refuses_what_is_not_days_and_a_template_name(text, error):
    with pytest.raises(ValueError, match=error):
        parse_dunning_levels(text)
    assert parse_dunning_levels("30:second, 7:first") == ((7, "first"), (30, "second"))


def test_each_invoice_is_reminded_at_the_level_it_reached_and_never_at_it_again(svc):
    # Given INV-1 first seen 100 days overdue and INV-2 at 9 days, as of 10 December
    run = queue_dunning(svc, as_of=date(2026, 12, 10), customer_number="C1")
    # Then one mail reminds INV-1 with the final notice only and INV-2 with the first reminder
    (c1,) = run.customers
    assert c1.reminded == (("INV-1", "final_notice"), ("INV-2", "reminder_1"))
    assert len(run.queued) == 1
    # When runs follow on later days: INV-3 reaches 7 days on the 14th, INV-2 30 on the 31st
    days = {
        d: queue_dunning(svc, as_of=date(2026, 12, d), customer_number="C1") for d in (11, 14, 31)
    }
    # Then each reminds only what reached a new level, and INV-1 is never reminded again
    assert days[11].customers == ()
    assert [c.reminded for c in days[14].customers] == [(("INV-3", "reminder_1"),)]
    assert [c.reminded for c in days[31].customers] == [(("INV-2", "reminder_2"),)]
    with svc.sessions() as s:
        sent = s.execute(
            select(m.Invoice.number, m.DunningNotice.level, m.DunningNotice.balance)
            .join(m.Invoice, m.Invoice.id == m.DunningNotice.invoice_id)
            .order_by(m.DunningNotice.id)
        ).all()
    assert sent == [
        ("INV-1", "final_notice", Decimal("500.00")),
        ("INV-2", "reminder_1", Decimal("20.00")),
        ("INV-3", "reminder_1", Decimal("30.00")),
        ("INV-2", "reminder_2", Decimal("20.00")),
    ]


def test_a_remittance_line_of_the_customer_in_review_holds_all_its_reminders(svc):
    # Given a payment of C2 whose line waits in review
    with svc.sessions.begin() as s:
        cid = s.execute(select(m.Customer.id).where(m.Customer.number == "C2")).scalar_one()
        inbound = m.InboundMessage(
            message_id="<p1@borealis.example>", sha256="0" * 64, raw=b"", size=0,
            source="file", status="review", received_at=NOW,
        )  # fmt: skip
        s.add(inbound)
        s.flush()
        rem = m.Remittance(
            inbound_id=inbound.id, customer_id=cid, source="body", currency="USD",
            stated_total=None, lines_total=Decimal("90.00"), created_at=NOW,
        )  # fmt: skip
        s.add(rem)
        s.flush()
        line = m.RemittanceLine(
            remittance_id=rem.id, line_no=1, invoice_ref="9", amount=Decimal("90.00"),
            outcome="review", confidence=Decimal("0.500"), reason="two candidates",
        )  # fmt: skip
        s.add(line)
        s.flush()
        s.add(
            m.ReviewItem(
                key="line:1", kind="ambiguous", status="open", inbound_id=inbound.id,
                remittance_line_id=line.id, reason="two candidates", created_at=NOW,
            )
        )  # fmt: skip
    # When dunning runs
    run = queue_dunning(svc, as_of=date(2026, 12, 10), customer_number="C2")
    # Then C2 is held with the reason, nothing is written to the outbox, and it is recorded
    (c2,) = run.customers
    assert (c2.status, c2.reminded) == ("held", ())
    assert c2.held == (("INV-9", ("1 remittance line(s) in review",)),)
    assert count(svc, m.OutboxMessage) == 0 and count(svc, m.DunningNotice) == 0
    with svc.sessions() as s:
        actions = s.execute(select(m.AuditEvent.action)).scalars().all()
    assert "dunning_held" in actions


def test_a_run_that_crashed_after_writing_leaves_its_mail_for_the_next_run_only(svc):
    # Given a run that wrote its reminders and died before sending them
    first = queue_dunning(svc, as_of=date(2026, 12, 10))
    assert len(first.queued) == 2
    # When the run is made again
    again = queue_dunning(svc, as_of=date(2026, 12, 10))
    # Then it writes nothing new and hands back the pending rows to send
    assert again.queued == () and sorted(again.pending) == sorted(first.queued)
    assert count(svc, m.OutboxMessage) == 2 and count(svc, m.DunningNotice) == 3


def test_dry_run_decides_the_same_and_writes_nothing(svc):
    dry = queue_dunning(svc, as_of=date(2026, 12, 10), dry_run=True)
    assert [(c.customer_number, c.status) for c in dry.customers] == [
        ("C1", "would_send"), ("C2", "would_send"),
    ]  # fmt: skip
    assert count(svc, m.OutboxMessage) == 0 and count(svc, m.AuditEvent) == 1  # the import
    real = queue_dunning(svc, as_of=date(2026, 12, 10))
    assert [c.reminded for c in real.customers] == [c.reminded for c in dry.customers]


def test_no_level_configured_reminds_nothing(svc):
    assert list(iter_dunning(svc.sessions, as_of=date(2026, 12, 10), levels=())) == []

"""A remittance whose every line applies posts in one go (ledger.bulk_posting), writing exactly
the rows the line-by-line path writes, and falls back to that path when a balance moved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from ledger import bulk_posting, remittance_lines
from ledger import models as m
from tests.fakes import services_on_ledger
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound
from worker.services import Services

LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-71001,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00
INV-71002,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,99.99
INV-71003,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-06,2026-11-05,500.00
INV-71004,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-07,2026-11-06,0.10
INV-72001,C702,Borealis Foods Ltd,payables@borealis.example,2026-10-01,2026-10-31,1250.00
INV-72002,C702,Borealis Foods Ltd,payables@borealis.example,2026-10-05,2026-11-04,99.99
INV-72003,C702,Borealis Foods Ltd,payables@borealis.example,2026-10-06,2026-11-05,500.00
INV-72004,C702,Borealis Foods Ltd,payables@borealis.example,2026-10-07,2026-11-06,0.10
"""
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def svc(tmp_path: Path, database_url: str) -> Iterator[Services]:
    services = services_on_ledger(tmp_path, database_url, LEDGER, now=NOW)
    yield services
    services.engine.dispose()


def mail(series: int, sender: str) -> bytes:
    body = "".join(
        f"INV-{series}00{n} {amount}\n"
        for n, amount in ((1, "1,250.00"), (2, "99.99"), (3, "500.00"), (4, "0.10"))
    )
    return (
        f"From: {sender}\r\nTo: ar@arbox.example\r\nSubject: Payment\r\n"
        f"Message-ID: <bulk{series}@example.com>\r\nContent-Type: text/plain\r\n\r\n{body}"
    ).encode()


def run(svc: Services, raw: bytes) -> tuple[int, str]:
    stored = store_inbound(svc, raw, source="file")
    return stored.inbound_id, process_inbound(stored.inbound_id, svc=svc).status


def snapshot(svc: Services, inbound_id: int) -> dict[str, Any]:
    """Every row the posting of one mail wrote, without ids: invoices by the last digit of
    their number, applications by their order."""
    with svc.sessions() as s:
        number = dict(s.execute(select(m.Invoice.id, m.Invoice.number)).tuples().all())
        lines = (
            s.execute(
                select(m.RemittanceLine)
                .join(m.Remittance, m.Remittance.id == m.RemittanceLine.remittance_id)
                .where(m.Remittance.inbound_id == inbound_id)
                .order_by(m.RemittanceLine.line_no)
            )
            .scalars()
            .all()
        )
        line_ids = [line.id for line in lines]
        apps = (
            s.execute(
                select(m.Application)
                .where(m.Application.remittance_line_id.in_(line_ids))
                .order_by(m.Application.id)
            )
            .scalars()
            .all()
        )
        order = {app.id: n for n, app in enumerate(apps)}
        events = (
            s.execute(
                select(m.AuditEvent)
                .where(m.AuditEvent.action == "apply_cash")
                .order_by(m.AuditEvent.id)
            )
            .scalars()
            .all()
        )
        invoice_ids = {app.invoice_id for app in apps}
        invoices = s.execute(
            select(m.Invoice).where(m.Invoice.id.in_(invoice_ids)).order_by(m.Invoice.number)
        ).scalars()
        skip = {"id", "remittance_id", "invoice_id", "invoice_ref", "evidence", "reason"}
        cols = [c.key for c in m.RemittanceLine.__table__.columns if c.key not in skip]
        return {
            "lines": [
                (
                    number[line.invoice_id][-1],
                    line.invoice_ref[-1],
                    line.reason.replace(number[line.invoice_id], "#"),
                    {k: getattr(line, k) for k in cols},
                )
                for line in lines
            ],
            "applications": [
                (
                    number[a.invoice_id][-1],
                    a.amount,
                    a.discount,
                    a.deduction,
                    a.currency,
                    a.status,
                    a.confidence,
                    a.applied_by,
                    a.applied_at,
                    a.remittance_line_id in line_ids,
                )
                for a in apps
            ],
            "audit": [
                (
                    e.entity,
                    number[e.entity_id][-1],
                    e.actor,
                    {
                        **e.detail,
                        "application_id": order[e.detail["application_id"]],
                        "why": e.detail["why"].replace(number[e.entity_id], "#"),
                    },
                )
                for e in events
                if e.detail["application_id"] in order
            ],
            "invoices": [(i.number[-1], i.balance, i.status, i.updated_at) for i in invoices],
        }


def test_posting_at_once_writes_what_posting_line_by_line_writes(svc, monkeypatch):
    calls: list[object] = []
    real = bulk_posting.post_at_once

    def spy(*args: Any, **kwargs: Any) -> object:
        calls.append(result := real(*args, **kwargs))
        return result

    monkeypatch.setattr(remittance_lines, "post_at_once", spy)
    first, status = run(svc, mail(71, "ap@acme-mfg.example"))
    assert status == "applied"
    assert len(calls) == 1 and calls[0] is not None  # posted at once

    monkeypatch.setattr(remittance_lines, "can_post_at_once", lambda planned: False)
    second, status = run(svc, mail(72, "payables@borealis.example"))
    assert status == "applied"
    assert len(calls) == 1  # posted line by line

    at_once, line_by_line = snapshot(svc, first), snapshot(svc, second)
    assert at_once == line_by_line
    assert len(at_once["applications"]) == len(at_once["audit"]) == 4
    assert [i[1:3] for i in at_once["invoices"]] == [(Decimal("0.00"), "paid")] * 4
    with svc.sessions() as s:
        evidence = (
            s.execute(select(m.RemittanceLine.evidence).order_by(m.RemittanceLine.id))
            .scalars()
            .all()
        )
    assert [e["outcome"] for e in evidence] == ["auto"] * 8


def test_a_balance_that_moved_undoes_the_one_go_and_posts_line_by_line(svc, monkeypatch):
    real = bulk_posting.post_at_once
    tried: list[object] = []

    def paid_elsewhere_first(session, **kwargs):  # type: ignore[no-untyped-def]
        # another worker took 50.00 off INV-71003 between the decision and the posting
        session.execute(
            update(m.Invoice)
            .where(m.Invoice.number == "INV-71003")
            .values(balance=Decimal("450.00"))
        )
        tried.append(result := real(session, **kwargs))
        return result

    monkeypatch.setattr(remittance_lines, "post_at_once", paid_elsewhere_first)
    _, status = run(svc, mail(71, "ap@acme-mfg.example"))
    assert status == "review"
    assert tried == [None]  # tried at once, undone
    with svc.sessions() as s:
        lines = s.execute(
            select(
                m.RemittanceLine.invoice_ref, m.RemittanceLine.outcome, m.RemittanceLine.reason
            ).order_by(m.RemittanceLine.line_no)
        ).all()
        balances = dict(s.execute(select(m.Invoice.number, m.Invoice.balance)).all())
        apps = s.execute(select(m.Application.invoice_id)).scalars().all()
    # nothing of the undone attempt is left: four lines, three applications
    assert [(ref, outcome) for ref, outcome, _ in lines] == [
        ("INV-71001", "auto"),
        ("INV-71002", "auto"),
        ("INV-71003", "review"),
        ("INV-71004", "auto"),
    ]
    assert lines[2][2] == "invoice balance changed while applying"
    assert len(apps) == 3
    assert balances["INV-71003"] == Decimal("450.00")
    assert (
        balances["INV-71001"] == balances["INV-71002"] == balances["INV-71004"] == Decimal("0.00")
    )

"""Posting at once and posting line by line (ledger.bulk_posting via
ledger.remittance_lines.post_lines) write the same rows.

Each case posts the same decisions twice on the same ledger state (rolled back in between):
at once, and line by line (``can_post_at_once`` forced false), and compares everything
written (lines, applications, audit events, invoices, review items, unapplied cash) and the
acknowledgement lines. Then two workers post the same invoices at the same time on
PostgreSQL, with and without ``lock_invoices``: the guarded UPDATE takes nothing twice."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal as D
from typing import Any

import pytest
from sqlalchemy import select

from core.types import Allocation, LineDecision, OpenInvoice, Outcome, Remittance, RemittanceLine
from ledger import models as m
from ledger import remittance_lines
from matching.decide import RemittanceDecision
from tests.fakes import services_on_ledger
from worker.inbound import remittance as applying
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound
from worker.services import Services

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount,currency
INV-76001,C761,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,100.00,USD
INV-76002,C761,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,200.00,USD
INV-76003,C761,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,300.00,EUR
"""
Case = Callable[[Any], tuple[list[LineDecision], list[RemittanceLine]]]


def invoice(session: Any, number: str) -> OpenInvoice:
    i = session.execute(select(m.Invoice).where(m.Invoice.number == number)).scalar_one()
    return OpenInvoice(
        i.id, i.number, i.customer_id, "C761", i.balance, i.currency, i.status, i.due_date
    )


def auto(
    no: int,
    ref: str | None,
    amount: str,
    inv: OpenInvoice | None = None,
    parts: tuple[Allocation, ...] = (),
    discount: str = "0.00",
) -> LineDecision:
    return LineDecision(
        line_no=no,
        invoice_ref=ref,
        amount=D(amount),
        outcome=Outcome.AUTO,
        confidence=D("0.990"),
        reason=f"line {no} matched",
        invoice=inv,
        allocations=parts,
        discount=D(discount),
    )


def stated(ref: str | None, amount: str) -> RemittanceLine:
    return RemittanceLine(invoice_ref=ref, amount=D(amount))


def two_lines_on_one_invoice(s: Any) -> tuple[list[LineDecision], list[RemittanceLine]]:
    a = invoice(s, "INV-76001")
    return [auto(1, "INV-76001", "60.00", a), auto(2, "INV-76001", "40.00", a)], [
        stated("INV-76001", "60.00"),
        stated("INV-76001", "40.00"),
    ]


def two_lines_on_one_invoice_more_than_it_owes(s: Any) -> tuple[list, list]:
    a = invoice(s, "INV-76001")
    return [auto(1, "INV-76001", "60.00", a), auto(2, "INV-76001", "50.00", a)], [
        stated("INV-76001", "60.00"),
        stated("INV-76001", "50.00"),
    ]


def parts_over_two_invoices_and_a_line_on_one(s: Any) -> tuple[list, list]:
    a, b = invoice(s, "INV-76001"), invoice(s, "INV-76002")
    split = (Allocation(a, D("50.00")), Allocation(b, D("100.00")))
    return [auto(1, None, "150.00", parts=split), auto(2, "INV-76002", "100.00", b)], [
        stated(None, "150.00"),
        stated("INV-76002", "100.00"),
    ]


def parts_over_two_invoices_one_overpaid(s: Any) -> tuple[list, list]:
    a, b = invoice(s, "INV-76001"), invoice(s, "INV-76002")
    split = (Allocation(a, D("50.00")), Allocation(b, D("150.00")))
    return [auto(1, None, "200.00", parts=split), auto(2, "INV-76002", "100.00", b)], [
        stated(None, "200.00"),
        stated("INV-76002", "100.00"),
    ]


def discount(s: Any) -> tuple[list, list]:
    a = invoice(s, "INV-76001")
    return [auto(1, "INV-76001", "98.00", a, discount="2.00")], [stated("INV-76001", "98.00")]


def other_currency(s: Any) -> tuple[list, list]:
    c = invoice(s, "INV-76003")
    return [auto(1, "INV-76003", "300.00", c)], [stated("INV-76003", "300.00")]


def invoice_closed_meanwhile(s: Any) -> tuple[list, list]:
    a, b = invoice(s, "INV-76001"), invoice(s, "INV-76002")
    s.execute(
        m.Invoice.__table__.update().where(m.Invoice.id == b.invoice_id).values(status="paid")
    )
    return [auto(1, "INV-76001", "100.00", a), auto(2, "INV-76002", "200.00", b)], [
        stated("INV-76001", "100.00"),
        stated("INV-76002", "200.00"),
    ]


CASES: list[Case] = [
    two_lines_on_one_invoice,
    two_lines_on_one_invoice_more_than_it_owes,
    parts_over_two_invoices_and_a_line_on_one,
    parts_over_two_invoices_one_overpaid,
    discount,
    other_currency,
    invoice_closed_meanwhile,
]


def post(svc: Services, case: Case, *, at_once: bool, n: int) -> tuple[Any, dict, list[bool]]:
    raw = f"From: ap@acme-mfg.example\r\nMessage-ID: <chk{n}@x>\r\n\r\nhi\r\n".encode()
    inbound_id = store_inbound(svc, raw, source="file").inbound_id
    tried: list[bool] = []
    real_can, real_post = remittance_lines.can_post_at_once, remittance_lines.post_at_once

    def spy(*a: Any, **k: Any) -> Any:
        tried.append((r := real_post(*a, **k)) is not None)
        return r

    with svc.sessions() as s:
        s.begin()
        row = s.get(m.InboundMessage, inbound_id)
        decisions, lines = case(s)
        rem = m.Remittance(
            inbound_id=inbound_id,
            source="body",
            currency="USD",
            lines_total=D("0.00"),
            created_at=NOW,
        )
        s.add(rem)
        s.flush()
        remittance_lines.can_post_at_once = real_can if at_once else (lambda planned: False)
        remittance_lines.post_at_once = spy
        try:
            out = remittance_lines.post_lines(
                s,
                row=row,
                rem=rem,
                remittance=Remittance(lines=tuple(lines)),
                decision=RemittanceDecision(customer_id=None, lines=tuple(decisions)),
                shadow=False,
                now=NOW,
            )
        finally:
            remittance_lines.can_post_at_once, remittance_lines.post_at_once = real_can, real_post
        written = snapshot(s, rem.id)
        s.rollback()
    return out, written, tried


def snapshot(s: Any, rem_id: int) -> dict[str, Any]:
    lines = (
        s.execute(
            select(m.RemittanceLine)
            .where(m.RemittanceLine.remittance_id == rem_id)
            .order_by(m.RemittanceLine.line_no)
        )
        .scalars()
        .all()
    )
    apps = (
        s.execute(
            select(m.Application)
            .where(m.Application.remittance_line_id.in_([x.id for x in lines]))
            .order_by(m.Application.id)
        )
        .scalars()
        .all()
    )
    number = dict(s.execute(select(m.Invoice.id, m.Invoice.number)).tuples().all())
    order = {a.id: n for n, a in enumerate(apps)}
    events = s.execute(
        select(m.AuditEvent).where(m.AuditEvent.action == "apply_cash").order_by(m.AuditEvent.id)
    ).scalars()
    return {
        "lines": [
            (x.line_no, x.outcome, x.reason, x.amount, x.stated_amount, x.evidence) for x in lines
        ],
        "applications": [
            (number[a.invoice_id], a.amount, a.discount, a.deduction, a.currency, a.status)
            for a in apps
        ],
        "audit": [
            (number[e.entity_id], {**e.detail, "application_id": order[e.detail["application_id"]]})
            for e in events
        ],
        "invoices": s.execute(
            select(m.Invoice.number, m.Invoice.balance, m.Invoice.status).order_by(m.Invoice.id)
        ).all(),
        "review_items": s.execute(select(m.ReviewItem.kind, m.ReviewItem.reason)).all(),
        "unapplied": s.execute(select(m.UnappliedCash.amount, m.UnappliedCash.reason)).all(),
    }


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_posting_at_once_writes_and_acknowledges_what_line_by_line_does(
    tmp_path, database_url, case
):  # type: ignore[no-untyped-def]
    svc = services_on_ledger(tmp_path, database_url, LEDGER, now=NOW)
    out_at_once, at_once, tried = post(svc, case, at_once=True, n=1)
    out_lines, by_line, _ = post(svc, case, at_once=False, n=2)
    svc.engine.dispose()
    assert tried, "the case qualifies for posting at once"
    assert at_once == by_line
    assert out_at_once == out_lines  # the acknowledgement: amounts and balances after each part
    assert [a.remaining for a in out_at_once.applied] == [a.remaining for a in out_lines.applied]


LOCKED = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-77001,C771,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,100.00
INV-77002,C771,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,200.00
"""


@pytest.mark.parametrize("lock", [True, False], ids=["lock_invoices", "no_lock_invoices"])
def test_two_workers_paying_the_same_invoices_at_once_take_nothing_twice(
    tmp_path, database_url, monkeypatch, lock
):  # type: ignore[no-untyped-def]
    svc = services_on_ledger(tmp_path, database_url, LOCKED, now=NOW)
    if not lock:  # both decide on the same balances: only the guarded UPDATE stands between
        monkeypatch.setattr(applying, "lock_invoices", lambda *a, **k: 0)
    ids = [
        store_inbound(
            svc,
            (
                "From: ap@acme-mfg.example\r\nTo: ar@arbox.example\r\nSubject: Payment\r\n"
                f"Message-ID: <both{n}@acme-mfg.example>\r\n\r\n"
                "INV-77001 100.00\r\nINV-77002 200.00\r\n"
            ).encode(),
            source="file",
        ).inbound_id
        for n in (1, 2)
    ]
    real = remittance_lines.post_at_once

    def slowly(*a: Any, **k: Any) -> Any:
        time.sleep(0.3)  # both inside their transactions at once
        return real(*a, **k)

    monkeypatch.setattr(remittance_lines, "post_at_once", slowly)
    status: dict[int, str] = {}
    threads = [
        threading.Thread(
            target=lambda i=i: status.__setitem__(i, process_inbound(i, svc=svc).status)
        )
        for i in ids
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with svc.sessions() as s:
        balances = s.execute(select(m.Invoice.balance, m.Invoice.status)).all()
        applications = s.execute(select(m.Application.amount)).scalars().all()
    svc.engine.dispose()
    assert sorted(status.values()) == ["applied", "review"]
    assert sorted(applications) == [D("100.00"), D("200.00")]
    assert balances == [(D("0.00"), "paid")] * 2

"""Settling a credit memo against the invoice it credits (ledger.credit_settling), on SQLite
and PostgreSQL: the credit nets the invoice's open balance through the same guarded update cash
is applied with; both close when equal, the rest of the larger stays open; refused, changing
nothing, when the invoice is not open or the credit memo is not linked or not open; one audit
event; settling again changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.errors import RefusedActionError
from core.refs import normalise_ref
from ledger.credit_settling import SETTLE_ACTION, settle_credit_memo
from ledger.models import AuditEvent, Invoice
from tests.unit.ledger.conftest import NOW


def _credit(ledger, customer_id, number, *, credits, amount, balance=None, currency="USD"):  # type: ignore[no-untyped-def]
    row = Invoice(
        number=number,
        ref_key=normalise_ref(number),
        customer_id=customer_id,
        issue_date=date(2026, 1, 20),
        due_date=date(2026, 1, 20),
        amount=Decimal(amount),
        balance=Decimal(balance or amount),
        currency=currency,
        status="open",
        created_at=NOW,
        updated_at=NOW,
        credits_invoice_id=credits,
    )
    ledger.session.add(row)
    ledger.session.flush()
    return row.id


def _state(ledger, *ids):  # type: ignore[no-untyped-def]
    ledger.session.expire_all()
    return [
        (inv.status, inv.balance) for inv in (ledger.session.get(Invoice, i) for i in ids) if inv
    ]


def _events(ledger):  # type: ignore[no-untyped-def]
    return ledger.session.scalars(
        select(AuditEvent).where(AuditEvent.action == SETTLE_ACTION)
    ).all()


def test_an_equal_credit_closes_both_with_one_audit_event_and_settling_again_is_a_no_op(ledger):
    acme = ledger.customer()
    invoice = ledger.invoice(acme, "INV-2026-000017", balance="250.00")
    credit = _credit(ledger, acme, "CN-2026-000004", credits=invoice, amount="-250.00")
    done = settle_credit_memo(ledger.session, credit_number="CN-2026-000004", actor="ana", now=NOW)
    assert (done.amount, done.already) == (Decimal("250.00"), False)
    assert _state(ledger, invoice, credit) == [("paid", Decimal("0.00")), ("paid", Decimal("0.00"))]
    (event,) = _events(ledger)
    assert event.actor == "ana" and event.entity_id == credit
    assert event.detail["credit_number"] == "CN-2026-000004"
    assert event.detail["invoice_number"] == "INV-2026-000017"
    assert event.detail["amount"] == "250.00"
    assert "both closed" in done.summary
    again = settle_credit_memo(ledger.session, credit_number="CN-2026-000004", actor="bo", now=NOW)
    assert (again.amount, again.already) == (Decimal("250.00"), True)
    assert "was settled before" in again.summary
    assert len(_events(ledger)) == 1
    assert _state(ledger, invoice, credit) == [("paid", Decimal("0.00")), ("paid", Decimal("0.00"))]


def test_a_smaller_credit_leaves_the_rest_of_the_invoice_open(ledger):
    acme = ledger.customer()
    invoice = ledger.invoice(acme, "INV-17", balance="1000.00")
    credit = _credit(ledger, acme, "CN-4", credits=invoice, amount="-100.00")
    done = settle_credit_memo(ledger.session, credit_number=" CN-4 ", actor="ana", now=NOW)
    assert done.invoice_balance == Decimal("900.00")
    assert _state(ledger, invoice, credit) == [
        ("open", Decimal("900.00")),
        ("paid", Decimal("0.00")),
    ]
    assert "INV-17 900.00 left" in done.summary


def test_a_larger_credit_pays_the_invoice_and_keeps_its_rest(ledger):
    acme = ledger.customer()
    invoice = ledger.invoice(acme, "INV-17", balance="80.00")
    credit = _credit(ledger, acme, "CN-4", credits=invoice, amount="-100.00")
    done = settle_credit_memo(ledger.session, credit_number="CN-4", actor="ana", now=NOW)
    assert done.amount == Decimal("80.00")
    assert _state(ledger, invoice, credit) == [
        ("paid", Decimal("0.00")),
        ("open", Decimal("-20.00")),
    ]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("invoice paid", "INV-17 is paid"),
        ("not linked", "not a credit memo linked to an invoice"),
        ("credit used", "credit memo CN-4 is paid, not open"),
        ("unknown", "there is no credit memo 'CN-404'"),
        ("other currency", "CN-4 is in EUR, INV-17 in USD"),
        ("a positive invoice", "is no open credit"),
    ],
)
def test_refused_settlements_change_nothing(ledger, case, expected):
    acme = ledger.customer()
    invoice = ledger.invoice(
        acme, "INV-17", balance="0.00" if case == "invoice paid" else "500.00",
        status="paid" if case == "invoice paid" else "open",
    )  # fmt: skip
    credit = _credit(
        ledger, acme, "CN-4",
        credits=None if case == "not linked" else invoice,
        amount="50.00" if case == "a positive invoice" else "-100.00",
        balance="0.00" if case == "credit used" else None,
        currency="EUR" if case == "other currency" else "USD",
    )  # fmt: skip
    if case == "credit used":  # netted on a remittance before: closed, never settled
        ledger.session.get(Invoice, credit).status = "paid"
    ledger.session.flush()
    before = _state(ledger, invoice, credit)
    number = "CN-404" if case == "unknown" else "CN-4"
    with pytest.raises(RefusedActionError, match=expected):
        settle_credit_memo(ledger.session, credit_number=number, actor="ana", now=NOW)
    assert _state(ledger, invoice, credit) == before
    assert _events(ledger) == []


def test_the_statement_shows_the_open_credit_memo_with_its_invoice_until_it_is_settled(ledger):
    from ledger.statements import statements_for_customer

    acme = ledger.customer()
    invoice = ledger.invoice(acme, "INV-2026-000017", balance="250.00")
    ledger.invoice(acme, "INV-2026-000018", balance="40.00")
    _credit(ledger, acme, "CN-2026-000004", credits=invoice, amount="-250.00")
    (before,) = statements_for_customer(ledger.session, acme, as_of=date(2026, 3, 1))
    assert [(c.number, c.credits_number) for c in before.credits] == [
        ("CN-2026-000004", "INV-2026-000017")
    ]
    assert before.total_due == Decimal("40.00")
    settle_credit_memo(ledger.session, credit_number="CN-2026-000004", actor="ana", now=NOW)
    (after,) = statements_for_customer(ledger.session, acme, as_of=date(2026, 3, 1))
    assert [i.number for i in after.items] == ["INV-2026-000018"] and after.credits == ()
    assert after.total_due == Decimal("40.00")


def test_the_settlement_is_two_applications_that_the_aging_of_an_earlier_day_undoes(ledger):
    from ledger.models import Application
    from ledger.reports.aging import aging_report

    acme = ledger.customer()
    invoice = ledger.invoice(acme, "INV-17", balance="1000.00")
    credit = _credit(ledger, acme, "CN-4", credits=invoice, amount="-250.00")
    settle_credit_memo(ledger.session, credit_number="CN-4", actor="ana", now=NOW)
    applied = ledger.session.scalars(select(Application).order_by(Application.id)).all()
    assert [(a.invoice_id, a.amount, a.status, a.applied_by) for a in applied] == [
        (invoice, Decimal("250.00"), "confirmed", "ana"),
        (credit, Decimal("-250.00"), "confirmed", "ana"),
    ]
    (before,) = aging_report(ledger.session, as_of=date(2026, 2, 28)).rows
    assert (before.open_items, before.credits) == (Decimal("1000.00"), Decimal("-250.00"))
    (after,) = aging_report(ledger.session, as_of=NOW.date()).rows
    assert (after.open_items, after.credits) == (Decimal("750.00"), Decimal("0.00"))


def test_a_settlement_is_no_line_received_for_straight_through_processing(ledger):
    from ledger.reports.cash import stp_days

    acme = ledger.customer()
    invoice = ledger.invoice(acme, "INV-17", balance="100.00")
    _credit(ledger, acme, "CN-4", credits=invoice, amount="-100.00")
    settle_credit_memo(ledger.session, credit_number="CN-4", actor="ana", now=NOW)
    assert stp_days(ledger.session, start=NOW.date(), end=NOW.date()) == ()

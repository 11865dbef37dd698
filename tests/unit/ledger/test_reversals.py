"""Un-applying cash: the balance comes back, the application is marked reversed with who/when/
why, an audit event is written; what cannot be un-applied is refused with nothing changed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from core.errors import RefusedActionError
from ledger.models import Application, AuditEvent, Invoice, UnappliedCash
from ledger.posting import apply_cash
from ledger.queries import applications_for_export
from ledger.reversals import reversed_invoice_ids, unapply
from ledger.unapplied_cash import unapplied_total
from tests.unit.ledger.conftest import NOW

LATER = NOW + timedelta(days=1)


def applied(ledger, *, balance="1250.00", amount="1225.00", discount="25.00"):
    """An invoice paid in full by one application (cash plus an earned discount)."""
    acme = ledger.customer("C1")
    invoice = ledger.invoice(acme, "INV-1001", balance=balance)
    line = ledger.remittance_line(ledger.inbound(), amount=amount)
    posted = apply_cash(
        ledger.session,
        remittance_line_id=line,
        invoice_id=invoice,
        amount=Decimal(amount),
        currency="USD",
        status="auto",
        confidence=Decimal("1.000"),
        reasons="exact",
        actor="worker",
        now=NOW,
        discount=Decimal(discount),
    )
    assert posted is not None and posted.balance_after == Decimal("0.00")
    return invoice, posted.application_id


def test_unapply_restores_cash_and_discount_reopens_the_invoice_and_audits(ledger):
    # Given an invoice of 1,250.00 paid by 1,225.00 and a 25.00 discount written off
    invoice, app_id = applied(ledger)
    # When a clerk un-applies it
    done = unapply(
        ledger.session, application_id=app_id, actor="alice", reason="wrong customer", now=LATER
    )
    # Then the whole balance is open again and the application says who, when and why
    s = ledger.session
    inv = s.get(Invoice, invoice)
    s.refresh(inv)
    assert (inv.balance, inv.status) == (Decimal("1250.00"), "open")
    assert (done.balance_after, done.amount, done.discount) == (
        Decimal("1250.00"),
        Decimal("1225.00"),
        Decimal("25.00"),
    )
    assert (done.invoice_number, done.customer_number) == ("INV-1001", "C1")
    app = s.get(Application, app_id)
    assert (app.status, app.reversed_by, app.reversed_at, app.reversal_reason) == (
        "reversed",
        "alice",
        LATER,
        "wrong customer",
    )
    (event,) = s.scalars(select(AuditEvent).where(AuditEvent.action == "unapply_cash"))
    assert (event.actor, event.entity, event.entity_id, event.at) == (
        "alice",
        "invoice",
        invoice,
        LATER,
    )
    assert event.detail["application_id"] == app_id
    assert event.detail["balance_after"] == "1250.00"
    assert event.detail["why"] == "wrong customer"
    # and the export no longer lists it as cash applied
    assert applications_for_export(s) == []


def test_an_invoice_cash_was_unapplied_from_is_reported(ledger):
    invoice, app_id = applied(ledger)
    other = ledger.invoice(ledger.customer("C2", "Other"), "INV-2002")
    assert reversed_invoice_ids(ledger.session, [invoice, other]) == set()
    unapply(ledger.session, application_id=app_id, actor="alice", reason="typo", now=LATER)
    assert reversed_invoice_ids(ledger.session, [invoice, other]) == {invoice}
    assert reversed_invoice_ids(ledger.session, []) == set()


def test_unapplying_twice_is_refused_and_changes_nothing(ledger):
    invoice, app_id = applied(ledger)
    unapply(ledger.session, application_id=app_id, actor="alice", reason="typo", now=LATER)
    with pytest.raises(RefusedActionError, match=r"already un-applied .* by alice: typo"):
        unapply(ledger.session, application_id=app_id, actor="bob", reason="again", now=LATER)
    inv = ledger.session.get(Invoice, invoice)
    ledger.session.refresh(inv)
    assert inv.balance == Decimal("1250.00")


def test_unapplying_an_unknown_application_or_without_a_reason_is_refused(ledger):
    _, app_id = applied(ledger)
    with pytest.raises(RefusedActionError, match="application 999 does not exist"):
        unapply(ledger.session, application_id=999, actor="a", reason="x", now=LATER)
    with pytest.raises(RefusedActionError, match="reason is required"):
        unapply(ledger.session, application_id=app_id, actor="a", reason="  ", now=LATER)


def test_unapply_refuses_to_lift_a_balance_above_the_invoice_amount(ledger):
    # Given an application whose invoice balance was reset by a later import
    invoice, app_id = applied(ledger)
    ledger.session.execute(
        update(Invoice)
        .where(Invoice.id == invoice)
        .values(balance=Decimal("1250.00"), status="open")
        .execution_options(synchronize_session=False)
    )
    # When it is un-applied, it is refused: the cash would be given back twice
    with pytest.raises(RefusedActionError, match="above its amount"):
        unapply(ledger.session, application_id=app_id, actor="a", reason="x", now=LATER)
    assert ledger.session.get(Application, app_id).reversed_at is None


def test_the_cash_a_person_unapplies_becomes_the_customers_unapplied_cash(ledger):
    _, app_id = applied(ledger)
    unapply(ledger.session, application_id=app_id, actor="alice", reason="not theirs", now=LATER)
    (cash,) = ledger.session.scalars(select(UnappliedCash))
    assert (cash.amount, cash.status, cash.key) == (Decimal("1225.00"), "open", f"unapply:{app_id}")
    assert "un-applied from invoice INV-1001 by alice: not theirs" in cash.reason
    assert unapplied_total(ledger.session, cash.customer_id) == Decimal("1225.00")

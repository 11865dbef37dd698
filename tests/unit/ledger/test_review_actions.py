"""A reviewer's confirmation of a remittance line: cash applied as confirmed, the item resolved
and audited, the customer assigned when nobody knew it, and with remember the rules it teaches;
what a clerk gets wrong is refused with nothing changed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.errors import RefusedActionError
from ledger.models import (
    Application,
    AuditEvent,
    InboundMessage,
    Invoice,
    Remittance,
    RemittanceLine,
    ReviewItem,
    UnappliedCash,
)
from ledger.review_actions import confirm_line
from ledger.rules import list_rules
from ledger.unapplied_cash import record_unapplied_cash
from tests.unit.ledger.conftest import NOW

LATER = NOW + timedelta(hours=3)


def review_line(
    ledger,
    *,
    ref="70001",
    amount="1250.00",
    sender="payments@bank.example",
    payer=None,
    customer_id=None,
    currency="USD",
):
    """A mail with one remittance line that went to review, and its review item's id."""
    inbound_id = ledger.inbound(f"<{ref}-{amount}@bank.example>")
    inbound = ledger.session.get(InboundMessage, inbound_id)
    inbound.from_address = sender
    inbound.status = "review"
    inbound.customer_id = customer_id
    remittance = Remittance(
        inbound_id=inbound_id,
        customer_id=customer_id,
        source="body",
        currency=currency,
        stated_total=None,
        lines_total=Decimal(amount),
        payer_name=payer,
        created_at=NOW,
    )
    ledger.session.add(remittance)
    ledger.session.flush()
    line = RemittanceLine(
        remittance_id=remittance.id,
        line_no=1,
        invoice_ref=ref,
        amount=Decimal(amount),
        stated_amount=Decimal(amount),
        outcome="review",
        confidence=Decimal("0.000"),
        reason="no invoice found",
    )
    ledger.session.add(line)
    ledger.session.flush()
    item = ReviewItem(
        key=f"line:{line.id}",
        kind="remittance_line",
        status="open",
        inbound_id=inbound_id,
        remittance_line_id=line.id,
        customer_id=customer_id,
        reason="no invoice found",
        candidates=[],
        created_at=NOW,
    )
    ledger.session.add(item)
    ledger.session.flush()
    return item.id


def balance(session, invoice_id):
    inv = session.get(Invoice, invoice_id)
    session.refresh(inv)
    return inv.balance, inv.status


def test_confirming_applies_the_line_resolves_the_item_and_assigns_the_customer(ledger):
    # Given an unknown sender's line "70001 1,250.00" and our SO-70001 of Acme for 1,250.00
    acme = ledger.customer("C701", "Acme Manufacturing Inc", emails=["ap@acme.example"])
    invoice = ledger.invoice(acme, "SO-70001")
    item_id = review_line(ledger)
    # When a clerk confirms it on that invoice, without remembering
    done = confirm_line(
        ledger.session,
        item_id=item_id,
        allocations=[("SO-70001", None)],
        actor="alice",
        remember=False,
        now=LATER,
    )
    # Then the whole amount is applied as confirmed by alice and the item is resolved
    s = ledger.session
    (applied,) = done.applied
    assert (applied.invoice_number, applied.amount, applied.balance_after) == (
        "SO-70001",
        Decimal("1250.00"),
        Decimal("0.00"),
    )
    assert balance(s, invoice) == (Decimal("0.00"), "paid")
    app = s.get(Application, applied.application_id)
    assert (app.status, app.applied_by, app.confidence) == ("confirmed", "alice", Decimal("1.000"))
    item = s.get(ReviewItem, item_id)
    assert (item.status, item.resolved_by, item.resolved_at) == ("resolved", "alice", LATER)
    # and the customer nobody knew is now the item's, the remittance's and the mail's
    assert done.customer_assigned and done.customer_number == "C701"
    assert item.customer_id == acme
    inbound = s.get(InboundMessage, item.inbound_id)
    assert (inbound.customer_id, inbound.status) == (acme, "applied")
    assert done.left_unapplied == Decimal("0.00")
    assert done.rules == ()
    assert list_rules(s) == []
    (event,) = s.scalars(select(AuditEvent).where(AuditEvent.action == "confirm_review_item"))
    assert (event.actor, event.entity_id) == ("alice", item_id)
    assert event.detail["applied"] == [
        {"invoice_number": "SO-70001", "amount": "1250.00", "id": applied.application_id}
    ]


def test_remember_teaches_the_sender_the_payer_name_and_the_missing_prefix(ledger):
    # Given an unknown sender paying for Acme under its parent's name, writing 70001 for SO-70001
    acme = ledger.customer("C701", "Acme Manufacturing Inc", emails=["ap@acme.example"])
    ledger.invoice(acme, "SO-70001")
    item_id = review_line(ledger, payer="ACME HOLDINGS LLC")
    # When the clerk confirms and asks to remember
    done = confirm_line(
        ledger.session,
        item_id=item_id,
        allocations=[("SO-70001", Decimal("1250.00"))],
        actor="alice",
        remember=True,
        now=LATER,
    )
    # Then three rules exist, made by alice from this item, none used yet
    said = sorted(rule.describe() for rule in done.rules)
    assert said == [
        "customer C701 writes our numbers without 'so' in front",
        "payer 'acme holdings' is customer C701",
        "sender address 'payments@bank.example' is customer C701",
    ]
    listed = list_rules(ledger.session)
    assert {(r.kind, r.pattern) for r in listed} == {
        ("sender", "payments@bank.example"),
        ("payer_name", "acme holdings"),
        ("ref_prefix", "so"),
    }
    assert {(r.created_by, r.source_review_item_id, r.hits) for r in listed} == {
        ("alice", item_id, 0)
    }


def test_remember_teaches_nothing_the_mail_already_said(ledger):
    # Given a registered contact, the payer name being the customer's own, our exact number
    acme = ledger.customer("C701", "Acme Manufacturing Inc", emails=["ap@acme.example"])
    ledger.invoice(acme, "INV-70001")
    item_id = review_line(
        ledger,
        ref="INV-70001",
        sender="AP@acme.example",
        payer="Acme Manufacturing",
        customer_id=acme,
    )
    done = confirm_line(
        ledger.session,
        item_id=item_id,
        allocations=[("INV-70001", None)],
        actor="alice",
        remember=True,
        now=LATER,
    )
    # Then no rule: each of those identifies the customer already
    assert done.rules == ()
    assert not done.customer_assigned
    assert list_rules(ledger.session) == []


def test_a_line_split_over_two_invoices_leaves_the_rest_unapplied(ledger):
    acme = ledger.customer("C701")
    first = ledger.invoice(acme, "INV-1", balance="100.00")
    second = ledger.invoice(acme, "INV-2", balance="900.00")
    item_id = review_line(ledger, ref="1 and 2", amount="1000.00")
    # When the clerk gives 60.00 to INV-1 and lets INV-2 take what is left up to its balance
    done = confirm_line(
        ledger.session,
        item_id=item_id,
        allocations=[("INV-1", Decimal("60.00")), ("INV-2", None)],
        actor="alice",
        remember=False,
        now=LATER,
    )
    assert [(a.invoice_number, a.amount) for a in done.applied] == [
        ("INV-1", Decimal("60.00")),
        ("INV-2", Decimal("900.00")),
    ]
    assert done.left_unapplied == Decimal("40.00")
    assert balance(ledger.session, first) == (Decimal("40.00"), "open")
    assert balance(ledger.session, second) == (Decimal("0.00"), "paid")


@pytest.mark.parametrize(
    ("allocations", "error"),
    [
        ([], "name at least one invoice"),
        ([("INV-404", None)], "there is no invoice 'INV-404'"),
        ([("INV-1", None), ("INV-1", None)], "named twice"),
        ([("INV-1", Decimal("1300.00"))], "more than the open balance 1250.00"),
        ([("INV-1", Decimal("0.00"))], "not positive"),
        ([("INV-1", Decimal("1000.00")), ("INV-2", Decimal("300.00"))], "more than the line"),
        ([("INV-PAID", None)], "is not open"),
        ([("INV-EUR", None)], "is in EUR"),
        ([("INV-1", Decimal("10.005"))], r"10\.005 has more decimals than USD allows \(2\)"),
        ([("INV-1", None), ("INV-OTHER", None)], "several customers"),
    ],
)
def test_a_confirmation_the_ledger_cannot_take_is_refused_with_nothing_changed(
    ledger, allocations, error
):
    acme = ledger.customer("C701")
    other = ledger.customer("C702", "Other")
    ledger.invoice(acme, "INV-1")
    ledger.invoice(acme, "INV-2")
    ledger.invoice(acme, "INV-PAID", balance="0.00", status="paid")
    ledger.invoice(acme, "INV-EUR", currency="EUR")
    ledger.invoice(other, "INV-OTHER")
    item_id = review_line(ledger, ref="x", amount="1250.00")
    with pytest.raises(RefusedActionError, match=error):
        confirm_line(
            ledger.session,
            item_id=item_id,
            allocations=allocations,
            actor="alice",
            remember=True,
            now=LATER,
        )
    assert ledger.session.scalars(select(Application.id)).all() == []
    assert ledger.session.get(ReviewItem, item_id).status == "open"


def test_an_invoice_of_another_customer_than_the_items_is_refused(ledger):
    acme = ledger.customer("C701")
    other = ledger.customer("C702", "Other")
    ledger.invoice(other, "INV-9")
    item_id = review_line(ledger, customer_id=acme)
    with pytest.raises(RefusedActionError, match=r"customer C702's; this line was .* C701's"):
        confirm_line(
            ledger.session,
            item_id=item_id,
            allocations=[("INV-9", None)],
            actor="alice",
            remember=False,
            now=LATER,
        )


def test_an_item_that_is_resolved_unknown_or_not_a_line_is_refused(ledger):
    acme = ledger.customer("C701")
    ledger.invoice(acme, "INV-1")
    item_id = review_line(ledger, ref="INV-1")
    question = ledger.review_item("inbound:1:dispute", kind="dispute")
    kwargs = {"allocations": [("INV-1", None)], "actor": "bob", "remember": False, "now": LATER}
    confirm_line(ledger.session, item_id=item_id, **kwargs)
    with pytest.raises(RefusedActionError, match="already resolved by bob"):
        confirm_line(ledger.session, item_id=item_id, **kwargs)
    with pytest.raises(RefusedActionError, match="review item 999 does not exist"):
        confirm_line(ledger.session, item_id=999, **kwargs)
    with pytest.raises(RefusedActionError, match="is a dispute item"):
        confirm_line(ledger.session, item_id=question, **kwargs)


def test_a_line_named_without_an_amount_takes_the_invoices_balance(ledger):
    # Given "in settlement of 70001" with no amount of its own (recorded as 0.00)
    acme = ledger.customer("C701")
    invoice = ledger.invoice(acme, "INV-70001", balance="480.10")
    item_id = review_line(ledger, ref="70001", amount="0.00")
    line = ledger.session.scalars(select(RemittanceLine)).one()
    line.stated_amount = None
    ledger.session.flush()
    # When it is confirmed without an amount, the whole balance is applied
    done = confirm_line(
        ledger.session,
        item_id=item_id,
        allocations=[("INV-70001", None)],
        actor="alice",
        remember=False,
        now=LATER,
    )
    assert [a.amount for a in done.applied] == [Decimal("480.10")]
    assert done.left_unapplied is None
    assert balance(ledger.session, invoice) == (Decimal("0.00"), "paid")


def test_confirming_takes_the_lines_unapplied_cash_and_keeps_the_rest_on_the_customer(ledger):
    # Given a line of 1,000.00 in review, recorded as unapplied cash of nobody known
    acme = ledger.customer("C701")
    ledger.invoice(acme, "INV-1", balance="100.00")
    item_id = review_line(ledger, ref="1", amount="1000.00")
    line_id = ledger.session.get(ReviewItem, item_id).remittance_line_id
    record_unapplied_cash(
        ledger.session,
        key=f"line:{line_id}",
        amount=Decimal("1000.00"),
        currency="USD",
        reason="no invoice found",
        now=NOW,
        remittance_line_id=line_id,
    )
    # When the clerk applies 100.00 of it to Acme's INV-1
    confirm_line(
        ledger.session,
        item_id=item_id,
        allocations=[("INV-1", None)],
        actor="alice",
        remember=False,
        now=LATER,
    )
    # Then 900.00 stays unapplied, now Acme's
    (cash,) = ledger.session.scalars(select(UnappliedCash))
    ledger.session.refresh(cash)
    assert (cash.amount, cash.received, cash.status, cash.customer_id) == (
        Decimal("900.00"),
        Decimal("1000.00"),
        "open",
        acme,
    )

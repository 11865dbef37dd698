"""Decisions that post no cash: unapplied, not a remittance, reassign, note."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from core.errors import RefusedActionError
from ledger.models import InboundMessage, RemittanceLine, ReviewItem, UnappliedCash
from ledger.review_closing import (
    add_note,
    close_item,
    leave_unapplied,
    mark_not_remittance,
    notes,
    reassign_customer,
)
from ledger.review_decisions import pick_invoice
from ledger.rules import list_rules
from tests.unit.ledger.test_review_decisions import LATER, review_line


@pytest.fixture
def acme(ledger):
    return ledger.customer("C1042", "Acme Corp", emails=["ap@acme.example"])


def test_leave_unapplied_resolves_the_item_and_keeps_the_cash_on_the_customer(ledger, acme):
    item_id = review_line(ledger, customer_id=acme, amount="99.00")
    done = leave_unapplied(
        ledger.session, item_id=item_id, reason="no invoice yet", actor="alice", now=LATER
    )
    s = ledger.session
    held = s.scalars(select(UnappliedCash)).one()
    assert (held.amount, held.status, held.customer_id) == (Decimal("99.00"), "open", acme)
    item = s.get(ReviewItem, item_id)
    assert (item.status, item.resolved_by) == ("resolved", "alice")
    assert done.summary == "99.00 USD kept as unapplied cash: no invoice yet"
    assert s.get(InboundMessage, item.inbound_id).status == "applied"


def test_not_a_remittance_closes_the_item_posts_nothing_and_voids_the_held_cash(ledger, acme):
    item_id = review_line(ledger, customer_id=acme)
    done = mark_not_remittance(
        ledger.session, item_id=item_id, reason="a price list", actor="alice", now=LATER
    )
    s = ledger.session
    item = s.get(ReviewItem, item_id)
    assert item.status == "closed"
    held = s.scalars(select(UnappliedCash)).one()
    assert (held.status, held.amount, held.received) == (
        "void",
        Decimal("0.00"),
        Decimal("1250.00"),
    )
    assert s.get(InboundMessage, item.inbound_id).status == "ignored"
    assert "nothing posted" in done.summary


def test_not_a_remittance_is_refused_once_cash_of_the_mail_was_applied(ledger, acme):
    ledger.invoice(acme, "INV-1001", balance="5000.00")
    item_id = review_line(ledger, customer_id=acme)
    s = ledger.session
    line_id = s.get(ReviewItem, item_id).remittance_line_id
    remittance_id = s.get(RemittanceLine, line_id).remittance_id
    # a second line of the same mail, already applied by the clerk
    second = RemittanceLine(
        remittance_id=remittance_id,
        line_no=2,
        invoice_ref="INV-1001",
        amount=Decimal("10.00"),
        outcome="review",
        confidence=Decimal("0.500"),
        reason="x",
    )
    s.add(second)
    s.flush()
    other = ReviewItem(
        key=f"line:{second.id}",
        kind="ambiguous",
        status="open",
        inbound_id=s.get(ReviewItem, item_id).inbound_id,
        remittance_line_id=second.id,
        customer_id=acme,
        reason="x",
        candidates=[],
        created_at=LATER,
    )
    s.add(other)
    s.flush()
    pick_invoice(s, item_id=other.id, invoice_number="INV-1001", actor="alice", now=LATER)
    with pytest.raises(RefusedActionError, match="un-apply it first"):
        mark_not_remittance(s, item_id=item_id, reason="", actor="alice", now=LATER)
    assert s.get(ReviewItem, item_id).status == "open"


def test_reassign_moves_the_mail_items_and_held_cash_and_remembers_the_payer(ledger, acme):
    beta = ledger.customer("C2000", "Beta LLC")
    item_id = review_line(ledger, customer_id=acme, payer="BETA HOLDINGS")
    s = ledger.session
    done = reassign_customer(
        s, item_id=item_id, customer_number="C2000", actor="alice", now=LATER, remember=True
    )
    item = s.get(ReviewItem, item_id)
    assert (item.status, item.customer_id) == ("open", beta)
    assert s.get(InboundMessage, item.inbound_id).customer_id == beta
    assert s.scalars(select(UnappliedCash)).one().customer_id == beta
    assert done.rules == ("payer 'beta holdings' is customer C2000",)
    assert [r.kind for r in list_rules(s)] == ["payer_name"]


def test_reassign_to_an_unknown_customer_is_refused(ledger, acme):
    item_id = review_line(ledger, customer_id=acme)
    with pytest.raises(RefusedActionError, match="no customer 'C9'"):
        reassign_customer(
            ledger.session, item_id=item_id, customer_number="C9", actor="a", now=LATER
        )


def test_a_note_keeps_the_item_open_and_a_double_submit_adds_it_once(ledger, acme):
    item_id = review_line(ledger, customer_id=acme)
    s = ledger.session
    add_note(s, item_id=item_id, text="called Ann", actor="alice", now=LATER, submission="n1")
    again = add_note(
        s, item_id=item_id, text="called Ann", actor="alice", now=LATER, submission="n1"
    )
    assert again.duplicate
    assert [(who, what) for _, who, what in notes(s, item_id)] == [("alice", "note: called Ann")]
    assert s.get(ReviewItem, item_id).status == "open"
    with pytest.raises(RefusedActionError, match="note is required"):
        add_note(s, item_id=item_id, text="  ", actor="alice", now=LATER)


def test_closing_a_deduction_item_resolves_it_with_the_reason_and_posts_nothing(ledger, acme):
    s = ledger.session
    inbound_id = ledger.inbound("<d@acme.example>")
    item_id = ledger.review_item(
        "deduction:1", kind="deduction", inbound_id=inbound_id, customer_id=acme
    )
    done = close_item(s, item_id=item_id, reason="credit note agreed", actor="alice", now=LATER)
    assert done.summary == "resolved, nothing posted: credit note agreed"
    assert (s.get(ReviewItem, item_id).status, s.get(ReviewItem, item_id).resolved_by) == (
        "resolved",
        "alice",
    )


def test_a_line_item_is_not_closed_without_deciding_its_cash(ledger, acme):
    item_id = review_line(ledger, customer_id=acme)
    with pytest.raises(RefusedActionError, match="decide its cash"):
        close_item(ledger.session, item_id=item_id, reason="x", actor="alice", now=LATER)

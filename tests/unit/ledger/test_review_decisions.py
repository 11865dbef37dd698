"""A reviewer's decisions on an item: each posts through the ledger's code in one transaction,
writes an audit event with the user, refuses what does not hold with nothing changed, and
changes nothing when the same form is submitted twice."""

from __future__ import annotations

import threading
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
from ledger.review_bulk import bulk_accept, bulk_candidates
from ledger.review_decisions import (
    accept_proposal,
    pick_invoice,
    record_deduction,
    split_line,
)
from ledger.rules import list_rules
from ledger.unapplied_cash import record_unapplied_cash
from tests.unit.ledger.conftest import NOW

LATER = NOW + timedelta(hours=1)


def review_line(
    ledger,
    *,
    ref="INV-1001",
    amount="1250.00",
    customer_id=None,
    candidates=(),
    proposed=None,
    sender="ap@acme.example",
    payer=None,
    kind="ambiguous",
    hold_unapplied=True,
):
    """A mail with one line in review (the cash held as unapplied); its review item's id."""
    s = ledger.session
    inbound_id = ledger.inbound(f"<{ref}-{amount}-{len(candidates)}-{kind}@x.example>")
    inbound = s.get(InboundMessage, inbound_id)
    inbound.from_address = sender
    inbound.status = "review"
    inbound.customer_id = customer_id
    remittance = Remittance(
        inbound_id=inbound_id,
        customer_id=customer_id,
        source="body",
        currency="USD",
        stated_total=None,
        lines_total=Decimal(amount),
        payer_name=payer,
        created_at=NOW,
    )
    s.add(remittance)
    s.flush()
    line = RemittanceLine(
        remittance_id=remittance.id,
        line_no=1,
        invoice_ref=ref,
        amount=Decimal(amount),
        stated_amount=Decimal(amount),
        outcome="review",
        confidence=Decimal("0.500"),
        reason="two candidates are close",
        invoice_id=proposed,
        evidence={"signals": [], "candidates": list(candidates), "runner_up": None},
    )
    s.add(line)
    s.flush()
    item = ReviewItem(
        key=f"line:{line.id}",
        kind=kind,
        status="open",
        inbound_id=inbound_id,
        remittance_line_id=line.id,
        customer_id=customer_id,
        reason="two candidates are close",
        candidates=list(candidates),
        created_at=NOW,
    )
    s.add(item)
    s.flush()
    if hold_unapplied:
        record_unapplied_cash(
            s,
            key=f"line:{line.id}",
            amount=Decimal(amount),
            currency="USD",
            reason="in review",
            now=NOW,
            customer_id=customer_id,
            inbound_id=inbound_id,
            remittance_line_id=line.id,
        )
    return item.id


def balance(session, invoice_id):
    inv = session.get(Invoice, invoice_id)
    session.refresh(inv)
    return inv.balance


def decisions(session, item_id):
    return session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "review_decision", AuditEvent.entity_id == item_id
        )
    ).all()


@pytest.fixture
def acme(ledger):
    return ledger.customer("C1042", "Acme Corp", emails=["ap@acme.example"])


def test_accept_applies_the_top_candidate_resolves_and_audits_with_the_user(ledger, acme):
    # Given an item whose candidates are INV-1001 (0.9) and INV-1002 (0.6)
    a = ledger.invoice(acme, "INV-1001")
    b = ledger.invoice(acme, "INV-1002")
    item_id = review_line(
        ledger,
        customer_id=acme,
        candidates=[
            {"invoice_number": "INV-1002", "score": "0.600"},
            {"invoice_number": "INV-1001", "score": "0.900"},
        ],
    )
    # When alice accepts the proposal
    done = accept_proposal(ledger.session, item_id=item_id, actor="alice", now=LATER)
    # Then the best-scored invoice is paid, the other untouched, and the decision audited
    s = ledger.session
    assert (balance(s, a), balance(s, b)) == (Decimal("0.00"), Decimal("1250.00"))
    assert done.summary == "applied 1250.00 to INV-1001 USD"
    assert s.get(ReviewItem, item_id).status == "resolved"
    (event,) = decisions(s, item_id)
    assert (event.actor, event.detail["decision"]) == ("alice", "accept")
    held = s.scalars(select(UnappliedCash)).one()
    assert (held.amount, held.status) == (Decimal("0.00"), "applied")


def test_accept_without_a_proposal_is_refused(ledger, acme):
    item_id = review_line(ledger, customer_id=acme)
    with pytest.raises(RefusedActionError, match="no proposal"):
        accept_proposal(ledger.session, item_id=item_id, actor="alice", now=LATER)


def test_the_same_submission_twice_applies_once_and_reports_the_first_result(ledger, acme):
    inv = ledger.invoice(acme, "INV-1001")
    item_id = review_line(ledger, customer_id=acme, proposed=inv)
    s = ledger.session
    first = accept_proposal(s, item_id=item_id, actor="alice", now=LATER, submission="tok-1")
    # When the same form arrives again (a double click, a retried POST)
    second = accept_proposal(s, item_id=item_id, actor="alice", now=LATER, submission="tok-1")
    # Then nothing more is posted and the first result is reported as a duplicate
    assert second.duplicate and second.summary == first.summary
    assert len(s.scalars(select(Application)).all()) == 1
    # A different form on the resolved item is refused
    with pytest.raises(RefusedActionError, match="already resolved by alice"):
        accept_proposal(s, item_id=item_id, actor="bob", now=LATER, submission="tok-2")


def test_pick_another_invoice_of_another_customer_is_refused_with_nothing_changed(ledger, acme):
    other = ledger.customer("C2000", "Beta LLC")
    foreign = ledger.invoice(other, "INV-2001")
    item_id = review_line(ledger, customer_id=acme)
    s = ledger.session
    with pytest.raises(RefusedActionError, match="C2000"):
        pick_invoice(s, item_id=item_id, invoice_number="INV-2001", actor="alice", now=LATER)
    assert balance(s, foreign) == Decimal("1250.00")
    assert s.get(ReviewItem, item_id).status == "open"
    assert decisions(s, item_id) == []


def test_pick_refuses_an_invoice_in_another_currency(ledger, acme):
    ledger.invoice(acme, "INV-1009", currency="EUR")
    item_id = review_line(ledger, customer_id=acme)
    with pytest.raises(RefusedActionError, match="EUR"):
        pick_invoice(
            ledger.session, item_id=item_id, invoice_number="INV-1009", actor="a", now=LATER
        )


def test_pick_with_remember_creates_the_payer_rule_it_showed(ledger, acme):
    # Given an unknown sender whose payer name "ACME HOLDINGS" names no customer
    inv = ledger.invoice(acme, "INV-1001")
    item_id = review_line(ledger, sender="pay@bank.example", payer="ACME HOLDINGS")
    done = pick_invoice(
        ledger.session,
        item_id=item_id,
        invoice_number="INV-1001",
        actor="alice",
        now=LATER,
        remember=True,
    )
    assert balance(ledger.session, inv) == Decimal("0.00")
    assert "payer 'acme holdings' is customer C1042" in done.rules
    assert {r.kind for r in list_rules(ledger.session)} == {"sender", "payer_name"}


def test_split_over_two_invoices_applies_both_in_one_decision(ledger, acme):
    a = ledger.invoice(acme, "INV-1001", balance="1000.00")
    b = ledger.invoice(acme, "INV-1002", balance="400.00")
    item_id = review_line(ledger, customer_id=acme, amount="1250.00")
    done = split_line(
        ledger.session,
        item_id=item_id,
        parts=[("INV-1001", Decimal("1000.00")), ("INV-1002", Decimal("250.00"))],
        actor="alice",
        now=LATER,
    )
    s = ledger.session
    assert (balance(s, a), balance(s, b)) == (Decimal("0.00"), Decimal("150.00"))
    assert done.summary == "applied 1000.00 to INV-1001, 250.00 to INV-1002 USD"


@pytest.mark.parametrize(
    ("amounts", "why"),
    [
        (("1000.00", "200.00"), "short by 50.00"),
        (("1000.00", "300.00"), "over by 50.00"),
    ],
)
def test_split_that_does_not_add_up_to_the_line_is_refused(ledger, acme, amounts, why):
    ledger.invoice(acme, "INV-1001", balance="1000.00")
    ledger.invoice(acme, "INV-1002", balance="400.00")
    item_id = review_line(ledger, customer_id=acme)
    parts = [("INV-1001", Decimal(amounts[0])), ("INV-1002", Decimal(amounts[1]))]
    with pytest.raises(RefusedActionError, match=why):
        split_line(ledger.session, item_id=item_id, parts=parts, actor="a", now=LATER)
    assert ledger.session.scalars(select(Application)).all() == []


def test_split_part_above_an_invoice_balance_is_refused_and_nothing_is_posted(ledger, acme):
    a = ledger.invoice(acme, "INV-1001", balance="1000.00")
    ledger.invoice(acme, "INV-1002", balance="100.00")
    item_id = review_line(ledger, customer_id=acme)
    parts = [("INV-1001", Decimal("1000.00")), ("INV-1002", Decimal("250.00"))]
    with pytest.raises(RefusedActionError, match=r"more than the open balance 100\.00"):
        split_line(ledger.session, item_id=item_id, parts=parts, actor="a", now=LATER)
    assert balance(ledger.session, a) == Decimal("1000.00")


def test_deduction_applies_the_payment_and_leaves_the_rest_open_as_a_deduction_item(ledger, acme):
    inv = ledger.invoice(acme, "INV-1001", balance="1250.00")
    item_id = review_line(ledger, customer_id=acme, amount="1200.00")
    done = record_deduction(
        ledger.session,
        item_id=item_id,
        invoice_number="INV-1001",
        reason="damaged goods",
        actor="alice",
        now=LATER,
    )
    s = ledger.session
    assert balance(s, inv) == Decimal("50.00")
    assert s.get(Invoice, inv).status == "open"
    app = s.scalars(select(Application)).one()
    assert (app.amount, app.deduction) == (Decimal("1200.00"), Decimal("50.00"))
    follow = s.scalars(select(ReviewItem).where(ReviewItem.kind == "deduction")).one()
    assert follow.status == "open" and "damaged goods" in follow.reason
    assert "50.00 stays open as a deduction" in done.summary


def test_deduction_needs_a_reason_and_a_payment_below_the_balance(ledger, acme):
    ledger.invoice(acme, "INV-1001", balance="1250.00")
    item_id = review_line(ledger, customer_id=acme, amount="1250.00")
    s = ledger.session
    with pytest.raises(RefusedActionError, match="reason"):
        record_deduction(
            s, item_id=item_id, invoice_number="INV-1001", reason=" ", actor="a", now=LATER
        )
    with pytest.raises(RefusedActionError, match="nothing deducted"):
        record_deduction(
            s, item_id=item_id, invoice_number="INV-1001", reason="x", actor="a", now=LATER
        )


def test_bulk_accept_takes_only_items_at_or_above_the_threshold(sessions, acme, ledger):
    # Given three items: top scores 0.95, 0.80 and 0.95 (the last one's invoice is paid)
    ledger.invoice(acme, "INV-1001")
    ledger.invoice(acme, "INV-1002")
    ledger.invoice(acme, "INV-1003", status="paid", balance="0.00")
    high = review_line(
        ledger, customer_id=acme, candidates=[{"invoice_number": "INV-1001", "score": "0.950"}]
    )
    low = review_line(
        ledger,
        ref="X2",
        customer_id=acme,
        candidates=[{"invoice_number": "INV-1002", "score": "0.800"}],
    )
    stale = review_line(
        ledger,
        ref="X3",
        customer_id=acme,
        candidates=[{"invoice_number": "INV-1003", "score": "0.950"}],
    )
    ledger.session.commit()
    with sessions() as s:
        ids = bulk_candidates(s, min_confidence=Decimal("0.9"))
    assert ids == [high, stale]
    # When a clerk bulk-accepts them (and the low one is slipped in)
    result = bulk_accept(
        sessions, item_ids=[*ids, low], min_confidence=Decimal("0.9"), actor="alice", now=LATER
    )
    # Then only the high one is applied; the others are left with the reason
    assert [d.item_id for d in result.accepted] == [high]
    refused = dict(result.refused)
    assert "no proposal" in refused[stale]
    assert "below 0.9" in refused[low]
    with sessions() as s:
        assert s.get(ReviewItem, low).status == "open"
        assert s.get(ReviewItem, stale).status == "open"


def test_two_clerks_accepting_at_once_apply_the_line_once(sessions, acme, ledger):
    inv = ledger.invoice(acme, "INV-1001")
    item_id = review_line(ledger, customer_id=acme, proposed=inv)
    ledger.session.commit()
    results: list[str] = []
    barrier = threading.Barrier(2)

    def clerk(name: str) -> None:
        barrier.wait()
        try:
            with sessions.begin() as s:
                accept_proposal(s, item_id=item_id, actor=name, now=LATER, submission=name)
            results.append("done")
        except RefusedActionError as e:
            results.append(str(e))

    threads = [threading.Thread(target=clerk, args=(n,)) for n in ("alice", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results)[0] == "done"
    assert "already resolved" in sorted(results)[1]
    with sessions() as s:
        assert len(s.scalars(select(Application)).all()) == 1
        assert balance(s, inv) == Decimal("0.00")


def test_the_proposal_skips_an_invoice_paid_meanwhile_for_the_best_open_candidate(ledger, acme):
    # Given the worker chose INV-1001, since paid, and INV-1002 was the other candidate
    paid = ledger.invoice(acme, "INV-1001", status="paid", balance="0.00")
    other = ledger.invoice(acme, "INV-1002")
    item_id = review_line(
        ledger,
        customer_id=acme,
        proposed=paid,
        candidates=[
            {"invoice_number": "INV-1001", "score": "0.900"},
            {"invoice_number": "INV-1002", "score": "0.700"},
        ],
    )
    # When the clerk accepts, the open candidate is what is applied
    accept_proposal(ledger.session, item_id=item_id, actor="alice", now=LATER)
    assert balance(ledger.session, other) == Decimal("0.00")

"""Match rules: created, listed and deleted with audit events; which customer they name; hits;
reference prefixes turned into alternative references."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.errors import RefusedActionError
from core.types import Remittance, RemittanceLine
from ledger.models import AuditEvent
from ledger.rules import (
    count_hit,
    create_rule,
    customer_by_rule,
    delete_rule,
    list_rules,
    ref_prefixes,
    rule_pattern,
    with_ref_prefixes,
)
from tests.unit.ledger.conftest import NOW


def audits(session, action):
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_created_rule_is_listed_with_who_when_and_no_hits_and_audited(ledger):
    acme = ledger.customer("C1042", "Acme Holdings Inc")
    # When a clerk creates a payer-name rule from a review item
    item = ledger.review_item("line:1")
    rule, created = create_rule(
        ledger.session,
        kind="payer_name",
        pattern="ACME HOLDINGS, Inc.",
        customer_id=acme,
        actor="alice",
        now=NOW,
        source_review_item_id=item,
    )
    # Then it is stored normalised, listed with its author and zero hits, and audited
    assert created
    assert rule.pattern == "acme holdings"
    assert rule.describe() == "payer 'acme holdings' is customer C1042"
    (listed,) = list_rules(ledger.session)
    assert listed == rule
    assert (listed.created_by, listed.created_at, listed.hits, listed.last_hit_at) == (
        "alice",
        NOW,
        0,
        None,
    )
    assert listed.source_review_item_id == item
    (event,) = audits(ledger.session, "create_rule")
    assert (event.actor, event.entity, event.entity_id) == ("alice", "match_rule", rule.id)


def test_creating_the_same_rule_twice_returns_the_first_and_audits_once(ledger):
    acme = ledger.customer("C1")
    first, _ = create_rule(
        ledger.session,
        kind="sender",
        pattern="AP@Payer.example",
        customer_id=acme,
        actor="alice",
        now=NOW,
    )
    again, created = create_rule(
        ledger.session,
        kind="sender",
        pattern="ap@payer.example ",
        customer_id=acme,
        actor="bob",
        now=NOW,
    )
    assert not created and again == first
    assert len(list_rules(ledger.session)) == 1
    assert len(audits(ledger.session, "create_rule")) == 1


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("payer_name", "GmbH & Co. KG"),
        ("sender", "not an address"),
        ("sender", "@gmail.com"),
        ("ref_prefix", "SO-"),
        ("alias", "x"),
    ],
)
def test_a_rule_that_would_match_nothing_or_everyone_is_refused(kind, text):
    with pytest.raises(RefusedActionError):
        rule_pattern(kind, text)


def test_an_address_rule_beats_a_domain_rule_which_beats_a_payer_rule(ledger):
    # Given three customers, one named by each kind of rule
    by_address = ledger.customer("C1", "One")
    by_domain = ledger.customer("C2", "Two")
    by_payer = ledger.customer("C3", "Three")
    s = ledger.session
    create_rule(
        s,
        kind="sender",
        pattern="ap@bank.example",
        customer_id=by_address,
        actor="a",
        now=NOW,
    )
    create_rule(
        s, kind="sender", pattern="@bank.example", customer_id=by_domain, actor="a", now=NOW
    )
    create_rule(s, kind="payer_name", pattern="Three Ltd", customer_id=by_payer, actor="a", now=NOW)
    # Then the most specific matching rule decides
    hit = customer_by_rule(s, sender="AP@bank.example", payer_name="THREE LIMITED")
    assert hit is not None and hit[0] == by_address
    hit = customer_by_rule(s, sender="other@bank.example", payer_name="Three Ltd")
    assert hit is not None and hit[0] == by_domain
    hit = customer_by_rule(s, sender="x@elsewhere.example", payer_name="Three, Ltd.")
    assert hit is not None and hit[0] == by_payer
    assert hit[1].kind == "payer_name"
    assert customer_by_rule(s, sender="x@elsewhere.example", payer_name="Four") is None
    assert customer_by_rule(s, sender=None, payer_name=None) is None


def test_rules_of_one_kind_naming_two_customers_identify_no_one(ledger):
    one = ledger.customer("C1", "One")
    two = ledger.customer("C2", "Two")
    s = ledger.session
    for customer in (one, two):
        create_rule(
            s, kind="sender", pattern="ap@bank.example", customer_id=customer, actor="a", now=NOW
        )
    create_rule(s, kind="payer_name", pattern="One", customer_id=one, actor="a", now=NOW)
    # A weaker rule does not settle what the stronger ones disagree about
    assert customer_by_rule(s, sender="ap@bank.example", payer_name="One") is None


def test_a_hit_counts_and_records_when(ledger):
    acme = ledger.customer("C1")
    rule, _ = create_rule(
        ledger.session, kind="sender", pattern="@acme.example", customer_id=acme, actor="a", now=NOW
    )
    later = NOW + timedelta(days=2)
    count_hit(ledger.session, rule.id, now=NOW)
    count_hit(ledger.session, rule.id, now=later)
    (listed,) = list_rules(ledger.session)
    assert (listed.hits, listed.last_hit_at) == (2, later)


def test_deleting_a_rule_removes_it_and_audits_what_it_said(ledger):
    acme = ledger.customer("C1")
    rule, _ = create_rule(
        ledger.session, kind="sender", pattern="@acme.example", customer_id=acme, actor="a", now=NOW
    )
    count_hit(ledger.session, rule.id, now=NOW)
    deleted = delete_rule(ledger.session, rule_id=rule.id, actor="bob", now=NOW)
    assert deleted.hits == 1
    assert list_rules(ledger.session) == []
    assert customer_by_rule(ledger.session, sender="x@acme.example", payer_name=None) is None
    (event,) = audits(ledger.session, "delete_rule")
    assert event.actor == "bob"
    assert event.detail["pattern"] == "@acme.example"
    assert event.detail["hits"] == 1


def test_deleting_an_unknown_rule_is_refused(ledger):
    with pytest.raises(RefusedActionError, match="rule 99 does not exist"):
        delete_rule(ledger.session, rule_id=99, actor="bob", now=NOW)


def test_ref_prefixes_are_the_customers_own(ledger):
    acme = ledger.customer("C1")
    other = ledger.customer("C2", "Other")
    s = ledger.session
    create_rule(s, kind="ref_prefix", pattern="SO", customer_id=acme, actor="a", now=NOW)
    create_rule(s, kind="ref_prefix", pattern="2026", customer_id=acme, actor="a", now=NOW)
    create_rule(s, kind="ref_prefix", pattern="X", customer_id=other, actor="a", now=NOW)
    assert ref_prefixes(s, acme) == ["so", "2026"]
    assert ref_prefixes(s, other) == ["x"]


def remittance(*refs):
    return Remittance(
        lines=tuple(RemittanceLine(invoice_ref=ref, amount=Decimal("10.00")) for ref in refs),
        stated_total=None,
        payment_ref=None,
        currency="USD",
        source="body",
    )


def test_a_prefix_rule_gives_a_bare_number_the_customers_invoice_as_alternative(ledger):
    # Given our invoice SO-70001 of Acme, Acme's rule "so", and another customer's SO-70002
    acme = ledger.customer("C1")
    other = ledger.customer("C2", "Other")
    ledger.invoice(acme, "SO-70001")
    ledger.invoice(other, "SO-70002")
    ledger.invoice(acme, "70003")
    rule, _ = create_rule(
        ledger.session, kind="ref_prefix", pattern="so", customer_id=acme, actor="a", now=NOW
    )
    # When a remittance of Acme writes 70001, 70002, 70003 and 70004
    changed, keys = with_ref_prefixes(
        ledger.session, remittance("70001", "70002", "70003", "70004"), customer_id=acme, now=NOW
    )
    # Then only the line naming no invoice whose prefixed form is Acme's invoice gains it
    assert [line.alt_refs for line in changed.lines] == [("so70001",), (), (), ()]
    assert keys == {"so70001"}
    (listed,) = list_rules(ledger.session)
    assert (listed.id, listed.hits, listed.last_hit_at) == (rule.id, 1, NOW)


def test_without_a_customer_or_prefix_rules_the_remittance_is_unchanged(ledger):
    acme = ledger.customer("C1")
    ledger.invoice(acme, "SO-70001")
    original = remittance("70001")
    assert with_ref_prefixes(ledger.session, original, customer_id=acme, now=NOW) == (
        original,
        set(),
    )
    create_rule(
        ledger.session, kind="ref_prefix", pattern="so", customer_id=acme, actor="a", now=NOW
    )
    assert with_ref_prefixes(ledger.session, original, customer_id=None, now=NOW) == (
        original,
        set(),
    )

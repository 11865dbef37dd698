"""Whose remittance a mail is, and what to do with each of its lines.

Identification: the sender's customer when the sender is a registered contact; else a rule
a person taught (ledger.rules: an address, a domain, a payer name; several customers for one
payer make a group, a parent paying for its subsidiaries); else what the content says (the
invoices named, the sender's domain, the payer name: matching.customer). The decision reads
the invoices under the locks the pipeline took, and never applies cash to an invoice a person
un-applied before without a person.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date

import structlog
from sqlalchemy.orm import Session

from core.types import OpenInvoice, Outcome, Remittance
from ledger import models as m
from ledger.directory import customer_directory
from ledger.matching_reads import (
    invoices_by_ref_keys,
    open_invoices_for_customer,
    unapplied_before,
)
from ledger.queries import contact_customer_ids
from ledger.remittance_lines import earlier_counted_claims, earlier_waiting_claims
from ledger.rules import Rule, count_hit, rules_for
from matching.currency import remittance_currency
from matching.customer import Identified, identify_customer
from matching.decide import RemittanceDecision, decide_remittance, resolve_key
from matching.group import decide_for_group
from matching.policy import MatchPolicy
from worker import metrics
from worker.inbound.held_lines import held_back, told_again_while_waiting
from worker.inbound.sender_check import SenderIdentity
from worker.services import Services

log = structlog.get_logger(__name__)


@metrics.timed(metrics.DECIDE_SECONDS)
def decide(
    session: Session,
    row: m.InboundMessage,
    remittance: Remittance,
    keys: set[str],
    identified: Identified,
    *,
    svc: Services,
) -> RemittanceDecision:
    """The decision for every line, with the invoices read under the locks just taken (its
    wall time observed in ``arbox_decide_seconds``)."""
    by_key = invoices_by_ref_keys(session, keys)
    customers = (
        sorted(identified.group)
        if identified.group
        else [row.customer_id]
        if row.customer_id
        else []
    )
    open_by_customer = {c: open_invoices_for_customer(session, c) for c in customers}
    paid_on = remittance.payment_date or row.received_at.date()
    currency = remittance_currency(
        remittance.currency,
        named=(
            inv
            for line in remittance.lines
            if (key := resolve_key(line, by_key))
            for inv in by_key.get(key, ())
        ),
        customer_ids=customers,
        customer_open=(inv for c in customers for inv in open_by_customer[c]),
        default=svc.settings.default_currency,
    )
    remittance = dataclasses.replace(remittance, currency=currency.code)

    def decide_with(reversed_ids: set[int]) -> RemittanceDecision:
        return _decide_lines(
            remittance,
            row=row,
            identified=identified,
            by_key=by_key,
            open_by_customer=open_by_customer,
            paid_on=paid_on,
            reversed_ids=reversed_ids,
            policy=svc.policy,
        )

    decision = decide_with(set())
    # Only the invoices cash would go to can be held for having been un-applied before:
    # ask about those few, and decide again with them when there are any.
    posting = {part.invoice.invoice_id for d in decision.lines for part in d.postings()}
    reversed_ids = unapplied_before(session, posting)
    decision = decide_with(reversed_ids) if reversed_ids else decision
    decision = _claimed_before(session, row, remittance, decision)
    decision = told_again_while_waiting(session, row, remittance, decision)
    decision = _counted_before(session, row, remittance, decision)
    return dataclasses.replace(decision, currency=currency.code)


def _decide_lines(
    remittance: Remittance,
    *,
    row: m.InboundMessage,
    identified: Identified,
    by_key: dict[str, list[OpenInvoice]],
    open_by_customer: Mapping[int, Sequence[OpenInvoice]],
    paid_on: date,
    reversed_ids: set[int],
    policy: MatchPolicy,
) -> RemittanceDecision:
    """The matching's decision: for the group of customers a payer pays for, else for the
    customer identified (or none)."""
    if identified.group:
        return decide_for_group(
            remittance,
            group=identified.group,
            invoices_by_key=by_key,
            open_by_customer=open_by_customer,
            policy=policy,
            reason=identified.reason,
            paid_on=paid_on,
            reversed_invoice_ids=reversed_ids,
        )
    return decide_remittance(
        remittance,
        customer_id=row.customer_id,
        customer_reason=identified.reason,
        paid_on=paid_on,
        invoices_by_key=by_key,
        customer_open=open_by_customer.get(row.customer_id, []) if row.customer_id else [],
        policy=policy,
        reversed_invoice_ids=reversed_ids,
    )


def _claimed_before(
    session: Session, row: m.InboundMessage, remittance: Remittance, decision: RemittanceDecision
) -> RemittanceDecision:
    """``decision`` with every automatic line that an earlier mail already claimed sent to a
    person: the same invoice, the same amount as written, on a line of another mail that
    still waits for a person. A re-sent advice ("resending the advice below") is the same
    payment told twice, and its first telling has not been settled yet. A stranger's claim
    waiting only for its bank credit (``unverified_payment``) does not hold a registered
    contact's line back: the contact's word is what it waited for, and the stranger's line
    can then post nothing more (the invoice's balance is guarded)."""
    wanted = {
        (d.invoice.invoice_id, stated.amount): d
        for d, stated in zip(decision.lines, remittance.lines, strict=True)
        if d.outcome is Outcome.AUTO and d.invoice is not None and stated.amount is not None
    }
    if not wanted:
        return decision
    told = earlier_waiting_claims(
        session, {invoice_id for invoice_id, _ in wanted}, inbound_id=row.id
    )
    lines = []
    for d, stated in zip(decision.lines, remittance.lines, strict=True):
        first = told.get((d.invoice.invoice_id, stated.amount)) if d.invoice else None
        if d.outcome is Outcome.AUTO and first is not None:
            assert d.invoice is not None
            d = held_back(
                d,
                f"mail {first} claimed {stated.amount} for {d.invoice.number} before, "
                f"and waits for a person: a re-send of it? would apply: {d.reason}",
            )
        lines.append(d)
    return dataclasses.replace(decision, lines=tuple(lines))


def _counted_before(
    session: Session, row: m.InboundMessage, remittance: Remittance, decision: RemittanceDecision
) -> RemittanceDecision:
    """``decision`` with every line that goes to a person and claims an invoice and amount an
    earlier mail claimed, whose cash is counted already (applied, or recorded as unapplied
    cash), marked so: a re-sent advice is the same money told twice, and recording its cash
    again would lower the customer's balance twice (statements, dunning). The person sees
    which mail counted it; a real second payment is theirs to record."""
    asked = {
        (d.invoice.invoice_id, stated.amount)
        for d, stated in zip(decision.lines, remittance.lines, strict=True)
        if d.outcome is not Outcome.AUTO and d.invoice is not None and stated.amount
    }
    if not asked:
        return decision
    counted = earlier_counted_claims(
        session, {invoice_id for invoice_id, _ in asked}, inbound_id=row.id
    )
    lines = []
    for d, stated in zip(decision.lines, remittance.lines, strict=True):
        first = counted.get((d.invoice.invoice_id, stated.amount)) if d.invoice else None
        if d.outcome is not Outcome.AUTO and first is not None:
            d = dataclasses.replace(
                d,
                cash_counted_in=first,
                reason=f"{d.reason}; mail {first} claimed the same before and its cash is "
                "counted: none recorded again",
            )
        lines.append(d)
    return dataclasses.replace(decision, lines=tuple(lines))


def _shared_contact(
    session: Session, remittance: Remittance, keys: set[str], customers: frozenset[int]
) -> Identified:
    """A sender registered as a contact of each of ``customers``: the customer whose invoices
    the lines name (every line decided for its own, when they name several of them); nobody
    when they name none of them, or another customer's."""
    by_key = invoices_by_ref_keys(session, keys)
    named = set()
    for line in remittance.lines:
        found = by_key.get(resolve_key(line, by_key), [])
        ours = {inv.customer_id for inv in found} & customers
        named |= ours if len(ours) == 1 else set()
    count = f"sender is a registered contact of {len(customers)} customers"
    if len(named) == 1:
        return Identified(next(iter(named)), "contact", f"{count}; the invoices named are one's")
    if named:
        return Identified(None, "group", f"{count}; the lines pay several", group=customers)
    return Identified(None, None, f"{count}; the invoices named do not say which")


def identify(
    session: Session,
    row: m.InboundMessage,
    sender_identity: SenderIdentity,
    remittance: Remittance,
    keys: set[str],
    *,
    svc: Services,
) -> Identified:
    """Whose remittance this is: the sender's customer when the sender is a contact, else
    what the invoices referenced, the sender's domain and the payer name say together. The
    answer picks the invoices matching may use; replies still go to contacts only."""
    check = sender_identity.check
    if row.customer_id is not None and check.verified:
        return Identified(row.customer_id, "contact", "sender is a registered contact")
    # An address that may not stand for its sender (ARBOX_REQUIRE_DMARC_PASS,
    # worker.inbound.sender_check) identifies nobody: not as a contact, not through a rule taught
    # on it, not by its domain.
    sender = sender_identity.address
    if row.customer_id is not None:
        log.info("contact_not_verified", inbound_id=row.id, why=check.reason)
        row.customer_id = None
    shared = contact_customer_ids(session, sender)
    if len(shared) > 1:  # one AP team registered with several customers: the invoices say
        return _shared_contact(session, remittance, keys, frozenset(shared))
    rules = rules_for(session, sender=sender, payer_name=remittance.payer_name)
    if rules:  # a person taught this (ledger.rules); it beats the rest of the content
        return _identify_by_rules(session, row, remittance, keys, rules, svc=svc)
    return _identify_by_content(session, row, sender, remittance, keys, svc=svc)


def _identify_by_rules(
    session: Session,
    row: m.InboundMessage,
    remittance: Remittance,
    keys: set[str],
    rules: Sequence[Rule],
    *,
    svc: Services,
) -> Identified:
    """Whose remittance this is by the rules a person taught for its sender or payer: one
    customer, a group a parent pays for, or nobody when the invoices named disagree."""
    by_key = invoices_by_ref_keys(session, keys)
    found = [by_key.get(resolve_key(line, by_key), []) for line in remittance.lines]
    named = {f[0].customer_id for f in found if len(f) == 1}
    customers = {rule.customer_id for rule in rules}
    if len(customers) == 1:
        (rule,) = rules[:1]
        if named - customers:
            # A shared sender (a bank, an AP platform) paying for someone else: a person looks.
            return Identified(
                None,
                None,
                f"rule {rule.id} ({rule.describe()}) disagrees with the invoices named",
            )
        count_hit(session, rule.id, now=svc.clock())
        log.info("customer_identified", inbound_id=row.id, customer_id=rule.customer_id)
        return Identified(
            rule.customer_id, "rule", f"sender unknown; rule {rule.id}: {rule.describe()}"
        )
    ids = ", ".join(str(rule.id) for rule in rules)
    if named and not named - customers:  # a parent paying for its subsidiaries
        for rule in rules:
            if rule.customer_id in named:
                count_hit(session, rule.id, now=svc.clock())
        log.info("customer_group_identified", inbound_id=row.id, customers=sorted(named))
        return Identified(
            None,
            "group",
            f"sender unknown; rules {ids}: the payer pays for {len(customers)} customers",
            group=frozenset(customers),
        )
    return Identified(
        None,
        None,
        f"rules {ids} name {len(customers)} customers; the invoices named do not say which",
    )


def _identify_by_content(
    session: Session,
    row: m.InboundMessage,
    sender: str | None,
    remittance: Remittance,
    keys: set[str],
    *,
    svc: Services,
) -> Identified:
    """Whose remittance this is by what it says: the invoices named, the sender's domain,
    the payer name (unless ARBOX_IDENTIFY_BY_CONTENT is off)."""
    if not svc.policy.identify_by_content:
        return Identified(None, None, "sender is not a registered contact of any customer")
    # Read before the invoices are locked (whose they are decides which to lock); the
    # decision reads them again under the lock.
    by_key = invoices_by_ref_keys(session, keys)
    domain = (sender or "").rpartition("@")[2].lower() or None
    directory = customer_directory(session) if domain or remittance.payer_name else None
    identified = identify_customer(
        contact_customer_id=None,
        sender_domain=domain,
        domain_customer_ids=directory.customers_at_domain(domain) if directory and domain else (),
        payer_name=remittance.payer_name,
        customer_names=directory.names if directory and remittance.payer_name else {},
        referenced=[by_key.get(resolve_key(line, by_key), []) for line in remittance.lines],
    )
    log.info(
        "customer_identified" if identified.customer_id else "customer_unidentified",
        inbound_id=row.id,
        customer_id=identified.customer_id,
        method=identified.method,
    )
    return identified

"""Properties of cash application decisions (issue 5, "Measured").

1. No automatic application ever exceeds a balance or crosses customers: whatever the ledger
   and the remittance, every automatic application is to an open invoice of the identified
   customer, in the remittance's currency, for a positive amount, and what all automatic lines
   settle on one invoice (cash + discount) is at most its open balance.
2. Raising a signal never makes a decision worse (see ``rank``).

Every automatic application is read through :func:`automatic_allocations`, the one place that
knows how a decision spells "apply this much to that invoice".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from core.refs import normalise_ref
from core.types import LineDecision, OpenInvoice, Outcome, Remittance, RemittanceLine
from matching.decide import MatchPolicy, RemittanceDecision
from tests.strategies import (
    CURRENCIES,
    Mail,
    amounts_in_cents,
    decide_mail,
    exact_forms,
    ledgers,
    mails,
    money,
    near_forms,
)


def automatic_allocations(
    decision: RemittanceDecision,
) -> list[tuple[OpenInvoice, Decimal, Decimal]]:
    """Every (invoice, cash, discount) the decision applies without a person, over all lines."""
    found: list[tuple[OpenInvoice, Decimal, Decimal]] = []
    for line in decision.lines:
        if line.outcome is Outcome.AUTO:
            assert line.invoice is not None, f"line {line.line_no} is automatic without an invoice"
            found.append((line.invoice, line.amount, line.discount))
    return found


PROPERTY = settings(max_examples=150, deadline=None, derandomize=True)


@st.composite
def worlds(draw: st.DrawFn) -> tuple[tuple[OpenInvoice, ...], Mail]:
    ledger = draw(ledgers())
    return ledger, draw(mails(ledger))


# --- 1. No automatic application exceeds a balance or crosses customers --------------------


@PROPERTY
@given(worlds())
def test_automatic_applications_go_only_to_open_invoices_of_the_identified_customer(world):
    # Given any ledger and any remittance from a contact or an unknown sender
    ledger, mail = world
    # When decided the way the worker decides
    decision = decide_mail(ledger, mail)
    # Then each invoice applied to automatically is an open one of the customer identified
    for invoice, _, _ in automatic_allocations(decision):
        assert decision.customer_id is not None
        assert invoice.customer_id == decision.customer_id
        if mail.contact is not None:
            assert invoice.customer_id == mail.contact
        assert invoice.status == "open" and invoice.balance > 0
        assert invoice in ledger


@PROPERTY
@given(worlds())
def test_automatic_applications_are_in_the_currency_of_the_remittance(world):
    # Given any ledger (USD and EUR invoices) and a remittance stating its currency or not
    ledger, mail = world
    # When decided
    decision = decide_mail(ledger, mail)
    # Then no stated currency is applied to an invoice in another currency
    for invoice, _, _ in automatic_allocations(decision):
        if mail.remittance.currency is not None:
            assert invoice.currency == mail.remittance.currency


@PROPERTY
@given(worlds())
def test_automatic_applications_never_settle_more_than_the_open_balance(world):
    # Given any ledger and a remittance that may pay one invoice over several lines, with
    # discounts, credits, totals right or wrong
    ledger, mail = world
    # When decided
    decision = decide_mail(ledger, mail)
    # Then per invoice, cash plus discount over all automatic lines is within the balance,
    # and each application is a positive amount with a non-negative discount
    settled: dict[int, Decimal] = {}
    balances: dict[int, Decimal] = {}
    for invoice, amount, discount in automatic_allocations(decision):
        assert amount > 0
        assert discount >= 0
        settled[invoice.invoice_id] = (
            settled.get(invoice.invoice_id, Decimal(0)) + amount + discount
        )
        balances[invoice.invoice_id] = invoice.balance
    for invoice_id, total in settled.items():
        assert total <= balances[invoice_id], (invoice_id, total, balances[invoice_id])


@PROPERTY
@given(worlds())
def test_every_confidence_is_between_zero_and_one(world):
    ledger, mail = world
    decision = decide_mail(ledger, mail)
    for line in decision.lines:
        assert Decimal(0) <= line.confidence <= Decimal(1)
        for _, score in line.candidates:
            assert Decimal(0) <= score <= Decimal(1)

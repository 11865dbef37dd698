"""The runner-up from the columns' indexes (issue 18: the decide step's CPU) names the same
invoice, with the same similarity and the same words, as the computation it replaced, which
this test keeps as the reference: per line a list of the other invoices, the Decimal balances
compared in a loop, and rapidfuzz over the pool."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from core.money import format_amount
from core.open_invoices import OpenInvoices
from core.refs import normalise_ref
from core.types import LineDecision, OpenInvoice, Outcome, RemittanceLine
from matching.evidence import runner_up
from tests.strategies import decide_mail, ledgers, mails, near_forms
from tests.unit.matching.test_fast_paths import Lazily


def reference_runner_up(
    decision: LineDecision, line: RemittanceLine, *, key: str, customer_open: Sequence[OpenInvoice]
) -> str | None:
    """matching.evidence.runner_up as it was before the indexes (commit 90216e2)."""
    if not key or not customer_open:
        return None
    invoices = OpenInvoices.of(customer_open)
    chosen = decision.invoice.invoice_id if decision.invoice is not None else None
    others = [no for no, invoice_id in enumerate(invoices.ids) if invoice_id != chosen]
    if not others:
        return None
    amount = line.amount
    balances, keys = invoices.balances, invoices.keys
    agreeing = [no for no in others if amount is not None and balances[no] == amount]
    pool = agreeing or others
    ranked = process.extractOne(key, [keys[no] for no in pool], scorer=fuzz.ratio, processor=None)
    if ranked is None:
        return None
    best, similarity = invoices[pool[ranked[2]]], ranked[1]
    agrees = bool(agreeing)
    why = [f"reference differs (similarity {similarity:.0f})"]
    if amount is None:
        why.append("no amount to compare")
    elif agrees:
        why.append("balance equals the amount")
    else:
        diff = format_amount(abs(best.balance - amount), best.currency)
        why.append(f"balance {format_amount(best.balance, best.currency)} differs by {diff}")
    return f"{best.number}: " + "; ".join(why)


def inv(invoice_id: int, number: str, balance: Decimal) -> OpenInvoice:
    return OpenInvoice(
        invoice_id=invoice_id,
        number=number,
        customer_id=1,
        customer_number="C1",
        balance=balance,
        currency="USD",
        status="open",
        due_date=date(2026, 12, 1),
    )


def _decision(invoice: OpenInvoice | None, ref: str, amount: Decimal | None) -> LineDecision:
    return LineDecision(
        line_no=1,
        invoice_ref=ref,
        amount=amount or Decimal("0.00"),
        outcome=Outcome.REVIEW,
        confidence=Decimal("0.500"),
        reason="test",
        invoice=invoice,
    )


#: Numbers from few characters and balances from few values: ties in similarity and in
#: balance are the rule, not the exception (the first of equals must win).
_numbers = st.text(alphabet="0123AB", min_size=1, max_size=5).map(lambda s: f"INV-{s}")
_balances = st.sampled_from(("10.00", "10.0", "20.00", "-5.00", "0.00")).map(Decimal)


@st.composite
def crowded(draw: st.DrawFn) -> list[OpenInvoice]:
    """Open invoices whose keys and balances repeat, ids possibly twice (a list given as
    ``customer_open`` need not come from the ledger)."""
    size = draw(st.integers(1, 40))
    return [
        inv(
            draw(st.integers(1, size + 3)),
            draw(_numbers),
            draw(_balances),
        )
        for _ in range(size)
    ]


@settings(max_examples=400, deadline=None)
@given(invoices=crowded(), data=st.data())
def test_runner_up_from_indexes_is_the_reference_on_ties(invoices, data):
    # Given invoices full of equal keys and equal balances, one of them (or none, or one
    # not among them) chosen, and a line's reference and amount
    chosen = data.draw(st.sampled_from([None, inv(999, "INV-X", Decimal(1)), *invoices]))
    ref = data.draw(_numbers | st.just(""))
    amount = data.draw(st.none() | _balances)
    line = RemittanceLine(invoice_ref=ref, amount=amount, source="body")
    decision = _decision(chosen, ref, amount)
    key = normalise_ref(ref)
    # When the runner-up is told from the indexes, on a list and on lazily made invoices
    said = reference_runner_up(decision, line, key=key, customer_open=invoices)
    lazy = Lazily(invoices)
    # Then it is the reference's, word for word
    assert runner_up(decision, line, key=key, customer_open=invoices) == said
    assert runner_up(decision, line, key=key, customer_open=lazy.invoices) == said
    assert len(lazy.made) == (said is not None)


@settings(max_examples=150, deadline=None)
@given(ledger=ledgers(min_size=2, max_size=14), data=st.data())
def test_runner_up_of_near_references_is_the_reference(ledger, data):
    target = data.draw(st.sampled_from(ledger))
    ref = data.draw(near_forms(target.number))
    amount = data.draw(st.sampled_from((None, target.balance, *(i.balance for i in ledger))))
    line = RemittanceLine(invoice_ref=ref, amount=amount, source="body")
    decision = _decision(data.draw(st.sampled_from((None, target))), ref, amount)
    key = normalise_ref(ref)
    expected = reference_runner_up(decision, line, key=key, customer_open=ledger)
    assert runner_up(decision, line, key=key, customer_open=ledger) == expected


@settings(max_examples=150, deadline=None)
@given(ledger=ledgers(min_size=2, max_size=14), data=st.data())
def test_whole_decisions_are_those_with_the_reference_runner_up(ledger, data):
    # Given a generated mail on its ledger
    mail = data.draw(mails(ledger))
    # When it is decided, and decided again with the reference runner-up
    decided = decide_mail(ledger, mail)
    with mock.patch("matching.decide.runner_up", reference_runner_up):
        expected = decide_mail(ledger, mail)
    # Then every line is the same: invoice, confidence, outcome, reason, signals, runner-up
    assert decided == expected


def test_a_thousand_invoices_and_fifteen_lines_give_the_reference_runner_ups():
    # Given a customer with 1,000 open invoices whose balances and keys repeat
    invoices = [
        inv(n, f"INV-{n % 400:05d}{'AB'[n % 2]}", Decimal(n % 37).scaleb(-1)) for n in range(1000)
    ]
    columns = OpenInvoices.of(invoices)
    for n in range(0, 1000, 67):
        chosen = invoices[n]
        for amount in (chosen.balance, Decimal("3.6"), Decimal("99.99"), None):
            line = RemittanceLine(invoice_ref=chosen.number, amount=amount, source="pdf")
            decision = _decision(chosen, chosen.number, amount)
            key = normalise_ref(chosen.number)
            expected = reference_runner_up(decision, line, key=key, customer_open=invoices)
            assert runner_up(decision, line, key=key, customer_open=columns) == expected

"""The quicker forms of matching's hot loops decide exactly what the plain forms they replaced
decide: payer names ranked against a prepared NameIndex (cut off early), near matches with
the invoices that cannot be near skipped, the runner-up ranked by rapidfuzz in one call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process, utils

from core.refs import normalise_ref
from core.types import LineDecision, OpenInvoice, Outcome, RemittanceLine
from matching.customer import NameIndex, NamePolicy, customer_by_payer_name, name_key
from matching.evidence import runner_up
from matching.near import NearMatch, near_kind, near_matches
from tests.strategies import ledgers, near_forms

# --- payer names ---------------------------------------------------------------------------

_WORDS = ("acme", "acne", "holdings", "holding", "trade", "traders", "nord", "north", "müller")
_FORMS = ("", " Inc.", " GmbH", ", LLC", " & Co. KG")
_names = st.lists(
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(" ".join)
    | st.text(alphabet="abcdeé -.", min_size=0, max_size=12),
    min_size=0,
    max_size=12,
)


def plain_customer_by_payer_name(
    payer_name: str, names: Mapping[int, str], *, policy: NamePolicy
) -> tuple[int | None, str]:
    """The ranking before the NameIndex: every name prepared and compared on every call."""
    key = name_key(payer_name)
    if not key or not names:
        return None, "no payer name"
    choices = {cid: name_key(name) for cid, name in names.items()}
    ranked = process.extract(
        key, choices, scorer=fuzz.token_sort_ratio, processor=utils.default_process, limit=2
    )
    if not ranked or ranked[0][1] < policy.cutoff:
        return None, f"payer name {payer_name!r} is no customer's name"
    best_score, best_id = ranked[0][1], ranked[0][2]
    if len(ranked) > 1 and best_score - ranked[1][1] < policy.margin:
        return None, (
            f"payer name {payer_name!r} is as close to {names[ranked[1][2]]!r} as to "
            f"{names[best_id]!r}"
        )
    return int(best_id), f"payer name {payer_name!r} is {names[best_id]!r} ({best_score:.0f})"


@settings(max_examples=80, deadline=None)
@given(
    names=_names,
    payer=st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(" ".join),
    form=st.sampled_from(_FORMS),
    policy=st.builds(
        NamePolicy, cutoff=st.sampled_from((80.0, 90.0, 100.0)), margin=st.sampled_from((0.0, 5.0))
    ),
)
def test_a_payer_name_against_the_name_index_names_whom_the_plain_ranking_names(
    names, payer, form, policy
):
    by_id = {100 + n: name + form for n, name in enumerate(names)}
    plain = plain_customer_by_payer_name(payer, by_id, policy=policy)
    assert customer_by_payer_name(payer, NameIndex.of(by_id), policy=policy) == plain
    assert customer_by_payer_name(payer, by_id, policy=policy) == plain


# --- near matches --------------------------------------------------------------------------


def plain_near_matches(
    ref: str, invoices: Sequence[OpenInvoice], *, amount: Decimal | None
) -> tuple[NearMatch, ...]:
    """Every invoice asked :func:`near_kind`, as before the shortcuts."""
    key = normalise_ref(ref)
    found = []
    for invoice in invoices:
        invoice_key = normalise_ref(invoice.number)
        kind = near_kind(key, invoice_key)
        if kind is not None:
            agreeing = {invoice.balance, invoice.balance - Decimal("1.00")}
            found.append(NearMatch(invoice, kind, fuzz.ratio(key, invoice_key), amount in agreeing))
    found.sort(key=lambda n: (not n.amount_agrees, -n.strength, -n.similarity, n.invoice.number))
    return tuple(found)


@st.composite
def _refs_near_a_ledger(draw: st.DrawFn) -> tuple[tuple[OpenInvoice, ...], str, Decimal]:
    ledger = draw(ledgers(min_size=2, max_size=14))
    target = draw(st.sampled_from(ledger))
    ref = draw(near_forms(target.number) | st.text(alphabet="0123456789OlSB-", max_size=9))
    return ledger, ref, draw(st.sampled_from((target.balance, target.balance - Decimal("1.00"))))


@settings(max_examples=120, deadline=None)
@given(case=_refs_near_a_ledger())
def test_near_matches_skipping_the_far_invoices_find_what_asking_each_finds(case):
    ledger, ref, amount = case
    plain = plain_near_matches(ref, ledger, amount=amount)
    quick = near_matches(ref, ledger, amount=amount, accept=lambda i: [i.balance - Decimal(1)])
    assert quick == plain


# --- the runner-up -------------------------------------------------------------------------


def plain_runner_up(chosen: int | None, amount: Decimal | None, key: str, customer_open):  # type: ignore[no-untyped-def]
    others = [inv for inv in customer_open if inv.invoice_id != chosen]

    def rank(inv: OpenInvoice) -> tuple[bool, float]:
        return amount is not None and inv.balance == amount, fuzz.ratio(
            key, normalise_ref(inv.number)
        )

    best = max(others, key=rank)
    return best.number, rank(best)


@settings(max_examples=80, deadline=None)
@given(ledger=ledgers(min_size=2, max_size=14), data=st.data())
def test_the_runner_up_is_the_best_other_invoice_by_amount_then_similarity(ledger, data):
    chosen = data.draw(st.sampled_from(ledger))
    ref = data.draw(near_forms(chosen.number))
    amount = data.draw(st.sampled_from((None, chosen.balance, *(i.balance for i in ledger))))
    line = RemittanceLine(invoice_ref=ref, amount=amount, source="body")
    decision = LineDecision(
        line_no=1,
        invoice_ref=ref,
        amount=amount or Decimal("0.00"),
        outcome=Outcome.REVIEW,
        confidence=Decimal("0.500"),
        reason="test",
        invoice=chosen,
    )
    key = normalise_ref(ref)
    said = runner_up(decision, line, key=key, customer_open=ledger)
    if not key or all(inv is chosen for inv in ledger):
        assert said is None
        return
    number, (agrees, similarity) = plain_runner_up(chosen.invoice_id, amount, key, ledger)
    assert said is not None
    assert said.startswith(f"{number}: reference differs (similarity {similarity:.0f})")
    assert ("balance equals the amount" in said) == agrees

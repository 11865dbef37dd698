"""The quicker forms of matching's hot loops decide exactly what the plain forms they replaced
decide: payer names ranked against a prepared NameIndex (cut off early), a payer name that
confirms the customer the invoices name not ranked at all, near matches with the invoices that
cannot be near skipped, the runner-up ranked by rapidfuzz in one call; and every one of them
on a customer's open invoices made lazily (``OpenInvoices``, as the SQLite reader gives them)
decides what it decides on a plain list, making only the invoices it looks at closely."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process, utils

from core.open_invoices import OpenInvoices
from core.refs import normalise_ref
from core.types import LineDecision, OpenInvoice, Outcome, Remittance, RemittanceLine
from matching.customer import (
    Identified,
    NameIndex,
    NamePolicy,
    customer_by_payer_name,
    identify_customer,
    name_key,
)
from matching.decide import decide_remittance
from matching.evidence import runner_up
from matching.near import NearMatch, near_kind, near_matches
from matching.policy import MatchPolicy
from matching.suggest import suggest
from tests.strategies import RECEIVED, customer_open, invoices_by_key, ledgers, mails, near_forms
from tests.unit.matching.test_customer import inv


class Lazily:
    """``invoices`` as ``OpenInvoices`` whose invoices are made from rows on demand, and which
    of them were made."""

    def __init__(self, invoices: Sequence[OpenInvoice]) -> None:
        self.made: list[int] = []
        rows = list(enumerate(invoices))

        def make(row: tuple[int, OpenInvoice]) -> OpenInvoice:
            self.made.append(row[0])
            return row[1]

        columns = OpenInvoices.of(invoices)
        self.invoices = OpenInvoices(
            ids=columns.ids,
            numbers=columns.numbers,
            keys=columns.keys,
            balances=columns.balances,
            rows=rows,
            make=make,
        )


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


def plain_identify(
    payer: str, names: Mapping[int, str], owner: int | None, *, policy: NamePolicy
) -> Identified:
    """``identify_customer`` before the confirming shortcut, for a remittance whose invoices
    name ``owner`` (or none): the payer name always ranked against every name."""
    found = [] if owner is None else [("invoices", owner)]
    named, _ = customer_by_payer_name(payer, names, policy=policy)
    if named is not None:
        found.append(("payer name", named))
    if not found:
        return Identified(None, None, "")
    if len({cid for _, cid in found}) > 1:
        return Identified(None, None, "")
    return Identified(found[0][1], found[0][0], "")  # type: ignore[arg-type]


_near_names = st.lists(  # few words, many near twins ("acme trade" / "acme traders")
    st.lists(st.sampled_from(_WORDS), min_size=1, max_size=2).map(" ".join),
    min_size=1,
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(
    names=_near_names | _names.filter(bool),
    data=st.data(),
    form=st.sampled_from(_FORMS),
    policy=st.builds(
        NamePolicy,
        cutoff=st.sampled_from((80.0, 90.0, 100.0)),
        margin=st.sampled_from((0.0, 5.0, 15.0)),
    ),
)
def test_a_payer_name_that_confirms_the_invoices_owner_identifies_whom_ranking_identifies(
    names, data, form, policy
):
    by_id = {100 + n: name + form for n, name in enumerate(names)}
    # The payer writes one of the names (often another customer's than the invoices'), or
    # something else; the invoices name one customer, or none.
    payer = data.draw(
        st.sampled_from(names)
        | st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(" ".join)
    )
    owner = data.draw(st.sampled_from(sorted(by_id)) | st.none())
    got = identify_customer(
        contact_customer_id=None,
        sender_domain=None,
        domain_customer_ids=(),
        payer_name=payer,
        customer_names=NameIndex.of(by_id),
        referenced=[[inv("INV-1", owner)]] if owner is not None else [],
        policy=policy,
    )
    plain = plain_identify(payer, by_id, owner, policy=policy)
    assert (got.customer_id, got.method) == (plain.customer_id, plain.method)


def test_a_payer_name_with_a_near_twin_still_confirms_the_customer_its_invoices_name():
    names = NameIndex.of({1: "Customer 1762", 2: "Customer 172", 3: "Customer 9"})
    alone, why = customer_by_payer_name("Customer 1762", names, policy=NamePolicy())
    assert alone is None and "as close to 'Customer 172'" in why
    got = identify_customer(
        contact_customer_id=None,
        sender_domain=None,
        domain_customer_ids=(),
        payer_name="CUSTOMER 1762 Inc.",
        customer_names=names,
        referenced=[[inv("INV-1", 1)]],
    )
    assert (got.customer_id, got.method) == (1, "invoices")
    assert "payer name 'CUSTOMER 1762 Inc.' is 'Customer 1762' (100)" in got.reason


def test_a_payer_name_only_close_to_the_invoices_owner_is_still_ranked_and_can_disagree():
    # 91 against the owner is no confirmation: another customer's name is the payer's exactly.
    names = NameIndex.of({1: "Nordwind Logistik", 2: "Nordwind Logistics"})
    got = identify_customer(
        contact_customer_id=None,
        sender_domain=None,
        domain_customer_ids=(),
        payer_name="Nordwind Logistics",
        customer_names=names,
        referenced=[[inv("INV-1", 1)]],
    )
    assert got.customer_id is None and "the evidence disagrees" in got.reason


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
    lazy = Lazily(ledger)
    accept = lambda i: [i.balance - Decimal(1)]  # noqa: E731
    assert near_matches(ref, lazy.invoices, amount=amount, accept=accept) == plain
    assert sorted(lazy.made) == sorted(ledger.index(n.invoice) for n in plain)  # only the near


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
    lazy = Lazily(ledger)
    assert runner_up(decision, line, key=key, customer_open=lazy.invoices) == said
    assert len(lazy.made) == (said is not None)  # the runner-up alone is made
    if not key or all(inv is chosen for inv in ledger):
        assert said is None
        return
    number, (agrees, similarity) = plain_runner_up(chosen.invoice_id, amount, key, ledger)
    assert said is not None
    assert said.startswith(f"{number}: reference differs (similarity {similarity:.0f})")
    assert ("balance equals the amount" in said) == agrees


# --- suggestions and whole decisions on lazily made invoices -------------------------------


@settings(max_examples=80, deadline=None)
@given(ledger=ledgers(min_size=1, max_size=14), data=st.data())
def test_suggestions_from_lazily_made_invoices_are_those_from_a_list_and_make_none(ledger, data):
    target = data.draw(st.sampled_from(ledger))
    ref = data.draw(near_forms(target.number) | st.text(alphabet="0123456789-INV", max_size=9))
    amount = data.draw(st.sampled_from((None, target.balance, Decimal("1.00"))))
    named = data.draw(st.sampled_from((None, target)))
    line = RemittanceLine(invoice_ref=ref, amount=amount, source="body")
    key = normalise_ref(ref)
    plain = suggest(line, key, named, list(ledger), MatchPolicy())
    lazy = Lazily(ledger)
    assert suggest(line, key, named, lazy.invoices, MatchPolicy()) == plain
    assert lazy.made == []


@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_a_remittance_decided_on_lazily_made_open_invoices_is_decided_as_on_a_list(data):
    ledger = data.draw(ledgers(min_size=2, max_size=12))
    mail = data.draw(mails(ledger))
    customer = mail.contact
    remittance: Remittance = mail.remittance
    args = {
        "customer_id": customer,
        "paid_on": remittance.payment_date or RECEIVED,
        "invoices_by_key": invoices_by_key(ledger, remittance),
        "policy": MatchPolicy(),
    }
    own = customer_open(ledger, customer)
    plain = decide_remittance(remittance, customer_open=own, **args)
    assert decide_remittance(remittance, customer_open=Lazily(own).invoices, **args) == plain

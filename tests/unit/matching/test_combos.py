"""Combination matching: exact subsets of open balances that make a payment, bounded."""

from __future__ import annotations

import itertools
import time
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from matching.combos import Item, find_combinations


def items(*amounts: str) -> list[Item]:
    return [Item(key=i, amount=Decimal(a)) for i, a in enumerate(amounts, start=1)]


def keys(solution) -> list[int]:
    return [p.key for p in solution]


def test_a_unique_subset_is_reported_unique():
    found = find_combinations(Decimal("350.00"), items("100.00", "250.00", "400.00", "75.25"))
    assert found.complete
    assert found.unique is not None and keys(found.unique) == [1, 2]


def test_several_subsets_are_not_unique():
    found = find_combinations(Decimal("300.00"), items("100.00", "200.00", "300.00"))
    assert sorted(map(keys, found.solutions)) == [[1, 2], [3]]
    assert found.unique is None


def test_no_subset_means_no_solution():
    found = find_combinations(Decimal("1.00"), items("100.00", "200.00"))
    assert found.solutions == () and found.complete


def test_discounted_alternative_amount_can_complete_a_subset():
    goal = Decimal("1080.00")  # 1000.00 less 2 % plus 100.00
    its = [Item(1, Decimal("1000.00"), (Decimal("980.00"),)), Item(2, Decimal("100.00"))]
    found = find_combinations(goal, its)
    assert found.unique is not None
    assert [(p.key, p.amount) for p in found.unique] == [
        (1, Decimal("980.00")),
        (2, Decimal("100.00")),
    ]


def test_a_search_cut_short_never_claims_uniqueness():
    # Given 60 equal balances: countless subsets of ten make the payment
    many = [Item(i, Decimal("10.00")) for i in range(60)]
    found = find_combinations(Decimal("100.00"), many, step_budget=1_000, max_solutions=1000)
    assert not found.complete
    assert found.unique is None


def test_stopping_at_max_solutions_is_incomplete():
    found = find_combinations(
        Decimal("10.00"), [Item(i, Decimal("10.00")) for i in range(5)], max_solutions=2
    )
    assert len(found.solutions) == 2 and not found.complete


def test_twenty_open_items_are_searched_quickly():
    amounts = [Decimal(1000 + 37 * i * i) / 100 for i in range(1, 21)]
    its = [Item(i, a.quantize(Decimal("0.01"))) for i, a in enumerate(amounts)]
    target = its[2].amount + its[11].amount + its[17].amount
    started = time.perf_counter()
    found = find_combinations(target, its)
    assert time.perf_counter() - started < 0.5
    assert found.complete
    assert [2, 11, 17] in [keys(s) for s in found.solutions]


cents = st.integers(min_value=1, max_value=50_000).map(lambda c: Decimal(c) / 100)


@settings(max_examples=150, deadline=None)
@given(st.lists(cents, min_size=0, max_size=9), st.data())
def test_solutions_are_exactly_the_brute_force_subsets(amounts, data):
    its = [Item(i, a) for i, a in enumerate(amounts)]
    target = data.draw(cents)
    found = find_combinations(target, its, max_solutions=10_000)
    brute = {
        combo
        for r in range(1, len(its) + 1)
        for combo in itertools.combinations(range(len(its)), r)
        if sum((its[i].amount for i in combo), start=Decimal(0)) == target
    }
    assert found.complete
    assert {tuple(keys(s)) for s in found.solutions} == brute
    for s in found.solutions:
        assert sum((p.amount for p in s), start=Decimal(0)) == target

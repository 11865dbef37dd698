"""Which remittance a bank credit pays: linking payments to expected payments. Pure: no IO.

A remittance that arrives before its money becomes an *expected payment* (amount, currency,
customer, payment reference, invoices, date). A bank credit and an expected payment are
*candidates* for each other when the currency is the same, the amount is exactly the same and
the credit's value date is within ``window_days`` of the remittance's payment date (either
way). Amount and date alone are a coincidence, not evidence; a candidate needs one of:

- ``reference``: the remittance's payment reference, or one of its invoice references, is
  one of the credit's references (end-to-end id, bank reference, structured references) or a
  word of its remittance text (compared normalised, :func:`core.refs.normalise_ref`);
- ``payer``: the customer the credit's payer is (name, account or a learned rule) is the
  remittance's customer.

A payer that is known and is another customer rules the candidate out. The credit links when
exactly one candidate has a reference agreeing, or, with none, exactly one has the payer
agreeing. Anything else with candidates left is ambiguous: a person decides (never a guess).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from core.refs import normalise_ref

_WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.-]*")


@dataclass(frozen=True, slots=True)
class CreditView:
    """A bank credit as linking sees it."""

    payment_id: int
    amount: Decimal
    currency: str
    value_date: date | None
    #: The customer its payer is, when anyone could tell (None: unknown).
    customer_id: int | None
    references: tuple[str, ...] = ()
    text: str = ""


@dataclass(frozen=True, slots=True)
class ExpectedView:
    """An expected payment as linking sees it."""

    expected_id: int
    amount: Decimal
    currency: str
    expected_on: date
    customer_id: int | None
    payment_ref: str | None = None
    invoice_refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Candidate:
    """A credit and an expected payment that may be one payment, and the evidence."""

    payment_id: int
    expected_id: int
    reference: bool
    payer: bool
    days_apart: int

    @property
    def evidence(self) -> str:
        """What agrees, in words."""
        said = ["amount"]
        if self.reference:
            said.append("reference")
        if self.payer:
            said.append("payer")
        return " + ".join(said) + f", {self.days_apart} day(s) apart"


@dataclass(frozen=True, slots=True)
class LinkDecision:
    """``link``: ``chosen`` is the one; ``ambiguous``: a person picks among ``candidates``;
    ``none``: nothing to link (yet)."""

    outcome: Literal["link", "ambiguous", "none"]
    reason: str
    chosen: Candidate | None = None
    candidates: tuple[Candidate, ...] = ()


def _keys(texts: Sequence[str]) -> set[str]:
    keys: set[str] = set()
    for text in texts:
        if not text:
            continue
        keys.add(normalise_ref(text))
        keys.update(normalise_ref(word) for word in _WORD_RE.findall(text))
    keys.discard("")
    return keys


def candidate(credit: CreditView, expected: ExpectedView, *, window_days: int) -> Candidate | None:
    """The two as candidates for each other, or None when they cannot be one payment."""
    if credit.currency != expected.currency or credit.amount != expected.amount:
        return None
    if credit.value_date is None:
        return None
    days = abs((credit.value_date - expected.expected_on).days)
    if days > window_days:
        return None
    if (
        credit.customer_id is not None
        and expected.customer_id is not None
        and credit.customer_id != expected.customer_id
    ):
        return None  # the payer is someone else
    credit_keys = _keys([*credit.references, credit.text])
    wanted = {normalise_ref(r) for r in (expected.payment_ref, *expected.invoice_refs) if r}
    wanted.discard("")
    return Candidate(
        payment_id=credit.payment_id,
        expected_id=expected.expected_id,
        reference=bool(wanted & credit_keys),
        payer=credit.customer_id is not None and credit.customer_id == expected.customer_id,
        days_apart=days,
    )


def decide_link(candidates: Sequence[Candidate]) -> LinkDecision:
    """The link among ``candidates`` (all for one credit, or all for one expected payment)."""
    if not candidates:
        return LinkDecision("none", "no payment of that amount within the window")
    by_reference = [c for c in candidates if c.reference]
    if len(by_reference) == 1:
        chosen = by_reference[0]
        return LinkDecision("link", chosen.evidence, chosen, tuple(candidates))
    if len(by_reference) > 1:
        return LinkDecision(
            "ambiguous",
            f"{len(by_reference)} payments agree in amount and reference",
            candidates=tuple(by_reference),
        )
    by_payer = [c for c in candidates if c.payer]
    if len(by_payer) == 1:
        chosen = by_payer[0]
        return LinkDecision("link", chosen.evidence, chosen, tuple(candidates))
    if len(by_payer) > 1:
        return LinkDecision(
            "ambiguous",
            f"{len(by_payer)} payments of the same amount from the same payer and no "
            "reference to tell them apart",
            candidates=tuple(by_payer),
        )
    return LinkDecision(
        "ambiguous",
        f"{len(candidates)} payment(s) agree in amount and date only: neither payer nor "
        "reference confirms",
        candidates=tuple(candidates),
    )


def link_credit(
    credit: CreditView, expected: Sequence[ExpectedView], *, window_days: int
) -> LinkDecision:
    """The expected payment a new bank credit pays (see module)."""
    found = [c for e in expected if (c := candidate(credit, e, window_days=window_days))]
    return decide_link(found)


def link_expected(
    expected: ExpectedView, credits: Sequence[CreditView], *, window_days: int
) -> LinkDecision:
    """The bank credit (already imported) a new remittance's expected payment is."""
    found = [c for p in credits if (c := candidate(p, expected, window_days=window_days))]
    return decide_link(found)

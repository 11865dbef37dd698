"""The labels' side of the rules of issue 5: who a mail is from, whether a line may be applied
with no human, and what applying it does to the ideal ledger. Written from the issue's text,
not from arbox's code, so the scorer can disagree with arbox.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from eval_ledger import CENT, ZERO, World, discount_of, is_earned
from eval_mail import Payment

#: Issue 17: a line leaving more than this share of the invoice open is never automatic.
MAX_DEDUCTION_SHARE = Decimal("0.50")
LEGAL_WORDS = frozenset({"inc", "llc", "corp", "ltd", "plc", "limited", "gmbh", "ag", "co", "kg"})
_NON_ALNUM = re.compile(r"[\W_]+")


@dataclass
class LabelLine:
    """One remittance line as a reader sees it, and the truth about it."""

    ref: str | None
    amount: Decimal
    #: The true allocation: (invoice number, cash) pairs; [] when it pays no invoice.
    truth: list[tuple[str, Decimal]]
    allowed: bool = False
    tags: list[str] = field(default_factory=list)
    why: str = ""
    #: The early-payment discount an ideal arbox writes off with it.
    discount: Decimal = ZERO
    #: How the reference relates to the invoice: exact | near | collision | none | unknown.
    kind: str = "exact"

    def to_json(self) -> dict[str, object]:
        return {
            "ref": self.ref,
            "amount": f"{self.amount:.2f}",
            "truth": [[n, f"{a:.2f}"] for n, a in self.truth],
            "allowed": self.allowed,
            "tags": self.tags,
            "why": self.why,
            "discount": f"{self.discount:.2f}",
        }


def ref_key(ref: str) -> str:
    """A reference compared after normalisation: case, separators, the ``inv`` prefix and
    leading zeros do not count (``#100123``, ``inv 100123`` and ``INV-100123`` are one)."""
    key = _NON_ALNUM.sub("", ref.casefold()).removeprefix("inv")
    return key.lstrip("0") or key


#: Look-alikes folded to the digit they are confused with (after casefolding).
OCR_FOLD = str.maketrans({"o": "0", "l": "1", "i": "1", "s": "5", "b": "8"})


def is_near(ref: str, number: str) -> bool:
    """Whether a person would take ``ref`` for ``number``: equal with look-alikes folded, one
    character added, dropped, changed or two swapped, or its tail of four characters or more."""
    a, b = ref_key(ref).translate(OCR_FOLD), ref_key(number)
    if a == b or (len(a) >= 4 and b.endswith(a)):
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (
            len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )  # fmt: skip
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def keys(world: World) -> dict[str, str]:
    return {ref_key(n): n for n in world.invoices}


def name_key(name: str) -> str:
    words = _NON_ALNUM.sub(" ", name.casefold()).split()
    return " ".join(w for w in words if w not in LEGAL_WORDS)


def identify(
    world: World, pay: Payment, lines: list[LabelLine], by_key: dict[str, str]
) -> str | None:
    """The customer a mail is from under the issue's rules: a registered contact; else the
    content: the invoices referenced exactly, the sender's domain, the payer's name (legal
    forms stripped), all agreeing. None when nothing identifies one customer."""
    for number, addresses in world.contacts.items():
        if pay.sender in addresses:
            return number
    found: set[str] = set()
    owners = {
        world.owner(by_key[ref_key(ln.ref)]) for ln in lines if ln.ref and ref_key(ln.ref) in by_key
    }
    if len(owners) > 1:
        return None
    found |= owners
    domain = pay.sender.rpartition("@")[2]
    at_domain = {
        n for n, addrs in world.contacts.items() if any(a.endswith("@" + domain) for a in addrs)
    }
    if len(at_domain) == 1:
        found |= at_domain
    named = [c.number for c in world.customers if name_key(c.name) == name_key(pay.customer.name)]
    if len(named) == 1:
        found.add(named[0])
    return found.pop() if len(found) == 1 else None


def decide(
    world: World, pay: Payment, lines: list[LabelLine], *, stated_total: Decimal | None
) -> None:
    """Set ``allowed`` and ``why`` of every line, in the ideal state before the mail."""
    by_key = keys(world)
    customer = identify(world, pay, lines, by_key)
    lines_total = sum((ln.amount for ln in lines), start=ZERO)
    contact = any(pay.sender in addresses for addresses in world.contacts.values())
    for ln in lines:
        ln.allowed, ln.why = _line(world, ln, customer, pay.paid_on, by_key)
        if ln.allowed and not contact:
            # Issue 19: a remittance is a claim; a stranger's waits for the bank or a person.
            ln.allowed, ln.why = False, "sender is no registered contact: " + ln.why
        if ln.allowed:
            ln.discount = _earned(world, ln, pay.paid_on)
    if stated_total is not None and stated_total != lines_total and lines:
        for ln in lines:
            ln.allowed, ln.why = False, f"lines add up to {lines_total}, stated {stated_total}"


def _earned(world: World, ln: LabelLine, paid_on: date) -> Decimal:
    if len(ln.truth) != 1:
        return ZERO
    number, cash = ln.truth[0]
    inv = world.invoices[number]
    balance = world.balance[number]
    if balance == inv.amount and is_earned(inv, paid_on) and cash + discount_of(inv) == balance:
        return discount_of(inv)
    return ZERO


def _line(
    world: World, ln: LabelLine, customer: str | None, paid_on: date, by_key: dict[str, str]
) -> tuple[bool, str]:
    if not ln.truth:
        return False, "pays no invoice (unapplied cash)"
    if customer is None:
        return False, "customer not identified"
    if ln.ref is None:
        return ln.allowed, ln.why  # set by the no-reference case (combinations)
    if len(ln.truth) != 1:
        return False, "several invoices"
    named = by_key.get(ref_key(ln.ref))
    number, cash = ln.truth[0]
    if named is not None and named != number:
        return False, f"reference names {named} of another customer"
    inv = world.invoices[number]
    if inv.customer.number != customer:
        return False, f"invoice of another customer ({inv.customer.number})"
    balance = world.balance[number]
    if inv.amount < 0:
        ok = cash == balance
        return ok, "credit memo netted" if ok else "credit memo not open"
    if balance <= 0:
        return False, "invoice not open"
    if cash > balance:
        return False, "overpayment"
    if cash <= 0:
        return False, "not a payment"
    if balance - cash - _earned(world, ln, paid_on) > MAX_DEDUCTION_SHARE * inv.amount:
        return False, "more than half of the invoice would stay open"
    if named is None:  # a near form: certain only when the amount agrees, and only once
        accepted = {balance, balance - _earned(world, ln, paid_on)}
        if cash not in accepted:
            return False, "near reference, amount does not confirm it"
        rivals = [
            n
            for n in world.open_numbers(customer)
            if n != number and world.balance[n] in accepted and is_near(ln.ref, n)
        ]
        if rivals:
            return False, f"near reference, {rivals[0]} is near too, with the same balance"
        return True, "near reference confirmed by the amount"
    return True, "exact reference" + (" (short pay stays open)" if cash < balance else "")


def apply(world: World, lines: list[LabelLine]) -> None:
    """What an ideal arbox posts: every allowed line's cash (and earned discount)."""
    for ln in lines:
        if not ln.allowed:
            continue
        for number, cash in ln.truth:
            world.balance[number] -= cash
        if ln.discount and len(ln.truth) == 1:
            world.balance[ln.truth[0][0]] -= ln.discount


def count_subsets(target: Decimal, values: list[Decimal], *, cap: int = 2) -> int:
    """How many subsets of ``values`` add up to ``target`` exactly (at most ``cap``)."""
    goal = int(target / CENT)
    counts: dict[int, int] = {0: 1}
    for value in values:
        cents = int(value / CENT)
        step = dict(counts)
        for total, n in counts.items():
            reach = total + cents
            if reach <= goal:
                step[reach] = min(cap, step.get(reach, 0) + n)
        counts = step
    return counts.get(goal, 0)

"""Held-out world: the labelling rules, written from the brief's words (not from arbox's code).

A line is *allowed* (a careful AR clerk would apply it with no doubt and no one to ask) only when
the sender is a registered contact of the customer, the reference identifies one open invoice of
that customer (exactly, or in a near form the amount confirms and no rival shares), the currency
agrees, the amount is > 0 and at most the open balance, deductions are at most half the invoice,
and the lines add up to the stated total when one is stated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
OUR_PREFIXES = ("inv", "nw")
_NON_ALNUM = re.compile(r"[\W_]+")
FOLD = str.maketrans({"o": "0", "l": "1", "i": "1", "s": "5", "b": "8"})


def nkey(ref: str) -> str:
    """Case, separators, our invoice prefix (INV-, NW-) and leading zeros do not count."""
    k = _NON_ALNUM.sub("", ref.casefold())
    for p in OUR_PREFIXES:
        if k.startswith(p) and k[len(p) :][:1].isdigit():
            k = k[len(p) :]
            break
    return k.lstrip("0") or k


def fold(ref: str) -> str:
    k = _NON_ALNUM.sub("", ref.casefold())
    for p in OUR_PREFIXES:
        if k.startswith(p):
            k = k[len(p) :]
            break
    k = k.translate(FOLD)
    return k.lstrip("0") or k


def one_edit(a: str, b: str) -> bool:
    """a and b differ by one changed, dropped or added character, or two adjacent swapped."""
    if a == b:
        return True
    if len(a) == len(b):
        d = [i for i in range(len(a)) if a[i] != b[i]]
        return len(d) == 1 or (
            len(d) == 2 and d[1] == d[0] + 1 and a[d[0]] == b[d[1]] and a[d[1]] == b[d[0]]
        )
    if abs(len(a) - len(b)) != 1:
        return False
    s, lo = (a, b) if len(a) < len(b) else (b, a)
    return any(lo[:i] + lo[i + 1 :] == s for i in range(len(lo)))


def is_near(ref: str, number: str) -> bool:
    """A near form: look-alikes folded, one edit, a cut prefix (tail of 4+), or cut + one edit."""
    a, b = fold(ref), nkey(number)
    if len(a) < 4:
        return False
    if a == b or one_edit(a, b):
        return True
    for i in range(1, len(b) - 3):
        tail = b[i:]
        if tail == a or (len(tail) >= 4 and one_edit(a, tail)):
            return True
    return False


@dataclass
class Inv:
    number: str
    customer: str
    issue: date
    due: date
    amount: Decimal
    currency: str
    terms: str
    kind: str = "inv"  # inv | sub | memo

    def discount_terms(self) -> tuple[Decimal, int] | None:
        m = re.match(r"(\d+(?:\.\d+)?)/(\d+) Net \d+", self.terms)
        return (Decimal(m.group(1)), int(m.group(2))) if m else None

    def discount(self) -> Decimal:
        t = self.discount_terms()
        return (self.amount * t[0] / 100).quantize(CENT, ROUND_HALF_UP) if t else ZERO

    def earned_on(self, paid_on: date) -> bool:
        t = self.discount_terms()
        return bool(t) and 0 <= (paid_on - self.issue).days <= t[1]


@dataclass
class Book:
    """The ideal ledger: invoices, balances, contacts."""

    invoices: dict[str, Inv]
    balance: dict[str, Decimal]
    contacts: dict[str, list[str]]
    by_customer: dict[str, list[str]] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for n, inv in self.invoices.items():
            self.by_customer.setdefault(inv.customer, []).append(n)
            k = nkey(n)
            assert k not in self.by_key, (n, self.by_key.get(k))
            self.by_key[k] = n

    def exact(self, ref: str) -> str | None:
        return self.by_key.get(nkey(ref))

    def open_of(self, customer: str) -> list[str]:
        return [n for n in self.by_customer.get(customer, []) if self.balance[n] > 0]


@dataclass
class Line:
    """One labelled remittance line."""

    ref: str | None
    amount: Decimal  # cash
    truth: list[tuple[str, Decimal]]
    gross: Decimal | None = None
    disc: Decimal = ZERO  # discount the payer wrote
    ded: Decimal = ZERO  # deduction the payer wrote
    tags: list[str] = field(default_factory=list)
    allowed: bool = False
    why: str = ""
    discount: Decimal = ZERO  # earned discount written off
    force: str | None = None  # a reason that overrides (re-send of an applied advice)

    def to_json(self) -> dict:
        return {
            "ref": self.ref,
            "amount": f"{self.amount:.2f}",
            "truth": [[n, f"{a:.2f}"] for n, a in self.truth],
            "allowed": self.allowed,
            "tags": self.tags,
            "why": self.why,
            "discount": f"{self.discount:.2f}",
        }


def earned(book: Book, ln: Line, paid_on: date) -> Decimal:
    if len(ln.truth) != 1:
        return ZERO
    n, cash = ln.truth[0]
    inv = book.invoices[n]
    bal = book.balance[n]
    d = inv.discount()
    if d and bal == inv.amount and inv.earned_on(paid_on) and cash + d == bal:
        return d
    return ZERO


def _confirms(ln: Line, bal: Decimal, extra: Decimal = ZERO) -> bool:
    amounts = {ln.amount, ln.amount + ln.disc + ln.ded}
    if ln.gross is not None:
        amounts.add(ln.gross)
    if extra:
        amounts.add(ln.amount + extra)
    return bal in amounts


def decide_line(
    book: Book,
    ln: Line,
    *,
    customer: str,
    sender_ok: bool,
    paid_on: date,
    currency_named: str | None,
) -> tuple[bool, str]:
    if ln.force:
        return False, ln.force
    if not ln.truth:
        return False, "pays no invoice (unapplied cash)"
    if not sender_ok:
        return False, "sender is not a registered contact of the customer"
    if len(ln.truth) != 1:
        return False, "several invoices on one line"
    number, cash = ln.truth[0]
    inv = book.invoices[number]
    if currency_named and currency_named != inv.currency:
        return False, f"currency {currency_named} named, invoice is in {inv.currency}"
    if inv.customer != customer:
        return False, f"invoice of another customer ({inv.customer})"
    bal = book.balance[number]
    if ln.ref is None:
        same = [n for n in book.open_of(customer) if book.balance[n] == cash]
        if cash > 0 and same == [number]:
            return True, "no reference; the one open invoice of the customer with that balance"
        if len(same) > 1:
            return False, f"no reference; {len(same)} open invoices have that balance"
        return False, "no reference and no single open balance equals the amount"
    named = book.exact(ln.ref)
    if named is not None and named != number:
        other = book.invoices[named]
        if other.customer != customer:
            return False, f"reference names {named} of another customer"
        return False, f"reference names {named}, the amount is the balance of {number}"
    if inv.amount < 0:
        if named == number and bal < 0 and cash == bal:
            return True, "credit memo netted"
        return False, "credit memo not open or not named exactly"
    if bal <= 0:
        return False, "invoice not open (already paid)"
    if cash > bal:
        return False, "overpayment"
    if cash <= 0:
        return False, "not a payment"
    if ln.ded and ln.ded * 2 > inv.amount:
        return False, "deduction over half of the invoice"
    e = earned(book, ln, paid_on)
    if named is None:
        if not is_near(ln.ref, number):
            return False, "reference is not a near form of the invoice"
        if not _confirms(ln, bal, e):
            return False, "near reference, the amount does not confirm it"
        rivals = [
            n
            for n in book.open_of(customer)
            if n != number and is_near(ln.ref, n) and _confirms(ln, book.balance[n])
        ]
        if rivals:
            return False, f"near reference, {rivals[0]} is near too with the same balance"
        return True, "near reference confirmed by the amount"
    if not _confirms(ln, bal, e):
        rivals = [
            n
            for n in book.open_of(customer)
            if n != number and is_near(ln.ref, n) and _confirms(ln, book.balance[n])
        ]
        if rivals:
            return (
                False,
                f"exact reference, but the amount is the balance of near invoice {rivals[0]}",
            )
        return True, "exact reference (short pay, the rest stays open)"
    return True, "exact reference"


def decide(
    book: Book,
    lines: list[Line],
    *,
    customer: str,
    sender_ok: bool,
    paid_on: date,
    currency_named: str | None,
    stated_total: Decimal | None,
) -> None:
    for ln in lines:
        ln.allowed, ln.why = decide_line(
            book,
            ln,
            customer=customer,
            sender_ok=sender_ok,
            paid_on=paid_on,
            currency_named=currency_named,
        )
        ln.discount = earned(book, ln, paid_on) if ln.allowed else ZERO
    total = sum((ln.amount for ln in lines), ZERO)
    if stated_total is not None and stated_total != total:
        for ln in lines:
            if ln.allowed:
                ln.allowed, ln.discount = False, ZERO
                ln.why = f"lines add up to {total}, the advice states {stated_total}"


def apply(book: Book, lines: list[Line]) -> None:
    for ln in lines:
        if ln.allowed:
            for n, cash in ln.truth:
                book.balance[n] -= cash
            if ln.discount:
                book.balance[ln.truth[0][0]] -= ln.discount


def decide_ocr(
    book: Book,
    lines: list[Line],
    *,
    customer: str,
    sender_ok: bool,
    paid_on: date,
    currency_named: str | None,
    stated_total: Decimal | None,
) -> None:
    """Lines read by OCR (a scanned or photographed advice: no text layer), issue 23:

        "OCR lines carry their confidence into matching: a line read by OCR auto-applies only
        when the reference resolves within the customer **and** the amount equals the open
        balance **and** the lines add up to the stated total; anything less goes to review"

    On top of every rule of ``decide`` (registered contact, currency, open, not more than the
    balance, ...), read strictly: the reference names one invoice of the customer exactly (case,
    separators, our prefix and leading zeros aside; a near form — look-alike, one edit, cut
    prefix — is not enough, however well the amount confirms it), the cash of the line is that
    invoice's open balance (a discount taken, a deduction or a part payment is less), and a total
    is stated and the lines add up to it (no stated total: nothing to add up to, so a person)."""
    decide(
        book,
        lines,
        customer=customer,
        sender_ok=sender_ok,
        paid_on=paid_on,
        currency_named=currency_named,
        stated_total=stated_total,
    )
    for ln in lines:
        if not ln.allowed:
            continue
        number, cash = ln.truth[0]
        why = ""
        if ln.ref is None or book.exact(ln.ref) != number:
            why = "read by OCR: the reference does not name the invoice exactly"
        elif cash != book.balance[number]:
            why = "read by OCR: the amount is not the invoice's open balance"
        elif stated_total is None:
            why = "read by OCR: no stated total to check the lines against"
        if why:
            ln.allowed, ln.discount, ln.why = False, ZERO, why

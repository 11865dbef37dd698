"""Hypothesis strategies of ledgers and remittances for the property tests of cash application,
and the matching call made the way ``worker/inbound/`` makes it (without a database).

The worlds are small on purpose: few customers, invoice numbers from a narrow range (so that
``INV-1001`` and ``INV-1007`` sit side by side, and ``INV-1001`` and ``01001`` normalise to one
key), a handful of amounts that repeat (so that two invoices share a balance), discount terms,
two currencies, paid invoices. Synthetic data only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

from core.refs import normalise_ref
from core.types import OpenInvoice, Remittance, RemittanceLine
from matching.customer import Identified, identify_customer
from matching.decide import (
    MatchPolicy,
    RemittanceDecision,
    decide_remittance,
    line_ref_keys,
    resolve_key,
)
from matching.terms import discount_of

#: The day every mail of these worlds arrives (the payment date when the remittance has none).
RECEIVED = date(2026, 3, 20)
#: Customer id → name (ids 1..4; payer names are drawn from these).
CUSTOMER_NAMES: Mapping[int, str] = {
    1: "Acme Corp",
    2: "Borealis GmbH",
    3: "Cobalt Trading Ltd",
    4: "Acme Holdings Inc",
}
CURRENCIES = ("USD", "EUR")
TERMS = (None, "Net 30", "2/10 Net 30", "1.5/15 net 45")
#: Balances in cents that recur, so two invoices (of one customer or two) can share one.
COMMON_CENTS = (10_000, 12_500, 125_000, 98_000, 50_050)
CENT = Decimal("0.01")


def money(cents: int) -> Decimal:
    """``cents`` as a two-decimal Decimal (never through float)."""
    return (Decimal(cents) * CENT).quantize(CENT)


amounts_in_cents = st.one_of(st.sampled_from(COMMON_CENTS), st.integers(1, 300_000))
_numbers = st.integers(1000, 1007) | st.sampled_from((10010, 10100, 10001, 10011, 10110, 11000))
_number_formats = st.sampled_from(("INV-{}", "{}", "INV-0{}", "2026-{}", "CM-{}"))
_states = st.sampled_from(("open", "open", "open", "part", "paid"))
_ages = st.integers(0, 40)
_currencies = st.sampled_from(("USD", "USD", "EUR"))
_terms = st.sampled_from(TERMS)
_digits = st.sampled_from("0123456789")
_near_kinds = st.sampled_from(("ocr", "swap", "drop", "extra", "change", "truncate"))
_ref_kinds = st.sampled_from(("exact", "exact", "exact", "exact", "near", "near", "wrong"))
_amount_kinds = st.sampled_from(
    ("balance", "balance", "discounted", "below", "above", "other", "unstated", "credit")
)
_total_kinds = st.sampled_from(("none", "right", "right", "wrong"))
_small_cents = st.integers(1, 50_000)
_remittance_currencies = st.sampled_from((None, *CURRENCIES))
_payment_dates = st.none() | st.integers(0, 30).map(lambda d: RECEIVED - timedelta(d))
_mostly = st.sampled_from((True, True, True, False))
_siblings = st.sampled_from((False, False, False, False, False, True))


def draw_invoice(draw: st.DrawFn, *, invoice_id: int, customer_id: int) -> OpenInvoice:
    """One invoice of ``customer_id``: open (whole or part paid) or paid, maybe with terms."""
    number = draw(_number_formats).format(draw(_numbers))
    amount = money(draw(amounts_in_cents))
    state = draw(_states)
    balance = amount
    if state == "part":
        balance = money(draw(st.integers(1, int(amount / CENT))))
    elif state == "paid":
        balance = Decimal("0.00")
    issued = RECEIVED - timedelta(days=draw(_ages))
    return OpenInvoice(
        invoice_id=invoice_id,
        number=number,
        customer_id=customer_id,
        customer_number=f"C{customer_id}",
        balance=balance,
        currency=draw(_currencies),
        status="paid" if balance == 0 else "open",
        due_date=issued + timedelta(days=30),
        issue_date=issued,
        amount=amount,
        terms=draw(_terms),
    )


@st.composite
def ledgers(draw: st.DrawFn, *, min_size: int = 2, max_size: int = 12) -> tuple[OpenInvoice, ...]:
    """Invoices of up to four customers with unique numbers (as the ledger enforces), whose
    normalised keys may collide within a customer or across customers (``INV-1001`` and
    ``INVOICE 1001``: a ledger migrated from two systems)."""
    count = draw(st.integers(min_size, max_size))
    found: dict[str, OpenInvoice] = {}
    for invoice_id in range(1, count + 1):
        customer_id = draw(st.integers(1, len(CUSTOMER_NAMES)))
        inv = draw_invoice(draw, invoice_id=invoice_id, customer_id=customer_id)
        found.setdefault(inv.number, inv)
        if draw(_siblings):
            same_key = f"INVOICE {normalise_ref(inv.number)}"
            owner = draw(st.sampled_from((customer_id, *CUSTOMER_NAMES)))
            sibling = draw_invoice(draw, invoice_id=100 + invoice_id, customer_id=owner)
            found.setdefault(same_key, dataclasses.replace(sibling, number=same_key))
    return tuple(found.values())


# --- References ---------------------------------------------------------------------------


def exact_refs(number: str) -> tuple[str, ...]:
    """Ways a payer writes ``number`` that normalise to its key."""
    key = normalise_ref(number)
    return (number, number.lower(), f"Invoice #{key}", f"inv {key}", f"INV-{key.zfill(8)}")


def exact_forms(number: str) -> st.SearchStrategy[str]:
    """One of :func:`exact_refs`."""
    return st.sampled_from(exact_refs(number))


_OCR = {"0": "O", "1": "l", "5": "S", "8": "B", "2": "Z", "6": "G"}


@st.composite
def near_forms(draw: st.DrawFn, number: str) -> str:
    """``number`` with one typo or misreading: a look-alike letter, two digits swapped, one
    dropped, one added, one changed, or a truncated prefix."""
    key = normalise_ref(number)
    kind = draw(_near_kinds)
    at = draw(st.integers(0, len(key) - 1))
    if kind == "ocr" and any(c in _OCR for c in key):
        i = next(i for i in range(at, at + len(key)) if key[i % len(key)] in _OCR) % len(key)
        return key[:i] + _OCR[key[i]] + key[i + 1 :]
    if kind == "swap" and len(key) > 1:
        i = min(at, len(key) - 2)
        return key[:i] + key[i + 1] + key[i] + key[i + 2 :]
    if kind == "drop" and len(key) > 1:
        return key[:at] + key[at + 1 :]
    if kind == "extra":
        return key[:at] + draw(_digits) + key[at:]
    if kind == "truncate" and len(key) > 4:
        return key[-draw(st.integers(4, len(key) - 1)) :]
    digit = draw(_digits)
    return key[:at] + digit + key[at + 1 :]


wrong_refs = st.one_of(
    st.integers(90_000, 99_999).map(lambda n: f"INV-{n}"),
    st.sampled_from(("PO-4471", "REF 2026/03", "payment", "")),
    st.none(),
)


@st.composite
def references(draw: st.DrawFn, target: OpenInvoice) -> str | None:
    """A reference to ``target`` as a payer may write it: exact, near, or wrong."""
    how = draw(_ref_kinds)
    if how == "exact":
        return draw(exact_forms(target.number))
    if how == "near":
        return draw(near_forms(target.number))
    return draw(wrong_refs)


# --- Amounts ------------------------------------------------------------------------------


@st.composite
def line_amounts(draw: st.DrawFn, target: OpenInvoice) -> Decimal | None:
    """What a line pays of ``target``: its balance, the balance less the terms' discount,
    less or more than the balance, nothing stated, or a credit."""
    how = draw(_amount_kinds)
    if how == "balance" and target.balance > 0:
        return target.balance
    if how == "discounted" and target.balance > discount_of(target) > 0:
        return target.balance - discount_of(target)
    if how == "below" and target.balance > CENT:
        return target.balance - money(draw(st.integers(1, int(target.balance / CENT) - 1)))
    if how == "above":
        return target.balance + money(draw(_small_cents))
    if how == "unstated":
        return None
    if how == "credit":
        return -money(draw(_small_cents))
    return money(draw(amounts_in_cents))


# --- Remittances --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Mail:
    """A remittance and who sent it: ``contact`` is the customer the sender is a registered
    contact of (None: an unknown sender, a bank, an AP platform)."""

    remittance: Remittance
    contact: int | None


@st.composite
def stated_totals(draw: st.DrawFn, lines: Sequence[RemittanceLine]) -> Decimal | None:
    """No total, the lines' sum, or a wrong total."""
    total = sum((line.amount or Decimal("0.00") for line in lines), start=Decimal("0.00"))
    how = draw(_total_kinds)
    if how == "none":
        return None
    if how == "right":
        return total
    return total + money(draw(st.integers(-50_000, 50_000).filter(bool)))


@st.composite
def mails(draw: st.DrawFn, ledger: Sequence[OpenInvoice]) -> Mail:
    """A remittance over ``ledger`` from one paying customer: 1–5 lines, each about an invoice
    of that customer mostly, of any customer sometimes (the same one more than once, now and
    then), with any reference and amount; any total; a currency or none; a payer name or
    none; from a contact of the payer, of another customer, or from an unknown sender."""
    payer = draw(st.sampled_from(ledger)).customer_id
    own = [inv for inv in ledger if inv.customer_id == payer]
    lines: list[RemittanceLine] = []
    for _ in range(draw(st.integers(1, 5))):
        if lines and draw(st.integers(0, 3)) == 0:  # the same invoice again, another amount
            earlier = draw(st.sampled_from(lines))
            lines.append(RemittanceLine(earlier.invoice_ref, earlier.amount or money(5_000)))
            continue
        target = draw(st.sampled_from(own if draw(_mostly) else ledger))
        ref, amount = draw(references(target)), draw(line_amounts(target))
        if amount is not None and amount > CENT and draw(st.integers(0, 3)) == 0:
            # one payment of the invoice over two lines (instalments, a re-sent line)
            part = money(draw(st.integers(1, int(amount / CENT) - 1)))
            lines.append(RemittanceLine(invoice_ref=ref, amount=part))
            amount -= part
        lines.append(RemittanceLine(invoice_ref=ref, amount=amount))
    remittance = Remittance(
        lines=tuple(lines),
        stated_total=draw(stated_totals(lines)),
        currency=draw(_remittance_currencies),
        payer_name=draw(st.sampled_from((CUSTOMER_NAMES[payer], None, *CUSTOMER_NAMES.values()))),
        payment_date=draw(_payment_dates),
    )
    contact = draw(st.sampled_from((payer, payer, None, *CUSTOMER_NAMES)))
    return Mail(remittance=remittance, contact=contact)


# --- Matching, the way the worker calls it -----------------------------------------------


def invoices_by_key(
    ledger: Sequence[OpenInvoice], remittance: Remittance
) -> dict[str, list[OpenInvoice]]:
    """``ledger.matching_reads.invoices_by_ref_keys`` over ``ledger``: every invoice, whatever its
    status or customer, whose key is one a line may name, by key (ids in order)."""
    keys = {key for line in remittance.lines for key in line_ref_keys(line)}
    found: dict[str, list[OpenInvoice]] = {}
    for inv in sorted(ledger, key=lambda i: i.invoice_id):
        key = normalise_ref(inv.number)
        if key in keys:
            found.setdefault(key, []).append(inv)
    return found


def customer_open(ledger: Sequence[OpenInvoice], customer_id: int | None) -> list[OpenInvoice]:
    """``ledger.matching_reads.open_invoices_for_customer``: by due date, then number."""
    if customer_id is None:
        return []
    found = [i for i in ledger if i.customer_id == customer_id and i.status == "open"]
    return sorted(found, key=lambda i: (i.due_date, i.number))


def identify(ledger: Sequence[OpenInvoice], mail: Mail, *, policy: MatchPolicy) -> Identified:
    """``worker.inbound.deciding.identify``: the contact's customer, else the content's (invoices
    referenced and payer name; these worlds have no sender domains)."""
    if mail.contact is not None:
        return Identified(mail.contact, "contact", "sender is a registered contact")
    if not policy.identify_by_content:
        return Identified(None, None, "sender is not a registered contact of any customer")
    by_key = invoices_by_key(ledger, mail.remittance)
    return identify_customer(
        contact_customer_id=None,
        sender_domain=None,
        domain_customer_ids=(),
        payer_name=mail.remittance.payer_name,
        customer_names=CUSTOMER_NAMES if mail.remittance.payer_name else {},
        referenced=[by_key.get(resolve_key(line, by_key), []) for line in mail.remittance.lines],
    )


def decide_mail(
    ledger: Sequence[OpenInvoice], mail: Mail, *, policy: MatchPolicy | None = None
) -> RemittanceDecision:
    """The decision ``worker.inbound.remittance.apply_remittance`` takes for ``mail`` on ``ledger``."""
    policy = policy or MatchPolicy()
    identified = identify(ledger, mail, policy=policy)
    remittance = mail.remittance
    return decide_remittance(
        remittance,
        customer_id=identified.customer_id,
        customer_reason=identified.reason,
        paid_on=remittance.payment_date or RECEIVED,
        invoices_by_key=invoices_by_key(ledger, remittance),
        customer_open=customer_open(ledger, identified.customer_id),
        policy=policy,
    )

# long: the catalogue of the development world's cases, one function each; a table, not logic.
"""The cases of the ``make eval`` world, one function each: what a payer pays, how it writes
the references, and the label of every line (see ``eval_rules``). Every case the issue lists:
exact references, typos and OCR confusions, truncated prefixes, collisions with another
customer's number, partial payments and the rest later, early-payment discounts inside and
outside the window, short pays with a reason, credit memos, payments without references,
unknown senders, another customer's invoice, overpayments, paid invoices, totals that do not
add up, references to no invoice; re-sends and duplicates are drawn by ``eval_world``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from eval_ledger import CENT, TODAY, ZERO, World, discount_of, swap_two
from eval_mail import DEDUCTION_LAYOUTS, DEDUCTION_REASONS, LAYOUTS, Line, Payment, method_ref
from eval_rules import LabelLine, apply, count_subsets, decide, keys, ref_key

#: Addresses of banks and AP platforms: never a registered contact.
UNKNOWN_SENDERS = (
    ("remittances@bank-notify.example", "First Example Bank"),
    ("payments@ap-hub.example", "AP Hub Payments"),
    ("no-reply-remit@paycloud.example", "PayCloud"),
)
OCR_SWAPS = {"0": "O", "1": "l", "5": "S", "8": "B"}
#: Layouts that always print the stated total, and those that state the payment date.
WITH_TOTAL = ("text-table", "html-table", "xlsx", "pdf-ruled", "pdf-unruled", "pdf-check-stub")
WITH_DATE = ("text-table", "html-table", "xlsx", "pdf-ruled", "pdf-check-stub", "csv")


@dataclass
class Plan:
    """One mail to write and its label."""

    name: str
    phase: int
    layout: str
    pay: Payment | None
    lines: list[LabelLine]
    tags: list[str]
    seed: str
    duplicate_of: str | None = None
    resend_of: str | None = None
    later_days: int = 0
    follow_ups: list[Plan] = field(default_factory=list)


@dataclass
class Ctx:
    world: World
    rng: random.Random
    seed: int

    def name(self, counter: list[int], prefix: str = "m") -> str:
        counter[0] += 1
        return f"{prefix}{counter[0]:05d}"


def pick_layout(
    rng: random.Random, world: World, pay: Payment, *, needs: tuple[str, ...] = ()
) -> str:
    """A layout that can carry ``pay``: the corpus layouts, within their limits."""
    n = len(pay.lines)
    pool = [name for name in LAYOUTS if name not in ("pdf-multipage", "pdf-sap", "pdf-deductions")]
    if n >= 14:
        pool.append("pdf-multipage")
    if pay.currency == "EUR":
        pool.append("pdf-sap")
    if pay.currency != "USD":  # the corpus check stub prints "$": a US dollar check only
        pool.remove("pdf-check-stub")
    if n > 4:
        pool.remove("sentences")
    others = len(world.open_numbers(pay.customer.number)) - n
    if others < 3:
        pool.remove("text-table")
    for need in needs:
        if need == "total":
            pool = [p for p in pool if p in WITH_TOTAL]
        elif need == "date":
            pool = [p for p in pool if p in WITH_DATE or p == "pdf-sap"]
        elif need == "deduction":
            pool = list(DEDUCTION_LAYOUTS)
    return rng.choice(pool)


def make_pay(
    ctx: Ctx,
    customer: str,
    lines: list[Line],
    paid_on: date,
    *,
    total: Decimal | None = None,
    sender: tuple[str, str] | None = None,
) -> Payment:
    cust = ctx.world.customer(customer)
    method = ctx.rng.choice(("ach", "wire", "check", "eft"))
    address, from_name = sender or (ctx.world.contacts[customer][0], cust.contact)
    return Payment(
        customer=cust,
        lines=tuple(lines),
        total=total if total is not None else sum((ln.net or ZERO for ln in lines), start=ZERO),
        paid_on=paid_on,
        method=method,
        ref=method_ref(ctx.rng, method),
        currency=cust.currency,
        sender=address,
        from_name=from_name,
    )


def _written(ctx: Ctx, number: str, style: str) -> str:
    digits = number.removeprefix("INV-")
    return {
        "as-is": number,
        "digits": digits,
        "inv-space": f"inv {digits}",
        "hash": f"#{digits}",
        "zero-padded": f"00{digits}",
    }[style]


def _pick_customer(ctx: Ctx, *, lines: int, before: date, terms: str | None = None) -> str | None:
    pool = [
        c.number
        for c in ctx.world.customers
        if c.number not in ctx.world.reserved
        and (terms is None or c.terms.startswith(terms))
        and len(ctx.world.free(c.number, before=before)) >= lines
    ]
    return ctx.rng.choice(pool) if pool else None


def _fillers(
    ctx: Ctx, customer: str, count: int, before: date, style: str
) -> tuple[list[Line], list[LabelLine]]:
    free = ctx.world.free(customer, before=before)
    chosen = ctx.rng.sample(free, min(count, len(free)))
    return _full(ctx, chosen, style, tag="exact")


def _full(
    ctx: Ctx, numbers: list[str], style: str, *, tag: str
) -> tuple[list[Line], list[LabelLine]]:
    lines, labels = [], []
    for number in numbers:
        inv = ctx.world.invoices[number]
        bal = ctx.world.balance[number]
        ref = _written(ctx, number, style)
        lines.append(Line(inv, ref, bal, bal, ZERO))
        labels.append(LabelLine(ref, bal, [(number, bal)], tags=[tag]))
        ctx.world.taken.add(number)
    return lines, labels


def _finish(
    ctx: Ctx,
    name: str,
    customer: str,
    lines: list[Line],
    labels: list[LabelLine],
    paid_on: date,
    tags: list[str],
    *,
    needs: tuple[str, ...] = (),
    total: Decimal | None = None,
    sender: tuple[str, str] | None = None,
    shuffle: bool = True,
) -> Plan:
    if shuffle:
        order = list(range(len(lines)))
        ctx.rng.shuffle(order)
        lines, labels = [lines[i] for i in order], [labels[i] for i in order]
    pay = make_pay(ctx, customer, lines, paid_on, total=total, sender=sender)
    decide(ctx.world, pay, labels, stated_total=pay.total)
    apply(ctx.world, labels)
    layout = pick_layout(ctx.rng, ctx.world, pay, needs=needs)
    for ln in labels:
        ln.tags += [t for t in tags if t not in ln.tags]
    return Plan(name, 1, layout, pay, labels, tags, seed=f"{ctx.seed}:{name}")


def _paid_on(ctx: Ctx) -> date:
    return TODAY - timedelta(days=ctx.rng.randint(0, 12))


def case_exact(ctx: Ctx, name: str) -> Plan | None:
    paid_on = _paid_on(ctx)
    n = ctx.rng.choice((1, 1, 2, 3, 4, 6, 9, 16))
    customer = _pick_customer(ctx, lines=n, before=paid_on)
    if customer is None:
        return None
    style = ctx.rng.choice(("as-is", "as-is", "digits", "inv-space", "hash", "zero-padded"))
    lines, labels = _fillers(ctx, customer, n, paid_on, style)
    return _finish(ctx, name, customer, lines, labels, paid_on, [])


def _near_ref(ctx: Ctx, number: str, kind: str) -> str | None:
    digits = number.removeprefix("INV-")
    prefix = ctx.rng.choice(("INV-", "INV-", ""))
    if kind == "transposed":
        swapped = swap_two(digits, ctx.rng)
        return None if swapped is None else prefix + swapped
    if kind == "dropped":
        i = ctx.rng.randrange(1, len(digits))
        return prefix + digits[:i] + digits[i + 1 :]
    if kind == "ocr":
        spots = [i for i, ch in enumerate(digits) if ch in OCR_SWAPS]
        if not spots:
            return None
        i = ctx.rng.choice(spots)
        return prefix + digits[:i] + OCR_SWAPS[digits[i]] + digits[i + 1 :]
    tail = digits[1:]  # truncated: the leading digit (our series) left off
    return tail if len(tail.lstrip("0")) >= 4 else None


def case_near(ctx: Ctx, name: str, kind: str) -> Plan | None:
    """One line with a mistyped or misread reference among exact ones."""
    paid_on = _paid_on(ctx)
    customer = _pick_customer(ctx, lines=1, before=paid_on)
    if customer is None:
        return None
    number = ctx.rng.choice(ctx.world.free(customer, before=paid_on))
    ref = _near_ref(ctx, number, kind)
    if ref is None or ref_key(ref) in keys(ctx.world):
        return None
    inv, bal = ctx.world.invoices[number], ctx.world.balance[number]
    ctx.world.taken.add(number)
    lines = [Line(inv, ref, bal, bal, ZERO)]
    labels = [LabelLine(ref, bal, [(number, bal)], tags=[kind], kind="near")]
    more, more_labels = _fillers(ctx, customer, ctx.rng.choice((0, 0, 1, 2, 4)), paid_on, "as-is")
    tag = "typo" if kind in ("transposed", "dropped") else kind
    labels[0].tags = [tag, kind] if tag != kind else [kind]
    return _finish(ctx, name, customer, lines + more, labels + more_labels, paid_on, [])


def case_collision(ctx: Ctx, name: str) -> Plan | None:
    """A's reference with two digits swapped is exactly B's invoice number."""
    free = [(a, b) for a, b in ctx.world.collisions if a not in ctx.world.taken]
    if not free:
        return None
    a, b = ctx.rng.choice(free)
    inv, bal = ctx.world.invoices[a], ctx.world.balance[a]
    customer = inv.customer.number
    if customer in ctx.world.reserved:
        return None
    ctx.world.taken.update({a, b})
    paid_on = max(_paid_on(ctx), inv.issue_date + timedelta(days=1))
    lines = [Line(inv, b, bal, bal, ZERO)]
    labels = [LabelLine(b, bal, [(a, bal)], tags=["collision"], kind="collision")]
    more, more_labels = _fillers(ctx, customer, ctx.rng.choice((0, 1, 2)), paid_on, "as-is")
    return _finish(ctx, name, customer, lines + more, labels + more_labels, paid_on, [])


def case_partial(ctx: Ctx, name: str, counter: list[int]) -> Plan | None:
    """Part of one invoice now; the rest, in most cases, in a later mail."""
    paid_on = TODAY - timedelta(days=ctx.rng.randint(8, 14))
    customer = _pick_customer(ctx, lines=1, before=paid_on)
    if customer is None:
        return None
    number = ctx.rng.choice(ctx.world.free(customer, before=paid_on))
    inv, bal = ctx.world.invoices[number], ctx.world.balance[number]
    part = (bal * Decimal(ctx.rng.randint(20, 80)) / 100).quantize(CENT)
    ctx.world.taken.add(number)
    lines = [Line(inv, number, part, None, None)]
    labels = [LabelLine(number, part, [(number, part)], tags=["partial"])]
    more, more_labels = _fillers(ctx, customer, ctx.rng.choice((0, 1, 2)), paid_on, "as-is")
    plan = _finish(ctx, name, customer, lines + more, labels + more_labels, paid_on, [])
    if ctx.rng.random() < 0.7:
        rest = ctx.world.balance[number] if labels[0].allowed else bal - part
        later = paid_on + timedelta(days=ctx.rng.randint(3, 7))
        follow = _finish(
            ctx,
            ctx.name(counter),
            customer,
            [Line(inv, number, rest, None, None)],
            [LabelLine(number, rest, [(number, rest)], tags=["partial-rest"])],
            later,
            [],
        )
        follow.phase = 2
        plan.follow_ups.append(follow)
    return plan


def case_discount(ctx: Ctx, name: str, *, earned: bool) -> Plan | None:
    """A 2/10 customer takes 2 %: within ten days of the invoice date, or after."""
    pool = [
        n
        for c in ctx.world.customers
        if c.terms.startswith("2/10") and c.number not in ctx.world.reserved
        for n in ctx.world.free(c.number)
        if ctx.world.balance[n] == ctx.world.invoices[n].amount
        and (TODAY - ctx.world.invoices[n].issue_date).days >= (2 if earned else 14)
    ]
    if not pool:
        return None
    number = ctx.rng.choice(pool)
    inv = ctx.world.invoices[number]
    days = (
        ctx.rng.randint(1, min(9, (TODAY - inv.issue_date).days))
        if earned
        else ctx.rng.randint(13, min(40, (TODAY - inv.issue_date).days))
    )
    paid_on = inv.issue_date + timedelta(days=days)
    disc = discount_of(inv)
    net = inv.amount - disc
    ctx.world.taken.add(number)
    tag = "discount" if earned else "discount-late"
    lines = [Line(inv, number, net, inv.amount, disc)]
    labels = [LabelLine(number, net, [(number, net)], tags=[tag])]
    more, more_labels = _fillers(
        ctx, inv.customer.number, ctx.rng.choice((0, 1, 2)), paid_on, "as-is"
    )
    return _finish(
        ctx,
        name,
        inv.customer.number,
        lines + more,
        labels + more_labels,
        paid_on,
        [],
        needs=("date",),
    )


def case_short_pay(ctx: Ctx, name: str) -> Plan | None:
    paid_on = _paid_on(ctx)
    customer = _pick_customer(ctx, lines=2, before=paid_on)
    if customer is None:
        return None
    number = ctx.rng.choice(ctx.world.free(customer, before=paid_on))
    inv, bal = ctx.world.invoices[number], ctx.world.balance[number]
    cut = (bal * Decimal(ctx.rng.randint(3, 30)) / 100).quantize(CENT)
    reason = ctx.rng.choice(DEDUCTION_REASONS)
    ctx.world.taken.add(number)
    lines = [Line(inv, number, bal - cut, bal, None, cut, reason)]
    labels = [LabelLine(number, bal - cut, [(number, bal - cut)], tags=["short-pay"])]
    more, more_labels = _fillers(ctx, customer, ctx.rng.choice((1, 2, 3)), paid_on, "as-is")
    return _finish(
        ctx, name, customer, lines + more, labels + more_labels, paid_on, [], needs=("deduction",)
    )


def case_credit_memo(ctx: Ctx, name: str) -> Plan | None:
    paid_on = _paid_on(ctx)
    pool = [
        c.number
        for c in ctx.world.customers
        if c.number not in ctx.world.reserved
        and any(
            n not in ctx.world.taken and ctx.world.balance[n] < 0
            for n in ctx.world.credits[c.number]
        )
        and len(ctx.world.free(c.number, before=paid_on)) >= 2
    ]
    if not pool:
        return None
    customer = ctx.rng.choice(pool)
    cm = next(n for n in ctx.world.credits[customer] if n not in ctx.world.taken)
    lines, labels = _fillers(ctx, customer, ctx.rng.choice((1, 2, 3)), paid_on, "as-is")
    inv, bal = ctx.world.invoices[cm], ctx.world.balance[cm]
    ctx.world.taken.add(cm)
    lines.append(Line(inv, cm, bal, bal))
    labels.append(LabelLine(cm, bal, [(cm, bal)], tags=["credit-memo"]))
    return _finish(
        ctx, name, customer, lines, labels, paid_on, [], needs=("deduction",), shuffle=False
    )


def case_no_reference(ctx: Ctx, name: str) -> Plan | None:
    """An amount and no invoice numbers: one or a unique set of open balances, or several."""
    pool = [
        c for c in sorted(ctx.world.reserved) if not set(ctx.world.by_customer[c]) & ctx.world.taken
    ]
    if not pool:
        return None
    customer = ctx.rng.choice(pool)
    open_ = ctx.world.open_numbers(customer)
    by_amount: dict[Decimal, list[str]] = {}
    for n in open_:
        by_amount.setdefault(ctx.world.balance[n], []).append(n)
    repeated = [group for group in by_amount.values() if len(group) > 1]
    if repeated and ctx.rng.random() < 0.6:  # a recurring fee paid once: which month?
        chosen = [ctx.rng.choice(repeated)[0]]  # the payer means the oldest
    else:
        k = min(len(open_), ctx.rng.choice((1, 1, 2, 3)))
        chosen = sorted(ctx.rng.sample(open_, k), key=lambda n: ctx.world.invoices[n].issue_date)
    amount = sum((ctx.world.balance[n] for n in chosen), start=ZERO)
    ctx.world.taken.update(ctx.world.by_customer[customer])
    ways = count_subsets(amount, [ctx.world.balance[n] for n in open_])
    label = LabelLine(
        None,
        amount,
        [(n, ctx.world.balance[n]) for n in chosen],
        tags=["no-reference", "noref-unique" if ways == 1 else "noref-ambiguous"],
        kind="none",
    )
    label.allowed = ways == 1
    label.why = "the only set of open balances adding up" if ways == 1 else "several sets add up"
    paid_on = TODAY - timedelta(days=ctx.rng.randint(0, 1))
    pay = make_pay(ctx, customer, [], paid_on, total=amount)
    apply(ctx.world, [label])
    layout = ctx.rng.choice(("noref-prose", "noref-advice"))
    return Plan(name, 1, layout, pay, [label], ["no-reference"], seed=f"{ctx.seed}:{name}")

"""The labelled world of ``make eval``: a ledger CSV, remittance mails in ingest phases and the
labels of every line, written to a directory. Deterministic: the same options write the same
bytes. Run alone it writes a world and prints where::

    python bench/eval_world.py --out /tmp/world --mails 1000 --invoices 5000 --customers 300

Layout of the directory: ``ledger.csv``, ``phase1/*.eml``, ``phase2/*.eml`` (re-sends,
duplicates, the rest of partial payments: they must come after what they follow, and one
``arbox ingest`` call processes its files concurrently), ``labels.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from email.parser import BytesHeaderParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_cases import (
    UNKNOWN_SENDERS,
    Ctx,
    Plan,
    _fillers,
    _finish,
    _full,
    _near_ref,
    _paid_on,
    _pick_customer,
    case_collision,
    case_credit_memo,
    case_discount,
    case_exact,
    case_near,
    case_no_reference,
    case_partial,
    case_short_pay,
)
from eval_ledger import TODAY, ZERO, World, build_world, ledger_csv
from eval_mail import Line, later_date, redate, render
from eval_questions import write_questions
from eval_rules import LabelLine, keys, ref_key


@dataclass(frozen=True)
class WorldConfig:
    """Sizes and seed of a world."""

    seed: int = 5
    mails: int = 1000
    invoices: int = 5000
    customers: int = 300
    #: The questions of bench/eval_questions.py, after the remittances.
    questions: bool = True


def case_unknown_sender(ctx: Ctx, name: str) -> Plan | None:
    """From a bank or AP platform (or an unregistered address at the customer's domain)."""
    paid_on = _paid_on(ctx)
    n = ctx.rng.choice((1, 2, 3, 5))
    customer = _pick_customer(ctx, lines=n, before=paid_on)
    if customer is None:
        return None
    if ctx.rng.random() < 0.3:
        domain = ctx.world.contacts[customer][0].rpartition("@")[2]
        sender = (f"treasury@{domain}", "Treasury")
    else:
        sender = ctx.rng.choice(UNKNOWN_SENDERS)
    lines, labels = _fillers(ctx, customer, n, paid_on, ctx.rng.choice(("as-is", "digits")))
    if not sender[0].startswith("treasury@") and ctx.rng.random() < 0.3:
        # Every reference misread: only the payer's name on the advice says who it is.
        known = keys(ctx.world)
        for i, (line, label) in enumerate(zip(lines, labels, strict=True)):
            ref = _near_ref(ctx, line.invoice.number, "ocr") or _near_ref(
                ctx, line.invoice.number, "transposed"
            )
            if ref is None or ref_key(ref) in known:
                return None
            lines[i] = Line(line.invoice, ref, line.net, line.gross, line.discount)
            label.ref, label.kind, label.tags = ref, "near", ["ocr", "payer-name"]
    return _finish(ctx, name, customer, lines, labels, paid_on, ["unknown-sender"], sender=sender)


def case_other_customer(ctx: Ctx, name: str) -> Plan | None:
    """A line names another customer's open invoice, exactly, at its balance."""
    paid_on = _paid_on(ctx)
    customer = _pick_customer(ctx, lines=1, before=paid_on)
    other = _pick_customer(ctx, lines=1, before=paid_on)
    if customer is None or other is None or other == customer:
        return None
    lines, labels = _fillers(ctx, customer, ctx.rng.choice((1, 2, 3)), paid_on, "as-is")
    number = ctx.rng.choice(ctx.world.free(other, before=paid_on))
    more, more_labels = _full(ctx, [number], "as-is", tag="other-customer")
    return _finish(ctx, name, customer, lines + more, labels + more_labels, paid_on, [])


def case_overpayment(ctx: Ctx, name: str) -> Plan | None:
    paid_on = _paid_on(ctx)
    customer = _pick_customer(ctx, lines=1, before=paid_on)
    if customer is None:
        return None
    number = ctx.rng.choice(ctx.world.free(customer, before=paid_on))
    inv, bal = ctx.world.invoices[number], ctx.world.balance[number]
    paid = bal + Decimal(ctx.rng.randint(100, 50_000)) / 100
    ctx.world.taken.add(number)
    lines = [Line(inv, number, paid, None, None)]
    labels = [LabelLine(number, paid, [(number, paid)], tags=["overpayment"])]
    more, more_labels = _fillers(ctx, customer, ctx.rng.choice((0, 1, 2)), paid_on, "as-is")
    return _finish(ctx, name, customer, lines + more, labels + more_labels, paid_on, [])


def case_already_paid(ctx: Ctx, name: str) -> Plan | None:
    """An invoice the ledger shows as paid, paid again."""
    paid_on = _paid_on(ctx)
    pool = [
        n
        for c in ctx.world.customers
        if c.number not in ctx.world.reserved
        for n in ctx.world.by_customer[c.number]
        if ctx.world.balance[n] == 0
        and n not in ctx.world.taken
        and ctx.world.invoices[n].issue_date < paid_on
    ]
    if not pool:
        return None
    number = ctx.rng.choice(pool)
    inv = ctx.world.invoices[number]
    ctx.world.taken.add(number)
    lines = [Line(inv, number, inv.amount, None, None)]
    labels = [LabelLine(number, inv.amount, [(number, inv.amount)], tags=["already-paid"])]
    more, more_labels = _fillers(
        ctx, inv.customer.number, ctx.rng.choice((0, 1, 2)), paid_on, "as-is"
    )
    return _finish(ctx, name, inv.customer.number, lines + more, labels + more_labels, paid_on, [])


def case_total_mismatch(ctx: Ctx, name: str) -> Plan | None:
    paid_on = _paid_on(ctx)
    n = ctx.rng.choice((2, 3, 4))
    customer = _pick_customer(ctx, lines=n, before=paid_on)
    if customer is None:
        return None
    lines, labels = _fillers(ctx, customer, n, paid_on, "as-is")
    total = sum((ln.amount for ln in labels), start=ZERO)
    total += ctx.rng.choice(
        (Decimal("10.00"), Decimal("-100.00"), Decimal("0.90"), Decimal("900.00"))
    )
    return _finish(
        ctx,
        name,
        customer,
        lines,
        labels,
        paid_on,
        ["total-mismatch"],
        needs=("total",),
        total=total,
    )


def case_unknown_ref(ctx: Ctx, name: str) -> Plan | None:
    """A line names no invoice of ours at all: the money is unapplied cash."""
    paid_on = _paid_on(ctx)
    customer = _pick_customer(ctx, lines=1, before=paid_on)
    if customer is None:
        return None
    lines, labels = _fillers(ctx, customer, ctx.rng.choice((1, 2)), paid_on, "as-is")
    ref = f"INV-{ctx.rng.randint(100_000, 999_999)}"
    if ref_key(ref) in keys(ctx.world):
        return None
    amount = Decimal(ctx.rng.randint(4_000, 900_000)) / 100
    fake = ctx.world.invoices[ctx.world.by_customer[customer][0]]
    lines.append(Line(fake, ref, amount, None, None))
    labels.append(LabelLine(ref, amount, [], tags=["unknown-ref"], kind="unknown"))
    return _finish(ctx, name, customer, lines, labels, paid_on, [])


#: Case -> (weight, builder); partials draw their own follow-up.
CASES: dict[str, tuple[int, Callable[[Ctx, str, list[int]], Plan | None]]] = {
    "exact": (26, lambda c, n, _: case_exact(c, n)),
    "typo-transposed": (4, lambda c, n, _: case_near(c, n, "transposed")),
    "typo-dropped": (4, lambda c, n, _: case_near(c, n, "dropped")),
    "ocr": (7, lambda c, n, _: case_near(c, n, "ocr")),
    "truncated": (3, lambda c, n, _: case_near(c, n, "truncated")),
    "collision": (2, lambda c, n, _: case_collision(c, n)),
    "partial": (5, case_partial),
    "discount": (6, lambda c, n, _: case_discount(c, n, earned=True)),
    "discount-late": (4, lambda c, n, _: case_discount(c, n, earned=False)),
    "short-pay": (5, lambda c, n, _: case_short_pay(c, n)),
    "credit-memo": (3, lambda c, n, _: case_credit_memo(c, n)),
    "no-reference": (5, lambda c, n, _: case_no_reference(c, n)),
    "unknown-sender": (6, lambda c, n, _: case_unknown_sender(c, n)),
    "other-customer": (3, lambda c, n, _: case_other_customer(c, n)),
    "overpayment": (3, lambda c, n, _: case_overpayment(c, n)),
    "already-paid": (2, lambda c, n, _: case_already_paid(c, n)),
    "total-mismatch": (2, lambda c, n, _: case_total_mismatch(c, n)),
    "unknown-ref": (1, lambda c, n, _: case_unknown_ref(c, n)),
}
#: Share of the mails that are re-sends and byte-identical duplicates (phase 2).
RESEND_SHARE = 0.03
DUPLICATE_SHARE = 0.03


def _reserve(world: World, rng: random.Random, count: int) -> None:
    """Customers kept for payments without references: small, no discount terms; half of
    them billed a recurring amount (paying one of those by amount alone is ambiguous)."""
    pool = [
        c.number
        for c in world.customers
        if not c.terms.startswith("2/10") and 3 <= len(world.open_numbers(c.number)) <= 14
    ]

    def recurring(number: str) -> bool:
        balances = [world.balance[n] for n in world.open_numbers(number)]
        return len(set(balances)) < len(balances)

    repeat = [n for n in pool if recurring(n)]
    chosen = rng.sample(repeat, min(count // 2, len(repeat)))
    rest = [n for n in pool if n not in chosen]
    chosen += rng.sample(rest, min(count - len(chosen), len(rest)))
    world.reserved = set(chosen)


def _resend(ctx: Ctx, original: Plan, name: str) -> Plan:
    """The same advice again, later, under a new Message-ID: nothing is open to apply."""
    lines = []
    for ln in original.lines:
        again = LabelLine(ln.ref, ln.amount, list(ln.truth), tags=["resend"], kind=ln.kind)
        again.allowed, again.why = False, f"re-send of {original.name}: already applied"
        lines.append(again)
    return Plan(
        name,
        2,
        original.layout,
        original.pay,
        lines,
        ["resend"],
        original.seed,
        resend_of=original.name,
        later_days=ctx.rng.randint(2, 9),
    )


def draw(config: WorldConfig) -> tuple[World, list[Plan]]:
    """The world and every mail's plan, phase 1 then phase 2, in ingest order."""
    world = build_world(seed=config.seed, invoices=config.invoices, customers=config.customers)
    rng = random.Random(f"eval-mails:{config.seed}")  # fixture data, not security
    ctx = Ctx(world, rng, config.seed)
    _reserve(world, rng, max(2, config.mails * CASES["no-reference"][0] // 100 + 2))
    counter = [0]
    extra = round(config.mails * (RESEND_SHARE + DUPLICATE_SHARE))
    first: list[Plan] = []
    later: list[Plan] = []
    names, weights = list(CASES), [w for w, _ in CASES.values()]
    misses = 0
    # Every case at least once, then by weight.
    queue = list(names)
    while len(first) + len(later) < config.mails - extra and misses < 5000:
        case = queue.pop(0) if queue else rng.choices(names, weights=weights)[0]
        plan = CASES[case][1](ctx, ctx.name(counter), counter)
        if plan is None:
            misses += 1
            continue
        first.append(plan)
        later.extend(plan.follow_ups)
    simple = [
        p
        for p in first
        if p.tags == []
        and len(p.lines) <= 3
        and all(ln.allowed and ln.tags == ["exact"] for ln in p.lines)
    ]
    for _ in range(round(config.mails * RESEND_SHARE)):
        if simple:
            original = simple.pop(rng.randrange(len(simple)))
            later.append(_resend(ctx, original, ctx.name(counter, "r")))
    for _ in range(round(config.mails * DUPLICATE_SHARE)):
        original = rng.choice(first)
        name = ctx.name(counter, "d")
        later.append(
            Plan(
                name,
                2,
                original.layout,
                original.pay,
                [],
                ["duplicate"],
                original.seed,
                duplicate_of=original.name,
            )
        )
    later.sort(key=lambda p: p.name)
    return world, first + later


def message_id(raw: bytes) -> str:
    return str(BytesHeaderParser().parsebytes(raw)["Message-ID"]).strip()


def write_world(config: WorldConfig, out: Path) -> dict[str, object]:
    """Write ledger, mails and labels under ``out``; return the labels."""
    world, plans = draw(config)
    out.mkdir(parents=True, exist_ok=True)
    (out / "ledger.csv").write_bytes(ledger_csv(world))
    by_name = {p.name: p for p in plans}
    open_invoices = {
        c.number: tuple(
            world.invoices[n] for n in world.by_customer[c.number] if world.invoices[n].balance > 0
        )
        for c in world.customers
    }
    mails = []
    for order, plan in enumerate(plans):
        source = by_name[plan.duplicate_of] if plan.duplicate_of else plan
        origin = by_name[plan.resend_of] if plan.resend_of else source
        assert source.pay is not None
        raw = render(
            source.layout,
            source.pay,
            name=plan.name if not plan.duplicate_of else source.name,
            seed=origin.seed,
            open_invoices=open_invoices[source.pay.customer.number],
        )
        if plan.resend_of:
            raw = redate(raw, later_date(source.pay, plan.later_days, plan.seed))
        folder = out / f"phase{plan.phase}"
        folder.mkdir(exist_ok=True)
        (folder / f"{plan.name}.eml").write_bytes(raw)
        mails.append(
            {
                "name": plan.name,
                "file": f"phase{plan.phase}/{plan.name}.eml",
                "phase": plan.phase,
                "order": order,
                "message_id": message_id(raw),
                "layout": source.layout,
                "customer": source.pay.customer.number,
                "sender": source.pay.sender,
                "paid_on": source.pay.paid_on.isoformat(),
                "tags": plan.tags,
                "duplicate_of": plan.duplicate_of,
                "resend_of": plan.resend_of,
                "lines": [ln.to_json() for ln in plan.lines],
            }
        )
    phases = sorted({p.phase for p in plans})
    last = max(p.pay.paid_on for p in plans if p.pay) + timedelta(days=RESEND_DAYS)
    queries = (
        write_questions(
            world, config.seed, out, after=last, phase=QUESTION_PHASE, message_id=message_id
        )
        if config.questions
        else []
    )
    labels: dict[str, object] = {
        "config": config.__dict__,
        "today": TODAY.isoformat(),
        "phases": [*phases, QUESTION_PHASE] if queries else phases,
        "mails": mails,
        "queries": queries,
    }
    (out / "labels.json").write_text(json.dumps(labels, indent=1) + "\n")
    return labels


#: The questions come after every remittance, in a phase of their own, dated after the last
#: re-send (at most 9 days after its payment).
QUESTION_PHASE = 3
RESEND_DAYS = 10


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--mails", type=int, default=WorldConfig.mails)
    parser.add_argument("--invoices", type=int, default=WorldConfig.invoices)
    parser.add_argument("--customers", type=int, default=WorldConfig.customers)
    parser.add_argument("--seed", type=int, default=WorldConfig.seed)
    args = parser.parse_args(argv)
    config = WorldConfig(args.seed, args.mails, args.invoices, args.customers)
    labels = write_world(config, args.out)
    mails = labels["mails"]
    assert isinstance(mails, list)
    print(f"{len(mails)} mails, {sum(len(m['lines']) for m in mails)} lines in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

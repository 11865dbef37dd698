"""The ledger of the ``make eval`` world: customers with legal-form names, registered contacts
and terms; thousands of sparse ``INV-`` numbers issued in date order; paid invoices, credit
memos, customers with recurring equal amounts, and numbers that are another customer's
number with two digits swapped. Seeded: the same config gives the same ledger.

It also keeps the *ideal* state of the world while the mails are drawn: the open balances an
arbox that applies exactly what the rules allow would see, mail after mail.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from eval_mail import Customer, Invoice

from ledger.import_rows import ALL_COLUMNS

#: The "today" of the world: no mail and no payment is later.
TODAY = date(2026, 11, 15)
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
AR_ADDRESS = "ar@arbox.example"

#: (country, currency, legal forms, share of customers)
COUNTRIES = (
    ("US", "USD", ("Inc", "LLC", "Corp", "Inc."), 0.70),
    ("GB", "GBP", ("Ltd", "PLC", "Limited"), 0.10),
    ("DE", "EUR", ("GmbH", "AG", "GmbH & Co. KG"), 0.20),
)
TRADES = (
    "Logistics",
    "Foods",
    "Industries",
    "Supplies",
    "Manufacturing",
    "Trading",
    "Systems",
    "Holdings",
    "Retail",
    "Components",
    "Packaging",
    "Electric",
    "Pharma",
    "Textiles",
    "Tools",
    "Furniture",
    "Plastics",
    "Metals",
    "Marine",
    "Medical",
    "Labs",
    "Outfitters",
    "Bakery",
)
TERMS = (("Net 30", 4), ("2/10 Net 30", 3), ("Net 45", 2), ("Net 60", 1))
#: Share of customers whose name differs from another's only by the legal form.
TWIN_SHARE = 0.04
#: Share of customers billed a recurring equal amount (a subscription, a rent).
RECURRING_SHARE = 0.08
PAID_SHARE = 0.03
CREDIT_SHARE = 0.15  # customers with one open credit memo


@dataclass
class World:
    """The ledger as imported, and the ideal open balances as the mails are drawn."""

    customers: list[Customer]
    contacts: dict[str, list[str]]  # customer number -> registered addresses
    invoices: dict[str, Invoice]  # number -> invoice as imported
    by_customer: dict[str, list[str]]  # customer number -> invoice numbers, oldest first
    credits: dict[str, list[str]]  # customer number -> credit memo numbers
    #: (invoice of customer A, number of customer B's invoice that is it with 2 digits swapped)
    collisions: list[tuple[str, str]]
    balance: dict[str, Decimal] = field(default_factory=dict)  # ideal open balances
    #: Invoices a mail is drawn for already (each is paid by one chain of mails only).
    taken: set[str] = field(default_factory=set)
    #: Customers reserved for payments without references (no other mail touches them).
    reserved: set[str] = field(default_factory=set)

    def customer(self, number: str) -> Customer:
        return next(c for c in self.customers if c.number == number)

    def owner(self, number: str) -> str:
        return self.invoices[number].customer.number

    def open_numbers(self, customer: str) -> list[str]:
        return [n for n in self.by_customer[customer] if self.balance[n] > 0]

    def free(self, customer: str, *, before: date | None = None) -> list[str]:
        """Open invoices of ``customer`` no mail is drawn for yet (issued before ``before``)."""
        return [
            n
            for n in self.open_numbers(customer)
            if n not in self.taken
            and (before is None or self.invoices[n].issue_date < before)
            and n not in {a for a, _ in self.collisions} | {b for _, b in self.collisions}
        ]


def discount_of(invoice: Invoice) -> Decimal:
    """The early-payment discount ``2/10 Net 30`` grants on the invoice (0.00 otherwise)."""
    if not invoice.customer.terms.startswith("2/10"):
        return ZERO
    return (invoice.amount * Decimal(2) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def is_earned(invoice: Invoice, paid_on: date) -> bool:
    return discount_of(invoice) > 0 and paid_on <= invoice.issue_date + timedelta(days=10)


def swap_two(digits: str, rng: random.Random) -> str | None:
    """``digits`` with two adjacent, different digits swapped (None when there are none)."""
    spots = [i for i in range(len(digits) - 1) if digits[i] != digits[i + 1] and i > 0]
    if not spots:
        return None
    i = rng.choice(spots)
    return digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]


def _names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(rng.randint(0, 10**9))
    out: list[tuple[str, str]] = []
    bases: set[str] = set()
    countries = [c for c, _, _, share in COUNTRIES for _ in range(round(share * 100))]
    while len(out) < count:
        country = rng.choice(countries)
        forms = next(f for c, _, f, _ in COUNTRIES if c == country)
        base = f"{fake.last_name()} {rng.choice(TRADES)}"
        if base in bases:
            continue
        bases.add(base)
        out.append((f"{base} {rng.choice(forms)}", country))
        if rng.random() < TWIN_SHARE and len(out) < count:  # same words, another legal form
            twin = next(f for f in forms if not out[-1][0].endswith(f" {f}"))
            out.append((f"{base} {twin}", country))
    return out


def build_world(*, seed: int, invoices: int, customers: int) -> World:
    """The customers, their invoices and credit memos, and the collision pairs."""
    rng = random.Random(f"eval-ledger:{seed}")  # fixture data, not security
    people: list[Customer] = []
    contacts: dict[str, list[str]] = {}
    for index, (name, country) in enumerate(_names(rng, customers)):
        currency = next(cur for c, cur, _, _ in COUNTRIES if c == country)
        slug = "-".join(name.lower().replace(".", "").replace("&", "").split()[:2])
        domain = f"{slug}{index}.example"
        local = rng.choice(("ap", "payables", "accounts", "finance", "remittance"))
        number = f"C{10001 + index}"
        terms = rng.choices([t for t, _ in TERMS], weights=[w for _, w in TERMS])[0]
        people.append(
            Customer(
                number,
                name,
                f"{local}@{domain}",
                f"{rng.choice(('Ann', 'Bo', 'Chris', 'Dana', 'Eli', 'Fay'))} {name.split()[0]}",
                f"{rng.randint(1, 999)} Main Street",
                "Springfield",
                country,
                currency,
                "de" if country == "DE" else "en",
                terms,
            )
        )
        contacts[number] = [f"{local}@{domain}"]
        if rng.random() < 0.2:
            contacts[number].append(f"jane.{index}@{domain}")
    # Invoice counts: a few large accounts, most small; every customer at least 4.
    weights = [rng.choice((1, 1, 1, 2, 2, 3, 6)) for _ in people]
    share = [max(4, round(invoices * w / sum(weights))) for w in weights]
    drawn: list[tuple[date, Customer, Decimal]] = []
    for customer, count in zip(people, share, strict=True):
        recurring = rng.random() < RECURRING_SHARE
        fee = Decimal(rng.randint(20_000, 300_000)) * CENT
        for k in range(count):
            issue = TODAY - timedelta(days=rng.randint(2, 150))
            amount = (
                fee if recurring and k % 2 == 0 else Decimal(rng.randint(4_000, 2_500_000)) * CENT
            )
            drawn.append((issue, customer, amount))
    drawn.sort(key=lambda row: (row[0], row[1].number, row[2]))
    numbers = sorted(rng.sample(range(100_000, 999_999), len(drawn)))
    invs: dict[str, Invoice] = {}
    by_customer: dict[str, list[str]] = {c.number: [] for c in people}
    for (issue, customer, amount), n in zip(drawn, numbers, strict=True):
        days = int(customer.terms.rsplit(" ", 1)[1])
        paid = rng.random() < PAID_SHARE
        inv = Invoice(
            f"INV-{n}",
            customer,
            issue,
            issue + timedelta(days=days),
            amount,
            ZERO if paid else amount,
        )
        invs[inv.number] = inv
        by_customer[customer.number].append(inv.number)
    collisions = _collide(rng, invs, by_customer, pairs=max(2, len(invs) // 250))
    credits: dict[str, list[str]] = {c.number: [] for c in people}
    cm = 70001
    for customer in people:
        if rng.random() < CREDIT_SHARE:
            issue = TODAY - timedelta(days=rng.randint(5, 60))
            amount = -Decimal(rng.randint(1_000, 80_000)) * CENT
            inv = Invoice(f"CM-{cm}", customer, issue, issue, amount, amount)
            invs[inv.number] = inv
            credits[customer.number].append(inv.number)
            cm += 1
    world = World(people, contacts, invs, by_customer, credits, collisions)
    world.balance = {n: inv.balance for n, inv in invs.items()}
    return world


def _collide(
    rng: random.Random,
    invs: dict[str, Invoice],
    by_customer: dict[str, list[str]],
    *,
    pairs: int,
) -> list[tuple[str, str]]:
    """Renumber ``pairs`` invoices so each is another customer's open invoice with two digits
    swapped: that customer's mistyped reference then names someone else's invoice exactly."""
    out: list[tuple[str, str]] = []
    numbers = sorted(invs)
    used: set[str] = set()
    for _ in range(pairs * 20):
        if len(out) >= pairs:
            break
        a, b = rng.sample(numbers, 2)
        ia, ib = invs[a], invs[b]
        if a in used or b in used or ia.customer.number == ib.customer.number:
            continue
        if ia.balance <= 0 or ib.balance <= 0:
            continue
        swapped = swap_two(a.removeprefix("INV-"), rng)
        if swapped is None or f"INV-{swapped}" in invs:
            continue
        new = f"INV-{swapped}"
        del invs[b]
        invs[new] = Invoice(new, ib.customer, ib.issue_date, ib.due_date, ib.amount, ib.balance)
        owner = by_customer[ib.customer.number]
        owner[owner.index(b)] = new
        used.update({a, new})
        out.append((a, new))
    return out


def ledger_csv(world: World) -> bytes:
    """The ledger in the format of ``arbox import invoices`` (docs/imports-and-exports.md)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ALL_COLUMNS)
    for customer in world.customers:
        numbers = world.by_customer[customer.number] + world.credits[customer.number]
        for number in numbers:
            inv = world.invoices[number]
            writer.writerow(
                [
                    inv.number,
                    customer.number,
                    customer.name,
                    ";".join(world.contacts[customer.number]),
                    inv.issue_date.isoformat(),
                    inv.due_date.isoformat(),
                    f"{inv.amount:.2f}",
                    f"{inv.balance:.2f}",
                    customer.currency,
                    customer.terms,
                ]
            )
    return out.getvalue().encode()

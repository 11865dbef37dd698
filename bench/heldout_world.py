# long: the held-out world as its author wrote it from a description (bench/HELDOUT.md); kept whole, apart from the code it measures.
"""The held-out labelled world for arbox: a ledger, remittance advices and customer questions as
.eml, and labels (bench/HELDOUT.md). Written from a description of the trade and the labelling
rules, without reading arbox's parsers or matching. Standalone (stdlib, reportlab, openpyxl).

    python bench/heldout_world.py --out DIR [--seed 9173] [--mails 385] [--queries 140]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import heldout_fam2 as hf
import heldout_fam3 as hf3
import heldout_fam4 as hf4
import heldout_fam5 as hf5
import heldout_fam6 as hf6
import heldout_fam7 as hf7
import heldout_queries as hq
import heldout_render as hr
from heldout_rules import CENT, ZERO, Book, Inv, Line, apply, decide, is_near, nkey

TODAY = date(2026, 11, 20)
START = TODAY - timedelta(days=30)

# --------------------------------------------------------------------------------------------
# Customers


@dataclass
class Customer:
    number: str
    name: str
    currency: str
    locale: str
    lang: str
    region: str
    domain: str
    contacts: list[str]
    people: list[str]
    terms: str
    size: int
    habit: str
    layouts: list[str]
    subscription: Decimal | None = None
    vendor_no: str = ""


NAMES = {
    "US": (
        [
            "Northwind",
            "Bluewater",
            "Summit",
            "Granite",
            "Redwood",
            "Cedar Ridge",
            "Lakeshore",
            "Ironbridge",
            "Pioneer",
            "Harbor",
            "Crescent",
            "Falcon",
            "Keystone",
            "Prairie",
            "Silverline",
            "Oakmont",
            "Riverbend",
            "Blue Ridge",
            "Golden Gate",
            "Evergreen",
            "Sierra",
            "Copperfield",
            "Maple Leaf",
            "Tri-County",
            "Liberty",
        ],
        [
            "Foods",
            "Tools",
            "Logistics",
            "Hardware",
            "Medical Supply",
            "Packaging",
            "Electric",
            "Builders",
            "Marine",
            "Textiles",
            "Bakery",
            "Auto Parts",
            "Office Solutions",
            "Dental Labs",
            "HVAC",
            "Farms",
        ],
        ["Inc.", "LLC", "Corp.", "Co.", "Inc"],
    ),
    "GB": (
        [
            "Thames",
            "Pennine",
            "Cotswold",
            "Highland",
            "Brunel",
            "Wessex",
            "Kingsway",
            "Mersey",
            "Albion",
            "Severn",
            "Chiltern",
        ],
        ["Engineering", "Supplies", "Wholesale", "Catering", "Joinery", "Print", "Distribution"],
        ["Ltd", "Limited", "plc", "Ltd."],
    ),
    "IE": (
        ["Liffey", "Shannon", "Connacht", "Wicklow", "Burren"],
        ["Agri", "Pharma", "Freight", "Builders Providers"],
        ["Ltd", "DAC"],
    ),
    "DE": (
        [
            "Müller",
            "Schneider",
            "Fischer",
            "Weber",
            "Becker",
            "Hoffmann",
            "Schäfer",
            "Koch",
            "Richter",
            "Wagner",
            "Krüger",
            "Wolf",
        ],
        [
            "Baustoffe",
            "Metallbau",
            "Elektrotechnik",
            "Logistik",
            "Lebensmittel",
            "Haustechnik",
            "Druckerei",
            "Maschinenbau",
        ],
        ["GmbH", "AG", "GmbH & Co. KG", "e.K."],
    ),
    "FR": (
        [
            "Dupont",
            "Lefèvre",
            "Moreau",
            "Girard",
            "Laurent",
            "Rousseau",
            "Bernard",
            "Fontaine",
            "Chevalier",
        ],
        [
            "Boulangerie",
            "Transports",
            "Menuiserie",
            "Pharmacie",
            "Quincaillerie",
            "Imprimerie",
            "Garage",
        ],
        ["SARL", "SAS", "SA"],
    ),
    "ES": (
        ["García", "Martínez", "López", "Sánchez", "Romero", "Navarro", "Ortega", "Delgado"],
        [
            "Distribuciones",
            "Construcciones",
            "Transportes",
            "Suministros",
            "Talleres",
            "Hostelería",
        ],
        ["S.L.", "S.A.", "SL"],
    ),
    "NL": (
        [
            "Van der Berg",
            "De Vries",
            "Jansen",
            "Bakker",
            "Visser",
            "Smit",
            "Mulder",
            "De Groot",
            "Bos",
        ],
        ["Logistiek", "Installatietechniek", "Bouwmaterialen", "Groothandel", "Metaal", "Techniek"],
        ["B.V.", "BV", "V.O.F."],
    ),
}
PEOPLE = {
    "en": [
        "John Smith",
        "Mary Johnson",
        "Linda Garcia",
        "Robert Brown",
        "Patricia Miller",
        "James Wilson",
        "Karen Moore",
        "Sarah Taylor",
        "David Clark",
        "Emma Hughes",
        "Oliver Wright",
        "Siobhan Kelly",
        "Tom Evans",
        "Priya Patel",
    ],
    "de": [
        "Anna Schmidt",
        "Thomas Müller",
        "Sabine Wagner",
        "Michael Becker",
        "Petra Hoffmann",
        "Jürgen Koch",
        "Claudia Weber",
    ],
    "fr": [
        "Marie Martin",
        "Pierre Dubois",
        "Sophie Laurent",
        "Julien Moreau",
        "Isabelle Petit",
        "Nicolas Roux",
    ],
    "es": [
        "María García",
        "José Fernández",
        "Carmen López",
        "Javier Ruiz",
        "Lucía Moreno",
        "Antonio Jiménez",
    ],
    "nl": [
        "Jan de Vries",
        "Sanne Jansen",
        "Pieter Bakker",
        "Lotte Visser",
        "Kees Smit",
        "Femke de Boer",
    ],
}
AP_BOXES = {
    "en": ["ap", "accountspayable", "payables", "ap.invoices", "finance", "remittance", "accounts"],
    "de": ["buchhaltung", "kreditoren", "rechnungswesen", "finanzen", "ap"],
    "fr": ["comptabilite", "fournisseurs", "compta", "paiements"],
    "es": ["contabilidad", "pagos", "proveedores", "administracion"],
    "nl": ["crediteuren", "administratie", "financien", "boekhouding"],
}
LOCALES = [
    ("US", "en_US", "USD", "en", 44),
    ("GB", "en_GB", "GBP", "en", 9),
    ("IE", "en_IE", "EUR", "en", 4),
    ("DE", "de_DE", "EUR", "de", 15),
    ("FR", "fr_FR", "EUR", "fr", 10),
    ("ES", "es_ES", "EUR", "es", 9),
    ("NL", "nl_NL", "EUR", "nl", 9),
]
TERMS = (
    ["Net 30"] * 10
    + ["Net 45"] * 3
    + ["Net 60"] * 2
    + ["2/10 Net 30"] * 4
    + ["1/15 Net 60"] * 2
    + ["Net 14"] * 2
)
HABITS = (
    ["asis"] * 60
    + ["noprefix"] * 10
    + ["nodash"] * 8
    + ["lower"] * 6
    + ["hash"] * 3
    + ["spaces"] * 5
    + ["nozeros"] * 6
    + ["invword"] * 3
)
LAYOUT_BY_REGION = {
    "US": [
        "html-table",
        "text-table",
        "sentence",
        "csv",
        "xlsx",
        "ruled-pdf",
        "column-pdf",
        "pipe-table",
        "text-list",
        "letter-pdf",
        "sap-pdf",
    ],
    "GB": [
        "html-table",
        "text-table",
        "sentence",
        "csv",
        "ruled-pdf",
        "letter-pdf",
        "text-list",
        "xlsx",
    ],
    "IE": ["html-table", "sentence", "ruled-pdf", "csv", "text-list"],
    "DE": [
        "sap-pdf",
        "text-list",
        "sentence",
        "csv",
        "xlsx",
        "text-table",
        "html-table",
        "letter-pdf",
    ],
    "FR": ["text-list", "ruled-pdf", "sentence", "csv", "html-table", "letter-pdf", "text-table"],
    "ES": ["text-list", "ruled-pdf", "sentence", "xlsx", "html-table", "csv", "letter-pdf"],
    "NL": [
        "html-table",
        "text-list",
        "sentence",
        "csv",
        "xlsx",
        "text-table",
        "ruled-pdf",
        "sap-pdf",
    ],
}
TLD = {"US": "com", "GB": "co.uk", "IE": "ie", "DE": "de", "FR": "fr", "ES": "es", "NL": "nl"}


def slug(s: str) -> str:
    t = s.lower()
    for a, b in (
        ("ä", "ae"),
        ("ö", "oe"),
        ("ü", "ue"),
        ("ß", "ss"),
        ("é", "e"),
        ("è", "e"),
        ("í", "i"),
        ("á", "a"),
        ("ó", "o"),
        ("ñ", "n"),
        ("ç", "c"),
    ):
        t = t.replace(a, b)
    return "".join(ch for ch in t if ch.isalnum())


def make_customers(rng: random.Random, n: int) -> list[Customer]:
    out: list[Customer] = []
    used: set[str] = set()
    weights = [w for *_, w in LOCALES]
    for i in range(n):
        region, locale, cur, lang, _ = rng.choices(LOCALES, weights)[0]
        a, b, sfx = NAMES[region]
        for _ in range(50):
            first, second = rng.choice(a), rng.choice(b)
            name = f"{second} {first}" if region in ("FR", "ES") else (f"{first} {second}")
            name = f"{name} {rng.choice(sfx)}"
            if name not in used:
                break
        used.add(name)
        core = slug(name.rsplit(" ", 1)[0])[:22]
        domain = f"{core}.{TLD[region]}.example"
        people = rng.sample(PEOPLE[lang if lang in PEOPLE else "en"], 3)
        contacts = [f"{rng.choice(AP_BOXES[lang])}@{domain}"]
        if rng.random() < 0.55:
            p = people[0].lower().replace(" ", ".")
            contacts.append(f"{slug(p.split('.')[0])}.{slug(p.split('.')[-1])}@{domain}")
        if rng.random() < 0.12:  # a small business's bookkeeper on a free-mail address
            contacts.append(f"{slug(people[1].split()[-1])}{rng.randint(10, 99)}@freemail.example")
        u = rng.random()
        size = (
            int(rng.uniform(80, 150))
            if u < 0.07
            else (int(rng.uniform(16, 44)) if u < 0.3 else int(rng.uniform(3, 12)))
        )
        terms = rng.choice(TERMS)
        sub = None
        if rng.random() < 0.14:
            sub = Decimal(rng.choice([450, 890, 1250, 1999, 2400, 3750, 5200])) + Decimal(
                rng.choice([0, 0, 0.5, 0.99, 0.9])
            ).quantize(CENT)
        layouts = rng.sample(
            LAYOUT_BY_REGION[region], k=min(len(LAYOUT_BY_REGION[region]), rng.randint(1, 3))
        )
        out.append(
            Customer(
                f"C{1001 + i:04d}",
                name,
                cur,
                locale,
                lang,
                region,
                domain,
                contacts,
                people,
                terms,
                size,
                rng.choice(HABITS),
                layouts,
                sub,
                f"{rng.choice(['V', 'K', 'F', ''])}{rng.randint(10000, 99999)}",
            )
        )
    return out


# --------------------------------------------------------------------------------------------
# Ledger


def money(rng: random.Random, lo: float = 40.0, hi: float = 60000.0) -> Decimal:
    x = rng.lognormvariate(7.3, 1.1)
    x = min(max(x, lo), hi)
    return Decimal(str(round(x, 2))).quantize(CENT)


def due_days(terms: str) -> int:
    return int(terms.rsplit(" ", 1)[1])


def make_ledger(
    rng: random.Random, customers: list[Customer]
) -> tuple[dict[str, Inv], dict[str, Decimal]]:
    """Invoices of three numbering schemes: NW-06xxxx (old system, before May 2026), 9004xxxx
    (the new ERP), INV-21xxxx (subscription billing); credit memos 9005xxxx."""
    docs: list[
        tuple[date, str, Customer, Decimal, str]
    ] = []  # (issue, kind, customer, amount, batch-id)
    for c in customers:
        n = c.size
        for _ in range(n):
            u = rng.random()
            if u < 0.12:
                d = date(2025, 11, 1) + timedelta(days=rng.randint(0, 250))
            elif u < 0.24:
                d = date(2026, 7, 10) + timedelta(days=rng.randint(0, 52))
            elif u < 0.85:
                d = date(2026, 9, 1) + timedelta(days=rng.randint(0, 55))
            else:
                d = date(2026, 10, 26) + timedelta(days=rng.randint(0, 24))
            k = (
                1 if rng.random() < 0.75 else rng.randint(2, 3)
            )  # invoices issued together get consecutive numbers
            for _ in range(k):
                docs.append((d, "inv", c, money(rng), f"{c.number}{d}"))
        if c.subscription is not None:
            m0 = rng.randint(3, 8)
            for m in range(m0, 12):
                d = date(2026, m, 1) if m >= 1 else date(2026, 1, 1)
                docs.append((d, "sub", c, c.subscription, f"{c.number}S{m}"))
            docs.append((date(2026, 11, 1), "sub", c, c.subscription, f"{c.number}S11"))
        if rng.random() < 0.22:
            for _ in range(rng.randint(1, 2)):
                d = date(2026, 8, 1) + timedelta(days=rng.randint(0, 100))
                docs.append((d, "memo", c, -money(rng, 20, 1500), f"{c.number}M{d}"))
    docs.sort(key=lambda t: (t[0], t[4]))
    nw, erp, sub, cm = 60001, 40001, 10001, 20001
    invoices: dict[str, Inv] = {}
    for d, kind, c, amt, _ in docs:
        if kind == "sub":
            num = f"INV-2{sub:05d}"
            sub += 1
        elif kind == "memo":
            num = f"9005{cm:04d}"[:8] if cm < 10000 else f"9005{cm % 10000:04d}"
            cm += rng.choice([1, 1, 2])
        elif d < date(2026, 5, 1):
            num = f"NW-0{nw:05d}"
            nw += rng.choice([1, 1, 1, 2])
        else:
            num = f"9004{erp % 10000:04d}"
            erp += 1 if rng.random() < 0.93 else rng.randint(2, 5)
        if d >= TODAY:
            d = TODAY - timedelta(days=1)
        terms = "Net 30" if kind == "sub" else c.terms
        invoices[num] = Inv(
            num, c.number, d, d + timedelta(days=due_days(terms)), amt, c.currency, terms, kind
        )
    # near-numbered pairs by hand: swapped digits and one digit apart, same customer
    by_c: dict[str, list[str]] = {}
    for n, inv in invoices.items():
        by_c.setdefault(inv.customer, []).append(n)
    keys = {nkey(n) for n in invoices}
    cust = {c.number: c for c in customers}
    for cn in rng.sample(sorted(by_c), k=min(len(by_c), 70)):
        base = [
            n for n in by_c[cn] if n.startswith("9004") and invoices[n].issue > date(2026, 9, 1)
        ]
        if not base:
            continue
        b = rng.choice(base)
        digits = list(b)
        if rng.random() < 0.5:
            i = rng.randint(4, 6)
            digits[i], digits[i + 1] = digits[i + 1], digits[i]
        else:
            i = rng.randint(5, 7)
            digits[i] = str((int(digits[i]) + rng.choice([1, 2, 5, 9])) % 10)
        new = "".join(digits)
        if new == b or nkey(new) in keys:
            continue
        keys.add(nkey(new))
        d = invoices[b].issue + timedelta(days=rng.randint(-5, 5))
        d = min(d, TODAY - timedelta(days=1))
        c = cust[cn]
        invoices[new] = Inv(
            new, cn, d, d + timedelta(days=due_days(c.terms)), money(rng), c.currency, c.terms
        )
    # balances as of the import (before the mails): old invoices mostly paid already
    balance: dict[str, Decimal] = {}
    for n, inv in invoices.items():
        age = (TODAY - inv.issue).days
        p_paid = (
            0.93
            if age > 130
            else 0.7
            if age > 100
            else 0.2
            if age > 75
            else 0.05
            if age > 50
            else 0.01
        )
        if inv.kind == "memo":
            balance[n] = ZERO if rng.random() < 0.3 else inv.amount
        elif rng.random() < p_paid:
            balance[n] = ZERO
        elif rng.random() < 0.05 and inv.amount > 100:
            balance[n] = (inv.amount * Decimal(rng.choice(["0.5", "0.4", "0.25", "0.6"]))).quantize(
                CENT
            )
        else:
            balance[n] = inv.amount
    return invoices, balance


def write_ledger(
    path: Path, customers: list[Customer], invoices: dict[str, Inv], balance: dict[str, Decimal]
) -> None:
    cust = {c.number: c for c in customers}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        [
            "invoice_number",
            "customer_number",
            "customer_name",
            "issue_date",
            "due_date",
            "amount",
            "balance",
            "currency",
            "terms",
            "customer_email",
            "locale",
        ]
    )
    for n, inv in sorted(invoices.items(), key=lambda kv: (kv[1].issue, kv[0])):
        c = cust[inv.customer]
        w.writerow(
            [
                n,
                c.number,
                c.name,
                inv.issue.isoformat(),
                inv.due.isoformat(),
                f"{inv.amount:.2f}",
                f"{balance[n]:.2f}",
                inv.currency,
                inv.terms,
                ";".join(c.contacts),
                c.locale,
            ]
        )
    path.write_bytes(buf.getvalue().encode("utf-8"))


# --------------------------------------------------------------------------------------------
# Reference forms


def split_number(n: str) -> tuple[str, str]:
    i = 0
    while i < len(n) and not n[i].isdigit():
        i += 1
    return n[:i], n[i:]


def habit_form(n: str, habit: str) -> tuple[str, str]:
    """The number as this payer always writes it, and the tag."""
    pre, dig = split_number(n)
    if habit == "lower" and pre:
        return n.lower(), "lowercase"
    if habit == "nodash" and pre:
        return pre.replace("-", "") + dig, "no-separator"
    if habit == "noprefix" and pre:
        return dig, "no-prefix"
    if habit == "nozeros" and pre and dig.startswith("0"):
        return dig.lstrip("0"), "no-prefix-no-zeros"
    if habit == "hash":
        return "#" + (dig if pre else n), "hash"
    if habit == "spaces":
        if pre:
            return pre.rstrip("-") + " " + dig, "space-separator"
        return n[:4] + " " + n[4:], "space-separator"
    if habit == "invword" and not pre:
        return "INV-" + n, "inv-word"
    return n, "exact"


def cut_form(rng: random.Random, n: str) -> str:
    key = nkey(n)
    ks = [
        k for k in range(4, len(key)) if key[-k] != "0"
    ]  # a tail that starts with 0 reads as a shorter number
    short = [k for k in ks if k <= 5]
    return key[-rng.choice(short or ks or [len(key)]) :]


def typo_form(rng: random.Random, n: str, kind: str) -> str:
    pre, dig = split_number(n)
    d = list(dig)
    lo = 1 if len(d) > 5 else 2
    if kind == "swap":
        for _ in range(10):
            i = rng.randint(lo, len(d) - 2)
            if d[i] != d[i + 1]:
                d[i], d[i + 1] = d[i + 1], d[i]
                break
    elif kind == "change":
        i = rng.randint(lo, len(d) - 1)
        d[i] = str((int(d[i]) + rng.randint(1, 9)) % 10)
    elif kind == "drop":
        i = rng.randint(lo, len(d) - 1)
        del d[i]
    elif kind == "add":
        i = rng.randint(lo, len(d))
        d.insert(i, str(rng.randint(0, 9)))
    return pre + "".join(d)


OCR = {"0": ["O", "o"], "1": ["l", "I"], "5": ["S"], "8": ["B"]}


def ocr_form(rng: random.Random, n: str) -> str | None:
    pre, dig = split_number(n)
    spots = [i for i, ch in enumerate(dig) if ch in OCR and i > 0]
    if not spots:
        return None
    d = list(dig)
    for i in rng.sample(spots, k=min(len(spots), rng.choice([1, 1, 2]))):
        d[i] = rng.choice(OCR[d[i]])
    return pre + "".join(d)


# --------------------------------------------------------------------------------------------
# The world


DEDUCTION_REASONS = {
    "en": [
        "damaged goods",
        "price difference",
        "freight not agreed",
        "short shipment",
        "returned goods",
        "promo allowance",
    ],
    "de": [
        "Transportschaden",
        "Preisdifferenz",
        "Fracht nicht vereinbart",
        "Mindermenge",
        "Retoure",
    ],
    "fr": [
        "marchandise endommagée",
        "écart de prix",
        "frais de port non acceptés",
        "livraison incomplète",
    ],
    "es": ["mercancía dañada", "diferencia de precio", "portes no acordados", "faltan unidades"],
    "nl": ["beschadigde goederen", "prijsverschil", "vracht niet akkoord", "manco"],
}
PARTIAL = {
    "en": "partial payment",
    "de": "Teilzahlung",
    "fr": "acompte",
    "es": "pago parcial",
    "nl": "deelbetaling",
}
REST = {
    "en": "balance of invoice",
    "de": "Restzahlung",
    "fr": "solde",
    "es": "resto",
    "nl": "restbetaling",
}
FAMILY_W = {
    "plain": 760,
    "cut-prefix": 30,
    "typo": 30,
    "ocr": 14,
    "cut-typo": 10,
    "cut-short": 10,
    "unearned-discount": 12,
    "deduction": 30,
    "partial": 14,
    "overpayment": 6,
    "already-paid": 8,
    "other-customer": 5,
    "neighbour-trap": 10,
    "multi-invoice-line": 5,
    "plain-short": 10,
}


@dataclass
class Mail:
    name: str
    phase: int
    order: int
    when: datetime
    kind: str  # remittance | query
    label: dict = field(default_factory=dict)
    raw: bytes = b""


class World:
    def __init__(self, seed: int, n_customers: int, n_mails: int, n_queries: int) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.customers = make_customers(self.rng, n_customers)
        self.cust = {c.number: c for c in self.customers}
        invoices, balance = make_ledger(self.rng, self.customers)
        self.ledger_balance = dict(balance)
        self.book = Book(invoices, dict(balance), {c.number: c.contacts for c in self.customers})
        self.n_mails, self.n_queries = n_mails, n_queries
        self.used: set[str] = set()  # invoices a remittance already paid (or meant to)
        self.mails: list[Mail] = []
        self.later: list = []  # phase-2 work
        self.tag_counts: Counter = Counter()

    # ---- helpers

    def payable(self, c: Customer, on: date) -> list[str]:
        out = []
        for n in self.book.by_customer.get(c.number, []):
            inv = self.book.invoices[n]
            if (
                inv.kind != "memo"
                and self.book.balance[n] > 0
                and n not in self.used
                and inv.issue <= on - timedelta(days=2)
            ):
                out.append(n)
        out.sort(key=lambda n: (self.book.invoices[n].due, n))
        return out

    def near_pairs(self, c: Customer, pool: list[str]) -> list[tuple[str, str]]:
        """(named, true) pairs of open invoices of c near each other with different balances."""
        out = []
        opens = [n for n in self.book.open_of(c.number) if self.book.invoices[n].kind != "memo"]
        for b in pool:
            for a in opens:
                if (
                    a != b
                    and a not in self.used
                    and is_near(a, b)
                    and self.book.balance[a] != self.book.balance[b]
                ):
                    out.append((a, b))
        return out

    # ---- lines

    def make_line(
        self, c: Customer, n: str, family: str, adv_lang: str, paid_on: date
    ) -> tuple[hr.ALine, Line] | None:
        rng, book = self.rng, self.book
        inv = book.invoices[n]
        bal = book.balance[n]
        habit = c.habit if rng.random() < 0.9 else "asis"
        ref, form_tag = habit_form(n, habit)
        tags = [form_tag] if form_tag == "exact" else ["payer-form", form_tag]
        cash, gross, disc, ded, reason, note = bal, None, ZERO, ZERO, None, None
        if family == "plain":
            d = inv.discount()
            if d and bal == inv.amount and inv.earned_on(paid_on) and rng.random() < 0.85:
                cash, gross, disc = bal - d, bal, d
                tags.append("discount-earned")
        elif family == "plain-short":  # pays less without saying why
            cash = (bal * Decimal(rng.choice(["0.9", "0.95", "0.8"]))).quantize(CENT)
            tags.append("short-pay")
        elif family in ("cut-prefix", "cut-short"):
            ref = cut_form(rng, n)
            tags = ["cut-prefix"]
            if family == "cut-short":
                cash = (
                    bal - Decimal(rng.choice(["25.00", "100.00", "12.50"]))
                    if bal > 200
                    else (bal / 2).quantize(CENT)
                )
                tags.append("short-pay")
        elif family == "typo":
            kind = rng.choice(["swap", "swap", "change", "drop", "add"])
            for _ in range(8):
                ref = typo_form(rng, n, kind)
                if book.exact(ref) is None and nkey(ref) != nkey(n):
                    break
            tags = ["typo", kind]
        elif family == "ocr":
            r = ocr_form(rng, n)
            if r is None:
                return None
            ref, tags = r, ["ocr"]
        elif family == "cut-typo":
            base = cut_form(rng, n)
            for _ in range(8):
                ref = (
                    typo_form(rng, "X" + base, rng.choice(["swap", "change"]))[1:]
                    if len(base) >= 5
                    else base[:-2] + base[-1] + base[-2]
                )
                if book.exact(ref) is None and ref != base:
                    break
            tags = ["cut-prefix", "typo"]
        elif family == "unearned-discount":
            d = inv.discount() or (inv.amount * Decimal("0.02")).quantize(CENT, ROUND_HALF_UP)
            if bal != inv.amount or inv.earned_on(paid_on):
                return None
            cash, gross, disc = bal - d, bal, d
            tags.append("discount-unearned")
        elif family == "deduction":
            frac = (
                Decimal(rng.choice(["0.02", "0.05", "0.1", "0.15", "0.3", "0.45"]))
                if rng.random() < 0.9
                else Decimal(rng.choice(["0.6", "0.75"]))
            )
            ded = max(Decimal("5.00"), (bal * frac).quantize(CENT))
            if ded >= bal:
                return None
            cash, gross = bal - ded, bal
            reason = rng.choice(DEDUCTION_REASONS[adv_lang])
            tags.append("deduction")
            if ded * 2 > inv.amount:
                tags.append("deduction-over-half")
        elif family == "partial":
            if bal < 200:
                return None
            cash = (bal * Decimal(rng.choice(["0.5", "0.3", "0.25", "0.6"]))).quantize(Decimal("1"))
            note = PARTIAL[adv_lang]
            tags.append("partial")
        elif family == "overpayment":
            cash = bal + Decimal(rng.choice(["10.00", "100.00", "0.50", "250.00"]))
            tags.append("overpayment")
        elif family == "multi-invoice-line":
            return None  # built by the caller
        return (
            hr.ALine(
                ref, cash, gross, disc, ded, reason, inv.issue if rng.random() < 0.8 else None, note
            ),
            Line(ref, cash, [(n, cash)], gross, disc, ded, tags),
        )

    # ---- remittances

    def remittance(
        self,
        c: Customer,
        when: datetime,
        phase: int,
        *,
        sender: str | None = None,
        unknown: str | None = None,
        preset: list[tuple[hr.ALine, Line]] | None = None,
        extra_tags: list[str] | None = None,
        layout: str | None = None,
        lang: str | None = None,
        resend_of: str | None = None,
        n_lines: int | None = None,
    ) -> Mail:
        rng, book = self.rng, self.book
        lang = lang or (c.lang if c.lang == "en" or rng.random() < 0.78 else "en")
        paid_on = when.date() - timedelta(days=rng.choice([0, 0, 1, 1, 2, 3]))
        state_date = rng.random() < 0.7
        if not state_date:
            paid_on = when.date()
        mtags: list[str] = list(extra_tags or [])
        if preset is not None:
            pairs = preset
            n_lines = len(pairs)
        else:
            if n_lines is None:
                n_lines = self.n_lines()
            pool = self.payable(c, paid_on)
            # payers pay what falls due, mostly oldest first, some picked at random
            if len(pool) > n_lines and rng.random() < 0.4:
                pool = sorted(
                    rng.sample(pool, k=min(len(pool), n_lines + 5)),
                    key=lambda n: book.invoices[n].due,
                )
            pairs = []
            fams = list(FAMILY_W)
            weights = [FAMILY_W[f] for f in fams]
            for n in pool:
                if len(pairs) >= n_lines:
                    break
                fam = rng.choices(fams, weights)[0]
                if fam == "neighbour-trap":
                    np_ = [(a, b) for a, b in self.near_pairs(c, [n])]
                    if not np_:
                        fam = "plain"
                    else:
                        a, b = np_[0]
                        ref, form_tag = habit_form(a, c.habit)
                        cash = book.balance[b]
                        self.used.add(b)
                        pairs.append(
                            (
                                hr.ALine(ref, cash, None, inv_date=book.invoices[a].issue),
                                Line(ref, cash, [(b, cash)], tags=["neighbour-trap"]),
                            )
                        )
                        continue
                if fam == "already-paid":
                    paid = [
                        x
                        for x in book.by_customer[c.number]
                        if book.balance[x] == 0 and book.invoices[x].kind != "memo"
                    ]
                    if paid:
                        x = rng.choice(paid)
                        amt = book.invoices[x].amount
                        ref, ft = habit_form(x, c.habit)
                        pairs.append(
                            (
                                hr.ALine(ref, amt, inv_date=book.invoices[x].issue),
                                Line(ref, amt, [(x, amt)], tags=["already-paid"]),
                            )
                        )
                        continue
                    fam = "plain"
                if fam == "other-customer":
                    cand = []
                    for _ in range(6):
                        other = rng.choice(self.customers)
                        cand = [
                            x
                            for x in self.payable(other, paid_on)
                            if other.number != c.number and other.currency == c.currency
                        ]
                        if cand:
                            break
                    if cand:
                        x = cand[-1]
                        self.used.add(x)
                        amt = book.balance[x]
                        pairs.append(
                            (
                                hr.ALine(x, amt, inv_date=book.invoices[x].issue),
                                Line(x, amt, [(x, amt)], tags=["other-customer"]),
                            )
                        )
                        continue
                    fam = "plain"
                if fam == "multi-invoice-line":
                    rest = [x for x in pool if x != n and x not in self.used]
                    if rest:
                        x = rest[0]
                        self.used.update([n, x])
                        a, b = book.balance[n], book.balance[x]
                        _, dx = split_number(x)
                        ref = f"{n} / {x}" if rng.random() < 0.5 else f"{n}, {dx[-3:]}"
                        pairs.append(
                            (
                                hr.ALine(ref, a + b, inv_date=None),
                                Line(ref, a + b, [(n, a), (x, b)], tags=["multi-invoice-line"]),
                            )
                        )
                        continue
                    fam = "plain"
                made = self.make_line(c, n, fam, lang, paid_on)
                if made is None:
                    made = self.make_line(c, n, "plain", lang, paid_on)
                self.used.add(n)
                pairs.append(made)
                if "partial" in made[1].tags:
                    self.later.append(("rest", c.number, n))
            # credit memos netted against the payment
            memos = [
                m
                for m in book.by_customer.get(c.number, [])
                if book.invoices[m].kind == "memo" and book.balance[m] < 0 and m not in self.used
            ]
            if memos and len(pairs) >= 2 and rng.random() < 0.6:
                m = memos[0]
                self.used.add(m)
                ref, ft = habit_form(m, c.habit)
                amt = book.balance[m]
                pairs.append(
                    (
                        hr.ALine(
                            ref, amt, inv_date=book.invoices[m].issue, note=hr.WORDS[lang]["credit"]
                        ),
                        Line(ref, amt, [(m, amt)], tags=["credit-memo"]),
                    )
                )
            # a payment with no reference (single line), matching one open balance or not
            if len(pairs) == 1 and rng.random() < 0.18 and "exact" in pairs[0][1].tags:
                al, ln = pairs[0]
                same = [x for x in book.open_of(c.number) if book.balance[x] == ln.amount]
                al.ref, ln.ref = None, None
                ln.tags = ["no-ref", "no-ref-unique" if len(same) == 1 else "no-ref-ambiguous"]
                if ln.amount != book.balance[ln.truth[0][0]]:
                    ln.tags.append("short-pay")
            if len(pairs) == 1 and rng.random() < 0.04:  # money that pays nothing we can see
                al, ln = pairs[0]
                self.used.discard(ln.truth[0][0])
                amt = (ln.amount * Decimal("0.37")).quantize(CENT) + Decimal("3.17")
                pairs = [(hr.ALine(None, amt), Line(None, amt, [], tags=["unapplied"]))]
            if (
                c.subscription and rng.random() < 0.5
            ):  # pays "this month's subscription" without saying which
                subs = [
                    x
                    for x in book.open_of(c.number)
                    if book.invoices[x].kind == "sub" and x not in self.used
                ]
                if len(subs) >= 2 and len(pairs) <= 4:
                    x = subs[0]
                    self.used.add(x)
                    amt = book.balance[x]
                    same = [y for y in book.open_of(c.number) if book.balance[y] == amt]
                    pairs.append(
                        (
                            hr.ALine(None, amt, note="subscription"),
                            Line(
                                None,
                                amt,
                                [(x, amt)],
                                tags=[
                                    "no-ref",
                                    "no-ref-unique" if len(same) == 1 else "no-ref-ambiguous",
                                    "subscription",
                                ],
                            ),
                        )
                    )
            if not pairs:
                return None
        if (
            unknown == "bank"
        ):  # a bank credit carries one amount and one line of remittance information
            for _, ln in pairs[1:]:
                for n, _a in ln.truth:
                    self.used.discard(n)
            pairs = pairs[:1]
            al, ln = pairs[0]
            al.gross, al.disc, al.ded, al.reason, al.note = None, ZERO, ZERO, None, None
            ln.gross, ln.disc, ln.ded = None, ZERO, ZERO
        alines = [p[0] for p in pairs]
        lines = [p[1] for p in pairs]
        for i, al in enumerate(alines):
            al.payer_doc = f"51{rng.randint(10000000, 99999999)}" if rng.random() < 0.9 else ""
        total_sum = sum((ln.amount for ln in lines), ZERO)
        # which layout; sentence only for short ones, big ones in files/PDF/HTML
        if layout is None:
            choices = list(c.layouts)
            if len(lines) > 3:
                choices = [x for x in choices if x != "sentence"] or ["text-table"]
            if len(lines) > 25:
                choices = [
                    x
                    for x in choices
                    if x in ("csv", "xlsx", "sap-pdf", "ruled-pdf", "column-pdf", "html-table")
                ] or ["ruled-pdf"]
            if len(lines) <= 2 and rng.random() < 0.3:
                choices = ["sentence"]
            if any(al.gross is not None or al.disc or al.ded or al.note for al in alines) or (
                len(lines) > 1 and any(ln.ref is None for ln in lines)
            ):
                choices = [x for x in choices if x != "sentence"] or ["text-list"]
            layout = rng.choice(choices)
            if any(ln.ref is None for ln in lines) and layout in ("sap-pdf",):
                layout = "text-list"
        if layout == "sentence":
            state_total = True
            stated = total_sum
        else:
            state_total = rng.random() < 0.6
            stated = total_sum if state_total else None
        if state_total and layout != "sentence" and rng.random() < 0.07 and preset is None:
            delta = Decimal(rng.choice(["-15.00", "-25.00", "-12.50", "100.00", "-0.90"]))
            stated = total_sum + delta
            mtags.append("total-mismatch")
        # currency as written
        currency = c.currency
        cur_style = (
            rng.choice(["code", "symbol", "none"])
            if c.currency != "EUR"
            else rng.choice(["code", "symbol", "none", "none"])
        )
        if rng.random() < 0.04 and preset is None and len(lines) <= 5:
            currency = "USD" if c.currency != "USD" else "EUR"
            cur_style = "code"
            mtags.append("wrong-currency")
        named = None if cur_style == "none" else currency
        if named is None:
            mtags.append("no-currency")
        if layout == "sap-pdf" and named is None:
            pass
        amount_style = (
            "en"
            if lang == "en" and c.region in ("US", "GB", "IE")
            else ("fr" if lang == "fr" else "eu")
            if c.currency == "EUR"
            else "en"
        )
        if c.currency == "EUR" and lang == "en" and rng.random() < 0.5:
            amount_style = "eu"
        person = rng.choice(c.people)
        adv = hr.Advice(
            c.name,
            person,
            lang,
            c.region,
            named,
            cur_style,
            paid_on,
            state_date,
            rng.choice(hr.METHODS[c.region]),
            self.pay_ref(c),
            stated,
            alines,
            amount_style,
            rng.choice(["minus", "minus", "trailing", "paren"]),
            c.vendor_no,
            hr.pick_cols(rng, lang),
        )
        # who sends it
        sender_name = person
        plat = None
        if unknown == "bank":
            sender = rng.choice(
                [
                    "noreply@alerts.firstcoastbank.example",
                    "avis@notifications.sparkasse-nord.example",
                    "no-reply@cash.eurobanque.example",
                ]
            )
            sender_name, layout = "Bank notification", "bank-credit"
        elif unknown == "platform":
            plat = rng.choice(["PayHub Network", "APFlow", "Remitly Business Payments"])
            sender = {
                "PayHub Network": "remittance@payhub-network.example",
                "APFlow": "no-reply@apflow-mail.example",
                "Remitly Business Payments": "payments@rbp-notify.example",
            }[plat]
            sender_name, layout = plat, "platform-html"
        elif unknown == "colleague":
            p = rng.choice(PEOPLE[lang if lang in PEOPLE else "en"])
            sender = f"{slug(p.split()[0])}.{slug(p.split()[-1])}@{c.domain}"
            if sender in c.contacts:
                sender = f"{slug(p.split()[0])[0]}{slug(p.split()[-1])}@{c.domain}"
            sender_name, layout = p, "forward"
        elif sender is None:
            sender = rng.choice(c.contacts)
        if layout == "bank-credit":
            body = hr.lay_bank_credit(adv, rng, sender_name)
        elif layout == "platform-html":
            body = hr.lay_html(adv, rng, platform=plat)
        elif layout == "forward":
            inner, _, _ = hr.lay_text_table(adv, rng)
            fw = hq.forward_header(lang, person, rng.choice(c.contacts), paid_on)
            body = (
                {
                    "en": "FYI, see below - please apply.",
                    "de": "zur Info, bitte verbuchen.",
                    "fr": "pour info, merci d'imputer.",
                    "es": "para su información.",
                    "nl": "ter info, graag verwerken.",
                }[lang]
                + "\n\n"
                + fw
                + "\n"
                + inner,
                None,
                [],
            )
        else:
            body = hr.LAYOUTS[layout](adv, rng)
        text, html, atts = body
        sender_ok = sender in c.contacts
        if not sender_ok:
            mtags.append("unknown-sender")
        for ln in lines:
            for t in mtags:
                if t in ("unknown-sender", "total-mismatch", "wrong-currency") and t not in ln.tags:
                    ln.tags.append(t)
        decide(
            self.book,
            lines,
            customer=c.number,
            sender_ok=sender_ok,
            paid_on=paid_on,
            currency_named=named,
            stated_total=stated,
        )
        apply(self.book, lines)
        name = f"m{len([m for m in self.mails if m.kind == 'remittance']) + 1:04d}"
        msgid = f"<{name}.{self.seed}.{rng.randint(10**9, 10**10 - 1)}@{sender.rpartition('@')[2]}>"
        subj = rng.choice(hr.SUBJ[lang]).format(
            ref=adv.pay_ref, date=hr.fmt_date(paid_on, c.region), payer=c.name
        )
        if resend_of:
            subj = (
                rng.choice(
                    ["FW: ", "Fwd: ", "RE: ", "Resend: ", "WG: " if lang == "de" else "TR: "]
                )
                + subj
            )
            if text is not None:
                text = (
                    {
                        "en": "Resending the advice below as requested.",
                        "de": "anbei nochmals das Avis.",
                        "fr": "je vous renvoie l'avis ci-dessous.",
                        "es": "les reenviamos el aviso.",
                        "nl": "hierbij nogmaals het advies.",
                    }[lang]
                    + "\n\n"
                    + text
                )
        raw = hr.build_eml(
            from_name=sender_name,
            from_addr=sender,
            when=when,
            msgid=msgid,
            subject=subj,
            text=text,
            html=html,
            attachments=atts,
            lang=lang,
        )
        label = {
            "name": name,
            "file": f"phase{phase}/{name}.eml",
            "phase": phase,
            "order": 0,
            "message_id": msgid,
            "layout": layout,
            "customer": c.number,
            "sender": sender,
            "tags": sorted(set(mtags)),
            "duplicate_of": None,
            "resend_of": resend_of,
            "lines": lines,
            "_adv": (alines, paid_on, named, stated, sender_ok),
        }
        m = Mail(name, phase, 0, when, "remittance", label, raw)
        self.mails.append(m)
        return m

    def n_lines(self) -> int:
        rng = self.rng
        u = rng.random()
        return (
            1
            if u < 0.18
            else rng.randint(2, 4)
            if u < 0.45
            else rng.randint(5, 15)
            if u < 0.72
            else rng.randint(16, 35)
            if u < 0.90
            else rng.randint(36, 60)
        )

    def pay_ref(self, c: Customer) -> str:
        r = self.rng
        return r.choice(
            [
                f"20000{r.randint(10000, 99999)}",
                f"ACH{r.randint(100000, 999999)}",
                f"PR-2026-{r.randint(1000, 9999)}",
                f"CHK {r.randint(10000, 99999)}",
                f"ZL{r.randint(100000, 999999)}",
                f"{r.randint(100000000, 999999999)}",
            ]
        )

    # ---- queries

    def query(self, when: datetime, phase: int, intent: str, lang: str) -> Mail:
        rng, book = self.rng, self.book
        pool = [
            c
            for c in self.customers
            if (c.lang == lang) or (lang == "en" and c.region in ("US", "GB", "IE"))
        ]
        if not pool:
            pool = self.customers
        c = rng.choice(pool)
        mine = sorted(book.by_customer.get(c.number, []), key=lambda n: book.invoices[n].issue)
        opens = [n for n in mine if book.balance[n] > 0] or mine
        tmpl = rng.choice(hq.T[intent][lang])
        tags: list[str] = []
        refs: list[str] = []
        fmt = {"name": c.name, "q1": "", "q2": ""}
        for slot in ("r", "r2"):
            if "{" + slot + "}" in tmpl:
                n = rng.choice([x for x in opens if x not in refs] or mine)
                refs.append(n)
                u = rng.random()
                if u < 0.45:
                    txt, t = n, "ref-exact"
                elif u < 0.75:
                    txt, t = habit_form(
                        n, rng.choice(["noprefix", "lower", "nodash", "nozeros", "spaces"])
                    )
                    t = "ref-exact" if t == "exact" else "ref-form-" + t
                else:
                    txt, t = cut_form(rng, n), "ref-cut-prefix"
                fmt[slot] = txt
                tags.append(t)
        q2 = rng.randint(8, 40)
        fmt["q1"], fmt["q2"] = str(q2 + rng.randint(2, 10)), str(q2)
        pdate = None
        if intent == "promise_to_pay":
            phrase, pd, kind = hq.promise(rng, lang, when.date(), c.region)
            fmt["p"] = phrase
            pdate = pd.isoformat()
            tags.append("promise-" + kind)
        body = tmpl.format(**fmt)
        body = body[0].upper() + body[1:]
        if any(
            w in tmpl
            for w in (
                "No need",
                "no need",
                "brauchen wir nicht",
                "nicht nötig",
                "Pas besoin",
                "Inutile",
                "No hace falta",
                "No necesitamos",
                "niet nodig",
                "Kopieën zijn niet",
            )
        ):
            tags.append("negation")
        from_contact = rng.random() > 0.07
        person = rng.choice(c.people)
        if from_contact:
            sender = rng.choice(c.contacts)
        else:
            sender = rng.choice(
                [
                    f"{slug(person.split()[-1])}.{rng.randint(1, 99)}@freemail.example",
                    f"{slug(person.split()[0])}@{c.domain}",
                ]
            )
            if sender in c.contacts:
                sender = f"x.{sender}"
            tags.append("non-contact")
        customer = c.number
        if not from_contact and "freemail" in sender and not refs:
            customer = None
            tags.append("unidentified")
        text = f"{rng.choice(hq.GREET[lang])}\n\n{body}\n\n{rng.choice(hq.SIGN[lang])}\n{person}\n{c.name}\n"
        subj = rng.choice(hq.SUBJECTS[intent][lang]).format(r=fmt.get("r", ""))
        if rng.random() < 0.25:
            others = [x for x in opens if x not in refs][:3]
            if others or refs:
                text += (
                    "\n"
                    + hq.quoted_reminder(
                        lang, when.date() - timedelta(days=rng.randint(3, 12)), (refs + others)[:4]
                    )
                    + "\n"
                )
                tags.append("quoted")
                if not subj.startswith(("RE", "AW")):
                    subj = ("AW: " if lang == "de" else "RE: ") + subj
        name = f"q{len([m for m in self.mails if m.kind == 'query']) + 1:04d}"
        msgid = f"<{name}.{self.seed}.{rng.randint(10**9, 10**10 - 1)}@{sender.rpartition('@')[2]}>"
        raw = hr.build_eml(
            from_name=person,
            from_addr=sender,
            when=when,
            msgid=msgid,
            subject=subj.strip(),
            text=text,
            lang=lang,
        )
        label = {
            "name": name,
            "file": f"phase{phase}/{name}.eml",
            "phase": phase,
            "order": 0,
            "message_id": msgid,
            "sender": sender,
            "customer": customer,
            "from_contact": from_contact,
            "intent": intent,
            "language": lang,
            "refs": refs,
            "promise_date": pdate,
            "tags": sorted(set(tags)),
        }
        m = Mail(name, phase, 0, when, "query", label, raw)
        self.mails.append(m)
        return m

    # ---- the whole run

    def run(self) -> None:
        rng = self.rng
        n_p2 = max(3, self.n_mails // 8)
        n_p1 = self.n_mails - n_p2
        total = self.n_mails + self.n_queries
        span = 29.5 * 86400
        stamps = sorted(rng.uniform(0, span) for _ in range(total))
        # phase 1 mails get the first ~85 % of the month, phase 2 the rest
        q_slots: list[tuple[str, str]] = []
        per = max(1, self.n_queries // 25)
        for intent in hq.INTENTS:
            for lang in hq.LANGS:
                q_slots += [(intent, lang)] * per
        while len(q_slots) < self.n_queries:
            q_slots.append((rng.choice(hq.INTENTS), rng.choice(hq.LANGS)))
        rng.shuffle(q_slots)
        n_q2 = len(q_slots) // 8
        seq1 = ["r"] * n_p1 + ["q"] * (len(q_slots) - n_q2)
        rng.shuffle(seq1)
        seq2 = ["r2"] * n_p2 + ["q"] * n_q2
        rng.shuffle(seq2)
        seq = [(1, s) for s in seq1] + [(2, s) for s in seq2]
        qi = 0
        weights = [c.size for c in self.customers]
        unknown_kinds = ["bank", "platform", "colleague"]
        phase2_plan: list = []
        for i, (phase, kind) in enumerate(seq):
            when0 = datetime.combine(START, datetime.min.time()) + timedelta(
                seconds=stamps[i] + 8 * 3600
            )
            if kind == "q":
                intent, lang = q_slots[qi]
                qi += 1
                tz = hr.tz_for({"en": "US", "de": "DE", "fr": "FR", "es": "ES", "nl": "NL"}[lang])
                self.query(when0.replace(tzinfo=tz), phase, intent, lang)
                continue
            if kind == "r":
                n_lines = self.n_lines()
                on = when0.date() - timedelta(days=3)
                sizes = {c.number: len(self.payable(c, on)) for c in self.customers}
                fit = [c for c in self.customers if sizes[c.number] >= n_lines]
                if fit:
                    c = rng.choices(fit, [c.size for c in fit])[0]
                else:
                    c = max(self.customers, key=lambda c: (sizes[c.number], c.number))
                when = when0.replace(tzinfo=hr.tz_for(c.region))
                unknown = rng.choice(unknown_kinds) if rng.random() < 0.06 else None
                m = self.remittance(c, when, 1, unknown=unknown, n_lines=n_lines)
                if m is None:
                    continue
                if unknown in ("platform", "colleague") and rng.random() < 0.7:
                    phase2_plan.append(("resend", m.name))
                elif unknown is None and len(m.label["lines"]) <= 12 and rng.random() < 0.06:
                    phase2_plan.append(("dup", m.name))
                elif unknown is None and len(m.label["lines"]) <= 12 and rng.random() < 0.04:
                    phase2_plan.append(("resend-applied", m.name))
                continue
            # phase 2
            self.phase2_step(when0, phase2_plan, weights)

    def phase2_step(self, when0: datetime, plan: list, weights: list[int]) -> None:
        rng = self.rng
        rest = [x for x in self.later if x[0] == "rest"]
        if plan and (not rest or rng.random() < 0.6):
            what, name = plan.pop(0)
            orig = next(m for m in self.mails if m.name == name)
            c = self.cust[orig.label["customer"]]
            if what == "dup":
                label = dict(orig.label)
                dup_name = f"m{len([m for m in self.mails if m.kind == 'remittance']) + 1:04d}"
                label.update(
                    name=dup_name,
                    file=f"phase2/{dup_name}.eml",
                    phase=2,
                    duplicate_of=orig.name,
                    tags=sorted(set(orig.label["tags"] + ["duplicate"])),
                )
                label["lines"] = [
                    Line(**{**ln.__dict__, "tags": list(ln.tags)}) for ln in orig.label["lines"]
                ]
                self.mails.append(Mail(dup_name, 2, 0, orig.when, "remittance", label, orig.raw))
                return
            alines, paid_on, named, stated, _ = orig.label["_adv"]
            pairs = []
            for al, ln in zip(alines, orig.label["lines"]):
                new = Line(
                    ln.ref,
                    ln.amount,
                    list(ln.truth),
                    ln.gross,
                    ln.disc,
                    ln.ded,
                    [t for t in ln.tags if t != "unknown-sender"] + ["resend"],
                )
                if what == "resend-applied":
                    new.force = f"re-send of {orig.name}: the same payment, already handled"
                pairs.append((hr.ALine(**al.__dict__), new))
            when = when0.replace(tzinfo=hr.tz_for(c.region))
            self.remittance(
                c,
                when,
                2,
                preset=pairs,
                extra_tags=["resend"],
                resend_of=orig.name,
                layout=None
                if orig.label["layout"] in ("platform-html", "forward", "bank-credit")
                else orig.label["layout"],
                lang=None,
            )
            return
        if rest:
            pick = rest[: rng.randint(1, 3)]
            cn = pick[0][1]
            pick = [x for x in pick if x[1] == cn]
            c = self.cust[cn]
            pairs = []
            for x in pick:
                self.later.remove(x)
                n = x[2]
                bal = self.book.balance[n]
                if bal <= 0:
                    continue
                ref, ft = habit_form(n, c.habit)
                note = REST[c.lang]
                pairs.append(
                    (
                        hr.ALine(ref, bal, inv_date=self.book.invoices[n].issue, note=note),
                        Line(ref, bal, [(n, bal)], tags=["partial-rest", ft]),
                    )
                )
            if pairs:
                self.remittance(c, when0.replace(tzinfo=hr.tz_for(c.region)), 2, preset=pairs)
                return
        c = rng.choices(self.customers, weights)[0]
        self.remittance(c, when0.replace(tzinfo=hr.tz_for(c.region)), 2)


# --------------------------------------------------------------------------------------------


def generate(
    out: Path, seed: int = 9173, *, customers: int = 200, mails: int = 385, queries: int = 140
) -> dict:
    world = World(seed, customers, mails, queries)
    world.run()
    fam2 = hf.add_families(world, sys.modules[__name__])  # families added 2026-12-07
    fam3 = hf3.add_families(world, sys.modules[__name__])  # issue 23's forms, added 2026-12-07
    fam4 = hf4.add_families(world, sys.modules[__name__])  # the fourth set, added 2026-12-07
    fam5 = hf5.add_families(world, sys.modules[__name__])  # questions phrased indirectly
    fam6 = hf6.add_families(world, sys.modules[__name__])  # chatty questions, near amounts
    fam7 = hf7.add_families(world, sys.modules[__name__])  # terse questions
    out.mkdir(parents=True, exist_ok=True)
    (out / "phase1").mkdir(exist_ok=True)
    (out / "phase2").mkdir(exist_ok=True)
    write_ledger(out / "ledger.csv", world.customers, world.book.invoices, world.ledger_balance)
    rem, qs = [], []
    for order, m in enumerate(world.mails):
        m.label["order"] = order
        (out / m.label["file"]).write_bytes(m.raw)
        if m.kind == "remittance":
            lab = {k: v for k, v in m.label.items() if not k.startswith("_")}
            lab["lines"] = [ln.to_json() for ln in lab["lines"]]
            rem.append(lab)
        else:
            qs.append(m.label)
    labels = {
        "config": {
            "seed": seed,
            "customers": customers,
            "mails": mails,
            "queries": queries,
            "generator": "bench/heldout_world.py",
            "families2": fam2,
            "families3": fam3,
            "families4": fam4,
            "families5": fam5,
            "families6": fam6,
            "families7": fam7,
        },
        "today": TODAY.isoformat(),
        "phases": [1, 2],
        "mails": rem,
        "queries": qs,
    }
    (out / "labels.json").write_text(
        json.dumps(labels, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return labels


def summary(labels: dict) -> str:
    lines = [ln for m in labels["mails"] for ln in m["lines"]]
    tags = Counter(t for ln in lines for t in ln["tags"])
    layouts = Counter(m["layout"] for m in labels["mails"])
    iq = Counter((q["intent"], q["language"]) for q in labels["queries"])
    out = [
        f"remittance mails: {len(labels['mails'])} (duplicates {sum(1 for m in labels['mails'] if m['duplicate_of'])}, "
        f"re-sends {sum(1 for m in labels['mails'] if m['resend_of'])}), lines: {len(lines)}, allowed: {sum(ln['allowed'] for ln in lines)}",
        f"queries: {len(labels['queries'])}",
        "layouts: " + ", ".join(f"{k} {v}" for k, v in sorted(layouts.items())),
        "line tags: "
        + ", ".join(f"{k} {v}" for k, v in sorted(tags.items(), key=lambda kv: -kv[1])),
    ]
    out.append("queries (intent x language):")
    for intent in hq.INTENTS:
        out.append(
            f"  {intent:22s} " + " ".join(f"{lang} {iq[(intent, lang)]:2d}" for lang in hq.LANGS)
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--seed", type=int, default=9173)
    ap.add_argument("--customers", type=int, default=200)
    ap.add_argument("--mails", type=int, default=385)
    ap.add_argument("--queries", type=int, default=140)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    labels = generate(a.out, a.seed, customers=a.customers, mails=a.mails, queries=a.queries)
    if not a.quiet:
        print(summary(labels))
        print(f"written to {a.out} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

# long: held-out families as their author wrote them from a description (bench/HELDOUT.md); kept whole, apart from the code it measures.
"""Held-out world, the sixth set of added families (bench/HELDOUT.md, "Families added
2026-12-07 (fam6)"):

- ``fam6-chatty``: questions written the way busy people write mail: small talk or context
  first and the need in the second or third paragraph, long signatures with phone numbers,
  addresses, registration numbers and a legal disclaimer, "Sent from my iPhone"; needs stated as
  facts or consequences ("our month-end close is blocked on …"); non-native writers with small
  spelling mistakes and missing accents; the customer's language mixed with an English phrase;
  the invoice named in the subject only; two invoices in one question; our earlier reminder or
  statement quoted below; what the customer does *not* need.
- ``fam6-near-amounts``: remittances whose references are not exact but whose amounts pin the
  invoice: a cut prefix plus one swapped or dropped digit, with the gross stated and the net
  paid after a stated discount or deduction; the exact number of another open invoice whose
  balance the payment does not equal while a near number owns exactly that amount (the
  neighbour trap); gross, discount and net columns in text tables, HTML, CSV and ruled PDFs.

Written from how customers and AP departments write, not from arbox's code. Like the families
before it, everything here comes after everything else (the end of phase 2, dated after fam5's
last mail) and draws from its own random stream; the remittances pay only invoices of six new
customers, so the world without it is byte for byte what it was and ``ledger.csv`` only gains
their rows.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import ModuleType
from typing import Any

import heldout_fam6_text as tx
import heldout_queries as hq
import heldout_render as hr
from heldout_rules import ZERO, Inv, Line, apply, decide, fold, is_near, nkey

LANGS = ["en", "de", "fr", "es", "nl"]
INTENTS = hq.INTENTS
CHATTY = "fam6-chatty"
NEAR = "fam6-near-amounts"
FAMILIES = [CHATTY, NEAR]
LAYOUTS = ["text-table", "html-table", "csv", "ruled-pdf"]
ORDINAL = {1: "1st", 2: "2nd", 3: "3rd", 21: "21st", 22: "22nd", 23: "23rd", 31: "31st"}


def promise_day(rng: random.Random, lang: str, today: date, region: str) -> tuple[str, date, str]:
    """A promised day as written, the date it means from the mail's local date, and its kind
    (tags ``promise-relative`` / ``promise-absolute`` and ``promise-<kind>``)."""
    kind = rng.choice(["weekday-date", "day-after-tomorrow", "day-of-month", "monday",
                       "first-working-day", "three-days"])  # fmt: skip
    months = hq.MONTHS[lang]
    if kind == "weekday-date":
        t = today + timedelta(days=rng.randint(3, 12))
        while t.weekday() > 4:
            t += timedelta(days=1)
        wd, m = tx.WEEKDAYS[lang][t.weekday()], months[t.month - 1]
        s = {"en": f"on {wd}, {m} {t.day}" if region == "US" else f"on {wd} {t.day} {m}",
             "de": f"am {wd}, {t:%d.%m.}", "fr": f"le {wd} {'1er' if t.day == 1 else t.day} {m}",
             "es": f"el {wd} {t.day} de {m}", "nl": f"op {wd} {t.day} {m}"}[lang]  # fmt: skip
        return s, t, "weekday-date"
    if kind == "day-of-month":  # "on the 30th": the next such day
        t = today + timedelta(days=rng.randint(4, 14))
        d = t.day
        s = {"en": f"on the {ORDINAL.get(d, f'{d}th')}", "de": f"am {d}.",
             "fr": f"le {'1er' if d == 1 else d}", "es": f"el día {d}", "nl": f"op de {d}e"}[lang]  # fmt: skip
        return s, t, "day-of-month"
    if kind == "first-working-day":
        t = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
        while t.weekday() > 4:
            t += timedelta(days=1)
        return tx.PROMISE[kind][lang].format(m=months[t.month - 1]), t, kind
    if kind == "monday":  # the next Monday after the mail's day
        return tx.PROMISE[kind][lang], today + timedelta(days=7 - today.weekday()), kind
    days = {"day-after-tomorrow": 2, "three-days": 3}[kind]
    return tx.PROMISE[kind][lang], today + timedelta(days=days), kind


PROMISE_ABSOLUTE = {"weekday-date", "day-of-month", "first-working-day"}


@dataclass
class Fam6:
    """The sixth set of added families, appended to a finished World (after fam5)."""

    w: Any
    hw: ModuleType
    rng: random.Random = field(init=False)
    clock: datetime = field(init=False)  # UTC, naive
    cycle: dict[tuple[str, str], deque] = field(default_factory=dict)
    asked: dict[str, int] = field(default_factory=dict)
    new_customers: list[Any] = field(default_factory=list)
    twins: dict[str, str] = field(default_factory=dict)  # invoice -> its twin (same amount)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"heldout-fam6-{self.w.seed}")
        stamps = [
            m.when.astimezone(UTC).replace(tzinfo=None) if m.when.tzinfo else m.when
            for m in self.w.mails
        ]
        self.clock = max([datetime(2026, 11, 20, 6, 0), *stamps]) + timedelta(minutes=9)
        self.book = self.w.book
        owners: dict[str, int] = {}
        for c in self.w.customers:
            for a in c.contacts:
                owners[a] = owners.get(a, 0) + 1
        # a mailbox two customers share says nothing of who writes
        self.shared = {c.number for c in self.w.customers if any(owners[a] > 1 for a in c.contacts)}

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=self.rng.randint(1, 4), seconds=self.rng.randint(0, 59))
        return self.clock

    def mail_no(self, kind: str) -> str:
        n = len([m for m in self.w.mails if m.kind == kind]) + 1
        return f"{'q' if kind == 'query' else 'm'}{n:04d}"

    # ================================================================================
    # new customers for the remittances: the ledger's own payers have paid nearly everything

    def make_customers(self) -> None:
        """Six new payers (US, GB, DE, FR, ES, NL), about 30 invoices each issued 1 October –
        17 November in runs of consecutive numbers (so near numbers are everywhere), mostly on
        cash-discount terms; some runs bill the same amount twice in a row (a recurring
        charge). Numbers are the unused 9004 numbers above every earlier one, none equal to a
        reference an earlier mail or question wrote, as written or with look-alikes folded."""
        rng, hw, book = self.rng, self.hw, self.book
        refs = [ln.ref for m in self.w.mails if m.kind == "remittance"
                for ln in m.label["lines"] if ln.ref]  # fmt: skip
        refs += [r for m in self.w.mails if m.kind == "query" for r in m.label.get("refs", [])]
        keys = {nkey(r) for r in refs} | {fold(r) for r in refs}
        top = max(int(n[4:]) for n in book.invoices if n.startswith("9004") and len(n) == 8)

        def free(g: int) -> bool:
            n = f"9004{g:04d}"
            return n not in book.invoices and nkey(n) not in keys

        numbers = (f"9004{g:04d}" for g in range(top + 1, 10000) if free(g))
        specs = [("US", "en_US", "USD", "en"), ("GB", "en_GB", "GBP", "en"),
                 ("DE", "de_DE", "EUR", "de"), ("FR", "fr_FR", "EUR", "fr"),
                 ("ES", "es_ES", "EUR", "es"), ("NL", "nl_NL", "EUR", "nl")]  # fmt: skip
        used_names = {c.name for c in self.w.customers}
        made = []
        for region, locale, cur, lang in specs:
            firsts, seconds, sfx = hw.NAMES[region]
            for _ in range(50):
                a, b = rng.choice(firsts), rng.choice(seconds)
                name = (
                    f"{b} {a}" if region in ("FR", "ES") else f"{a} {b}"
                ) + f" {rng.choice(sfx)}"
                if name not in used_names:
                    break
            used_names.add(name)
            dom = f"{hw.slug(name.rsplit(' ', 1)[0])[:22]}.{hw.TLD[region]}.example"
            people = rng.sample(hw.PEOPLE[lang], 3)
            contacts = [f"{rng.choice(hw.AP_BOXES[lang])}@{dom}",
                        f"{hw.slug(people[0].split()[0])}.{hw.slug(people[0].split()[-1])}@{dom}"]  # fmt: skip
            number = f"C{1001 + len(self.w.customers):04d}"
            terms = rng.choice(["2/10 Net 30", "2/10 Net 30", "1/15 Net 60", "Net 30"])
            c = hw.Customer(number, name, cur, locale, lang, region, dom, contacts, people, terms,
                            0, "asis", ["text-table"], None, f"{rng.choice(['V', 'K', ''])}{rng.randint(10000, 99999)}")  # fmt: skip
            book.contacts[c.number] = c.contacts
            self.w.customers.append(c)
            self.w.cust[c.number] = c
            made.append(c)
        day = date(2026, 10, 1)
        runs = [c for c in made for _ in range(10)]
        rng.shuffle(runs)
        for i, c in enumerate(runs):
            day = min(day + timedelta(days=rng.choice([0, 1, 1, 2])), date(2026, 11, 17))
            twin = rng.random() < 0.3
            amount = hw.money(rng, 80.0, 18000.0)
            prev = None
            for _ in range(rng.randint(3, 5)):
                n = next(numbers)
                if not (twin and prev):
                    amount = hw.money(rng, 80.0, 18000.0)
                inv = Inv(n, c.number, day, day + timedelta(days=hw.due_days(c.terms)), amount,
                          c.currency, c.terms)  # fmt: skip
                book.invoices[n] = inv
                book.balance[n] = inv.amount
                book.by_customer.setdefault(c.number, []).append(n)
                book.by_key[nkey(n)] = n
                self.w.ledger_balance[n] = inv.amount
                c.size += 1
                if twin and prev:
                    self.twins[n], self.twins[prev] = prev, n
                    twin = False
                prev = n
            if rng.random() < 0.4:
                next(numbers)  # a number the ERP skipped
        self.new_customers = made

    # ================================================================================
    # fam6-near-amounts

    def near_ref(self, c: Any, n: str, kind: str) -> str | None:
        """Our number with its prefix cut (a tail of 5 or 6 digits) and one digit swapped with
        its neighbour or dropped: still near the invoice, exactly no invoice, no tail of any
        invoice of the customer."""
        rng, book = self.rng, self.book
        key = nkey(n)
        mine = [nkey(x) for x in book.by_customer[c.number]]
        for _ in range(20):
            tail = key[-rng.choice([5, 6]) :]
            if tail[0] == "0":
                continue
            d = list(tail)
            if kind == "swap":
                i = rng.randint(1, len(d) - 2)
                if d[i] == d[i + 1]:
                    continue
                d[i], d[i + 1] = d[i + 1], d[i]
            else:
                del d[rng.randint(1, len(d) - 1)]
            ref = "".join(d)
            if (
                ref != tail
                and is_near(ref, n)
                and book.exact(ref) is None
                and not any(k.endswith(ref) for k in mine)
            ):
                return ref
        return None

    def line(self, c: Any, n: str, kind: str, paid_on: date, lang: str, trap_of: str | None):
        """One line of kind ``kind`` paying invoice n (its ALine and its label Line)."""
        rng, book = self.rng, self.book
        inv, bal = book.invoices[n], book.balance[n]
        d = inv.discount() or (inv.amount * Decimal("0.02")).quantize(Decimal("0.01"))
        earned = bool(inv.discount()) and inv.earned_on(paid_on)
        dtag = "discount-earned" if earned else "discount-unearned"
        gross, disc, ded, reason = bal, ZERO, ZERO, None
        tags: list[str] = []
        if kind in ("exact-disc", "exact-ded", "exact-plain"):
            ref, t = self.hw.habit_form(
                n, rng.choice(["asis", "asis", "spaces", "noprefix", "hash"])
            )
            tags = [t] if t == "exact" else ["payer-form", t]
        elif kind == "trap":
            ref, t = self.hw.habit_form(trap_of or n, "asis")
            tags = ["neighbour-trap"]
        elif kind == "cut-rival":  # the last digit dropped: near its twin as much as itself
            ref = nkey(n)[-5:-1]
            if ref[0] == "0" or book.exact(ref) is not None:
                return None
            tags = ["cut-prefix", "typo", "drop"]
        else:
            made = self.near_ref(c, n, "swap" if "swap" in kind else "drop")
            if made is None:
                return None
            ref = made
            tags = ["cut-prefix", "typo", "swap" if "swap" in kind else "drop"]
        if n in self.twins and kind.startswith("cut-"):
            near_twin = is_near(ref, self.twins[n]) and book.balance[self.twins[n]] == bal
            tags.append("rival-same-amount" if near_twin else "twin-amount")
        how = kind.rsplit("-", 1)[-1]  # disc | ded | plain | gross | unconfirmed
        if kind == "trap":
            how = rng.choice(["disc", "plain", "ded"])
        if kind == "cut-rival":
            how = rng.choice(["plain", "disc"])
        if how == "disc":
            disc = d
            tags.append(dtag)
        elif how == "ded":
            frac = Decimal(rng.choice(["0.03", "0.08", "0.12", "0.2", "0.35"]))
            if rng.random() < 0.12:
                frac = Decimal(rng.choice(["0.55", "0.7"]))
            ded = max(Decimal("5.00"), (bal * frac).quantize(Decimal("0.01")))
            reason = rng.choice(self.hw.DEDUCTION_REASONS[lang])
            tags.append("deduction")
            if ded * 2 > inv.amount:
                tags.append("deduction-over-half")
        elif how == "unconfirmed":  # short paid, nothing written to say why: gross not stated
            gross = None
            ded = ZERO
            tags.append("near-unconfirmed")
        cash = bal - disc - ded
        if how == "unconfirmed":
            cash = (bal * Decimal(rng.choice(["0.9", "0.95", "0.85"]))).quantize(Decimal("0.01"))
        if kind == "trap":
            tags.append("trap-" + how)
        al = hr.ALine(ref, cash, gross, disc, ded, reason, book.invoices[trap_of or n].issue,
                      payer_doc=f"51{rng.randint(10000000, 99999999)}" if rng.random() < 0.5 else "")  # fmt: skip
        return al, Line(ref, cash, [(n, cash)], gross, disc, ded, tags)

    def trap_partner(self, c: Any, n: str, taken: set[str]) -> str | None:
        """An open invoice of c near n, not in this advice, whose balance is none of n's
        amounts: the number the payer writes while paying n."""
        book = self.book
        cands = [
            a
            for a in book.open_of(c.number)
            if a != n
            and a not in taken
            and book.invoices[a].kind != "memo"
            and is_near(a, n)
            and book.balance[a] != book.balance[n]
        ]
        return self.rng.choice(sorted(cands)) if cands else None

    def near_advice(self, c: Any, layout: str) -> Any:
        rng, book = self.rng, self.book
        self.tick()
        lang = c.lang if c.lang == "en" or rng.random() < 0.85 else "en"
        paid_on = self.clock.date() - timedelta(days=rng.choice([0, 1, 1, 2]))
        pool = self.w.payable(c, paid_on)
        k = min(len(pool), rng.randint(5, 10))
        pick = sorted(rng.sample(pool, k), key=lambda n: (book.invoices[n].due, n))
        kinds = ["cut-swap-disc", "cut-drop-disc", "cut-swap-ded", "cut-drop-ded", "trap",
                 "cut-swap-gross", "exact-disc", "exact-plain", "exact-ded", "cut-drop-unconfirmed"]  # fmt: skip
        weights = [14, 10, 8, 6, 12, 5, 14, 10, 5, 2]
        pairs = []
        taken = set(pick)
        for n in pick:
            kind = rng.choices(kinds, weights)[0]
            if n in self.twins and self.twins[n] not in taken and rng.random() < 0.4:
                kind = "cut-rival"
            trap_of = None
            if kind == "trap":
                trap_of = self.trap_partner(c, n, taken)
                if trap_of is None:
                    kind = "cut-swap-disc"
            made = self.line(c, n, kind, paid_on, lang, trap_of)
            if made is None:
                made = self.line(c, n, "exact-disc", paid_on, lang, None)
            pairs.append(made)
        self.w.used.update(pick)
        alines = [p[0] for p in pairs]
        lines = [p[1] for p in pairs]
        total = sum((ln.amount for ln in lines), ZERO)
        stated = total if rng.random() < 0.75 else None
        cur_style = rng.choice(["code", "symbol", "none"])
        amount_style = (
            "en"
            if lang == "en" and c.region in ("US", "GB", "IE")
            else ("fr" if lang == "fr" else "eu")
            if c.currency == "EUR"
            else "en"
        )
        adv = hr.Advice(
            c.name, rng.choice(c.people), lang, c.region,
            None if cur_style == "none" else c.currency, cur_style, paid_on, True,
            rng.choice(hr.METHODS[c.region]), self.w.pay_ref(c), stated, alines, amount_style,
            rng.choice(["minus", "minus", "paren"]), c.vendor_no, hr.pick_cols(rng, lang),
        )  # fmt: skip
        text, html, atts = hr.LAYOUTS[layout](adv, rng)
        sender = rng.choice(c.contacts)
        mtags = ["fam6", NEAR]
        if adv.currency is None:
            mtags.append("no-currency")
        for ln in lines:
            ln.tags = ["fam6", NEAR, *ln.tags]
        decide(self.book, lines, customer=c.number, sender_ok=True, paid_on=paid_on,
               currency_named=adv.currency, stated_total=stated)  # fmt: skip
        apply(self.book, lines)
        when = self.clock.replace(tzinfo=UTC).astimezone(hr.tz_for(c.region))
        name = self.mail_no("remittance")
        msgid = (
            f"<{name}.{self.w.seed}.{rng.randint(10**9, 10**10 - 1)}@{sender.rpartition('@')[2]}>"
        )
        subject = rng.choice(hr.SUBJ[lang]).format(
            ref=adv.pay_ref, date=hr.fmt_date(paid_on, c.region), payer=c.name
        )
        raw = hr.build_eml(from_name=adv.person, from_addr=sender, when=when, msgid=msgid,
                           subject=subject, text=text, html=html, attachments=atts, lang=lang)  # fmt: skip
        label = {
            "name": name,
            "file": f"phase2/{name}.eml",
            "phase": 2,
            "order": 0,
            "message_id": msgid,
            "layout": layout,
            "customer": c.number,
            "sender": sender,
            "tags": sorted(set(mtags)),
            "duplicate_of": None,
            "resend_of": None,
            "lines": lines,
        }
        m = self.hw.Mail(name, 2, 0, when, "remittance", label, raw)
        self.w.mails.append(m)
        return m

    # ================================================================================
    # fam6-chatty

    def customer(self, lang: str) -> Any:
        book = self.book

        def opens(c: Any) -> int:
            return sum(1 for n in book.open_of(c.number) if book.invoices[n].kind != "memo")

        new = {c.number for c in self.new_customers}
        fit = [c for c in self.w.customers
               if c.number not in self.shared and c.number not in new and c.lang == lang and opens(c) >= 2]  # fmt: skip
        fit = fit or [c for c in self.w.customers
                      if c.number not in self.shared and c.number not in new and opens(c) >= 2]  # fmt: skip
        least = min(self.asked.get(c.number, 0) for c in fit)
        c = self.rng.choice([c for c in fit if self.asked.get(c.number, 0) == least])
        self.asked[c.number] = self.asked.get(c.number, 0) + 1
        return c

    def template(self, intent: str, lang: str) -> tuple[str, str]:
        """The next need of this intent and language: each is used before any repeats."""
        key = (intent, lang)
        if not self.cycle.get(key):
            pool = list(tx.NEED[intent][lang])
            self.rng.shuffle(pool)
            self.cycle[key] = deque(pool)
        return self.cycle[key].popleft()

    def written(self, c: Any, n: str) -> tuple[str, str]:
        """Invoice n as this customer writes it, and its ref tag."""
        rng = self.rng
        if rng.random() < 0.15:
            keys = [nkey(x) for x in self.book.by_customer[c.number]]
            k = nkey(n)
            tails = [k[-j:] for j in range(5, len(k))
                     if k[-j] != "0" and sum(x.endswith(k[-j:]) for x in keys) == 1]  # fmt: skip
            if tails:
                return tails[0], "ref-cut-prefix"
        txt, t = self.hw.habit_form(
            n, rng.choice(["asis", "asis", "asis", "asis", "spaces", "nodash", "lower", "hash"])
        )
        return txt, ("ref-exact" if t == "exact" else "ref-form-" + t)

    def numbers(self, k: int, avoid: set[str]) -> str:
        """k random digits that name no invoice and are near none of the customer's."""
        rng = self.rng
        for _ in range(50):
            s = str(rng.randint(10 ** (k - 1), 10**k - 1))
            if self.book.exact(s) is None and not any(is_near(s, n) for n in avoid):
                return s
        return "1" * k

    def signature(self, c: Any, person: str, lang: str) -> tuple[str, list[str]]:
        """A long business signature, a short mobile one, or a middle one; and its tags."""
        rng = self.rng
        u = rng.random()
        first = person.split()[0]
        mine = set(self.book.by_customer.get(c.number, []))
        if u < 0.25:
            return f"{first}\n\n{rng.choice(tx.MOBILE_FOOTER[lang])}", ["mobile-footer"]
        r = c.region
        dg = {
            "a": str(rng.randint(20, 99)), "a3": str(rng.randint(201, 989)), "m4": f"{rng.randint(0, 9999):04d}", "b4": f"{rng.randint(0, 9999):04d}", "b3": f"{rng.randint(100, 999)}",
            "c2": f"{rng.randint(10, 99)}", "d2": f"{rng.randint(10, 99)}", "e2": f"{rng.randint(10, 99)}",
            "f2": f"{rng.randint(10, 99)}",
        }  # fmt: skip
        phone = tx.PHONE[r].format(**dg)
        lines = [person, rng.choice(tx.TITLE[lang]), c.name]
        if u < 0.55:
            lines.append(f"T {phone}")
            return "\n".join(lines), ["signature-short"]
        mobile = tx.MOBILE[r].format(**dg)
        lines += [
            rng.choice(tx.ADDRESS[r]),
            f"T {phone} | M {mobile}",
            f"www.{c.domain.removesuffix('.example')}.example",
        ]
        legal = tx.LEGAL[r]
        tags = ["long-signature"]
        if legal:
            lines.append(legal.format(
                n5=self.numbers(5, mine), n6=self.numbers(6, mine), n7=self.numbers(7, mine),
                n8=self.numbers(8, mine), n9=self.numbers(9, mine), v2=f"{rng.randint(10, 99)}",
                v3=f"{rng.randint(100, 999)}", v3b=f"{rng.randint(100, 999)}",
                v3c=f"{rng.randint(100, 999)}", v4=f"{rng.randint(1000, 9999)}",
                city=tx.CITY[r], boss=rng.choice(self.hw.PEOPLE[lang]),
            ))  # fmt: skip
            tags.append("registration-numbers")
        lines += ["", rng.choice(tx.DISCLAIMER[lang])]
        tags.append("disclaimer")
        if rng.random() < 0.2:
            lines += ["", rng.choice(tx.MOBILE_FOOTER[lang])]
            tags.append("mobile-footer")
        return "\n".join(lines), tags

    def quote(self, c: Any, lang: str, sender: str, when: datetime, refs: list[str],
              opens: list[str]) -> tuple[str, str, list[str]]:  # fmt: skip
        """Our earlier reminder or statement, quoted below the question; its subject."""
        rng, book = self.rng, self.book
        what = rng.choice(["reminder", "statement"])
        sent = (when - timedelta(days=rng.randint(2, 12))).replace(
            hour=rng.randint(8, 17), minute=rng.randint(0, 59)
        )
        while sent.weekday() > 4:  # we send reminders and statements on working days
            sent -= timedelta(days=1)
        style = {"en": "en", "fr": "fr"}.get(lang, "eu")
        cur = {"EUR": "EUR", "USD": "USD", "GBP": "GBP"}[c.currency]
        others = [x for x in opens if x not in refs]
        if what == "reminder":  # a reminder lists what is overdue
            others = [x for x in others if book.invoices[x].due < sent.date()] or others
        shown = (refs + others)[: rng.randint(max(2, len(refs)), 6)]
        head = tx.TABLE_HEAD[lang]
        rows = [f"{head[0]:<12}{head[1]:<14}{head[2]:>14}"]
        for n in shown:
            inv = book.invoices[n]
            rows.append(
                f"{n:<12}{hr.fmt_date(inv.due, c.region):<14}{hr.fmt_num(book.balance[n], style):>14}"
            )
        total = f"{cur} {hr.fmt_num(sum((book.balance[n] for n in shown), ZERO), style)}"
        subj_t, body_t = (tx.OUR_REMINDER if what == "reminder" else tx.OUR_STATEMENT)[lang]
        subj = subj_t.format(name=c.name)
        body = body_t.format(table="\n".join(rows), total=total,
                             d=hr.fmt_date(sent.date(), c.region))  # fmt: skip
        months = hq.MONTHS[lang]
        if rng.random() < 0.5:
            when_s = {"en": f"{sent.day} {months[sent.month - 1]} {sent.year} {sent:%H:%M}",
                      "de": f"{sent.day}. {months[sent.month - 1]} {sent.year} {sent:%H:%M}",
                      "fr": f"{sent.day} {months[sent.month - 1]} {sent.year} {sent:%H:%M}",
                      "es": f"{sent.day} de {months[sent.month - 1]} de {sent.year} {sent:%H:%M}",
                      "nl": f"{sent.day} {months[sent.month - 1]} {sent.year} {sent:%H:%M}"}[lang]  # fmt: skip
            head_s = tx.OUTLOOK_HEAD[lang].format(wd=tx.WEEKDAYS[lang][sent.weekday()], when=when_s,
                                                  to=sender, s=subj)  # fmt: skip
            return f"{head_s}\n\n{body}", subj, ["quoted", f"quoted-{what}", "quote-outlook"]
        when_s = {"en": f"{sent.day} {months[sent.month - 1][:3]} {sent.year} at {sent:%H:%M}",
                  "de": f"{sent.day}. {months[sent.month - 1][:3]}. {sent.year} um {sent:%H:%M}",
                  "fr": f"{sent.day} {tx.FR_MONTHS_SHORT[sent.month - 1]} {sent.year} à {sent:%H:%M}",
                  "es": f"{sent.day} {months[sent.month - 1][:3]} {sent.year} a las {sent:%H:%M}",
                  "nl": f"{sent.day} {months[sent.month - 1][:3]} {sent.year} om {sent:%H:%M}"}[lang]  # fmt: skip
        head_s = tx.GMAIL_HEAD[lang].format(wds=tx.WD_SHORT[lang][sent.weekday()], when=when_s)
        quoted = "\n".join(("> " + x) if x else ">" for x in body.split("\n"))
        return f"{head_s}\n{quoted}", subj, ["quoted", f"quoted-{what}", "quote-gmail"]

    def question(self, intent: str, lang: str, *, contact: bool) -> Any:
        rng, w, book = self.rng, self.w, self.book
        c = self.customer(lang)
        mine = sorted((n for n in book.by_customer[c.number] if book.invoices[n].kind != "memo"),
                      key=lambda n: (book.invoices[n].issue, n))  # fmt: skip
        opens = [n for n in mine if book.balance[n] > 0]
        when = self.tick().replace(tzinfo=UTC).astimezone(hr.tz_for(c.region))
        kinds, tmpl = self.template(intent, lang)
        tags = ["fam6", CHATTY, *("need-" + k for k in kinds.split() if k in ("fact", "ask"))]
        if "nonnative" in kinds:
            tags.append("non-native")
        if "mixed" in kinds:
            tags.append("mixed-english")
        refs: list[str] = []
        fmt: dict[str, str] = {}
        pool = mine if intent == "invoice_copy_request" else opens
        subj_only = "subj" in kinds
        for slot in ("r", "r2"):
            if "{" + slot + "}" in tmpl or (slot == "r" and subj_only):
                n = rng.choice(
                    [x for x in pool if x not in refs] or [x for x in mine if x not in refs]
                )
                refs.append(n)
                fmt[slot], t = self.written(c, n)
                tags.append(t)
        if len(refs) == 2:
            tags.append("two-invoices")
        q2 = rng.randint(6, 48)
        fmt["q1"], fmt["q2"] = str(q2 + rng.randint(2, 14)), str(q2)
        pdate = None
        if intent == "promise_to_pay":
            fmt["p"], t, kind = promise_day(rng, lang, when.date(), c.region)
            pdate = t.isoformat()
            tags += ["promise-" + ("absolute" if kind in PROMISE_ABSOLUTE else "relative"),
                     "promise-" + kind]  # fmt: skip
        need = tmpl.format(**fmt)  # a subject-only need names no invoice in its text
        need = need[0].upper() + need[1:]
        if rng.random() < 0.3:
            need += " " + rng.choice(tx.NEGATION[intent][lang])
            tags.append("negation")
        paras: list[str] = []
        if rng.random() < 0.88:
            o = rng.choice(tx.OPEN[lang])
            paras.append(o[0].upper() + o[1:])
            if rng.random() < 0.35:
                paras.append(rng.choice(tx.ASIDE[lang]))
            tags += [f"need-para-{len(paras) + 1}", "need-buried"]
        else:
            tags.append("need-first")
        paras.append(need)
        if rng.random() < 0.7:
            paras.append(rng.choice(tx.CLOSE[lang]))
        person = rng.choice(c.people)
        if contact:
            sender = rng.choice(c.contacts)
        else:
            sender = rng.choice([f"{self.hw.slug(person.split()[-1])}.{rng.randint(1, 99)}@freemail.example",
                                 f"{self.hw.slug(person.split()[0])}.{self.hw.slug(person.split()[-1])}@{c.domain}"])  # fmt: skip
            if sender in c.contacts:
                sender = f"x.{sender}"
            tags.append("non-contact")
        customer = c.number
        if not contact and "freemail" in sender and not refs:
            customer = None
            tags.append("unidentified")
        sig, stags = self.signature(c, person, lang)
        tags += stags
        text = rng.choice(tx.GREET[lang]) + "\n\n" + "\n\n".join(paras) + "\n\n"
        text += rng.choice(tx.SIGN_OFF[lang]) + "\n" + sig + "\n"
        short = c.name.split()[0]
        if subj_only:
            subj = rng.choice(tx.SUBJ_REF[lang]).format(r=fmt["r"])
            tags.append("ref-subject-only")
        elif rng.random() < 0.3:
            qtext, qsubj, qtags = self.quote(c, lang, sender, when, refs, opens)
            text += "\n" + qtext + "\n"
            subj = tx.REPLY[lang] + qsubj
            tags += qtags
        elif refs and rng.random() < 0.3:
            subj = rng.choice(tx.SUBJ_REF[lang]).format(r=fmt["r"])
            tags.append("ref-subject-too")
        else:
            subj = rng.choice(tx.SUBJ_VAGUE[lang]).format(short=short, city=tx.CITY[c.region])
            tags.append("subject-vague")
        name = self.mail_no("query")
        msgid = f"<{name}.{w.seed}.{rng.randint(10**9, 10**10 - 1)}@{sender.rpartition('@')[2]}>"
        raw = hr.build_eml(from_name=person, from_addr=sender, when=when, msgid=msgid,
                           subject=subj, text=text, lang=lang)  # fmt: skip
        label = {
            "name": name,
            "file": f"phase2/{name}.eml",
            "phase": 2,
            "order": 0,
            "message_id": msgid,
            "sender": sender,
            "customer": customer,
            "from_contact": contact,
            "intent": intent,
            "language": lang,
            "refs": refs,
            "promise_date": pdate,
            "tags": sorted(set(tags)),
        }
        m = self.hw.Mail(name, 2, 0, when, "query", label, raw)
        w.mails.append(m)
        return m

    # ================================================================================

    def run(self, n_mails: int, n_queries: int) -> dict[str, int]:
        rng = self.rng
        self.make_customers()
        extra = max(2, round(n_queries / 28))
        strangers = max(2, round(n_queries / 17))
        jobs: list[tuple] = [("q", i, lg, True) for i in INTENTS for lg in LANGS for _ in range(3)]
        jobs += [("q", rng.choice(INTENTS), rng.choice(LANGS), True) for _ in range(extra)]
        jobs += [("q", INTENTS[k % 5], LANGS[(k + 3) % 5], False) for k in range(strangers)]
        k = max(4, round(n_mails / 19))
        payers = [self.new_customers[i % len(self.new_customers)] for i in range(k)]
        jobs += [("r", payers[i], LAYOUTS[i % len(LAYOUTS)]) for i in range(k)]
        rng.shuffle(jobs)
        for job in jobs:
            if job[0] == "q":
                self.question(job[1], job[2], contact=job[3])
            else:
                self.near_advice(job[1], job[2])
        return {"chatty": len(jobs) - k, "strangers": strangers, "near_amounts": k}


def add_families(world: Any, hw: ModuleType) -> dict[str, int]:
    """Append the sixth set (fam6) to a finished world, after fam5; their sizes."""
    before = (len(world.mails), len(world.customers))
    info = Fam6(world, hw).run(world.n_mails, world.n_queries)
    new = world.mails[before[0] :]
    info["mails"] = sum(1 for m in new if m.kind == "remittance")
    info["queries"] = sum(1 for m in new if m.kind == "query")
    info["customers"] = len(world.customers) - before[1]
    info["lines"] = sum(len(m.label["lines"]) for m in new if m.kind == "remittance")
    info["allowed"] = sum(
        ln.allowed for m in new if m.kind == "remittance" for ln in m.label["lines"]
    )
    return info

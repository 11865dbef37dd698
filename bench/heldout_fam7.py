"""Held-out world, the seventh added family (bench/HELDOUT.md, "Families added 2026-12-07
(fam7)"):

- ``fam7-terse``: questions written short: one line from a phone ("inv 90041234 pls",
  "stmt?", "saldo?"), AP clerks' shorthand (SOA, OI list, POD, CN, ETA of pmt, "Rg.", "Fra.",
  "fact."), the question in the subject only over an empty or "see subject" body, a bullet list
  of small needs of which one is the question, a reply on top of our own earlier answer
  ("Thanks - and the other one?" naming the invoice), polite-formal letters ("We kindly request
  …", "Wir bitten höflich um …", "Nous vous saurions gré de …"); promised days written as a
  weekday and date ("Fri 4 Dec"), in words ("on the tenth of December") or as "end of next
  week".

Written from how customers and AP departments write, not from arbox's code. Like the families
before it, it comes after everything else (the end of phase 2, dated after fam6's last mail),
draws from its own random stream and adds no customer or invoice, so the world without it is
byte for byte what it was.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import ModuleType
from typing import Any

import heldout_fam7_text as tx
import heldout_queries as hq
import heldout_render as hr
from heldout_rules import nkey

LANGS = ["en", "de", "fr", "es", "nl"]
INTENTS = hq.INTENTS
FAMILY = "fam7-terse"
STYLES = tx.STYLES
PROMISE_KINDS = ["weekday-date", "in-words", "end-next-week", "weekday-date"]


def promise_day(
    rng: random.Random, lang: str, today: date, region: str, formal: bool, kind: str
) -> tuple[str, date, str]:
    """A promised day as written, the date it means from the mail's local date, and its kind:
    a weekday with its date (abbreviated unless formal), a day of December in words, or the end
    of next week (the Friday of the week after the mail's)."""
    if kind == "in-words":
        days = [date(2026, 12, d) for d in range(1, 13)]
        days = [t for t in days if 3 <= (t - today).days <= 21 and t.weekday() < 5]
        if not days:
            kind = "weekday-date"
        else:
            t = rng.choice(days)
            w = tx.WORDS[lang][t.day - 1]
            if lang == "es" and t.day == 1:
                w = "primero"
            return tx.IN_WORDS[lang].format(w=w, m=hq.MONTHS[lang][t.month - 1]), t, kind
    if kind == "end-next-week":
        t = today + timedelta(days=7 - today.weekday() + 4)
        return tx.END_NEXT_WEEK[lang], t, kind
    t = today + timedelta(days=rng.randint(3, 14))
    while t.weekday() > 4:
        t += timedelta(days=1)
    full = formal or rng.random() < 0.35
    wd = (hq.WEEKDAYS if full else tx.WD_ABBR)[lang][t.weekday()]
    mo = (hq.MONTHS if full else tx.MON_ABBR)[lang][t.month - 1]
    s = {
        "en": f"{wd}, {mo} {t.day}" if region == "US" else f"{wd} {t.day} {mo}",
        "de": f"{wd}, {t.day}. {mo}" if full else f"{wd}, {t:%d.%m.}",
        "fr": f"le {wd} {'1er' if t.day == 1 else t.day} {mo}" if full else f"{wd} {t.day} {mo}",
        "es": f"el {wd} {t.day} de {mo}" if full else f"{wd} {t.day} {mo}",
        "nl": f"op {wd} {t.day} {mo}" if full else f"{wd} {t.day} {mo}",
    }[lang]
    if lang == "en" and formal:
        s = "on " + s
    return s, t, kind


@dataclass
class Fam7:
    """The seventh added family, appended to a finished World (after fam6)."""

    w: Any
    hw: ModuleType
    rng: random.Random = field(init=False)
    clock: datetime = field(init=False)  # UTC, naive
    cycle: dict[tuple[str, str], deque[tx.T]] = field(default_factory=dict)
    asked: dict[str, int] = field(default_factory=dict)
    promises: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(f"heldout-fam7-{self.w.seed}")
        stamps = [
            m.when.astimezone(UTC).replace(tzinfo=None) if m.when.tzinfo else m.when
            for m in self.w.mails
        ]
        self.clock = max([datetime(2026, 11, 20, 6, 0), *stamps]) + timedelta(minutes=11)
        self.book = self.w.book
        owners: dict[str, int] = {}
        for c in self.w.customers:
            for a in c.contacts:
                owners[a] = owners.get(a, 0) + 1
        # a mailbox two customers share says nothing of who asks
        self.shared = {c.number for c in self.w.customers if any(owners[a] > 1 for a in c.contacts)}

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=self.rng.randint(1, 5), seconds=self.rng.randint(0, 59))
        return self.clock

    def invoices(self, c: Any) -> tuple[list[str], list[str]]:
        """(every invoice of c, the open ones), oldest first; credit memos are no invoice."""
        book = self.book
        mine = sorted(
            (n for n in book.by_customer.get(c.number, []) if book.invoices[n].kind != "memo"),
            key=lambda n: (book.invoices[n].issue, n),
        )
        return mine, [n for n in mine if book.balance[n] > 0]

    def customer(self, lang: str) -> Any:
        def fits(c: Any) -> bool:
            mine, opens = self.invoices(c)
            return c.number not in self.shared and len(opens) >= 2 and len(mine) >= 3

        fit = [c for c in self.w.customers if c.lang == lang and fits(c)]
        fit = fit or [c for c in self.w.customers if fits(c)]
        least = min(self.asked.get(c.number, 0) for c in fit)
        c = self.rng.choice([c for c in fit if self.asked.get(c.number, 0) == least])
        self.asked[c.number] = self.asked.get(c.number, 0) + 1
        return c

    def template(self, intent: str, lang: str) -> tuple[str, str, str]:
        """The next (style, subject, body) of this intent and language: each before any repeats."""
        key = (intent, lang)
        if not self.cycle.get(key):
            pool = list(tx.NEED[intent][lang])
            self.rng.shuffle(pool)
            self.cycle[key] = deque(pool)
        return self.cycle[key].popleft()

    def written(self, c: Any, n: str, mine: list[str]) -> tuple[str, str]:
        """Invoice n as this customer writes it, and its ref tag."""
        rng = self.rng
        if rng.random() < 0.12:
            keys = [nkey(x) for x in mine]
            k = nkey(n)
            tails = [
                k[-j:]
                for j in range(5, len(k))
                if k[-j] != "0" and sum(x.endswith(k[-j:]) for x in keys) == 1
            ]
            if tails:
                return tails[0], "ref-cut-prefix"
        txt, t = self.hw.habit_form(
            n, rng.choice(["asis", "asis", "asis", "spaces", "nodash", "lower", "hash"])
        )
        return txt, ("ref-exact" if t == "exact" else "ref-form-" + t)

    def our_answer(self, c: Any, lang: str, sender: str, when: datetime, o: str) -> str:
        """Our earlier mail (a copy of invoice o), quoted below the reply, Outlook style."""
        sent = (when - timedelta(days=self.rng.randint(1, 9))).replace(
            hour=self.rng.randint(8, 17), minute=self.rng.randint(0, 59)
        )
        while sent.weekday() > 4:  # we answer on working days
            sent -= timedelta(days=1)
        head, body = tx.OUR_ANSWER[lang]
        stamp = f"{sent:%d.%m.%Y %H:%M}" if lang != "en" else f"{sent:%d %b %Y %H:%M}"
        return head.format(when=stamp, to=sender, o=o) + "\n\n" + body.format(o=o)

    def query(self, intent: str, lang: str, *, contact: bool) -> Any:
        rng, w = self.rng, self.w
        c = self.customer(lang)
        mine, opens = self.invoices(c)
        when = self.tick().replace(tzinfo=UTC).astimezone(hr.tz_for(c.region))
        style, subj_t, body_t = self.template(intent, lang)
        tags = ["fam7", FAMILY, "style-" + style]
        refs: list[str] = []
        fmt: dict[str, str] = {}
        pool = mine if intent == "invoice_copy_request" else opens
        if "{r}" in subj_t + body_t:
            n = rng.choice(pool)
            refs.append(n)
            fmt["r"], rtag = self.written(c, n, mine)
            tags.append(rtag)
        if "{o}" in subj_t + body_t:  # the invoice our earlier answer sent: not the question's
            fmt["o"] = rng.choice([x for x in mine if x not in refs])
        q2 = rng.randint(4, 40)
        fmt["q1"], fmt["q2"] = str(q2 + rng.randint(2, 12)), str(q2)
        pdate = None
        if intent == "promise_to_pay":
            kind = PROMISE_KINDS[self.promises % len(PROMISE_KINDS)]  # each kind in turn
            self.promises += 1
            fmt["p"], t, kind = promise_day(
                rng, lang, when.date(), c.region, style == "formal", kind
            )
            pdate = t.isoformat()
            tags.append("promise-" + kind)
        subj, body = subj_t.format(**fmt), body_t.format(**fmt)
        person = rng.choice(c.people)
        first = person.split()[0]
        if style in ("one-line", "subject-only"):
            foot = rng.choice(tx.PHONE_FOOTER[lang])
            text = "\n\n".join(x for x in (body, foot) if x)
            if foot:
                tags.append("phone-footer")
        elif style == "shorthand":
            text = f"{body}\n{first}"
        elif style == "reply-on-ours":
            text = f"{body}\n\n{first}\n\n" + self.our_answer(
                c, lang, c.contacts[0], when, fmt["o"]
            )
            tags.append("quoted")
        else:  # bullets and formal letters sign with name and company
            text = f"{body}\n{person}\n{c.name}"
        if not subj:
            tags.append("subject-empty")
        if not body:
            tags.append("body-empty")
        if contact:
            sender = rng.choice(c.contacts)
        else:
            sender = rng.choice([f"{self.hw.slug(person.split()[-1])}.{rng.randint(1, 99)}@freemail.example",
                                 f"{self.hw.slug(first)}.{self.hw.slug(person.split()[-1])}@{c.domain}"])  # fmt: skip
            if sender in c.contacts:
                sender = f"x.{sender}"
            tags.append("non-contact")
        customer = c.number
        if not contact and "freemail" in sender and not refs:
            customer = None
            tags.append("unidentified")
        name = f"q{len([m for m in w.mails if m.kind == 'query']) + 1:04d}"
        msgid = f"<{name}.{w.seed}.{rng.randint(10**9, 10**10 - 1)}@{sender.rpartition('@')[2]}>"
        raw = hr.build_eml(from_name=person, from_addr=sender, when=when, msgid=msgid,
                           subject=subj, text=text + "\n" if text else "", lang=lang)  # fmt: skip
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

    def run(self, n_queries: int) -> dict[str, int]:
        rng = self.rng
        extra = max(2, round(n_queries / 14))
        strangers = max(2, round(n_queries / 28))
        jobs = [(i, lg, True) for i in INTENTS for lg in LANGS for _ in range(2)]
        jobs += [(rng.choice(INTENTS), rng.choice(LANGS), True) for _ in range(extra)]
        jobs += [(INTENTS[k % 5], LANGS[(k + 1) % 5], False) for k in range(strangers)]
        rng.shuffle(jobs)
        for intent, lang, contact in jobs:
            self.query(intent, lang, contact=contact)
        return {"contacts": len(jobs) - strangers, "strangers": strangers}


def add_families(world: Any, hw: ModuleType) -> dict[str, int]:
    """Append the seventh set (fam7) to a finished world, after fam6; their sizes."""
    before = (len(world.mails), len(world.customers))
    info = Fam7(world, hw).run(world.n_queries)
    new = world.mails[before[0] :]
    info["mails"] = sum(1 for m in new if m.kind == "remittance")
    info["queries"] = sum(1 for m in new if m.kind == "query")
    info["customers"] = len(world.customers) - before[1]
    return info

"""Questions written as a need or a fact, not as a request: "invoice 4711 never reached our
AP inbox", "our auditors still lack your statement", "I am not sure what we owe you in
total", "90041234 has been released for next Tuesday's payment run", "only 16 of the 20
cartons billed on 4711 arrived". Pure: no IO.

The cue families of :mod:`parsers.intent_cues` are phrases: each says one thing one way, and
a customer who says it another way is not understood. This reader is the second look, for a
sentence in which no cue of a kind was found: it reads what the sentence is *about* (an
invoice as a document, a statement, what is owed, a payment to come, a problem with what an
invoice charges; :mod:`parsers.intent_needs_words`) and what the writer *says of it* (it is
missing or unusable, they need it, they want to know), and a kind is asked when both are
there:

- an invoice copy: an invoice (or a document beside an invoice number) that is missing or
  unusable, or that the writer needs; not when the need is to pay it or to know what is
  still owed on it, and not when the sentence says what is wrong with the invoice (that is
  a dispute);
- a statement: a statement or a list of what is open, with a need, a lack, a wish to know,
  or the audit or close it is for;
- a balance: what is owed, with a wish to know, or needed or missing as a figure ("our
  forecast waits for one figure: the total we still owe"; a need alone is too often the
  writer's own: "we still need to check what we owe internally"; a statement named in the
  same sentence wins: it says more);
- a promise to pay: a payment run, a release or a booking for payment, and a day to come;
- a dispute: a problem with what an invoice charges, said as a fact, with the invoice
  named.

Each word counts only when no negation stands before it in its clause (a problem holds its
own: "the agreed discount was not applied") ("no need for a
copy", "nous n'avons pas besoin du relevé"); the French "ne … pas" and "ne … jamais" of a
missing document belong to the lack itself ("la facture ne nous est jamais parvenue").
What a sentence says it attaches is not asked for. The weight of what this reader finds
(:data:`WEIGHT`, more with a third word agreeing) is below a cue's: the bonuses of
:func:`parsers.intent.score` for a request, an invoice named and the subject decide the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from core.types import MailKind
from parsers.intent_cues import Cue
from parsers.intent_dates import find_date
from parsers.intent_needs_words import (
    AUDIT,
    DOCUMENT,
    FIGURE,
    INVOICE_DOC,
    INVOICE_PROBLEM,
    KNOW,
    LACK,
    NEED,
    OWED,
    PAYMENT_PLANNED,
    STATEMENT_DOC,
)
from parsers.intent_phrases import (
    ATTACHED_RE,
    CLAUSE_BREAK_RE,
    NEGATION_AFTER_RE,
    NEGATION_RE,
    PAID_RE,
)
from parsers.regex_words import WordIndex, required_words

#: How many words after a word a German or Dutch negation may stand and still be its own.
NEGATION_AFTER_WORDS = 4
#: A topic and one word of what the writer says of it.
WEIGHT = 0.5
#: A third kind of word that agrees (a need beside a lack, the audit a statement is for).
SUPPORT_BONUS = 0.1
#: "ne" or "n'" (and up to two pronouns) right before a French lack: part of it.
_FRENCH_NE_RE = re.compile(r"\b(?:ne|n['’])\s*(?:\S+\s+){0,2}$", re.IGNORECASE)
#: The writer has the invoices: what it lacks is something else ("Die einzelnen Rechnungen
#: haben wir alle, es fehlt nur Ihre Gesamtsicht").
_HAVE_THEM_RE = re.compile(
    r"\b(?:we\s+have\s+(?:them\s+)?all|have\s+all\s+(?:the\s+|of\s+the\s+)?invoices"
    r"|haben\s+wir\s+(?:\S+\s+)?alle|(?:las|los)\s+tenemos\s+tod[ao]s|tenemos\s+todas"
    r"|nous\s+les\s+avons\s+toutes|(?:hebben|heb)\s+(?:we|wij|ik)\s+(?:ze\s+)?allemaal)\b",
    re.IGNORECASE,
)
#: A need that is to pay, not to have a document: "we need to pay invoice 4711".
_PAY_NEED_RE = re.compile(
    r"\b(?:to\s+(?:pay|settle|clear)|zu\s+(?:zahlen|bezahlen|begleichen|überweisen)"
    r"|(?:de\s+)?(?:payer|r[ée]gler)\s+(?:la|les|cette)\s+facture|pagar\s+(?:la|las)\s+factura"
    r"|te\s+betalen|(?:factuur|facturen)\s+(?:\S+\s+){0,3}?betalen)\b",
    re.IGNORECASE,
)


#: Every concept, in :class:`_Found`'s order; the topics are those a sentence must hold one of.
_CONCEPTS = (
    INVOICE_DOC,
    DOCUMENT,
    STATEMENT_DOC,
    OWED,
    LACK,
    NEED,
    KNOW,
    AUDIT,
    PAYMENT_PLANNED,
    INVOICE_PROBLEM,
)
#: What a sentence must speak of to ask anything here.
_TOPICS = (INVOICE_DOC, DOCUMENT, STATEMENT_DOC, OWED, PAYMENT_PLANNED, INVOICE_PROBLEM)
#: Which concepts a sentence may hold, by their words (parsers.regex_words): most sentences
#: of a remittance hold none, and each pattern not run is saved.
_WORDS = WordIndex([required_words(p) for p in _CONCEPTS])
#: A concept's number in :data:`_CONCEPTS`, by identity (a pattern's own equality and hash
#: go through its whole text).
_NUMBER = {id(p): n for n, p in enumerate(_CONCEPTS)}


@dataclass(frozen=True, slots=True)
class _Found:
    """The concepts a sentence holds (each unnegated at least once)."""

    invoice: bool
    document: bool
    statement: bool
    owed: bool
    lack: bool
    need: bool
    know: bool
    audit: bool
    planned: bool
    problem: bool


#: What this reader adds to a sentence's cues, one pseudo-cue per kind and weight.
_CUES: dict[tuple[MailKind, int], Cue] = {
    (kind, extra): Cue(
        kind, f"needs-{kind.value}", re.compile(r"(?!)"), WEIGHT + SUPPORT_BONUS * extra
    )
    for kind in MailKind
    for extra in (0, 1)
}


def needs_asked(
    sentence: str,
    *,
    names_invoice: Callable[[], bool],
    today: date | None,
    skip: Sequence[MailKind] = (),
) -> dict[MailKind, Cue]:
    """The kinds ``sentence`` asks as a need or a fact, each with the pseudo-cue that weighs
    it; kinds in ``skip`` (already found by a cue) are not looked for. ``names_invoice``
    says whether the sentence (or its subject) names an invoice by number; it is asked only
    when the sentence has a topic."""
    found = _concepts(sentence)
    if found is None:
        return {}
    named = names_invoice()
    out: dict[MailKind, Cue] = {}
    attached = bool(ATTACHED_RE.search(sentence))
    invoice = found.invoice or (found.document and named)
    if (
        invoice
        and not attached
        and not found.problem
        and not (found.owed and found.know)
        and not _HAVE_THEM_RE.search(sentence)
        and (found.lack or (found.need and not _PAY_NEED_RE.search(sentence)))
        and not (found.statement and not named)
    ):
        out[MailKind.INVOICE_COPY_REQUEST] = _pick(
            MailKind.INVOICE_COPY_REQUEST, found.lack and found.need
        )
    if found.statement and not attached and (found.need or found.lack or found.know or found.audit):
        supports = sum((found.need or found.lack, found.know, found.audit))
        out[MailKind.STATEMENT_REQUEST] = _pick(MailKind.STATEMENT_REQUEST, supports > 1)
    if (
        found.owed
        and not found.statement
        and (found.know or ((found.need or found.lack) and bool(FIGURE.search(sentence))))
    ):
        out[MailKind.BALANCE_INQUIRY] = _pick(MailKind.BALANCE_INQUIRY, found.need)
    if found.planned and not PAID_RE.search(sentence) and _ahead(sentence, today):
        out[MailKind.PROMISE_TO_PAY] = _pick(MailKind.PROMISE_TO_PAY, named)
    if found.problem and (named or found.invoice):
        out[MailKind.DISPUTE] = _pick(MailKind.DISPUTE, named and found.invoice)
    return {kind: cue for kind, cue in out.items() if kind not in skip}


def _pick(kind: MailKind, supported: bool) -> Cue:
    return _CUES[(kind, 1 if supported else 0)]


def _ahead(sentence: str, today: date | None) -> bool:
    """Whether the sentence names a day after ``today`` (any day when it is unknown): a
    remittance names the day it paid, today or before."""
    day = find_date(sentence, today=today)
    return day is not None and (today is None or day > today)


def _concepts(sentence: str) -> _Found | None:
    """The concepts of ``sentence``, or None when it holds no topic at all (most sentences
    of a remittance: the common case is one cheap look). Each pattern runs at most once,
    and only when the sentence holds one of its words."""
    numbers = _WORDS.candidates(sentence)
    maybe = range(len(_CONCEPTS)) if numbers is None else numbers
    found: dict[int, list[re.Match[str]]] = {}

    def matches(pattern: re.Pattern[str]) -> list[re.Match[str]]:
        number = _NUMBER[id(pattern)]
        if number not in found:
            found[number] = list(pattern.finditer(sentence)) if number in maybe else []
        return found[number]

    if not any(matches(p) for p in _TOPICS):
        return None
    lacks = [m for m in matches(LACK) if _stands(sentence, m, lack=True)]
    knows = [m for m in matches(KNOW) if _stands(sentence, m, lack=True)]
    # "not sure", "never arrived": their negation is their own, not the clause's
    lack_spans = [(m.start(), m.end()) for m in lacks + knows]

    def has(pattern: re.Pattern[str]) -> bool:
        return any(_stands(sentence, m, spans=lack_spans) for m in matches(pattern))

    return _Found(
        invoice=has(INVOICE_DOC),
        document=has(DOCUMENT),
        statement=has(STATEMENT_DOC),
        owed=has(OWED),
        lack=bool(lacks),
        need=has(NEED),
        know=bool(knows),
        audit=has(AUDIT),
        planned=has(PAYMENT_PLANNED),
        # "the agreed discount is not applied": the negation is the problem itself
        problem=bool(matches(INVOICE_PROBLEM)),
    )


def _stands(
    sentence: str, m: re.Match[str], *, lack: bool = False, spans: Sequence[tuple[int, int]] = ()
) -> bool:
    """Whether the word ``m`` is not negated in its clause. The words of a lack ("never
    arrived", "nicht angekommen") are no negation of the words around them (``spans``)."""
    breaks = CLAUSE_BREAK_RE.finditer(sentence, 0, m.start())
    start = max((b.end() for b in breaks), default=0)
    before = sentence[start : m.start()]
    for s, e in spans:
        if start <= s and e <= m.start():
            before = before.replace(sentence[s:e], " ")
    if lack:
        before = _FRENCH_NE_RE.sub("", before)
    if NEGATION_RE.search(before):
        return False
    if lack:
        return True
    ends = [b.start() for b in CLAUSE_BREAK_RE.finditer(sentence, m.end())]
    after = sentence[m.end() : ends[0] if ends else len(sentence)]
    # "Kontoauszug benötigen wir nicht": the negation a few words on; further on it is
    # another verb's ("zonder uw overzicht vind ik het verschil niet")
    after = " ".join(after.split()[:NEGATION_AFTER_WORDS])
    for s, e in spans:
        after = after.replace(sentence[s:e], " ")
    return not NEGATION_AFTER_RE.search(after)

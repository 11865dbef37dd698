"""What a customer asks or tells in a mail: invoice copies, statements, balances, disputes and
promises to pay, in English, German, French, Spanish and Dutch. Pure and deterministic: no
IO, no clock (relative promise dates need ``today``).

The mail's own text is read (quoted replies and the signature are removed first), sentence
by sentence, with the subject as one more sentence. Each question kind has many cue
families per language (:mod:`parsers.intent_cues`, :mod:`parsers.intent_disputes`): for a
dispute, a quantity billed that did not arrive, a wrong price, damaged goods, goods not
ordered, a double charge, a missing PO, a correction or credit note asked for, payment held
back, and the plain words ("we dispute", "klopt niet"). A cue counts in a sentence when:

- it is not negated in its clause ("no need to send a copy", "we do not dispute", "wir
  beanstanden die Rechnung nicht"), and a promise holds no negation ("we will not pay");
- a promise (:mod:`parsers.intent_promises`: "we will pay", or the invoice is in the next
  payment run, the payment is planned for a day) is not in a clause that says the payment
  was made or names last week's run ("wir haben überwiesen", "was paid in last week's run");
- a credit note counts for a dispute only when asked for, and not when it is named among
  what a statement shows ("a statement with all open invoices and credit notes");
- a cue that only names a thing ("copy of invoice", "statement of account", "balance")
  comes with a request ("please", "could you", "bitte", "merci de", "por favor", "graag",
  a question mark); in a subject that is not a reply the subject itself is the request;
- a document ("copy of invoice", "statement") is not one the sender says it attaches, and
  an invoice is not asked for in corrected form (that is a dispute).

The evidence adds up to a confidence (0–1), :func:`score`: the cue's weight (0.6 for words
that say it alone, 0.4 for words with other uses such as "damaged" or "balance"), plus 0.15
for a request (for a promise: a date), 0.15 for an invoice named, 0.1 when the subject says
the same, and 0.1 for each further cue family of the kind in the mail (at most 0.2); a copy
asked in a sentence that also disputes loses 0.2. Below ``ARBOX_INTENT_MIN_CONFIDENCE`` the
pipeline leaves the question to a person.

Every :class:`~core.types.Question` names the sentences that gave it away (``evidence``)
and the invoice references written in them (``refs``, read by
:func:`parsers.text_refs.find_invoice_refs`); a promise to pay also has the date.
Questions come most important first: dispute, promise to pay, invoice copy, statement,
balance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from core.types import MailKind, Question
from parsers.intent_cues import BALANCE_CUES, COPY_CUES, INV, STATEMENT_CUES, Cue
from parsers.intent_dates import find_date
from parsers.intent_disputes import DISPUTE_CUES
from parsers.intent_needs import needs_asked
from parsers.intent_phrases import (
    ATTACHED_RE,
    CLAUSE_BREAK_RE,
    CORRECTED_RE,
    CREDITS_LISTED_RE,
    DISCLAIMER_RE,
    ENGLISH_RE,
    MARKETING_RE,
    NEGATION_AFTER_RE,
    NEGATION_RE,
    PAID_RE,
    PROMISE_NEGATION_RE,
    REQUEST_RE,
)
from parsers.intent_promises import PROMISE_CUES
from parsers.intent_sentences import sentences_of
from parsers.quoted_text import strip_quotes_and_signature
from parsers.regex_words import WordIndex
from parsers.text_refs import find_invoice_refs

#: Question kinds, most important first: the kind of a mail that asks several things.
PRIORITY: tuple[MailKind, ...] = (
    MailKind.DISPUTE,
    MailKind.PROMISE_TO_PAY,
    MailKind.INVOICE_COPY_REQUEST,
    MailKind.STATEMENT_REQUEST,
    MailKind.BALANCE_INQUIRY,
)
#: Every cue, by kind. Order within a kind does not matter.
CUES: tuple[Cue, ...] = DISPUTE_CUES + PROMISE_CUES + COPY_CUES + STATEMENT_CUES + BALANCE_CUES
#: The words of every cue, to find the cues a sentence may hold (parsers.regex_words).
_CUE_WORDS = WordIndex([c.words for c in CUES])
#: What each piece of evidence adds to a cue's weight (see the module docstring).
REQUEST_BONUS = 0.15
REF_BONUS = 0.15
SUBJECT_BONUS = 0.1
FAMILY_BONUS = 0.1
MAX_FAMILY_BONUS = 0.2
#: A copy asked in the sentence that disputes is likely the corrected invoice.
COPY_IN_DISPUTE_PENALTY = 0.2
#: Only this much of a mail's own text is read; customers' questions come first.
MAX_TEXT_CHARS = 20_000
#: A sentence longer than this is cut: prose this long is no single question.
MAX_SENTENCE_CHARS = 1_000
#: Evidence longer than this is cut.
MAX_EVIDENCE_CHARS = 300

#: An invoice named in words: a resend beside a statement is then of the invoice too.
_INVOICE_WORD_RE = re.compile(rf"\b{INV}\b", re.IGNORECASE)
#: Prefixes of a reply or a forward, and of a mail the sender sends again ("Resend:",
#: "2nd copy:", "Erneut:", "Renvoi :"): what follows was written before; not a request.
_REPLY_PREFIX_RE = re.compile(
    r"^\s*(?:(?:re|aw|antw|wg|fw|fwd|tr|rv|rif|sv|vs|re-?send|re-?sent|(?:2nd|second)\s+copy"
    r"|erneut|nochmals|renvoi|reenv[ií]o|opnieuw|nogmaals)\s*(?:\[\d+\])?\s*:\s*)+",
    re.IGNORECASE,
)
#: A line of a list that carries references on ("INV-1001", "- 4711 (price)").
_LIST_LINE_CHARS = 80


@dataclass(frozen=True, slots=True)
class Intent:
    """What :func:`read_intent` found: the questions, and the mail's own text without the
    sentences that ask (what is left to say whether the mail also tells of a payment)."""

    questions: tuple[Question, ...]
    rest: str


@dataclass(frozen=True, slots=True)
class _Hit:
    kind: MailKind
    sentence: str
    refs: tuple[str, ...]
    promise_date: date | None
    families: frozenset[str]
    score: float


def find_questions(text: str, *, subject: str, today: date | None = None) -> tuple[Question, ...]:
    """The questions of a mail whose body is ``text``, most important first, one per kind.

    ``today`` (the day the mail was written) resolves relative promise dates ("next
    Friday") and dates without a year; without it those are None.
    """
    return read_intent(text, subject=subject, today=today).questions


def read_intent(text: str, *, subject: str, today: date | None = None) -> Intent:
    """The questions of the mail (see :func:`find_questions`) and the rest of its text."""
    own = strip_quotes_and_signature(text[:MAX_TEXT_CHARS])
    sentences = [s for s in sentences_of(own, MAX_SENTENCE_CHARS) if not DISCLAIMER_RE.search(s)]
    clean_subject = _REPLY_PREFIX_RE.sub("", subject[:MAX_SENTENCE_CHARS]).strip()
    is_reply = clean_subject != subject.strip()
    subject_refs = find_invoice_refs(clean_subject)
    subject_found = _cues_asked(clean_subject, subject=not is_reply) if clean_subject else {}
    if clean_subject:
        for kind, need in needs_asked(
            clean_subject,
            names_invoice=lambda: bool(subject_refs),
            today=today,
            skip=tuple(subject_found),
        ).items():
            subject_found.setdefault(kind, []).append(need)
    hits: list[_Hit] = []
    asking: set[int] = set()
    for no, sentence in enumerate(sentences):
        found = _cues_asked(sentence, subject=False)
        refs_of = _SentenceRefs(sentence, also=subject_refs)
        for kind, need in needs_asked(
            sentence,
            names_invoice=refs_of.names,
            today=today,
            skip=tuple(found),
        ).items():
            found.setdefault(kind, []).append(need)
        if (
            MailKind.BALANCE_INQUIRY in found
            and MailKind.PROMISE_TO_PAY in found
            and _promise_date(MailKind.PROMISE_TO_PAY, sentence, own, today) is None
        ):
            # "before our next payment run we would like to know what we owe": the run is
            # when, the question is how much; with no day it promises nothing
            del found[MailKind.PROMISE_TO_PAY]
        own_refs = refs_of() if found else ()
        for kind, cues in found.items():
            named = own_refs or _listed_refs(sentences, no) or subject_refs
            # "it" of an invoice named just before: the reference, not more confidence
            refs = named or (_earlier_refs(sentences, no) if kind in ABOUT_AN_INVOICE else ())
            promise = _promise_date(kind, sentence, own, today)
            value = score(
                cues,
                requested=_is_request(kind, sentence, promise),
                named=bool(named),
                in_subject=kind in subject_found,
                disputed=kind is MailKind.INVOICE_COPY_REQUEST and MailKind.DISPUTE in found,
            )
            families = frozenset(c.family for c in cues)
            hits.append(_Hit(kind, sentence, refs, promise, families, value))
            asking.add(no)
    for kind, cues in subject_found.items():
        promise = _promise_date(kind, clean_subject, own, today)
        value = score(
            cues,
            requested=not is_reply or _is_request(kind, clean_subject, promise),
            named=bool(subject_refs),
            in_subject=any(hit.kind is kind for hit in hits),
            disputed=kind is MailKind.INVOICE_COPY_REQUEST and MailKind.DISPUTE in subject_found,
        )
        families = frozenset(c.family for c in cues)
        hits.append(_Hit(kind, clean_subject, subject_refs, promise, families, value))
    if MARKETING_RE.search(own):
        hits = [hit for hit in hits if hit.refs]  # a pitch asks nothing about an invoice
    rest = "\n".join(s for no, s in enumerate(sentences) if no not in asking)
    return Intent(questions=_merge(hits), rest=rest)


class _SentenceRefs:
    """The invoice references of a sentence, read at the first call only; ``names``: whether
    it (or the subject, ``also``) names any."""

    def __init__(self, sentence: str, *, also: tuple[str, ...]) -> None:
        self._sentence = sentence
        self._also = also
        self._refs: tuple[str, ...] | None = None

    def __call__(self) -> tuple[str, ...]:
        if self._refs is None:
            self._refs = find_invoice_refs(self._sentence)
        return self._refs

    def names(self) -> bool:
        return bool(self() or self._also)


def score(
    cues: list[Cue], *, requested: bool, named: bool, in_subject: bool, disputed: bool
) -> float:
    """How sure a sentence asks what ``cues`` (of one kind, found in it) say: the strongest
    cue's weight plus what the rest of the evidence adds (see the module docstring), 0–1."""
    value = max(c.weight for c in cues)
    value += REQUEST_BONUS if requested else 0.0
    value += REF_BONUS if named else 0.0
    value += SUBJECT_BONUS if in_subject else 0.0
    value -= COPY_IN_DISPUTE_PENALTY if disputed else 0.0
    return min(1.0, max(0.0, value))


def _is_request(kind: MailKind, sentence: str, promise: date | None) -> bool:
    if kind is MailKind.PROMISE_TO_PAY:
        return promise is not None
    return bool(REQUEST_RE.search(sentence))


def _cues_asked(sentence: str, *, subject: bool) -> dict[MailKind, list[Cue]]:
    """The cues that ask in ``sentence``, by kind (kinds in cue order)."""
    found: dict[MailKind, list[Cue]] = {}
    candidates = _CUE_WORDS.candidates(sentence)
    for number, c in enumerate(CUES):
        if candidates is not None and number not in candidates:
            continue  # none of the words every match holds
        for m in c.pattern.finditer(sentence):
            if _asks(c, sentence, m, subject=subject):
                found.setdefault(c.kind, []).append(c)
                break
    if MailKind.STATEMENT_REQUEST in found and MailKind.INVOICE_COPY_REQUEST in found:
        # "could you resend the statement?": the resend is of the statement, unless an
        # invoice is named too
        copies = [c for c in found[MailKind.INVOICE_COPY_REQUEST] if "resend" not in c.family]
        if copies or _INVOICE_WORD_RE.search(sentence):
            found[MailKind.INVOICE_COPY_REQUEST] = copies or found[MailKind.INVOICE_COPY_REQUEST]
        else:
            del found[MailKind.INVOICE_COPY_REQUEST]
    if MailKind.STATEMENT_REQUEST in found and MailKind.DISPUTE in found:
        # "a statement with all open invoices and credit notes": the credit notes are what
        # the statement shows, not a complaint
        disputes = [c for c in found[MailKind.DISPUTE] if not c.family.endswith("-credit")]
        if disputes:
            found[MailKind.DISPUTE] = disputes
        else:
            del found[MailKind.DISPUTE]
    return found


def _asks(c: Cue, sentence: str, m: re.Match[str], *, subject: bool) -> bool:
    """Whether the match ``m`` of cue ``c`` in ``sentence`` is really asked."""
    breaks = CLAUSE_BREAK_RE.finditer(sentence, 0, m.start())
    clause_start = max((b.end() for b in breaks), default=0)
    ends = [b.start() for b in CLAUSE_BREAK_RE.finditer(sentence, m.end())]
    clause_end = ends[0] if ends else len(sentence)
    before = sentence[clause_start : m.start()]
    after = sentence[m.end() : clause_end]
    if NEGATION_RE.search(before) or NEGATION_AFTER_RE.search(after):
        return False
    if c.kind is MailKind.PROMISE_TO_PAY and PROMISE_NEGATION_RE.search(m.group()):
        return False
    clause = sentence[clause_start:clause_end]
    if c.kind is MailKind.PROMISE_TO_PAY and PAID_RE.search(clause):
        return False  # paid already, or in last week's run: told, not promised
    if c.family.endswith("-credit") and CREDITS_LISTED_RE.search(sentence):
        return False  # credit notes named among what a list shows
    if c.document and ATTACHED_RE.search(clause):
        return False
    if c.kind is MailKind.INVOICE_COPY_REQUEST and CORRECTED_RE.search(sentence):
        return False
    return not c.needs_request or subject or bool(REQUEST_RE.search(sentence))


def _promise_date(kind: MailKind, sentence: str, own: str, today: date | None) -> date | None:
    if kind is not MailKind.PROMISE_TO_PAY:
        return None
    month_first = bool(ENGLISH_RE.search(own))
    return find_date(sentence, today=today, month_first=month_first)


#: Kinds whose sentence may say "it" of an invoice named just before ("Invoice 4711 went to a
#: colleague who has left. Please re-send it to me."); not a promise: "We paid INV-1001.
#: Invoices will be paid according to our terms." promises nothing about INV-1001.
ABOUT_AN_INVOICE = frozenset({MailKind.INVOICE_COPY_REQUEST, MailKind.DISPUTE})
#: How many sentences back such an "it" may point.
EARLIER_SENTENCES = 2


def _earlier_refs(sentences: list[str], no: int) -> tuple[str, ...]:
    """The references of the nearest of the :data:`EARLIER_SENTENCES` sentences before
    sentence ``no`` that names any."""
    for earlier in reversed(sentences[max(0, no - EARLIER_SENTENCES) : no]):
        found = find_invoice_refs(earlier)
        if found:
            return found
    return ()


def _listed_refs(sentences: list[str], no: int) -> tuple[str, ...]:
    """References on the short lines right after sentence ``no`` ("We dispute these:" and a
    list of invoices), up to the first line without one."""
    refs: list[str] = []
    for line in sentences[no + 1 :]:
        found = find_invoice_refs(line) if len(line) <= _LIST_LINE_CHARS else ()
        if not found:
            break
        refs.extend(ref for ref in found if ref not in refs)
    return tuple(refs)


def _merge(hits: list[_Hit]) -> tuple[Question, ...]:
    """One question per kind, most important first: the references of all its sentences
    in order, the first promise date, the sentences as evidence, and the confidence of its
    surest sentence with the other cue families of the kind agreeing."""
    questions: list[Question] = []
    for kind in PRIORITY:
        mine = [hit for hit in hits if hit.kind is kind]
        if not mine:
            continue
        refs: list[str] = []
        for hit in mine:
            refs.extend(ref for ref in hit.refs if ref not in refs)
        dates = [hit.promise_date for hit in mine if hit.promise_date is not None]
        families = {family.split("-", 1)[-1] for hit in mine for family in hit.families}
        corroboration = min(MAX_FAMILY_BONUS, FAMILY_BONUS * (len(families) - 1))
        confidence = min(1.0, max(hit.score for hit in mine) + corroboration)
        evidence = " | ".join(dict.fromkeys(hit.sentence for hit in mine))
        if len(evidence) > MAX_EVIDENCE_CHARS:
            evidence = evidence[: MAX_EVIDENCE_CHARS - 1] + "…"
        questions.append(
            Question(
                kind=kind,
                refs=tuple(refs),
                promise_date=dates[0] if dates else None,
                evidence=evidence,
                confidence=round(confidence, 2),
            )
        )
    return tuple(questions)

"""A remittance that says it is told again: a re-sent advice. Pure: no IO.

Payers send an advice again when they think the first did not arrive or was not acted on
("Resend: Payment advice", "2nd copy", "zweite Zusendung", "nous vous le renvoyons",
"reenviamos el aviso", "nogmaals ons betaaladvies"). Such a mail is the same payment told
twice; while the first telling waits for a person, the second must not post by itself
(:mod:`worker.inbound.deciding`). This module only reads the words: the subject's prefix and
the first person's sentences of the body, in English, German, French, Spanish and Dutch. A
request that *we* send something again ("please resend the invoice") is not this: it asks.
"""

from __future__ import annotations

import re

#: Words that say "again" of a sending, in five languages.
_AGAIN = (
    r"(?:again|once\s+more|re-?send(?:ing)?|re-?sent|re-?submit(?:ting|ted)?|(?:2nd|second)\s+"
    r"(?:copy|sending|notice)|nochmals|erneut|noch\s*(?:ein)?mal|wiederholt|zweite\s+"
    r"(?:zusendung|kopie)|[àa]\s+nouveau|de\s+nouveau|renvo(?:i|yons|yé|ie)|(?:deuxième|second|"
    r"2e|2ème)\s+envoi|nouvel\s+envoi|de\s+nuevo|otra\s+vez|nuevamente|reenv(?:[ií]o|iamos|iado)"
    r"|segundo\s+env[ií]o|opnieuw|nogmaals|nog\s+een\s+keer|herhaald|tweede\s+(?:keer|zending))"
)
_AGAIN_RE = re.compile(rf"\b{_AGAIN}\b", re.IGNORECASE)
#: The same payment told again, said outright.
_SAME_PAYMENT_RE = re.compile(
    r"\b(?:same\s+payment|même\s+(?:paiement|règlement|virement)|mismo\s+pago"
    r"|dieselbe\s+zahlung|selbe\s+zahlung|dezelfde\s+betaling)\b",
    re.IGNORECASE,
)
#: What is sent: the advice or its details (not an invoice or a statement asked for).
_ADVICE_RE = re.compile(
    r"\b(?:advice|remittance|payment|details|notification|avis\w*|zahlungsavis|zahlung"
    r"|überweisung|règlement|reglement|virement|paiement|aviso|pago|transferencia|detalle"
    r"|betaaladvies|betaling|specificatie|overboeking|it|this|below|unten|ci-dessous|abajo"
    r"|hieronder)\b",
    re.IGNORECASE,
)
#: A request that *we* send something ("could you resend the invoice", "bitte nochmals die
#: Rechnung senden"): it asks, it tells nothing again. Narrower than
#: :data:`parsers.intent_phrases.REQUEST_RE` on purpose: that one counts the sending verbs
#: ("übermitteln", "envoyer", "zenden") a payer uses to say it sends its advice again.
_REQUEST_RE = re.compile(
    r"\b(?:please|pls|could|can|would|kindly|bitte|könnten|können|pourriez|pouvez|merci\s+de"
    r"|podría|podrían|puede|pueden|por\s+favor|kunt|zou|graag)\b|\?",
    re.IGNORECASE,
)
_SENTENCE_RE = re.compile(r"[^.!?\n]+[.!?]?")
#: The most of a body looked at (the re-send is said at the top).
_HEAD_CHARS = 4000


def told_again(subject: str, body: str) -> str | None:
    """The words by which a mail says it sends its advice again (in its subject, else the
    first sentence of the body that says so), or None."""
    head = subject[:300]
    if _AGAIN_RE.search(head) and not _REQUEST_RE.search(head):
        return head.strip()[:200]
    for m in _SENTENCE_RE.finditer(body[:_HEAD_CHARS]):
        sentence = m.group(0)
        again = _AGAIN_RE.search(sentence) and _ADVICE_RE.search(sentence)
        if (again or _SAME_PAYMENT_RE.search(sentence)) and not _REQUEST_RE.search(sentence):
            return sentence.strip()[:200]
    return None

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

#: Subject prefixes of a re-sent mail ("Resend:", "2nd copy -", "Erneut:", "Renvoi :").
_SUBJECT_RE = re.compile(
    r"^\s*(?:(?:re|aw|antw|wg|fw|fwd|tr|rv)\s*:\s*)*"
    r"(?:re-?send(?:ing)?|re-?sent|(?:2nd|second|another)\s+(?:copy|sending|notice)"
    r"|nochmals|erneut|noch\s*mal(?:s)?|wiederholung|zweite\s+(?:zusendung|kopie)"
    r"|renvoi|nouvel\s+envoi|2(?:e|ème|nd)\s+envoi|second\s+envoi"
    r"|reenv[ií]o|reenviado|segundo\s+env[ií]o|de\s+nuevo|otra\s+vez"
    r"|opnieuw|nogmaals|herhaling|tweede\s+(?:zending|keer))\b\s*[:\-–]?",
    re.IGNORECASE,
)
#: Sentences of the body in which the sender sends its advice (or payment notice) again.
_BODY_RE = re.compile(
    r"\b(?:we(?:'re|\s+are)?|i(?:'m|\s+am)?)\s+(?:re-?send(?:ing)?|re-?submit(?:ting)?"
    r"|send(?:ing)?\s+(?:\S+\s+){0,4}?again|forward(?:ing)?\s+(?:\S+\s+){0,4}?again)\b"
    r"|\bhere\s+(?:it\s+)?is\s+again\b|\bsending\s+(?:it|this|the\s+advice)\s+again\b"
    r"|\b(?:(?:2nd|second)\s+(?:copy|sending)\s+of\s+(?:our|the)\s+(?:payment\s+)?"
    r"(?:advice|remittance|notice))\b"
    r"|\b(?:senden|schicken|übermitteln)\s+(?:wir\s+)?(?:ihnen\s+)?(?:\S+\s+){0,4}?"
    r"(?:nochmals|erneut|noch\s*einmal)\b|\bzweite\s+zusendung\b"
    r"|\bnochmals\s+(?:unser(?:en)?|das)\s+(?:zahlungs)?avis\b"
    r"|\b(?:nous\s+)?vous\s+(?:le|la|les)\s+renvoyons\b|\bnous\s+renvoyons\b"
    r"|\brenvoi\s+de\s+(?:notre|l')\s*avis\b|\b(?:envoyons|transmettons)\s+(?:\S+\s+){0,4}?"
    r"(?:[àa]\s+nouveau|de\s+nouveau)\b"
    r"|\breenviamos\b|\bvolvemos\s+a\s+enviar\b|\benviamos\s+(?:\S+\s+){0,4}?"
    r"(?:de\s+nuevo|otra\s+vez|nuevamente)\b"
    r"|\b(?:sturen|zenden)\s+(?:wij|we)\s+(?:\S+\s+){0,4}?(?:opnieuw|nogmaals|nog\s+een\s+keer)\b"
    r"|\b(?:hierbij|bijgaand)\s+(?:\S+\s+){0,3}?(?:opnieuw|nogmaals)\b",
    re.IGNORECASE,
)
#: The most of a body looked at (the re-send is said at the top).
_HEAD_CHARS = 4000


def told_again(subject: str, body: str) -> str | None:
    """The words by which a mail says it sends its advice again (its subject's prefix, else
    the first sentence of the body that says so), or None."""
    if _SUBJECT_RE.match(subject[:300]) is not None:
        return subject[:200].strip()
    if (m := _BODY_RE.search(body[:_HEAD_CHARS])) is not None:
        start = max(body.rfind("\n", 0, m.start()) + 1, m.start() - 80)
        end = body.find("\n", m.end())
        return body[start : end if end != -1 else m.end() + 80].strip()[:200]
    return None

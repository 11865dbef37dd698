"""Which of the languages arbox writes (English, German, French, Spanish, Dutch) a mail is
written in. Pure and deterministic: no IO.

Counted by function words (articles, pronouns, prepositions, auxiliaries: the words every
sentence has, whatever it is about), the way the intent reader's cue families are kept per
language (:mod:`parsers.intent_cues`). A word two languages share ("de", "en", "die", "is")
counts for neither. A language wins with at least :data:`MIN_HITS` of its words and
:data:`MARGIN` times the hits of the next one; anything less is no answer (None), because the
answer is only ever a suggestion for a person to confirm and a wrong one costs them time.
"""

from __future__ import annotations

import re
from collections import Counter

#: Function words of each language, lower-case.
_FUNCTION_WORDS = {
    "en": """
        the and of to is are was were have has had we you your our this that these those
        with for from please thank thanks would could will be been not it they their there
        which what when kindly attached regards
    """,
    "de": """
        der die das und ist sind war wir sie ihr ihre ihren ihrem unser unsere unseren mit
        für von bitte danke vielen dank nicht ein eine einen dem den des auch noch zur zum
        haben hat wurde werden können könnten uns ich anbei freundlichen grüßen gruß
    """,
    "fr": """
        le la les et est sont nous vous votre vos notre nos avec pour merci ce cette ces une
        du des au aux pas ne qui que dans sur avons avez pourriez veuillez ci-joint bonjour
        cordialement je
    """,
    "es": """
        el la los las y es son nosotros usted ustedes su sus nuestro nuestra nuestros con
        para por gracias este esta estos estas una del al no que en adjunto hemos han
        podrían favor saludos estimados muchas
    """,
    "nl": """
        de het een en is zijn wij we u uw jullie ons onze met voor van bedankt dank dit deze
        die niet ook nog naar bij hebben heeft graag bijgevoegd groet vriendelijke groeten
        kunt zou
    """,
}
_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(text.split()) for lang, text in _FUNCTION_WORDS.items()
}
#: Each language's words that no other language on the list has.
WORDS: dict[str, frozenset[str]] = {
    lang: words - frozenset().union(*(w for other, w in _WORDS.items() if other != lang))
    for lang, words in _WORDS.items()
}
#: Fewest words of the winning language for an answer.
MIN_HITS = 3
#: How many times the runner-up's hits the winner needs.
MARGIN = 2.0
#: Read at most this much of a mail (a long mail says it in its first lines too).
MAX_CHARS = 20_000

_WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)?")


def guess_language(text: str) -> str | None:
    """The language of ``text`` (``en``, ``de``, ``fr``, ``es``, ``nl``), or None when
    the words do not say it clearly."""
    counts: Counter[str] = Counter()
    for match in _WORD_RE.finditer(text[:MAX_CHARS]):
        word = match.group().casefold()
        for lang, words in WORDS.items():
            if word in words:
                counts[lang] += 1
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < MIN_HITS:
        return None
    if len(ranked) > 1 and ranked[0][1] < MARGIN * ranked[1][1]:
        return None
    return ranked[0][0]

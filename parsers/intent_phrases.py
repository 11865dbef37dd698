"""The words around a cue, in English, German, French, Spanish and Dutch: what makes a cue a
request, negates it, says the document is attached or corrected, or ends its clause. The cues
themselves are in :mod:`parsers.intent_cues` and :mod:`parsers.intent_disputes`. Pure data for
:mod:`parsers.intent`.
"""

from __future__ import annotations

import re

_FLAGS = re.IGNORECASE


#: Words that make a phrase that names a thing a request (an imperative "send" opening the
#: sentence is one).
REQUEST_RE = re.compile(
    r"\?|¿|^\W*(?:also\s+|and\s+)?(?:re-?send|send|e-?mail|forward|mail)\b|\b(?:please|pls|plz|kindly|could\s+(?:you|we|i)|can\s+(?:you|we|i)|would\s+you"
    r"|will\s+you|may\s+(?:we|i)|needs?|requires?|we\s+would\s+like|i\s+would\s+like|we'd"
    r"\s+like|i'd\s+like|we\s+require|request(?:ing)?|send\s+(?:me|us)|provide|let\s+(?:me|us)"
    r"\s+know|advise|bitte|könnten\s+sie|können\s+sie|würden\s+sie|benötigen|benötige|brauchen"
    r"|bitten|senden\s+sie|schicken\s+sie|zusenden|zukommen\s+lassen|übermitteln|mitteilen"
    r"|pourriez|pouvez|merci\s+de|veuillez|besoin|auriez|souhaiterions|souhaiterais|souhaitons"
    r"|s'il\s+vous\s+pla[iî]t|svp|envoyer|transmettre|faire\s+parvenir|communiquer|indiquer"
    r"|por\s+favor|podr[ií]an?|pueden?|necesitamos|necesito|solicitamos|solicito|quisi[ée]ramos"
    r"|env[ií]en(?:nos)?|enviarnos|h[áa]ganos|ind[ií]quenos|graag|alstublieft|alsjeblieft"
    r"|a\.?u\.?b|kunt\s+u|kunnen\s+(?:u|jullie)|zou(?:den)?\s+(?:u|jullie)|wilt\s+u|wil\s+je"
    r"|verzoeken|verzoek|nodig|stuur|laat\s+(?:ons|mij)\s+(?:\S+\s+)?weten|mogen\s+(?:wij|we)"
    r"|ontvangen\s+(?:wij|we|ik)\s+graag|zenden|toesturen)\b",
    _FLAGS,
)
#: Words before a phrase in its clause that negate it.
NEGATION_RE = re.compile(
    r"\b(?:no\s+need|not\s+necessary|needn't|don't|do\s+not|does\s+not|doesn't|did\s+not"
    r"|didn't|not|never\s+mind|no\s+longer|nicht|kein\w*|pas|plus\s+besoin|inutile"
    r"|nunca|ning[úu]n\w*|niet|geen|nooit|hoeft|hoeven|ne|none|nothing|neither|nor)\b"
    r"|\bno\b(?!\s*\.?\s*[#:°º]?\s*\d)",
    _FLAGS,
)
#: German and Dutch put the negation after the verb: "wir beanstanden die Rechnung nicht",
#: "wij betwisten de factuur niet".
NEGATION_AFTER_RE = re.compile(
    r"\bnicht\b(?!\s+(?:nur|erhalten|angekommen|geliefert|zugegangen|eingegangen|bestellt))"
    r"|\bniet\b(?!\s+(?:alleen|ontvangen|geleverd|gekregen|besteld|binnengekomen|aangekomen"
    r"|vinden|correct|juist|verwerkt|toegepast))",
    _FLAGS,
)
#: Where a clause ends, for the reach of a negation or an "attached".
CLAUSE_BREAK_RE = re.compile(
    r"[,;:()]|\s[-–]\s|\b(?:but|because|since|as|and|however|although|aber|weil|da|und|denn"
    r"|jedoch|mais|car|parce\s+que|et|pero|porque|y|sin\s+embargo|maar|omdat|want|echter"
    r"|aangezien|dus|zodat|until|unless|till|jusqu'|jusqu’|hasta\s+que|totdat|zolang)\b",
    _FLAGS,
)
#: The sender attaches the document it names: it does not ask for it.
ATTACHED_RE = re.compile(
    r"\b(?:attached|enclosed|herewith|please\s+find|see\s+attached|anbei|beigefügt|im\s+anhang"
    r"|in\s+der\s+anlage|ci-jointe?s?|pi[èe]ce\s+jointe|veuillez\s+trouver|adjunt[oa]s?"
    r"|adjuntamos|se\s+adjunta|bijgevoegd|bijgaand|in\s+de\s+bijlage|als\s+bijlage"
    r"|zie\s+bijlage)\b",
    _FLAGS,
)
#: English words: dates like 12/05/2026 are read month first in an English mail.
ENGLISH_RE = re.compile(r"\b(?:the|please|invoice|we|our|you|thanks?)\b", _FLAGS)
#: Marketing mail: questions in it count only when they name an invoice.
MARKETING_RE = re.compile(
    r"\b(?:unsubscribe|webinar|free\s+trial|book\s+a\s+demo|schedule\s+a\s+demo|limited[- ]time"
    r"\s+offer|newsletter|abmelden|désinscri\w*|darse\s+de\s+baja|uitschrijven|afmelden)\b",
    _FLAGS,
)
#: A document asked for in corrected form: a correction (a dispute), not a copy.
CORRECTED_RE = re.compile(
    r"\b(?:corrected|revised|amended|adjusted|credit\s+(?:note|memo)|korrigierte\w*"
    r"|berichtigte\w*|gutschrift|rectificati\w*|corrig[ée]e|avoir|corregida|nota\s+de\s+cr[ée]dito"
    r"|gecorrigeerde|creditnota|aangepaste|rectify|rectified|amend|amended|correct\s+(?:it|this"
    r"|them|the\s+invoice))\b",
    _FLAGS,
)
#: Words that rule out a promise: "we will not pay", "wir werden nicht zahlen".
PROMISE_NEGATION_RE = re.compile(
    r"\b(?:not|never|n't|nicht|keine?|pas|no|nunca|niet|geen|nooit)\b|n't\b", _FLAGS
)

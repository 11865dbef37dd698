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
    r"|il\s+(?:nous|me)\s+faut|il\s+(?:nous|me)\s+faudrait|nous\s+aimerions|j'aimerais"
    r"|por\s+favor|podr[ií]an?|pueden?|necesitamos|necesito|solicitamos|solicito|quisi[ée]ramos"
    r"|les\s+rogamos|le\s+rogamos|agradecer[íi]amos|nos\s+gustar[íi]a|me\s+gustar[íi]a"
    r"|env[ií]en(?:nos)?|enviarnos|h[áa]ganos|ind[ií]quenos|graag|alstublieft|alsjeblieft"
    r"|a\.?u\.?b|kunt\s+u|kunnen\s+(?:u|jullie)|zou(?:den)?\s+(?:u|jullie)|wilt\s+u|wil\s+je"
    r"|verzoeken|verzoek|nodig|stuur|laat\s+(?:ons|mij)\s+(?:\S+\s+)?weten|mogen\s+(?:wij|we)"
    r"|ontvangen\s+(?:wij|we|ik)\s+graag|zenden|toesturen"
    # a need or a wish said as a fact: "would be appreciated", "nos haría falta", "mich
    # würde interessieren", "je souhaiterais connaître", "zouden we graag vernemen"
    r"|(?:would\s+be\s+|much\s+)?appreciated?|grateful|auditors?\s+(?:are\s+|is\s+)?ask\w*"
    r"|(?:nos|me)\s+(?:har[íi]a|hace|hacen|har[íi]an)\s+falta|rogamos|m[áa]nd(?:en|enos|an)"
    r"|(?:w[üu]rde\s+(?:mich|uns)|(?:mich|uns)\s+w[üu]rde)\s+(?:sehr\s+)?interessieren"
    r"|interessiert\s+(?:mich|uns)"
    r"|teilen\s+sie\s+(?:uns|mir)|fehlt\s+(?:uns|mir)|connaître|vernemen)\b",
    _FLAGS,
)
#: Words before a phrase in its clause that negate it.
NEGATION_RE = re.compile(
    r"\b(?:no\s+need|not\s+necessary|needn't|don't|do\s+not|does\s+not|doesn't|did\s+not"
    r"|didn't|not|never\s+mind|no\s+longer|nicht|kein\w*|pas|plus\s+besoin|inutile"
    r"|nunca|ning[úu]n\w*|niet|geen|nooit|hoeft|hoeven|ne|none|nothing|neither|nor|aucune?)\b"
    r"|\bno\b(?!\s*\.?\s*[#:°º]?\s*\d)",
    _FLAGS,
)
#: German and Dutch put the negation after the verb: "wir beanstanden die Rechnung nicht",
#: "wij betwisten de factuur niet", "wir reklamieren nichts".
NEGATION_AFTER_RE = re.compile(
    r"\bnichts\b|\bniets\b"
    r"|\bnicht\b(?!\s+(?:nur|erhalten|angekommen|geliefert|zugegangen|eingegangen|bestellt))"
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
#: A clause that says the payment was made, or names a run that is past: a promise cue in it
#: promises nothing ("was included in last week's payment run", "wir haben am 2.11.
#: überwiesen", "a été mise en paiement", "hemos pagado", "is gisteren betaald").
PAID_RE = re.compile(
    r"\b(?:was|were|has\s+been|have\s+been|had\s+been)\s+(?:\w+\s+){0,2}?(?:paid|settled"
    r"|remitted|transferred|wired|sent|executed|processed)\b|\b(?:we|i)\s+(?:have\s+|'ve\s+"
    r"|’ve\s+|had\s+)?(?:already\s+|just\s+)?(?:paid|settled|remitted|transferred|wired)\b"
    r"|\b(?:haben|hatten|habe|wurden?|wurde)\s+(?:\S+\s+){0,8}?(?:bezahlt|überwiesen|beglichen"
    r"|ausgeglichen|angewiesen|gezahlt)\b|\b(?:bezahlt|überwiesen|beglichen|angewiesen)\s+worden"
    r"|\b(?:avons|ai|avions)\s+(?:d[ée]j[àa]\s+|bien\s+)?(?:r[ée]gl[ée]|pay[ée]|vir[ée]"
    r"|effectu[ée]|proc[ée]d[ée]|sold[ée])|\b(?:a|ont)\s+(?:d[ée]j[àa]\s+)?[ée]t[ée]\s+"
    r"(?:r[ée]gl[ée]e?s?|pay[ée]e?s?|vir[ée]e?s?|mise?s?\s+en\s+paiement|sold[ée]e?s?)"
    r"|\b(?:hemos|he|hab[íi]amos)\s+(?:ya\s+)?(?:pagado|abonado|transferido|liquidado"
    r"|realizado|efectuado)|\b(?:fue|fueron|ha\s+sido|han\s+sido)\s+(?:pagad|abonad|transferid"
    r"|liquidad)[oa]s?|\bse\s+(?:pag[óo]|abon[óo]|transfiri[óo]|realiz[óo])\b"
    r"|\b(?:hebben|heb|hadden)\s+(?:\S+\s+){0,8}?(?:betaald|overgemaakt|voldaan|overgeboekt)\b"
    r"|\b(?:is|zijn|werd|werden)\s+(?:\S+\s+){0,4}?(?:betaald|overgemaakt|voldaan|overgeboekt)\b"
    r"|\b(?:last|previous|yesterday(?:'s|’s)?|letzten|vorigen|vergangenen|gestrigen|dernier"
    r"|derni[èe]re|pr[ée]c[ée]dent\w*|pasad[oa]|anterior|vorige|laatste|afgelopen)\s+(?:\S+\s+)?"
    r"(?:payment|pay|check|cheque|zahl\w*|überweisungslauf|campagne|remesa|ciclo|betaal\w*"
    r"|betalings\w*)",
    _FLAGS,
)
#: Credit notes listed as part of what a statement or list shows ("mit allen offenen
#: Rechnungen und Gutschriften", "including any credits"): no credit note is asked for.
CREDITS_LISTED_RE = re.compile(
    r"\b(?:invoices|items|debits|rechnungen|posten|belege|factures|facturas|facturen|posten)\s*"
    r"(?:,|and|und|sowie|et|y|e|en|&|/|\+)\s*(?:\S+\s+)?(?:credits?|credit\s+(?:notes?|memos?)"
    r"|gutschriften|avoirs|notas\s+de\s+(?:cr[ée]dito|abono)|abonos|creditnota'?s|creditnota"
    r"|creditfacturen)"
    r"|\b(?:including|incl\.?|inklusive|inkl\.?|einschließlich|samt|avec|y\s+(?:las|los)"
    r"|con|inclusief|incluidas?|inclus|met)\s+(?:\S+\s+){0,2}?(?:credits?|credit\s+(?:notes?"
    r"|memos?)|gutschriften|avoirs|notas\s+de\s+(?:cr[ée]dito|abono)|abonos|creditnota'?s"
    r"|creditnota|creditfacturen)",
    _FLAGS,
)
#: A sentence of a mail's legal footer or boilerplate ("This e-mail is confidential and
#: intended solely for the addressee …"): it asks nothing, whatever its words.
DISCLAIMER_RE = re.compile(
    r"\b(?:confidential\w*|vertraulich\w*|confidenti\w+|vertrouwelijk\w*|privileged)\b"
    r"[^\n]{0,200}\b(?:intended|addressee|recipient|bestimmt|empfänger|adressat\w*|destinataire"
    r"|destin[ée]e?|destinatario|dirig\w+|geadresseerde|bestemd|ontvanger)\b"
    r"|\b(?:received\s+(?:it|this)\s+in\s+error|irrtümlich\s+erhalten|re[çc]u\s+par\s+erreur"
    r"|recibido\s+por\s+error|onterecht\s+(?:heeft\s+)?ontvangen|ten\s+onrechte\s+ontvangen"
    r"|think\s+before\s+(?:you\s+)?print|vor\s+dem\s+ausdrucken|avant\s+d['’]imprimer"
    r"|antes\s+de\s+imprimir|voordat\s+u\s+(?:deze\s+)?e-?mail\s+afdrukt"
    r"|sitz\s+der\s+gesellschaft|registered\s+(?:office|in\s+england)|amtsgericht"
    r"|registro\s+mercantil|kvk\s+\d|rcs\s+\w+)",
    _FLAGS,
)

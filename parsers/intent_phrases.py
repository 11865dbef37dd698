"""The words customers ask with, in English, German, French and Spanish: the phrases of each
question kind, and the cues that make a phrase a request, negate it or say the document is
attached. Pure data for :mod:`parsers.intent`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.types import MailKind

_FLAGS = re.IGNORECASE


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words that ask for ``kind``. ``needs_request``: the words only name a thing and ask
    only with a request in the same sentence. ``document``: they name a document, which
    the sender may say it attaches (then nothing is asked)."""

    kind: MailKind
    pattern: re.Pattern[str]
    needs_request: bool = False
    document: bool = False


def _p(
    kind: MailKind, regex: str, *, needs_request: bool = False, document: bool = False
) -> Phrase:
    return Phrase(kind, re.compile(regex, _FLAGS), needs_request, document)


_INV = r"(?:invoices?|inv\.?|bills?)"
_ANY = r"(?:[^?!\n]{0,40}?)"
_DISPUTE = MailKind.DISPUTE
_PROMISE = MailKind.PROMISE_TO_PAY
_COPY = MailKind.INVOICE_COPY_REQUEST
_STATEMENT = MailKind.STATEMENT_REQUEST
_BALANCE = MailKind.BALANCE_INQUIRY

#: Every phrase, by kind. Order within a kind does not matter.
PHRASES: tuple[Phrase, ...] = (
    # --- dispute -----------------------------------------------------------------------
    _p(_DISPUTE, rf"\b{_INV}\b{_ANY}\b(?:is|was|are|were|seems|appears)\s+(?:to\s+be\s+)?"
       r"(?:wrong|incorrect|not\s+correct|erroneous|inaccurate|too\s+high)\b"),
    _p(_DISPUTE, r"\b(?:wrong|incorrect|inaccurate)\s+(?:unit\s+)?(?:amounts?|prices?|pricing"
       r"|quantit(?:y|ies)|rates?|totals?|invoices?|charges?|tax|vat|discounts?)\b"),
    _p(_DISPUTE, r"\b(?:we\s+(?:were|have\s+been|got)|i\s+was|you(?:\s+have)?)\s+over-?"
       r"(?:charged|billed|invoiced)|\bover-?(?:charged|billed|invoiced)\s+(?:us|me|on|for|by)\b"),
    _p(_DISPUTE, r"\b(?:double|twice)[- ](?:billed|charged|invoiced)|\b(?:billed|charged"
       r"|invoiced)\s+(?:us\s+)?(?:twice|double)|\bduplicate\s+(?:charge|billing)\b"),
    _p(_DISPUTE, r"\b(?:damaged|defective)\b"),
    _p(_DISPUTE, r"\b(?:never|not|haven't|hasn't)\s+(?:yet\s+|been\s+)?(?:received|got|delivered"
       r"|arrived)\b[^.?!\n]{0,20}?\b(?:goods|items|order|shipment|delivery|parts|products"
       r"|merchandise|services?)\b|\b(?:goods|items|order|shipment|delivery)\s+(?:was|were|has"
       r"|have)\s+(?:not|never)\s+(?:been\s+)?(?:received|delivered|arrived)|\bshort[- ]shipped"
       r"|\bmissing\s+(?:items|goods|parts)\b"),
    _p(_DISPUTE, r"\bdisput(?:e|es|ed|ing)\b|\bwe\s+(?:must\s+|have\s+to\s+|wish\s+to\s+)?"
       r"(?:contest|reject)\b|\b(?:will\s+not|won't|refuse\s+to)\s+pay\b|\bnot\s+what\s+we"
       r"\s+(?:ordered|agreed)|\bdoes\s+not\s+match\s+(?:the|our)\s+(?:po|purchase\s+order"
       r"|quote|quotation|contract|agreed)"),
    _p(_DISPUTE, r"beanstand\w*|reklamation\w*|reklamier\w*|fehlerhaft\w*|(?:falsch|zu\s+viel"
       r"|doppelt)\s+(?:berechnet|fakturiert|abgerechnet|in\s+rechnung\s+gestellt)|\brechnung"
       r"\w*\s+(?:\S+\s+){0,3}?(?:ist|sind|war)\s+(?:leider\s+)?(?:falsch|nicht\s+korrekt"
       r"|inkorrekt)|beschädigt\w*|\b(?:ware|lieferung)\s+(?:\S+\s+){0,4}?nicht\s+(?:erhalten"
       r"|angekommen|geliefert)|widersprech\w*|\bwiderspruch|\beinspruch|\bfalsche[nr]?\s+"
       r"(?:preis|betrag|menge)"),
    _p(_DISPUTE, r"\bcontest\w*|\blitige|r[ée]clamation|\berreur\s+(?:sur|dans)\s+(?:la|notre"
       r"|votre|cette)\s+facture|\bfacture\w*\s+(?:\S+\s+){0,3}?(?:est|sont)\s+(?:erron[ée]e"
       r"|incorrecte|fausse)|\bfactur[ée]e?s?\s+(?:deux\s+fois|en\s+double|en\s+trop)"
       r"|endommag[ée]\w*|\bab[îi]m[ée]\w*|d[ée]fectueu\w*|\bmarchandises?\s+(?:\S+\s+){0,3}?"
       r"(?:pas|jamais|non)\s+(?:re[çc]ue|livr[ée]e)|(?:pas|jamais)\s+re[çc]u\s+(?:la|les)\s+"
       r"marchandises?|\bprix\s+(?:incorrect|erron[ée])|\btrop\s+factur[ée]"),
    _p(_DISPUTE, r"\breclam(?:o|amos|ación|acion|ar)\b|\bdisputamos|\bimpugn\w*|\bfacturas?\s+"
       r"(?:\S+\s+){0,3}?(?:es|est[áa])\s+(?:incorrecta|err[óo]nea|mal)\b|\berror\s+en\s+(?:la"
       r"|nuestra|su)\s+factura|\bcobrad[oa]s?\s+(?:de\s+m[áa]s|dos\s+veces|en\s+exceso)"
       r"|\bda[ñn]ad[oa]s?\b|\bdefectuos[oa]s?\b|\bno\s+hemos\s+recibido\s+(?:la|las|los|el)\s+"
       r"(?:mercanc[íi]a|pedido|productos|art[íi]culos|material)|\bprecio\s+incorrecto"
       r"|\bno\s+estamos\s+de\s+acuerdo"),
    # --- promise to pay ----------------------------------------------------------------
    _p(_PROMISE, r"\bwe\s*(?:will|shall|'ll|’ll|are\s+going\s+to|plan\s+to|intend\s+to"
       r"|expect\s+to)\s+(?:\w+\s+){0,2}?(?:pay|remit|settle|transfer|wire|send\s+(?:the\s+|a\s+)?"
       r"payment|process\s+(?:the\s+)?payment|release\s+(?:the\s+)?payment)\b"),
    _p(_PROMISE, r"\b(?:will|shall)\s+be\s+(?:paid|settled|remitted|transferred|wired)\b"
       r"|\bpayment\s+(?:will|shall)\s+(?:be\s+)?(?:made|sent|issued|released|initiated"
       r"|processed|effected|executed|go\s+out|follow)\b|\bpayment\s+(?:is|has\s+been)\s+"
       r"scheduled\b|\bscheduled\s+(?:for\s+)?payment\b|\byou\s+(?:will|should)\s+receive"
       r"\s+(?:the\s+|our\s+)?payment"),
    _p(_PROMISE, r"\bwir\s+werden\s+(?:\S+\s+){0,12}?(?:bezahlen|zahlen|überweisen|begleichen"
       r"|ausgleichen|anweisen)\b|\bwir\s+(?:zahlen|überweisen|begleichen|bezahlen)\b(?=[^.?!\n]"
       r"{0,80}\b(?:am|bis|zum|nächste\w*|kommende\w*|ende|morgen|innerhalb|heute)\b)"
       r"|\b(?:wird|werden)\s+(?:\S+\s+){0,6}?(?:bezahlt|überwiesen|beglichen|ausgeglichen"
       r"|angewiesen)\b|\bzahlung\s+(?:erfolgt|wird\s+(?:\S+\s+){0,4}?(?:erfolgen|veranlasst"
       r"|ausgeführt|angewiesen))"),
    _p(_PROMISE, r"\bnous\s+(?:r[ée]glerons|paierons|payerons|virerons|effectuerons)\b"
       r"|\bnous\s+allons\s+(?:\S+\s+){0,2}?(?:r[ée]gler|payer|virer|effectuer\s+le\s+"
       r"(?:paiement|virement|r[èe]glement))|\b(?:paiement|r[èe]glement|virement)\s+(?:sera"
       r"|seront|interviendra)\b|\bser(?:a|ont)\s+(?:r[ée]gl[ée]e?s?|pay[ée]e?s?|vir[ée]e?s?)\b"),
    _p(_PROMISE, r"\b(?:pagaremos|abonaremos|transferiremos|liquidaremos)\b|\bvamos\s+a\s+"
       r"(?:pagar|transferir|abonar|liquidar)|\b(?:pago|abono|transferencia)\s+se\s+(?:realizar"
       r"[áa]|efectuar[áa]|har[áa]|enviar[áa])|\brealizaremos\s+(?:el\s+)?(?:pago|abono"
       r"|transferencia)|\bser[áa]n?\s+(?:pagad[ao]s?|abonad[ao]s?|liquidad[ao]s?)"
       r"|\bse\s+pagar[áa]n?\b"),
    # --- invoice copy ------------------------------------------------------------------
    _p(_COPY, rf"\b(?:copy|copies|duplicate|reprint|pdf)\s+(?:of\s+)?(?:the\s+|your\s+|our\s+"
       rf"|this\s+|that\s+|these\s+|those\s+|an?\s+)?{_INV}|\b{_INV}\s+cop(?:y|ies)\b",
       needs_request=True, document=True),
    _p(_COPY, r"\bre-?send(?:ing)?\b|\bsend\b[^.?!\n]{0,40}?\b(?:invoices?|inv|bills?|it|them)"
       r"\b[^.?!\n]{0,40}?\bagain\b", document=True),
    _p(_COPY, rf"\b(?:have\s+not|haven't|never|did\s+not|didn't|not\s+yet)\s+(?:yet\s+)?"
       rf"(?:received|got|seen)\s+(?:the\s+|your\s+|an?\s+|this\s+)?{_INV}|\b(?:can't|cannot"
       rf"|could\s+not|couldn't|unable\s+to)\s+(?:find|locate)\s+(?:the\s+|your\s+)?{_INV}"),
    _p(_COPY, r"rechnungskopie\w*|rechnungsduplikat\w*|\bkopie\s+(?:der|unserer|ihrer|von)\s+"
       r"rechnung|\brechnung\w*\s+(?:\S+\s+){0,3}?(?:erneut|nochmals|noch\s*mal|noch\s+einmal)"
       r"\s+(?:\S+\s+){0,2}?(?:senden|zusenden|schicken|zuschicken|übermitteln)"
       r"|\brechnung\w*\s+(?:\S+\s+){0,4}?nicht\s+(?:erhalten|angekommen|zugegangen"
       r"|eingegangen)", document=True),
    _p(_COPY, r"\bduplicata\b|\bcopie\s+(?:de\s+(?:la|notre|votre|cette)\s+|des\s+)factures?"
       r"|\brenvoyer\s+(?:la|les|notre|votre|cette)\s+factures?|(?:pas|jamais)\s+re[çc]u\s+"
       r"(?:la|les|votre|vos)\s+factures?", document=True),
    _p(_COPY, r"\bcopia\s+de\s+(?:la|las|nuestra|su)\s+facturas?|\bduplicado\s+de\s+(?:la\s+)?"
       r"factura|\breenvi(?:ar|en)(?:nos)?\b|\bno\s+hemos\s+recibido\s+(?:la|las)\s+factura",
       document=True),
    # --- statement of account ----------------------------------------------------------
    _p(_STATEMENT, r"\bstatements?\s+of\s+(?:the\s+|our\s+)?accounts?\b|\baccount\s+statements?"
       r"|\bcustomer\s+statements?|\bopen[- ]items?\s+(?:list|report|statement)|\blist\s+of\s+"
       r"(?:all\s+)?(?:our\s+)?(?:open|outstanding|unpaid)\s+(?:items|invoices)|\b(?:an?|the|your"
       r"|our|latest|last|current|updated|up-to-date|monthly|quarterly|month's|month’s"
       r"|year-end)\s+statements?\b|\bcop(?:y|ies)\s+of\s+(?:the\s+|our\s+)?statements?\b|\breconcil(?:e|iation)\s+"
       r"(?:of\s+)?(?:our|the)\s+accounts?|\b(?:balance|audit)\s+confirmation",
       needs_request=True, document=True),
    _p(_STATEMENT, r"kontoauszug\w*|saldenbest[äa]tigung|saldenabstimmung|kont(?:en|o)abstimmung"
       r"|\boffene[n]?\s+posten|\bop-liste|kont(?:o|en)übersicht",
       needs_request=True, document=True),
    _p(_STATEMENT, r"\brelev[ée]\s+de\s+compte|\b[ée]tat\s+de\s+compte|\brelev[ée]\s+des\s+"
       r"factures|\bliste\s+des\s+factures\s+(?:ouvertes|impay[ée]es|en\s+attente)"
       r"|\bconfirmation\s+de\s+solde", needs_request=True, document=True),
    _p(_STATEMENT, r"\bestado\s+de\s+cuenta|\bextracto\s+de\s+(?:la\s+)?cuenta|\bconciliaci[óo]n"
       r"\s+de\s+(?:la\s+)?cuenta|\brelaci[óo]n\s+de\s+facturas\s+(?:pendientes|abiertas)"
       r"|\bpartidas\s+abiertas|\bconfirmaci[óo]n\s+de\s+saldo", needs_request=True, document=True),
    # --- balance -----------------------------------------------------------------------
    _p(_BALANCE, r"\bhow\s+much\s+(?:(?:do|does|did)\s+)?(?:we|i|our\s+\w+)\s+(?:still\s+)?owe"
       r"|\bhow\s+much\s+(?:is|remains)\s+(?:still\s+)?(?:outstanding|owed|owing|due|open)"
       r"|\bwhat\s+(?:is|'s|’s)\s+(?:our|my|the)\s+(?:current\s+|outstanding\s+|open\s+|total\s+"
       r"|remaining\s+)?balance|\bwhat\s+(?:do|does)\s+(?:we|i)\s+(?:still\s+)?owe"),
    _p(_BALANCE, r"\b(?:current|outstanding|open|remaining|account|total)\s+balance\b"
       r"|\bbalance\s+(?:due|owing|outstanding)\b|\bamount\s+(?:outstanding|owing|still\s+due)"
       r"|\b(?:confirm|tell\s+us)\s+(?:our|the)\s+balance", needs_request=True),
    _p(_BALANCE, r"\bwie\s+hoch\s+ist\s+(?:unser|der|das)\s+(?:\w+\s+)?(?:saldo|kontostand|betrag"
       r"|rückstand)|\bwie\s+viel\s+(?:schulden|sind)\s+wir|\bwas\s+(?:schulden|sind)\s+wir"),
    _p(_BALANCE, r"\boffene[nr]?\s+(?:saldo|betrag|gesamtbetrag)|\baktuelle[nr]?\s+(?:saldo"
       r"|kontostand)|\bsaldo\b|\bkontostand", needs_request=True),
    _p(_BALANCE, r"\bquel\s+est\s+(?:notre|le|mon)\s+(?:\w+\s+)?solde|\bcombien\s+(?:vous\s+)?"
       r"(?:devons|dois)[- ](?:nous|je)|\bcombien\s+reste"),
    _p(_BALANCE, r"\bsolde\b(?!\s+de\s+tout\s+compte)|\bmontant\s+(?:restant\s+)?d[ûu]\b"
       r"|\breste\s+[àa]\s+payer", needs_request=True),
    _p(_BALANCE, r"\bcu[áa]l\s+es\s+(?:nuestro|el|mi)\s+saldo|\bcu[áa]nto\s+(?:le\s+|les\s+)?"
       r"(?:debemos|adeudamos|debo)"),
    _p(_BALANCE, r"\bsaldo\s+(?:pendiente|actual|abierto|deudor)|\bimporte\s+pendiente",
       needs_request=True),
)  # fmt: skip

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
    r"|env[ií]en(?:nos)?|enviarnos|h[áa]ganos|ind[ií]quenos)\b",
    _FLAGS,
)
#: Words before a phrase in its clause that negate it.
NEGATION_RE = re.compile(
    r"\b(?:no\s+need|not\s+necessary|needn't|don't|do\s+not|does\s+not|doesn't|did\s+not"
    r"|didn't|not|never\s+mind|no\s+longer|nicht|kein\w*|pas|plus\s+besoin|inutile"
    r"|nunca|ning[úu]n\w*)\b|\bno\b(?!\s*\.?\s*[#:°º]?\s*\d)",
    _FLAGS,
)
#: German puts the negation after the verb: "wir beanstanden die Rechnung nicht".
NEGATION_AFTER_RE = re.compile(
    r"\bnicht\b(?!\s+(?:nur|erhalten|angekommen|geliefert|zugegangen|eingegangen))", _FLAGS
)
#: Where a clause ends, for the reach of a negation or an "attached".
CLAUSE_BREAK_RE = re.compile(
    r"[,;:()]|\s[-–]\s|\b(?:but|because|since|as|and|however|although|aber|weil|da|und|denn"
    r"|jedoch|mais|car|parce\s+que|et|pero|porque|y|sin\s+embargo)\b",
    _FLAGS,
)
#: The sender attaches the document it names: it does not ask for it.
ATTACHED_RE = re.compile(
    r"\b(?:attached|enclosed|herewith|please\s+find|see\s+attached|anbei|beigefügt|im\s+anhang"
    r"|in\s+der\s+anlage|ci-jointe?s?|pi[èe]ce\s+jointe|veuillez\s+trouver|adjunt[oa]s?"
    r"|adjuntamos|se\s+adjunta)\b",
    _FLAGS,
)
#: English words: dates like 12/05/2026 are read month first in an English mail.
ENGLISH_RE = re.compile(r"\b(?:the|please|invoice|we|our|you|thanks?)\b", _FLAGS)
#: Marketing mail: questions in it count only when they name an invoice.
MARKETING_RE = re.compile(
    r"\b(?:unsubscribe|webinar|free\s+trial|book\s+a\s+demo|schedule\s+a\s+demo|limited[- ]time"
    r"\s+offer|newsletter|abmelden|désinscri\w*|darse\s+de\s+baja)\b",
    _FLAGS,
)

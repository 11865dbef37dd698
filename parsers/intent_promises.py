"""Cue families of a promise to pay, in English, German, French, Spanish and Dutch. Pure
data for :mod:`parsers.intent`.

Two families per language: the payer says it will pay ("we will pay", "wir werden
überweisen", "nous réglerons", "pagaremos", "volgende week betalen wij"), and the payer
says the payment is scheduled: the invoice is in a coming payment run or cycle ("is
included in our next payment run", "ist in unserem nächsten Zahllauf enthalten", "notre
prochaine campagne de paiement", "entra en la próxima remesa de pagos", "wordt meegenomen
in de volgende betaalrun"), or the payment is planned for a day ("is scheduled for payment
on", "ist für den 16.11. eingeplant", "est prévu au plus tard le", "está previsto este
viernes", "staat gepland voor betaling"). A clause that says the payment was made (or
names last week's run) promises nothing: see :data:`parsers.intent_phrases.PAID_RE`.
"""

from __future__ import annotations

from core.types import MailKind
from parsers.intent_cues import Cue, cue

_P = MailKind.PROMISE_TO_PAY
#: Up to this many words between two parts of a phrase.
_WORDS = r"(?:\S+\s+){0,8}?"

PROMISE_CUES: tuple[Cue, ...] = (
    # --- English --------------------------------------------------------------------------
    cue(_P, "en-we-will-pay",
        r"\b(?:we|i)\s*(?:will|shall|'ll|’ll|are\s+going\s+to|plan\s+to|intend\s+to|expect\s+to"
        r"|aim\s+to|hope\s+to|can|should|(?:are|am|'re|’re)\s+(?:planning|going|aiming|hoping"
        r"|expecting|intending|looking)\s+(?:to|on))\s+(?:\w+\s+){0,3}?(?:pay(?:ing)?|remit"
        r"|settl(?:e|ing)|transfer|wire|clear|send\s+(?:the\s+|a\s+|our\s+)?payment|process\s+"
        r"(?:the\s+)?payment|release\s+(?:the\s+)?payment|make\s+(?:the\s+)?payment|get\s+(?:this"
        r"|it|these|them)\s+paid|have\s+(?:this|it|these|them)\s+paid)\b"),
    cue(_P, "en-will-be-paid",
        r"\b(?:will|shall|should)\s+be\s+(?:paid|settled|remitted|transferred|wired|cleared)\b"
        r"|\b(?:due|set|expected|going|scheduled|planned|slated)\s+to\s+be\s+(?:paid|settled"
        r"|remitted|transferred|wired|released)\b"
        r"|\bpayment\s+(?:will|shall)\s+(?:be\s+)?(?:made|sent|issued|released|initiated"
        r"|processed|effected|executed|go\s+out|follow|reach\s+you)\b|\byou\s+(?:will|should)"
        r"\s+(?:receive|have|see)\s+(?:the\s+|our\s+)?(?:payment|funds|money)"),
    cue(_P, "en-scheduled",
        r"\bpayment\s+(?:is|has\s+been)\s+(?:now\s+)?(?:scheduled|planned|set|expected"
        r"|earmarked|booked|queued)\b|\bscheduled\s+(?:for\s+|to\s+be\s+)?(?:payment|paid)\b"
        r"|\b(?:next|upcoming|coming|following|forthcoming|this\s+week(?:'s|’s)?"
        r"|(?:mon|tues|wednes|thurs|fri)day(?:'s|’s)?)\s+(?:payment|pay|check|cheque|ach|wire"
        r"|bacs|eft|supplier)\s+(?:run|cycle|batch|proposal|date)\b"
        r"|\b(?:is|are|has\s+been|have\s+been)\s+(?:now\s+|already\s+)?(?:scheduled|planned|set"
        r"|slated|queued|earmarked|lined\s+up|booked|included|approved)\s+(?:for|in|with|to\s+go"
        r"\s+out\s+(?:with|in|on))\s+(?:\S+\s+){0,3}?(?:payment|pay|check|cheque|release|wire"
        r"|remittance)\b"
        r"|\b(?:will|'ll|’ll)\s+(?:\S+\s+)?(?:go\s+out|be\s+(?:included|released))\b"
        r"(?=[^.?!\n]{0,60}\b(?:pay|payment|run|cycle|batch|check|cheque|wire|transfer)\b)"
        r"|\bpayment\s+date\s+(?:for|of)\s+(?:\S+\s+){0,4}?(?:is|will\s+be)\b"),
    # --- German ---------------------------------------------------------------------------
    cue(_P, "de-we-will-pay",
        r"\bwir\s+werden\s+(?:\S+\s+){0,12}?(?:bezahlen|zahlen|überweisen|begleichen"
        r"|ausgleichen|anweisen)\b|\bwerden\s+wir\s+(?:\S+\s+){0,12}?(?:bezahlen|zahlen|überweisen"
        r"|begleichen|ausgleichen|anweisen)\b|\b(?:wir|ich)\s+(?:zahlen|überweisen|begleichen"
        r"|bezahlen|zahle|überweise|begleiche)\b(?=[^.?!\n]{0,80}\b(?:am|bis|zum|nächste\w*"
        r"|kommende\w*|ende|morgen|innerhalb|heute|diese\w*|in\s+kw)\b)|\b(?:zahlen|überweisen"
        r"|begleichen|bezahlen)\s+wir\b|\bwir\s+(?:planen|beabsichtigen|versuchen|hoffen"
        r"|gedenken)\s+(?:\S+\s+){0,10}?zu\s+(?:zahlen|bezahlen|überweisen|begleichen"
        r"|ausgleichen)\b|\b(?:wird|werden)\s+(?:\S+\s+){0,6}?(?:bezahlt|überwiesen|beglichen"
        r"|ausgeglichen|angewiesen)\b|\bzahlung\s+(?:erfolgt|wird\s+(?:\S+\s+){0,4}?(?:erfolgen"
        r"|veranlasst|ausgeführt|angewiesen))"),
    cue(_P, "de-scheduled",
        r"\b(?:nächste|kommende|folgende|übernächste)\w*\s+(?:zahl(?:ungs)?lauf|überweisungslauf"
        r"|zahlungsvorschlag|zahltermin|zahlungstermin)"
        r"|\b(?:zahl(?:ungs)?lauf|überweisungslauf|zahlungsvorschlag)\w*\s+(?:\S+\s+){0,6}?"
        r"(?:enthalten|berücksichtigt|eingeplant|aufgenommen|dabei|drin|vorgesehen|raus\w*)"
        r"|\b(?:enthalten|berücksichtigt|eingeplant|aufgenommen)\s+(?:\S+\s+){0,3}?"
        r"(?:zahl(?:ungs)?lauf|überweisungslauf|zahlungsvorschlag)"
        r"|\b(?:mit|in|im|beim)\s+(?:dem\s+|unserem\s+)?(?:\S+\s+)?(?:zahl(?:ungs)?lauf"
        r"|überweisungslauf)\w*\s+(?:\S+\s+){0,4}?(?:raus|hinaus|bezahlt|überwiesen|beglichen)"
        r"|\b(?:zahlung|überweisung|begleichung|ausgleich|anweisung)\w*\s+(?:\S+\s+){0,8}?"
        r"(?:ist|sind|wird|werden)\s+(?:\S+\s+){0,4}?(?:geplant|eingeplant|vorgesehen|terminiert"
        r"|avisiert|vorgemerkt|veranlasst)\b"
        r"|\bzur\s+(?:zahlung|überweisung|auszahlung)\s+(?:\S+\s+)?(?:freigegeben|vorgesehen"
        r"|eingeplant|vorgemerkt|eingereicht|angewiesen)"
        # "ist für den Zahllauf am kommenden Donnerstag vorgemerkt"
        r"|\b(?:für|in|im|mit)\s+(?:den\s+|dem\s+|unseren\s+|unserem\s+)?(?:zahl(?:ungs)?lauf"
        r"|überweisungslauf)\w*\s+(?:\S+\s+){0,5}?(?:vorgemerkt|eingeplant|vorgesehen|terminiert"
        r"|geplant)"),
    # --- French ---------------------------------------------------------------------------
    cue(_P, "fr-we-will-pay",
        r"\b(?:nous|je)\s+(?:r[ée]glerons|paierons|payerons|virerons|effectuerons|proc[ée]derons"
        r"|r[ée]glerai|paierai|payerai|virerai|effectuerai|proc[ée]derai|solderons|honorerons)\b"
        r"|\b(?:nous|je)\s+(?:ferons|ferai)\s+(?:le|un)\s+(?:virement|paiement|r[èe]glement"
        r"|n[ée]cessaire)|\b(?:nous\s+allons|je\s+vais)\s+(?:\S+\s+){0,2}?(?:r[ée]gler|payer"
        r"|virer|solder|effectuer\s+le\s+(?:paiement|virement|r[èe]glement)|proc[ée]der\s+au)"
        r"|\b(?:nous|je)\s+(?:pr[ée]voyons|pr[ée]vois|comptons|compte|pensons|esp[ée]rons"
        r"|devrions|pourrons|envisageons)\s+(?:\S+\s+){0,2}?(?:r[ée]gler|payer|virer|solder"
        r"|proc[ée]der|effectuer|honorer)"
        r"|\b(?:paiement|r[èe]glement|virement)\s+(?:sera|seront|interviendra|partira)\b"
        r"|\bser(?:a|ont)\s+(?:r[ée]gl[ée]e?s?|pay[ée]e?s?|vir[ée]e?s?|sold[ée]e?s?"
        r"|honor[ée]e?s?)\b"),
    cue(_P, "fr-scheduled",
        r"\b(?:paiement|r[èe]glement|virement|versement)s?\s+(?:\S+\s+){0,8}?(?:est|sont|sera"
        r"|seront|a\s+[ée]t[ée]|ont\s+[ée]t[ée])\s+(?:\S+\s+)?(?:pr[ée]vue?s?|planifi[ée]e?s?"
        r"|programm[ée]e?s?)\b"
        r"|\bpr[ée]vue?s?\s+(?:pour\s+)?(?:le\s+|au\s+)?(?:paiement|r[èe]glement|virement)"
        r"|\bmise?s?\s+en\s+paiement|\bmettr(?:e|ons|ai)\s+en\s+paiement"
        r"|\b(?:prochaine?|future)\s+(?:campagne|cycle|session|lot|vague|[ée]ch[ée]ance|date)\s+"
        r"de\s+(?:paiements?|r[èe]glements?|virements?)"
        r"|\b(?:inclus|incluses?|int[ée]gr[ée]e?s?|ajout[ée]e?s?|prises?\s+en\s+compte)\s+"
        r"(?:dans|[àa])\s+(?:notre|la|le|nos|les)\s+(?:\S+\s+)?(?:campagne|cycle|lot|paiements?"
        r"|r[èe]glements?|virements?)"),
    # --- Spanish --------------------------------------------------------------------------
    cue(_P, "es-we-will-pay",
        r"\b(?:pagaremos|abonaremos|transferiremos|liquidaremos|procederemos\s+al\s+pago"
        r"|pagar[ée]|abonar[ée])\b|\b(?:vamos|voy)\s+a\s+(?:pagar|transferir|abonar|liquidar"
        r"|realizar\s+el\s+pago|hacer\s+(?:el|la)\s+(?:pago|transferencia))"
        r"|\b(?:pago|abono|transferencia)\s+se\s+(?:realizar[áa]|efectuar[áa]|har[áa]|enviar[áa])"
        r"|\b(?:realizaremos|haremos|efectuaremos)\s+(?:el\s+|la\s+)?(?:pago|abono|transferencia)"
        r"|\bser[áa]n?\s+(?:pagad[oa]s?|abonad[oa]s?|liquidad[oa]s?|transferid[oa]s?)"
        r"|\bse\s+(?:pagar[áa]n?|abonar[áa]n?|liquidar[áa]n?)\b"
        r"|\b(?:tenemos|hemos)\s+previsto\s+(?:\S+\s+)?(?:pagar|abonar|transferir|liquidar"
        r"|realizar|hacer)|\b(?:prevemos|pensamos|esperamos|planeamos|podremos|intentaremos)\s+"
        r"(?:\S+\s+){0,2}?(?:pagar|abonar|transferir|liquidar|realizar\s+el\s+pago|hacer\s+(?:el"
        r"|la)\s+(?:pago|transferencia))"),
    cue(_P, "es-scheduled",
        r"\b(?:pago|abono|transferencia|liquidaci[óo]n)e?s?\s+(?:\S+\s+){0,8}?(?:est[áa]n?"
        r"|queda(?:n)?|ha\s+sido|se\s+ha)\s+(?:\S+\s+)?(?:previst[oa]s?|programad[oa]s?"
        r"|planificad[oa]s?|agendad[oa]s?|fijad[oa]s?)\b"
        r"|\b(?:previst[oa]s?|programad[oa]s?|planificad[oa]s?)\s+para\s+(?:el\s+|su\s+)?(?:pago"
        r"|abono)"
        r"|\b(?:pr[óo]xim[oa]s?|siguientes?)\s+(?:remesa|ciclo|lote|corrida|tanda|ronda|propuesta"
        r"|fecha)\s+de\s+(?:pagos?|transferencias?)"
        r"|\b(?:incluid[oa]s?|entra(?:n|r[áa]n?)?)\s+en\s+(?:la|el|nuestr[oa])\s+(?:\S+\s+)?"
        r"(?:remesa|ciclo|lote|corrida|tanda|ronda|pagos?)\b"),
    # --- Dutch ----------------------------------------------------------------------------
    cue(_P, "nl-we-will-pay",
        r"\b(?:wij|we|ik)\s+(?:betalen|voldoen|maken)\b(?=[^.?!\n]{0,80}\b(?:op|voor|vóór"
        r"|uiterlijk|volgende|komende|morgen|binnen|eind|aanstaande|over|deze)\b)"
        r"|\b(?:betalen|voldoen|maken)\s+(?:wij|we|ik)\b"
        r"|\b(?:wij|we|ik)\s+(?:zullen|gaan)\s+(?:\S+\s+){0,8}?(?:betalen|voldoen|overmaken"
        r"|overboeken|betaald)\b|\b(?:zullen|gaan)\s+(?:wij|we|ik)\s+(?:\S+\s+){0,8}?(?:betalen"
        r"|voldoen|overmaken|overboeken)\b|\b(?:wij|we|ik)\s+(?:verwachten|denken|hopen|proberen"
        r"|plannen|zijn\s+van\s+plan)\s+(?:\S+\s+){0,8}?te\s+(?:betalen|voldoen|overmaken)\b"
        r"|\bbetaling\s+(?:\S+\s+){0,4}?volgt|\bbetaling\s+(?:zal"
        r"\s+(?:\S+\s+){0,3}?(?:volgen|plaatsvinden"
        r"|worden)|wordt\s+(?:\S+\s+){0,3}?(?:gedaan|uitgevoerd|verricht))"
        r"|\b(?:wordt|worden|zal|zullen)\s+(?:\S+\s+){0,6}?(?:betaald|voldaan|overgemaakt)\b"),
    cue(_P, "nl-scheduled",
        r"\b(?:ingepland|gepland|klaargezet|opgenomen|meegenomen|vrijgegeven)\s+(?:voor|in|om"
        r"|bij|met)\s+(?:de\s+|onze\s+|een\s+)?(?:\S+\s+)?(?:betaling|betaalrun|betalingsrun"
        r"|betaalronde|betalingsronde|betaalbatch|betaalmoment|betaaldag|betalen)"
        r"|\bbetaling\s+(?:\S+\s+){0,6}?(?:staat|staan|is|wordt)\s+(?:\S+\s+)?(?:ingepland"
        r"|gepland|voorzien|klaargezet)\b"
        r"|\b(?:volgende|eerstvolgende|komende|wekelijkse)\s+(?:betaalrun|betalingsrun"
        r"|betaalronde|betalingsronde|betaalbatch|betaalmoment|betaaldag)"),
)  # fmt: skip

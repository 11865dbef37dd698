"""Cue families of the questions that ask for something or promise something: invoice copies,
statements, balances and promises to pay, in English, German, French, Spanish and Dutch.
Disputes have their own module (:mod:`parsers.intent_disputes`). Pure data for
:mod:`parsers.intent`.

A :class:`Cue` is one family of ways to say one thing in one language ("copy of the
invoice", "resend", "have not received the invoice"), written as a small regex. Its weight
says how much the words alone say: :data:`STRONG` for words with no other likely meaning,
:data:`WEAK` for words that also occur in mail that asks nothing ("balance", "send the
invoice").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.types import MailKind
from parsers.regex_words import Words, required_words

#: Words that say the thing by themselves.
STRONG = 0.6
#: Words that also occur where nothing is asked: they need something more to pass.
WEAK = 0.4


@dataclass(frozen=True, slots=True)
class Cue:
    """One way to ask for ``kind``. ``needs_request``: the words only name a thing and ask
    only with a request in the same sentence. ``document``: they name a document, which the
    sender may say it attaches (then nothing is asked)."""

    kind: MailKind
    family: str
    pattern: re.Pattern[str]
    weight: float = STRONG
    needs_request: bool = False
    document: bool = False
    #: Casefolded words one of which every match holds (None: unknown); see
    #: :mod:`parsers.regex_words`.
    words: Words = None


def cue(
    kind: MailKind,
    family: str,
    *alternatives: str,
    weight: float = STRONG,
    needs_request: bool = False,
    document: bool = False,
) -> Cue:
    """A cue whose pattern matches any of ``alternatives`` (case-insensitive)."""
    pattern = re.compile("|".join(f"(?:{a})" for a in alternatives), re.IGNORECASE)
    return Cue(kind, family, pattern, weight, needs_request, document, required_words(pattern))


_COPY = MailKind.INVOICE_COPY_REQUEST
_STATEMENT = MailKind.STATEMENT_REQUEST
_BALANCE = MailKind.BALANCE_INQUIRY
_PROMISE = MailKind.PROMISE_TO_PAY

#: An invoice word in each language.
INV = r"(?:invoices?|inv\.?|bills?|rechnung(?:en)?|factures?|facturas?|factu(?:ur|ren))"
_DET = (
    r"(?:the|your|our|this|that|these|those|an?|de|la|les|las|el|los|die|der|unsere?|ihre?"
    r"|deze)"
)
_W = r"(?:\S+\s+)"  # one word

#: Invoice copies.
COPY_CUES: tuple[Cue, ...] = (
    cue(_COPY, "en-copy",
        rf"\b(?:copy|copies|duplicate|reprint|pdf|scan)\s+(?:of\s+)?(?:{_DET}\s+)?{INV}",
        rf"\b{INV}\s+(?:cop(?:y|ies)|pdf)\b", r"\bcopy\s+invoices?\b",
        r"\b(?:copy|copies|pdf|reprint)\s+of\s+(?:#\s*)?[a-z]{0,4}-?\d{4,}",
        needs_request=True, document=True),
    cue(_COPY, "en-resend",
        # not "resending our remittance advice": the payer tells its own advice again
        r"\bre-?send(?:ing)?\b(?!\s+(?:(?:our|the|this|my)\s+)?(?:\S+\s+)?(?:remittance|payment"
        r"|advice))",
        r"\bsend\b[^.?!\n]{0,40}?\b(?:invoices?|inv|bills?|it|them)\b"
        r"[^.?!\n]{0,40}?\bagain\b", rf"\bre-?(?:forward|share|mail)\s+(?:{_DET}\s+)?{INV}",
        document=True),
    cue(_COPY, "en-missing",
        rf"\b(?:have\s+not|haven't|never|did\s+not|didn't|not\s+yet)\s+(?:yet\s+)?(?:received"
        rf"|got(?:ten)?|seen)\s+(?:{_DET}\s+)?(?:\w+\s+)?{INV}",
        rf"\b(?:can't|cannot|could\s+not|couldn't|unable\s+to)\s+(?:seem\s+to\s+)?(?:find|locate"
        rf"|open|access)\s+"
        rf"(?:{_DET}\s+)?{INV}",
        rf"\b{INV}\s+(?:\S+\s+){{0,3}}?(?:is|was|are|were|seems|went)\s+(?:\w+\s+)?(?:missing"
        r"|lost|not\s+(?:received|attached|in\s+our\s+system))",
        rf"\b(?:lost|misplaced|mislaid|missing)\s+(?:{_DET}\s+)?(?:original\s+)?{INV}",
        rf"\b{INV}\s+(?:\S+\s+){{0,3}}?(?:is|are)\s+(?:\S+\s+)?nowhere\s+to\s+be\s+found"
        rf"|\bno\s+trace\s+of\s+(?:{_DET}\s+)?{INV}|\b(?:can't|cannot|couldn't|could\s+not"
        rf"|unable\s+to)\s+(?:seem\s+to\s+)?(?:find|locate|trace)\s+(?:\S+\s+){{0,3}}?{INV}",

        rf"\b(?:no|don't\s+have\s+an?)\s+(?:record|copy)\s+of\s+(?:{_DET}\s+)?{INV}",
        rf"\b(?:don't|do\s+not|doesn't|does\s+not)\s+(?:seem\s+to\s+)?have\s+(?:a\s+copy\s+of\s+)?"
        rf"(?:{_DET}\s+)?{INV}"),
    cue(_COPY, "en-send-invoice",
        rf"\b(?:send|e-?mail|forward|provide|share|get)\s+(?:(?:me|us)\s+)?(?:over\s+)?"
        rf"(?:{_DET}\s+)?(?:original\s+|missing\s+)?{INV}\b(?!\s+(?:address|to\s+\S+@))",
        weight=0.45, needs_request=True, document=True),
    cue(_COPY, "en-send-it",
        r"\b(?:send|forward|e-?mail)\s+(?:it|them|this|that)\s+(?:over|through|across|again)\b",
        weight=WEAK, needs_request=True, document=True),
    cue(_COPY, "de-copy",
        r"rechnungskopie\w*|rechnungsduplikat\w*|\bkopie\s+(?:der|unserer|ihrer|von|zur)\s+"
        r"(?:\S+\s+)?rechnung|\bduplikat\s+der\s+rechnung|\brechnung\w*\s+(?:\S+\s+){0,2}?(?:als\s+"
        r"|im\s+)?pdf",
        needs_request=True, document=True),
    cue(_COPY, "de-resend",
        rf"\brechnung\w*\s+{_W}{{0,4}}?(?:erneut|nochmals|noch\s*mal|noch\s+einmal)\s+{_W}{{0,2}}?"
        r"(?:senden|zusenden|schicken|zuschicken|übermitteln|zukommen|mailen)",
        r"\b(?:erneut|nochmals|noch\s*mal|noch\s+einmal)\s+(?:die|unsere|ihre)\s+rechnung",
        document=True),
    cue(_COPY, "de-resend-it",
        r"\b(?:erneut|nochmals|noch\s*mal|noch\s+einmal|neu)\s+(?:\S+\s+){0,3}?(?:zu)?(?:senden"
        r"|schicken|übermitteln|mailen|zukommen)", weight=0.45, needs_request=True, document=True),
    cue(_COPY, "de-missing",
        rf"\brechnung\w*\s+{_W}{{0,4}}?(?:nicht|nie)\s+(?:erhalten|angekommen|zugegangen"
        r"|eingegangen|vorliegt|vor)|\brechnung\w*\s+(?:\S+\s+){0,4}?liegt\s+uns\s+nicht\s+vor"
        r"|\brechnung\w*\s+(?:\S+\s+){0,3}?(?:ist|sind|wurde|wurden)\s+(?:\S+\s+){0,3}?(?:nicht"
        r"\s+(?:mehr\s+)?(?:auffindbar|zu\s+finden|im\s+system)|unauffindbar|verloren|verlegt"
        r"|abhanden)|\bfinden\s+(?:wir|ich)\s+(?:\S+\s+){0,3}?rechnung\w*\s+(?:\S+\s+)"
        r"{0,4}?(?:nicht|nirgends)\b|\b(?:wir|ich)\s+finden\s+(?:die|ihre|unsere)\s+rechnung\w*\s+"
        r"(?:\S+\s+){0,3}?(?:nicht|nirgends)\b|\bkeine\s+rechnung\s+(?:\S+\s+){0,3}?(?:erhalten|vorliegen)"),
    cue(_COPY, "de-send-invoice",
        r"\b(?:die|unsere|ihre)\s+rechnung\s+(?:\S+\s+){0,4}?(?:senden|zusenden|schicken"
        r"|zuschicken|übermitteln|zukommen\s+lassen|mailen)|\b(?:senden|schicken|übermitteln"
        r"|mailen)\s+sie\s+(?:uns|mir)\s+(?:bitte\s+)?(?:die|eine|unsere|ihre)\s+rechnung",
        weight=0.45, needs_request=True, document=True),
    cue(_COPY, "fr-copy",
        r"\bduplicata\b|\bcopie\s+(?:de\s+(?:la|notre|votre|cette|nos|vos)\s+|des\s+|d'une\s+)"
        r"factures?|\bfactures?\s+en\s+pdf", needs_request=True, document=True),
    cue(_COPY, "fr-resend",
        r"\b(?:r|ré)envoy(?:er|ez)\s+(?:-?nous\s+)?(?:la|les|notre|votre|cette)\s+factures?"
        r"|\bnous\s+(?:r|ré)envoyer\s+(?:la|les)\s+factures?"
        r"|\b(?:me|nous)\s+(?:la|les|le)\s+(?:r|ré)(?:envoyer|exp[ée]dier|transmettre)"
        r"|\b(?:r|ré)envoy(?:ez|er)[- ](?:la|les|nous|moi)\b|\b(?:r|ré)envoyer\s+(?:une\s+)?copie"
        r"|\b(?:envoyer|transmettre)\s+(?:\S+\s+){0,3}?(?:[àa]\s+nouveau|de\s+nouveau)",
        document=True),
    cue(_COPY, "fr-missing",
        r"(?:pas|jamais)\s+re[çc]u\s+(?:la|les|votre|vos|cette)\s+factures?"
        r"|\bfacture\w*\s+(?:\S+\s+){0,3}?(?:introuvable|perdue|égarée)"
        r"|\bne\s+(?:(?:la|les)\s+)?(?:trouv|retrouv)\w*\s+pas\s+(?:\S+\s+){0,2}?factures?"
        r"|\b(?:impossible\s+de|n'arrivons\s+pas\s+[àa]|n'arrive\s+pas\s+[àa])\s+(?:re)?trouver"
        r"\s+(?:\S+\s+){0,2}?factures?|\bfacture\w*\s+(?:\S+\s+){0,4}?(?:ne\s+figure|n'appara[îi]t)"
        r"\s+pas\s+dans\s+(?:nos|notre)"),
    cue(_COPY, "fr-send-invoice",
        r"\b(?:envoyer|transmettre|faire\s+parvenir|adresser)\s+(?:la|les|cette)\s+factures?",
        weight=0.45, needs_request=True, document=True),
    cue(_COPY, "es-copy",
        r"\b(?:copia|duplicado)s?\s+de\s+(?:(?:la|las|nuestras?|sus?|esta|estas|dicha|dichas)\s+)?"
        r"facturas?|\bfacturas?\s+en\s+pdf", needs_request=True, document=True),
    cue(_COPY, "es-resend", r"\breenvi(?:ar|en|e|arla|arlas)(?:nos|me)?(?:la|las)?\b"
        r"|\bvolver\s+a\s+(?:enviar|mandar|remitir)(?:nos|me)?(?:la|las)?\b"
        r"|\b(?:enviar|mandar|remitir|env[íi]en|m[áa]nden)(?:nos|me)?(?:la|las)?\s+(?:de\s+nuevo"
        r"|otra\s+vez|nuevamente)"
        # "¿me mandan de nuevo la factura …?": the again before the invoice
        r"|\b(?:mand|envi|remit)(?:a|an|e|en|ar)\s+(?:de\s+nuevo|otra\s+vez|nuevamente)\s+"
        r"(?:la|las|una|esta)\s+facturas?",
        document=True),
    cue(_COPY, "es-missing",
        r"\bno\s+(?:hemos|he)\s+recibido\s+(?:la|las|su|esta)\s+factura"
        r"|\bno\s+(?:la\s+|las\s+)?(?:encontramos|localizamos|encuentro|localizo|tenemos\s+constancia"
        r"\s+de)\s+(?:(?:la|las|esta|estas|dicha|su)\s+)?facturas?"
        r"|\bfacturas?\s+(?:\S+\s+){0,3}?no\s+(?:nos\s+)?(?:ha|han)\s+llegado"),
    cue(_COPY, "es-send-invoice",
        r"\b(?:enviar(?:nos|me)?|env[ií]en(?:nos|me)?|mandar(?:nos)?|m[áa]ndenos|remitir(?:nos)?)"
        r"\s+(?:de\s+nuevo\s+)?(?:la|las|esta)\s+facturas?",
        weight=0.45, needs_request=True, document=True),
    cue(_COPY, "nl-copy",
        r"\bfactuurkopie\w*|\bkopie\s+(?:van\s+)?(?:de\s+|deze\s+|uw\s+|onze\s+)?factu(?:ur|ren)"
        r"|\bduplicaat\s+(?:van\s+)?(?:de\s+)?factuur|\bfactuur\s+(?:\S+\s+){0,2}?(?:als|in)\s+pdf",
        needs_request=True, document=True),
    cue(_COPY, "nl-resend",
        r"\bfactu(?:ur|ren)\s+(?:\S+\s+){0,4}?(?:nogmaals|opnieuw|nog\s+een\s*keer|nog\s+eens)"
        r"\s+(?:\S+\s+){0,2}?(?:sturen|toesturen|versturen|mailen|toezenden|opsturen|zenden)"
        r"|\b(?:nogmaals|opnieuw|nog\s+een\s*keer)\s+(?:de|deze|uw)\s+factuur", document=True),
    cue(_COPY, "nl-resend-it",
        r"\b(?:nogmaals|opnieuw|nog\s+een\s*keer|nog\s+eens)\s+(?:\S+\s+){0,2}?(?:sturen|toesturen"
        r"|versturen|mailen|toezenden|opsturen|zenden|doorsturen)", weight=0.45, needs_request=True,
        document=True),
    cue(_COPY, "nl-missing",
        r"\bfactu(?:ur|ren)\s+(?:\S+\s+){0,4}?(?:niet|nooit)\s+(?:ontvangen|gekregen|binnengekomen)"
        r"|\b(?:niet|nooit)\s+(?:ontvangen|gekregen)\s+(?:de|deze|uw)\s+factuur"
        r"|\bfactuur\s+(?:\S+\s+){0,3}?(?:kwijt|zoek)\b|\bkunnen\s+(?:de|deze)\s+factuur\s+niet"
        r"\s+vinden|\bfactu(?:ur|ren)\s+(?:\S+\s+){0,4}?(?:niet|nergens)\s+(?:\S+\s+)?(?:vinden"
        r"|terugvinden|traceren)|\bfactu(?:ur|ren)\s+(?:\S+\s+){0,3}?(?:is|zijn)\s+(?:bij\s+ons\s+)?"
        r"(?:niet\s+)?(?:onbekend|niet\s+bekend|niet\s+in\s+ons\s+systeem)"),
    cue(_COPY, "nl-send-invoice",
        r"\b(?:de|deze|uw)\s+factu(?:ur|ren)\s+(?:\S+\s+){0,4}?(?:sturen|toesturen|versturen"
        r"|mailen|toezenden|opsturen|doorsturen)|\b(?:stuur|mail)\s+(?:ons|mij)\s+(?:de|deze)"
        r"\s+factuur", weight=0.45, needs_request=True, document=True),
)  # fmt: skip

#: Statements of account and lists of open items.
STATEMENT_CUES: tuple[Cue, ...] = (
    cue(_STATEMENT, "en-statement",
        r"\bstatements?\s+of\s+(?:the\s+|our\s+|my\s+)?accounts?\b|\baccount\s+statements?"
        r"|\bcustomer\s+statements?|\bSOA\b|\bcop(?:y|ies)\s+of\s+(?:the\s+|our\s+)?statements?\b"
        r"|\b(?:an?|the|your|our|latest|last|current|updated|up-to-date|monthly|quarterly"
        r"|month's|month’s|year-end|new|full)\s+statements?\b(?!\s+(?:date|period))",
        needs_request=True, document=True),
    cue(_STATEMENT, "en-open-items",
        r"\bopen[- ]items?\s*(?:list|report|statement|overview)?\b|\b(?:list|overview|summary"
        r"|breakdown|report)\s+of\s+(?:all\s+)?(?:our\s+|the\s+)?(?:open|outstanding|unpaid"
        r"|overdue|due)\s+(?:items|invoices|balances?)|\b(?:ag(?:e)?ing|debtors?)\s+report"
        r"|\baccount\s+(?:summary|overview|history|ledger)|\bledger\s+(?:extract|print\w*)"
        r"|\breconcil(?:e|iation)\s+(?:of\s+)?(?:our|the|my)\s+accounts?|\b(?:overview|list"
        r"|summary|breakdown)\s+of\s+(?:everything|all|what)\s+(?:(?:that|which)\s*(?:'s|is|are)"
        r"\s+|(?:is|are)\s+)?(?:still\s+)?(?:open|outstanding|unpaid|due|owed|owing)"
        r"|\b(?:list|overview|summary|breakdown)\b[^.?!\n]{0,30}?\b(?:open|outstanding|unpaid"
        r"|overdue)\s+(?:items|invoices)"
        r"|\b(?:balance|audit)\s+confirmation",
        needs_request=True, document=True),
    cue(_STATEMENT, "de-statement",
        r"kontoauszug\w*|saldenbest[äa]tigung|saldenabstimmung|kont(?:en|o)abstimmung"
        r"|\boffene[n]?\s+posten|\bop-liste|kont(?:o|en)übersicht|kontenblatt|saldenliste"
        r"|\b(?:aufstellung|liste|übersicht)\s+(?:aller\s+|der\s+|unserer\s+)?(?:offenen|noch"
        r"\s+offenen|unbezahlten|fälligen)\s+(?:posten|rechnungen|beträge)",
        needs_request=True, document=True),
    cue(_STATEMENT, "fr-statement",
        r"\brelev[ée]s?\s+de\s+compte|\b[ée]tat\s+de\s+compte|\brelev[ée]\s+des\s+factures"
        r"|\bextrait\s+de\s+compte|\bsituation\s+de\s+(?:notre\s+|votre\s+)?compte"
        r"|\b(?:liste|[ée]tat|relev[ée]|r[ée]capitulatif)\s+des\s+factures\s+(?:ouvertes"
        r"|impay[ée]es|en\s+attente|non\s+r[ée]gl[ée]es|[ée]chues|en\s+cours)"
        r"|\bconfirmation\s+de\s+solde|\bbalance\s+[âa]g[ée]e|\bposte?s?\s+ouverts",
        needs_request=True, document=True),
    cue(_STATEMENT, "es-statement",
        r"\bestado\s+de\s+(?:la\s+)?cuenta|\bextracto\s+de\s+(?:la\s+)?cuenta|\bconciliaci[óo]n"
        r"\s+de\s+(?:la\s+)?cuenta|\b(?:relaci[óo]n|listado|lista|resumen)\s+de\s+(?:las\s+)?"
        r"facturas\s+(?:pendientes|abiertas|vencidas|impagadas|sin\s+pagar)"
        r"|\bpartidas\s+(?:abiertas|pendientes)|\bconfirmaci[óo]n\s+de\s+saldo"
        r"|\bun\s+extracto\b(?!\s+bancario)|\bel\s+extracto\s+(?:actualizado|con|de\s+facturas)",
        needs_request=True, document=True),
    cue(_STATEMENT, "nl-statement",
        r"\brekeningoverzicht|\bsaldo-?overzicht|\bsaldobevestiging|\bdebiteurenoverzicht"
        r"|\bklantoverzicht|\brekeningafschrift|\bopenstaande[- ]posten(?:lijst|overzicht)?"
        r"|\b(?:overzicht|lijst|opgave)\s+(?:van\s+)?(?:al\s+)?(?:de\s+|alle\s+|onze\s+)?"
        r"(?:openstaande|onbetaalde|vervallen|open)\s+(?:facturen|posten|bedragen)"
        r"|\b(?:overzicht|lijst|opgave)\b[^.?!\n]{0,30}?\b(?:openstaande|onbetaalde|vervallen)\s+"
        r"(?:facturen|posten|bedragen)",
        needs_request=True, document=True),
)  # fmt: skip

#: Questions about how much is owed.
BALANCE_CUES: tuple[Cue, ...] = (
    cue(_BALANCE, "en-how-much",
        r"\bhow\s+much\s+(?:(?:do|does|did)\s+)?(?:we|i|our\s+\w+)\s+(?:still\s+)?(?:owe|have"
        r"\s+(?:still\s+)?(?:to\s+pay|outstanding|open))|\bhow\s+much\s+(?:is|remains|was)\s+"
        r"(?:still\s+)?(?:outstanding|owed|owing|due|open|left|unpaid)|\bwhat\s+(?:is|'s|’s)\s+"
        r"(?:our|my|the)\s+(?:current\s+|outstanding\s+|open\s+|total\s+|remaining\s+)?balance"
        r"|\bwhat\s+(?:do|does)\s+(?:we|i)\s+(?:still\s+)?owe|\bwhat(?:\s+is|'s|’s|\s+remains)\s+"
        r"(?:currently\s+|still\s+|now\s+)?(?:outstanding|owing|open|due|owed|unpaid)\b"
        r"|\bhow\s+much\s+(?:is\s+)?"
        r"(?:still\s+)?(?:left|remaining)\s+(?:to\s+pay|on\s+(?:our|the|my)\s+account)"
        r"|\bwhat\s+(?:balance|amount)"
        r"\s+(?:is\s+|remains\s+)?(?:still\s+)?(?:open|outstanding|due|owing|unpaid)"),

    cue(_BALANCE, "en-anything-open",
        r"\b(?:do|does)\s+(?:we|i|our\s+\w+)\s+(?:still\s+)?have\s+(?:any(?:thing)?\s+)?"
        r"(?:open|outstanding|unpaid|overdue)|\b(?:are|is)\s+there\s+(?:still\s+)?(?:any(?:thing)?"
        r"\s+)?(?:open|outstanding|unpaid|overdue)\s+(?:invoices|items|balance|amounts?)"
        r"|\b(?:is|are)\s+(?:anything|any\s+invoices?)\s+(?:still\s+)?(?:open|outstanding|unpaid)"
        r"|\b(?:do|does)\s+(?:we|i)\s+owe\s+(?:you\s+)?anything"
        r"|\b(?:if|whether)\s+(?:there\s+(?:is|are)\s+)?(?:anything|any\s+(?:invoices?|amounts?"
        r"|balance|items?))\s+(?:\S+\s+)?(?:still\s+)?(?:open|outstanding|unpaid|overdue|due|owing)"
        r"|\b(?:if|whether)\s+(?:we|i)\s+(?:still\s+)?owe\s+(?:you\s+)?anything"),
    cue(_BALANCE, "en-balance-word",
        r"\b(?:current|outstanding|open|remaining|account|total|unpaid)\s+balance\b|\bbalance\s+"
        r"(?:due|owing|outstanding|on\s+(?:our|the|my)\s+account)\b|\bamounts?\s+(?:outstanding"
        r"|owing|owed|still\s+due|due)\b|\b(?:confirm|tell\s+us|let\s+us\s+know)\s+(?:our|the)"
        r"\s+balance|\btotal\s+(?:outstanding|due|owed)\b|\bour\s+balance\b"
        r"|\bwhat\s+(?:we|i)\s+(?:still\s+|currently\s+|actually\s+)?owe\s+(?:you|to\s+you|on)\b"
        r"|\b(?:amount|sum)\s+"
        r"(?:that\s+)?(?:we|i)\s+(?:still\s+)?owe\b",
        weight=0.45, needs_request=True),
    cue(_BALANCE, "de-how-much",
        r"\bwie\s+hoch\s+ist\s+(?:unser|der|das|die)\s+(?:\w+\s+)?(?:saldo|kontostand|betrag"
        r"|rückstand|forderung)|\bwie\s+viel\s+(?:schulden|sind|haben)\s+wir|\bwas\s+(?:schulden"
        r"|sind)\s+wir|\bgibt\s+es\s+(?:noch\s+)?offene\s+(?:posten|rechnungen|beträge|forderungen)"
        r"|\b(?:ist|sind)\s+(?:noch\s+)?(?:etwas|rechnungen|beträge)\s+offen|\bwie\s*viel\s+"
        r"(?:\S+\s+){0,4}?(?:offen|ausstehend|fällig)|\bwas\s+ist\s+(?:bei\s+\S+\s+)?noch\s+offen"
        r"|\bwelche[rns]?\s+(?:\S+\s+)?(?:betrag|beträge|summe|saldo|rechnungen|posten|forderungen)"
        r"\s+(?:\S+\s+){0,4}?(?:offen|ausstehend|fällig|zu\s+zahlen|unbezahlt)"
        r"|\bwas\s+(?:\S+\s+){0,5}?noch\s+(?:offen|aussteht|aus|zu\s+zahlen|zu\s+begleichen)"
        r"|\bwie\s+(?:hoch|viel)\s+(?:\S+\s+){0,4}?(?:noch\s+)?(?:offen|ausstehend|schulden|zahlen"
        r"\s+müssen)"),
    cue(_BALANCE, "de-balance-word",
        r"\boffene[nr]?\s+(?:saldo|betrag|gesamtbetrag|forderung)|\baktuelle[nr]?\s+(?:saldo"
        r"|kontostand)|\bsaldo\b|\bkontostand|\b(?:noch\s+)?offenen\s+beträge"
        r"|\brestbetrag|\brestschuld|\bnoch\s+offene[nr]?\s+betrag",
        weight=0.45, needs_request=True),
    cue(_BALANCE, "fr-how-much",
        r"\bquel\s+est\s+(?:notre|le|mon)\s+(?:\w+\s+)?solde|\bcombien\s+(?:vous\s+)?"
        r"(?:devons|dois)[- ](?:nous|je)|\bcombien\s+(?:nous\s+)?reste|\bcombien\s+(?:est|reste)"
        r"\s+d[ûu]|\by\s+a-t-il\s+(?:encore\s+)?des\s+factures\s+(?:impay[ée]es|ouvertes"
        r"|en\s+attente|non\s+r[ée]gl[ée]es)"
        r"|\bquel(?:le)?s?\s+(?:est|sont)\s+(?:le|les|la)\s+(?:montants?|sommes?)\s+(?:\S+\s+)?"
        r"(?:restant|encore|d[ûu]|ouverts?|impay|en\s+attente|[àa]\s+payer|en\s+souffrance)"
        r"|\bce\s+qu'il\s+(?:nous\s+|me\s+)?reste\s+[àa]\s+(?:payer|r[ée]gler)|\bce\s+que\s+"
        r"(?:nous|je)\s+(?:vous\s+)?(?:devons|dois)|\bcombien\s+il\s+(?:nous\s+|me\s+)?reste"),
    cue(_BALANCE, "fr-balance-word",
        r"\bsolde\b(?!\s+de\s+tout\s+compte)|\bmontant\s+(?:restant\s+)?d[ûu]\b"
        r"|\breste\s+[àa]\s+payer|\bencours\b|\bmontant\s+(?:total\s+)?(?:impay[ée]|ouvert)"
        r"|\b(?:montant|somme)\s+(?:qui\s+)?(?:nous\s+)?rest(?:e|ant)\s+d[ûu]|\bce\s+qui\s+reste"
        r"\s+d[ûu]",
        weight=0.45, needs_request=True),
    cue(_BALANCE, "es-how-much",
        r"\bcu[áa]l\s+es\s+(?:nuestro|el|mi)\s+saldo|\bcu[áa]nto\s+(?:le\s+|les\s+)?"
        r"(?:debemos|adeudamos|debo)|\bcu[áa]nto\s+(?:nos\s+)?queda\s+(?:por\s+)?pagar"
        r"|\bhay\s+(?:alguna\s+|algunas\s+)?facturas?\s+(?:pendientes?|abiertas?|sin\s+pagar)"
        r"|\bcu[áa]nto\s+(?:nos\s+|le\s+|les\s+)?(?:queda|falta|est[áa]|hay|tenemos)\s+(?:\S+\s+)?"
        r"(?:pendiente|por\s+pagar|abierto|sin\s+pagar|vencido)"
        r"|\bqu[ée]\s+(?:importe|saldo|cantidad|monto|facturas)\s+(?:\S+\s+){0,3}?(?:pendientes?"
        r"|por\s+pagar|abiertos?|vencidos?)|\blo\s+que\s+(?:todav[íi]a\s+|a[úu]n\s+)?(?:les?\s+)?"
        r"(?:debemos|adeudamos)|\bqu[ée]\s+(?:les?\s+)?(?:debemos|adeudamos)"),
    cue(_BALANCE, "es-balance-word",
        r"\bsaldo\s+(?:pendiente|actual|abierto|deudor|vencido)|\bimporte\s+pendiente"
        r"|\bdeuda\s+pendiente|\bmonto\s+pendiente",
        weight=0.45, needs_request=True),
    cue(_BALANCE, "nl-how-much",
        r"\bhoeveel\s+(?:moeten\s+(?:we|wij|ik)\s+(?:nog\s+)?(?:betalen|voldoen)|staat\s+er"
        r"\s+(?:nog\s+)?open|zijn\s+(?:we|wij)\s+(?:u\s+)?(?:nog\s+)?(?:verschuldigd|schuldig))"
        r"|\bwat\s+is\s+(?:ons|het|mijn)\s+(?:huidige\s+|openstaande\s+)?saldo"
        r"|\b(?:hebben|staan)\s+(?:we|wij)\s+(?:nog\s+)?(?:openstaande|onbetaalde)"
        r"|\bstaan\s+er\s+(?:nog\s+)?(?:facturen|posten|bedragen)\s+open"
        r"|\bwelke?\s+(?:\S+\s+)?(?:bedrag|bedragen|saldo|facturen|posten)\s+(?:\S+\s+){0,3}?"
        r"(?:open\b|openstaand|onbetaald|verschuldigd)|\bhoeveel\s+(?:\S+\s+){0,3}?(?:open\s+staat"
        r"|openstaat|verschuldigd|schuldig|te\s+betalen)|\bwat\s+(?:er\s+)?(?:\S+\s+){0,3}?(?:nog\s+)?"
        r"(?:open\s+staat|openstaat)|\bwat\s+(?:wij|we|ik)\s+(?:u\s+|jullie\s+)?(?:nog\s+)?"
        r"(?:verschuldigd|schuldig)\s+(?:zijn|ben)"),
    cue(_BALANCE, "nl-balance-word",
        r"\bopenstaande?\s+(?:saldo|bedrag)|\bhuidige?\s+saldo|\bsaldo\b|\btotaal\s+openstaand",
        weight=0.45, needs_request=True),
)  # fmt: skip

"""The words of :mod:`parsers.intent_needs`: what a sentence is about (an invoice as a
document, a statement, what is owed, a payment to come, a problem with an invoice) and what
the writer says of it (it is missing or unusable, they need it, they want to know), in
English, German, French, Spanish and Dutch. Pure data.

Each concept is one regular expression over all five languages: a customer who writes
"Rechnung" beside an English "need" is still understood. The words are those AP and AR staff
use of their own work (audits, the month-end close, reconciling suppliers, the VAT return,
payment runs), gathered per concept rather than per phrase, so that a sentence nobody wrote
down before is still read when it holds one word of the topic and one of the need.
"""

from __future__ import annotations

import re

_FLAGS = re.IGNORECASE


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{a})" for a in alternatives), _FLAGS)


#: An invoice as a document: the word, or a copy of one.
INVOICE_DOC = _words(
    r"\b(?:invoices?|inv\.|bills?|rechnung(?:en)?|rechnungskopie\w*|factures?|facturas?"
    r"|factu(?:ur|ren)|factuurkopie\w*|duplicata|duplicados?|duplicaat|duplikat\w*)\b",
)
#: A document word that is an invoice only when the sentence names one by its number.
DOCUMENT = _words(
    r"\b(?:pdf|document|paperwork|copy|copies|original|scan|beleg\w*|dokument\w*|unterlagen"
    r"|kopie|pièces?|pieces?|copie|exemplaire|documento|copia|ejemplar|stuk|duplicates?)\b",
)
#: A statement of account, or a list of what is open.
STATEMENT_DOC = _words(
    r"\b(?:statements?(?!\s+(?:date|period))|soa|open[- ]items?|ledger\s+(?:extract|print\w*"
    r"|report|copy)|account\s+(?:history|overview|summary|activity|ledger|extract)|ag(?:e)?ing"
    r"\s+(?:report|list)|balance\s+confirmation|audit\s+confirmation)\b",
    r"\b(?:overview|list(?:ing)?|summary|breakdown|report|extract|print-?out|rundown)\s+"
    r"(?:\S+\s+){0,4}?(?:open|outstanding|unpaid|overdue|invoices|items|transactions"
    r"|account)\b",
    r"kontoauszug\w*|\bkonto(?:übersicht|blatt)\w*|\bop-liste|\boffene[n]?\s+posten"
    r"|salden(?:bestätigung|liste|abgleich|abstimmung)\w*|\bkont(?:en|o)abstimmung"
    r"|\b(?:aufstellung|übersicht|liste|auszug|auflistung)\s+(?:\S+\s+){0,4}?(?:offen\w*"
    r"|posten|rechnungen|kontos?|ausstehend\w*)\b",
    r"\brelev[ée]s?\b(?!\s+bancaire)|\b[ée]tat\s+de\s+compte|\bextrait\s+de\s+compte"
    r"|\bsituation\s+(?:de|du)\s+(?:notre\s+|votre\s+)?compte|\bpostes?\s+ouverts"
    r"|\b(?:liste|[ée]tat|r[ée]capitulatif|d[ée]tail)\s+(?:\S+\s+){0,3}?(?:factures|pi[èe]ces"
    r"|[ée]critures|impay[ée]s)\b|\bconfirmation\s+de\s+solde|\bbalance\s+[âa]g[ée]e",
    r"\bestado\s+de\s+(?:la\s+)?cuenta|\bextracto\b(?!\s+bancario)|\b(?:relaci[óo]n|listado"
    r"|lista|resumen|detalle)\s+(?:\S+\s+){0,3}?(?:facturas|partidas|movimientos)\b"
    r"|\bpartidas\s+(?:abiertas|pendientes)|\bconfirmaci[óo]n\s+de\s+saldo",
    r"\brekening(?:overzicht|afschrift)|\bsaldo(?:-?overzicht|lijst|bevestiging)"
    r"|\bdebiteurenoverzicht|\bklantoverzicht|\bopenstaande[- ]posten\w*|\b(?:overzicht|lijst"
    r"|opgave|specificatie|uitdraai)\s+(?:\S+\s+){0,4}?(?:openstaande?|onbetaalde|posten"
    r"|facturen|rekening)\b",
    # "your overview", "uw overzicht": a statement in the writer's words
    r"\b(?:your|uw|jullie|ihre|votre|su)\s+(?:account\s+)?(?:overview|overzicht|übersicht"
    r"|r[ée]capitulatif|resumen)\b",
    r"\b(?:gesamtsicht|gesamtübersicht|overall\s+(?:view|picture)|full\s+picture|vue\s+d['’]ensemble"
    r"|visi[óo]n\s+(?:general|global|de\s+conjunto)|vue\s+globale|gesamtbild|totaaloverzicht"
    r"|totaalbeeld)\b",
)
#: What is owed: the balance, the open amount.
OWED = _words(
    r"\b(?:owe[sd]?|owing|outstanding|balance|(?:still|left)\s+(?:open|due|unpaid|to\s+pay)"
    r"|open\s+(?:amount|balance|total)|amounts?\s+due|total\s+(?:due|open|payable)"
    r"|what(?:'s|’s|\s+is)\s+(?:still\s+)?(?:open|left|due))\b",
    r"\b(?:offen\w*|schulden|saldo|kontostand|restbetrag|restschuld|ausstehend\w*|rückstand"
    r"|noch\s+zu\s+zahlen)\b",
    r"\b(?:solde|devons|dois|reste\s+(?:d[ûu]|[àa]\s+payer)|restant\s+d[ûu]|encours"
    r"|montant\s+(?:ouvert|d[ûu]|impay[ée]))\b",
    r"\b(?:saldo|debemos|adeudamos|debo|pendiente|queda\s+por\s+pagar|deuda)\b",
    r"\b(?:openstaa?nd\w*|open\s+staat|saldo|verschuldigd|schuldig|nog\s+te\s+betalen"
    r"|achterstand)\b",
    # how the account stands, in each language
    r"\bwhere\s+(?:our|the|my)\s+account\s+(?:stands|is\s+at)\b|\bo[ùu]\s+en\s+(?:est|sont)\s+"
    r"(?:notre|mon|nos)\s+comptes?\b|\bwie\s+(?:unser|mein)\s+konto\s+(?:\S+\s+)?(?:steht"
    r"|aussieht)\b|\b(?:hoe|wat)\s+(?:onze|mijn)\s+rekening\s+(?:er\s*voor\s+)?staat\b"
    r"|\bc[óo]mo\s+(?:est[áa]|va)\s+(?:nuestra|mi)\s+cuenta\b|\bsituaci[óo]n\s+de\s+(?:nuestra"
    r"|mi|la)\s+cuenta\b",
    r"\b(?:remaining\s+(?:amount|balance|sum)|left\s+to\s+pay|reste\s+(?:\S+\s+)?ouvert)\b",
)
#: The document is missing, lost or cannot be used.
LACK = _words(
    r"\bnever\s+(?:\S+\s+)?(?:arrived|came|reached|made\s+it|got\s+to|turned\s+up|showed\s+up"
    r"|received|got|saw)\b|\b(?:has|have|had)(?:n't|\s+not)\s+(?:yet\s+)?(?:arrived|come"
    r"|reached|turned\s+up)\b|\bnot\s+(?:yet\s+)?(?:arrived|received|reached\s+us|come\s+through"
    r"|in\s+our\s+(?:system|records|files|books|inbox|archive))\b|\bno\s+(?:trace|record|sign)"
    r"\s+of\b|\b(?:went|gone|got|go)\s+(?:missing|astray|lost|adrift)\b|\b(?:missing|lost"
    r"|misplaced|mislaid|absent|lack(?:s|ing)?|illegible|unreadable|corrupt(?:ed)?|blank|incomplete|garbled)"
    r"\b|\b(?:can(?:'t|’t|not|\s+not)|could(?:n't|’t|\s+not)|unable\s+to|fail(?:s|ed)?\s+to)"
    r"\s+(?:seem\s+to\s+)?(?:find|locate|open|read|trace|download|print)\b|\b(?:won't|won’t"
    r"|doesn't|doesn’t|does\s+not|will\s+not)\s+open\b|\bnowhere\s+to\s+be\s+found\b|\bonly\s+(?:have|got|received|see)\s+(?:the\s+)?(?:first"
    r"|one|half|part|page)\b",
    r"\b(?:fehl(?:t|en|end\w*)|vermiss\w*|verloren|verlegt|untergegangen|abhanden|unvollständig"
    r"|unleserlich|unlesbar|beschädigt)\b|\b(?:nie|nicht)\s+(?:\S+\s+)?(?:angekommen|erhalten"
    r"|eingegangen|zugegangen|bekommen|auffindbar|lesbar|öffnen|vorhanden)\b|\bliegt\s+(?:uns"
    r"|mir)\s+(?:\S+\s+)?nicht\s+vor\b|\bkeine\s+spur\b|\bnirgends\b"
    r"|\bnur\s+(?:\S+\s+){0,2}?(?:die\s+erste\s+seite|eine\s+seite|teilweise)\b",
    r"\b(?:manque\w*|introuvables?|[ée]gar[ée]e?s?|perdue?s?|illisibles?|incompl[èe]te?s?"
    r"|endommag[ée]e?s?|corrompue?s?)\b|\b(?:jamais|pas)\s+(?:\S+\s+)?(?:re[çc]ue?s?|parvenue?s?"
    r"|arriv[ée]e?s?)\b|\bne\s+(?:\S+\s+){0,2}?(?:trouv|retrouv|ouvr)\w*\s+pas\b"
    r"|\b(?:aucune|pas\s+de)\s+trace\b|\bne\s+s'ouvre\s+pas\b"
    r"|\bque\s+la\s+premi[èe]re\s+page\b",
    r"\b(?:falta|faltan|traspapelad[oa]s?|perdid[oa]s?|extraviad[oa]s?|ilegibles?"
    r"|incomplet[oa]s?|dañad[oa]s?|corrupt[oa]s?)\b|\bno\s+(?:\S+\s+){0,2}?(?:ha|han)\s+llegado"
    r"\b|\bno\s+(?:nos\s+)?(?:lleg[óo]|llegaron)\b|\bnunca\s+(?:\S+\s+)?(?:lleg[óo]|llegaron"
    r"|recibimos)\b|\bno\s+(?:la\s+|las\s+|lo\s+)?(?:encontramos|encuentro|localizamos|localizo"
    r"|podemos\s+abrir|se\s+abre|abre)\b|\bno\s+tenemos\s+constancia\b|\bni\s+rastro\b"
    r"|\bs[óo]lo\s+(?:\S+\s+){0,2}?la\s+primera\s+p[áa]gina\b",
    r"\b(?:ontbre\w+|missen|kwijt(?:geraakt)?|zoekgeraakt|onleesbaar|onvolledig|beschadigd)\b"
    r"|\b(?:nooit|niet)\s+(?:\S+\s+)?(?:ontvangen|aangekomen|binnengekomen|gekregen"
    r"|terugvinden|vinden|openen|leesbaar)\b|\bgaat\s+(?:\S+\s+)?niet\s+open\b|\bgeen\s+spoor\b"
    r"|\balleen\s+(?:de\s+)?eerste\s+pagina\b",
    r"\bn['’]arriv\w*\s+pas\s+[àa]\s+(?:ouvrir|lire|trouver|retrouver|t[ée]l[ée]charger)\b"
    r"|\bgaat\s+(?:\S+\s+){0,3}?niet\s+open\b",
    # the writer cannot do without it; lost in other words
    r"\b(?:without\s+(?:your|the|a)|ohne\s+(?:ihre?n?|den|die|das|einen?)|sans\s+(?:votre|vos|le|la|les|un)"
    r"|sin\s+(?:su|sus|el|la|los|las|un)|zonder\s+(?:uw|het|de|een))\b",
    r"\b(?:perdi(?:eron|ó|o)|extravi\w*|se\s+(?:ha|han)\s+perdido|(?:got|went)\s+lost)\b",
    # nothing of it on file, nowhere
    r"\b(?:(?:nothing|no\s+record)\s+on\s+file|not\s+on\s+file|nergens|en\s+ning[úu]n\s+(?:sitio|lado)"
    r"|en\s+ninguna\s+parte|no\s+(?:lo|la|los|las)\s+tenemos|(?:nooit|niet)\s+(?:\S+\s+){0,4}?"
    r"terechtgekomen)\b",
)
#: The writer needs it, wants it, is waiting for it, or cannot go on without it.
NEED = _words(
    r"\b(?:need(?:s|ed)?|require[sd]?|would\s+(?:really\s+)?help|(?:would|'d|’d)\s+be\s+(?:\S+"
    r"\s+)?(?:great|helpful|useful|handy|good|nice|ideal|perfect)|helpful|appreciated?"
    r"|want(?:s|ed)?\s+to\s+(?:see|have|receive|get|check)|keen\s+to|looking\s+for"
    r"|(?:still\s+)?waiting\s+(?:for|on)|asking\s+(?:for|about|us\s+for)|ask(?:ed)?\s+(?:for"
    r"|us\s+for)|chas(?:e|ing)|blocked|held\s+up|in\s+order\s+to|so\s+(?:that\s+)?(?:we|i)"
    r"\s+can)\b",
    r"\b(?:benötig\w*|bräucht\w*|brauch\w*|hilfreich|dankbar|froh|erbitten|anforder\w*"
    r"|warten\s+(?:\S+\s+)?auf|damit\s+(?:wir|ich)|(?:um|für)\s+(?:\S+\s+){0,3}?(?:zu\s+)?"
    r"(?:buchen|verbuchen|prüfen|freigeben|abschließen|abzuschließen|zahlen|begleichen"
    r"|buchung|prüfung|freigabe|abstimmung))\b|\bwäre(?:n)?\s+(?:\S+\s+)?(?:nett|gut|schön"
    r"|prima|super|toll)\b",
    r"\b(?:besoin|faudrait|faut|utile|bienvenue?|appr[ée]ci[ée]e?|souhait\w*|aimerions"
    r"|aimerais|voudrions|voudrais|attend(?:ons|s)|r[ée]clam\w*|afin\s+de|pour\s+(?:pouvoir\s+)?"
    r"(?:comptabiliser|cl[ôo]turer|payer|r[ée]gler|valider|enregistrer|rapprocher|boucler))\b",
    r"\b(?:necesit\w*|hace(?:n)?\s+falta|har[íi]a(?:n)?\s+falta|vendr[íi]a(?:n)?\s+bien|[úu]til"
    r"|agradecer\w*|quisi[ée]ramos|quisiera|gustar[íi]a|esperamos|esperando|para\s+(?:poder\s+)?"
    r"(?:contabilizar|cerrar|pagar|registrar|conciliar|aprobar))\b",
    r"\b(?:nodig|fijn|handig|prettig|welkom|nuttig|graag|wachten\s+(?:\S+\s+)?op|om\s+(?:\S+\s+)"
    r"{0,3}?te\s+(?:boeken|betalen|verwerken|afronden|afsluiten|controleren))\b",
    # a document that lets the writer finish a task, a favour asked
    r"\b(?:would\s+do\s+us\s+a\s+favou?r|(?:we|i)\s+(?:can|could|will\s+be\s+able\s+to)\s+"
    r"(?:\S+\s+){0,3}?(?:book|post|close|process|finish|complete|approve|reconcile))\b",
    r"\b(?:(?:würden|wären)\s+(?:wir|ich)\s+(?:uns\s+)?(?:\S+\s+)?(?:freuen|dankbar)|freuen\s+"
    r"(?:uns|mich)\s+über|(?:können|könnten)\s+(?:wir|ich)\s+(?:\S+\s+){0,3}?(?:buchen"
    r"|verbuchen|abschließen|freigeben|abstimmen))\b",
    r"\b(?:rendrai(?:t|ent)\s+service|pourr(?:ons|ions|ai)\s+(?:\S+\s+){0,2}?(?:comptabiliser"
    r"|cl[ôo]turer|valider|enregistrer))\b",
    r"\b(?:podr[íi]amos|podremos)\s+(?:\S+\s+){0,2}?(?:contabilizar|cerrar|registrar|conciliar)\b",
    r"\bkunnen\s+(?:wij\s+|we\s+)?(?:\S+\s+){0,4}?(?:afronden|boeken|verwerken|afsluiten"
    r"|afstemmen)\b",
    # waiting on it: "n'attend plus qu'un chiffre", "wartet nur noch auf", "solo espera"
    r"\b(?:attend\s+plus\s+qu|wartet\s+(?:\S+\s+){0,3}?auf|espera\s+(?:\S+\s+){0,2}?(?:un|una|su)"
    r"|wacht\s+(?:\S+\s+){0,3}?op)\b",
)
#: The writer wants to know something, or is not sure of it.
KNOW = _words(
    r"\b(?:(?:like|love|want(?:ed)?|need|trying|try|hoping)\s+to\s+(?:know|understand|find\s+out"
    r"|figure\s+out|work\s+out|confirm|establish)|wonder(?:ing)?|curious|unsure"
    r"|unclear|not\s+(?:sure|clear|certain)|(?:get|have)\s+(?:some\s+)?clarity|where\s+(?:we"
    r"|things)\s+stand|idea\s+(?:of|what|how))\b",
    r"\b(?:wissen|wüsste\w*|erfahren|frage\s+mich|fragen\s+uns|interessiert|interessieren|unklar"
    r"|nicht\s+sicher|klarheit|wo\s+wir\s+stehen)\b",
    r"\b(?:savoir|conna[îi]tre|comprendre|v[ée]rifier|(?:me|nous)\s+demand(?:e|ons)|pas\s+(?:s[ûu]r"
    r"|certain|clair)|o[ùu]\s+en\s+(?:est|sont|sommes)|faire\s+le\s+point)\b",
    r"\b(?:saber|conocer|confirmar|comprobar|verificar|no\s+(?:tengo|tenemos|est[áa])\s+claro"
    r"|no\s+(?:estoy|estamos)\s+segur[oa]s?|(?:me|nos)\s+pregunt(?:o|amos))\b",
    r"\b(?:benieuwd|vraag\s+(?:me|ik\s+me|ons)\s+af|weten|vernemen|niet\s+(?:zeker|duidelijk)"
    r"|onduidelijk|hoe\s+(?:\S+\s+){0,3}?(?:ervoor\s+)?staat)\b",
    r"\b(?:interested|keen|glad|curious)\s+to\s+(?:know|hear|learn|find\s+out)\b"
    r"|\bto\s+(?:know|find\s+out|understand)\b",
    r"\b(?:sepa|sepamos|sais|savons)\b",
)
#: Why a statement is wanted: audits, closing the books, reconciling suppliers.
AUDIT = _words(
    r"\b(?:audit\w*|year[- ]end|month[- ]end|quarter[- ]end|closing|close\s+(?:the\s+)?books"
    r"|reconcil\w*|vat\s+return)\b",
    r"\b(?:prüf\w*|wirtschaftsprüf\w*|jahresabschluss\w*|monatsabschluss\w*|abschluss"
    r"|abgleich\w*|abstimm\w*|abgleichen)\b",
    r"\b(?:audit\w*|commissaires?\s+aux\s+comptes|cl[ôo]ture|rapproch\w*|lettrage|bilan)\b",
    r"\b(?:auditor\w*|cierre|concilia\w*)\b",
    r"\b(?:accountant|jaarafsluiting|maandafsluiting|afsluiting|afstemm\w*|controle|aansluit\w*"
    r"|accountantscontrole)\b",
)
#: The payment is planned: in a run, released, booked for a day.
PAYMENT_PLANNED = _words(
    r"\b(?:payment\s+(?:run|cycle|batch|proposal)|pay\s+run|check\s+run|released?\s+(?:\S+\s+)"
    r"{0,3}?(?:for|to)\s+payment|approved\s+for\s+payment|(?:will|'ll|’ll|shall)\s+(?:\S+\s+)?(?:go"
    r"\s+out|leave|be\s+(?:paid|wired|transferred|sent|settled|released|processed))|goes\s+out"
    r"|going\s+out|queued|earmarked|lined\s+up)\b",
    r"\b(?:zahl(?:ungs)?lauf\w*|zahlungsvorschlag\w*|eingeplant|vorgemerkt|freigegeben"
    r"|(?:wird|werden)\s+(?:\S+\s+){0,6}?(?:überwiesen|bezahlt|beglichen|angewiesen|ausgeführt"
    r"|gezahlt))\b",
    r"\b(?:campagne\s+de\s+(?:paiement|r[èe]glement)|mise?\s+en\s+paiement|valid[ée]e?s?"
    r"|partira|partiront|sera\s+(?:\S+\s+)?(?:vir[ée]e?|pay[ée]e?|r[ée]gl[ée]e?)|seront\s+"
    r"(?:\S+\s+)?(?:vir[ée]e?s|pay[ée]e?s|r[ée]gl[ée]e?s))\b",
    r"\b(?:remesa\s+de\s+pagos|programad[oa]s?|saldr[áa]n?|se\s+pagar[áa]n?|ser[áa]n?\s+(?:\S+\s+)?"
    r"(?:pagad[oa]s?|transferid[oa]s?|abonad[oa]s?)|orden\s+de\s+pago)\b",
    r"\b(?:betaal(?:run|ronde|batch)\w*|meegenomen|ingepland|vrijgegeven|(?:wordt|worden)\s+"
    r"(?:\S+\s+){0,6}?(?:betaald|overgemaakt|voldaan|overgeboekt))\b",
    # the payee's side: "you will receive the amount", "geht raus"
    r"\byou(?:'ll|’ll|\s+will|\s+should)\s+(?:\S+\s+)?(?:receive|get|see|have)\s+(?:the\s+|our\s+)?"
    r"(?:payment|money|funds|amount|transfer|remittance)\b",
    r"\b(?:(?:erhalten|bekommen)\s+sie\s+(?:\S+\s+){0,6}?(?:betrag|zahlung|geld|überweisung)"
    r"|(?:betrag|zahlung|geld|überweisung)\s+(?:\S+\s+){0,6}?(?:erhalten|bekommen)\s+sie"
    r"|(?:geht|gehen)\s+(?:\S+\s+){0,5}?(?:raus|hinaus))\b",
    r"\bvous\s+recevrez\s+(?:\S+\s+){0,2}?(?:paiement|virement|montant|r[èe]glement)\b",
    r"\brecibir[áa]n?\s+(?:\S+\s+){0,2}?(?:pago|transferencia|importe|dinero)\b",
    r"\b(?:klaar\s+voor\s+betaling|(?:u\s+ontvangt|ontvangt\s+u)\s+(?:\S+\s+){0,2}?(?:bedrag"
    r"|betaling|geld))\b",
    r"\b(?:sale(?:n)?\s+el|se\s+paga(?:r[áa])?n?|(?:est[áa]|queda)\s+liberad[oa]s?)\b",
)
#: A problem with what an invoice charges, said as a fact.
INVOICE_PROBLEM = _words(
    r"\b(?:only|just)\s+\d+\s+(?:of|out\s+of|from)\s+(?:the\s+)?\d+\b|\b(?:agreed|promised"
    r"|quoted|contract(?:ed|ual)?|negotiated)\s+(?:\S+\s+){0,3}?(?:discount|price|rate|terms"
    r"|rebate)\b|\b(?:already\s+(?:billed|invoiced|charged)|billed\s+twice|charged\s+twice"
    r"|double[- ]?(?:billed|charged|billing)|overcharg\w*|sent\s+back|returned|never\s+ordered"
    r"|(?:bills?|billed|charges?|charged|invoices?|invoiced)\s+(?:for\s+)?(?:the\s+)?same\s+"
    r"(?:delivery|goods|order|shipment|items?|service|work|consignment)"
    r"|(?:did\s+not|didn't|didn’t)\s+order|not\s+ordered|arrived\s+(?:\S+\s+)?(?:broken"
    r"|damaged|defective))\b|\bcharg\w*\s+(?:\S+\s+){0,4}?(?:although|though|even\s+though"
    r"|despite)\b",
    r"\bnur\s+\d+\s+(?:von|der)\s+\d+\b|\b(?:vereinbart|zugesagt|vertraglich|abgesprochen)\w*"
    r"\s+(?:\S+\s+){0,3}?(?:rabatt|skonto|nachlass|preis|konditionen)\b|\b(?:bereits|schon)"
    r"\s+(?:\S+\s+){0,3}?(?:berechnet|fakturiert|in\s+rechnung\s+gestellt)\b|\b(?:doppelt"
    r"|zweimal)\s+(?:\S+\s+)?(?:berechnet|fakturiert)\b|\b(?:zurückgesandt|zurückgeschickt"
    r"|retourniert|nicht\s+bestellt|dieselbe\s+lieferung|dieselben\s+waren)\b|\bberechnet\w*\s+(?:\S+\s+){0,4}?obwohl\b",
    r"\bseulement\s+\d+\s+sur\s+\d+\b|\b(?:remise|rabais|prix|ristourne)\s+(?:\S+\s+){0,3}?"
    r"(?:convenu|n[ée]goci[ée]|accord[ée])e?s?\b|\bd[ée]j[àa]\s+(?:\S+\s+)?factur[ée]e?s?\b"
    r"|\b(?:factur[ée]e?s?\s+)?(?:deux\s+fois|en\s+double)\b|\b(?:retourn[ée]e?s?|pas\s+command[ée]e?s?)"
    r"\b|\bfactur\w*\s+(?:\S+\s+){0,4}?(?:alors\s+que|bien\s+que|malgr[ée])\b"
    r"|\bla\s+m[êe]me\s+(?:livraison|commande|marchandise|prestation)\b",
    r"\b(?:solo|sólo)\s+(?:\S+\s+)?\d+\s+de\s+(?:los\s+|las\s+)?\d+\b|\b(?:descuento|precio)\s+(?:\S+\s+)"
    r"{0,3}?(?:acordad|pactad|negociad)[oa]\b|\bya\s+(?:\S+\s+)?facturad[oa]s?\b|\b(?:dos\s+veces"
    r"|(?:cobrad|facturad)[oa]s?\s+(?:por\s+)?duplicado|devuelt[oa]s?|no\s+pedid[oa]s?|en\s+mal\s+estado)\b|\bcobr\w*\s+(?:\S+\s+)"
    r"{0,4}?(?:aunque|pese\s+a|a\s+pesar)\b|\bla\s+misma\s+(?:entrega|mercanc[íi]a|pedido)\b"
    r"|\bel\s+mismo\s+(?:pedido|env[íi]o|servicio)\b",
    r"\b(?:slechts|maar)\s+\d+\s+van\s+(?:de\s+)?\d+\b|\b(?:afgesproken|overeengekomen"
    r"|toegezegde?)\s+(?:\S+\s+){0,3}?(?:korting|prijs|tarief)\b|\b(?:al|reeds)\s+(?:\S+\s+)?"
    r"(?:gefactureerd|berekend)\b|\b(?:dubbel|twee\s+keer)\s+(?:\S+\s+)?(?:gefactureerd|berekend)"
    r"\b|\b(?:teruggestuurd|geretourneerd|retour\s+gegaan|niet\s+besteld)\b|\b(?:berekend"
    r"|gefactureerd|gerekend)\s+(?:\S+\s+){0,4}?(?:terwijl|hoewel|ondanks)\b"
    r"|\bdezelfde\s+(?:levering|zending|bestelling|goederen)\b",
    # the noun first ("the discount we agreed"), the quantity the other way round
    r"\b(?:discount|price|rate|rebate)\s+(?:\S+\s+){0,3}?(?:agreed|negotiated|promised|quoted)\b"
    r"|\bof\s+(?:the\s+)?\d+\s+(?:\S+\s+){0,6}?(?:only|just)\s+\d+\b",
    r"\b(?:rabatt|skonto|nachlass|preis)\s+(?:\S+\s+){0,3}?(?:vereinbart|zugesagt|abgesprochen)\w*"
    r"|\bvon\s+(?:den\s+)?\d+\s+(?:\S+\s+){0,6}?(?:nur|lediglich)\s+\d+\b",
    r"\bsur\s+les\s+\d+\s+(?:\S+\s+){0,6}?seulement\s+\d+\b",
    r"\bde\s+(?:los|las)\s+\d+\s+(?:\S+\s+){0,6}?(?:solo|sólo|solamente)\s+\d+\b",
    r"\bvan\s+de\s+\d+\s+(?:\S+\s+){0,6}?(?:slechts|maar|pas)\s+\d+\b",
    # ordered one quantity, billed another; said not to be right; sent back; nothing to pay
    r"\b(?:ordered|pedimos|pedido|bestellt(?:en)?|command[ée]e?s?|besteld)\s+(?:\S+\s+){0,3}?\d+"
    r"\b[^.?!\n]{0,60}\b(?:bill(?:s|ed)?|charge[sd]?|invoiced|cobra\w*|factura\w*|berechnet|fakturiert"
    r"|factur[ée]\w*|gefactureerd|berekend)\b",
    r"\b\d+\s+(?:of\s+the|des|de\s+(?:las|los)|van\s+de|von\s+den)\s+\d+\s+(?:\S+\s+){0,2}?"
    r"(?:billed|invoiced|charged|factur\w*|berechnet\w*|gefactureerd|cobrad\w*)\b",
    r"\b(?:is\s+(?:not\s+correct|incorrect|wrong)|isn['’]t\s+(?:correct|right)|stimmt\s+nicht"
    r"|ist\s+(?:nicht\s+korrekt|falsch|fehlerhaft)|n['’]est\s+pas\s+(?:correcte?|juste)"
    r"|est\s+erron[ée]e|no\s+(?:es|est[áa])\s+correct[ao]|es\s+incorrect[ao]|est[áa]\s+mal"
    r"|klopt\s+niet|is\s+(?:niet\s+juist|onjuist|fout))\b",
    r"\b(?:teruggegaan|zur[üu]ckgegangen|went\s+back|sent\s+back|repartie?s?|devuelt[oa]s?"
    r"|nothing\s+to\s+pay|nichts\s+zu\s+(?:be)?zahlen|rien\s+[àa]\s+payer|nada\s+que\s+pagar"
    r"|niets\s+te\s+betalen)\b",
    # an old price list; two invoices for one delivery note
    r"\b(?:old\s+price\s*list|alten?\s+preisliste|ancien\s+tarif|tarifa\s+antigua|oude\s+prijslijst"
    r"|(?:same|one)\s+delivery\s+note|(?:selben|gleichen)\s+lieferschein|m[êe]me\s+bon\s+de"
    r"\s+livraison|mismo\s+albar[áa]n|dezelfde\s+pakbon)\b",
    r"\b(?:slechts|maar)\s+voor\s+\d+\s+van\s+(?:de\s+)?\d+\b",
)
#: A figure wanted: what is owed, asked for as a number ("the one figure we need", "eine
#: Zahl", "un dato").
FIGURE = _words(
    r"\b(?:figure|number|total|sum|amount|zahl|summe|betrag|insgesamt|chiffre|montant|somme"
    r"|cifra|dato|importe|cantidad|bedrag|totaal|getal)\b",
)

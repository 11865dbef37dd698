"""Cue families of a dispute, in English, German, French, Spanish and Dutch: what customers
write when an invoice is not what they owe. Pure data for :mod:`parsers.intent`.

The families (issue 17): quantity (billed for more than arrived), price (wrong price,
overcharged, discount not given), damaged or defective goods, not ordered or not received,
billed twice, purchase order missing or wrong, a correction asked for (correct, amend,
reissue, credit note), payment held back until it is sorted, and the plain words of a
dispute ("we dispute", "is wrong", "klopt niet"). A sentence may carry several; each
family that agrees makes the dispute surer.
"""

from __future__ import annotations

from core.types import MailKind
from parsers.intent_cues import INV, WEAK, Cue, cue

_D = MailKind.DISPUTE
_UNITS = (
    r"(?:cartons?|boxes|box|cases?|pallets?|pieces?|pcs|units?|items?|bags?|rolls?|kg|drums?"
    r"|crates?|packs?|parcels?|packages?|bottles?|sets?|pairs?|of\s+them|were|was)"
)
_PO = r"(?:po|p\.o\.|purchase\s+order|order)(?:\s*(?:number|no\.?|nr\.?|#|ref\w*))?"
_LATER = r"[^.?!\n]{0,60}?"

DISPUTE_CUES: tuple[Cue, ...] = (
    # --- quantity / short shipment --------------------------------------------------------
    cue(_D, "en-quantity",
        rf"\b(?:charged|billed|invoiced)\s+(?:us\s+|me\s+)?for\s+\d+{_LATER}\b(?:but|while"
        rf"|whereas|yet|however|only)\b{_LATER}\d+",
        r"\b(?:only\s+)?partial(?:ly)?\s+(?:delivered|shipped|received|delivery|shipment)"
        rf"|\b\d+\s+(?:of|out\s+of)\s+(?:the\s+)?\d+\s+{_UNITS}",
        rf"\bonly\s+(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|half)\s+(?:{_UNITS}"
        r"\s+)?(?:\w+\s+)?(?:arrived|were\s+(?:delivered|received|shipped)|was\s+(?:delivered"
        r"|received)|came|got\s+here|received|delivered|shipped)",
        r"\b(?:received|got)\s+(?:only\s+)?\d+\s+(?:\w+\s+)?(?:instead\s+of|not|rather\s+than"
        r"|out\s+of|of\s+the)\s+\d+", r"\bshort[- ](?:shipped|shipment|delivery|delivered)",
        r"\b(?:wrong|incorrect)\s+quantit(?:y|ies)|\bquantit(?:y|ies)\s+(?:\S+\s+){0,3}?"
        r"(?:is|are|was|were|seems)\s+(?:wrong|incorrect|off|too\s+high)",
        rf"\b(?:\d+|some|several)\s+(?:{_UNITS}\s+)?(?:are|were|is|was)\s+missing\b"
        rf"|\bmissing\s+(?:\d+\s+)?{_UNITS}", r"\bfewer\s+\w+\s+than\s+(?:invoiced|billed|ordered"
        r"|charged)", r"\bquantit(?:y|ies)\s+(?:do|does|did)\s*(?:n't|\s+not)\s+match"),
    cue(_D, "de-quantity",
        r"\b(?:nur|lediglich|bloß)\s+\d+\s+(?:\S+\s+){0,3}?(?:geliefert|erhalten|angekommen"
        r"|angeliefert|eingetroffen)|\bmengendifferenz|\bfehlmenge|\bminderlieferung"
        r"|\bunvollständige\s+lieferung|\b(?:falsche|abweichende)\s+menge|\bmenge\s+"
        r"(?:\S+\s+){0,2}?(?:stimmt\s+nicht|ist\s+falsch)|\bes\s+fehl(?:en|t)\s+\d+"
        r"|\bfehlende\s+(?:ware|artikel|teile|positionen|kartons|pakete|menge)"),
    cue(_D, "fr-quantity",
        r"\bquantit[ée]s?\s+(?:factur[ée]es?\s+)?(?:incorrecte|erron[ée]e|fausse|diff[ée]rente)"
        r"|\b(?:re[çc]u|livr[ée])\s+(?:seulement|uniquement)\s+\d+|\b\d+\s+(?:\S+\s+)?sur\s+"
        r"(?:les\s+)?\d+\s+(?:\S+\s+)?(?:factur|command)|\b(?:seulement|uniquement|que)\s+\d+\s+(?:\S+\s+){0,3}?(?:livr[ée]s?|re[çc]us?"
        r"|arriv[ée]s?)|\bil\s+manque\s+\d+|\bmanque\s+\d+|\b(?:colis|articles?|cartons?)\s+"
        r"manquants?|\blivraison\s+(?:incompl[èe]te|partielle)|\b[ée]cart\s+de\s+quantit[ée]"),
    cue(_D, "es-quantity",
        r"\bcantidad(?:es)?\s+(?:facturadas?\s+)?(?:incorrectas?|err[óo]neas?|equivocadas?)"
        r"|\b(?:solo|s[óo]lo|solamente)\s+(?:llegaron|recibimos|nos\s+llegaron|entregaron)\s+\d+"
        r"|\bfalta(?:n|ban)\s+\d+|\bfalta(?:n|ban)\s+(?:productos|art[íi]culos|unidades|cajas"
        r"|piezas)|\bentrega\s+(?:incompleta|parcial)|\bmercanc[íi]a\s+faltante"),
    cue(_D, "nl-quantity",
        r"\b(?:slechts|maar|alleen|enkel)\s+\d+\s+(?:\S+\s+){0,3}?(?:geleverd|ontvangen"
        r"|aangekomen|bezorgd)|\baantal(?:len)?\s+(?:\S+\s+){0,2}?(?:klopt|kloppen)\s+niet"
        r"|\b(?:onjuist|verkeerd)e?\s+aantal|\ber\s+ontbr(?:eken|eekt)\s+\d+|\bontbrekende\s+"
        r"(?:goederen|artikelen|dozen|producten|pallets)|\bte\s+weinig\s+geleverd"
        r"|\bonvolledige\s+levering|\bminder\s+geleverd"),
    # --- price ----------------------------------------------------------------------------
    cue(_D, "en-price",
        r"\b(?:wrong|incorrect|inaccurate)\s+(?:unit\s+)?(?:amounts?|prices?|pricing|rates?|totals?"
        r"|charges?|tax|vat|discounts?|fees?)\b", r"\b(?:we\s+(?:were|have\s+been|got)|i\s+was"
        r"|you(?:\s+have)?)\s+over-?(?:charged|billed|invoiced)|\bover-?(?:charged|billed"
        r"|invoiced)\s+(?:us|me|on|for|by)\b|\bovercharg(?:e|ed|ing)\b",
        r"\b(?:price|pricing|rate|unit\s+price|amount|total)\s+(?:\S+\s+){0,3}?(?:is|was|are"
        r"|were|seems|appears)\s+(?:\w+\s+)?(?:wrong|incorrect|too\s+high|higher\s+than"
        r"|different\s+from|not\s+(?:the\s+)?(?:agreed|quoted|correct|right))",
        r"\b(?:charged|billed|invoiced)\s+(?:us\s+)?(?:too\s+much|more\s+than|at\s+the\s+wrong"
        r"|the\s+wrong|a\s+higher)", r"\b(?:agreed|quoted|contract(?:ed)?|list)\s+price\s+"
        r"(?:is|was|of)\b", r"\bnot\s+the\s+(?:agreed|quoted)\s+(?:price|rate)",
        r"\bprice\s+(?:difference|discrepancy|increase\s+(?:we|that)\s+(?:did|never))",
        r"\bdiscount\s+(?:\S+\s+){0,2}?(?:not|never|wasn't|was\s+not)\s+(?:applied|deducted"
        r"|given|shown)|\bwithout\s+(?:the\s+|our\s+)?(?:agreed\s+)?discount",
        r"\b(?:price|rate|amount|total|charge)\b[^.?!\n]{0,40}?\bshould\s+(?:be|have\s+been|read)\b"
        r"|\b(?:price|pricing|rate)\s+error|\b(?:old|previous|outdated|last\s+year's)\s+(?:price|rate)s?"
        r"|\bas\s+per\s+(?:our|the)\s+(?:contract|agreement|quot\w+|price\s+list|agreed)"
        r"|\b(?:does\s+not|doesn't|do\s+not|don't)\s+(?:reflect|include|show|apply)\s+(?:the|our)"
        r"\s+(?:\S+\s+){0,2}?(?:discount|price|rate|agreed|contract)"),
    cue(_D, "de-price",
        r"\bfalsche[nr]?\s+(?:preis|betrag|rabatt|steuersatz)|\bpreis\w*\s+(?:\S+\s+){0,3}?"
        r"(?:ist|sind|war|stimmt|stimmen)\s+(?:leider\s+)?(?:falsch|nicht|zu\s+hoch|höher)"
        r"|\b(?:zu\s+(?:hoch|viel)|falsch|überhöht)\s+(?:berechnet|fakturiert|abgerechnet"
        r"|in\s+rechnung\s+gestellt)|\bpreisdifferenz|\bvereinbarten?\s+preis"
        r"|\b(?:rabatt|skonto|nachlass)\s+(?:\S+\s+){0,3}?nicht\s+(?:berücksichtigt|abgezogen"
        r"|gewährt)|\büberhöht\w*|\b(?:preis|betrag|menge|rechnung)\w*\s+(?:\S+\s+){0,3}?"
        r"(?:entspricht|entsprechen)\s+nicht"),
    cue(_D, "fr-price",
        r"\bprix\s+(?:unitaire\s+)?(?:incorrect|erron[ée]|faux|n'est\s+pas\s+le\s+bon"
        r"|ne\s+correspond\s+pas|trop\s+[ée]lev[ée])|\bsurfactur\w*|\btrop\s+factur[ée]"
        r"|\bfactur[ée]e?s?\s+trop\s+cher|\bprix\s+convenu|\btarif\s+(?:incorrect|erron[ée])"
        r"|\bremise\s+(?:\S+\s+){0,3}?(?:non\s+appliqu[ée]e|oubli[ée]e|pas\s+(?:[ée]t[ée]\s+)?"
        r"appliqu[ée]e|manquante)|\berreur\s+(?:de|sur\s+le)\s+(?:prix|tarif|montant|remise)|\b[ée]cart\s+de\s+prix|\bmontant\s+(?:incorrect|erron[ée])"),
    cue(_D, "es-price",
        r"\bprecio\s+(?:unitario\s+)?(?:incorrecto|equivocado|err[óo]neo|no\s+es\s+el\s+acordado"
        r"|no\s+corresponde|m[áa]s\s+alto)|\bcobrad[oa]s?\s+(?:de\s+m[áa]s|en\s+exceso"
        r"|demasiado)|\bsobrecargo|\bcobro\s+(?:excesivo|indebido)|\bprecio\s+acordado"
        r"|\bdescuento\s+(?:\S+\s+){0,2}?(?:no\s+(?:fue\s+|ha\s+sido\s+)?aplicado|olvidado)"
        r"|\bprecio\b[^.?!\n]{0,40}?\bno\s+(?:es|corresponde|coincide)"
        r"|\bimporte\s+(?:incorrecto|err[óo]neo)|\bnos\s+(?:han\s+)?cobrad[oa]\s+de\s+m[áa]s"),
    cue(_D, "nl-price",
        r"\bprij(?:s|zen)\s+(?:\S+\s+){0,3}?(?:klopt|kloppen)\s+niet|\bprij(?:s|zen)\s+"
        r"(?:\S+\s+){0,2}?(?:is|zijn)\s+(?:\S+\s+)?(?:onjuist|verkeerd|te\s+hoog|hoger)"
        r"|\b(?:verkeerde|onjuiste|foute)\s+(?:prijs|bedrag|korting|btw)|\bte\s+veel\s+"
        r"(?:gefactureerd|berekend|in\s+rekening\s+gebracht|betaald)|\bafgesproken\s+prijs"
        r"|\bkorting\s+(?:\S+\s+){0,3}?niet\s+(?:verwerkt|toegepast|verrekend)"),
    # --- damaged / defective --------------------------------------------------------------
    cue(_D, "en-damaged",
        r"\b(?:damaged|defective|broken|faulty|spoil(?:ed|t)|expired|leaking|crushed|dented"
        r"|unusable|not\s+working|doesn't\s+work|don't\s+work|does\s+not\s+work)\b"
        r"|\barrived\s+in\s+(?:a\s+)?(?:bad|poor|terrible)\s+(?:condition|state)"
        r"|\bquality\s+(?:issue|problem|complaint)|\b(?:goods|items|products|parts)\s+(?:were"
        r"|have\s+been)\s+returned|\breturned\s+(?:the\s+|all\s+)?(?:goods|items|products)",
        weight=WEAK),
    cue(_D, "de-damaged",
        r"beschädigt\w*|\bdefekt\w*|\bmangelhaft\w*|\bkaputt\w*|\btransportschaden|\bmängel\w*"
        r"|\bunbrauchbar|\bqualitätsmangel", weight=WEAK),
    cue(_D, "fr-damaged",
        r"endommag[ée]\w*|\bab[îi]m[ée]\w*|d[ée]fectueu\w*|\bcass[ée]e?s?\b|d[ée]t[ée]rior[ée]\w*"
        r"|\bavari[ée]\w*|\bnon\s+conformes?\b|\bhors\s+d'usage", weight=WEAK),
    cue(_D, "es-damaged",
        r"\bda[ñn]ad[oa]s?\b|\bdefectuos[oa]s?\b|\brot[oa]s\b|\baveriad[oa]s?\b|\ben\s+mal\s+estado"
        r"|\bdeteriorad[oa]s?\b", weight=WEAK),
    cue(_D, "nl-damaged",
        r"\bbeschadigd\w*|\bdefect\b|\bkapot\b|\bstuk\s+(?:aangekomen|geleverd)|\bonbruikbaar"
        r"|\bgebrekkig", weight=WEAK),
    # --- not ordered / not received -------------------------------------------------------
    cue(_D, "en-not-ordered",
        r"\b(?:never|did\s+not|didn't|have\s+not|haven't)\s+(?:\w+\s+)?ordered\b|\bnot\s+ordered"
        r"\b|\bno\s+(?:order|po|purchase\s+order)\s+(?:was\s+)?(?:placed|issued|for)\b"
        r"|\bno\s+record\s+of\s+(?:ordering|placing|an?\s+order|this\s+order|receiving)"
        r"|\b(?:never|did\s+not|didn't)\s+place[d]?\s+(?:an?\s+|this\s+|the\s+|any\s+)?order"
        r"|\bnot\s+what\s+we\s+(?:ordered|agreed)|\bwe\s+(?:did\s+not|didn't)\s+(?:order|request"
        r"|authori[sz]e)", r"\b(?:never|not|haven't|hasn't)\s+(?:yet\s+|been\s+)?(?:received"
        r"|got|delivered|arrived)\b[^.?!\n]{0,20}?\b(?:goods|items|order|shipment|delivery"
        r"|parts|products|merchandise|services?|materials?)\b|\b(?:goods|items|order|shipment"
        r"|delivery|parts|products|services?)\s+(?:was|were|has|have)\s+(?:not|never)\s+"
        r"(?:yet\s+)?(?:been\s+)?(?:received|delivered|arrived|provided|performed|rendered)"
        r"|\b(?:goods|items|shipment|delivery)\s+(?:never|did\s+not|didn't)\s+(?:arrive"
        r"|arrived|come)"),
    cue(_D, "de-not-ordered",
        r"\bnicht\s+bestellt|\bnie\s+bestellt|\bkeine\s+bestellung|\b(?:ware|lieferung|leistung)"
        r"\s+(?:\S+\s+){0,4}?(?:nicht|nie)\s+(?:erhalten|angekommen|geliefert|erbracht)"
        r"|\bnicht\s+(?:erhalten|geliefert)e?n?\s+(?:ware|lieferung|leistung)"),
    cue(_D, "fr-not-ordered",
        r"\b(?:pas|jamais)\s+command[ée]|\bnon\s+command[ée]|\bmarchandises?\s+(?:\S+\s+){0,3}?"
        r"(?:pas|jamais|non)\s+(?:re[çc]ues?|livr[ée]e?s?)|(?:pas|jamais)\s+re[çc]u\s+"
        r"(?:la|les)\s+(?:marchandises?|commande|livraison)|\bpas\s+(?:[ée]t[ée]\s+)?livr[ée]"),
    cue(_D, "es-not-ordered",
        r"\bno\s+(?:lo\s+|los\s+|la\s+|las\s+)?(?:hemos\s+)?(?:pedid[oa]s?|pedimos|solicitamos"
        r"|encargamos)|\bno\s+hemos\s+(?:pedido|solicitado)|\bno\s+(?:hemos\s+)?recib(?:ido|imos)"
        r"\s+(?:la|las|los|el)\s+(?:mercanc[íi]a|pedido|productos|art[íi]culos|material"
        r"|env[íi]o|servicio)"),
    cue(_D, "nl-not-ordered",
        r"\b(?:niet|nooit)\s+besteld|\bniet\s+door\s+ons\s+besteld|\bgoederen\s+(?:\S+\s+){0,3}?"
        r"(?:niet|nooit)\s+(?:ontvangen|geleverd)|\b(?:niet|nooit)\s+(?:ontvangen|geleverd)e?"
        r"\s+(?:goederen|artikelen|levering)|\blevering\s+(?:\S+\s+){0,3}?niet\s+ontvangen"),
    # --- billed twice ---------------------------------------------------------------------
    cue(_D, "en-duplicate",
        r"\b(?:double|twice)[- ](?:billed|charged|invoiced|billing)|\b(?:billed|charged"
        r"|invoiced)\s+(?:us\s+)?(?:twice|double|two\s+times)|\bduplicate(?:d)?\s+(?:charge"
        r"|billing|invoice|invoicing|entry)|\bduplicate\s+of\s+(?:invoice|inv)"
        r"|\b(?:is|be|are)\s+(?:a\s+)?duplicates?\b"
        rf"|\balready\s+(?:been\s+)?(?:paid|invoiced|billed|charged)\s+(?:for\s+)?(?:under|on"
        rf"|with|as|in|via)\s+(?:{INV}|another)|\bsame\s+(?:order|delivery|goods|items)\s+"
        r"(?:\S+\s+){0,3}?(?:twice|again)|\binvoiced\s+again"),
    cue(_D, "de-duplicate",
        r"\b(?:doppelt|zweimal|zweifach)\s+(?:\S+\s+)?(?:berechnet|fakturiert|abgerechnet"
        r"|in\s+rechnung\s+gestellt|belastet)|\bdoppel(?:berechnung|fakturierung|te\s+rechnung)"
        r"|\bbereits\s+(?:\S+\s+){0,3}?(?:berechnet|fakturiert|bezahlt\s+mit\s+rechnung)"),
    cue(_D, "fr-duplicate",
        r"\bfactur[ée]e?s?\s+(?:deux\s+fois|en\s+double|[àa]\s+deux\s+reprises)|\bdoublon"
        r"|\bdouble\s+facturation|\bd[ée]j[àa]\s+(?:[ée]t[ée]\s+)?factur[ée]|\bfacture\s+en\s+double"),
    cue(_D, "es-duplicate",
        r"\b(?:facturad[oa]s?|cobrad[oa]s?)\s+(?:dos\s+veces|por\s+duplicado|doble)|\bfactura\s+"
        r"duplicada|\bcobro\s+duplicado|\bdoble\s+(?:facturaci[óo]n|cobro)|\bya\s+(?:fue|ha\s+sido"
        r"|estaba)\s+facturad[oa]"),
    cue(_D, "nl-duplicate",
        r"\b(?:dubbel|twee\s*keer|tweemaal)\s+(?:\S+\s+)?(?:gefactureerd|berekend|in\s+rekening"
        r"|gefactureerd|belast)|\bdubbele\s+(?:factuur|facturering|factuur)|\bal\s+"
        r"(?:eerder\s+)?gefactureerd"),
    # --- purchase order -------------------------------------------------------------------
    cue(_D, "en-po",
        rf"\b(?:missing|no|without\s+(?:a|an|the|our)?|wrong|incorrect|invalid)\s+{_PO}\b",
        rf"\b{_PO}\s+(?:\S+\s+){{0,2}}?(?:is|was)\s+(?:\w+\s+)?(?:missing|wrong|incorrect"
        r"|invalid|not\s+(?:shown|quoted|stated|referenced|included|on))",
        rf"\b(?:does\s+not|doesn't|did\s+not|didn't)\s+(?:show|quote|reference|state|include"
        rf"|have|mention)\s+(?:our|the|a|any)\s+{_PO}", rf"\b{_PO}\s+(?:\S+\s+)?must\s+be\s+"
        r"(?:quoted|shown|stated|on)", rf"\bdoes\s+not\s+match\s+(?:the|our)\s+{_PO}"),
    cue(_D, "de-po",
        r"\b(?:bestell|auftrags)nummer\s+(?:\S+\s+){0,3}?(?:fehlt|ist\s+falsch|stimmt\s+nicht)"
        r"|\bfehlt\s+(?:\S+\s+){0,2}?(?:bestell|auftrags)nummer"
        r"|\b(?:ohne|fehlende|falsche)\s+(?:bestell|auftrags)nummer|\bbestellnummer\s+"
        r"(?:\S+\s+){0,3}?angeben|\bohne\s+(?:unsere\s+)?bestellung"),
    cue(_D, "fr-po",
        r"\b(?:bon|num[ée]ro)\s+de\s+commande\s+(?:\S+\s+)?(?:manquant|absent|erron[ée]"
        r"|incorrect|faux|ne\s+figure\s+pas|n'appara[îi]t\s+pas)|\bsans\s+(?:le\s+|notre\s+)?"
        r"(?:num[ée]ro\s+de\s+)?(?:bon\s+de\s+)?commande"),
    cue(_D, "es-po",
        r"\b(?:orden\s+de\s+compra|n[úu]mero\s+de\s+pedido)\s+(?:\S+\s+)?(?:incorrect[oa]|err[óo]ne[oa]"
        r"|no\s+aparece|no\s+figura)|\bfalta\s+(?:la\s+|el\s+)?(?:orden\s+de\s+compra|n[úu]mero"
        r"\s+de\s+pedido)|\bsin\s+(?:la\s+|nuestra\s+)?(?:orden\s+de\s+compra|n[úu]mero\s+de"
        r"\s+pedido)"),
    cue(_D, "nl-po",
        r"\b(?:inkoop)?(?:order|bestel|po-?)nummer\s+(?:\S+\s+){0,3}?(?:ontbreekt|is\s+onjuist"
        r"|klopt\s+niet|is\s+verkeerd|staat\s+er\s+niet)|\b(?:zonder|geen|verkeerd|onjuist)e?\s+"
        r"(?:inkoop)?(?:order|bestel|po-?)nummer"),
    # --- correction asked for -------------------------------------------------------------
    cue(_D, "en-correct",
        rf"\b(?:correct|amend|adjust|revise|fix|re-?issue|cancel|void|withdraw|rectify)\s+"
        rf"(?:\S+\s+){{0,2}}?(?:{INV}|it|this|the\s+(?:price|amount|quantity))",
        r"\b(?:corrected|revised|amended|new|adjusted)\s+invoice"
        r"|\bissue\s+(?:us\s+)?a\s+credit|\b(?:kindly|please)\s+(?:rectify|amend|correct)\b"
        r"|\b(?:should|must|needs?\s+to)\s+be\s+(?:cancel+ed"
        r"|credited|corrected|amended|reissued|re-issued|voided|withdrawn|adjusted)",
        weight=WEAK),

    cue(_D, "de-correct",
        r"\brechnungskorrektur|\bum\s+(?:korrektur|berichtigung|stornierung)|\brechnung\w*\s+(?:\S+\s+){0,5}?(?:korrigieren"
        r"|berichtigen|stornieren)|\b(?:korrigieren|berichtigen|stornieren)\s+sie\s+(?:\S+\s+){0,2}?"
        r"rechnung|\bkorrigierte\s+rechnung|\bneue\s+rechnung\s+(?:\S+\s+)?(?:ausstellen"
        r"|erstellen)", weight=WEAK),
    cue(_D, "fr-correct",
        r"\bfacture\s+(?:rectificative|corrig[ée]e)"
        r"|\b(?:corriger|rectifier|annuler|refaire|modifier)\s+(?:\S+\s+){0,2}?factures?",
        weight=WEAK),
    cue(_D, "es-correct",
        r"\bfactura\s+(?:rectificativa|corregida)"
        r"|\b(?:corregir|rectificar|anular|modificar)\s+(?:\S+\s+){0,2}?factura", weight=WEAK),
    cue(_D, "nl-correct",
        r"\bgecorrigeerde\s+factuur|\bcrediteren"
        r"|\bfactu(?:ur|ren)\s+(?:\S+\s+){0,5}?(?:corrigeren|aanpassen|intrekken|herzien"
        r"|crediteren)|\b(?:corrigeer|pas|herzie)\s+(?:de|deze|uw)\s+factuur", weight=WEAK),
    # --- a credit note asked for (named without a request it is a thank-you or a list) ----
    cue(_D, "en-credit",
        r"\bcredit\s+(?:note|memo)s?\b", weight=WEAK, needs_request=True),
    cue(_D, "de-credit",
        r"\bgutschrift\w*", weight=WEAK, needs_request=True),
    cue(_D, "fr-credit",
        r"\b(?:un|d'un|l'|votre|notre|cet)\s*avoir\b", weight=WEAK, needs_request=True),
    cue(_D, "es-credit",
        r"\bnotas?\s+de\s+(?:cr[ée]dito|abono)", weight=WEAK, needs_request=True),
    cue(_D, "nl-credit",
        r"\bcreditnota\w*|\bcreditfactu(?:ur|ren)", weight=WEAK, needs_request=True),
    # --- payment held back until... -------------------------------------------------------
    cue(_D, "en-withhold",
        r"\b(?:holding|withholding|hold(?:ing)?\s+back|hold)\s+(?:off\s+)?(?:\S+\s+)?(?:payment"
        r"|paying)|\bpayment\s+(?:\S+\s+){0,2}?(?:on\s+hold|blocked|suspended|withheld)"
        r"|\b(?:will\s+not|won't|cannot|can't|refuse\s+to|unable\s+to|(?:are|is)\s+not\s+able\s+to"
        r"|(?:aren't|isn't)\s+able\s+to)\s+(?:be\s+)?(?:\w+\s+)?"
        r"(?:pay|paying|process|processing|approve|release)\b(?=[^.?!\n]{0,80}\b(?:until|unless|before|pending))"
        r"|\b(?:will\s+not|won't|refuse\s+to)\s+pay\b|\bon\s+hold\s+(?:until|pending)"
        r"|\b(?:will|can|shall)\s+only\s+pay\s+(?:for\s+)?(?:what|the\s+(?:goods|items|quantity))"
        r"|\b(?:awaiting|waiting\s+for|still\s+expect)\s+(?:a|the|your)\s+credit\b"),
    cue(_D, "de-withhold",
        r"\bzahlung\s+(?:\S+\s+){0,3}?(?:zurück(?:halten|gehalten|behalten)|gesperrt|ausgesetzt)"
        r"|\bhalten\s+(?:\S+\s+){0,3}?zahlung\s+(?:\S+\s+){0,2}?zurück|\bzahlen\s+(?:wir\s+)?erst"
        r"\s+(?:nach|wenn)|\b(?:werden|können)\s+(?:wir\s+)?(?:\S+\s+){0,3}?nicht\s+(?:bezahlen"
        r"|zahlen|begleichen)|\bbis\s+zur\s+klärung|\b(?:erwarten|warten\s+(?:noch\s+)?auf)\s+"
        r"(?:\S+\s+){0,3}?gutschrift"),
    cue(_D, "fr-withhold",
        r"\b(?:bloquons|suspendons|retenons|bloquer|suspendre)\s+(?:le\s+)?(?:paiement|r[èe]glement)"
        r"|\b(?:paiement|r[èe]glement)\s+(?:\S+\s+){0,2}?(?:bloqu[ée]|suspendu|en\s+attente)"
        r"|\bne\s+(?:pourrons|allons)\s+pas\s+(?:\S+\s+)?(?:payer|r[ée]gler)"
        r"|\bne\s+(?:paierons|r[ée]glerons)\s+pas"
        r"|\ben\s+attente\s+d'(?:un|avoir)"),
    cue(_D, "es-withhold",
        r"\b(?:retener|retenemos|bloquear|suspender|suspendemos)\s+(?:el\s+)?pago|\bpago\s+"
        r"(?:\S+\s+)?(?:retenido|bloqueado|suspendido)|\bno\s+(?:vamos\s+a|podemos|podremos)\s+"
        r"(?:pagar|abonar|liquidar)|\bhasta\s+que\s+(?:recibamos|nos\s+env[íi]en)"
        r"|\b(?:esperamos|a\s+la\s+espera\s+de)\s+(?:la|una|su)\s+nota\s+de"),
    cue(_D, "nl-withhold",
        r"\bbetaling\s+(?:\S+\s+){0,3}?(?:aan|op)\s*(?:houden|gehouden|schorten|geschort)"
        r"|\b(?:houden|schorten)\s+(?:\S+\s+){0,2}?betaling\s+(?:\S+\s+)?(?:aan|op)"
        r"|\bbetalen\s+(?:\S+\s+)?(?:pas|niet)\s+(?:na|als|zodra|voordat)|\bin\s+afwachting\s+"
        r"van\s+(?:de\s+|een\s+)?creditnota|\b(?:kunnen|zullen)\s+(?:\S+\s+)?niet\s+betalen"),
    # --- the plain words of a dispute -----------------------------------------------------
    cue(_D, "en-general",
        rf"\b{INV}\b[^?!\n]{{0,40}}?\b(?:is|was|are|were|seems|appears)\s+(?:to\s+be\s+)?"
        r"(?:wrong|incorrect|not\s+correct|erroneous|inaccurate|too\s+high|in\s+error)\b",
        r"\bdisput(?:e|es|ed|ing)\b|\bwe\s+(?:must\s+|have\s+to\s+|wish\s+to\s+)?(?:contest"
        r"|reject|query|challenge)\b|\bdoes\s+not\s+match\s+(?:the|our)\s+(?:quote|quotation"
        r"|contract|agreed|delivery\s+note)|\bdiscrepanc(?:y|ies)|\b(?:error|mistake)s?\s+(?:on"
        r"|in|with)\s+(?:the\s+|this\s+|your\s+|our\s+)?(?:invoice|bill|statement)",
        r"\b(?:not|isn't|is\s+not)\s+(?:correct|right)\b|\bnot\s+in\s+line\s+with\s+"
        r"(?:the|our)\s+(?:agreement|contract|quote)|\bcomplain(?:t|ing)?\b"),
    cue(_D, "de-general",
        r"beanstand\w*|reklamation\w*|reklamier\w*|fehlerhaft\w*|\brechnung\w*\s+(?:\S+\s+){0,3}?"
        r"(?:ist|sind|war)\s+(?:leider\s+)?(?:falsch|nicht\s+korrekt|inkorrekt|nicht\s+richtig)"
        r"|widersprech\w*|\bwiderspruch|\beinspruch|\bstimmt\s+(?:so\s+)?nicht|\bunstimmigkeit"
        r"|\bfehler\s+(?:in|auf)\s+(?:der|ihrer|dieser)\s+rechnung|\bnicht\s+einverstanden"),
    cue(_D, "fr-general",
        # French forms only: Spanish "contestar" is to answer
        r"\bcontest(?:e|es|ent|er|ons|ez|é|ée|és|ées|ation|ations)\b|\blitige|r[ée]clamation|\berreur\s+(?:sur|dans)\s+(?:la|notre|votre|cette)"
        r"\s+facture|\bfacture\w*\s+(?:\S+\s+){0,3}?(?:est|sont)\s+(?:erron[ée]e|incorrecte|fausse)"
        r"|\bne\s+correspond\s+pas|\bd[ée]saccord|\bn'est\s+pas\s+(?:correct|juste)"),
    cue(_D, "es-general",
        r"\breclam(?:o|amos|aci[óo]n|ar)\b|\bdisputamos|\bimpugn\w*|\bfacturas?\s+(?:\S+\s+){0,3}?"
        r"(?:es|est[áa])\s+(?:incorrecta|err[óo]nea|mal)\b|\berror\s+en\s+(?:la|nuestra|su|esta)"
        r"\s+factura|\bno\s+estamos\s+de\s+acuerdo|\bdiscrepancia|\bno\s+es\s+correct[oa]"
        r"|\berror(?:es)?\s+en\s+(?:la\s+|el\s+)?(?:cantidad|precio|importe|factura|descuento)"
        r"|\bfactura\s+(?:\S+\s+){0,2}?tiene\s+(?:un\s+)?error"),
    cue(_D, "nl-general",
        r"\bklopt\s+niet|\bkloppen\s+niet|\b(?:niet\s+eens|oneens)\s+(?:met|over)"
        r"|\bonjuist\w*|\bbetwist\w*|\bbezwaar\b|\bniet\s+akkoord"
        r"|\bfoutie\w+|\bfout\s+(?:in|op)\s+(?:de|deze|uw)\s+factuur|\bonterecht\w*"
        r"|\bniet\s+(?:correct|juist)|\bfactuur\s+(?:\S+\s+){0,3}?(?:is|zijn)\s+(?:\S+\s+)?fout"),
)  # fmt: skip

#: A dispute's families, for tests and the docs.
DISPUTE_FAMILIES = tuple(dict.fromkeys(c.family.split("-", 1)[1] for c in DISPUTE_CUES))

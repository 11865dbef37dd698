# long: held-out families as their author wrote them from a description (bench/HELDOUT.md); kept whole, apart from the code it measures.
"""Held-out world, the fifth set of added families (bench/HELDOUT.md, "Families added
2026-12-07 (fam5)"): one family of customer questions, ``fam5-indirect``, phrased the way
customers write when they do not ask a direct question. The need is stated as a fact or a wish
("Invoice … never made it to our AP inbox", "Mich würde interessieren, …", "il me manque la
facture …"), disputes are facts ("only 16 of the 20 cartons arrived"), promises name a payment
run or a relative day; subjects are terse or say nothing of the question ("Account", "Quick
one", "Re: your reminder"); some quote an earlier mail below, some say what they do *not* need.
Written from how customers write, not from arbox's code.

Like the families before it, everything here comes after everything else (the end of phase 2,
dated after the last mail of fam4), adds no customer and no invoice and draws from its own
random stream, so the world without it is byte for byte what it was.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import ModuleType
from typing import Any

import heldout_queries as hq
import heldout_render as hr
from heldout_rules import nkey

LANGS = ["en", "de", "fr", "es", "nl"]
INTENTS = hq.INTENTS
FAMILY = "fam5-indirect"

# {r} {r2}: invoices as the customer writes them; {q1} {q2}: quantities; {name}: the customer;
# {p}: a promised day. Needs as facts or wishes: no "please send", no "could you".
Q: dict[str, dict[str, list[str]]] = {
    "invoice_copy_request": {
        "en": [
            "Invoice {r} never made it to our AP inbox, so we would need it once more.",
            "Our system has no trace of invoice {r}; a copy would let us get it booked.",
            "I'm missing the PDF for {r} - it would be great to have it again.",
            "Our auditors flagged invoice {r} as undocumented, and the document itself is what they want to see.",
            "The copy of {r} we have on file is illegible. A clean one would be appreciated.",
            "Duplicates of {r} and {r2} would help us a lot, both seem to have gone astray.",
            "For the VAT return we still lack the original of invoice {r}.",
        ],
        "de": [
            "die Rechnung {r} ist bei uns leider nie angekommen, wir bräuchten sie noch einmal.",
            "in unserer Buchhaltung fehlt noch der Beleg zu {r}.",
            "für den Vorsteuerabzug benötigen wir noch die Rechnung {r} als PDF.",
            "die Rechnung {r} ist bei uns im Postfach untergegangen, ein erneuter Versand wäre nett.",
            "ein Duplikat der Rechnungen {r} und {r2} wäre für unsere Prüfer hilfreich.",
            "uns liegt die Rechnung {r} nur unvollständig vor, es fehlt die zweite Seite.",
        ],
        "fr": [
            "la facture {r} ne nous est jamais parvenue, il nous en faudrait un exemplaire.",
            "nous ne retrouvons pas la facture {r} dans notre système.",
            "un duplicata des factures {r} et {r2} nous serait bien utile pour l'audit.",
            "notre comptabilité n'arrive pas à ouvrir le PDF de la facture {r} ; un nouvel envoi serait le bienvenu.",
            "il me manque la facture {r} pour clôturer ce dossier.",
            "j'aurais besoin de la facture {r} en PDF, l'exemplaire papier s'est égaré.",
        ],
        "es": [
            "nos hace falta una copia de la factura {r}, no la encontramos por ningún lado.",
            "¿me mandan otra vez la factura {r}? Se nos ha traspapelado.",
            "la factura {r} no nos llegó nunca y la necesitamos para contabilizarla.",
            "para la auditoría nos faltan las facturas {r} y {r2}.",
            "el PDF de la factura {r} llegó dañado, nos vendría bien un nuevo envío.",
            "no tenemos constancia de la factura {r} en nuestro sistema.",
        ],
        "nl": [
            "factuur {r} hebben wij nooit ontvangen; een kopie zou fijn zijn.",
            "in onze administratie ontbreekt factuur {r} nog.",
            "de pdf van factuur {r} gaat bij ons niet open, we ontvangen hem graag opnieuw.",
            "voor de controle missen wij de facturen {r} en {r2}.",
            "met een duplicaat van factuur {r} kunnen wij de boeking afronden.",
            "factuur {r} is bij ons zoekgeraakt.",
        ],
    },
    "statement_request": {
        "en": [
            "Our external auditors want to see a statement of our account with you.",
            "It would help to have a list of everything you show as open for us.",
            "We're closing the quarter and an overview of our open items would be useful.",
            "A statement of all open items as of today would be much appreciated.",
            "For the vendor reconciliation I'm missing your side of the account - a full statement would do.",
            "I'd welcome a current statement for {name}, credit notes included.",
        ],
        "de": [
            "für den Jahresabschluss fehlt uns noch ein Kontoauszug mit allen offenen Posten.",
            "unsere Wirtschaftsprüfer möchten eine Saldenbestätigung von Ihrer Seite sehen.",
            "eine aktuelle Aufstellung der offenen Posten wäre für unseren Abgleich sehr hilfreich.",
            "wir gleichen gerade unsere Kreditoren ab und bräuchten dafür Ihren Kontoauszug.",
            "über eine Übersicht aller offenen Rechnungen und Gutschriften von {name} würden wir uns freuen.",
            "für die Abstimmung zum Monatsende wäre eine OP-Liste von Ihnen ideal.",
        ],
        "fr": [
            "nos commissaires aux comptes nous demandent un relevé de compte à jour.",
            "je souhaiterais recevoir un état des factures non soldées de {name}.",
            "pour notre rapprochement fournisseurs, un relevé complet nous serait nécessaire.",
            "un récapitulatif de nos factures ouvertes, avoirs compris, nous rendrait service.",
            "dans le cadre de la clôture annuelle, il nous manque encore votre relevé.",
        ],
        "es": [
            "para el cierre nos haría falta el extracto con las partidas abiertas.",
            "nuestros auditores nos piden un estado de cuenta de {name}.",
            "agradeceríamos recibir un listado de todas las facturas y abonos pendientes.",
            "estamos conciliando proveedores y nos falta su extracto.",
            "sería de gran ayuda contar con un resumen de nuestra cuenta con ustedes.",
        ],
        "nl": [
            "onze accountant vraagt om een rekeningoverzicht van uw kant.",
            "voor de jaarafsluiting ontbreekt ons nog een overzicht van de openstaande posten.",
            "een actueel overzicht van alle facturen en creditnota's van {name} zou welkom zijn.",
            "wij zijn onze crediteuren aan het afstemmen en missen daarvoor uw overzicht.",
            "het zou handig zijn een saldolijst per vandaag te ontvangen.",
        ],
    },
    "balance_inquiry": {
        "en": [
            "I'd be interested to know where our account stands with you at the moment.",
            "We would like to know the total still outstanding on our side.",
            "Just trying to find out what we owe you in total right now.",
            "It would be useful to know the remaining balance on invoice {r}.",
            "Before our payment run I'd like to confirm the total amount open on our account.",
            "Our controller wants to know how much is still open with you.",
        ],
        "de": [
            "mich würde interessieren, wie hoch unser Saldo bei Ihnen ist.",
            "gern wüssten wir, welcher Betrag bei Ihnen insgesamt noch offen ist.",
            "vor unserem Zahllauf möchte ich gern den aktuellen Stand unseres Kontos wissen.",
            "uns interessiert, was auf der Rechnung {r} noch offen steht.",
            "ich hätte gern eine kurze Info, wie viel wir Ihnen derzeit noch schulden.",
        ],
        "fr": [
            "je souhaiterais connaître le montant qui nous reste à payer chez vous.",
            "j'aimerais savoir où en est notre compte chez vous.",
            "nous voudrions connaître le solde restant sur la facture {r}.",
            "avant notre prochaine campagne de paiements, il serait utile de connaître notre encours total.",
            "il faudrait que je sache ce que nous vous devons encore.",
        ],
        "es": [
            "quisiera saber qué importe tenemos pendiente en total.",
            "me interesaría conocer el saldo actual de nuestra cuenta.",
            "nos gustaría saber cuánto queda por pagar de la factura {r}.",
            "antes de la remesa de pagos necesitaría confirmar el saldo pendiente.",
            "no tengo claro cuánto les debemos a día de hoy.",
        ],
        "nl": [
            "het totale openstaande saldo zouden wij graag van u vernemen.",
            "ik ben benieuwd hoeveel er bij u nog openstaat.",
            "graag hoor ik wat er van factuur {r} nog openstaat.",
            "voor onze liquiditeitsplanning willen wij weten welk bedrag nog verschuldigd is.",
            "het is mij niet duidelijk wat wij u op dit moment nog moeten betalen.",
        ],
    },
    "dispute": {
        "en": [
            "Only {q2} of the {q1} cartons billed on invoice {r} actually arrived.",
            "The unit price on invoice {r} is higher than the one in our order confirmation.",
            "Invoice {r} charges freight, although delivery was agreed free of charge.",
            "We have been invoiced twice for the same delivery: {r} and {r2}.",
            "The goods on invoice {r} arrived broken and went straight back to you.",
            "Invoice {r} lists items we never ordered.",
            "The 5 % discount we agreed on is not reflected on invoice {r}.",
        ],
        "de": [
            "zu Rechnung {r}: von {q1} berechneten Kartons sind nur {q2} bei uns eingegangen.",
            "der auf Rechnung {r} ausgewiesene Preis entspricht nicht unserer Bestellung.",
            "die Ware aus Rechnung {r} war bei Anlieferung beschädigt und ging zurück.",
            "die Rechnung {r} enthält Positionen, die wir nie bestellt haben.",
            "die Lieferung zu {r} wurde bereits mit Rechnung {r2} berechnet.",
            "auf Rechnung {r} fehlt der vereinbarte Rabatt von 3 %.",
        ],
        "fr": [
            "le prix facturé sur la facture {r} ne correspond pas à notre commande.",
            "sur les {q1} cartons facturés en {r}, seuls {q2} nous ont été livrés.",
            "la marchandise de la facture {r} est arrivée endommagée et vous a été retournée.",
            "la facture {r} reprend des articles que nous n'avons jamais commandés.",
            "la même livraison figure sur les factures {r} et {r2}.",
            "la remise de 5 % convenue n'apparaît pas sur la facture {r}.",
        ],
        "es": [
            "de las {q1} cajas de la factura {r} solo recibimos {q2}.",
            "el precio de la factura {r} no es el que figura en nuestro pedido.",
            "la mercancía de la factura {r} llegó en mal estado y se devolvió.",
            "en la factura {r} aparecen artículos que no hemos pedido.",
            "la misma entrega está facturada en {r} y en {r2}.",
            "en la factura {r} no se ha aplicado el descuento pactado.",
        ],
        "nl": [
            "van de {q1} gefactureerde dozen op factuur {r} zijn er slechts {q2} aangekomen.",
            "de prijs op factuur {r} wijkt af van onze bestelling.",
            "de goederen van factuur {r} kwamen beschadigd binnen en zijn teruggestuurd.",
            "op factuur {r} staan artikelen die wij niet besteld hebben.",
            "dezelfde levering is gefactureerd op {r} en op {r2}.",
            "de afgesproken korting ontbreekt op factuur {r}.",
        ],
    },
    "promise_to_pay": {
        "en": [
            "Invoice {r} is in our payment run {p}.",
            "{r} has been approved and will go out {p}.",
            "Our treasury has released {r} for payment {p}.",
            "The open balance will be cleared {p}.",
            "Funds for {r} and {r2} are set aside; the transfer goes out {p}.",
            "You should see the money for {r} {p}.",
        ],
        "de": [
            "{r} haben wir für den Zahllauf {p} eingeplant.",
            "der offene Betrag geht {p} raus.",
            "die Überweisung für {r} ist freigegeben und wird {p} ausgeführt.",
            "{r} und {r2} sind im Zahlungsvorschlag {p} enthalten.",
            "den Betrag für Rechnung {r} erhalten Sie {p}.",
        ],
        "fr": [
            "la facture {r} sera intégrée à notre campagne de virements {p}.",
            "le solde sera viré {p}.",
            "le règlement de {r} est validé, il partira {p}.",
            "vous recevrez le paiement des factures {r} et {r2} {p}.",
            "{r} : paiement programmé {p}.",
        ],
        "es": [
            "la factura {r} va en la remesa de pagos {p}.",
            "el saldo pendiente se transferirá {p}.",
            "el pago de {r} ya está aprobado y saldrá {p}.",
            "recibirán el importe de las facturas {r} y {r2} {p}.",
            "tenemos previsto abonar {r} {p}.",
        ],
        "nl": [
            "factuur {r} wordt meegenomen in de betaalrun {p}.",
            "het openstaande bedrag maken wij {p} over.",
            "de betaling van {r} is goedgekeurd en gaat {p} de deur uit.",
            "u ontvangt het bedrag voor {r} en {r2} {p}.",
            "{r} staat klaar voor betaling {p}.",
        ],
    },
}  # fmt: skip

# said of another intent: what the customer does NOT need (tag "negation")
NEGATION = {
    "invoice_copy_request": {
        "en": ["No need for a statement, only the invoice.", "The balance we know, it's just this one document."],
        "de": ["Einen Kontoauszug brauchen wir dafür nicht.", "Den Saldo kennen wir, es geht nur um den Beleg."],
        "fr": ["Pas besoin de relevé, seule la facture nous manque.", "Le solde, nous le connaissons ; c'est juste la pièce."],
        "es": ["No hace falta el extracto, solo la factura.", "El saldo ya lo tenemos, es solo el documento."],
        "nl": ["Een rekeningoverzicht is niet nodig, alleen de factuur.", "Het saldo kennen we, het gaat om het document."],
    },
    "statement_request": {
        "en": ["We don't need copies of the individual invoices.", "No invoice copies needed, just the overview."],
        "de": ["Einzelne Rechnungskopien sind nicht nötig.", "Kopien der Rechnungen brauchen wir nicht."],
        "fr": ["Inutile de renvoyer les factures une par une.", "Pas besoin des duplicatas, le relevé suffit."],
        "es": ["No necesitamos copias de las facturas.", "Las facturas sueltas no hacen falta."],
        "nl": ["Kopiefacturen zijn niet nodig.", "Losse facturen hoeven niet, alleen het overzicht."],
    },
    "balance_inquiry": {
        "en": ["No need for a copy, just the balance.", "No statement needed, the figure is enough."],
        "de": ["Eine Rechnungskopie brauchen wir nicht, nur den Betrag.", "Kontoauszug nicht nötig, die Zahl genügt."],
        "fr": ["Pas besoin de copie, juste le montant.", "Inutile d'envoyer un relevé, le chiffre suffit."],
        "es": ["No hace falta copia, solo el saldo.", "No necesitamos extracto, basta con la cifra."],
        "nl": ["Een kopie is niet nodig, alleen het saldo.", "Geen overzicht nodig, het bedrag volstaat."],
    },
}  # fmt: skip

LEAD = {
    "promise_to_pay": {
        "en": ["Sorry for the silence on our side.", "Following up on your reminder:"],
        "de": ["entschuldigen Sie die späte Rückmeldung.", "zu Ihrer Erinnerung:"],
        "fr": ["désolés pour ce retard de réponse.", "suite à votre relance :"],
        "es": ["disculpen la tardanza en responder.", "en relación con su recordatorio:"],
        "nl": ["excuses voor de late reactie.", "naar aanleiding van uw herinnering:"],
    },
    "dispute": {
        "en": ["Our goods-in team checked the delivery.", "Something doesn't add up here."],
        "de": ["unser Wareneingang hat die Lieferung geprüft.", "hier stimmt leider etwas nicht."],
        "fr": ["notre service réception a contrôlé la livraison.", "quelque chose ne va pas."],
        "es": ["nuestro almacén ha revisado la entrega.", "hay algo que no cuadra."],
        "nl": ["onze goederenontvangst heeft de levering gecontroleerd.", "er klopt iets niet."],
    },
}  # fmt: skip

CLOSE = {
    "en": ["Thanks in advance.", "Much appreciated.", None, None],
    "de": ["Vielen Dank vorab.", "Danke schon mal.", None, None],
    "fr": ["Merci d'avance.", "Bonne journée.", None, None],
    "es": ["Gracias de antemano.", "Quedo atento.", None, None],
    "nl": ["Alvast bedankt.", "Dank je wel.", None, None],
}  # fmt: skip

# subjects: terse about the question, or unrelated to it
SUBJ_TERSE = {
    "invoice_copy_request": {"en": ["Invoice {r}", "Missing document"], "de": ["Rechnung {r}", "Beleg"],
                             "fr": ["Facture {r}", "Pièce manquante"], "es": ["Factura {r}", "Documento"],
                             "nl": ["Factuur {r}", "Document"]},
    "statement_request": {"en": ["Year end", "Reconciliation"], "de": ["Jahresabschluss", "Abgleich"],
                          "fr": ["Clôture", "Rapprochement"], "es": ["Extracto", "Cierre"],
                          "nl": ["Jaarafsluiting", "Afstemming"]},
    "balance_inquiry": {"en": ["Balance", "Our account"], "de": ["Unser Konto", "Saldo"],
                        "fr": ["Notre compte", "Solde"], "es": ["Nuestra cuenta", "Saldo"],
                        "nl": ["Ons saldo", "Saldo"]},
    "dispute": {"en": ["Invoice {r}", "Delivery"], "de": ["Rechnung {r}", "Lieferung"],
                "fr": ["Facture {r}", "Livraison"], "es": ["Factura {r}", "Pedido"],
                "nl": ["Factuur {r}", "Levering"]},
    "promise_to_pay": {"en": ["Payment", "Payment run"], "de": ["Zahlung", "Zahllauf"],
                       "fr": ["Règlement", "Virement"], "es": ["Pago", "Remesa"],
                       "nl": ["Betaling", "Betaalrun"]},
}  # fmt: skip
SUBJ_OTHER = {
    "en": ["Account", "Quick one", "Question", "Follow-up", "{name}", "Hello", "Accounts"],
    "de": ["Unser Konto", "Kurze Frage", "Anfrage", "{name}", "Buchhaltung", "Info"],
    "fr": ["Compte", "Petite question", "Demande", "{name}", "Comptabilité"],
    "es": ["Cuenta", "Consulta", "Una cosa", "{name}", "Contabilidad"],
    "nl": ["Rekening", "Vraagje", "Administratie", "{name}", "Even iets"],
}  # fmt: skip
SUBJ_REMINDER = {
    "en": ["Re: your reminder", "RE: Payment reminder", "Re: Overdue account"],
    "de": ["AW: Zahlungserinnerung", "AW: Ihre Erinnerung"],
    "fr": ["RE: Relance", "RE: Votre relance"],
    "es": ["RE: Recordatorio de pago", "RE: Su recordatorio"],
    "nl": ["RE: Betalingsherinnering", "RE: Uw herinnering"],
}  # fmt: skip

# an earlier mail of ours quoted below (Outlook style): its subject, its text
THREAD = {
    "en": ("Your statement", "Dear customer,\n\nplease find attached your statement of account as requested.\n\nKind regards\nAccounts Receivable"),
    "de": ("Ihr Kontoauszug", "Sehr geehrte Damen und Herren,\n\nanbei wie gewünscht Ihr Kontoauszug.\n\nMit freundlichen Grüßen\nDebitorenbuchhaltung"),
    "fr": ("Votre relevé de compte", "Madame, Monsieur,\n\nveuillez trouver ci-joint votre relevé de compte.\n\nCordialement,\nService comptabilité clients"),
    "es": ("Su extracto de cuenta", "Estimado cliente:\n\nle adjuntamos el extracto de cuenta solicitado.\n\nSaludos,\nCuentas a cobrar"),
    "nl": ("Uw rekeningoverzicht", "Geachte klant,\n\nbijgaand uw rekeningoverzicht, zoals gevraagd.\n\nMet vriendelijke groet,\nDebiteurenadministratie"),
}  # fmt: skip
QUOTE_HEAD = {
    "en": "-----Original Message-----\nFrom: Arbox Example Ltd <ar@arbox.example>\nSent: {when}\nTo: {to}\nSubject: {s}",
    "de": "-------- Ursprüngliche Nachricht --------\nVon: Arbox Example Ltd <ar@arbox.example>\nGesendet: {when}\nAn: {to}\nBetreff: {s}",
    "fr": "-------- Message d'origine --------\nDe : Arbox Example Ltd <ar@arbox.example>\nEnvoyé : {when}\nÀ : {to}\nObjet : {s}",
    "es": "-----Mensaje original-----\nDe: Arbox Example Ltd <ar@arbox.example>\nEnviado el: {when}\nPara: {to}\nAsunto: {s}",
    "nl": "-----Oorspronkelijk bericht-----\nVan: Arbox Example Ltd <ar@arbox.example>\nVerzonden: {when}\nAan: {to}\nOnderwerp: {s}",
}  # fmt: skip

# relative days: (phrase per language, days ahead computed by promise_day)
REL = {
    "weekday": {"en": ["next {wd}", "this coming {wd}"], "de": ["am kommenden {wd}", "kommenden {wd}"],
                "fr": ["{wd} prochain"], "es": ["el próximo {wd}", "este {wd} que viene"],
                "nl": ["aanstaande {wd}", "komende {wd}"]},
    "tomorrow": {"en": ["tomorrow"], "de": ["morgen"], "fr": ["demain"], "es": ["mañana"], "nl": ["morgen"]},
    "next-week-end": {"en": ["at the end of next week"], "de": ["Ende nächster Woche"],
                      "fr": ["à la fin de la semaine prochaine"], "es": ["a finales de la semana que viene"],
                      "nl": ["eind volgende week"]},
    "week": {"en": ["within a week"], "de": ["innerhalb einer Woche"], "fr": ["d'ici une semaine"],
             "es": ["en el plazo de una semana"], "nl": ["binnen een week"]},
}  # fmt: skip


def promise_day(rng: random.Random, lang: str, today: date) -> tuple[str, date, str]:
    """A promised day as a customer writes it, the date it means, relative or absolute."""
    kind = rng.choice(["weekday", "weekday", "weekday", "tomorrow", "next-week-end", "week", "abs"])
    if kind == "abs":
        t = today + timedelta(days=rng.randint(4, 18))
        m = hq.MONTHS[lang][t.month - 1]
        s = {"en": f"on {t.day} {m}", "de": f"am {t:%d.%m.}", "fr": f"le {t.day} {m}",
             "es": f"el {t.day} de {m}", "nl": f"op {t.day} {m}"}[lang]  # fmt: skip
        return s, t, "absolute"
    phrase = rng.choice(REL[kind][lang])
    if kind == "weekday":
        wd = rng.randint(0, 4)
        t = today + timedelta(days=(wd - today.weekday()) % 7 or 7)
        return phrase.format(wd=hq.WEEKDAYS[lang][wd]), t, "relative"
    if kind == "tomorrow":
        return phrase, today + timedelta(days=1), "relative"
    if kind == "week":
        return phrase, today + timedelta(days=7), "relative"
    # the Friday of next week (weeks start on Monday)
    return phrase, today + timedelta(days=4 - today.weekday() + 7), "relative"


@dataclass
class Fam5:
    """The fifth set of added families, appended to a finished World (after fam4)."""

    w: Any
    hw: ModuleType
    rng: random.Random = field(init=False)
    clock: datetime = field(init=False)  # UTC, naive
    cycle: dict[tuple[str, str], deque] = field(default_factory=dict)
    asked: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"heldout-fam5-{self.w.seed}")
        stamps = [
            m.when.astimezone(UTC).replace(tzinfo=None) if m.when.tzinfo else m.when
            for m in self.w.mails
        ]
        self.clock = max([datetime(2026, 11, 20, 6, 0), *stamps]) + timedelta(minutes=7)
        self.book = self.w.book
        owners: dict[str, int] = {}
        for c in self.w.customers:
            for a in c.contacts:
                owners[a] = owners.get(a, 0) + 1
        # a mailbox two customers share says nothing of who asks: these questions are about
        # the phrasing, so they come from customers with their own addresses
        self.shared = {c.number for c in self.w.customers if any(owners[a] > 1 for a in c.contacts)}

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=self.rng.randint(1, 4), seconds=self.rng.randint(0, 59))
        return self.clock

    def invoices(self, c: Any) -> tuple[list[str], list[str]]:
        """(every invoice of c, the open ones), oldest first; credit memos are no invoice."""
        book = self.book
        mine = sorted(
            (n for n in book.by_customer.get(c.number, []) if book.invoices[n].kind != "memo"),
            key=lambda n: (book.invoices[n].issue, n),
        )
        return mine, [n for n in mine if book.balance[n] > 0]

    def customer(self, lang: str) -> Any:
        fit = [
            c
            for c in self.w.customers
            if c.number not in self.shared and c.lang == lang and len(self.invoices(c)[1]) >= 2
        ]
        fit = fit or [
            c
            for c in self.w.customers
            if c.number not in self.shared and len(self.invoices(c)[0]) >= 2
        ]
        least = min(self.asked.get(c.number, 0) for c in fit)
        c = self.rng.choice([c for c in fit if self.asked.get(c.number, 0) == least])
        self.asked[c.number] = self.asked.get(c.number, 0) + 1
        return c

    def template(self, intent: str, lang: str) -> str:
        """The next phrasing of this intent and language: each is used before any repeats."""
        key = (intent, lang)
        if not self.cycle.get(key):
            pool = list(Q[intent][lang])
            self.rng.shuffle(pool)
            self.cycle[key] = deque(pool)
        return self.cycle[key].popleft()

    def written(self, c: Any, n: str, mine: list[str]) -> tuple[str, str]:
        """Invoice n as this customer writes it, and its ref tag."""
        rng = self.rng
        if rng.random() < 0.12:
            keys = [nkey(x) for x in mine]
            k = nkey(n)
            tails = [
                k[-j:]
                for j in range(5, len(k))
                if k[-j] != "0" and sum(x.endswith(k[-j:]) for x in keys) == 1
            ]
            if tails:
                return tails[0], "ref-cut-prefix"
        txt, t = self.hw.habit_form(
            n, rng.choice(["asis", "asis", "asis", "spaces", "nodash", "lower", "noprefix"])
        )
        return txt, ("ref-exact" if t == "exact" else "ref-form-" + t)

    def subject(self, intent: str, lang: str, c: Any, r: str | None) -> tuple[str, str]:
        rng = self.rng
        u = rng.random()
        if u < 0.05:
            return "", "subject-empty"
        if u < 0.45:
            pool = [s for s in SUBJ_TERSE[intent][lang] if r is not None or "{r}" not in s]
            return rng.choice(pool).format(r=r), "subject-terse"
        return rng.choice(SUBJ_OTHER[lang]).format(name=c.name), "subject-unrelated"

    def query(self, intent: str, lang: str, *, contact: bool) -> Any:
        rng, w = self.rng, self.w
        c = self.customer(lang)
        mine, opens = self.invoices(c)
        when = self.tick().replace(tzinfo=UTC).astimezone(hr.tz_for(c.region))
        tmpl = self.template(intent, lang)
        tags = ["fam5", FAMILY]
        refs: list[str] = []
        fmt: dict[str, str] = {"name": c.name}
        pool = mine if intent == "invoice_copy_request" else opens
        for slot in ("r", "r2"):
            if "{" + slot + "}" in tmpl:
                n = rng.choice(
                    [x for x in pool if x not in refs] or [x for x in mine if x not in refs]
                )
                refs.append(n)
                fmt[slot], t = self.written(c, n, mine)
                tags.append(t)
        q2 = rng.randint(6, 40)
        fmt["q1"], fmt["q2"] = str(q2 + rng.randint(2, 12)), str(q2)
        pdate = None
        if intent == "promise_to_pay":
            fmt["p"], t, kind = promise_day(rng, lang, when.date())
            pdate = t.isoformat()
            tags.append("promise-" + kind)
        need = tmpl.format(**fmt)
        parts = [need[0].upper() + need[1:]]
        if intent in LEAD and rng.random() < 0.3:
            lead = rng.choice(LEAD[intent][lang])
            parts.insert(0, lead[0].upper() + lead[1:])
        if intent in NEGATION and rng.random() < 0.3:
            parts.append(rng.choice(NEGATION[intent][lang]))
            tags.append("negation")
        close = rng.choice(CLOSE[lang])
        if close:
            parts.append(close)
        body = " ".join(parts) if rng.random() < 0.6 else "\n".join(parts)
        person = rng.choice(c.people)
        if contact:
            sender = rng.choice(c.contacts)
        else:
            sender = rng.choice([f"{self.hw.slug(person.split()[-1])}.{rng.randint(1, 99)}@freemail.example",
                                 f"{self.hw.slug(person.split()[0])}@{c.domain}"])  # fmt: skip
            if sender in c.contacts:
                sender = f"x.{sender}"
            tags.append("non-contact")
        customer = c.number
        if not contact and "freemail" in sender and not refs:
            customer = None
            tags.append("unidentified")
        subj, stag = self.subject(intent, lang, c, fmt.get("r"))
        tags.append(stag)
        text = f"{rng.choice(hq.GREET[lang])}\n\n{body}\n\n{rng.choice(hq.SIGN[lang])}\n{person}\n{c.name}\n"
        u = rng.random()
        if u < 0.15:
            others = [x for x in opens if x not in refs][:3]
            sent = when.date() - timedelta(days=rng.randint(3, 14))
            text += "\n" + hq.quoted_reminder(lang, sent, (refs + others)[:4]) + "\n"
            subj = rng.choice(SUBJ_REMINDER[lang])
            tags += ["quoted", "quoted-reminder", "subject-unrelated"]
            tags = [t for t in tags if t not in ("subject-terse", "subject-empty")]
        elif u < 0.27:
            old_subj, old_text = THREAD[lang]
            sent = when - timedelta(days=rng.randint(5, 40), hours=rng.randint(0, 8))
            head = QUOTE_HEAD[lang].format(
                when=sent.strftime("%d.%m.%Y %H:%M"), to=sender, s=old_subj
            )
            text += "\n" + head + "\n\n" + old_text + "\n"
            subj = ("AW: " if lang == "de" else "RE: ") + old_subj
            tags += ["quoted", "quoted-thread", "subject-unrelated"]
            tags = [t for t in tags if t not in ("subject-terse", "subject-empty")]
        name = f"q{len([m for m in w.mails if m.kind == 'query']) + 1:04d}"
        msgid = f"<{name}.{w.seed}.{rng.randint(10**9, 10**10 - 1)}@{sender.rpartition('@')[2]}>"
        raw = hr.build_eml(
            from_name=person, from_addr=sender, when=when, msgid=msgid, subject=subj, text=text, lang=lang
        )  # fmt: skip
        label = {
            "name": name,
            "file": f"phase2/{name}.eml",
            "phase": 2,
            "order": 0,
            "message_id": msgid,
            "sender": sender,
            "customer": customer,
            "from_contact": contact,
            "intent": intent,
            "language": lang,
            "refs": refs,
            "promise_date": pdate,
            "tags": sorted(set(tags)),
        }
        m = self.hw.Mail(name, 2, 0, when, "query", label, raw)
        w.mails.append(m)
        return m

    def run(self, n_queries: int) -> dict[str, int]:
        rng = self.rng
        extra = max(2, round(n_queries / 14))
        strangers = max(2, round(n_queries / 23))
        jobs = [(i, lg, True) for i in INTENTS for lg in LANGS for _ in range(2)]
        jobs += [(rng.choice(INTENTS), rng.choice(LANGS), True) for _ in range(extra)]
        jobs += [(INTENTS[k % 5], LANGS[(k + 2) % 5], False) for k in range(strangers)]
        rng.shuffle(jobs)
        for intent, lang, contact in jobs:
            self.query(intent, lang, contact=contact)
        return {"contacts": len(jobs) - strangers, "strangers": strangers}


def add_families(world: Any, hw: ModuleType) -> dict[str, int]:
    """Append the fifth set (fam5) to a finished world, after fam4; their sizes."""
    before = (len(world.mails), len(world.customers))
    info = Fam5(world, hw).run(world.n_queries)
    new = world.mails[before[0] :]
    info["mails"] = sum(1 for m in new if m.kind == "remittance")
    info["queries"] = sum(1 for m in new if m.kind == "query")
    info["customers"] = len(world.customers) - before[1]
    return info

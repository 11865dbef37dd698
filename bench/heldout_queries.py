# long: the held-out questions as their author wrote them (bench/HELDOUT.md); kept whole, apart from the code it measures.
"""Held-out world: customer questions (copy requests, statements, balances, disputes, promises)
in English, German, French, Spanish and Dutch, written as customers write them."""

from __future__ import annotations

import calendar
import random
from datetime import date, timedelta

INTENTS = [
    "invoice_copy_request",
    "statement_request",
    "balance_inquiry",
    "dispute",
    "promise_to_pay",
]
LANGS = ["en", "de", "fr", "es", "nl"]

# {r} {r2}: invoice references (as the customer writes them); {q1} {q2}: quantities;
# {name}: the customer's name; {p}: a promised date phrase.
T: dict[str, dict[str, list[str]]] = {
    "invoice_copy_request": {
        "en": [
            "Could you please send us a copy of invoice {r}? We can't find it in our system.",
            "Hi, we never received invoice {r}. Can you resend it as a PDF please?",
            "Please provide copies of the following invoices: {r}, {r2}. Our auditors are asking for them.",
            "Our AP portal rejected the PDF for {r} (the file seems corrupt). Could you send it again?",
            "No need to send a statement, we only need a copy of invoice {r}.",
            "Invoice {r} went to a colleague who has left the company. Please re-send it to me.",
            "Can I get a duplicate of {r}? The one we have is missing page 2.",
        ],
        "de": [
            "bitte senden Sie uns eine Kopie der Rechnung {r}.",
            "wir haben die Rechnung {r} nicht erhalten. Können Sie uns diese bitte erneut als PDF schicken?",
            "für unsere Prüfung benötigen wir Rechnungskopien zu {r} und {r2}.",
            "die Rechnung {r} ist bei uns nicht auffindbar – bitte nochmals zusenden. Einen Kontoauszug brauchen wir nicht.",
            "könnten Sie mir bitte ein Duplikat der Rechnung Nr. {r} zukommen lassen?",
        ],
        "fr": [
            "pourriez-vous nous envoyer un duplicata de la facture {r} ?",
            "nous n'avons pas reçu la facture {r}. Merci de nous la renvoyer au format PDF.",
            "merci de nous transmettre une copie des factures {r} et {r2}, demandées par notre commissaire aux comptes.",
            "je ne retrouve pas la facture n° {r} dans nos dossiers, pouvez-vous me la renvoyer ? Pas besoin de relevé.",
            "pouvez-vous renvoyer la facture {r} à cette adresse ? L'original s'est perdu.",
        ],
        "es": [
            "¿podrían enviarnos una copia de la factura {r}?",
            "no hemos recibido la factura {r}. Por favor, reenvíenla en PDF.",
            "necesitamos un duplicado de las facturas {r} y {r2} para nuestra auditoría.",
            "les agradecería que me remitieran de nuevo la factura nº {r}, no la encuentro. No hace falta el extracto.",
            "¿me pueden mandar otra vez la factura {r}? La que tenemos está incompleta.",
        ],
        "nl": [
            "kunt u ons een kopie van factuur {r} sturen?",
            "wij hebben factuur {r} niet ontvangen. Graag opnieuw toesturen als PDF.",
            "voor de accountantscontrole hebben wij een kopie nodig van de facturen {r} en {r2}.",
            "factuur {r} is bij ons niet bekend, kunt u deze nogmaals mailen? Een overzicht is niet nodig.",
            "mag ik een duplicaat van factuur {r} ontvangen?",
        ],
    },
    "statement_request": {
        "en": [
            "Could you send us a statement of account? We are reconciling our vendor ledger.",
            "Please email a current statement for {name}.",
            "Can we get an open items list / statement as of today?",
            "Year-end is coming up. Please send a full statement of our account including any credits.",
            "We need a statement of account. No need to send individual invoice copies.",
            "Hi, could I have an up-to-date customer statement please? Thanks!",
        ],
        "de": [
            "bitte senden Sie uns einen aktuellen Kontoauszug.",
            "für unseren Saldenabgleich benötigen wir eine Offene-Posten-Liste per heute.",
            "können Sie uns bitte einen Kontoauszug für {name} zukommen lassen?",
            "wir bitten um Übersendung einer Aufstellung aller offenen Posten. Rechnungskopien sind nicht nötig.",
            "zum Jahresabschluss benötigen wir einen Kontoauszug mit allen offenen Rechnungen und Gutschriften.",
        ],
        "fr": [
            "pourriez-vous nous adresser un relevé de compte ?",
            "merci de nous envoyer le relevé des factures non réglées à ce jour.",
            "dans le cadre de notre clôture, nous souhaitons recevoir un relevé de compte complet pour {name}.",
            "pouvez-vous m'envoyer un état des factures ouvertes ? Inutile d'envoyer les factures une par une.",
            "je vous remercie de me faire parvenir un relevé de compte actualisé.",
        ],
        "es": [
            "¿nos pueden enviar un extracto de cuenta?",
            "por favor, remítannos el estado de cuenta actualizado de {name}.",
            "para la conciliación necesitamos un listado de partidas abiertas a día de hoy.",
            "les ruego nos envíen un extracto con las facturas pendientes. No necesitamos copias de facturas.",
            "¿podrían mandarnos el extracto de cuenta para el cierre del ejercicio?",
        ],
        "nl": [
            "kunt u ons een rekeningoverzicht sturen?",
            "graag ontvangen wij een overzicht van openstaande posten per vandaag.",
            "wij zijn bezig met de jaarafsluiting; kunt u een saldo-overzicht van {name} sturen?",
            "mag ik een actueel klantoverzicht ontvangen? Kopiefacturen zijn niet nodig.",
            "wilt u ons een overzicht van alle openstaande facturen mailen?",
        ],
    },
    "balance_inquiry": {
        "en": [
            "What is our current balance with you?",
            "How much do we owe as of today?",
            "Can you confirm the outstanding amount on our account? No need to send copies of the invoices.",
            "Is invoice {r} still open? Our records show it as paid.",
            "What is still outstanding on {r}? We paid part of it last month.",
            "Quick question: what's the total open balance for {name}?",
        ],
        "de": [
            "wie hoch ist unser aktueller Saldo bei Ihnen?",
            "können Sie uns mitteilen, welcher Betrag derzeit noch offen ist?",
            "ist die Rechnung {r} bei Ihnen noch offen? Laut unserer Buchhaltung ist sie bezahlt.",
            "bitte teilen Sie uns den offenen Restbetrag mit – eine Rechnungskopie brauchen wir nicht.",
            "wie viel ist auf Rechnung {r} noch offen?",
        ],
        "fr": [
            "pouvez-vous nous indiquer le solde de notre compte ?",
            "quel est le montant restant dû à ce jour ?",
            "la facture {r} est-elle toujours ouverte chez vous ? Nous pensions l'avoir réglée.",
            "combien reste-t-il à payer sur notre compte ? Inutile de m'envoyer les factures.",
            "quel est le reste à payer sur la facture {r} ?",
        ],
        "es": [
            "¿cuál es nuestro saldo pendiente actual?",
            "¿nos pueden confirmar el importe que tenemos pendiente con ustedes?",
            "¿sigue abierta la factura {r}? Según nuestros registros está pagada.",
            "¿cuánto les debemos a día de hoy? No hace falta que envíen copias.",
            "¿qué importe queda pendiente de la factura {r}?",
        ],
        "nl": [
            "wat is ons huidige openstaande saldo?",
            "hoeveel staat er momenteel nog open op onze rekening?",
            "staat factuur {r} bij u nog open? Volgens ons is die betaald.",
            "kunt u het openstaande bedrag bevestigen? Kopieën zijn niet nodig.",
            "welk bedrag staat er nog open van factuur {r}?",
        ],
    },
    "dispute": {
        "en": [
            "Invoice {r}: you charged {q1} cartons but only {q2} arrived. Please issue a credit for the difference.",
            "The unit price on {r} is wrong - we agreed a lower price in the quote. Please correct it.",
            "Part of the delivery on {r} arrived damaged. We will not pay this invoice until this is resolved.",
            "We did not order the items on invoice {r}. Please cancel it.",
            "It looks like we were billed twice: {r} and {r2} are for the same delivery.",
            "Invoice {r} has no PO number on it, so our system rejects it. Please correct and reissue.",
            "We are holding payment of {r} until we receive the credit note you promised.",
            "Please correct invoice {r}: the freight charge was supposed to be included.",
        ],
        "de": [
            "Rechnung {r}: berechnet wurden {q1} Kartons, geliefert wurden aber nur {q2}. Bitte senden Sie uns eine Gutschrift.",
            "der Preis auf Rechnung {r} stimmt nicht mit unserem Angebot überein. Bitte korrigieren.",
            "die Ware zu Rechnung {r} kam beschädigt an. Wir beanstanden die Rechnung.",
            "die Positionen der Rechnung {r} haben wir nicht bestellt. Bitte stornieren Sie die Rechnung.",
            "Rechnung {r} und {r2} betreffen dieselbe Lieferung – Sie haben doppelt berechnet.",
            "auf der Rechnung {r} fehlt unsere Bestellnummer. Bitte korrigieren und neu ausstellen.",
            "wir halten die Zahlung für {r} zurück, bis die zugesagte Gutschrift vorliegt.",
        ],
        "fr": [
            "facture {r} : vous avez facturé {q1} cartons alors que nous n'en avons reçu que {q2}. Merci de nous faire un avoir.",
            "le prix unitaire de la facture {r} ne correspond pas à notre devis. Merci de la corriger.",
            "une partie de la marchandise de la facture {r} est arrivée abîmée. Nous contestons cette facture.",
            "nous n'avons jamais commandé les articles de la facture {r}. Merci de l'annuler.",
            "les factures {r} et {r2} concernent la même livraison : il s'agit d'une double facturation.",
            "le numéro de bon de commande manque sur la facture {r}. Merci de la rectifier.",
            "nous bloquons le paiement de la facture {r} en attendant l'avoir promis.",
        ],
        "es": [
            "factura {r}: nos han facturado {q1} cajas pero solo han llegado {q2}. Por favor, emitan un abono por la diferencia.",
            "el precio de la factura {r} no coincide con el presupuesto acordado. Les rogamos la corrijan.",
            "parte de la mercancía de la factura {r} llegó dañada. No pagaremos hasta que se resuelva.",
            "no hemos pedido el material de la factura {r}. Por favor, anúlenla.",
            "las facturas {r} y {r2} corresponden al mismo albarán: nos han facturado dos veces.",
            "en la factura {r} falta nuestro número de pedido. Por favor, corríjanla.",
            "retenemos el pago de la factura {r} hasta recibir el abono prometido.",
        ],
        "nl": [
            "factuur {r}: u heeft {q1} dozen berekend, maar er zijn er maar {q2} geleverd. Graag een creditnota voor het verschil.",
            "de prijs op factuur {r} klopt niet met de offerte. Graag corrigeren.",
            "een deel van de levering van factuur {r} kwam beschadigd aan. Wij betwisten deze factuur.",
            "de artikelen op factuur {r} hebben wij niet besteld. Wilt u de factuur crediteren?",
            "factuur {r} en {r2} gaan over dezelfde levering: dubbel gefactureerd.",
            "op factuur {r} ontbreekt ons inkoopordernummer. Graag een gecorrigeerde factuur.",
            "wij houden de betaling van {r} aan totdat wij de toegezegde creditnota hebben ontvangen.",
        ],
    },
    "promise_to_pay": {
        "en": [
            "Invoice {r} will be paid {p}.",
            "Apologies for the delay. We will settle the outstanding balance {p}.",
            "Payment for {r} and {r2} is scheduled {p}.",
            "Our next payment run is {p}; {r} is included.",
            "Sorry, cash is tight this month. We can pay {r} {p}.",
        ],
        "de": [
            "die Rechnung {r} wird {p} bezahlt.",
            "entschuldigen Sie die Verzögerung, wir werden den offenen Betrag {p} überweisen.",
            "die Zahlung für {r} und {r2} ist {p} eingeplant.",
            "Rechnung {r} ist in unserem nächsten Zahllauf {p} enthalten.",
        ],
        "fr": [
            "la facture {r} sera réglée {p}.",
            "désolés pour le retard, nous réglerons le solde {p}.",
            "le paiement des factures {r} et {r2} est prévu {p}.",
            "notre prochaine campagne de paiement a lieu {p}, la facture {r} en fait partie.",
        ],
        "es": [
            "la factura {r} se pagará {p}.",
            "disculpen el retraso, abonaremos el saldo pendiente {p}.",
            "el pago de las facturas {r} y {r2} está previsto {p}.",
            "nuestra próxima remesa de pagos es {p} e incluye la factura {r}.",
        ],
        "nl": [
            "factuur {r} wordt {p} betaald.",
            "excuses voor de vertraging, wij maken het openstaande bedrag {p} over.",
            "de betaling van {r} en {r2} staat gepland {p}.",
            "onze volgende betaalrun is {p}; factuur {r} zit daarin.",
        ],
    },
}

SUBJECTS = {
    "invoice_copy_request": {
        "en": ["Invoice copy", "Copy of invoice {r}", "Missing invoice", "Re: invoice {r}"],
        "de": ["Rechnungskopie", "Kopie Rechnung {r}", "Rechnung fehlt"],
        "fr": ["Duplicata facture", "Copie facture {r}", "Facture manquante"],
        "es": ["Copia de factura", "Duplicado factura {r}", "Factura no recibida"],
        "nl": ["Kopie factuur", "Factuur {r}", "Ontbrekende factuur"],
    },
    "statement_request": {
        "en": ["Statement request", "Statement of account", "Open items"],
        "de": ["Kontoauszug", "OP-Liste", "Saldenabgleich"],
        "fr": ["Relevé de compte", "Demande de relevé"],
        "es": ["Extracto de cuenta", "Estado de cuenta"],
        "nl": ["Rekeningoverzicht", "Openstaande posten"],
    },
    "balance_inquiry": {
        "en": ["Balance", "Account balance?", "Question about our account"],
        "de": ["Saldo", "Offener Betrag?", "Frage zu unserem Konto"],
        "fr": ["Solde du compte", "Question sur notre solde"],
        "es": ["Saldo pendiente", "Consulta saldo"],
        "nl": ["Saldo", "Vraag over openstaand bedrag"],
    },
    "dispute": {
        "en": [
            "Invoice {r} - query",
            "Problem with invoice {r}",
            "Incorrect invoice",
            "Dispute {r}",
        ],
        "de": ["Reklamation Rechnung {r}", "Rechnung {r} fehlerhaft", "Beanstandung"],
        "fr": ["Contestation facture {r}", "Litige facture {r}", "Réclamation"],
        "es": ["Reclamación factura {r}", "Incidencia factura {r}"],
        "nl": ["Klacht factuur {r}", "Factuur {r} onjuist", "Betwisting"],
    },
    "promise_to_pay": {
        "en": ["Payment update", "Re: Overdue invoices", "Payment of {r}"],
        "de": ["Zahlung", "AW: Zahlungserinnerung", "Zahlungstermin"],
        "fr": ["Paiement", "RE: Relance", "Date de règlement"],
        "es": ["Fecha de pago", "RE: Recordatorio de pago"],
        "nl": ["Betaling", "RE: Betalingsherinnering", "Betaaldatum"],
    },
}

GREET = {
    "en": ["Hello,", "Hi,", "Dear AR team,", "Good afternoon,"],
    "de": ["Sehr geehrte Damen und Herren,", "Hallo,", "Guten Tag,"],
    "fr": ["Bonjour,", "Madame, Monsieur,"],
    "es": ["Buenos días,", "Estimados señores:", "Hola,"],
    "nl": ["Goedemiddag,", "Beste,", "Geachte heer/mevrouw,"],
}
SIGN = {
    "en": ["Thanks,", "Best regards,", "Cheers,"],
    "de": ["Mit freundlichen Grüßen", "Viele Grüße"],
    "fr": ["Cordialement,", "Merci d'avance,"],
    "es": ["Saludos,", "Un cordial saludo,"],
    "nl": ["Met vriendelijke groet,", "Groet,"],
}
MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "de": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "es": [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    "nl": [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
}
WEEKDAYS = {
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"],
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi"],
    "es": ["lunes", "martes", "miércoles", "jueves", "viernes"],
    "nl": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag"],
}


def promise(rng: random.Random, lang: str, d: date, region: str) -> tuple[str, date, str]:
    """A promised date phrase, the date it means, and whether it is absolute or relative."""
    kinds = ["abs", "abs2", "tomorrow", "days", "weeks"]
    if d.weekday() <= 2:
        kinds.append("thisweek")
    last = date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])
    if (last - d).days >= 4:
        kinds.append("eom")
    kind = rng.choice(kinds)
    m = MONTHS[lang]
    if kind in ("abs", "abs2"):
        t = d + timedelta(days=rng.randint(3, 21))
        if kind == "abs":
            s = {
                "en": f"on {t.day} {m[t.month - 1]}"
                if region != "US"
                else f"on {m[t.month - 1]} {t.day}",
                "de": f"am {t.day}. {m[t.month - 1]}",
                "fr": f"le {t.day} {m[t.month - 1]}",
                "es": f"el {t.day} de {m[t.month - 1]}",
                "nl": f"op {t.day} {m[t.month - 1]}",
            }[lang]
        else:
            num = (
                t.strftime("%m/%d/%Y")
                if region == "US"
                else (
                    t.strftime("%d.%m.%Y")
                    if lang == "de"
                    else (t.strftime("%d-%m-%Y") if lang == "nl" else t.strftime("%d/%m/%Y"))
                )
            )
            s = {
                "en": f"by {num}",
                "de": f"bis zum {num}",
                "fr": f"au plus tard le {num}",
                "es": f"antes del {num}",
                "nl": f"uiterlijk {num}",
            }[lang]
        return s, t, "absolute"
    if kind == "tomorrow":
        return (
            {"en": "tomorrow", "de": "morgen", "fr": "demain", "es": "mañana", "nl": "morgen"}[
                lang
            ],
            d + timedelta(days=1),
            "relative",
        )
    if kind == "days":
        return (
            {
                "en": "within 10 days",
                "de": "innerhalb von 10 Tagen",
                "fr": "sous 10 jours",
                "es": "en un plazo de 10 días",
                "nl": "binnen 10 dagen",
            }[lang],
            d + timedelta(days=10),
            "relative",
        )
    if kind == "weeks":
        return (
            {
                "en": "in two weeks",
                "de": "in zwei Wochen",
                "fr": "dans deux semaines",
                "es": "dentro de dos semanas",
                "nl": "over twee weken",
            }[lang],
            d + timedelta(days=14),
            "relative",
        )
    if kind == "thisweek":
        t = d + timedelta(days=4 - d.weekday())
        wd = WEEKDAYS[lang][4]
        return (
            {
                "en": f"this {wd}",
                "de": f"diesen {wd}",
                "fr": f"ce {wd}",
                "es": f"este {wd}",
                "nl": f"deze {wd}",
            }[lang],
            t,
            "relative",
        )
    return (
        {
            "en": "by the end of this month",
            "de": "bis Ende dieses Monats",
            "fr": "d'ici la fin du mois",
            "es": "antes de fin de mes",
            "nl": "voor het einde van deze maand",
        }[lang],
        last,
        "relative",
    )


def quoted_reminder(lang: str, sent: date, numbers: list[str]) -> str:
    head = {
        "en": f"On {sent.isoformat()}, Arbox Example Ltd <ar@arbox.example> wrote:",
        "de": f"Am {sent.strftime('%d.%m.%Y')} schrieb Arbox Example Ltd <ar@arbox.example>:",
        "fr": f"Le {sent.strftime('%d/%m/%Y')}, Arbox Example Ltd <ar@arbox.example> a écrit :",
        "es": f"El {sent.strftime('%d/%m/%Y')}, Arbox Example Ltd <ar@arbox.example> escribió:",
        "nl": f"Op {sent.strftime('%d-%m-%Y')} schreef Arbox Example Ltd <ar@arbox.example>:",
    }[lang]
    body = {
        "en": ["Dear customer,", "our records show the following invoices as overdue:"],
        "de": [
            "Sehr geehrte Kundin, sehr geehrter Kunde,",
            "folgende Rechnungen sind laut unseren Unterlagen überfällig:",
        ],
        "fr": [
            "Chère cliente, cher client,",
            "sauf erreur de notre part, les factures suivantes restent impayées :",
        ],
        "es": [
            "Estimado cliente:",
            "según nuestros registros, las siguientes facturas están vencidas:",
        ],
        "nl": ["Geachte klant,", "volgens onze administratie staan de volgende facturen open:"],
    }[lang]
    lines = (
        [head, "> " + body[0], ">", "> " + body[1]]
        + [f">   {n}" for n in numbers]
        + [">", "> Arbox Example Ltd - Accounts Receivable"]
    )
    return "\n".join(lines)


def forward_header(lang: str, who: str, addr: str, when: date) -> str:
    return {
        "en": "---------- Forwarded message ---------",
        "de": "---------- Weitergeleitete Nachricht ----------",
        "fr": "---------- Message transféré ---------",
        "es": "---------- Mensaje reenviado ---------",
        "nl": "---------- Doorgestuurd bericht ---------",
    }[lang] + f"\nFrom: {who} <{addr}>\nDate: {when.isoformat()}\n"

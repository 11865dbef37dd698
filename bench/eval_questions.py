# long: phrase tables of five intents in five languages.
"""The questions of the development world (``make eval``'s dev set): customers asking for an
invoice copy, a statement, their balance, disputing an invoice or promising to pay, in
English, German, French, Spanish and Dutch, asked straight out or said as a need or a fact,
some quoting our reminder below, some saying what they do not need, a few from addresses
that are no registered contact. Written by the hands that wrote the intent reader, so these
are the questions it is tuned on; the held-out world (bench/HELDOUT.md) is the one it is
judged on. Deterministic: the same seed writes the same bytes.

They come after every remittance of the world (their own phase), dated after its last day,
so that no figure of the remittances changes; labels follow the held-out world's question
schema (``bench/eval_queries.py``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path

from eval_ledger import TODAY, World

LANGS = ("en", "de", "fr", "es", "nl")
INTENTS = (
    "invoice_copy_request",
    "statement_request",
    "balance_inquiry",
    "dispute",
    "promise_to_pay",
)
#: {r} {r2}: invoices; {d}: a promised day written out; {q1} < {q2}: quantities.
ASK: dict[str, dict[str, list[str]]] = {
    "invoice_copy_request": {
        "en": [
            "Could you send us a copy of invoice {r}, please?",
            "We never received invoice {r}. Please send it again.",
            "Invoice {r} seems to have gone missing on our side; we need it for our files.",
            "The PDF of {r} will not open here, a fresh copy would help.",
            "Our approver cannot find invoice {r} anywhere in the system.",
            "We are missing invoices {r} and {r2} for this month's close.",
        ],
        "de": [
            "Könnten Sie uns bitte eine Kopie der Rechnung {r} senden?",
            "Die Rechnung {r} haben wir nie erhalten, bitte nochmals zusenden.",
            "Uns fehlt die Rechnung {r} für die Buchhaltung.",
            "Das PDF der Rechnung {r} lässt sich bei uns nicht öffnen.",
            "Die Rechnungen {r} und {r2} sind bei uns verloren gegangen, wir benötigen sie erneut.",
        ],
        "fr": [
            "Pourriez-vous nous envoyer une copie de la facture {r} ?",
            "Nous n'avons jamais reçu la facture {r}, merci de nous la renvoyer.",
            "La facture {r} est introuvable dans notre système.",
            "Il nous manque la facture {r} pour notre comptabilité.",
            "Le PDF de la facture {r} est illisible, nous aurions besoin d'un nouvel envoi.",
        ],
        "es": [
            "¿Podrían enviarnos una copia de la factura {r}?",
            "No hemos recibido la factura {r}, por favor reenvíenla.",
            "Nos falta la factura {r} para poder contabilizarla.",
            "La factura {r} se ha extraviado en nuestro departamento, la necesitamos de nuevo.",
            "El PDF de la factura {r} no se abre.",
        ],
        "nl": [
            "Kunt u ons een kopie van factuur {r} sturen?",
            "Wij hebben factuur {r} nooit ontvangen, graag opnieuw toesturen.",
            "Factuur {r} ontbreekt nog in onze administratie.",
            "Wij kunnen factuur {r} nergens vinden.",
            "De pdf van factuur {r} is onleesbaar, wij hebben een nieuwe nodig.",
        ],
    },
    "statement_request": {
        "en": [
            "Please send us a statement of our account.",
            "Could we get an updated account statement?",
            "For our year-end audit we need a listing of all open invoices on our account.",
            "Our accountant is waiting for your statement before the books can be closed.",
            "An overview of everything still open with you would help our reconciliation.",
        ],
        "de": [
            "Bitte senden Sie uns einen aktuellen Kontoauszug.",
            "Für den Jahresabschluss fehlt uns noch eine Aufstellung der offenen Posten.",
            "Unsere Prüfer möchten einen aktuellen Kontoauszug sehen.",
            "Könnten Sie uns eine OP-Liste zukommen lassen?",
        ],
        "fr": [
            "Merci de nous envoyer un relevé de compte.",
            "Pour la clôture, un relevé de notre compte nous serait utile.",
            "Nos commissaires aux comptes attendent votre relevé.",
            "Pourriez-vous nous transmettre la liste des factures ouvertes ?",
        ],
        "es": [
            "Por favor, envíennos un estado de cuenta.",
            "Para el cierre necesitamos un extracto de nuestra cuenta.",
            "El auditor quiere ver el listado de facturas pendientes.",
            "¿Nos pueden mandar la relación de facturas abiertas?",
        ],
        "nl": [
            "Graag ontvangen wij een rekeningoverzicht.",
            "Voor de jaarafsluiting hebben wij een rekeningoverzicht nodig.",
            "Onze accountant wacht nog op een overzicht van de openstaande posten.",
            "Kunt u ons een lijst van openstaande facturen sturen?",
        ],
    },
    "balance_inquiry": {
        "en": [
            "How much do we still owe you?",
            "What is our current balance with you?",
            "I'm not sure how much is still outstanding on our side.",
            "We wanted to confirm the total we owe you before the quarter ends.",
        ],
        "de": [
            "Wie hoch ist unser aktueller Saldo bei Ihnen?",
            "Welcher Betrag ist bei Ihnen noch offen?",
            "Ich bin nicht sicher, welcher Betrag bei Ihnen noch offen ist.",
        ],
        "fr": [
            "Quel est le solde de notre compte ?",
            "Combien vous devons-nous encore ?",
            "Nous aimerions connaître le montant restant dû sur notre compte.",
        ],
        "es": [
            "¿Cuál es nuestro saldo pendiente?",
            "¿Cuánto les debemos todavía?",
            "Quisiera saber el saldo que tenemos con ustedes.",
        ],
        "nl": [
            "Wat is ons openstaande saldo?",
            "Hoeveel staat er nog open?",
            "Ik vraag me af wat wij u op dit moment nog verschuldigd zijn.",
        ],
    },
    "dispute": {
        "en": [
            "We dispute invoice {r}: you billed {q2} cartons but only {q1} arrived.",
            "Invoice {r} charges the full list price although we negotiated a discount.",
            "The goods on invoice {r} arrived damaged, please issue a credit note.",
            "Invoice {r} bills the same delivery as invoice {r2}.",
        ],
        "de": [
            "Wir beanstanden die Rechnung {r}: berechnet wurden {q2} Stück, geliefert nur {q1}.",
            "Die Position auf Rechnung {r} wurde bereits mit Rechnung {r2} berechnet.",
            "Auf Rechnung {r} fehlt der vereinbarte Rabatt, bitte korrigieren.",
        ],
        "fr": [
            "Nous contestons la facture {r} : le prix ne correspond pas au devis.",
            "La facture {r} nous facture le transport alors que la livraison était offerte.",
            "Seulement {q1} sur {q2} colis de la facture {r} sont arrivés.",
        ],
        "es": [
            "No estamos de acuerdo con la factura {r}: el precio es incorrecto.",
            "En la factura {r} nos cobran el embalaje aunque estaba incluido.",
            "La mercancía de la factura {r} llegó dañada.",
        ],
        "nl": [
            "Wij betwisten factuur {r}: de prijs klopt niet.",
            "Op factuur {r} is de verzending berekend terwijl die gratis zou zijn.",
            "Van factuur {r} zijn slechts {q1} van de {q2} dozen geleverd.",
        ],
    },
    "promise_to_pay": {
        "en": [
            "We will pay invoice {r} on {d}.",
            "Invoice {r} is lined up for our payment batch on {d}.",
            "Payment of {r} has been approved and will go out on {d}.",
        ],
        "de": [
            "Wir werden die Rechnung {r} am {d} überweisen.",
            "Die Rechnung {r} ist für den Zahllauf am {d} freigegeben.",
        ],
        "fr": [
            "Nous réglerons la facture {r} le {d}.",
            "La facture {r} a été validée et partira le {d}.",
        ],
        "es": [
            "Pagaremos la factura {r} el {d}.",
            "La factura {r} está programada para el {d}.",
        ],
        "nl": [
            "Wij betalen factuur {r} op {d}.",
            "Factuur {r} is ingepland voor {d}.",
        ],
    },
}
#: Subjects: the question's own words, terse, or nothing of it.
SUBJECTS: dict[str, list[str]] = {
    "en": ["Question", "Our account", "Invoice {r}", "Quick one", ""],
    "de": ["Anfrage", "Unser Konto", "Rechnung {r}", "Kurze Frage"],
    "fr": ["Demande", "Notre compte", "Facture {r}", "Question"],
    "es": ["Consulta", "Nuestra cuenta", "Factura {r}", "Pregunta"],
    "nl": ["Vraag", "Onze rekening", "Factuur {r}", "Verzoek"],
}
#: What the writer does not need (another intent, negated).
NOT_NEEDED: dict[str, dict[str, str]] = {
    "en": {"copy": "No need for a statement.", "other": "No need to send a copy."},
    "de": {"copy": "Einen Kontoauszug brauchen wir nicht.", "other": "Eine Kopie ist nicht nötig."},
    "fr": {"copy": "Pas besoin de relevé.", "other": "Inutile de nous envoyer une copie."},
    "es": {"copy": "No hace falta el extracto.", "other": "No necesitamos copia."},
    "nl": {"copy": "Een overzicht is niet nodig.", "other": "Een kopie is niet nodig."},
}
GREETING = {"en": "Hello,", "de": "Guten Tag,", "fr": "Bonjour,", "es": "Hola,", "nl": "Goedendag,"}
THANKS = {
    "en": "Thanks and regards,",
    "de": "Vielen Dank und freundliche Grüße",
    "fr": "Merci et bonne journée,",
    "es": "Gracias y saludos,",
    "nl": "Met vriendelijke groet,",
}
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre"
    " diciembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
}
REMINDER = {
    "en": "From: Accounts Receivable\nSubject: Payment reminder\n\n"
    "The following invoices are overdue:",
    "de": "Von: Buchhaltung\nBetreff: Zahlungserinnerung\n\nFolgende Rechnungen sind überfällig:",
    "fr": "De : Comptabilité\nObjet : Relance\n\nLes factures suivantes sont échues :",
    "es": "De: Contabilidad\nAsunto: Recordatorio\n\nLas siguientes facturas están vencidas:",
    "nl": "Van: Debiteurenbeheer\nOnderwerp: Herinnering\n\nDe volgende facturen zijn vervallen:",
}
#: Every phrasing is asked this many times (by other customers, with other subjects).
ROUNDS = 2
#: Share of questions from an address that is no registered contact of the customer.
STRANGER_SHARE = 0.08


def day_written(lang: str, d: date) -> str:
    if lang == "de":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if lang == "en":
        return f"{MONTHS['en'].split()[d.month - 1]} {d.day}, {d.year}"
    return f"{d.day} {MONTHS[lang].split()[d.month - 1]} {d.year}"


def draw_questions(
    rng: random.Random,
    customers: list[tuple[str, str, str, list[str]]],
    *,
    after: date,
    phase: int,
    message_id: Callable[[bytes], str],
) -> list[tuple[dict[str, object], bytes]]:
    """Questions of ``customers`` (number, name, contact address, open invoice numbers with
    at least two), each intent in each language, every phrasing :data:`ROUNDS` times; label and
    bytes."""
    out: list[tuple[dict[str, object], bytes]] = []
    number = 0
    for _ in range(ROUNDS):
        for intent in INTENTS:
            for lang in LANGS:
                for text in ASK[intent][lang]:
                    number += 1
                    out.append(_one(rng, customers, intent, lang, text, number, after, phase))
    for label, raw in out:
        label["message_id"] = message_id(raw)
    return out


def _one(
    rng: random.Random,
    customers: list[tuple[str, str, str, list[str]]],
    intent: str,
    lang: str,
    text: str,
    number: int,
    after: date,
    phase: int,
) -> tuple[dict[str, object], bytes]:
    customer, name, contact, open_numbers = rng.choice(customers)
    r, r2 = rng.sample(open_numbers, 2)
    when = datetime.combine(after + timedelta(days=1 + number % 3), datetime.min.time())
    when = when.replace(hour=8 + number % 9, minute=number % 60, tzinfo=UTC)
    promised = when.date() + timedelta(days=rng.randint(3, 20))
    q1 = rng.randint(4, 18)
    sentence = text.format(
        r=r, r2=r2, d=day_written(lang, promised), q1=q1, q2=q1 + rng.randint(2, 9)
    )
    tags = ["dev-question"]
    stranger = rng.random() < STRANGER_SHARE
    sender = f"someone{number}@freemail.example" if stranger else contact
    body = [GREETING[lang], "", sentence]
    if rng.random() < 0.25:
        body.append(NOT_NEEDED[lang]["copy" if intent == "invoice_copy_request" else "other"])
        tags.append("negation")
    body += ["", THANKS[lang], name]
    if rng.random() < 0.2:
        body += ["", "-----Original Message-----", REMINDER[lang]]
        body += [f"  {n}" for n in open_numbers[:3]]
        tags.append("quoted-reminder")
    subject = rng.choice(SUBJECTS[lang]).format(r=r)
    refs = [r, r2] if "{r2}" in text and intent != "dispute" else [r] if "{r}" in text else []
    if intent == "dispute" and "{r2}" in text:
        refs = [r]  # the second invoice is what the first one repeats
    msg = EmailMessage()
    msg["From"] = f'"{name}" <{sender}>'
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<q{number:04d}.{customer}@dev-questions.example>"
    msg.set_content("\n".join(body) + "\n")
    raw = msg.as_bytes(policy=SMTP)
    name_ = f"q{number:04d}"
    label: dict[str, object] = {
        "name": name_,
        "file": f"phase{phase}/{name_}.eml",
        "phase": phase,
        "order": 0,
        "message_id": "",
        "sender": sender,
        "customer": customer,
        "from_contact": not stranger,
        "intent": intent,
        "language": lang,
        "refs": refs,
        "promise_date": promised.isoformat() if intent == "promise_to_pay" else None,
        "tags": sorted(tags),
    }
    return label, raw


def write_questions(
    world: World,
    seed: int,
    out: Path,
    *,
    after: date,
    phase: int,
    message_id: Callable[[bytes], str],
) -> list[dict[str, object]]:
    """The dev world's questions, written to their phase folder under ``out``; their labels."""
    customers = [
        (c.number, c.name, world.contacts[c.number][0], world.open_numbers(c.number))
        for c in world.customers
        if world.contacts.get(c.number) and len(world.open_numbers(c.number)) >= 2
    ]
    rng = random.Random(f"eval-questions:{seed}")  # fixture data, not security
    drawn = draw_questions(
        rng, customers, after=max(after, TODAY), phase=phase, message_id=message_id
    )
    folder = out / f"phase{phase}"
    folder.mkdir(exist_ok=True)
    for label, raw in drawn:
        (folder / f"{label['name']}.eml").write_bytes(raw)
    return [label for label, _ in drawn]

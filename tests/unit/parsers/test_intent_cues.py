"""parsers.intent, issue 17: every cue family of every question kind in English, German,
French, Spanish and Dutch, said and negated; the confidence of what is asked; quoted
history adding nothing. The sentences are written to the families' meaning, not copied
from their regexes."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.types import MailKind
from parsers.intent import find_questions
from parsers.intent_disputes import DISPUTE_CUES, DISPUTE_FAMILIES

TODAY = date(2026, 12, 1)
IC, ST, BA = MailKind.INVOICE_COPY_REQUEST, MailKind.STATEMENT_REQUEST, MailKind.BALANCE_INQUIRY
DI, PP = MailKind.DISPUTE, MailKind.PROMISE_TO_PAY


def kinds(text: str, subject: str = "") -> list[MailKind]:
    return [q.kind for q in find_questions(text, subject=subject, today=TODAY)]


#: (family, positive, negated) per language for a dispute.
DISPUTES = [
    ("en", "quantity", "You charged us for 20 cartons but only 16 arrived.",
     "We do not dispute the quantity, all 20 cartons arrived."),
    ("en", "price", "The unit price on invoice 4711 should be 12.50 as agreed, not 14.00.",
     "We do not think we were overcharged."),
    ("en", "damaged", "Three of the pallets arrived damaged.", "None of the goods were damaged."),
    ("en", "not-ordered", "We never ordered the items on invoice 4711.",
     "There is nothing wrong here."),
    ("en", "duplicate", "It looks like we were billed twice for the same delivery.",
     "We were not billed twice."),
    ("en", "po", "Invoice 4711 does not quote our PO number.", "Thanks for adding our PO."),
    ("en", "correct", "Please issue a credit note for invoice 4711.",
     "No need to issue a credit note for invoice 4711."),
    ("en", "withhold", "We are holding payment until the price is sorted out.",
     "We do not hold payment."),
    ("de", "quantity", "Es wurden nur 16 Kartons geliefert, berechnet wurden 20.",
     "Die Menge ist in Ordnung."),
    ("de", "price", "Der Preis auf Rechnung 4711 ist zu hoch berechnet.",
     "Wir beanstanden den Preis nicht."),
    ("de", "damaged", "Die Ware kam beschädigt an.", "Die Ware kam in gutem Zustand an."),
    ("de", "not-ordered", "Diese Artikel haben wir nicht bestellt.", "Alles wie bestellt."),
    ("de", "duplicate", "Die Lieferung wurde doppelt berechnet.",
     "Die Lieferung wurde nicht doppelt berechnet."),
    ("de", "po", "Auf der Rechnung fehlt unsere Bestellnummer.", "Die Bestellnummer passt."),
    ("de", "correct", "Bitte senden Sie uns eine Gutschrift.", "Eine Gutschrift brauchen wir nicht."),
    ("de", "withhold", "Wir halten die Zahlung bis zur Klärung zurück.", "Wir zahlen pünktlich."),
    ("fr", "quantity", "Nous avons reçu seulement 16 cartons sur les 20 facturés.",
     "Les 20 cartons sont bien arrivés."),
    ("fr", "price", "La facture 4711 comporte une erreur de prix.",
     "Nous ne contestons pas le prix."),
    ("fr", "damaged", "La marchandise est arrivée endommagée.", "La marchandise est arrivée."),
    ("fr", "not-ordered", "Nous n'avons jamais commandé ces articles.", "Merci pour la livraison."),
    ("fr", "duplicate", "Cette livraison a été facturée deux fois.", "Merci pour la facture."),
    ("fr", "po", "Le numéro de commande est absent de la facture.", "Merci pour la facture."),
    ("fr", "correct", "Merci de nous faire un avoir.", "Nous n'avons pas besoin d'un avoir."),
    ("fr", "withhold", "Nous bloquons le paiement jusqu'à réception d'un avoir.",
     "Nous ne bloquons pas le paiement."),
    ("es", "quantity", "Solo recibimos 16 cajas de las 20 facturadas.", "Recibimos las 20 cajas."),
    ("es", "price", "El precio de la factura 4711 no es el acordado.", "El precio es correcto."),
    ("es", "damaged", "La mercancía llegó dañada.", "La mercancía llegó bien."),
    ("es", "not-ordered", "No hemos pedido estos artículos.", "Gracias por el envío."),
    ("es", "duplicate", "Nos han facturado dos veces el mismo pedido.", "Gracias por la factura."),
    ("es", "po", "Falta el número de pedido en la factura.", "Gracias por la factura."),
    ("es", "correct", "Por favor envíennos una nota de crédito.",
     "No necesitamos una nota de crédito."),
    ("es", "withhold", "Vamos a retener el pago hasta que nos envíen la corrección.",
     "Gracias por la factura."),
    ("nl", "quantity", "Wij hebben slechts 16 dozen ontvangen in plaats van 20.",
     "Alle 20 dozen zijn ontvangen."),
    ("nl", "price", "De prijs op factuur 4711 klopt niet.", "Wij betwisten de prijs niet."),
    ("nl", "damaged", "De goederen zijn beschadigd aangekomen.", "De goederen zijn aangekomen."),
    ("nl", "not-ordered", "Deze artikelen zijn niet besteld.", "Bedankt voor de levering."),
    ("nl", "duplicate", "Factuur 4711 is dubbel gefactureerd.", "Bedankt voor de factuur."),
    ("nl", "po", "Het ordernummer ontbreekt op de factuur.", "Bedankt voor de factuur."),
    ("nl", "correct", "Graag ontvangen wij een creditnota.", "Wij hebben geen creditnota nodig."),
    ("nl", "withhold", "Wij houden de betaling aan tot wij de creditnota ontvangen.",
     "Bedankt voor de factuur."),
    ("nl", "general", "Het bedrag op de factuur is onjuist.", "Wij betwisten de factuur niet."),
    # a credit note asked for; thanked for, or listed among what a statement shows, it is none
    ("en", "credit", "Please send us a credit note for the two missing cartons.",
     "Thanks for the credit note, we have booked it."),
    ("en", "credit", "Could you issue a credit memo for invoice 4711?",
     "Please send a statement of account including all invoices and credit notes."),
    ("de", "credit", "Bitte stellen Sie uns für die Differenz eine Gutschrift aus.",
     "Vielen Dank für die Gutschrift 4711, wir haben sie gebucht."),
    ("de", "credit", "Wir benötigen eine Gutschrift über 120,00 EUR.",
     "Wir benötigen einen Kontoauszug mit allen offenen Rechnungen und Gutschriften."),
    ("fr", "credit", "Merci de nous établir un avoir pour la différence.",
     "Nous avons bien reçu votre avoir, merci."),
    ("fr", "credit", "Pourriez-vous nous faire un avoir ?",
     "Merci de nous envoyer un relevé de compte avec toutes les factures et avoirs."),
    ("es", "credit", "Por favor, emitan una nota de crédito por la diferencia.",
     "Gracias por la nota de crédito, ya la hemos registrado."),
    ("es", "credit", "Necesitamos una nota de crédito por las unidades que faltan.",
     "Les rogamos nos envíen un estado de cuenta con facturas y notas de crédito."),
    ("nl", "credit", "Graag ontvangen wij een creditnota voor het verschil.",
     "Bedankt voor de creditnota, wij hebben deze verwerkt."),
    ("nl", "credit", "Kunt u een creditnota sturen voor factuur 4711?",
     "Graag een rekeningoverzicht inclusief alle creditnota's."),
]  # fmt: skip

#: (language, kind, positive, negated) for the other kinds.
OTHERS = [
    ("en", IC, "Could you send me a copy of invoice 61408?", "No need to send a copy of it."),
    ("en", IC, "I can't find invoice 4711, can you send it over?", "We found invoice 4711."),
    ("de", IC, "Könnten Sie uns die Rechnung 4711 nochmals zusenden?",
     "Eine Rechnungskopie brauchen wir nicht."),
    ("fr", IC, "Pourriez-vous nous renvoyer la facture 4711 ?", "Merci pour la facture 4711."),
    ("es", IC, "¿Podrían reenviarnos la factura 4711?", "No necesitamos copia de la factura."),
    ("nl", IC, "Kunt u ons een kopie van factuur 4711 sturen?",
     "Wij hebben geen kopie van factuur 4711 nodig."),
    ("nl", IC, "Wij hebben factuur 4711 niet ontvangen, kunt u deze nogmaals sturen?",
     "Bijgevoegd vindt u een kopie van factuur 4711."),
    ("en", ST, "Please send us a statement of account.", "No need to send a statement."),
    ("de", ST, "Bitte senden Sie uns einen Kontoauszug.", "Einen Kontoauszug brauchen wir nicht."),
    ("fr", ST, "Pourriez-vous nous envoyer un relevé de compte ?",
     "Ci-joint notre relevé de compte."),
    ("es", ST, "¿Podrían enviarnos un estado de cuenta?", "No necesitamos el estado de cuenta."),
    ("nl", ST, "Kunt u ons een rekeningoverzicht sturen?", "Bijgevoegd ons rekeningoverzicht."),
    ("nl", ST, "Graag ontvangen wij een saldo-overzicht.", "Een saldo-overzicht is niet nodig."),
    ("en", BA, "What is our current balance?", "Our balance is fine, thanks."),
    ("de", BA, "Wie hoch ist unser offener Saldo?", "Danke für die Information."),
    ("fr", BA, "Combien vous devons-nous ?", "Merci pour votre réponse."),
    ("es", BA, "¿Cuánto les debemos?", "Gracias por su respuesta."),
    ("nl", BA, "Wat is ons openstaand saldo?", "Bedankt voor uw antwoord."),
    ("nl", BA, "Kunt u ons het openstaande saldo laten weten?", "Het saldo hoeft u niet te sturen."),
    ("en", PP, "We will pay invoice 4711 on Friday.", "We will not pay invoice 4711 on Friday."),
    ("de", PP, "Wir werden die Rechnung Ende des Monats begleichen.",
     "Wir werden die Rechnung nicht begleichen."),
    ("fr", PP, "Nous réglerons la facture 4711 le 15 décembre.", "Merci pour la facture."),
    ("es", PP, "Pagaremos la factura 4711 el viernes.", "Gracias por la factura."),
    ("nl", PP, "Wij betalen factuur 4711 op vrijdag.", "Wij betalen factuur 4711 niet."),
    ("nl", PP, "Betaling volgt volgende week.", "Bedankt voor de factuur."),
    ("nl", PP, "De factuur wordt morgen betaald.", "Bedankt voor de factuur."),
]  # fmt: skip


def test_every_dispute_family_is_covered_in_every_language():
    covered = {(lang, family) for lang, family, _, _ in DISPUTES}
    for cue in DISPUTE_CUES:
        lang, family = cue.family.split("-", 1)
        assert family in DISPUTE_FAMILIES
        assert (lang, family) in covered or family == "general", cue.family


@pytest.mark.parametrize(("lang", "family", "said", "negated"), DISPUTES)
def test_each_dispute_family_is_read_and_its_negation_is_not(lang, family, said, negated):
    assert DI in kinds(said), (lang, family)
    assert DI not in kinds(negated), (lang, family)


@pytest.mark.parametrize(("lang", "kind", "said", "negated"), OTHERS)
def test_each_kind_is_read_in_each_language_and_its_negation_is_not(lang, kind, said, negated):
    assert kinds(said)[:1] == [kind], lang
    assert kind not in kinds(negated), lang


def test_issue_17_the_short_shipment_with_a_credit_note_and_payment_held_is_a_sure_dispute():
    text = (
        "You charged us for 20 cartons but 16 arrived; please send a credit note, "
        "we are holding payment until then."
    )
    (question,) = find_questions(text, subject="Invoice 61408", today=TODAY)
    assert question.kind is DI
    assert question.refs == ("61408",)
    assert question.confidence >= 0.9  # quantity, credit note and withholding agree


def test_a_corrected_invoice_asked_for_is_a_dispute_not_a_copy():
    assert kinds("Please resend invoice 4711 as a corrected invoice.") == [DI]
    assert kinds("Bitte senden Sie uns eine korrigierte Rechnung.") == [DI]


def test_confidence_grows_with_the_evidence():
    def confidence(text: str, subject: str = "") -> float:
        (question,) = find_questions(text, subject=subject, today=TODAY)
        return question.confidence

    weak = confidence("The pallet arrived damaged.")
    named = confidence("The pallet for invoice 4711 arrived damaged.")
    assert weak < 0.5 <= named
    assert confidence("Please send a copy of invoice 4711.") > confidence(
        "Please send the invoice."
    )
    assert confidence("What is our balance?", subject="Balance") >= confidence(
        "What is our balance?"
    )


def test_a_copy_asked_in_the_sentence_that_disputes_is_less_sure():
    questions = find_questions(
        "Invoice 4711 is wrong, please send a copy of invoice 4712.", subject="", today=TODAY
    )
    copy = next(q for q in questions if q.kind is IC)
    alone = find_questions("Please send a copy of invoice 4712.", subject="", today=TODAY)
    assert copy.confidence < alone[0].confidence


_OBJECTS = [
    "a copy of invoice 4711",
    "a duplicate of invoice 4711",
    "a statement of account",
    "an account statement",
    "a list of open invoices",
    "invoice 4711 again",
]
_NEGATIONS = ["We do not need", "No need to send", "We don't need", "We no longer need"]


@given(negation=st.sampled_from(_NEGATIONS), obj=st.sampled_from(_OBJECTS))
def test_a_negated_request_never_asks(negation, obj):
    assert not {IC, ST} & set(kinds(f"{negation} {obj}."))


@given(
    negation=st.sampled_from(["We do not", "We don't", "We no longer"]),
    verb=st.sampled_from(["dispute", "contest", "reject", "query"]),
    obj=st.sampled_from(["invoice 4711", "the price on invoice 4711", "this invoice"]),
)
def test_a_negated_dispute_is_none(negation, verb, obj):
    assert DI not in kinds(f"{negation} {verb} {obj}.")


_SAID = [said for _, _, said, _ in DISPUTES] + [said for _, _, said, _ in OTHERS]
_HEADERS = [
    "On Mon, 30 Nov 2026 at 09:00, AR <ar@arbox.example> wrote:",
    "Am 30.11.2026 um 09:00 schrieb AR <ar@arbox.example>:",
    "Le lun. 30 nov. 2026 à 09:00, AR <ar@arbox.example> a écrit :",
    "El lun, 30 nov 2026 a las 9:00, AR <ar@arbox.example> escribió:",
    "Op ma 30 nov. 2026 om 09:00 schreef AR <ar@arbox.example>:",
    "-----Original Message-----",
]


@given(
    own=st.sampled_from(["Thanks, noted.", "Danke.", "Merci.", "Gracias.", "Bedankt.", *_SAID]),
    header=st.sampled_from(_HEADERS),
    quoted=st.lists(st.sampled_from(_SAID), min_size=1, max_size=4),
    marker=st.sampled_from(["", "> "]),
)
def test_quoted_text_below_a_reply_header_never_adds_a_question(own, header, quoted, marker):
    history = "\n".join(marker + line for line in quoted)
    alone = find_questions(own, subject="", today=TODAY)
    with_history = find_questions(f"{own}\n\n{header}\n{history}\n", subject="", today=TODAY)
    assert [q.kind for q in with_history] == [q.kind for q in alone]


@pytest.mark.parametrize(
    ("text", "promised"),
    [
        ("Wij betalen factuur 4711 op vrijdag.", date(2026, 12, 4)),
        ("Betaling volgt volgende week.", date(2026, 12, 11)),
        ("Wij zullen de factuur voor het einde van de maand voldoen.", date(2026, 12, 31)),
        ("De factuur wordt overmorgen betaald.", date(2026, 12, 3)),
        ("Wij maken het bedrag binnen 10 dagen over.", date(2026, 12, 11)),
        ("Wij betalen op 15 december.", date(2026, 12, 15)),
    ],
)
def test_a_dutch_promise_carries_the_date_it_names(text, promised):
    (question,) = find_questions(text, subject="", today=TODAY)
    assert question.kind is PP
    assert question.promise_date == promised

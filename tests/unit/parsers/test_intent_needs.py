"""Questions written as a need or a fact (parsers.intent_needs): the topic and what the writer
says of it, in five languages, and the sentences that look alike but ask nothing."""

from __future__ import annotations

from datetime import date

import pytest

from core.types import MailKind
from parsers.intent import find_questions
from parsers.intent_needs import needs_asked

TODAY = date(2026, 12, 7)  # a Monday
COPY = MailKind.INVOICE_COPY_REQUEST
STATEMENT = MailKind.STATEMENT_REQUEST
BALANCE = MailKind.BALANCE_INQUIRY
PROMISE = MailKind.PROMISE_TO_PAY
DISPUTE = MailKind.DISPUTE
MIN_CONFIDENCE = 0.5


def _asked(text: str, subject: str = "Hello") -> list[tuple[MailKind, float]]:
    return [(q.kind, q.confidence) for q in find_questions(text, subject=subject, today=TODAY)]


ASKED = [
    # copies: the document is missing, unusable, or needed
    (COPY, "Invoice 90047711 seems to have gone astray somewhere between your office and ours."),
    (COPY, "The PDF attachment of 90047711 is blank when we open it."),
    (COPY, "We only have the first page of invoice 90047711 on file."),
    (COPY, "Our controller is chasing the original of invoice 90047711 for the file."),
    (COPY, "Invoice 90047711 is not in our records, which blocks the approval."),
    (COPY, "Die Rechnung 90047711 ist in unserem Eingang verloren gegangen."),
    (COPY, "Leider fehlt uns der Beleg 90047711 für die Buchung."),
    (COPY, "Das PDF zur Rechnung 90047711 ist unleserlich."),
    (COPY, "La facture 90047711 est introuvable chez nous."),
    (COPY, "Le PDF de la facture 90047711 est illisible, il nous faudrait une version propre."),
    (COPY, "La factura 90047711 se ha extraviado en nuestro departamento."),
    (COPY, "Nos falta la factura 90047711 para poder contabilizarla."),
    (COPY, "Factuur 90047711 is onvolledig bij ons binnengekomen."),
    (COPY, "Wij missen nog factuur 90047711 in onze boekhouding."),
    # statements: the document and a need, a lack, a wish to know or an audit
    (STATEMENT, "For our year-end audit we need a listing of all open invoices on our account."),
    (STATEMENT, "An account statement as of 30 November would help our reconciliation."),
    (STATEMENT, "Our accountant is waiting for your statement before the books can be closed."),
    (STATEMENT, "Für den Jahresabschluss fehlt uns noch eine Aufstellung der offenen Posten."),
    (STATEMENT, "Unsere Prüfer möchten einen aktuellen Kontoauszug sehen."),
    (STATEMENT, "Pour la clôture, un relevé de notre compte nous serait utile."),
    (STATEMENT, "Nos commissaires aux comptes attendent votre relevé."),
    (STATEMENT, "Para el cierre necesitamos un extracto de nuestra cuenta."),
    (STATEMENT, "El auditor quiere ver el listado de facturas pendientes."),
    (STATEMENT, "Voor de jaarafsluiting hebben wij een rekeningoverzicht nodig."),
    (STATEMENT, "Onze accountant wacht nog op een overzicht van de openstaande posten."),
    # balances: what is owed, and a wish to know or a need
    (BALANCE, "I'm not sure how much is still outstanding on our side."),
    (BALANCE, "We wanted to confirm the total we owe you before the quarter ends."),
    (BALANCE, "Ich bin nicht sicher, welcher Betrag bei Ihnen noch offen ist."),
    (BALANCE, "Nous aimerions connaître le montant restant dû sur notre compte."),
    (BALANCE, "Quisiera saber el saldo que tenemos con ustedes."),
    (BALANCE, "Ik vraag me af wat wij u op dit moment nog verschuldigd zijn."),
    # promises: a run or a release for payment, and a day to come
    (PROMISE, "Invoice 90047711 is lined up for our Thursday payment batch on 10 December."),
    (PROMISE, "Die Rechnung 90047711 ist für den Zahllauf am 15.12.2026 freigegeben."),
    (PROMISE, "La facture 90047711 a été validée et partira le 14 décembre."),
    (PROMISE, "La factura 90047711 está programada para el 18 de diciembre."),
    (PROMISE, "Factuur 90047711 is ingepland voor 16 december."),
    # disputes: a problem with what an invoice charges, said as a fact
    (DISPUTE, "Invoice 90047711 charges the full list price although we negotiated a discount."),
    (DISPUTE, "Die Position auf Rechnung 90047711 wurde bereits mit der Vorrechnung berechnet."),
    (
        DISPUTE,
        "La facture 90047711 nous facture le transport alors que la livraison était offerte.",
    ),
    (DISPUTE, "En la factura 90047711 nos cobran el embalaje aunque estaba incluido."),
    (DISPUTE, "Op factuur 90047711 is de verzending berekend terwijl die gratis zou zijn."),
    # the classes of the second round: the noun first, the negation as the problem, the
    # quantity the other way round, the payee's side of a promise, a favour, a task to finish
    (DISPUTE, "The rebate we negotiated in March does not show on invoice 90047711."),
    (DISPUTE, "Bei Rechnung 90047711 wurde der Skonto nicht abgezogen, der vereinbart war."),
    (DISPUTE, "Sur les 40 palettes de la facture 90047711, seulement 36 sont arrivées."),
    (DISPUTE, "De las 12 cajas de la factura 90047711 solo 9 estaban en el camión."),
    (DISPUTE, "Van de 30 dozen op factuur 90047711 zijn er maar 25 aangekomen."),
    (DISPUTE, "Of the 50 units on invoice 90047711 only 44 were in the shipment."),
    (PROMISE, "You will receive the payment for 90047711 on 18 December."),
    (PROMISE, "Das Geld für Rechnung 90047711 geht am 16.12.2026 raus."),
    (PROMISE, "Vous recevrez le virement pour la facture 90047711 le 15 décembre."),
    (PROMISE, "Recibirán el pago de la factura 90047711 el 17 de diciembre."),
    (PROMISE, "U ontvangt het bedrag voor factuur 90047711 op 14 december."),
    (COPY, "With a readable copy of invoice 90047711 we can close the month."),
    (COPY, "Mit der Rechnung 90047711 als PDF könnten wir die Buchung abschließen."),
    (COPY, "Avec la facture 90047711 nous pourrons enfin comptabiliser la livraison."),
    (COPY, "Con la factura 90047711 podríamos contabilizar el pedido."),
    (COPY, "Met factuur 90047711 in handen kunnen wij de inkoop verwerken."),
    (COPY, "Nous n'arrivons pas à télécharger la facture 90047711 depuis le lien."),
    (STATEMENT, "A short overview of the items still open would do us a favour."),
    (STATEMENT, "Über einen aktuellen Kontoauszug würden wir uns freuen."),
    (STATEMENT, "Un relevé de notre compte nous rendrait service pour le rapprochement."),
    (STATEMENT, "Wij zijn de boeken aan het afsluiten en wachten op uw overzicht."),
    (BALANCE, "We'd be glad to hear where our account is at right now."),
    (BALANCE, "Nous voulons savoir où en sont nos comptes avec vous."),
    (BALANCE, "Ik wil graag weten hoe onze rekening ervoor staat."),
    (BALANCE, "Quisiera saber cómo está nuestra cuenta con ustedes."),
    # the third round: a figure needed, a task impossible without the document, a day of
    # the month alone, a quantity ordered against one billed, "not correct", nothing to pay
    (BALANCE, "Our budget review only lacks one number: the total we owe you today."),
    (BALANCE, "Für die Planung brauche ich nur eine Zahl, nämlich was wir Ihnen noch schulden."),
    (BALANCE, "Il nous manque un seul chiffre : le montant que nous vous devons encore."),
    (STATEMENT, "Without your statement our auditor cannot sign off the year."),
    (BALANCE, "Le budget n'attend plus qu'un montant : ce que nous vous devons au total."),
    # the fourth round
    (COPY, "The courier lost our October mail, so we have nothing on file for invoice 90047711."),
    (COPY, "La factura 90047711 sale en su recordatorio, pero no la tenemos en ningún sitio."),
    (COPY, "Factuur 90047711 is nooit bij onze crediteurenadministratie terechtgekomen."),
    (BALANCE, "Before I book the accrual I have to know the remaining amount on 90047711."),
    (BALANCE, "No podemos cerrar hasta que sepamos qué está pendiente con ustedes."),
    (DISPUTE, "Rechnung 90047711 ist noch nach der alten Preisliste abgerechnet."),
    (DISPUTE, "90047711 y 90047712 corresponden al mismo albarán."),
    (DISPUTE, "Het magazijn tekende maar voor 4 van de 10 stuks op factuur 90047711."),
    (BALANCE, "El cierre solo espera una cifra: el total que les debemos."),
    (BALANCE, "Die Planung wartet nur noch auf eine Zahl: was wir Ihnen schulden."),
    (STATEMENT, "Ohne Ihre Gesamtübersicht finden wir die Differenz im Saldenabgleich nicht."),
    (STATEMENT, "Sans votre relevé, impossible de finir le rapprochement."),
    (PROMISE, "The transfer for 90047711 goes out on the 18th."),
    (PROMISE, "La transferencia de la factura 90047711 sale el día 18."),
    (PROMISE, "Factuur 90047711 wordt betaald op de 18e."),
    (DISPUTE, "We ordered 12 boxes but invoice 90047711 charges 15."),
    (DISPUTE, "Pedimos 10 cajas y en la factura 90047711 nos cobraron 14."),
    (DISPUTE, "Die Rechnung 90047711 stimmt nicht, der Preis ist zu hoch."),
    (DISPUTE, "La factura 90047711 no esta correcta."),
    (
        DISPUTE,
        "The goods of invoice 90047711 went back with your driver, so there is nothing to pay.",
    ),
]


@pytest.mark.parametrize(("kind", "text"), ASKED)
def test_a_need_said_as_a_fact_is_read_as_its_question(kind: MailKind, text: str) -> None:
    asked = _asked(text)
    assert asked, f"nothing read in {text!r}"
    first, confidence = asked[0]
    assert first is kind, asked
    assert confidence >= MIN_CONFIDENCE


NOT_ASKED = [
    "No need for a copy of invoice 90047711, we found it.",
    "We do not need a statement, thank you.",
    "Wir brauchen keinen Kontoauszug mehr.",
    "Nous n'avons pas besoin du relevé.",
    "No necesitamos el extracto.",
    "Wij hebben geen overzicht nodig.",
    "We need to pay invoice 90047711 this week.",
    "Please find attached our statement of your account.",
    "Anbei unser Kontoauszug zur Abstimmung.",
    "Payment of 1,234.00 for invoice 90047711 was released in last week's payment run.",
    "Invoice 90047711 was paid in the payment run of 1 December.",
    "Thank you for the invoice 90047711, all received in good order.",
    "Remittance advice: invoice 90047711 paid 1,234.00.",
    "Nothing is missing from invoice 90047711.",
]


@pytest.mark.parametrize("text", NOT_ASKED)
def test_what_asks_nothing_gives_no_confident_question(text: str) -> None:
    assert not [kind for kind, confidence in _asked(text) if confidence >= MIN_CONFIDENCE]


def test_what_is_still_owed_on_an_invoice_is_a_balance_not_a_copy() -> None:
    asked = _asked("It would help us to know what is still owed on invoice 90047711.")
    assert asked and asked[0][0] is BALANCE


def test_a_payment_run_named_as_the_time_of_a_question_promises_nothing() -> None:
    asked = _asked("Ahead of our next payment run we'd like to know the total we owe you.")
    assert [kind for kind, _ in asked] == [BALANCE]


def test_a_legal_footer_asks_nothing() -> None:
    text = (
        "Hello,\n\nthanks for the quick delivery.\n\nRegards,\nJane\n\n"
        "This e-mail is confidential and intended solely for the addressee. If you have "
        "received it in error, please notify the sender and delete it. A wrong delivery "
        "must be reported to the sender.\n"
    )
    assert _asked(text) == []


def test_we_complain_about_nothing_is_no_dispute() -> None:
    asked = _asked("Wir reklamieren nichts, wir wüssten nur gern, was wir Ihnen noch schulden.")
    assert [kind for kind, _ in asked] == [BALANCE]


def test_a_kind_a_cue_found_is_not_looked_for_again() -> None:
    sentence = "Invoice 90047711 never reached us."
    assert COPY in needs_asked(sentence, names_invoice=lambda: True, today=TODAY)
    assert not needs_asked(sentence, names_invoice=lambda: True, today=TODAY, skip=(COPY,))


def test_the_references_are_read_only_for_a_sentence_with_a_topic() -> None:
    calls: list[int] = []

    def names() -> bool:
        calls.append(1)
        return True

    assert not needs_asked("Kind regards, Jane", names_invoice=names, today=TODAY)
    assert not calls


def test_a_statement_named_beside_what_is_owed_asks_for_the_statement() -> None:
    asked = _asked("We would like a statement showing what we still owe you.")
    assert asked[0][0] is STATEMENT


def test_an_invoice_missing_what_was_agreed_is_a_dispute_first() -> None:
    asked = _asked("Invoice 90047711 is missing the agreed discount of 5 %.")
    assert asked and asked[0][0] is DISPUTE


def test_the_rows_of_a_remittance_table_are_no_questions() -> None:
    # Given a plain-text advice whose rows carry deductions and their reasons
    text = (
        "Betalingsadvies\n\n"
        "5100000001 90047711 06-10-2026 8.574,79 0,00 1.028,97 vracht niet akkoord 7.545,82\n"
        "5100000002 90047712 08-10-2026 1.132,21 0,00 226,44 beschadigde goederen 905,77\n"
        "Totaal: 8.451,59\n"
    )
    # Then the reasons are the deductions', not a dispute
    assert _asked(text) == []


def test_a_dispute_with_two_amounts_in_words_is_still_a_dispute() -> None:
    asked = _asked("Invoice 90047711 bills 1,200.00 although the price we agreed was 1,000.00.")
    assert asked and asked[0][0] is DISPUTE


def test_a_spanish_answer_is_no_french_dispute() -> None:
    # "contestar" is to answer; "contester" to dispute
    assert _asked("Disculpen si tardo en contestar, estamos de mudanza.") == []


def test_no_dispute_in_french_is_no_dispute() -> None:
    assert _asked("Aucun litige de notre part, la facture 90047711 est juste en attente.") == []


def test_the_invoices_are_there_it_is_the_overview_that_is_missing() -> None:
    asked = _asked("We have all the invoices; what is missing is your overall view of the account.")
    assert [kind for kind, _ in asked] == [STATEMENT]

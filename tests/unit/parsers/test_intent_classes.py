"""parsers.intent: classes of phrasing the reader missed on mail written by others, each
in English, German, French, Spanish and Dutch, said and negated (no subject helps): a
promise phrased as scheduling, a request stated as a need or a fact without a question
mark, a balance asked indirectly, and credit notes named in a statement request."""

from __future__ import annotations

from datetime import date

import pytest

from core.types import MailKind
from parsers.intent import find_questions
from parsers.intent_dates import find_date

#: A Tuesday.
TODAY = date(2026, 11, 3)
IC, ST, BA = MailKind.INVOICE_COPY_REQUEST, MailKind.STATEMENT_REQUEST, MailKind.BALANCE_INQUIRY
DI, PP = MailKind.DISPUTE, MailKind.PROMISE_TO_PAY


def kinds(text: str) -> list[MailKind]:
    return [q.kind for q in find_questions(text, subject="", today=TODAY)]


#: (language, promise phrased as scheduling, the date it names or None, negated or past).
SCHEDULED = [
    ("en", "Invoice 90041958 is included in our next payment run.", None,
     "Invoice 90041958 is not included in our next payment run."),
    ("en", "90041958 will go out in our next payment run on 10 November.", date(2026, 11, 10),
     "90041958 was paid in last week's payment run."),
    ("en", "Invoice 90041958 is scheduled for payment on 13/11/2026.", date(2026, 11, 13),
     "Invoice 90041958 is not scheduled for payment yet."),
    ("en", "Your invoice has been approved for payment with our Friday check run.",
     date(2026, 11, 6), "Your invoice has not been approved for payment."),
    ("en", "We are planning to settle invoice 90041958 by the end of the month.",
     date(2026, 11, 30), "We have already settled invoice 90041958."),
    ("de", "Rechnung 90041958 ist in unserem nächsten Zahllauf enthalten.", None,
     "Rechnung 90041958 ist in unserem nächsten Zahllauf nicht enthalten."),
    ("de", "Die Zahlung ist für den 16.11.2026 eingeplant.", date(2026, 11, 16),
     "Die Zahlung ist noch nicht eingeplant."),
    ("de", "Die Rechnung ist zur Zahlung freigegeben und geht in KW 46 raus.",
     date(2026, 11, 13), "Die Rechnung ist nicht zur Zahlung freigegeben."),
    ("de", "Die Rechnung 90041958 werden wir bis zum 16.11.2026 begleichen.",
     date(2026, 11, 16), "Die Rechnung 90041958 wurde im letzten Zahllauf beglichen."),
    ("fr", "Notre prochaine campagne de paiement aura lieu le 12 novembre.", date(2026, 11, 12),
     "La facture a été réglée lors de la dernière campagne de paiement."),
    ("fr", "Le paiement de la facture 90041958 est prévu au plus tard le 08/11/2026.",
     date(2026, 11, 8), "Le paiement de la facture 90041958 n'est pas prévu."),
    ("fr", "La facture 90041958 sera mise en paiement d'ici la fin du mois.",
     date(2026, 11, 30), "La facture 90041958 a été mise en paiement le 30/10/2026."),
    ("fr", "Nous prévoyons de régler la facture vendredi prochain.", date(2026, 11, 6),
     "Nous avons réglé la facture vendredi dernier."),
    ("es", "El pago de la factura 90041958 está previsto este viernes.", date(2026, 11, 6),
     "El pago de la factura 90041958 no está previsto todavía."),
    ("es", "La factura 90041958 entra en nuestra próxima remesa de pagos.", None,
     "La factura 90041958 no entra en la remesa de pagos."),
    ("es", "La transferencia está programada para el 10/11/2026.", date(2026, 11, 10),
     "Hemos pagado la factura 90041958 en la remesa anterior."),
    ("es", "Tenemos previsto abonar la factura a finales de noviembre.", date(2026, 11, 30),
     "Ya hemos abonado la factura."),
    ("nl", "Factuur 90041958 staat gepland voor betaling op 12 november.", date(2026, 11, 12),
     "Factuur 90041958 staat niet gepland voor betaling."),
    ("nl", "Factuur 90041958 wordt meegenomen in de volgende betaalrun.", None,
     "Factuur 90041958 wordt niet meegenomen in de volgende betaalrun."),
    ("nl", "Volgende week betalen wij factuur 90041958.", date(2026, 11, 13),
     "Factuur 90041958 is vorige week betaald."),
    ("nl", "De betaling is ingepland voor eind november.", date(2026, 11, 30),
     "De betaling is niet ingepland."),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "said", "promised", "negated"), SCHEDULED)
def test_a_promise_phrased_as_scheduling_is_read_with_its_date(lang, said, promised, negated):
    (question,) = find_questions(said, subject="", today=TODAY)
    assert question.kind is PP, lang
    assert question.promise_date == promised, lang
    assert PP not in kinds(negated), lang


#: (language, kind, a request stated as a need or a fact, the same without asking).
NEEDS = [
    ("en", IC, "We need a copy of invoice 90041958 for our auditors.",
     "We no longer need a copy of invoice 90041958."),
    ("en", IC, "Invoice 90041958 is nowhere to be found on our side, please re-send it.",
     "We found invoice 90041958, thanks."),
    ("en", IC, "We can't seem to locate invoice 90041958 in our system.",
     "We located invoice 90041958 in our system."),
    ("de", IC, "Die Rechnung 90041958 ist bei uns nicht auffindbar – bitte nochmals zusenden.",
     "Die Rechnung 90041958 ist wieder aufgetaucht, danke."),
    ("de", IC, "Für die Prüfung benötigen wir ein Duplikat der Rechnung 90041958.",
     "Ein Duplikat der Rechnung 90041958 benötigen wir nicht mehr."),
    ("de", IC, "Leider finden wir die Rechnung 90041958 nicht.", "Wir haben die Rechnung gefunden."),
    ("fr", IC, "Je ne retrouve pas la facture n° 90041958 dans nos dossiers, pouvez-vous me "
     "la renvoyer ?", "J'ai retrouvé la facture n° 90041958 dans nos dossiers."),
    ("fr", IC, "Il nous faut une copie de la facture 90041958.",
     "Il ne nous faut plus de copie de la facture 90041958."),
    ("fr", IC, "Merci de me renvoyer une copie pour notre audit.",
     "Inutile de me renvoyer une copie."),
    ("es", IC, "Necesitamos un duplicado de las facturas 43587 y 90042185 para nuestra "
     "auditoría.", "Ya no necesitamos el duplicado de las facturas."),
    ("es", IC, "No localizamos la factura 90041958, ¿nos la pueden volver a enviar?",
     "Ya localizamos la factura 90041958."),
    ("es", IC, "Por favor, envíenla de nuevo.", "Gracias por enviarla."),
    ("nl", IC, "Wij hebben een kopie van factuur 90041958 nodig.",
     "Wij hebben geen kopie van factuur 90041958 nodig."),
    ("nl", IC, "Wij kunnen factuur 90041958 nergens terugvinden, kunt u deze opnieuw toesturen?",
     "Wij hebben factuur 90041958 teruggevonden."),
    ("nl", IC, "Graag de factuur nog een keer toesturen.", "U hoeft de factuur niet opnieuw te "
     "sturen."),
    ("de", ST, "Zum Jahresabschluss benötigen wir einen Kontoauszug mit allen offenen "
     "Rechnungen und Gutschriften.", "Einen Kontoauszug benötigen wir nicht."),
    ("fr", ST, "Il nous faut un relevé de compte pour la clôture.",
     "Il ne nous faut pas de relevé de compte."),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "kind", "said", "negated"), NEEDS)
def test_a_request_stated_as_a_need_or_a_fact_is_read(lang, kind, said, negated):
    assert kinds(said) == [kind], lang
    assert kind not in kinds(negated), lang


#: (language, a balance asked indirectly, a sentence about the balance that asks nothing).
BALANCES = [
    ("en", "Could you tell us what's still outstanding on our account?",
     "Nothing is outstanding on our side."),
    ("en", "I'd like to know what we still owe you.", "We know what we owe you."),
    ("en", "Please let me know if anything is still outstanding on our account.",
     "Thanks for your mail."),
    ("de", "Können Sie uns mitteilen, welcher Betrag derzeit noch offen ist?",
     "Der Betrag ist beglichen."),
    ("de", "Ich hätte gern gewusst, was bei Ihnen für uns noch offen steht.",
     "Bei uns steht nichts mehr offen."),
    ("fr", "Quel est le montant restant dû sur notre compte ?", "Merci pour votre retour."),
    ("fr", "Pourriez-vous m'indiquer ce qu'il nous reste à payer ?", "Tout est réglé."),
    ("es", "¿Cuánto queda pendiente?", "No queda nada pendiente."),
    ("es", "Nos pueden indicar qué importe tenemos pendiente con ustedes.",
     "Gracias por la información."),
    ("nl", "Welk bedrag staat er nog open?", "Er staat niets meer open."),
    ("nl", "Kunt u mij laten weten hoeveel wij nog verschuldigd zijn?",
     "Bedankt voor het overzicht."),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "said", "nothing"), BALANCES)
def test_a_balance_asked_indirectly_is_a_balance_inquiry(lang, said, nothing):
    assert kinds(said) == [BA], lang
    assert BA not in kinds(nothing), lang


@pytest.mark.parametrize(
    "text",
    [
        "Please send us a statement including any credits.",
        "For our audit we need a statement of account showing all open invoices and credit notes.",
        "Zum Jahresabschluss benötigen wir einen Kontoauszug mit allen offenen Rechnungen und "
        "Gutschriften.",
        "Bitte senden Sie uns eine OP-Liste inkl. Gutschriften.",
        "Nous avons besoin d'un relevé de compte avec toutes les factures et avoirs en cours.",
        "Les rogamos nos envíen un estado de cuenta con todas las facturas y notas de crédito.",
        "Graag ontvangen wij een overzicht van alle openstaande facturen en creditnota's.",
    ],
)
def test_credit_notes_named_in_a_statement_request_are_no_dispute(text):
    assert kinds(text) == [ST]


@pytest.mark.parametrize(
    "text",
    [
        "Thank you for the credit note.",
        "Vielen Dank für die Gutschrift, wir haben sie gebucht.",
        "Nous avons bien reçu votre avoir.",
        "Hemos recibido la nota de crédito, gracias.",
        "Bedankt voor de creditnota.",
    ],
)
def test_a_credit_note_acknowledged_is_no_dispute(text):
    assert DI not in kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "Please send us a credit note for the 4 missing cartons.",
        "Bitte schreiben Sie uns für die beschädigte Ware eine Gutschrift.",
        "Merci de nous faire un avoir pour la remise oubliée.",
        "Por favor, emitan una nota de crédito por la diferencia de precio.",
        "Graag een creditnota voor de te veel berekende dozen.",
        "We are still waiting for a credit note before we pay.",
    ],
)
def test_a_credit_note_asked_for_is_still_a_dispute(text):
    assert kinds(text)[:1] == [DI]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Ende November", date(2026, 11, 30)),
        ("fin novembre", date(2026, 11, 30)),
        ("a finales de noviembre", date(2026, 11, 30)),
        ("eind november", date(2026, 11, 30)),
        ("end of January", date(2027, 1, 31)),
        ("Mitte Dezember", date(2026, 12, 15)),
        ("mid-December", date(2026, 12, 15)),
        ("in KW 46", date(2026, 11, 13)),
        ("in week 46", date(2026, 11, 13)),
        ("diese Woche", date(2026, 11, 6)),
        ("este viernes", date(2026, 11, 6)),
        ("au plus tard le 08/11/2026", date(2026, 11, 8)),
        ("bis zum 16.11.2026", date(2026, 11, 16)),
        ("d'ici la fin du mois", date(2026, 11, 30)),
    ],
)
def test_promise_dates_written_as_a_part_of_a_month_or_a_week(text, day):
    assert find_date(text, today=TODAY) == day


@pytest.mark.parametrize(
    "text",
    ["٣٠.١١.٢٠٢٦", "in ٣ Tagen", "2026-١١-٣٠", "KW ٤٦", "١٥/١١/2026", "Ende ٢٠٢٦"],
)
def test_digits_of_other_scripts_are_never_read_as_a_date(text):
    assert find_date(text, today=TODAY) is None


@pytest.mark.parametrize(
    "text",
    [
        "Our payment terms are 60 days; invoices are paid in our weekly payment run.",
        "Die Rechnung 4711 wurde am 02.11.2026 überwiesen.",
        "Le virement de la facture 4711 a été effectué le 30/10/2026.",
        "El pago de la factura 4711 se realizó el 30 de octubre.",
        "Wij hebben factuur 4711 ontvangen en in behandeling genomen.",
        "Please send invoices to ap@customer.example from now on.",
        "We still need to check what we owe internally.",
        "Vielen Dank, die Gutschrift 4711 haben wir erhalten.",
    ],
)
def test_mail_that_tells_of_payments_terms_or_credits_asks_nothing(text):
    assert kinds(text) == []


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("Could you resend the statement of account?", [ST]),
        ("Bitte senden Sie uns den Kontoauszug nochmals zu.", [ST]),
        ("Pourriez-vous me renvoyer le relevé de compte ?", [ST]),
        ("¿Podrían reenviarnos el estado de cuenta?", [ST]),
        ("Kunt u het rekeningoverzicht opnieuw sturen?", [ST]),
        ("Could you resend invoice 4711 and the statement of account?", [IC, ST]),
    ],
)
def test_a_statement_sent_again_is_a_statement_request_not_a_copy(text, asked):
    assert kinds(text) == asked


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "Invoice 90043448 went to a colleague who has left the company. "
            "Please re-send it to me.",
            MailKind.INVOICE_COPY_REQUEST,
        ),
        (
            "Die Rechnung 90043448 ist bei uns nicht angekommen. Bitte senden Sie sie uns "
            "nochmals zu.",
            MailKind.INVOICE_COPY_REQUEST,
        ),
        (
            "We received invoice 90043448 yesterday. The unit price on it is wrong, please "
            "correct it.",
            MailKind.DISPUTE,
        ),
    ],
)
def test_a_request_saying_it_of_the_invoice_named_just_before_names_that_invoice(text, kind):
    questions = find_questions(text, subject="Invoice")
    asked = [q for q in questions if q.kind is kind]
    assert asked and asked[0].refs == ("90043448",)


def test_a_statement_request_takes_no_invoice_from_the_sentence_before():
    (q,) = find_questions(
        "We paid invoice 90043448 last week. Please send us a statement of account.",
        subject="Statement",
    )
    assert q.kind is MailKind.STATEMENT_REQUEST and q.refs == ()

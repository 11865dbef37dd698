"""Questions asked indirectly: a need or a wish said as a fact, in five languages."""

from __future__ import annotations

from datetime import date

import pytest

from core.types import MailKind
from parsers.intent import read_intent

TODAY = date(2026, 11, 20)  # a Friday


@pytest.mark.parametrize(
    ("subject", "body", "kind", "refs"),
    [
        ("Statement", "A statement of our account would be appreciated.",
         MailKind.STATEMENT_REQUEST, ()),
        ("Extracto", "Nos haría falta el extracto de cuenta actualizado.",
         MailKind.STATEMENT_REQUEST, ()),
        ("Extracto", "Les rogamos nos envíen un extracto con facturas y abonos pendientes.",
         MailKind.STATEMENT_REQUEST, ()),
        ("Saldo", "Bitte teilen Sie uns den offenen Restbetrag mit.",
         MailKind.BALANCE_INQUIRY, ()),
        ("Unser Konto", "Mich würde interessieren, wie hoch unser Saldo derzeit ist.",
         MailKind.BALANCE_INQUIRY, ()),
        ("Notre compte", "Je souhaiterais connaître le montant qui reste dû.",
         MailKind.BALANCE_INQUIRY, ()),
        ("Copia factura", "¿me mandan de nuevo la factura terminada en 44515?",
         MailKind.INVOICE_COPY_REQUEST, ("44515",)),
        ("Copia factura", "Nos hace falta una copia de la factura 9004 1448.",
         MailKind.INVOICE_COPY_REQUEST, ("90041448",)),
    ],
)  # fmt: skip
def test_a_need_said_as_a_fact_is_asked(subject, body, kind, refs):
    (question,) = read_intent(body, subject=subject, today=TODAY).questions
    assert (question.kind, question.refs) == (kind, refs)
    assert question.confidence >= 0.5


def test_an_invoice_put_on_a_payment_run_is_a_promise_with_its_day():
    body = "Die Rechnung 9004 3983 ist für den Zahllauf am kommenden Donnerstag vorgemerkt."
    (question,) = read_intent(body, subject="Zahllauf", today=TODAY).questions
    assert question.kind is MailKind.PROMISE_TO_PAY
    assert question.refs == ("90043983",)
    assert question.promise_date == date(2026, 11, 26)


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Payment", "Payment of 1,250.00 for invoice 4711 below. Your help is appreciated."),
        ("Zahlung", "Die Zahlung für Rechnung 4711 ist heute raus. Vielen Dank!"),
        ("Virement", "Le virement de la facture 4711 est parti ce matin."),
    ],
)
def test_thanks_and_plain_news_ask_nothing(subject, body):
    kinds = {q.kind for q in read_intent(body, subject=subject, today=TODAY).questions}
    assert not kinds & {MailKind.STATEMENT_REQUEST, MailKind.BALANCE_INQUIRY}
    assert MailKind.INVOICE_COPY_REQUEST not in kinds

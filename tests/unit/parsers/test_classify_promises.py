"""parsers.classify: a promise to pay that lists its invoices (with or without amounts) is a
promise, not a remittance; a mail that says the invoices were paid stays a remittance."""

from __future__ import annotations

from datetime import date
from email.message import EmailMessage

import pytest

from core.types import Classification, MailKind
from parsers.classify import classify_email
from parsers.mime import parse_email
from parsers.remittance import extract_remittance

R, RQ, PP = MailKind.REMITTANCE, MailKind.REMITTANCE_QUESTION, MailKind.PROMISE_TO_PAY
#: Tuesday 3 November 2026.
MAIL_DATE = "Tue, 03 Nov 2026 10:00:00 +0100"


def _classify(body: str, subject: str) -> Classification:
    msg = EmailMessage()
    msg["From"] = "ap@customer.example"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = subject
    msg["Date"] = MAIL_DATE
    msg.set_content(body)
    parsed = parse_email(msg.as_bytes())
    extraction = extract_remittance(parsed)
    return classify_email(parsed, remittance=extraction.remittance, own_address=None)


@pytest.mark.parametrize(
    ("body", "refs", "promised"),
    [
        ("Le paiement des factures 90040958 et 90042403 est prévu au plus tard le 08/11/2026.",
         ("90040958", "90042403"), date(2026, 11, 8)),
        ("El pago de las facturas 43587 y 90042185 está previsto este viernes.",
         ("43587", "90042185"), date(2026, 11, 6)),
        ("Die Rechnungen 90040958 und 90042403 sind für den Zahllauf am 16.11.2026 eingeplant.",
         ("90040958", "90042403"), date(2026, 11, 16)),
        ("Invoices 90040958 and 90042403 are scheduled for payment on 13 November.",
         ("90040958", "90042403"), date(2026, 11, 13)),
        ("De facturen 90040958 en 90042403 worden meegenomen in de betaalrun van vrijdag.",
         ("90040958", "90042403"), date(2026, 11, 6)),
        ("Wir werden die Rechnungen 90040958 und 90042403 bis zum 16.11.2026 überweisen.",
         ("90040958", "90042403"), date(2026, 11, 16)),
        ("Volgende week betalen wij de facturen 90040958 en 90042403.",
         ("90040958", "90042403"), date(2026, 11, 13)),
    ],
)  # fmt: skip
def test_a_promise_naming_invoices_without_amounts_is_no_remittance(body, refs, promised):
    # Given a promise whose invoice numbers a remittance reader may take for lines
    got = _classify(f"Bonjour / Hello,\n\n{body}\n\nRegards\nAP", subject="Payment")
    # Then it is the promise, with its invoices and its date
    assert got.kind is PP, got.reason
    assert got.questions[0].refs == refs
    assert got.questions[0].promise_date == promised


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Paiement factures", "Bonjour,\nle paiement des factures suivantes est prévu le "
         "08/11/2026 :\n90040958  1 250,00 EUR\n90042403  480,00 EUR\nCordialement"),
        ("Payment", "Hello,\nthe following invoices will be paid in our next payment run on "
         "10 November:\n90041958  1,250.00\n90042403  480.00\nRegards"),
        ("Zahlung", "Hallo,\nfolgende Rechnungen sind im nächsten Zahllauf am 10.11.2026 "
         "enthalten:\n90041958  1.250,00 EUR\n90042403  480,00 EUR\nGruß"),
        ("Pago facturas", "Hola,\nel pago de las siguientes facturas está previsto para el "
         "viernes:\n90041958  1.250,00 EUR\n90042403  480,00 EUR\nSaludos"),
        ("Betaling", "Beste,\nde volgende facturen staan gepland voor betaling op 12 november:"
         "\n90041958  1.250,00\n90042403  480,00\nGroet"),
    ],
)  # fmt: skip
def test_a_promise_listing_amounts_under_a_payment_subject_is_a_promise(subject, body):
    # Given a promise that lists invoices with their amounts, under "Payment" in the subject
    got = _classify(body, subject=subject)
    # Then nothing says the money was sent: the subject's payment is the one promised
    assert got.kind is PP, got.reason


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Payment", "Hello,\nwe have paid the following invoices today:\n90041958  1,250.00\n"
         "90042403  480.00\nRegards"),
        ("Zahlung", "Hallo,\nwir haben heute folgende Rechnungen überwiesen:\n"
         "90041958  1.250,00 EUR\n90042403  480,00 EUR\nGruß"),
        ("Paiement", "Bonjour,\nnous avons réglé les factures suivantes :\n"
         "90041958  1 250,00 EUR\n90042403  480,00 EUR\nCordialement"),
        ("Pago", "Hola,\nhemos pagado las siguientes facturas:\n90041958  1.250,00 EUR\n"
         "90042403  480,00 EUR\nSaludos"),
        ("Betaling", "Beste,\nwij hebben de volgende facturen betaald:\n90041958  1.250,00\n"
         "90042403  480,00\nGroet"),
    ],
)  # fmt: skip
def test_a_mail_that_says_the_invoices_were_paid_stays_a_remittance(subject, body):
    assert _classify(body, subject=subject).kind is R


@pytest.mark.parametrize(
    "body",
    [
        "We have paid 90041958  1,250.00 today.\nInvoice 90042403 is in our next payment run.",
        "Wir haben 90041958  1.250,00 EUR überwiesen.\nDie Rechnung 90042403 ist im nächsten "
        "Zahllauf enthalten.",
        "Nous avons réglé 90041958  1 250,00 EUR.\nLe paiement de la facture 90042403 est prévu "
        "le 20/11/2026.",
        "Hemos pagado 90041958  1.250,00 EUR.\nEl pago de la factura 90042403 está previsto "
        "para el viernes.",
        "Wij hebben 90041958  1.250,00 betaald.\nFactuur 90042403 staat gepland voor betaling "
        "op 20 november.",
    ],
)
def test_a_payment_made_beside_a_promise_is_a_remittance_and_question(body):
    got = _classify(body, subject="Payment")
    assert got.kind is RQ, got.reason
    assert got.questions[0].kind is PP


@pytest.mark.parametrize(
    "body",
    [
        "Invoice 90041958 was paid in last week's payment run.",
        "Die Rechnung 90041958 wurde im letzten Zahllauf bezahlt.",
        "La facture 90041958 a été mise en paiement le 30/10/2026.",
        "La factura 90041958 se pagó en la remesa de pagos anterior.",
        "Factuur 90041958 is in de vorige betaalrun betaald.",
    ],
)
def test_a_payment_run_that_is_past_promises_nothing(body):
    got = _classify(body, subject="Re: Reminder")
    assert PP not in [q.kind for q in got.questions], got.reason

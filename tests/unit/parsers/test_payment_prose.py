"""Payment date and payer from the prose of a remittance."""

from __future__ import annotations

from datetime import date

import pytest

from parsers.payment_prose import payer_in, payment_date_in

MAIL_DAY = date(2026, 11, 15)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        (
            "We have made a payment by check on November 9, 2026 (reference 390837).",
            date(2026, 11, 9),
        ),
        ("Payment details (ACH ACH81248962, 11/13/2026):", date(2026, 11, 13)),
        ("Paid 11/10/2026 via Check 720992", date(2026, 11, 10)),
        ("Virement du 14/11/2026 - réf. FT26209476136", date(2026, 11, 14)),
        (
            "Empfänger: Example Supplies Co. Ausführungstag: 03.11.2026 Zahlungsnr.: WT8",
            date(2026, 11, 3),
        ),
        (
            "zum Ausgleich der Rechnungen #1 haben wir am 04.11.2026 EUR 13.481,72 überwiesen",
            date(2026, 11, 4),
        ),
        (
            "attached the list of invoices paid with our check 881632 of 2026-11-12.",
            date(2026, 11, 12),
        ),
        ("Payment Date | 08 Nov 2026", date(2026, 11, 8)),
        ("we paid the following by ACH today:", MAIL_DAY),
        ("Virement du 05/11/2026 de 1 234,56 €", date(2026, 11, 5)),
    ],
)
def test_payment_date_in_prose(text, day):
    assert payment_date_in(text, mail_day=MAIL_DAY) == day


@pytest.mark.parametrize(
    "text",
    [
        "Invoice date: 10/01/2026\nAmount 100.00",
        "Payment is due 11/30/2026",
        "Payment of invoice 4711 (invoice date 10/01/2026)",
        "Hello, nothing here.",
    ],
)
def test_dates_of_other_things_are_not_the_payment_date(text):
    assert payment_date_in(text, mail_day=MAIL_DAY) is None


def test_payer_from_a_label_a_portal_sentence_or_the_subject():
    assert (
        payer_in("Payer | Romero, Carlson and Mccoy\nPayment Number | 1")
        == "Romero, Carlson and Mccoy"
    )
    assert payer_in("Yu LLC has released a payment to Example Supplies Co.") == "Yu LLC"
    assert payer_in("", subject="Payment notification from Acme Corp") == "Acme Corp"


def test_payer_from_the_signature_line_after_the_senders_name():
    body = "Hello,\n\nsee attached.\n\nBest regards,\nDeborah Adler B.A.\nAccounts Payable | Misicher\n"
    assert payer_in(body, sender_name="Deborah Adler B.A.") == "Misicher"
    assert (
        payer_in("Thanks\nEmma Kusch\nSteinberg e.V.", sender_name="Emma Kusch") == "Steinberg e.V."
    )


def test_payer_from_the_letterhead_skips_page_numbers_and_never_names_us():
    assert payer_in("", letterhead=["Page 1 of 3", "Powell Ltd"]) == "Powell Ltd"
    assert payer_in("Payer: Example Supplies Co.", exclude=["Example Supplies Co."]) is None
    assert payer_in("nothing", sender_name="Nobody") is None

"""Numbers written in digit groups in text lines, the payment's facts written as
``label: value`` above a table, the payment's own column names, and a mail that says it is
sent again."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.intent import read_intent
from parsers.remittance_text import read_text
from parsers.spreadsheet import parse_spreadsheet_remittance
from parsers.table_headers import Role, header_role
from parsers.text_refs import find_invoice_refs, join_digit_groups
from parsers.told_again import told_again


def _lines(text: str) -> list[tuple[str, Decimal | None]]:
    return [(line.invoice_ref, line.amount) for line in read_text(text).lines]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # our number in groups, the amount in groups of thousands after it (French)
        (
            "AVIS DE VIREMENT\n\n9004 4812 1 310,64\n9004 4856 1 613,22\n9004 4883 533,69\n"
            "Total: 3 457,55\n",
            [
                ("90044812", Decimal("1310.64")),
                ("90044856", Decimal("1613.22")),
                ("90044883", Decimal("533.69")),
            ],
        ),
        # after an invoice word, with a no-break space and a narrow no-break space
        (
            "Facture 9004\u00a04883 : 533,69 EUR\nFacture 9004 4884 : 1\u202f633,69 EUR\n",
            [("90044883", Decimal("533.69")), ("90044884", Decimal("1633.69"))],
        ),
        # pairs of two digits, and a thousands-like grouping
        (
            "90 04 48 12    12 408,90\n90 040 771    99,00\n",
            [("90044812", Decimal("12408.90")), ("90040771", Decimal("99.00"))],
        ),
    ],
)
def test_a_number_in_digit_groups_is_one_reference(text, expected):
    assert _lines(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "12 15",  # too few digits
        "1 2 3 4",
        "3704 0044 0532 0130 00",  # an IBAN's groups: five groups, the last shorter
        "9004 481",  # irregular groups
    ],
)
def test_irregular_or_short_groups_are_left_alone(text):
    assert join_digit_groups(text) == text


@given(st.lists(st.integers(min_value=0, max_value=9999), min_size=1, max_size=6))
def test_joining_keeps_the_length(groups):
    text = " ".join(f"{g:04d}" for g in groups) + " 12,50"
    assert len(join_digit_groups(text)) == len(text)


def test_a_question_names_the_grouped_number():
    assert find_invoice_refs("Could you send a copy of invoice 9004 4812 please?") == ("90044812",)


def test_the_payments_facts_above_a_table_are_no_line():
    text = (
        "Date d'exécution: 19/11/2026\n"
        "N° de règlement: CHK 82325\n"
        "N° fournisseur: F82025\n\n"
        "Réf. facture    Date facture      Net payé\n"
        "9004 4812       13/11/2026        1 310,64\n"
        "9004 4856       14/11/2026          533,69\n"
        "Montant total                     1 844,33 EUR\n"
    )
    read = read_text(text)
    assert [(line.invoice_ref, line.amount) for line in read.lines] == [
        ("90044812", Decimal("1310.64")),
        ("90044856", Decimal("533.69")),
    ]
    assert read.payment_ref == "82325" and read.stated_total == Decimal("1844.33")


def test_a_portals_records_with_amounts_are_still_lines():
    text = (
        "Invoice number: INV-10023\nAmount paid: 1,225.00\n"
        "Invoice number: INV-10024\nAmount paid: 75.00\n"
    )
    assert _lines(text) == [("INV-10023", Decimal("1225.00")), ("INV-10024", Decimal("75.00"))]


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Règlement", Role.NET),
        ("Importe abonado", Role.NET),
        ("Überweisung", Role.NET),
        ("Settlement", Role.NET),
        ("Betaling", Role.NET),
        ("N° de règlement", Role.PAYMENT_REF),
        ("Votre référence", Role.REF),
        # Dutch compounds: the gross, the early-payment discount, the net
        ("Brutobedrag", Role.GROSS),
        ("Factuurbedrag", Role.GROSS),
        ("Kredietbeperking", Role.DISCOUNT),
        ("Nettobedrag", Role.NET),
    ],
)
def test_the_payments_own_column_names(header, role):
    assert header_role(header) is role


def test_an_html_table_under_the_payments_own_column_name_is_read():
    text = "Votre référence | Règlement\n9004 4812 | 1 310,64\n9004 4883 | 533,69\n"
    assert _lines(text) == [("90044812", Decimal("1310.64")), ("90044883", Decimal("533.69"))]


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Resend: Payment advice 20 Nov", ""),
        ("2nd copy: remittance", ""),
        ("Erneut: Zahlungsavis", ""),
        ("Renvoi : avis de paiement", ""),
        ("Reenvío: aviso de pago", ""),
        ("Nogmaals: betaaladvies", ""),
        ("Payment advice", "As our advice seems to be lost, we are resending it below."),
        ("Zahlungsavis", "Anbei senden wir Ihnen unser Avis nochmals zu."),
        (
            "Avis",
            "Notre avis du 20/11 ne semble pas avoir été pris en compte, nous vous le renvoyons.",
        ),
        ("Aviso", "Le reenviamos el aviso de pago del día 19."),
        ("Betaaladvies", "Hierbij sturen wij ons betaaladvies nogmaals."),
        ("Remittance (second copy)", ""),
        ("Virement - de nouveau", ""),
        ("Payment", "Sending the details of this payment once more, in case they got lost."),
        ("Überweisung", "Wir übermitteln die Details derselben Zahlung erneut."),
        ("Pago", "Les mandamos de nuevo el detalle del pago."),
        ("Betaling", "Wij sturen de specificatie van dezelfde betaling opnieuw."),
        ("Règlement", "Deuxième envoi de notre avis de règlement."),
    ],
)
def test_a_mail_that_says_it_is_sent_again(subject, body):
    assert told_again(subject, body) is not None


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Payment advice", "Please find our payment below."),
        ("Invoice copy", "Could you please resend invoice 4711?"),
        ("Re: your reminder", "Can you send the statement again?"),
        ("Duplicate invoice", "We were billed twice for 4711."),
        ("Rechnung", "Bitte senden Sie uns die Rechnung nochmals."),
        ("Factura", "¿Podrían enviarnos de nuevo la factura 4711?"),
    ],
)
def test_a_request_to_send_again_is_no_resent_advice(subject, body):
    assert told_again(subject, body) is None


def test_resending_our_own_advice_is_no_request_for_a_copy():
    intent = read_intent("Resending our remittance advice of 11/20/2026.", subject="Payment")
    assert intent.questions == ()


def test_a_resend_prefix_is_no_request_for_a_copy():
    intent = read_intent("Payments below.", subject="Resend: Invoice payments 4711")
    assert intent.questions == ()


@pytest.mark.parametrize(
    "header",
    [
        "Supplier Document No",
        "Vendor Invoice No.",
        "Rechnungsnr. Lieferant",
        "Ref. proveedor",
        "N° facture fournisseur",
        "Nº factura proveedor",
        "Factuurnr. leverancier",
        "Fremdbelegnummer",
    ],
)
def test_the_suppliers_document_in_a_payers_export_is_our_number(header):
    # Given the payer's export: its own "Invoice ID" first, the supplier's document after it
    text = (
        f"Payment ID;Invoice ID;{header};Amount Paid\n"
        "ZL511577;DOC080055;90043534;287,33\n"
        "ZL511577;DOC080057;90043535;359,70\n"
    )
    remittance = parse_spreadsheet_remittance(text.encode(), kind="csv")
    assert remittance is not None
    assert [line.invoice_ref for line in remittance.lines] == ["90043534", "90043535"]


@pytest.mark.parametrize("header", ["Vendor ID", "Lieferantennr.", "Vendor No", "Supplier"])
def test_the_suppliers_own_number_is_no_document(header):
    assert header_role(header) is Role.OTHER


@pytest.mark.parametrize(
    "label", ["Suma", "Suma total", "Somme", "Totaalbedrag", "Eindtotaal", "Endbetrag"]
)
def test_the_total_in_every_language_is_read(label):
    text = f"90049262   3.653,91\n90049263     386,05\n{label}   4.039,96\n"
    read = read_text(text)
    assert read.stated_total == Decimal("4039.96")
    assert [line.invoice_ref for line in read.lines] == ["90049262", "90049263"]


def test_a_pdf_tables_grouped_numbers_are_one_reference():
    from parsers.pdf_columns import read_columns

    rows = [
        ["Nº factura", "Fecha doc.", "Total factura", "Pagado"],
        ["9004 0486", "31/07/2026", "6.545,96", "6.545,96"],
        ["9004\u00a00626", "12/08/2026", "1.510,17", "1.510,17"],
    ]
    read = read_columns(rows)
    assert read is not None
    assert [line.invoice_ref for line in read.lines] == ["90040486", "90040626"]


@pytest.mark.parametrize(
    ("line", "ref", "amount"),
    [
        ("12 34 56 78 905,10", "12345678", "905.10"),  # a first group of the pairs' width
        ("12 34 56 78 1 905,10", "12345678", "1905.10"),  # a thousands group of its own
        ("12 34 56 01 905,10", "12345601", "905.10"),  # "01 905,10" is no amount
        ("1234 5678 9 905,10", "12345678", "9905.10"),
    ],
)
def test_an_amount_after_a_number_in_groups_keeps_the_numbers_last_group(line, ref, amount):
    (read,) = read_text(line + "\n").lines
    assert (read.invoice_ref, read.amount) == (ref, Decimal(amount))


def test_a_dutch_reference_column_beats_the_payers_document_column():
    # Once "Nettobedrag" names the amount, the header is read: "Referentie" is our number
    text = (
        "Document      Referentie      Nettobedrag\n"
        "-----------------------------------------\n"
        "              90047001             570,06\n"
        "5100000001    90047002             938,81\n"
        "5100000002    INV-210100           890,00\n"
    )
    assert [line.invoice_ref for line in read_text(text).lines] == [
        "90047001",
        "90047002",
        "INV-210100",
    ]

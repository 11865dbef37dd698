"""Remittance text as payers write it in letters and lists (issue 17): what they kept back
after what they paid, the total in the letter's prose, payment references labelled in other
languages, and our numbers written in digit groups."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parsers.line_scan import scan_lines
from parsers.remittance_text import read_text
from parsers.tables import read_grid

LETTER = """Please be advised that we have today made a payment of USD 10,316.42 by card in
settlement of the following invoices:
- Invoice 90043844 dated 10/20/2026: 1,676.41
- Invoice 90043845 dated 10/20/2026: 924.03 - 48.63 promo allowance
- Invoice 90043978: 166.73 - 500.19 damaged goods
- Invoice 90044103 dated 10/24/2026: 7,549.25
Payment reference: PR-2026-6296
"""


def test_what_a_payer_kept_back_after_what_it_paid_is_a_deduction_with_its_reason():
    scan = read_text(LETTER)
    lines = {line.invoice_ref: line for line in scan.lines}
    assert (lines["90043845"].amount, lines["90043845"].deduction) == (
        Decimal("924.03"),
        Decimal("48.63"),
    )
    assert lines["90043845"].deduction_reason == "promo allowance"
    assert lines["90043978"].amount == Decimal("166.73")
    assert lines["90043844"].deduction is None


def test_the_letters_payment_of_is_its_stated_total():
    assert read_text(LETTER).stated_total == Decimal("10316.42")


@pytest.mark.parametrize(
    "sentence",
    [
        "Por la presente les comunicamos que hemos realizado un pago de 22.205,72 EUR",
        "Nous avons effectué un virement d'un montant de 22 205,72 EUR ce jour.",
        "Wir haben heute eine Zahlung von 22.205,72 EUR veranlasst.",
        "Hierbij bevestigen wij een betaling van EUR 22.205,72.",
    ],
)
def test_a_payment_of_in_prose_is_a_total_in_every_language(sentence):
    scan = scan_lines([sentence, "Factura 90040401: 22.205,72"])
    assert scan.stated_total == Decimal("22205.72")
    assert [line.invoice_ref for line in scan.lines] == ["90040401"]


def test_a_total_line_wins_over_the_prose():
    scan = scan_lines(["We made a payment of 100.00 today", "INV-1 90.00", "Total: 90.00"])
    assert scan.stated_total == Decimal("90.00")


def test_with_the_total_the_kept_back_amount_is_taken_off_the_gross():
    # 1,000.00 - 50.00 damaged: the total 950.00 says 1,000.00 was the gross, not the net
    scan = scan_lines(["Invoice 4711: 1,000.00 - 50.00 damaged", "Total paid: 950.00"])
    (line,) = scan.lines
    assert (line.gross, line.amount, line.deduction) == (
        Decimal("1000.00"),
        Decimal("950.00"),
        Decimal("50.00"),
    )


def test_two_amounts_without_a_reason_are_not_a_deduction():
    (line,) = scan_lines(["Invoice 4711: 1,000.00 - 50.00"]).lines
    assert (line.amount, line.deduction) == (Decimal("50.00"), None)  # as before: the last


@pytest.mark.parametrize(
    "label",
    ["Réf. virement", "Référence du paiement", "Referencia del pago", "Betalingskenmerk"],
)
def test_a_payment_reference_labelled_in_another_language_is_no_invoice(label):
    scan = read_text(f"Facture 90043697: 502,51\n\n{label}: PR-2026-4699\nN° fournisseur: K43775\n")
    assert [line.invoice_ref for line in scan.lines] == ["90043697"]
    assert scan.payment_ref == "PR-2026-4699"


def test_our_number_written_in_digit_groups_in_a_reference_column_is_one_number():
    grid = read_grid([["Invoice", "Paid"], ["9004 0771", "17,423.29"], ["9004 0772", "1.00"]])
    assert [line.invoice_ref for line in grid.lines] == ["90040771", "90040772"]


def test_a_discount_in_parentheses_after_the_net_is_the_discount_taken():
    (line,) = scan_lines(["- Invoice 90043034 dated 10/07/2026: 2,428.45 (discount 49.56)"]).lines
    assert (line.amount, line.discount, line.deduction) == (
        Decimal("2428.45"),
        Decimal("49.56"),
        None,
    )


def test_the_suppliers_invoice_number_column_of_an_ap_export_is_our_reference():
    grid = read_grid(
        [["Supplier Inv No", "Invoice Date", "Amount Paid"], ["9o0414S1", "2026-09-11", "1441,27"]]
    )
    assert [(line.invoice_ref, line.amount) for line in grid.lines] == [
        ("9o0414S1", Decimal("1441.27"))
    ]


@pytest.mark.parametrize(
    ("sentence", "total"),
    [
        ("This is to confirm that USD 35,179.62 has been remitted to your account.", "35179.62"),
        ("Our ACH of USD 24,554.51 dated 11/18/2026 settles the following documents.", "24554.51"),
        ("Den Betrag von 3.522,00 EUR haben wir heute überwiesen.", "3522.00"),
        (
            "Mit Valuta 20.11.2026 sind 6.811,13 EUR an Sie angewiesen worden, und zwar für:",
            "6811.13",
        ),
        ("We took the early payment discount of 20.00 as agreed.", None),
        ("Your outstanding balance of 1,000.00 will be paid next week.", None),
        ("Bank charges of 15.00 were deducted from the transfer.", None),
    ],
)
def test_a_sentence_telling_the_amount_of_the_payment_is_its_total(sentence, total):
    scan = scan_lines([sentence, "INV-1001 100.00"])
    assert scan.stated_total == (Decimal(total) if total else None)


def test_a_reference_cell_naming_two_invoices_is_one_line_for_a_person():
    grid = read_grid(
        [["Invoice", "Amount"], ["90040991 / 90041122", "3,566.65"], ["90041123", "169.60"]]
    )
    assert [(line.invoice_ref, line.amount) for line in grid.lines] == [
        ("90040991 / 90041122", Decimal("3566.65")),
        ("90041123", Decimal("169.60")),
    ]


def test_a_payment_number_labelled_n_de_pago_is_no_invoice():
    scan = read_text("- Factura 90041448: 3.964,12 EUR\n\nNº de pago: PR-2026-4661\n")
    assert [line.invoice_ref for line in scan.lines] == ["90041448"]
    assert scan.payment_ref == "PR-2026-4661"


def test_a_line_whose_number_has_a_look_alike_letter_is_read():
    (line,) = scan_lines(["90O41650 629.56"]).lines
    assert (line.invoice_ref, line.amount) == ("90O41650", Decimal("629.56"))


def test_a_number_in_groups_of_three_under_an_invoice_header_is_a_reference_not_an_amount():
    grid = read_grid(
        [["Inv. date", "Invoice number", "Amount paid"], ["08/08/2026", "90 040 560", "1,922.28"]]
    )
    assert [(line.invoice_ref, line.amount) for line in grid.lines] == [
        ("90040560", Decimal("1922.28"))
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "nous avons viré 3 989,82 pour les factures nw-060143 (2 421,05) et 90040728 (1 568,77).",
        "hemos abonado 3.989,82 por las facturas NW-060143 (2.421,05) y 90040728 (1.568,77).",
        "wij hebben 3.989,82 gestort voor facturen NW-060143 (2.421,05) en 90040728 (1.568,77).",
    ],
)
def test_a_sentence_paying_two_invoices_in_other_words_gives_both(sentence):
    lines = read_text(sentence).lines
    assert [(line.invoice_ref.upper(), line.amount) for line in lines] == [
        ("NW-060143", Decimal("2421.05")),
        ("90040728", Decimal("1568.77")),
    ]

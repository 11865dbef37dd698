"""What a payer writes in parentheses after the amount it paid."""

from __future__ import annotations

from decimal import Decimal

import pytest

from parsers.amount_asides import read_aside
from parsers.remittance_text import read_text

D = Decimal


@pytest.mark.parametrize(
    ("text", "paid", "taken", "discount", "reason"),
    [
        (
            "• 90043070   561.26   (302.22 kept back – pallet charges)",
            "561.26",
            "302.22",
            False,
            "pallet charges",
        ),
        ("90043789 | 11.913,21 (descuento aplicado 243,13)", "11913.21", "243.13", True, None),
        ("2.801,08 (abzgl. 57,17 Skonto)", "2801.08", "57.17", True, None),
        ("90040326: 1 310,64 (retenue 41,75 : casse)", "1310.64", "41.75", False, "casse"),
        ("4711 2,428.45 (1% early-payment discount 11.62 taken)", "2428.45", "11.62", True, None),
        ("4711 | 500.00 (less 20.00 for damaged goods)", "500.00", "20.00", False, "damaged goods"),
        ("4711 | 480,00 (einbehalten 20,00 wegen Bruch)", "480.00", "20.00", False, "Bruch"),
        ("4711   480,00   (20,00 ingehouden: breuk)", "480.00", "20.00", False, "breuk"),
        # square brackets; a number that is a word after the amount taken ("Q4", "PO 77")
        ("4711 | 2,120.40 [early pay disc. 43.27]", "2120.40", "43.27", True, None),
        (
            "4711   880.00   (120.00 held back - Q4 volume rebate)",
            "880.00",
            "120.00",
            False,
            "Q4 volume rebate",
        ),
    ],
)
def test_an_aside_after_the_amount_paid(text, paid, taken, discount, reason):
    aside = read_aside(text)
    assert aside is not None
    assert (aside.paid, aside.taken, aside.discount, aside.reason) == (
        D(paid),
        D(taken),
        discount,
        reason,
    )


@pytest.mark.parametrize(
    "text",
    [
        "INV-1 1,250.00 (see attached)",
        "4711 1,250.00 (EUR 1,250.00)",
        "4711 1,250.00 (2 of 3)",
        "4711 1,250.00",
        "4711 1,250.00 (less 20.00 and 30.00 for damage)",  # two amounts: no single aside
    ],
)
def test_parentheses_that_say_no_discount_or_keeping_back_are_no_aside(text):
    assert read_aside(text) is None


def test_an_aligned_list_with_asides_reads_what_was_paid():
    text = (
        "• 90042774   1,666.29\n"
        "• 90043070   561.26   (302.22 kept back – pallet charges)\n"
        "• 90043657   641.19\n"
        "Total of this transfer: GBP 2,868.74\n"
    )
    read = read_text(text)
    assert [(line.invoice_ref, line.amount, line.deduction) for line in read.lines] == [
        ("90042774", D("1666.29"), None),
        ("90043070", D("561.26"), D("302.22")),
        ("90043657", D("641.19"), None),
    ]
    assert sum(line.amount for line in read.lines) == read.stated_total


def test_an_html_cell_with_a_discount_aside():
    text = "Número de factura | Importe pagado\n90041109 | 451,50\n90043789 | 11.913,21 (descuento aplicado 243,13)\n"
    lines = read_text(text).lines
    assert [(line.amount, line.discount) for line in lines] == [
        (D("451.50"), None),
        (D("11913.21"), D("243.13")),
    ]


@pytest.mark.parametrize(
    ("line", "net", "kept", "reason"),
    [
        (
            "• 4711: paid 2,010.00; withheld 90.00 for missing pallets",
            "2010.00",
            "90.00",
            "for missing pallets",
        ),
        ("Fact. 4711: 1.480,00, retenidos 20,00 por rotura", "1480.00", "20.00", "por rotura"),
        (
            "Rechnung 4711: 1.480,00 EUR - Abzug 20,00 Transportschaden",
            "1480.00",
            "20.00",
            "Transportschaden",
        ),
    ],
)
def test_an_amount_kept_back_after_a_semicolon_a_comma_or_a_currency(line, net, kept, reason):
    read = read_text(line + "\n")
    assert [(ln.amount, ln.deduction, ln.deduction_reason) for ln in read.lines] == [
        (D(net), D(kept), reason)
    ]


def test_two_invoices_on_one_line_are_no_amount_kept_back():
    read = read_text("INV-1001 1,000.00, INV-1002 500.00 paid\n")
    assert all(ln.deduction is None for ln in read.lines)


def test_what_was_paid_then_what_was_kept_back_each_with_its_word():
    read = read_text("Rechnung 4711: 1.240,00 bezahlt, 60,00 einbehalten (Transportschaden)\n")
    assert [(ln.amount, ln.deduction) for ln in read.lines] == [(D("1240.00"), D("60.00"))]


def test_a_line_naming_two_documents_for_one_amount_counts_towards_the_total():
    # Given a list whose second line names two invoices for one amount, the second by its tail
    text = (
        "Bonjour,\n\n"
        "• Facture 90047001: 1 000,00 EUR\n"
        "• Facture 90047002, 003: 2 500,00 EUR\n"
        "\nTOTAL: 3 500,00 EUR\n"
    )
    read = read_text(text)
    # Then it is a line for a person to split, and the lines add up to the total
    assert [ln.invoice_ref for ln in read.lines] == ["90047001", "90047002 / 003"]
    assert sum(ln.amount for ln in read.lines) == read.stated_total


def test_a_sentence_naming_two_invoices_alone_is_still_no_remittance_line():
    assert read_text("Invoices 90047001 and 90047002: 2,500.00\n").lines == ()


@pytest.mark.parametrize(
    "footer",
    [
        "SARL au capital de 20 000,00 € · RCS Nantes 512 345 678",
        "Stammkapital 25.000,00 EUR · Amtsgericht Köln HRB 4711",
        "Capital social 60.000,00 € · Registro Mercantil de Valencia",
        "Share capital GBP 10,000.00 · Registered in England 01234567",
    ],
)
def test_a_companys_legal_registration_in_a_signature_is_no_remittance_line(footer):
    text = "Invoice 90047001: 1,000.00\nTotal 1,000.00\n\nRegards,\nJane\n" + footer + "\n"
    assert [line.invoice_ref for line in read_text(text).lines] == ["90047001"]

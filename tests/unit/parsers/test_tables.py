"""parsers.tables: grids of cells (PDF, HTML, text, CSV/XLSX tables) to remittance lines."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.table_headers import Role, header_role
from parsers.tables import read_grid


def _lines(rows: list[list[str]]) -> list[tuple[str | None, str | None]]:
    return [
        (line.invoice_ref, None if line.amount is None else str(line.amount))
        for line in read_grid(rows).lines
    ]


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("Invoice No", Role.REF),
        ("Your reference", Role.REF),
        ("Ihre Belegnr.", Role.REF),
        ("Rechnungsnr.", Role.REF),
        ("N° facture", Role.REF),
        ("Factura", Role.REF),
        ("Factuurnummer", Role.REF),
        ("Our doc.", Role.THEIRS),
        ("Unsere Belegnr.", Role.THEIRS),
        ("Notre référence", Role.THEIRS),
        ("Doc no.", Role.DOC),
        ("Reference", Role.DOC),
        ("Invoice date", Role.DATE),
        ("Belegdatum", Role.DATE),
        ("Invoice amount", Role.GROSS),
        ("Rechnungsbetrag", Role.GROSS),
        ("Montant", Role.GROSS),
        ("Skonto", Role.DISCOUNT),
        ("Escompte", Role.DISCOUNT),
        ("Descuento", Role.DISCOUNT),
        ("Short pay", Role.DEDUCTION),
        ("Kürzung", Role.DEDUCTION),
        ("Deduction reason", Role.REASON),
        ("Motif", Role.REASON),
        ("Amount paid", Role.NET),
        ("Zahlbetrag", Role.NET),
        ("Montant payé", Role.NET),
        ("Importe pagado", Role.NET),
        ("Open amount", Role.OTHER),
        ("PO number", Role.OTHER),
        ("Check No", Role.PAYMENT_REF),
        ("Check amount", Role.GROSS),
        ("Remittance advice", None),
    ],
)
def test_header_words_name_the_column_role_in_several_languages(
    header: str, role: Role | None
) -> None:
    assert header_role(header) is role


def test_sap_advice_takes_our_number_from_the_your_document_column() -> None:
    # Given a German SAP payment advice: title rows, the payer's document beside ours
    rows = [
        ["Zahlungsavis", "", "", "", ""],
        ["Zahlungsbeleg 1500004711", "", "", "", ""],
        ["Unsere Belegnr.", "Ihre Belegnr.", "Belegdatum", "Brutto", "Skonto", "Zahlbetrag"],
        ["5100001234", "RE-10023", "03.11.2026", "1.250,00", "25,00", "1.225,00"],
        ["5100001235", "RE-10031", "04.11.2026", "3.000,00", "60,00", "2.940,00"],
        ["", "", "", "", "Summe", "4.165,00"],
    ]
    # When it is read
    grid = read_grid(rows)
    # Then our numbers are the references, the payer's (the header says so) are never
    # alternatives, and the amounts are read in the European format
    first = grid.lines[0]
    assert [line.invoice_ref for line in grid.lines] == ["RE-10023", "RE-10031"]
    assert first.alt_refs == ()
    assert (first.gross, first.discount, first.amount) == (
        Decimal("1250.00"),
        Decimal("25.00"),
        Decimal("1225.00"),
    )
    assert grid.stated_total == Decimal("4165.00")
    assert grid.payment_ref == "1500004711"


def test_plain_document_column_beside_a_payer_document_column_is_ours() -> None:
    rows = [
        ["Our doc.", "Doc no.", "Gross", "Cash discount", "Net"],
        ["5100001234", "INV-10023", "1,250.00", "25.00", "1,225.00"],
    ]
    line = read_grid(rows).lines[0]
    assert (line.invoice_ref, line.alt_refs) == ("INV-10023", ())


def test_two_document_columns_prefer_the_one_whose_values_look_like_our_invoices() -> None:
    rows = [
        ["Document", "Reference", "Amount"],
        ["5100001234", "INV-10023", "1,225.00"],
        ["5100001235", "INV-10024", "10.00"],
    ]
    grid = read_grid(rows)
    assert [(ln.invoice_ref, ln.alt_refs) for ln in grid.lines] == [
        ("INV-10023", ("5100001234",)),
        ("INV-10024", ("5100001235",)),
    ]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (  # French, space-grouped amounts with the euro sign
            [
                ["N° facture", "Date", "Montant", "Escompte", "Montant payé"],
                ["FA-2026-0042", "03/11/2026", "1 234,56 €", "24,69 €", "1 209,87 €"],
            ],
            ("FA-2026-0042", "1234.56", "24.69", "1209.87"),
        ),
        (  # Spanish
            [
                ["Factura", "Fecha", "Importe", "Descuento", "Importe pagado"],
                ["F-1001", "03/11/2026", "1.000,00", "20,00", "980,00"],
            ],
            ("F-1001", "1000.00", "20.00", "980.00"),
        ),
        (  # Italian
            [
                ["Fattura", "Data", "Importo", "Sconto", "Importo pagato"],
                ["FT-77", "03/11/2026", "500,00", "10,00", "490,00"],
            ],
            ("FT-77", "500.00", "10.00", "490.00"),
        ),
        (  # Dutch, empty discount
            [
                ["Factuurnummer", "Datum", "Bedrag", "Korting", "Betaald"],
                ["2026-1001", "03-11-2026", "1.000,00", "", "1.000,00"],
            ],
            ("2026-1001", "1000.00", None, "1000.00"),
        ),
    ],
    ids=["fr", "es", "it", "nl"],
)
def test_headers_in_other_languages_give_gross_discount_and_net(
    rows: list[list[str]], expected: tuple[str, str | None, str | None, str]
) -> None:
    line = read_grid(rows).lines[0]
    got = (line.invoice_ref, line.gross, line.discount, line.amount)
    assert tuple(None if v is None else str(v) for v in got) == expected


def test_net_is_gross_less_discount_and_deduction_when_the_table_has_no_net() -> None:
    rows = [
        ["Invoice", "Gross", "Discount", "Deduction", "Reason"],
        ["INV-9", "1,000.00", "20.00", "30.00", "damaged goods"],
    ]
    line = read_grid(rows).lines[0]
    assert line.amount == Decimal("950.00")
    assert line.deduction_reason == "damaged goods"


def test_deduction_with_its_reason_in_german() -> None:
    rows = [
        ["Rechnungsnr.", "Rechnungsbetrag", "Abzug", "Grund", "Zahlbetrag"],
        ["4711", "1.000,00", "50,00", "Transportschaden", "950,00"],
    ]
    line = read_grid(rows).lines[0]
    assert (line.deduction, line.deduction_reason, line.amount) == (
        Decimal("50.00"),
        "Transportschaden",
        Decimal("950.00"),
    )


@pytest.mark.parametrize("written", ["(25.00)", "25.00-", "25.00 CR", "-25.00"])
def test_credit_memo_amounts_are_negative(written: str) -> None:
    rows = [["Invoice", "Net"], ["INV-1", "100.00"], ["CM-1", written]]
    assert _lines(rows) == [("INV-1", "100.00"), ("CM-1", "-25.00")]


@pytest.mark.parametrize("doc_type", ["Credit memo", "Gutschrift", "Avoir", "CM"])
def test_credit_document_type_makes_the_line_negative(doc_type: str) -> None:
    rows = [
        ["Document", "Type", "Amount"],
        ["INV-1", "Invoice", "100.00"],
        ["4712", doc_type, "25.00"],
    ]
    assert _lines(rows) == [("INV-1", "100.00"), ("4712", "-25.00")]


def test_repeated_headers_subtotals_and_carried_forward_rows_are_not_lines() -> None:
    # Given a two-page advice as one grid
    rows = [
        ["Invoice", "Amount"],
        ["INV-1", "100.00"],
        ["Page subtotal", "100.00"],
        ["Carried forward", "100.00"],
        ["continued on next page", ""],
        ["Invoice", "Amount"],
        ["Brought forward", "100.00"],
        ["INV-2", "200.00"],
        ["Grand total", "300.00"],
    ]
    # When it is read
    grid = read_grid(rows)
    # Then only the invoice rows are lines and the grand total is the stated total
    assert _lines(rows) == [("INV-1", "100.00"), ("INV-2", "200.00")]
    assert grid.stated_total == Decimal("300.00")


def test_header_below_title_rows_and_a_single_amount_column_is_the_net() -> None:
    rows = [
        ["Remittance export"],
        ["ACME Corp"],
        ["Invoice No", "Amount Paid"],
        ["10023", "1234.5"],
        ["10024", "99"],
        ["Total", "1333.5"],
    ]
    grid = read_grid(rows)
    assert _lines(rows) == [("10023", "1234.50"), ("10024", "99.00")]
    assert grid.stated_total == Decimal("1333.50")


def test_one_number_format_per_column_reads_thousands_the_same_in_every_row() -> None:
    us = [["Invoice", "Amount"], ["INV-1", "1,234"], ["INV-2", "12.50"]]
    eu = [["Invoice", "Amount"], ["INV-1", "1.234"], ["INV-2", "12,50"]]
    assert _lines(us) == [("INV-1", "1234.00"), ("INV-2", "12.50")]
    assert _lines(eu) == [("INV-1", "1234.00"), ("INV-2", "12.50")]


def test_without_a_header_roles_come_from_the_values() -> None:
    # Given a table with no header: reference, date, gross, discount, net
    rows = [
        ["INV-1001", "05/01/2026", "1,300.00", "50.00", "1,250.00"],
        ["INV-1002", "05/02/2026", "500.00", "", "500.00"],
    ]
    # When it is read
    first, second = read_grid(rows).lines
    # Then the rightmost amount is the net and gross - discount = net pins the others
    assert (first.invoice_ref, first.gross, first.discount, first.amount) == (
        "INV-1001",
        Decimal("1300.00"),
        Decimal("50.00"),
        Decimal("1250.00"),
    )
    assert (second.invoice_ref, second.amount) == ("INV-1002", Decimal("500.00"))


def test_check_stub_gives_the_check_number_and_the_check_amount() -> None:
    rows = [
        ["CHECK NO", "DATE", "INVOICE", "AMOUNT"],
        ["004512", "11/03/2026", "10023", "1,250.00"],
        ["004512", "11/03/2026", "10024", "500.00"],
        ["", "", "CHECK AMOUNT", "1,750.00"],
    ]
    grid = read_grid(rows)
    assert _lines(rows) == [("10023", "1250.00"), ("10024", "500.00")]
    assert (grid.payment_ref, grid.stated_total) == ("004512", Decimal("1750.00"))


def test_a_table_of_references_only_gives_lines_without_an_amount() -> None:
    assert _lines([["Invoice"], ["4711"], ["4712"]]) == [("4711", None), ("4712", None)]


def test_currency_comes_from_the_amount_cells_or_the_header() -> None:
    assert read_grid([["Invoice", "Amount (EUR)"], ["INV-1", "10,00"]]).currency == "EUR"
    assert read_grid([["Invoice", "Amount"], ["INV-1", "£10.00"]]).currency == "GBP"


def test_an_amount_with_more_decimals_than_cents_is_read_exactly_never_rounded() -> None:
    # Three decimals are money in KWD or BHD; whether the currency allows them is decided
    # later (matching.gates sends a USD line of 10.005 to a person).
    rows = [["Invoice", "Amount"], ["INV-1", "10.005"], ["INV-2", "3.50"]]
    assert _lines(rows) == [("INV-1", "10.005"), ("INV-2", "3.50")]
    rows = [["Invoice", "Amount"], ["INV-1", "10.0051"], ["INV-2", "3.50"]]
    assert _lines(rows) == [("INV-2", "3.50")]


def test_a_grid_without_structure_is_read_row_by_row_as_text() -> None:
    assert _lines([["Paid INV-1001 1,250.00 today"]]) == [("INV-1001", "1250.00")]


def test_large_grid_is_read_within_bounds() -> None:
    rows = [["Invoice", "Net"]] + [[f"INV-{n}", "1.00"] for n in range(20_000)]
    started = time.monotonic()
    grid = read_grid(rows)
    assert len(grid.lines) == 9_999  # MAX_ROWS rows, the header among them
    assert time.monotonic() - started < 10


@given(
    st.lists(
        st.lists(st.text(alphabet="0123456789.,-() INVCRTotal€$|", max_size=12), max_size=6),
        max_size=12,
    )
)
def test_read_grid_never_raises(rows: list[list[str]]) -> None:
    read_grid(rows)


def test_header_split_over_two_cells_takes_the_reference_from_the_filled_column() -> None:
    rows = [["Invoice", "No.", "Amount"], ["", "INV-1001", "10.00"], ["", "INV-1002", "5.00"]]
    assert _lines(rows) == [("INV-1001", "10.00"), ("INV-1002", "5.00")]


def test_sap_english_reference_column_is_ours_and_the_document_number_the_alternative() -> None:
    rows = [
        ["Document No.", "Reference", "Doc. date", "Gross", "Discount", "Net"],
        ["1900000123", "10023", "03.11.2026", "1.000,00", "20,00", "980,00"],
    ]
    line = read_grid(rows).lines[0]
    assert (line.invoice_ref, line.alt_refs, line.amount) == (
        "10023",
        ("1900000123",),
        Decimal("980.00"),
    )


def test_without_a_header_the_column_adding_up_to_the_total_is_the_net() -> None:
    # Given a headerless table whose rightmost amount column is an open balance of zero
    rows = [
        ["Avis de paiement", "", "", ""],
        ["INV-10000", "507,46", "497,31", "0,00"],
        ["INV-10001", "100,00", "100,00", "0,00"],
        ["Total", "", "597,31", ""],
    ]
    # When it is read, then the net is the column the total row sums
    assert _lines(rows) == [("INV-10000", "497.31"), ("INV-10001", "100.00")]
    assert read_grid(rows).stated_total == Decimal("597.31")


def test_without_a_header_or_total_the_net_is_the_larger_side_of_gross_less_discount() -> None:
    # Given gross, net and discount in an unusual order, no header and no total
    rows = [
        ["8.863,71", "RE2026-0001", "177,27", "8.686,44"],
        ["4.062,50", "RE2026-0003", "81,25", "3.981,25"],
    ]
    # When it is read, then gross − discount = net names the columns
    line = read_grid(rows).lines[0]
    assert (line.gross, line.discount, line.amount) == (
        Decimal("8863.71"),
        Decimal("177.27"),
        Decimal("8686.44"),
    )


def test_without_a_header_order_numbers_are_not_taken_for_our_invoices() -> None:
    rows = [["PO-620", "10000", "7 977,65"], ["PO-517", "10001", "4 326,39"]]
    assert _lines(rows) == [("10000", "7977.65"), ("10001", "4326.39")]


def test_a_last_row_of_header_words_is_no_header_and_no_error() -> None:
    # found by a hostile body: the header search looked past the last row
    grid = read_grid([["INV-1001", "1,250.00", ""], ["Invoice", "foo", "bar"]])
    assert [(ln.invoice_ref, ln.amount) for ln in grid.lines] == [("INV-1001", Decimal("1250.00"))]


CELLS = st.sampled_from(
    ["Invoice", "Net", "Skonto", "Total", "Summe", "foo", "", "INV-1001", "4711", "CM-2",
     "1.250,00", "1,250.00", "(5.00)", "3.00-", "10.005", "05.01.2026", "EUR", "Gutschrift",
     "Carried forward", "0.00", "PO-1", "#12", "Doc no.", "Our doc."]
)  # fmt: skip


@given(st.lists(st.lists(CELLS, max_size=6), max_size=10))
def test_read_grid_never_raises_on_tables_of_known_words(rows: list[list[str]]) -> None:
    read_grid(rows)


@pytest.mark.parametrize("minus", ["\u2212", "\u2013"])
def test_a_minus_typeset_as_a_dash_is_a_credit(minus: str) -> None:
    rows = [["Invoice", "Net"], ["INV-1", "100.00"], ["CM-1", f"{minus}25.00"]]
    assert _lines(rows) == [("INV-1", "100.00"), ("CM-1", "-25.00")]


def test_header_set_in_two_lines_is_read_as_one() -> None:
    # Given a German advice whose header words are hyphenated over two rows, the net
    # left of the gross (only the joined words can tell which is which)
    rows = [
        ["Zahlungsavis", "", ""],
        ["Rech-", "Zahl-", "Brutto-"],
        ["nungsnr.", "betrag", "betrag"],
        ["RE-10023", "980,00", "1.000,00"],
    ]
    # When it is read, then the joined words name the columns
    line = read_grid(rows).lines[0]
    assert (line.invoice_ref, line.gross, line.amount) == (
        "RE-10023",
        Decimal("1000.00"),
        Decimal("980.00"),
    )

"""parsers.remittance_text: remittance lines, totals and payment refs in written text."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parsers.line_scan import scan_lines
from parsers.quoted_text import strip_quotes_and_signature
from parsers.remittance_text import parse_text_remittance


def _pairs(text: str) -> list[tuple[str | None, str]]:
    remittance = parse_text_remittance(text)
    assert remittance is not None
    return [(line.invoice_ref, str(line.amount)) for line in remittance.lines]


@pytest.mark.parametrize(
    ("line", "ref", "amount"),
    [
        ("INV-1001  1,250.00", "INV-1001", "1250.00"),
        ("Invoice 1001: $1,250.00", "1001", "1250.00"),
        ("INV-1001 | 2024-01-05 | 1,250.00", "INV-1001", "1250.00"),
        ("1001    1.250,00 EUR", "1001", "1250.00"),
        ("We paid invoice INV-1001 for 1,250.00 today.", "INV-1001", "1250.00"),
        ("inv 10002        480.00", "10002", "480.00"),
        ("Invoice No. 10005 - $99.95", "10005", "99.95"),
        ("#10004 1,000.00", "10004", "1000.00"),
        ("CM-2001 (150.00)", "CM-2001", "-150.00"),
        ("INV-1007 | 1,300.00 | 50.00 | 1,250.00", "INV-1007", "1250.00"),
        ("1 234,56 € INV-1009", "INV-1009", "1234.56"),
        ("INV-10010 $1,250", "INV-10010", "1250.00"),
        ("C1001 INV-10001 1,250.00", "INV-10001", "1250.00"),
        ("PO 5555 INV-1001 1,250.00", "INV-1001", "1250.00"),
        ("INV-1001 USD1,250.00", "INV-1001", "1250.00"),
        ("INV-1001 1.250,00EUR", "INV-1001", "1250.00"),
        ("CM-2001 150.00 CR", "CM-2001", "-150.00"),
        ("CM-2001 150.00-", "CM-2001", "-150.00"),
        ("INV-1001 CHF 1'234.50", "INV-1001", "1234.50"),
        ("INV-1001 (see 150.00 above)", "INV-1001", "150.00"),
    ],
)
def test_a_line_with_one_reference_and_an_amount_is_a_remittance_line(
    line: str, ref: str, amount: str
) -> None:
    assert _pairs(line) == [(ref, amount)]


@pytest.mark.parametrize(
    ("line", "ref"),
    [
        ("Paid 2026-01-05 for 1001: 250.00", "1001"),
        ("Paid on 05/01/2026 invoice 1001 amount 250.00", "1001"),
        ("31.12.2026   1001   250.00", "1001"),
        ("Jan 5, 2026 INV-1006 12.00", "INV-1006"),
        ("5 January 2026 1006 12.00", "1006"),
    ],
)
def test_dates_are_never_taken_as_references_or_amounts(line: str, ref: str) -> None:
    remittance = parse_text_remittance(line)
    assert remittance is not None
    assert [line.invoice_ref for line in remittance.lines] == [ref]


@pytest.mark.parametrize(
    "text",
    [
        "Payment of 1,250.00 sent on 2026-01-05.",
        "Call us at +1 555-123-4567 about the 1,250.00",
        "Invoice | Date | Amount",
        "Thank you for your business!",
        "Check no 10045 for 3,000.00",
        "Wire transfer 12345 for 3,000.00",
        "Account 123456789 balance 5,000.00",
        "Invoices 1001 and 1002: 2,500.00",
        "INV-1001",
        "",
    ],
)
def test_text_without_a_remittance_line_gives_none(text: str) -> None:
    assert parse_text_remittance(text) is None


def test_multi_line_advice_with_total_and_header() -> None:
    # Given a typical table pasted into a mail, with a header row and a total
    text = """Hi team,

Payment of 4,065.50 was sent today by wire transfer 5521880 and covers:

  Invoice            Amount
  inv 10002          480.00
  10003            1,375.50
  Invoice #INV-10004  2,210.00
  Total:           4,065.50
"""
    # When it is parsed
    remittance = parse_text_remittance(text)
    # Then there are three lines, the stated total and the payment reference
    assert remittance is not None
    assert [(ln.invoice_ref, ln.amount) for ln in remittance.lines] == [
        ("10002", Decimal("480.00")),
        ("10003", Decimal("1375.50")),
        ("INV-10004", Decimal("2210.00")),
    ]
    assert remittance.stated_total == Decimal("4065.50")
    assert remittance.lines_total == remittance.stated_total
    assert remittance.payment_ref == "5521880"
    assert remittance.source == "body"


@pytest.mark.parametrize(
    ("line", "total"),
    [
        ("Total: 3,000.00", "3000.00"),
        ("Total paid   $3,000.00", "3000.00"),
        ("Summe: 3.000,00 EUR", "3000.00"),
        ("Total | | 3,000.00", "3000.00"),
        ("Invoices 1001, 1002 total 3,000.00", "3000.00"),
    ],
)
def test_total_line_sets_the_stated_total_and_is_not_a_line(line: str, total: str) -> None:
    scan = scan_lines(["INV-101 | 3,000.00", line])
    assert scan.stated_total == Decimal(total)
    assert len(scan.lines) == 1


@pytest.mark.parametrize(
    "line",
    ["Subtotal: 1,000.00", "Page total 1,000.00", "Carried forward 1,000.00", "Übertrag 1.000,00"],
)
def test_subtotals_are_neither_lines_nor_the_total(line: str) -> None:
    scan = scan_lines(["INV-1001 1,000.00", line, "INV-1002 500.00", "Total 1,500.00"])
    assert [ln.invoice_ref for ln in scan.lines] == ["INV-1001", "INV-1002"]
    assert scan.stated_total == Decimal("1500.00")


@pytest.mark.parametrize(
    ("line", "ref"),
    [
        ("Payment ref: ACH-778812", "ACH-778812"),
        ("Check no 10045", "10045"),
        ("Cheque #778 mailed", "778"),
        ("ACH-991 sent", "ACH-991"),
    ],
)
def test_payment_reference_is_found_and_not_an_invoice(line: str, ref: str) -> None:
    scan = scan_lines([line, "INV-1001 10.00"])
    assert scan.payment_ref == ref
    assert [ln.invoice_ref for ln in scan.lines] == ["INV-1001"]


def test_explicit_currency_is_reported_when_consistent() -> None:
    assert scan_lines(["1001 1.250,00 EUR", "1002 12,00"]).currency == "EUR"
    assert scan_lines(["1001 1,250.00 USD", "1002 €12,00"]).currency is None
    assert scan_lines(["1001 $1,250.00"]).currency is None  # $ is not only USD


def test_quoted_reply_is_ignored() -> None:
    text = """Thanks, we paid INV-2001 500.00 today.

On Fri, 27 Feb 2026 at 08:00, Example Supplies <ar@arbox.example> wrote:
> Statement: INV-2001 500.00
> INV-2002 900.00
"""
    assert _pairs(text) == [("INV-2001", "500.00")]


def test_reply_header_wrapped_over_two_lines_ends_the_text() -> None:
    text = (
        "INV-101 1.00\nOn Mon, 2 Mar 2026 at 10:00, Example Supplies\n"
        "<ar@arbox.example> wrote:\nINV-202 2.00"
    )
    assert _pairs(text) == [("INV-101", "1.00")]


@pytest.mark.parametrize(
    "marker",
    [
        "-----Original Message-----",
        "-- ",
        "From: Example Supplies <ar@arbox.example>\nSent: Friday, 27 February 2026 08:00",
    ],
)
def test_text_after_original_message_or_signature_is_ignored(marker: str) -> None:
    text = f"INV-101 1.00\n{marker}\nINV-202 2.00\n"
    assert _pairs(text) == [("INV-101", "1.00")]


def test_forwarded_mail_keeps_its_content() -> None:
    text = """FYI, see below.

---------- Forwarded message ---------
From: Bank of Example <advice@bank.example>
Date: Mon, 2 Mar 2026
Subject: Remittance

INV-1001 1,250.00
"""
    assert _pairs(text) == [("INV-1001", "1250.00")]


def test_lines_starting_with_quote_marks_are_dropped() -> None:
    assert strip_quotes_and_signature("a\n> b\n  >> c\nd") == "a\nd"


@given(st.text(max_size=300))
def test_parse_text_remittance_never_raises(text: str) -> None:
    parse_text_remittance(text)


@given(
    st.integers(min_value=1000, max_value=99_999_999),
    st.integers(min_value=1, max_value=10**9),
    st.sampled_from(["INV-{ref}  {amt}", "Invoice {ref}: ${amt}", "{ref} | 2026-01-05 | {amt}"]),
)
def test_written_line_reads_back_its_reference_and_amount(ref: int, cents: int, form: str) -> None:
    amount = Decimal(cents) / 100
    line = form.format(ref=ref, amt=f"{amount:,.2f}")
    scan = scan_lines([line])
    assert len(scan.lines) == 1
    assert scan.lines[0].amount == amount
    assert str(ref) in (scan.lines[0].invoice_ref or "")


def test_number_too_long_for_decimal_context_is_not_an_amount() -> None:
    # found by fuzzing: parse_amount raised decimal.InvalidOperation on 30 digits
    assert scan_lines(["INV-1001 " + "9" * 30 + ".00"]).lines == ()


@given(st.text(alphabet="0123456789.,-' INV$€()CR|#:\n", max_size=300))
def test_scan_lines_never_raises_on_number_soup(text: str) -> None:
    scan_lines(text.splitlines())


def test_space_aligned_table_with_gross_discount_and_net_and_a_quoted_reply() -> None:
    # Given a body with a greeting, an aligned table, a signature and a quoted earlier mail
    text = """Hello,

please find our payment below.

Invoice No.     Date          Gross      Discount     Net
INV-10023       05/11/2026    1,250.00      25.00    1,225.00
INV-10024       05/11/2026      980.00                 980.00
CM-2001         01/11/2026     (100.00)              (100.00)
                              Total paid             2,105.00

Kind regards
Jane

On Mon, 2 Nov 2026 at 10:00, Example Supplies <ar@arbox.example> wrote:
> INV-99999   5,000.00
> INV-99998   1,000.00
"""
    # When it is parsed
    remittance = parse_text_remittance(text)
    # Then the table's columns are read and nothing of the quoted mail is
    assert remittance is not None
    assert [(ln.invoice_ref, ln.gross, ln.discount, ln.amount) for ln in remittance.lines] == [
        ("INV-10023", Decimal("1250.00"), Decimal("25.00"), Decimal("1225.00")),
        ("INV-10024", Decimal("980.00"), None, Decimal("980.00")),
        ("CM-2001", Decimal("-100.00"), None, Decimal("-100.00")),
    ]
    assert remittance.stated_total == Decimal("2105.00")


def test_pipe_table_with_a_markdown_rule_in_european_format() -> None:
    text = "| Rechnung | Betrag |\n|---|---|\n| RE-4711 | 1.234,56 |\n| RE-4712 | 99,00 |\n"
    assert _pairs(text) == [("RE-4711", "1234.56"), ("RE-4712", "99.00")]


def test_tab_separated_table_pasted_from_a_spreadsheet() -> None:
    text = "Invoice\tPaid\nINV-1\t1250.5\nINV-2\t3\n"
    assert _pairs(text) == [("INV-1", "1250.50"), ("INV-2", "3.00")]


def test_sentence_with_an_amount_after_each_invoice_gives_a_line_each() -> None:
    text = "We paid INV-10023 ($1,200.00) and INV-10031 ($850.50) by ACH today."
    assert _pairs(text) == [("INV-10023", "1200.00"), ("INV-10031", "850.50")]


@pytest.mark.parametrize(
    "text",
    [
        "In settlement of invoices 4711, 4712 and 4720 we have transferred EUR 3.456,78.",
        "Wir haben die Rechnungen 4711, 4712 und 4720 mit EUR 3.456,78 beglichen.",
        "Nous avons réglé les factures 4711, 4712 et 4720 pour un total de 3 456,78 EUR.",
    ],
)
def test_sentence_listing_invoices_with_one_amount_gives_lines_without_amounts_and_the_total(
    text: str,
) -> None:
    remittance = parse_text_remittance(text)
    assert remittance is not None
    assert [(ln.invoice_ref, ln.amount) for ln in remittance.lines] == [
        ("4711", None),
        ("4712", None),
        ("4720", None),
    ]
    assert remittance.stated_total == Decimal("3456.78")
    assert remittance.currency == "EUR"


def test_sentences_and_single_lines_keep_the_order_they_are_written_in() -> None:
    text = (
        "INV-101 10.00\nWe also paid INV-102 (20.00) and INV-103 (30.00) as agreed.\nINV-104 4.00"
    )
    assert _pairs(text) == [
        ("INV-101", "10.00"),
        ("INV-102", "20.00"),
        ("INV-103", "30.00"),
        ("INV-104", "4.00"),
    ]


def test_a_huge_hostile_body_is_read_within_bounds() -> None:
    # Given a 20,000-line body of number soup, table fragments and sentence words
    words = ["INV-1001", "1,250.00", "and", "invoices", "4711,", "Total", "|", "  ", "paid"]
    text = "\n".join(
        " ".join(words[(n + k) % len(words)] for k in range(n % 25)) for n in range(20_000)
    )
    # When it is parsed (the CPU seconds of this process: what the parse child's RLIMIT_CPU
    # counts, and not the waits for a core that other work on the machine causes; the parse
    # is in-process and single-threaded, so on an idle core the two are the same)
    started = time.process_time()
    parse_text_remittance(text)
    # Then the read is bounded (at most MAX_TEXT_LINES lines) and ends well within the
    # isolation time limit
    assert time.process_time() - started < 6


@pytest.mark.parametrize(
    "text",
    [
        "We dispute invoices 4711, 4712 and 4720 for a total of 3,456.78.",
        "Could you send copies of INV-10023 (1,200.00) and INV-10031 (850.50)?",
    ],
)
def test_a_sentence_naming_invoices_without_paying_them_is_no_remittance(text: str) -> None:
    assert parse_text_remittance(text) is None


def test_an_aligned_row_whose_cells_ran_together_is_still_read() -> None:
    text = "Invoice        Amount\nINV-10023    1,250.00\nINV-10024 980.00\nINV-10025      10.00\n"
    assert _pairs(text) == [
        ("INV-10023", "1250.00"),
        ("INV-10024", "980.00"),
        ("INV-10025", "10.00"),
    ]


WORDS = st.sampled_from(
    ["Invoice", "Net", "Total", "paid", "invoices", "and", "INV-1001", "4711,", "1.250,00",
     "1,250.00", "(5.00)", "EUR", "|", "  ", "\t", "\n", "Carried forward", "#12", "Skonto"]
)  # fmt: skip


@given(st.lists(WORDS, max_size=80))
def test_parse_text_remittance_never_raises_on_remittance_words(words: list[str]) -> None:
    parse_text_remittance(" ".join(words))


def test_portal_notification_with_one_labelled_record_per_invoice() -> None:
    # Given an AP-portal notification that writes each invoice as label: value lines
    text = """Payment notification

Payment reference: ACH-778812

Invoice number: INV-10023
Invoice date: 10/01/2026
Amount paid: $1,225.00
Invoice number: INV-10024
Invoice date: 10/02/2026
Amount paid: $980.00

Total: $2,205.00
"""
    # When it is parsed, then each record is a line and the total is read
    remittance = parse_text_remittance(text)
    assert remittance is not None
    assert [(ln.invoice_ref, ln.amount) for ln in remittance.lines] == [
        ("INV-10023", Decimal("1225.00")),
        ("INV-10024", Decimal("980.00")),
    ]
    assert remittance.stated_total == Decimal("2205.00")
    assert remittance.payment_ref == "ACH-778812"


def test_issue_4_sentences_with_bare_numbers_and_prose_references():
    """Corpus misses: invoices written as bare numbers with their own amount in
    parentheses, one invoice with its amount as an aside, and the payment's reference."""
    from decimal import Decimal

    from parsers.remittance_text import parse_text_remittance
    from parsers.text_refs import find_payment_ref

    many = parse_text_remittance(
        "A check of $16,457.29 was sent on 11/12/2026 for 10549 ($9,244.54) and 10551 "
        "($7,212.75). Our reference is 673507."
    )
    assert many is not None
    assert [(ln.invoice_ref, ln.amount) for ln in many.lines] == [
        ("10549", Decimal("9244.54")),
        ("10551", Decimal("7212.75")),
    ]
    assert many.stated_total == Decimal("16457.29")
    assert many.payment_ref == "673507"
    one = parse_text_remittance("Just letting you know we have paid 0010434 ($4,584.31).")
    assert one is not None
    assert [(ln.invoice_ref, ln.amount) for ln in one.lines] == [("0010434", Decimal("4584.31"))]
    assert find_payment_ref("we have transferred USD 27,405.21, reference TRF-796427819.") == (
        "TRF-796427819"
    )
    assert find_payment_ref("Virement du 14/11/2026 - réf. FT26209476136") == "FT26209476136"
    assert find_payment_ref("(reference 390837)") == "390837"


def test_ocr_damaged_numbers_with_their_own_amount_in_a_sentence_are_documents():
    remittance = parse_text_remittance(
        "We paid INV-556598 ($14,882.66), INV-648224 ($1,599.23) and 6303S0 ($13,305.60) "
        "by ACH today."
    )
    assert remittance is not None
    assert [(line.invoice_ref, line.amount) for line in remittance.lines] == [
        ("INV-556598", Decimal("14882.66")),
        ("INV-648224", Decimal("1599.23")),
        ("6303S0", Decimal("13305.60")),
    ]


def test_an_amount_in_parentheses_after_an_unread_document_is_never_a_negative_total():
    remittance = parse_text_remittance(
        "A wire transfer of €28,025.03 was sent on 11/03/2026 for INV-259380 (€11,179.97) "
        "and INV-B48552 (€16,845.06)."
    )
    assert remittance is not None
    assert remittance.stated_total == Decimal("28025.03")
    assert [line.invoice_ref for line in remittance.lines] == ["INV-259380", "INV-B48552"]

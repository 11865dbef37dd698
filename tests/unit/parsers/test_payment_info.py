"""parsers.payment_info: payer, payment date, method, reference and currency from free text."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.types import PaymentMethod
from parsers.payment_info import parse_date, read_payment_info, read_payment_method


def test_german_advice_letterhead_gives_payer_date_method_ref_and_currency() -> None:
    # Given the text of a German payment advice
    text = """Muster GmbH · Hauptstraße 1 · 10115 Berlin
Example Supplies Ltd
Zahlungsavis Nr. 5100004711
Valuta: 03.11.2026
Wir haben per SEPA-Überweisung EUR 3.456,78 überwiesen."""
    # When its payment facts are read, with our own name known
    info = read_payment_info(text, own_names=["Example Supplies Ltd"])
    # Then the payer is the letterhead company, not us, and the rest is read as stated
    assert info.payer_name == "Muster GmbH"
    assert info.payment_date == date(2026, 11, 3)
    assert info.payment_method is PaymentMethod.WIRE
    assert info.payment_ref == "5100004711"
    assert info.currency == "EUR"


def test_labelled_payer_wins_over_a_company_line() -> None:
    text = "Northwind Traders Inc.\nPayer: Contoso Ltd\nPayment date: 11/05/2026"
    info = read_payment_info(text)
    assert info.payer_name == "Contoso Ltd"
    assert info.payment_date == date(2026, 11, 5)


def test_sender_name_is_only_the_fallback_for_the_payer() -> None:
    assert read_payment_info("We paid today.", sender_name="Jane Doe").payer_name == "Jane Doe"
    assert read_payment_info("Acme Corp\nWe paid.", sender_name="Jane").payer_name == "Acme Corp"


def test_greeting_and_payee_lines_are_not_the_payer() -> None:
    text = "Dear Example Supplies Ltd,\nBeneficiary: Example Supplies Ltd\nwe paid."
    assert read_payment_info(text).payer_name is None


@pytest.mark.parametrize(
    ("text", "method"),
    [
        ("Paid by ACH today", PaymentMethod.ACH),
        ("Wire transfer sent", PaymentMethod.WIRE),
        ("Per Überweisung beglichen", PaymentMethod.WIRE),
        ("Réglé par virement", PaymentMethod.WIRE),
        ("SEPA credit transfer", PaymentMethod.WIRE),
        ("Transferencia bancaria", PaymentMethod.WIRE),
        ("Check no. 10045 enclosed", PaymentMethod.CHECK),
        ("Cheque enclosed", PaymentMethod.CHECK),
        ("Scheck anbei", PaymentMethod.CHECK),
        ("Paiement par chèque", PaymentMethod.CHECK),
        ("EFT payment", PaymentMethod.EFT),
        ("Per SEPA eingezogen", PaymentMethod.EFT),
        ("SEPA-Lastschrift", PaymentMethod.EFT),
        ("Paid by credit card", PaymentMethod.CARD),
        ("Please check the attached list", None),
    ],
)
def test_payment_method_words_in_several_languages(text: str, method: PaymentMethod | None) -> None:
    assert read_payment_method(text) is method


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        ("Payment ref: ACH-778812", "ACH-778812"),
        ("Check no 10045", "10045"),
        ("Cheque #778 mailed", "778"),
        ("Zahlungsreferenz: 5100004711", "5100004711"),
        ("Payment document 1500004711", "1500004711"),
        ("Référence de paiement : VIR-2026-11", "VIR-2026-11"),
    ],
)
def test_payment_reference_is_read_from_its_label(text: str, ref: str) -> None:
    assert read_payment_info(text).payment_ref == ref


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("Total EUR 1.234,56", "EUR"),
        ("Total 1.234,56 €", "EUR"),
        ("Total £12.00", "GBP"),
        ("Total $12.00", "USD"),
        ("Total CAD 12.00, $ amounts are Canadian", "CAD"),
        ("no amounts here", None),
    ],
)
def test_currency_from_codes_and_symbols(text: str, currency: str | None) -> None:
    assert read_payment_info(text).currency == currency


@pytest.mark.parametrize(
    ("text", "dayfirst", "expected"),
    [
        ("2026-11-03", False, date(2026, 11, 3)),
        ("03.11.2026", False, date(2026, 11, 3)),
        ("11/03/2026", False, date(2026, 11, 3)),
        ("03/11/2026", True, date(2026, 11, 3)),
        ("25/11/2026", False, date(2026, 11, 25)),
        ("Nov 3, 2026", False, date(2026, 11, 3)),
        ("3. November 2026", False, date(2026, 11, 3)),
        ("3 novembre 2026", False, date(2026, 11, 3)),
        ("3 de noviembre de 2026", False, date(2026, 11, 3)),
        ("31.02.2026", False, None),
    ],
)
def test_dates_in_the_forms_payers_write_them(
    text: str, dayfirst: bool, expected: date | None
) -> None:
    assert parse_date(text, dayfirst=dayfirst) == expected


def test_european_text_reads_slashed_dates_day_first() -> None:
    info = read_payment_info("Date de paiement : 03/11/2026\nMontant : 1 234,56 €")
    assert info.payment_date == date(2026, 11, 3)


@given(st.text(max_size=400))
def test_read_payment_info_never_raises(text: str) -> None:
    read_payment_info(text, sender_name=text[:20])


def test_an_invoice_or_due_date_is_not_the_payment_date() -> None:
    text = "Invoice date: 01.10.2026\nDue date: 31.10.2026\nDate: 03.11.2026"
    assert read_payment_info(text).payment_date == date(2026, 11, 3)
    assert read_payment_info("Invoice date: 01.10.2026").payment_date is None


@pytest.mark.parametrize(
    ("text", "method"),
    [
        ("Payment Method: Check", PaymentMethod.CHECK),
        ("Payment method: Card", PaymentMethod.CARD),
        ("Zahlungsart: Scheck", PaymentMethod.CHECK),
        ("Mode de paiement : chèque", PaymentMethod.CHECK),
        ("Forma de pago: transferencia", PaymentMethod.WIRE),
        ("Payment method: SEPA", PaymentMethod.EFT),
        ("Thanks for the ACH details.\nPayment method: wire", PaymentMethod.WIRE),
    ],
)
def test_a_labelled_method_wins_and_may_be_a_bare_word(text: str, method: PaymentMethod) -> None:
    assert read_payment_method(text) is method


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("SARL Dupont & Fils", "SARL Dupont & Fils"),
        ("Müller GmbH & Co. KG, Industriestr. 5", "Müller GmbH & Co. KG"),
        ("Remittance from Globex Corporation", "Globex Corporation"),
        ("Smith, Jones and Brown LLC | 1 Main St", "Smith, Jones and Brown LLC"),
    ],
)
def test_company_names_with_legal_forms_before_or_after(line: str, name: str) -> None:
    assert read_payment_info(line).payer_name == name


#: Words near the method patterns: every alternative, parts of them, words that hold a
#: hint without being a method, and letters that fold differently under re.IGNORECASE.
_METHOD_VOCABULARY = (
    "ach", "ACH", "ccd+", "CTX", "ppd", "eft", "EFT", "electronic funds transfer",
    "direct debit", "Lastschrift", "prélèvement", "domiciliación", "addebito diretto",
    "incasso", "check", "Check No", "check #", "cheque", "by cheque", "chk 10045", "scheck",
    "chèque", "assegno", "cheque enclosed", "please check", "wire", "wired", "bank transfer",
    "credit-transfer", "transferred", "Überweisung", "ueberweisung", "virement",
    "transferencia", "bonifico", "overboeking", "SWIFT", "TT", "tt", "Pratt", "remittance",
    "settlement", "credit card", "debit card", "card payment", "VISA", "Mastercard", "amex",
    "American Express", "Kreditkarte", "carte bancaire", "tarjeta", "İ", "ı", "ſ", "\u212a",
    "paid", "sepa", "INV-1001", "1,250.00", "cachet", "swiftly", "visage", "cardiff",
)  # fmt: skip


def _method_searching_every_pattern(text: str) -> PaymentMethod | None:
    """``read_payment_method`` with no pattern skipped by its hints ("" is in every text)."""
    import parsers.payment_info as payment_info

    saved = payment_info._METHOD_HINTS
    payment_info._METHOD_HINTS = tuple(("",) for _ in saved)
    try:
        return read_payment_method(text)
    finally:
        payment_info._METHOD_HINTS = saved


def test_the_method_patterns_skipped_by_their_hints_would_not_have_matched_any_pair() -> None:
    texts = [f"{a} {b}" for a in _METHOD_VOCABULARY for b in ("", *_METHOD_VOCABULARY)]
    wrong = [t for t in texts if read_payment_method(t) != _method_searching_every_pattern(t)]
    assert wrong == []


@given(
    st.lists(
        st.tuples(
            st.sampled_from(_METHOD_VOCABULARY), st.sampled_from([" ", "\n", ": ", "-", "/", ""])
        ),
        max_size=12,
    )
)
def test_the_method_patterns_skipped_by_their_hints_would_not_have_matched(
    parts: list[tuple[str, str]],
) -> None:
    text = "".join(word + sep for word, sep in parts)
    assert read_payment_method(text) == _method_searching_every_pattern(text), text

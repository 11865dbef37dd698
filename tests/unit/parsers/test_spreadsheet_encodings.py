"""Remittance spreadsheets attached to mail in other encodings (issue 21): read, not sent to
review for their encoding; hostile files are a problem with a reason, never a crash."""

from __future__ import annotations

import codecs
import dataclasses
import time
from decimal import Decimal

import pytest

from core.types import Attachment, ParsedEmail
from parsers.remittance import extract_remittance
from parsers.spreadsheet import read_csv_rows
from parsers.text_encoding import REPLACEMENT

BLANK = ParsedEmail(
    message_id="<m@x.example>",
    subject="Avis de paiement",
    from_address="compta@societe.example",
    from_name="",
    reply_to=None,
    return_path=None,
    date=None,
    headers=(),
    text="",
    html_text="",
    attachments=(),
    content_type="text/plain",
)
FRENCH_ADVICE = (
    "Avis de paiement\r\nSociété Générale Crème SARL\r\n\r\n"
    "Facture;Libellé;Montant réglé\r\n"
    "FA-1001;Prestation d'été;1.234,56\r\n"
    "FA-1002;Frais de dossier à régler;100,00\r\n"
    "Total;;1.334,56\r\n"
)


def extract(data: bytes, name: str = "avis.csv"):
    attachment = Attachment(filename=name, content_type="text/csv", data=data)
    return extract_remittance(dataclasses.replace(BLANK, attachments=(attachment,)))


@pytest.mark.parametrize(
    "data",
    [
        FRENCH_ADVICE.encode("latin-1"),
        FRENCH_ADVICE.encode("cp1252"),
        codecs.BOM_UTF16_LE + FRENCH_ADVICE.replace(";", "\t").encode("utf-16-le"),
    ],
    ids=["latin-1", "cp1252", "excel-unicode-text"],
)
def test_issue_21_customers_legacy_csv_remittance_is_read_not_sent_to_review(data):
    """Issue 21: a customer's Latin-1 CSV remittance must be read, whatever its encoding."""
    # When the remittance of a mail with the customer's CSV is extracted
    extraction = extract(data)
    # Then its lines, total and payer are read exactly, and nothing is a problem
    assert extraction.problems == ()
    remittance = extraction.remittance
    assert remittance is not None
    assert [(ln.invoice_ref, ln.amount) for ln in remittance.lines] == [
        ("FA-1001", Decimal("1234.56")),
        ("FA-1002", Decimal("100.00")),
    ]
    assert remittance.stated_total == Decimal("1334.56")
    assert remittance.payer_name == "Société Générale Crème SARL"


def test_csv_the_code_pages_read_differently_is_read_with_its_disputed_letters_marked():
    # Given a Hungarian export in ISO-8859-2 that the code pages read differently
    # (the same bytes are refused by the strict import: tests/unit/parsers/test_text_encoding.py)
    name = "Szőlő Győr Kft"
    text = (
        "invoice_number,customer_number,customer_name,issue_date,due_date,amount\n"
        f"INV-1001,C-0,{name},2026-01-05,2026-02-04,100.00\n"
    )
    rows = read_csv_rows(text.encode("iso8859_2"))
    # Then the numbers are read, and the letters the readings disagree on are marked
    assert rows[1][0] == "INV-1001" and rows[1][5] == "100.00"
    assert rows[1][2] != name and REPLACEMENT in rows[1][2]
    assert all(a in (b, REPLACEMENT) for a, b in zip(rows[1][2], name, strict=True))
    # And the remittance of a mail carrying it is read, with no problem
    extraction = extract(text.encode("iso8859_2"))
    assert extraction.problems == ()
    assert extraction.remittance is not None
    assert [(ln.invoice_ref, ln.amount) for ln in extraction.remittance.lines] == [
        ("INV-1001", Decimal("100.00"))
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "NUL bytes"),
        (codecs.BOM_UTF16_LE + "Invoice;Paid".encode("utf-16-le") + b"\x00", "cut-off"),
        (b"Invoice;Paid\r\n" + b"9" * 50_000_000, "field larger than field limit"),
    ],
    ids=["empty", "binary", "utf-16-odd", "50-mb-line"],
)
def test_hostile_csv_attachment_is_a_problem_with_a_reason(data, reason):
    start = time.perf_counter()
    extraction = extract(data)
    assert extraction.remittance is None
    assert len(extraction.problems) == 1 and reason in extraction.problems[0]
    assert time.perf_counter() - start < 10

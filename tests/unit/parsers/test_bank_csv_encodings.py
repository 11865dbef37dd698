"""Bank CSV exports in other encodings (issue 21): read exactly or refused, never replaced."""

from __future__ import annotations

import codecs
from decimal import Decimal

import pytest

from parsers.bank import BankStatementError, CsvMapping
from parsers.bank.csv import parse_csv_statement

EXPORT = (
    "Date;Amount;Payer;Description\r\n"
    "2026-11-03;1.250,00;Müller Bäckerei GmbH;RE-4711 Größe\r\n"
    "2026-11-04;99,90;Schröder & Söhne KG;RE-4712\r\n"
)
MAPPING = CsvMapping(decimal_comma=True, currency="EUR")


@pytest.mark.parametrize(
    "data",
    [
        EXPORT.encode("cp1252"),
        EXPORT.encode("latin-1"),
        codecs.BOM_UTF16_LE + EXPORT.encode("utf-16-le"),
        EXPORT.encode("utf-8"),
    ],
    ids=["cp1252", "latin-1", "utf-16", "utf-8"],
)
def test_issue_21_bank_csv_in_a_legacy_or_unicode_encoding_reads_names_exactly(data):
    statement = parse_csv_statement(data, mapping=MAPPING, statement_id="s1")
    assert [(e.payer_name, e.amount, e.remittance_text) for e in statement.entries] == [
        ("Müller Bäckerei GmbH", Decimal("1250.00"), "RE-4711 Größe"),
        ("Schröder & Söhne KG", Decimal("99.90"), "RE-4712"),
    ]


def test_bank_csv_the_code_pages_read_differently_is_refused_and_the_mapping_reads_it():
    data = (
        "invoice_number,customer_number,customer_name,issue_date,due_date,amount\n"
        "INV-0,C-0,Szőlő Győr Kft,2026-01-05,2026-02-04,100.00\n"
    ).encode("iso8859_2")
    mapping = CsvMapping(date_column="issue_date", payer_column="customer_name", currency="HUF")
    with pytest.raises(BankStatementError, match="cannot be told for sure"):
        parse_csv_statement(data, mapping=mapping, statement_id="s1")
    given = CsvMapping(
        date_column="issue_date", payer_column="customer_name", currency="HUF", encoding="iso8859_2"
    )
    statement = parse_csv_statement(data, mapping=given, statement_id="s1")
    assert statement.entries[0].payer_name == "Szőlő Győr Kft"


def test_binary_file_named_csv_is_refused_as_not_text():
    with pytest.raises(BankStatementError, match="NUL bytes"):
        parse_csv_statement(b"\x89PNG\r\n\x1a\n\x00\x00", mapping=MAPPING, statement_id="s1")

"""The bank statement readers on synthetic files: balances, hostile input, CSV mappings and
the remittance text inside bank records."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parsers.bank import BankStatementError, CsvMapping, detect_format, read_statements
from parsers.bank.model import BankEntry
from parsers.bank.remittance import remittance_from_entry

CAMT = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}">
 <BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId></GrpHdr>
  <Stmt><Id>ST-1</Id><Acct><Id><IBAN>DE02100100109307118603</IBAN></Id><Ccy>EUR</Ccy></Acct>
   <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">100.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-02</Dt></Dt></Bal>
   <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-03</Dt></Dt></Bal>
   <Ntry><Amt Ccy="EUR">1250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
    <BookgDt><Dt>2026-11-03</Dt></BookgDt><ValDt><DtTm>2026-11-03T10:00:00+01:00</DtTm></ValDt>
    <AcctSvcrRef>BANKREF-1</AcctSvcrRef>
    <NtryDtls><TxDtls><Refs><EndToEndId>E2E-4711</EndToEndId></Refs>
     <RltdPties><Dbtr><Pty><Nm>Acme Manufacturing Inc</Nm></Pty></Dbtr>
      <DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct></RltdPties>
     <RmtInf><Ustrd>INV-70001</Ustrd>
      <Strd><RfrdDocInf><Nb>INV-70002</Nb></RfrdDocInf></Strd></RmtInf>
    </TxDtls></NtryDtls></Ntry>
   <Ntry><Amt Ccy="EUR">50.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
    <ValDt><Dt>2026-11-03</Dt></ValDt></Ntry>
  </Stmt></BkToCstmrStmt></Document>
"""

MT940 = """:20:STMT-1
:25:12345678/1020304050
:28C:00001/001
:60F:C261102EUR100,00
:61:2611031103CR1250,00NTRFNONREF//BNK-77
:86:166?00GUTSCHRIFT?20EREF+E2E-4711?21SVWZ+INV-70001?32ACME MANUFACTURING INC
:61:2611031103DR50,00NTRFNONREF
:86:805?00ENTGELT
:62F:C261103EUR{closing}
-
"""

BAI2 = """01,BANK,ARBOX,261103,0800,1,,,2/
02,ARBOX,BANK,1,261103,,USD,2/
03,1020304050,USD,010,10000,,,015,{closing},,/
16,165,125000,Z,BNK-1,,INV-70001 ACME MANUFACTURING/
16,475,5000,Z,,,CHECK PAID/
49,{control},4/
98,{control},1,6/
99,{control},1,8/
"""


def test_camt_credit_carries_payer_references_and_remittance_text():
    (statement,) = read_statements(CAMT.format(version="08", closing="1300.00").encode())
    credit, debit = statement.entries
    assert statement.format == "camt" and statement.currency == "EUR"
    assert statement.opening_balance == Decimal("100.00")
    assert statement.closing_balance == Decimal("1300.00")
    assert credit.amount == Decimal("1250.00") and debit.amount == Decimal("-50.00")
    assert credit.value_date == date(2026, 11, 3)
    assert credit.payer_name == "Acme Manufacturing Inc"
    assert credit.payer_account == "DE89370400440532013000"
    assert credit.bank_ref == "BANKREF-1" and credit.end_to_end_id == "E2E-4711"
    assert credit.remittance_text == "INV-70001" and credit.refs == ("INV-70002",)
    assert statement.credits == (credit,)


def test_camt_any_message_version_is_read():
    for version in ("02", "04", "08", "13"):
        (statement,) = read_statements(CAMT.format(version=version, closing="1300.00").encode())
        assert statement.movement == Decimal("1200.00")


def test_camt_statement_that_does_not_balance_is_rejected_with_the_difference():
    with pytest.raises(BankStatementError) as e:
        read_statements(CAMT.format(version="02", closing="1300.01").encode())
    assert e.value.format == "camt" and e.value.statement == "ST-1"
    assert "does not balance" in str(e.value) and "1300.01" in str(e.value)


def test_mt940_credit_reads_structured_details_and_balances():
    (statement,) = read_statements(MT940.format(closing="1300,00").encode())
    credit, debit = statement.entries
    assert credit.amount == Decimal("1250.00") and debit.amount == Decimal("-50.00")
    assert credit.payer_name == "ACME MANUFACTURING INC"
    assert credit.end_to_end_id == "E2E-4711"
    assert "INV-70001" in credit.remittance_text
    assert credit.bank_ref == "BNK-77"
    assert credit.line == 5


def test_mt940_statement_that_does_not_balance_is_rejected():
    with pytest.raises(BankStatementError) as e:
        read_statements(MT940.format(closing="1299,99").encode())
    assert "does not balance" in e.value.reason and e.value.statement


def test_bai2_balance_and_control_totals_are_checked():
    good = BAI2.format(closing="130000", control=str(10000 + 130000 + 125000 + 5000))
    (statement,) = read_statements(good.encode())
    assert [e.amount for e in statement.entries] == [Decimal("1250.00"), Decimal("-50.00")]
    assert statement.entries[0].remittance_text == "INV-70001 ACME MANUFACTURING"
    bad_balance = BAI2.format(closing="130001", control=str(10000 + 130001 + 125000 + 5000))
    with pytest.raises(BankStatementError, match="does not balance"):
        read_statements(bad_balance.encode())
    bad_total = BAI2.format(closing="130000", control="1")
    with pytest.raises(BankStatementError, match="control total"):
        read_statements(bad_total.encode())


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><x>&lol3;</x></Document>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><x>&xxe;</x></Document>"""


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (BILLION_LAUGHS, "refused"),
        (XXE, "refused"),
        (CAMT.format(version="02", closing="1300.00").encode()[:700], "not well-formed"),
        (b"<?xml version='1.0'?><Document xmlns='urn:other:camt.053'><a/></Document>", "camt"),
        (b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'/>", "no statement"),
        (CAMT.format(version="02", closing="1300.00").replace("1250.00", "12,50").encode(),
         "not a decimal"),
        (CAMT.format(version="02", closing="1300.00").replace("1250.00", "1250.001").encode(),
         "more decimals"),
        (MT940.format(closing="1300,00")[:120].encode(), ""),
        (BAI2.format(closing="1", control="1")[:60].encode(), ""),
        (b"\x00\xff" * 5000, "not BAI2, camt or MT940"),
        (b"01," + b"9" * 100_000, ""),
        (b"", "empty"),
    ],
    ids=["billion-laughs", "xxe", "truncated-xml", "foreign-namespace", "no-statement",
         "comma-amount", "extra-decimals", "truncated-mt940", "truncated-bai2", "binary",
         "one-huge-record", "empty"],
)  # fmt: skip
def test_hostile_or_broken_input_raises_only_a_bank_statement_error(data: bytes, reason: str):
    with pytest.raises(BankStatementError) as e:
        read_statements(data)
    assert reason in str(e.value)


def test_a_file_over_the_size_limit_is_refused_before_parsing():
    with pytest.raises(BankStatementError, match="more than the limit"):
        read_statements(b"01," + b" " * 2000, max_bytes=1000)


CSV = b"Buchungstag;Betrag;Auftraggeber;Verwendungszweck\n03.11.2026;1.250,00;Acme;INV-70001\n"


def test_csv_columns_are_mapped_and_decimal_comma_read():
    mapping = CsvMapping(
        date_column="Buchungstag",
        amount_column="Betrag",
        payer_column="Auftraggeber",
        text_column="Verwendungszweck",
        decimal_comma=True,
        date_format="%d.%m.%Y",
        currency="EUR",
    )
    (statement,) = read_statements(CSV, format="csv", csv_mapping=mapping)
    (entry,) = statement.entries
    assert entry.amount == Decimal("1250.00") and entry.currency == "EUR"
    assert entry.value_date == date(2026, 11, 3) and entry.payer_name == "Acme"
    assert entry.remittance_text == "INV-70001" and entry.line == 2


def test_csv_with_a_missing_column_or_bad_value_names_it():
    with pytest.raises(BankStatementError, match="no column 'date'"):
        read_statements(CSV, format="csv")
    mapping = CsvMapping(date_column="Buchungstag", amount_column="Betrag", decimal_comma=True)
    with pytest.raises(BankStatementError, match="line 2") as e:
        read_statements(CSV, format="csv", csv_mapping=mapping)
    assert "is not a date" in e.value.reason


def test_detection_reads_content_and_takes_csv_by_name_only():
    assert detect_format(CAMT.encode()) == "camt"
    assert detect_format(MT940.encode()) == "mt940"
    assert detect_format(BAI2.encode()) == "bai2"
    assert detect_format(CSV, filename="export.CSV") == "csv"
    with pytest.raises(BankStatementError):
        detect_format(CSV, filename="export.txt")


def _credit(text: str, refs: tuple[str, ...] = (), amount: str = "1349.99") -> BankEntry:
    return BankEntry(
        amount=Decimal(amount),
        currency="USD",
        value_date=date(2026, 11, 3),
        payer_name="Acme Manufacturing Inc",
        end_to_end_id="E2E-1",
        remittance_text=text,
        refs=refs,
    )


def test_bank_text_with_an_invoice_amount_reads_as_a_line():
    remittance = remittance_from_entry(_credit("INV-70001 1,250.00", amount="1250.00"))
    assert remittance is not None
    assert [(line.invoice_ref, line.amount) for line in remittance.lines] == [
        ("INV-70001", Decimal("1250.00"))
    ]
    assert remittance.stated_total == Decimal("1250.00") and remittance.source == "bank"
    assert remittance.payer_name == "Acme Manufacturing Inc"
    assert remittance.payment_date == date(2026, 11, 3) and remittance.payment_ref == "E2E-1"


def test_bank_references_without_amounts_leave_the_split_to_matching():
    remittance = remittance_from_entry(_credit("Zahlung", refs=("INV-70001", "INV-70002")))
    assert remittance is not None
    assert [(line.invoice_ref, line.amount) for line in remittance.lines] == [
        ("INV-70001", None),
        ("INV-70002", None),
    ]
    single = remittance_from_entry(_credit("invoice 70001", amount="1250.00"))
    assert single is not None
    assert [(line.invoice_ref, line.amount) for line in single.lines] == [
        ("70001", Decimal("1250.00"))
    ]


def test_a_credit_naming_no_document_or_a_debit_is_no_remittance():
    assert remittance_from_entry(_credit("THANK YOU")) is None
    assert remittance_from_entry(_credit("INV-70001", amount="-10.00")) is None


def test_cli_mapping_file_with_an_unknown_key_is_refused(tmp_path):
    import typer

    from worker.cli.bank import _mapping

    path = tmp_path / "mapping.json"
    path.write_text('{"datecolumn": "Tag"}')
    with pytest.raises(typer.Exit) as e:
        _mapping(path, {})
    assert e.value.exit_code == 2
    path.write_text('{"date_column": "Tag", "decimal_comma": true}')
    mapping = _mapping(path, {"amount_column": "Betrag", "payer_column": None})
    assert (mapping.date_column, mapping.amount_column, mapping.decimal_comma) == (
        "Tag", "Betrag", True,
    )  # fmt: skip
    assert mapping.payer_column == CsvMapping().payer_column


def test_a_bai2_file_cut_inside_an_account_is_rejected_not_read_forever():
    # The bai2 library never returns on a file that ends after a detail record.
    whole = BAI2.format(closing="130000", control=str(10000 + 130000 + 125000 + 5000))
    cut = "".join(whole.splitlines(keepends=True)[:4])
    with pytest.raises(BankStatementError, match="without its 99 trailer") as e:
        read_statements(cut.encode())
    assert e.value.line == 4
    shuffled = whole.replace("49,", "16,", 1)
    with pytest.raises(BankStatementError, match="record 98 after 16"):
        read_statements(shuffled.encode())

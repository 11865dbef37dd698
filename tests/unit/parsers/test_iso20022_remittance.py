"""parsers.iso20022_remittance: remt.001 and camt.054 attachments → Remittance, and every
hostile or malformed version → UnreadableDocumentError with the reason.

The sample messages are in fixtures/iso20022/ (hand-written, see its README); the variants
below are generated from small templates in this file (synthetic, no public example copied).
"""

from __future__ import annotations

import dataclasses
import time
from datetime import date
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import pytest

from core.errors import UnreadableDocumentError
from core.types import Attachment, ParsedEmail
from parsers.classify import classify_email
from parsers.iso20022_lines import creditor_refs
from parsers.iso20022_remittance import is_iso20022_remittance, parse_iso20022_remittance
from parsers.iso20022_xml import MAX_DEPTH, MAX_ISO20022_BYTES, root_namespace
from parsers.mime import parse_email
from parsers.remittance import extract_remittance
from parsers.structured import READERS, structured_remittance

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "iso20022"
NS = "urn:iso:std:iso:20022:tech:xsd:"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def strd(
    number: str | None = "INV-1", amounts: str = "", code: str = "CINV", extra: str = ""
) -> str:
    doc = (
        f"<RfrdDocInf><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Nb>{number}</Nb></RfrdDocInf>"
        if number
        else ""
    )
    amt = f"<RfrdDocAmt>{amounts}</RfrdDocAmt>" if amounts else ""
    return f"<Strd>{doc}{amt}{extra}</Strd>"


def remt(
    blocks: str,
    *,
    version: str = "04",
    total: str | None = '<InstdAmt Ccy="EUR">100.00</InstdAmt>',
    refs: str = "<EndToEndId>E2E-1</EndToEndId>",
    rest: str = "<ReqdExctnDt><Dt>2026-11-30</Dt></ReqdExctnDt><Dbtr><Nm>Payer Ltd</Nm></Dbtr>",
    infos: int = 1,
) -> bytes:
    amt = f"<Amt>{total}</Amt>" if total else ""
    info = f"<RmtInf>{blocks}<OrgnlPmtInf><Refs>{refs}</Refs>{amt}{rest}</OrgnlPmtInf></RmtInf>"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{NS}remt.001.001.{version}">'
        "<RmtAdvc><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-29T10:00:00</CreDtTm>"
        f"<InitgPty><Nm>Initiator</Nm></InitgPty></GrpHdr>{info * infos}</RmtAdvc></Document>"
    ).encode()


def rmtd(amount: str, ccy: str = "EUR") -> str:
    return f'<RmtdAmt Ccy="{ccy}">{amount}</RmtdAmt>'


def camt(entries: str, *, version: str = "08") -> bytes:
    return (
        f'<Document xmlns="{NS}camt.054.001.{version}"><BkToCstmrDbtCdtNtfctn>'
        "<GrpHdr><MsgId>N1</MsgId><CreDtTm>2026-12-01T06:00:00</CreDtTm></GrpHdr>"
        f"<Ntfctn><Id>NT-1</Id>{entries}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"
    ).encode()


def entry(amount: str, indicator: str = "CRDT", rmt: str = "", e2e: str = "E2E-9") -> str:
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
        "<ValDt><Dt>2026-12-01</Dt></ValDt><NtryDtls><TxDtls>"
        f"<Refs><EndToEndId>{e2e}</EndToEndId></Refs><RltdPties><Dbtr><Nm>Payer Ltd</Nm></Dbtr>"
        f"</RltdPties><RmtInf>{rmt}</RmtInf></TxDtls></NtryDtls></Ntry>"
    )


def unreadable(data: bytes) -> str:
    with pytest.raises(UnreadableDocumentError) as caught:
        parse_iso20022_remittance(data)
    return caught.value.reason


# --- the sample messages, element by element ------------------------------------------------


def test_remt001_v04_three_invoices_with_discount_and_adjustment():
    rem = parse_iso20022_remittance(fixture("remt001_v04_acme_three_invoices.xml"))
    assert rem is not None
    assert (rem.source, rem.currency, rem.stated_total) == ("remt.001", "USD", Decimal("2694.50"))
    assert rem.payment_ref == "E2E-778812"
    assert rem.payer_name == "Acme Manufacturing Inc"  # Dbtr/Nm, not the initiating party
    assert rem.payment_date == date(2026, 11, 30)
    full, discounted, adjusted = rem.lines
    assert (full.invoice_ref, full.amount, full.gross) == (
        "INV-70001",
        Decimal("1250.00"),
        Decimal("1250.00"),
    )
    assert (discounted.amount, discounted.gross, discounted.discount) == (
        Decimal("980.00"),
        Decimal("1000.00"),
        Decimal("20.00"),
    )
    assert discounted.deduction is None
    assert adjusted.amount == Decimal("464.50")
    assert adjusted.deduction == Decimal("35.50")
    assert adjusted.deduction_reason == "DAMG: 2 cartons damaged in transit"
    # the RF creditor reference and the reference inside it are alternative references
    assert adjusted.alt_refs == ("RF86INV70004", "INV70004")
    assert rem.lines_total == rem.stated_total


def test_remt001_v05_credit_note_creditor_reference_and_fallbacks():
    rem = parse_iso20022_remittance(fixture("remt001_v05_borealis_credit_note.xml"))
    assert rem is not None
    invoice, credit, by_ref = rem.lines
    assert invoice.amount == Decimal("3480.75")
    assert (credit.invoice_ref, credit.amount, credit.is_credit) == (
        "CN-2026-0091",
        Decimal("-180.00"),
        True,
    )
    assert by_ref.invoice_ref is None
    assert by_ref.alt_refs == ("RF18539007547034", "539007547034")
    assert by_ref.amount == Decimal("99.25")
    assert rem.payment_ref == "BOR-TX-20261201-7"  # EndToEndId NOTPROVIDED is no reference
    assert rem.payer_name == "Borealis Trading GmbH"  # no Dbtr: the invoicee
    assert rem.payment_date == date(2026, 12, 2)  # ReqdExctnDt/DtTm
    assert rem.stated_total == rem.lines_total == Decimal("3400.00")


def test_camt054_v02_credit_with_two_documents_and_the_v02_discount():
    rem = parse_iso20022_remittance(fixture("camt054_v02_bank_credit.xml"))
    assert rem is not None
    assert (rem.source, rem.currency, rem.stated_total) == ("camt.054", "EUR", Decimal("2156.00"))
    assert rem.payment_ref == "KLM-PAY-55120"
    assert rem.payer_name == "Klemmer Logistik AG"
    assert rem.payment_date == date(2026, 12, 2)
    first, second = rem.lines
    assert (first.invoice_ref, first.amount, first.gross, first.discount) == (
        "INV-88120",
        Decimal("1176.00"),
        Decimal("1200.00"),
        Decimal("24.00"),
    )
    assert (second.invoice_ref, second.amount) == ("INV-88131", Decimal("980.00"))


def test_camt054_v08_party_in_pty_and_net_computed_without_remitted_amount():
    rem = parse_iso20022_remittance(fixture("camt054_v08_bank_credit.xml"))
    assert rem is not None
    (line,) = rem.lines
    assert rem.payer_name == "Van der Hoek Bouw B.V."
    assert rem.payment_ref == "VDH-2026-3391"
    assert line.amount == Decimal("4210.40")  # 4350.00 - 87.00 - 52.60
    assert (line.gross, line.discount, line.deduction) == (
        Decimal("4350.00"),
        Decimal("87.00"),
        Decimal("52.60"),
    )
    assert line.deduction_reason == "PRIC: price difference on line 3"


@pytest.mark.parametrize("version", ["01", "02", "03", "04", "05", "06"])
def test_every_remt001_version_is_read_from_its_namespace(version):
    rem = parse_iso20022_remittance(remt(strd(amounts=rmtd("100.00")), version=version))
    assert rem is not None
    assert [(line.invoice_ref, line.amount) for line in rem.lines] == [("INV-1", Decimal("100.00"))]


@pytest.mark.parametrize("version", ["02", "04", "08", "12"])
def test_every_camt054_version_is_read_from_its_namespace(version):
    rem = parse_iso20022_remittance(
        camt(entry("50.00", rmt=strd(amounts=rmtd("50.00"))), version=version)
    )
    assert rem is not None and rem.lines[0].amount == Decimal("50.00")


def test_remt001_v01_date_written_directly_in_reqdexctndt():
    data = remt(
        strd(amounts=rmtd("100.00")), version="01", rest="<ReqdExctnDt>2026-10-05</ReqdExctnDt>"
    )
    rem = parse_iso20022_remittance(data)
    assert rem is not None and rem.payment_date == date(2026, 10, 5)
    assert rem.payer_name == "Initiator"  # no Dbtr, no Invcee: the initiating party


def test_no_execution_date_falls_back_to_the_advice_creation_date():
    rem = parse_iso20022_remittance(remt(strd(amounts=rmtd("100.00")), rest=""))
    assert rem is not None and rem.payment_date == date(2026, 11, 29)


def test_crdt_adjustment_lowers_the_deduction_and_the_net_is_computed():
    adjustments = (
        '<AdjstmntAmtAndRsn><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Rsn>SHRT</Rsn></AdjstmntAmtAndRsn>'
        '<AdjstmntAmtAndRsn><Amt Ccy="EUR">4.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><AddtlInf>freight</AddtlInf></AdjstmntAmtAndRsn>'
    )
    data = remt(strd(amounts='<DuePyblAmt Ccy="EUR">106.00</DuePyblAmt>' + adjustments))
    (line,) = parse_iso20022_remittance(data).lines
    assert (line.amount, line.deduction) == (Decimal("100.00"), Decimal("6.00"))
    assert line.deduction_reason == "SHRT; freight"


def test_adjustment_that_adds_more_than_it_takes_leaves_no_deduction():
    adjustment = '<AdjstmntAmtAndRsn><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></AdjstmntAmtAndRsn>'
    data = remt(strd(amounts='<DuePyblAmt Ccy="EUR">95.00</DuePyblAmt>' + adjustment))
    (line,) = parse_iso20022_remittance(data).lines
    assert (line.amount, line.deduction) == (Decimal("100.00"), None)


def test_several_documents_under_one_amount_block_are_lines_without_amounts():
    two_docs = (
        "<Strd><RfrdDocInf><Nb>INV-1</Nb></RfrdDocInf><RfrdDocInf><Nb>INV-2</Nb></RfrdDocInf>"
        f"<RfrdDocAmt>{rmtd('100.00')}</RfrdDocAmt></Strd>"
    )
    rem = parse_iso20022_remittance(remt(two_docs))
    assert [(line.invoice_ref, line.amount) for line in rem.lines] == [
        ("INV-1", None),
        ("INV-2", None),
    ]
    assert rem.stated_total == Decimal("100.00")  # matching fills them only if balances add up


def test_japanese_yen_amount_without_decimals_is_read_exactly():
    rem = parse_iso20022_remittance(
        remt(strd(amounts=rmtd("125000", "JPY")), total='<InstdAmt Ccy="JPY">125000</InstdAmt>')
    )
    assert rem.currency == "JPY" and rem.lines[0].amount == Decimal("125000.00")


def test_kuwaiti_dinar_three_decimals_are_kept():
    rem = parse_iso20022_remittance(
        remt(strd(amounts=rmtd("12.345", "KWD")), total='<InstdAmt Ccy="KWD">12.345</InstdAmt>')
    )
    assert rem.lines[0].amount == Decimal("12.345")


def test_zero_remitted_amount_is_passed_on_for_matching_to_refuse():
    rem = parse_iso20022_remittance(remt(strd(amounts=rmtd("0.00"))))
    assert rem.lines[0].amount == Decimal("0.00")  # matching: "line amount 0.00 is not a payment"


def test_unstructured_text_only_is_read_by_the_text_reader():
    data = remt("<Ustrd>INV-4711 60.00</Ustrd><Ustrd>INV-4712 40.00</Ustrd>")
    rem = parse_iso20022_remittance(data)
    assert [(line.invoice_ref, line.amount) for line in rem.lines] == [
        ("INV-4711", Decimal("60.00")),
        ("INV-4712", Decimal("40.00")),
    ]
    assert (rem.source, rem.stated_total, rem.payment_ref) == (
        "remt.001",
        Decimal("100.00"),
        "E2E-1",
    )


def test_unstructured_single_reference_carries_the_payment_amount():
    rem = parse_iso20022_remittance(camt(entry("75.00", rmt="<Ustrd>Invoice INV-5001</Ustrd>")))
    assert [(line.invoice_ref, line.amount) for line in rem.lines] == [
        ("INV-5001", Decimal("75.00"))
    ]
    assert rem.source == "camt.054"


def test_remt001_several_rmtinf_of_one_payment_are_one_remittance():
    rem = parse_iso20022_remittance(remt(strd(amounts=rmtd("50.00")), infos=2))
    assert len(rem.lines) == 2


def test_creditor_reference_check_digits_decide_whether_the_inner_reference_counts():
    assert creditor_refs("RF18 5390 0754 7034") == ("RF18 5390 0754 7034", "539007547034")
    assert creditor_refs("RF19539007547034") == ("RF19539007547034",)  # wrong check digits
    assert creditor_refs("2026-10417") == ("2026-10417",)


# --- several payments, debits, nothing to read ----------------------------------------------


def test_camt054_with_several_credits_is_refused_naming_each_payment():
    data = camt(
        entry("50.00", rmt=strd("INV-1", rmtd("50.00")), e2e="PAY-A")
        + entry("70.00", rmt=strd("INV-2", rmtd("70.00")), e2e="PAY-B")
    )
    reason = unreadable(data)
    assert "2 payments" in reason
    assert "PAY-A: 50.00 EUR, 1 line(s)" in reason and "PAY-B: 70.00 EUR" in reason
    assert "a person applies these" in reason


def test_remt001_with_two_payments_is_refused():
    first = remt(strd(amounts=rmtd("100.00")))
    second_info = first.split(b"<RmtInf>")[1].split(b"</RmtInf>")[0].replace(b"E2E-1", b"E2E-2")
    data = first.replace(b"</RmtAdvc>", b"<RmtInf>" + second_info + b"</RmtInf></RmtAdvc>")
    assert "2 payments" in unreadable(data)


def test_camt054_credit_is_taken_beside_debits_and_credits_without_remittance():
    data = camt(
        entry("9.00", "DBIT", rmt=strd("FEE-1", rmtd("9.00")))
        + entry("80.00", rmt="", e2e="NO-RMT")
        + entry("50.00", rmt=strd("INV-1", rmtd("50.00")), e2e="PAY-A")
    )
    rem = parse_iso20022_remittance(data)
    assert rem.payment_ref == "PAY-A" and rem.lines[0].invoice_ref == "INV-1"


def test_camt054_with_remittance_only_on_debits_is_refused_with_that_reason():
    reason = unreadable(camt(entry("9.00", "DBIT", rmt=strd("INV-1", rmtd("9.00")))))
    assert "only on debits" in reason


def test_message_without_any_remittance_line_says_so():
    assert "no payment with remittance information" in unreadable(remt(""))


def test_bad_credit_debit_indicator_is_refused():
    assert "credit/debit indicator 'XXXX'" in unreadable(camt(entry("5.00", "XXXX", rmt=strd())))


# --- hostile and malformed files ------------------------------------------------------------

BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9)
    )
    + f'<!ENTITY x "&j;">]><Document xmlns="{NS}remt.001.001.04"><RmtAdvc><GrpHdr>'.encode()
    + b"<MsgId>&x;</MsgId></GrpHdr></RmtAdvc></Document>"
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    + f'<Document xmlns="{NS}camt.054.001.08"><BkToCstmrDbtCdtNtfctn>&e;'.encode()
    + b"</BkToCstmrDbtCdtNtfctn></Document>"
)


@pytest.mark.parametrize("data", [BOMB, XXE], ids=["billion-laughs", "xxe"])
def test_entity_bombs_and_external_entities_are_refused_quickly(data):
    assert is_iso20022_remittance(Attachment("remit.xml", "application/xml", data))
    started = time.perf_counter()
    reason = unreadable(data)
    assert time.perf_counter() - started < 2.0  # refused at the DOCTYPE, nothing expanded
    assert "DTDs and entities are not allowed" in reason


def test_ten_megabyte_file_is_refused_before_parsing():
    data = remt(strd(amounts=rmtd("1.00")) + "<Ustrd>" + "x" * (10 * 1024 * 1024) + "</Ustrd>")
    assert len(data) > MAX_ISO20022_BYTES
    assert "larger than the limit" in unreadable(data)


def test_deep_nesting_is_stopped_at_the_limit_without_building_it():
    # 150,000 levels (4 MB, under the size limit): refused at level 41, as it is read
    depth = 150_000
    data = remt("<Strd>" + "<AddtlRmtInf>" * depth + "</AddtlRmtInf>" * depth + "</Strd>")
    assert len(data) < MAX_ISO20022_BYTES
    started = time.perf_counter()
    assert f"nested more than {MAX_DEPTH}" in unreadable(data)
    assert time.perf_counter() - started < 2.0

    # Document/RmtAdvc/RmtInf/Strd are 4 levels: 36 more reach the limit exactly, 37 pass it
    def nested(levels: int) -> bytes:
        inner = "<AddtlRmtInf>" * levels + "</AddtlRmtInf>" * levels
        return remt(strd(amounts=rmtd("1.00"), extra=inner))

    assert parse_iso20022_remittance(nested(MAX_DEPTH - 4)) is not None
    assert f"nested more than {MAX_DEPTH}" in unreadable(nested(MAX_DEPTH - 3))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (remt(strd(amounts=rmtd("10.00")))[:-40], "not well-formed XML"),
        (b"\x00\xff garbage", "not well-formed XML"),
        (
            remt(strd(amounts=rmtd("10.00")), version="04").replace(b"remt.001", b"remt.002"),
            "not an ISO 20022",
        ),
        (camt(entry("1.00")).replace(b"camt.054", b"camt.053"), "not an ISO 20022"),
        (b'<?xml version="1.0" encoding="x-unknown"?><Document/>', "not well-formed XML"),
        (f'<Document xmlns="{NS}remt.001.001.04"><Other/></Document>'.encode(), "without RmtAdvc"),
    ],
    ids=["truncated", "binary", "remt.002", "camt.053", "unknown-encoding", "no-RmtAdvc"],
)
def test_malformed_and_foreign_documents_are_refused_with_the_reason(data, expected):
    assert expected in unreadable(data)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ('<RmtdAmt Ccy="EUR">12,50</RmtdAmt>', "'12,50' EUR: not a decimal"),
        ('<RmtdAmt Ccy="EUR">abc</RmtdAmt>', "not a decimal"),
        ('<RmtdAmt Ccy="EUR">1e3</RmtdAmt>', "not a decimal"),
        ('<RmtdAmt Ccy="EUR">NaN</RmtdAmt>', "not a decimal"),
        ('<RmtdAmt Ccy="EUR"></RmtdAmt>', "not a decimal"),
        ('<RmtdAmt Ccy="EUR">-12.50</RmtdAmt>', "negative amounts are not ISO 20022"),
        ('<RmtdAmt Ccy="EUR">12.505</RmtdAmt>', "12.505 EUR has more decimals than EUR's 2"),
        ('<RmtdAmt Ccy="JPY">100.5</RmtdAmt>', "more decimals than JPY's 0"),
        ('<RmtdAmt Ccy="EUR">1234567890123.00</RmtdAmt>', "too large"),
        ("<RmtdAmt>12.50</RmtdAmt>", "is missing (attribute Ccy)"),
        ('<RmtdAmt Ccy="XYZ">12.50</RmtdAmt>', "'XYZ' is not an ISO 4217 currency code"),
        ('<RmtdAmt Ccy="eur">12.50</RmtdAmt>', "is not an ISO 4217 code"),
        ('<RmtdAmt Ccy="USD">100.00</RmtdAmt>', "mixed currencies: EUR (payment amount"),
    ],
)
def test_bad_amounts_are_refused_naming_document_and_amount(amount, expected):
    reason = unreadable(remt(strd("INV-7", amount)))
    assert expected in reason
    assert "remt.001 RmtInf" in reason


def test_bad_date_is_refused():
    data = remt(strd(amounts=rmtd("1.00")), rest="<ReqdExctnDt><Dt>30.11.2026</Dt></ReqdExctnDt>")
    assert "date '30.11.2026'" in unreadable(data)


def test_adjustment_without_amount_is_refused():
    data = remt(strd(amounts="<AdjstmntAmtAndRsn><Rsn>DAMG</Rsn></AdjstmntAmtAndRsn>"))
    assert "an adjustment without Amt" in unreadable(data)


# --- recognition ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "content_type", "data", "expected"),
    [
        ("remit.xml", "application/octet-stream", remt(strd()), True),
        (None, "application/xml", camt(entry("1.00")), True),
        ("advice.XML", "text/xml", remt(strd(), version="05"), True),
        ("remit.pdf", "application/pdf", remt(strd()), False),  # not an XML attachment
        (
            "stmt.xml",
            "application/xml",
            camt(entry("1.00")).replace(b"camt.054", b"camt.053"),
            False,
        ),
        ("pain.xml", "application/xml", f'<Document xmlns="{NS}pain.001.001.09"/>'.encode(), False),
        ("other.xml", "application/xml", b"<invoice><Nb>1</Nb></invoice>", False),
        ("note.xml", "text/xml", f"<!-- {NS}remt.001.001.04 --><a/>".encode(), False),
        (
            "prefixed.xml",
            "application/xml",
            f'<rm:Document xmlns:rm="{NS}remt.001.001.04"><rm:RmtAdvc/></rm:Document>'.encode(),
            True,
        ),
    ],
)
def test_recognises_only_remt001_and_camt054_xml(filename, content_type, data, expected):
    assert is_iso20022_remittance(Attachment(filename, content_type, data)) is expected


def test_root_namespace_is_read_after_a_prologue():
    data = b'<?xml version="1.0"?>\n<!-- exported -->\n' + remt(strd()).split(b"?>", 1)[1]
    assert root_namespace(data) == f"{NS}remt.001.001.04"


def test_prefixed_document_is_read():
    data = (
        f'<rm:Document xmlns:rm="{NS}remt.001.001.04"><rm:RmtAdvc><rm:RmtInf><rm:Strd>'
        '<rm:RfrdDocInf><rm:Nb>INV-3</rm:Nb></rm:RfrdDocInf><rm:RfrdDocAmt><rm:RmtdAmt Ccy="EUR">3.00'
        "</rm:RmtdAmt></rm:RfrdDocAmt></rm:Strd><rm:OrgnlPmtInf><rm:Refs><rm:EndToEndId>E"
        "</rm:EndToEndId></rm:Refs></rm:OrgnlPmtInf></rm:RmtInf></rm:RmtAdvc></rm:Document>"
    ).encode()
    rem = parse_iso20022_remittance(data)
    assert rem.lines[0].invoice_ref == "INV-3" and rem.stated_total is None


# --- through the mail: the structured hook, extraction, classification ----------------------

BLANK = ParsedEmail(
    message_id="<m@x.example>",
    subject="Payment advice",
    from_address="ap@acme-mfg.example",
    from_name="",
    reply_to=None,
    return_path=None,
    date=None,
    headers=(),
    text="",
    html_text="",
    attachments=(),
    content_type="multipart/mixed",
)


def test_the_reader_is_registered_in_the_structured_hook():
    assert (is_iso20022_remittance, parse_iso20022_remittance) in READERS


def test_structured_hook_reads_the_advice_and_reports_an_unreadable_one():
    good = Attachment(
        "remit.xml", "application/xml", fixture("remt001_v04_acme_three_invoices.xml")
    )
    bomb = Attachment("bomb.xml", "application/xml", BOMB)
    problems: list[str] = []
    rem = structured_remittance(dataclasses.replace(BLANK, attachments=(bomb, good)), problems)
    assert rem is not None and len(rem.lines) == 3
    assert problems == [
        "bomb.xml: XML refused: it declares DTDForbidden (DTDs and entities are not allowed)"
    ]


def _mail(
    data: bytes, filename: str, body: str = "Please find our remittance advice attached."
) -> bytes:
    msg = EmailMessage()
    msg["From"] = "ap@acme-mfg.example"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Remittance advice"
    msg["Message-ID"] = "<ra1@acme-mfg.example>"
    msg.set_content(body)
    msg.add_attachment(data, maintype="application", subtype="xml", filename=filename)
    return msg.as_bytes()


def test_mail_with_remt001_attached_is_a_remittance_from_the_xml():
    parsed = parse_email(_mail(fixture("remt001_v04_acme_three_invoices.xml"), "RA-778812.xml"))
    extraction = extract_remittance(parsed)
    assert extraction.problems == ()
    rem = extraction.remittance
    assert rem is not None and rem.source == "remt.001" and len(rem.lines) == 3
    kind = classify_email(parsed, remittance=rem, own_address="ar@arbox.example")
    assert kind.kind == "remittance" and "(remt.001)" in kind.reason


def test_mail_with_an_entity_bomb_attached_has_the_reason_as_its_problem():
    parsed = parse_email(_mail(BOMB, "advice.xml"))
    extraction = extract_remittance(parsed)
    assert extraction.remittance is None
    (problem,) = extraction.problems
    assert problem.startswith("advice.xml: XML refused")
    kind = classify_email(parsed, remittance=None, own_address=None, problems=extraction.problems)
    assert kind.kind == "remittance" and "DTDForbidden" in kind.reason


def test_digits_other_than_ascii_are_no_amount():
    data = remt(strd(amounts=rmtd("٨٠٠.٠٠")), total=None)
    with pytest.raises(UnreadableDocumentError):
        parse_iso20022_remittance(data)

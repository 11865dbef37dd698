"""X12 820 remittance advice read into remittances (parsers.x12_820, parsers.x12_syntax), and
every malformed form of it ending as UnreadableDocumentError with the segment named."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import UnreadableDocumentError
from core.types import PaymentMethod
from parsers.edi import MAX_X12_BYTES, read_edi_remittance
from tests.unit.parsers.edi_samples import PAYMENT_820, REMADV, edifact, isa, x12

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "edi"


def _with(replacements: dict[str, str], *, drop: tuple[str, ...] = ()) -> list[str]:
    """PAYMENT_820 with segments starting with a key replaced (or dropped)."""
    body = []
    for segment in PAYMENT_820:
        if segment.startswith(drop):
            continue
        key = next((k for k in replacements if segment.startswith(k)), None)
        body.append(replacements[key] if key else segment)
    return body


def _unreadable(data: bytes) -> str:
    with pytest.raises(UnreadableDocumentError) as caught:
        read_edi_remittance(data)
    return caught.value.reason


def test_fixture_820_reads_payment_and_lines():
    # Given the fixture 820, one segment a line (fixtures/edi/README.md)
    data = (FIXTURES / "acme_820.x12").read_bytes()
    # When it is read
    remittance = read_edi_remittance(data)
    # Then the payment is BPR/TRN/CUR/N1*PR's, and the lines the RMRs with the ADX
    assert remittance is not None
    assert remittance.stated_total == Decimal("1324.99")
    assert remittance.payment_ref == "778812"
    assert remittance.currency == "USD"
    assert remittance.payer_name == "ACME MANUFACTURING INC"
    assert remittance.payment_date == date(2026, 12, 7)
    assert remittance.payment_method is PaymentMethod.ACH
    assert remittance.source == "edi 820"
    first, second = remittance.lines
    assert (first.invoice_ref, first.amount, first.gross) == (
        "INV-70001", Decimal("1225.00"), Decimal("1250.00"),
    )  # fmt: skip
    assert first.deduction == Decimal("25.00")
    assert first.deduction_reason == "04 Item not accepted - damaged"
    assert first.alt_refs == ()  # a PO number is no invoice number
    assert (second.invoice_ref, second.amount, second.deduction) == (
        "INV-70002", Decimal("99.99"), None,
    )  # fmt: skip
    assert remittance.lines_total == remittance.stated_total


@pytest.mark.parametrize(
    ("element", "component", "terminator", "newline"),
    [
        ("|", "^", "~", ""),
        ("^", ":", "|", ""),
        ("*", ">", "~", "\r\n"),
        ("*", ">", "\n", ""),  # the newline is the terminator itself
        ("\x1d", "\x1f", "\x1e", ""),  # the control characters some VANs use
    ],
)
def test_separators_are_the_ones_isa_declares(element, component, terminator, newline):
    data = x12(
        PAYMENT_820, element=element, component=component, terminator=terminator, newline=newline
    )
    remittance = read_edi_remittance(data)
    assert remittance is not None
    assert [line.invoice_ref for line in remittance.lines] == ["INV-70001", "INV-70002"]
    assert remittance.stated_total == Decimal("1324.99")


def test_credit_memo_discount_and_further_invoice_numbers():
    body = [
        "BPR*C*950.00*C*CHK************20261207",
        "TRN*1*CHK-004512",
        "ENT*1",
        "RMR*IV*INV-1001**980.00*1000.00*20.00",
        "REF*IV*1001",
        "RMR*CR*CM-77**30.00",
        "RMR*PO*PO-5521**0.00",
    ]
    remittance = read_edi_remittance(x12(body))
    assert remittance is not None
    invoice, credit, po = remittance.lines
    assert (invoice.amount, invoice.gross, invoice.discount) == (
        Decimal("980.00"), Decimal("1000.00"), Decimal("20.00"),
    )  # fmt: skip
    assert invoice.alt_refs == ("1001",)
    assert (credit.invoice_ref, credit.amount, credit.is_credit) == (
        "CM-77",
        Decimal("-30.00"),
        True,
    )
    assert (po.invoice_ref, po.alt_refs) == (None, ("PO-5521",))
    assert remittance.payment_method is PaymentMethod.CHECK
    assert remittance.payment_ref == "CHK-004512"
    assert remittance.currency is None  # no CUR: the mail's or the customer's currency


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("01", "01 Pricing error"),
        ("06", "06 Quantity contested"),
        ("11", "11 Returns - damage"),
        ("52", "code 52"),
        ("ZZ", "code ZZ"),
    ],
)
def test_adjustment_codes_become_deduction_reasons(code, reason):
    remittance = read_edi_remittance(x12(_with({"ADX": f"ADX*-25.00*{code}"})))
    assert remittance is not None
    assert remittance.lines[0].deduction_reason == reason
    assert remittance.lines[0].deduction == Decimal("25.00")


def test_two_adjustments_on_one_invoice_add_up():
    body = _with({"ADX": "ADX*-20.00*01"})
    body.insert(body.index("ADX*-20.00*01") + 1, "ADX*-5.00*06")
    remittance = read_edi_remittance(x12(body))
    assert remittance is not None
    assert remittance.lines[0].deduction == Decimal("25.00")
    assert remittance.lines[0].deduction_reason == "01 Pricing error; 06 Quantity contested"


def test_adjustment_of_the_payment_is_a_line_of_its_own_without_reference():
    body = [*PAYMENT_820[:8], "ADX*-10.00*54", *PAYMENT_820[8:]]
    body[0] = body[0].replace("1324.99", "1314.99")
    remittance = read_edi_remittance(x12(body))
    assert remittance is not None
    adjustment = remittance.lines[0]
    assert (adjustment.invoice_ref, adjustment.amount) == (None, Decimal("-10.00"))
    assert adjustment.deduction_reason == "54 Freight deducted"
    assert remittance.lines_total == remittance.stated_total


def test_sets_of_one_payment_are_read_together():
    first = PAYMENT_820[:12]  # ... the first invoice and its ADX
    second = [*PAYMENT_820[:3], "ENT*1", *PAYMENT_820[12:]]
    first = [first[0].replace("1324.99", "1225.00"), *first[1:]]
    second = [second[0].replace("1324.99", "99.99"), *second[1:]]
    remittance = read_edi_remittance(x12(first, second))
    assert remittance is not None
    assert [line.invoice_ref for line in remittance.lines] == ["INV-70001", "INV-70002"]
    assert remittance.stated_total == Decimal("1324.99")


def test_sets_of_different_payments_go_to_a_person():
    other = _with({"TRN": "TRN*1*778813"})
    reason = _unreadable(x12(PAYMENT_820, other))
    assert "2 payments in one file" in reason
    assert "778812, 778813" in reason


def test_sets_without_lines_give_no_remittance():
    assert read_edi_remittance(x12(PAYMENT_820[:8])) is None


def test_another_transaction_set_is_no_remittance():
    assert "no 820" in _unreadable(x12(["BIG*20261207*INV-1"], kind="810"))
    assert "810" in _unreadable(x12(["BIG*20261207*INV-1"], kind="810"))


FULL = x12(PAYMENT_820)


@pytest.mark.parametrize("cut", range(0, len(FULL) - 1, 7))
def test_truncated_820_is_unreadable_at_any_point(cut):
    reason = _unreadable(FULL[:cut])
    assert reason  # and never another exception


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (FULL.replace(b"IEA*1*000000001~", b""), "truncated: no IEA segment"),
        (FULL.replace(b"SE*16*0001~", b""), "ST (segment 3) has no SE"),
        (FULL.replace(b"SE*16*", b"SE*15*"), "SE (segment 18) counts '15' segments"),
        (FULL + b"ISA*00~", "segments after IEA"),
        (FULL.replace(b"ISA*00*          ", b"ISA*00*"), "not 106 characters"),
        (x12(PAYMENT_820, component="A"), "unusable separators"),
        (FULL.replace(b"~", b""), "unusable separators"),
        (FULL[:106].replace(b"*", b"|") + FULL[106:], "segment 2 has no segment tag"),
        (FULL.replace(b"IEA*1*000000001", b"IEA*1*000000002"), "IEA02 (segment 20) '000000002'"),
        (FULL.replace(b"BPR*C*", b"BPR|C|"), "segment 4 has no segment tag"),
        (b"\xef\xbb\xbf  " + FULL[:50], "cut short"),
        (b"ISA*00", "cut short"),
    ],
)
def test_malformed_interchange_names_what_is_wrong(data, expected):
    assert expected in _unreadable(data)


@pytest.mark.parametrize(
    ("replacements", "expected"),
    [
        ({"BPR": "BPR*C**C*ACH"}, "BPR02 (segment 4): no payment amount"),
        ({"BPR": "BPR*C*12x4.00*C*ACH"}, "BPR02 (segment 4): '12x4.00' is not an amount"),
        ({"BPR": "BPR*C*0.00*C*ACH"}, "BPR02 (segment 4): 0.00 is not a payment"),
        ({"BPR": "BPR*C*-1324.99*C*ACH"}, "BPR02 (segment 4): -1324.99 is not a payment"),
        ({"BPR": "BPR*C*1324.99*D*ACH"}, "BPR03 (segment 4): 'D' is not C"),
        ({"BPR": "BPR*C*1e5*C*ACH"}, "is not an amount"),
        ({"BPR": "BPR*C*1324.9999*C*ACH"}, "out of range"),
        ({"BPR": "BPR*C*9999999999999.00*C*ACH"}, "out of range"),
        ({"BPR": "BPR*C*1324.99*C*ACH************20261399"}, "BPR16 (segment 4): '20261399'"),
        ({"RMR*IV*INV-70001": "RMR*IV*INV-70001**abc*1250.00"}, "RMR04 (segment 12)"),
        ({"RMR*IV*INV-70001": "RMR*IV***1225.00"}, "RMR02 (segment 12): no reference"),
        ({"ADX": "ADX**04"}, "ADX01 (segment 15): no adjustment amount"),
        ({"ADX": "ADX*NaN*04"}, "ADX01 (segment 15): 'NaN' is not an amount"),
        ({"CUR": "CUR*PR*XYZ"}, "CUR02 (segment 6): 'XYZ' is not an ISO 4217"),
        ({"CUR": "CUR*PR"}, "CUR02 (segment 6): ''"),
        (
            {"RMR*IV*INV-70001": "RMR*IV*" + "9" * 5000 + "**1.00"},
            "RMR02 (segment 12): a reference of 5,000",
        ),
        (
            {"TRN": "TRN*1*" + "7" * 81},
            "TRN02 (segment 5): a reference of 81 characters (at most 80)",
        ),
    ],
)
def test_segment_without_what_it_needs_names_segment_and_position(replacements, expected):
    assert expected in _unreadable(x12(_with(replacements)))


def test_820_without_bpr_is_unreadable():
    assert "has no BPR" in _unreadable(x12(_with({}, drop=("BPR",))))


def test_ten_megabyte_file_is_refused_before_it_is_read():
    big = FULL[: -len(b"IEA*1*000000001~")] + b"N9*ZZ*" + b"X" * (10 * 1024 * 1024) + b"~"
    assert len(big) > MAX_X12_BYTES
    assert "more than the" in _unreadable(big)


def test_file_just_under_the_limit_is_read():
    # An 820 just under the limit, some 25,000 invoices: read, not refused
    line = "RMR*IV*INV-{n:06d}**10.00*10.00"
    count = MAX_X12_BYTES // 40
    body = [f"BPR*C*{count * 10}.00*C*ACH", "TRN*1*BIG-1"]
    body += [line.format(n=n) for n in range(count)]
    data = x12(body)
    assert len(data) <= MAX_X12_BYTES
    remittance = read_edi_remittance(data)
    assert remittance is not None and len(remittance.lines) == count


def test_random_damage_never_ends_in_another_error():
    # Given the sample with bytes replaced by separators, digits and junk (a fixed seed)
    rng = random.Random(23)
    alphabet = b"*~>:|^-.0123456789A \n\x00\xff"
    for _ in range(400):
        data = bytearray(FULL)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.choice(alphabet)
        # When it is read, Then it is a remittance, none, or unreadable with a reason
        try:
            read_edi_remittance(bytes(data))
        except UnreadableDocumentError as e:
            assert e.reason


def test_isa_helper_is_fixed_width():
    assert len(isa()) == 105 and len(isa(element="|", component="^")) == 105


def test_fixture_files_are_the_generated_samples():
    # fixtures/edi/README.md: the fixtures are written by edi_samples, byte for byte
    assert (FIXTURES / "acme_820.x12").read_bytes() == x12(PAYMENT_820, newline="\n")
    assert (FIXTURES / "acme_remadv.edi").read_bytes() == edifact(REMADV, newline="\n")


def test_a_payment_without_lines_beside_one_with_lines_is_not_left_out():
    # Given a file with the advice and a second payment (another trace number) without RMRs
    other = ["BPR*C*500.00*C*ACH", "TRN*1*990001", "CUR*PR*USD"]
    # Then the file goes to a person: applying the first would leave the second unseen
    assert "2 payments in one file (references 778812, 990001)" in _unreadable(
        x12(PAYMENT_820, other)
    )


@pytest.mark.parametrize(
    ("currency", "rmr", "reason"),
    [
        ("JPY", "RMR*IV*INV-1**150000.4*150000", "150000.4 has more decimals than JPY allows (0)"),
        ("USD", "RMR*IV*INV-1**999.995*1000.00", "999.995 has more decimals than USD allows (2)"),
    ],
)
def test_an_amount_finer_than_its_currency_refuses_the_file(currency, rmr, reason):
    body = [
        "BPR*C*1000*C*ACH*CCP*01*021000021*DA*1*2**01*031000053*DA*3*20261207",
        "TRN*1*T-1*1234567890",
        f"CUR*PR*{currency}",
        "ENT*1",
        rmr,
    ]
    with pytest.raises(
        UnreadableDocumentError, match=reason.replace("(", r"\(").replace(")", r"\)")
    ):
        read_edi_remittance(x12(body))


@pytest.mark.parametrize("digits", ["١٠٠٠.٠٠", "４００.００"])
def test_digits_other_than_ascii_are_no_amount(digits):
    body = [
        "BPR*C*1000.00*C*ACH*CCP*01*021000021*DA*1*2**01*031000053*DA*3*20261207",
        "TRN*1*T-1*1234567890",
        "CUR*PR*USD",
        "ENT*1",
        f"RMR*IV*INV-1**{digits}*1000.00",
    ]
    with pytest.raises(UnreadableDocumentError, match="is not an amount"):
        read_edi_remittance(x12(body))

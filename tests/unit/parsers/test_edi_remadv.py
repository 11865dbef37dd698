"""EDIFACT REMADV remittance advice read into remittances (parsers.edifact_remadv), with the
UNA service string advice and release characters, and every malformed form of it ending as
UnreadableDocumentError with the segment named."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from core.errors import UnreadableDocumentError
from parsers.edi import MAX_EDIFACT_BYTES, read_edi_remittance
from tests.unit.parsers.edi_samples import REMADV, edifact

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "edi"
FULL = edifact(REMADV)


def _with(replacements: dict[str, str]) -> list[str]:
    """REMADV with the first segment starting with each key replaced."""
    body = list(REMADV)
    for key, value in replacements.items():
        index = next(i for i, s in enumerate(body) if s.startswith(key))
        body[index] = value
    return body


def _unreadable(data: bytes) -> str:
    with pytest.raises(UnreadableDocumentError) as caught:
        read_edi_remittance(data)
    return caught.value.reason


def test_fixture_remadv_reads_payment_and_lines():
    # Given the fixture REMADV, one segment a line, with UNA (fixtures/edi/README.md)
    remittance = read_edi_remittance((FIXTURES / "acme_remadv.edi").read_bytes())
    # Then the payment is the header's and the lines the DOCs with their MOAs and AJT
    assert remittance is not None
    assert remittance.stated_total == Decimal("1324.99")
    assert remittance.payment_ref == "778812"  # RFF+PQ, not the BGM number
    assert remittance.currency == "USD"
    assert remittance.payer_name == "ACME MANUFACTURING INC"
    assert remittance.payment_date == date(2026, 12, 7)
    assert remittance.source == "edi remadv"
    first, second = remittance.lines
    assert (first.invoice_ref, first.amount, first.gross) == (
        "INV-70001", Decimal("1225.00"), Decimal("1250.00"),
    )  # fmt: skip
    assert (first.deduction, first.deduction_reason) == (Decimal("25.00"), "3 Damaged goods")
    assert (second.invoice_ref, second.amount, second.deduction) == (
        "INV-70002", Decimal("99.99"), None,
    )  # fmt: skip
    assert remittance.lines_total == remittance.stated_total


def test_una_separators_decimal_comma_and_release_characters():
    # Given a UNA declaring | for elements, ^ for components, a decimal comma, \ to release
    # and ! to end segments; the payer's name and a document number hold released marks
    text = (
        "UNA^|,\\ !"
        "UNB|UNOC^3|ACMEPAY^ZZ|ARBOX^ZZ|261207^1200|7!"
        "UNH|1|REMADV^D^96A^UN!"
        "BGM|481|RA-9|9!"
        "MOA|12^1234,50!"
        "CUX|2^EUR^11!"
        "NAD|PR|||M\\|ller \\! S\\^hne GmbH!"
        "DOC|380|RE\\|2026\\!01!"
        "MOA|12^1234,50!"
        "MOA|52^25,20!"
        "UNT|9|1!"
        "UNZ|1|7!"
    )
    remittance = read_edi_remittance(text.encode("latin-1"))
    assert remittance is not None
    assert remittance.payer_name == "M|ller ! S^hne GmbH"
    (line,) = remittance.lines
    assert line.invoice_ref == "RE|2026!01"
    assert (line.amount, line.discount) == (Decimal("1234.50"), Decimal("25.20"))
    assert remittance.currency == "EUR"
    assert remittance.payment_ref == "RA-9"  # no RFF+PQ: the BGM number


def test_default_separators_without_una_and_a_released_apostrophe():
    data = edifact(_with({"NAD": "NAD+PR+++O?'BRIEN ?+ CO"}), una=None)
    remittance = read_edi_remittance(data)
    assert remittance is not None
    assert remittance.payer_name == "O'BRIEN + CO"


def test_credit_note_nets_negative_and_invoice_rff_is_a_further_reference():
    body = [
        *REMADV[:7],
        "DOC+380+INV-70001",
        "MOA+12:1250.00",
        "RFF+IV:70001",
        "DOC+381+CM-12",
        "MOA+12:30.00",
    ]
    body[4] = "MOA+12:1220.00"
    remittance = read_edi_remittance(edifact(body))
    assert remittance is not None
    invoice, credit = remittance.lines
    assert invoice.alt_refs == ("70001",)
    assert (credit.invoice_ref, credit.amount) == ("CM-12", Decimal("-30.00"))
    assert remittance.lines_total == remittance.stated_total


@pytest.mark.parametrize(
    ("code", "reason"),
    [("4", "4 Short delivery"), ("11", "11 Bank charges"), ("99", "code 99"), ("", "adjustment")],
)
def test_adjustment_codes_become_deduction_reasons(code, reason):
    remittance = read_edi_remittance(edifact(_with({"AJT": f"AJT+{code}"})))
    assert remittance is not None
    assert remittance.lines[0].deduction_reason == reason


def test_messages_of_one_payment_are_read_together_and_of_two_go_to_a_person():
    first, second = [*REMADV[:10], *REMADV[11:14]], [*REMADV[:7], *REMADV[14:]]
    first[4], second[4] = "MOA+12:1225.00", "MOA+12:99.99"
    remittance = read_edi_remittance(edifact(first, second))
    assert remittance is not None
    assert [line.invoice_ref for line in remittance.lines] == ["INV-70001", "INV-70002"]
    assert remittance.stated_total == Decimal("1324.99")
    other = _with({"RFF+PQ": "RFF+PQ:778813"})
    assert "2 payments in one file (references 778812, 778813)" in _unreadable(
        edifact(REMADV, other)
    )


def test_remadv_without_lines_gives_no_remittance():
    assert read_edi_remittance(edifact(REMADV[:7])) is None


def test_another_message_is_no_remittance():
    data = FULL.replace(b"REMADV:D:96A:UN", b"INVOIC:D:96A:UN")
    assert "no REMADV message in the interchange: INVOIC" in _unreadable(data)


@pytest.mark.parametrize("cut", range(0, len(FULL) - 1, 5))
def test_truncated_remadv_is_unreadable_at_any_point(cut):
    assert _unreadable(FULL[:cut])


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (FULL.replace(b"UNZ+1+42'", b""), "truncated: no UNZ segment"),
        (FULL.replace(b"UNT+19+1'", b""), "UNH (segment 2) has no UNT"),
        (FULL.replace(b"UNT+19+", b"UNT+18+"), "UNT (segment 20) counts '18' segments"),
        (FULL[:9] + FULL[9:].replace(b"+", b"*"), "has no segment tag"),
        (FULL[:9] + FULL[9:].replace(b"'", b"~"), "EDIFACT syntax: Unexpected end"),
        (b"UNA:+", "EDIFACT syntax: Control character length must be 6"),
        (b"UNA++.? '" + FULL[9:], "UNA (segment 0) declares unusable separators"),
        (b"UNA:A.? '" + FULL[9:], "unusable separators"),
        (FULL.replace(b"UNZ+1+42'", b"UNZ+1+42?"), "EDIFACT syntax"),
        (FULL.replace(b"UNB+UNOC:3+", b"UNX+UNOC:3+"), "no UNB segment at its start"),
        (b"UNB+UNOC:3'" + b"X" * 100, "EDIFACT syntax: Unexpected end"),
    ],
)
def test_malformed_interchange_names_what_is_wrong(data, expected):
    assert expected in _unreadable(data)


@pytest.mark.parametrize(
    ("replacements", "expected"),
    [
        ({"MOA+12:1324.99": "MOA+12:1.324,99"}, "MOA01 (segment 7): '1.324,99' is not an amount"),
        ({"MOA+12:1324.99": "MOA+12"}, "MOA01 (segment 7): no amount"),
        ({"MOA+12:1324.99": "MOA+12:0"}, "0 is not a payment"),
        ({"MOA+12:1324.99": "MOA+12:-5.00"}, "-5.00 is not a payment"),
        ({"MOA+12:1324.99": "MOA+ZZ:1324.99"}, "has no MOA 12 or 9"),
        ({"MOA+12:1225.00": "MOA+12:12x5.00"}, "MOA01 (segment 11): '12x5.00'"),
        ({"CUX": "CUX+2:EURO:11"}, "CUX01 (segment 8): 'EURO' is not an ISO 4217"),
        ({"DTM+209": "DTM+209:20261340:102"}, "DTM01 (segment 5): '20261340'"),
        ({"DTM+209": "DTM+209:261207:101"}, "(format 101) is not a CCYYMMDD date"),
        ({"DOC+380+INV-70001": "DOC+380"}, "DOC02 (segment 10): no document number"),
        ({"DOC+380+INV-70001": "DOC+380+" + "X" * 300}, "DOC02 (segment 10): a reference of 300"),
        ({"RFF+PQ": "RFF+PQ:" + "X" * 81}, "RFF01 (segment 6): a reference of 81"),
    ],
)
def test_segment_without_what_it_needs_names_segment_and_position(replacements, expected):
    assert expected in _unreadable(edifact(_with(replacements)))


def test_ten_megabyte_file_is_refused_before_it_is_read():
    big = FULL[:-9] + b"FTX+AAI+++" + b"X" * (10 * 1024 * 1024) + b"'" + FULL[-9:]
    assert len(big) > MAX_EDIFACT_BYTES
    assert "more than the" in _unreadable(big)


def test_file_just_under_the_limit_is_read():
    count = MAX_EDIFACT_BYTES // 36
    body = [*REMADV[:7]]
    body[4] = f"MOA+12:{count * 10}.00"
    for n in range(count):
        body += [f"DOC+380+INV-{n:06d}", "MOA+12:10.00"]
    data = edifact(body)
    assert len(data) <= MAX_EDIFACT_BYTES
    remittance = read_edi_remittance(data)
    assert remittance is not None and len(remittance.lines) == count
    assert remittance.lines_total == remittance.stated_total


def test_random_damage_never_ends_in_another_error():
    rng = random.Random(23)
    alphabet = b"+:'?.,-0123456789A \n\x00\xff"
    for _ in range(400):
        data = bytearray(FULL)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.choice(alphabet)
        try:
            read_edi_remittance(bytes(data))
        except UnreadableDocumentError as e:
            assert e.reason

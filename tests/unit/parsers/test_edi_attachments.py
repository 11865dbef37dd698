"""EDI files found among a mail's attachments (parsers.edi) and read through
parsers.structured by extract_remittance: by type, name or content; unreadable ones become
the mail's problems, and the other attachments and the body are still read."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from core.types import Attachment, ParsedEmail
from parsers.edi import is_edi_attachment
from parsers.remittance import extract_remittance
from tests.unit.parsers.edi_samples import PAYMENT_820, REMADV, edifact, x12

MAIL = ParsedEmail(
    message_id="<m@x.example>",
    subject="Remittance advice",
    from_address="ap@acme-mfg.example",
    from_name="Acme AP",
    reply_to=None,
    return_path=None,
    date=None,
    headers=(),
    text="Please find our remittance attached.\n",
    html_text="",
    attachments=(),
    content_type="multipart/mixed",
)


@pytest.mark.parametrize(
    ("filename", "content_type", "data", "expected"),
    [
        ("remit.edi", "application/octet-stream", b"anything", True),
        ("REMIT.X12", "application/octet-stream", b"anything", True),
        ("payment.820", "application/octet-stream", b"anything", True),
        (None, "application/EDI-X12", b"anything", True),
        (None, "application/EDIFACT", b"anything", True),
        ("remit.txt", "text/plain", b"\xef\xbb\xbf\r\nISA*00*", True),
        ("remit.txt", "text/plain", b"UNA:+.? 'UNB+", True),
        ("remit.dat", "application/octet-stream", b"UNB+UNOC:3", True),
        ("notes.txt", "text/plain", b"Invoice 4711 paid", False),
        ("advice.pdf", "application/pdf", b"%PDF-1.7", False),
        ("ISA.csv", "text/csv", b"invoice,amount", False),
    ],
)
def test_edi_files_are_known_by_type_name_or_first_segment(filename, content_type, data, expected):
    attachment = Attachment(filename=filename, content_type=content_type, data=data)
    assert is_edi_attachment(attachment) is expected


def test_820_attachment_is_the_mails_remittance():
    attachment = Attachment(filename="remit.txt", content_type="text/plain", data=x12(PAYMENT_820))
    extraction = extract_remittance(dataclasses.replace(MAIL, attachments=(attachment,)))
    assert extraction.problems == ()
    remittance = extraction.remittance
    assert remittance is not None and remittance.source == "edi 820"
    assert remittance.lines[0].deduction == Decimal("25.00")
    assert remittance.payer_name == "ACME MANUFACTURING INC"  # the file's, not the sender's


def test_remadv_attachment_is_the_mails_remittance():
    attachment = Attachment(filename=None, content_type="application/EDIFACT", data=edifact(REMADV))
    extraction = extract_remittance(dataclasses.replace(MAIL, attachments=(attachment,)))
    assert extraction.remittance is not None
    assert extraction.remittance.source == "edi remadv"


def test_truncated_edi_is_a_problem_named_after_the_file_and_the_body_is_still_read():
    truncated = x12(PAYMENT_820)[:400]
    attachment = Attachment(
        filename="remit.edi", content_type="application/EDI-X12", data=truncated
    )
    mail = dataclasses.replace(MAIL, attachments=(attachment,), text="INV-70001 1,250.00\n")
    extraction = extract_remittance(mail)
    (problem,) = extraction.problems
    assert problem.startswith("remit.edi: truncated: no IEA segment")
    assert extraction.remittance is not None and extraction.remittance.source == "body"


def test_file_named_edi_that_is_none_is_a_problem():
    attachment = Attachment(filename="remit.edi", content_type="text/plain", data=b"hello")
    extraction = extract_remittance(dataclasses.replace(MAIL, attachments=(attachment,)))
    assert extraction.problems == (
        "remit.edi: neither an X12 interchange (ISA) nor an EDIFACT one (UNA/UNB) at the start "
        "of the file",
    )

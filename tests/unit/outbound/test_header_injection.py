"""Header injection (CVE-2024-6923 on this Python 3.11.7): whatever an inbound mail or the
database puts into subject, names, Message-ID and References, the bytes arbox generates parse
back (``email.message_from_bytes(policy=default)``) with exactly the intended recipient and
exactly our headers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from email import message_from_bytes, policy
from email.utils import getaddresses

from hypothesis import given, settings
from hypothesis import strategies as st

from core.types import AckLine
from outbound.compose import Acknowledgement, compose_acknowledgement, stable_message_id
from outbound.thread import reply_thread

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
TO = "ap@acme-mfg.example"
#: The headers of an acknowledgement, and no others.
OUR_HEADERS = {
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "auto-submitted",
    "x-auto-response-suppress",
    "content-type",
    "content-transfer-encoding",
    "mime-version",
}
THREAD_HEADERS = {"in-reply-to", "references"}
#: Pieces an attacker strings together: line breaks of every kind, header starts, RFC 2047
#: encoded newlines (what CVE-2024-6923 turns into real lines), folding, long runs.
HOSTILE = [
    "\r\n",
    "\n",
    "\r",
    "\u2028",
    "\u2029",
    "\x85",
    "\x0b",
    "\x0c",
    "\x00",
    "Bcc: evil@x.example",
    "Cc: evil@x.example",
    "To: evil@x.example",
    "=?utf-8?q?x=0ABcc:_evil@x.example?=",
    "=?utf-8?q?=0D=0ACc:_evil@x.example?=",
    "=?utf-8?b?DQpCY2M6IGV2aWxAeC5leGFtcGxl?=",
    " \t",
    "<m1@acme-mfg.example>",
    "évil ünïcode ",
    "x" * 1200,
]
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30)), max_size=8).map(
    "".join
)


def generate(*, subject, company_name, customer_name, message_id, references) -> bytes:
    thread = reply_thread(message_id, references)
    return compose_acknowledgement(
        Acknowledgement(
            customer_name=customer_name,
            currency="USD",
            applied=(AckLine("INV-70001", Decimal("1250.00"), "INV-70001", Decimal("0.00")),),
            in_review=(AckLine(customer_name[:40], Decimal("1.00")),),
        ),
        sender="ar@arbox.example",
        company_name=company_name,
        to=TO,
        subject=subject,
        in_reply_to=thread.in_reply_to,
        references=thread.references,
        message_id=stable_message_id("ack:1", domain="arbox.example"),
        now=NOW,
    ).as_bytes(policy=policy.SMTP)


def assert_only_our_headers_and_recipient(raw: bytes) -> None:
    parsed = message_from_bytes(raw, policy=policy.default)
    names = {name.lower() for name in parsed}
    assert OUR_HEADERS <= names <= OUR_HEADERS | THREAD_HEADERS, names
    assert len(parsed.keys()) == len(names), parsed.keys()  # no header twice
    fields = [str(v) for k in ("To", "Cc", "Bcc") for v in parsed.get_all(k, [])]
    assert {addr.lower() for _, addr in getaddresses(fields)} == {TO}
    assert parsed.defects == []
    header_block = raw.split(b"\r\n\r\n", 1)[0]
    for line in header_block.split(b"\r\n"):
        assert line[:1] in b" \t" or b":" in line, line  # every line a header or a fold
        assert not line.lower().startswith((b"bcc:", b"cc:", b"resent-")), line


def test_encoded_newlines_in_every_inbound_value_stay_inside_their_header():
    evil = "=?utf-8?q?x=0ABcc:_evil@x.example?="
    raw = generate(
        subject=f"Payment {evil}\r\nBcc: evil2@x.example\u2028Cc: evil3@x.example",
        company_name=f"Example Supplies {evil}\nBcc: evil4@x.example",
        customer_name="Acme\r\nBcc: evil5@x.example",
        message_id=f"<m1@acme-mfg.example>\r\nBcc: evil6@x.example {evil}",
        references=f"<r1@acme-mfg.example> {evil}\nBcc: evil7@x.example",
    )
    assert_only_our_headers_and_recipient(raw)
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["In-Reply-To"] == "<m1@acme-mfg.example>"
    assert parsed["References"] == "<r1@acme-mfg.example> <m1@acme-mfg.example>"
    assert "\n" not in parsed["Subject"] and "\u2028" not in parsed["Subject"]


def test_a_very_long_subject_is_cut_and_folded_not_split_into_headers():
    raw = generate(
        subject=("Remittance Bcc: evil@x.example " * 400),
        company_name="Example Supplies Co.",
        customer_name="Acme",
        message_id="<m1@acme-mfg.example>",
        references=None,
    )
    assert_only_our_headers_and_recipient(raw)
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998  # RFC 5322 line limit


@settings(max_examples=300, deadline=None)
@given(
    subject=hostile_text,
    company_name=hostile_text,
    customer_name=hostile_text,
    message_id=hostile_text,
    references=hostile_text,
)
def test_no_inbound_or_database_value_adds_a_recipient_or_a_header(
    subject, company_name, customer_name, message_id, references
):
    raw = generate(
        subject=subject,
        company_name=company_name,
        customer_name=customer_name,
        message_id=message_id,
        references=references,
    )
    assert_only_our_headers_and_recipient(raw)

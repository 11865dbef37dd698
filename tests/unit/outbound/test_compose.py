"""Outbound mail: header injection cannot add recipients; acknowledgements say what was done."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from email import message_from_bytes, policy
from email.utils import getaddresses

from hypothesis import given
from hypothesis import strategies as st

from core.types import AckLine
from outbound.compose import (
    Acknowledgement,
    clean_header,
    compose_acknowledgement,
    stable_message_id,
)

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def ack(**kw):
    defaults = {
        "ack": Acknowledgement(
            customer_name="Acme Manufacturing Inc",
            currency="USD",
            applied=(AckLine("inv 10001", Decimal("1250.00"), "INV-10001", Decimal("0.00")),),
            in_review=(AckLine("INV-99999", Decimal("10.00")),),
        ),
        "sender": "ar@arbox.example",
        "company_name": "Example Supplies Co.",
        "to": "ap@acme-mfg.example",
        "subject": "Remittance advice",
        "in_reply_to": "<abc@acme-mfg.example>",
        "references": None,
        "message_id": stable_message_id("ack:1", domain="arbox.example"),
        "now": NOW,
    }
    defaults.update(kw)
    return compose_acknowledgement(**defaults)


def recipients(raw: bytes) -> set[str]:
    parsed = message_from_bytes(raw, policy=policy.default)
    fields = [str(v) for k in ("To", "Cc", "Bcc") for v in parsed.get_all(k, [])]
    return {addr.lower() for _, addr in getaddresses(fields)}


def test_acknowledgement_lists_applied_and_reviewed_lines_and_threads():
    msg = ack()
    body = msg.get_content()
    assert "INV-10001: $1,250.00 (now paid in full)" in body
    assert "INV-99999: $10.00" in body
    assert msg["In-Reply-To"] == "<abc@acme-mfg.example>"
    assert msg["Subject"] == "Re: Remittance advice"
    assert msg["Auto-Submitted"] == "auto-replied"


def test_message_id_is_stable_per_key():
    assert stable_message_id("ack:1", domain="x.example") == stable_message_id(
        "ack:1", domain="x.example"
    )
    assert stable_message_id("ack:1", domain="x.example") != stable_message_id(
        "ack:2", domain="x.example"
    )


def test_encoded_newline_in_inbound_subject_cannot_inject_a_bcc():
    # CVE-2024-6923: an RFC 2047 encoded CRLF decoded into a header value.
    evil = "Remittance\r\nBcc: thief@evil.example"
    raw = ack(subject=evil, in_reply_to="<x@y>\nBcc: thief2@evil.example").as_bytes()
    assert recipients(raw) == {"ap@acme-mfg.example"}
    assert b"\nBcc:" not in raw


@given(st.text())
def test_clean_header_never_leaves_a_line_break(value):
    cleaned = clean_header(value)
    assert "\n" not in cleaned and "\r" not in cleaned


@given(subject=st.text(max_size=200), reply=st.text(max_size=100))
def test_generated_mail_has_exactly_the_intended_recipient(subject, reply):
    raw = ack(subject=subject, in_reply_to=reply or None).as_bytes()
    assert recipients(raw) == {"ap@acme-mfg.example"}

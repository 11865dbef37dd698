"""parsers.mime: raw bytes to ParsedEmail, never raising."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers.mime import parse_email

EMAILS = Path(__file__).resolve().parents[3] / "fixtures" / "emails"


def _raw(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode("utf-8")


SIMPLE = _raw(
    """From: "Dana Whitfield" <AP@Acme-Mfg.example>
To: ar@arbox.example
Subject: Payment for INV-10001
Message-ID:   <abc.123@acme-mfg.example>
Return-Path: <ap@acme-mfg.example>
Reply-To: Payables <payables@acme-mfg.example>
Date: Mon, 02 Mar 2026 09:15:00 -0500

We paid invoice INV-10001 for 1,250.00.
"""
)


def test_simple_message_headers_and_body_are_decoded() -> None:
    parsed = parse_email(SIMPLE)
    assert parsed.from_address == "ap@acme-mfg.example"
    assert parsed.from_name == "Dana Whitfield"
    assert parsed.message_id == "<abc.123@acme-mfg.example>"
    assert parsed.reply_to == "payables@acme-mfg.example"
    assert parsed.return_path == "<ap@acme-mfg.example>"
    assert parsed.subject == "Payment for INV-10001"
    assert parsed.date == "Mon, 02 Mar 2026 09:15:00 -0500"
    assert parsed.content_type == "text/plain"
    assert parsed.text.strip() == "We paid invoice INV-10001 for 1,250.00."
    assert parsed.html_text == ""
    assert parsed.attachments == ()
    assert parsed.header("subject") == "Payment for INV-10001"
    assert ("To", "ar@arbox.example") in parsed.headers


def test_missing_headers_are_none_or_empty() -> None:
    parsed = parse_email(b"\r\nbody only\r\n")
    assert parsed.message_id is None
    assert parsed.from_address is None
    assert parsed.from_name == ""
    assert parsed.subject == ""
    assert "body only" in parsed.text


def test_encoded_newline_in_a_header_is_stripped() -> None:
    # Given a Subject whose encoded word decodes to CR LF + "Bcc:" (CVE-2024-6923)
    raw = _raw(
        "From: x@example.example\nSubject: =?utf-8?q?Hello=0D=0ABcc:_evil@attacker.example?=\n"
        "X-Other: =?utf-8?b?YQ0KYg==?=\n\nbody\n"
    )
    # When it is parsed
    parsed = parse_email(raw)
    # Then no header value holds a line break
    assert parsed.subject == "Hello Bcc: evil@attacker.example"
    assert parsed.header("X-Other") == "a b"
    assert all("\n" not in v and "\r" not in v for _, v in parsed.headers)


def test_unknown_charset_part_falls_back_to_utf8() -> None:
    raw = _raw(
        "From: a@b.example\nContent-Type: text/plain; charset=x-no-such-charset\n\n"
        "INV-1001 1,250.00 caf\u00e9\n"
    )
    parsed = parse_email(raw)
    assert "INV-1001 1,250.00 café" in parsed.text
    assert any("unreadable text/plain part (LookupError)" in d for d in parsed.defects)


def test_multipart_without_boundary_keeps_its_text() -> None:
    # Given a part whose get_content() raises KeyError (multipart with no usable boundary)
    raw = _raw("From: a@b.example\nContent-Type: multipart/mixed\n\nINV-1001 1,250.00\n")
    # When it is parsed, Then its text is kept and the defect is named
    parsed = parse_email(raw)
    assert "INV-1001 1,250.00" in parsed.text
    assert "NoBoundaryInMultipartDefect" in parsed.defects
    assert any("KeyError" in d for d in parsed.defects)


MULTIPART = _raw(
    """From: Borealis <payables@borealis.example>
Subject: advice
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8

plain body
--inner
Content-Type: text/html; charset=utf-8

<table><tr><td>INV-1</td><td>1.00</td></tr></table>
--inner--
--outer
Content-Type: application/pdf
Content-Transfer-Encoding: base64

JVBERi0xLjQK
--outer
Content-Type: text/csv

invoice,amount
--outer
Content-Type: text/plain
Content-Disposition: attachment; filename="notes.txt"

not the body
--outer--
"""
)


def test_multipart_parts_are_sorted_into_text_html_and_attachments() -> None:
    parsed = parse_email(MULTIPART)
    assert parsed.content_type == "multipart/mixed"
    assert parsed.text.strip() == "plain body"
    assert parsed.html_text == "INV-1 | 1.00"
    kinds = [(a.filename, a.content_type) for a in parsed.attachments]
    assert kinds == [(None, "application/pdf"), (None, "text/csv"), ("notes.txt", "text/plain")]
    assert parsed.attachments[0].data == b"%PDF-1.4\n"
    assert parsed.attachments[1].data == b"invoice,amount"  # the CRLF belongs to the boundary


def test_too_many_parts_stops_the_walk_with_the_limit_named() -> None:
    parsed = parse_email(MULTIPART, max_parts=3)
    assert parsed.limit_exceeded == "more than 3 MIME parts"
    assert parsed.attachments == ()
    assert parse_email(MULTIPART).limit_exceeded is None


def test_an_attachment_over_the_size_limit_rejects_the_mail() -> None:
    parsed = parse_email(MULTIPART, max_attachment_bytes=10)
    assert parsed.limit_exceeded is not None
    assert "of 14 bytes exceeds the limit of 10" in parsed.limit_exceeded


def test_too_deep_nesting_stops_the_walk_with_the_limit_named() -> None:
    depth = 40
    lines = ["From: a@b.example", "MIME-Version: 1.0"]
    for level in range(depth):
        lines += [f'Content-Type: multipart/mixed; boundary="b{level}"', "", f"--b{level}"]
    lines += ["Content-Type: text/plain", "", "deep text"]
    for level in reversed(range(depth)):
        lines.append(f"--b{level}--")
    parsed = parse_email("\r\n".join(lines).encode())
    assert parsed.limit_exceeded == "MIME parts nested more than 30 deep"
    assert "deep text" not in parsed.text
    deep_allowed = parse_email("\r\n".join(lines).encode(), max_depth=50)
    assert "deep text" in deep_allowed.text
    assert deep_allowed.limit_exceeded is None


def test_fixture_mails_parse_without_defects() -> None:
    for path in sorted(EMAILS.glob("*.eml")):
        if path.name.startswith("hostile_"):
            continue  # made to break a limit: see test_the_hostile_fixture_breaks_the_depth_limit
        parsed = parse_email(path.read_bytes())
        assert parsed.defects == (), path.name
        assert parsed.message_id and parsed.message_id.endswith(".example>"), path.name


def test_the_hostile_fixture_breaks_the_depth_limit() -> None:
    parsed = parse_email((EMAILS / "hostile_deep_nesting.eml").read_bytes())
    assert parsed.limit_exceeded == "MIME parts nested more than 30 deep"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_parse_email_never_raises_on_random_bytes(raw: bytes) -> None:
    parse_email(raw)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_parse_email_never_raises_on_mutated_mail(data: st.DataObject) -> None:
    # Given a real multipart mail with a few bytes replaced or cut
    raw = bytearray(MULTIPART)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw) - 1))
        raw[at] = data.draw(st.sampled_from(b'\r\n:;="-\x00\xff<>?'))
    cut = data.draw(st.integers(0, len(raw)))
    # When it is parsed, Then nothing raises
    parse_email(bytes(raw[:cut]))


def test_charset_name_with_a_nul_byte_falls_back_to_utf8() -> None:
    # found by fuzzing: bytes.decode() raises ValueError, not LookupError, on such a name
    raw = (
        b'From: a@b.example\r\nContent-Type: text/plain; charset="utf\x00-8x"\r\n\r\nINV-1 1.00\r\n'
    )
    assert "INV-1 1.00" in parse_email(raw).text

"""The From address read strictly and the DMARC verdict of Authentication-Results (issue 19,
finding 8)."""

from __future__ import annotations

import pytest

from parsers.mime import parse_email
from parsers.sender import dmarc_verdict, read_from


@pytest.mark.parametrize(
    "value",
    [
        "Borealis AP <payables@borealis.example>",
        "payables@borealis.example",
        "Payables@Borealis.Example",
        '"payables@borealis.example" <payables@borealis.example>',  # the name is the address
        "=?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <payables@borealis.example>",
        "=?utf-8?q?Borealis=3A_AP?= <payables@borealis.example>",  # ":" in a name is a name
    ],
)
def test_a_plain_mailbox_is_an_address(value) -> None:
    assert read_from(value).address == "payables@borealis.example"


@pytest.mark.parametrize(
    "value",
    [
        "payables@borealis.example <attacker@evil.test>",  # both readers took the first
        '"payables@borealis.example" <attacker@evil.test>',
        "Borealis (payables@borealis.example) <attacker@evil.test>",
        "=?utf-8?q?payables=40borealis.example?= <attacker@evil.test>",
        "=?utf-8?q?payables@borealis.example?=",
        "x <=?utf-8?q?payables=40borealis.example?=>",
        "=?utf-8?q?payables=40borealis.example=3A?= <attacker@evil.test>",
        '"=?utf-8?q?a=0D=0ABcc:_x@evil.test?=" <payables@borealis.example>',
        "payables@borealis.example, attacker@evil.test",
        "undisclosed-recipients:;",
        "Borealis: payables@borealis.example;",
        "attacker@evil.test <payables@borealis.example>",
        "payables@borealis.example (attacker@evil.test)",
        "a@b@borealis.example",
        '"pay ables"@borealis.example',
        "payables@localhost",
        "payables",
        "payables@borealis.example\x00@evil.test",
        "",
        "p" * 3000 + "@borealis.example",
    ],
)
def test_anything_but_one_plain_mailbox_is_an_unknown_sender(value) -> None:
    sender = read_from(value)
    assert sender.address is None
    assert sender.problem


def test_issue_19_a_display_name_address_is_never_the_address() -> None:
    """https://github.com/arbox/arbox/issues/19 (finding 8): parseaddr took the name."""
    raw = (
        b"From: payables@borealis.example <attacker@evil.test>\r\n"
        b"To: ar@arbox.example\r\nSubject: Payment\r\n\r\nINV-80001 10.00\r\n"
    )
    parsed = parse_email(raw)
    assert parsed.from_address is None
    assert parsed.from_problem == "From is malformed (InvalidHeaderDefect, ObsoleteHeaderDefect)"


def test_a_mail_without_from_has_no_address_and_no_problem_to_report() -> None:
    parsed = parse_email(b"To: ar@arbox.example\r\nSubject: x\r\n\r\nhello\r\n")
    assert parsed.from_address is None
    assert parsed.from_problem is None


def results(*values: str) -> tuple[tuple[str, str], ...]:
    return (*(("Authentication-Results", v) for v in values), ("From", "x@y.example"))


def test_the_topmost_authentication_results_of_our_server_is_read() -> None:
    verdict = dmarc_verdict(
        results(
            "mx.arbox.example; spf=pass smtp.mailfrom=borealis.example; "
            "dkim=pass header.d=borealis.example; dmarc=pass (p=reject) header.from=borealis.example"
        ),
        authserv_id="MX.arbox.example",
    )
    assert verdict.result == "pass"
    assert verdict.passes_for("payables@borealis.example")
    assert not verdict.passes_for("attacker@evil.test")  # a pass for another domain


def test_a_result_below_the_topmost_is_never_read() -> None:
    # The sender wrote a pass of its own; our server put its fail on top.
    verdict = dmarc_verdict(
        results(
            "mx.arbox.example; dmarc=fail header.from=borealis.example",
            "mx.arbox.example; dmarc=pass header.from=borealis.example",
        ),
        authserv_id="mx.arbox.example",
    )
    assert verdict.result == "fail"


def test_a_topmost_header_of_another_server_says_nothing_when_ours_is_named() -> None:
    headers = results("evil.test; dmarc=pass header.from=borealis.example")
    assert dmarc_verdict(headers, authserv_id="mx.arbox.example").result is None
    assert dmarc_verdict(headers, authserv_id=None).result == "pass"  # unset: whoever wrote it


@pytest.mark.parametrize(
    ("value", "result"),
    [
        ("mx.arbox.example 1; dmarc=pass header.from=b.example", "pass"),  # a version
        ("mx.arbox.example; none", None),
        ("mx.arbox.example; spf=pass", None),
        ("mx.arbox.example; dmarc=temperror", "temperror"),
        ("mx.arbox.example (dmarc=pass); dmarc=fail", "fail"),  # a comment is no result
        ("mx.arbox.example; x=1 (dmarc=pass (nested)); dmarc=none", "none"),
    ],
)
def test_dmarc_results_as_written(value, result) -> None:
    assert dmarc_verdict(results(value), authserv_id="mx.arbox.example").result == result


def test_no_authentication_results_is_no_verdict() -> None:
    verdict = dmarc_verdict((("From", "x@y.example"),), authserv_id=None)
    assert verdict.result is None
    assert not verdict.passes_for("x@y.example")


def test_a_mail_with_two_from_headers_is_nobodys() -> None:
    from parsers.mime import parse_email

    raw = (
        b"From: finance@elmwood-clinics.example\r\nFrom: eve@evil.test\r\n"
        b"To: ar@arbox.example\r\nSubject: Payment\r\nMessage-ID: <two@x>\r\n\r\n"
        b"We paid INV-10016 800.00\r\n"
    )
    parsed = parse_email(raw)
    assert parsed.from_address is None
    assert parsed.from_problem == "2 From headers"

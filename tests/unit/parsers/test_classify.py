"""parsers.classify: mail kinds with their evidence, and addresses never to reply to."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.types import MailKind
from parsers.classify import classify_email, is_no_reply_sender
from parsers.mime import parse_email
from parsers.remittance import extract_remittance

EMAILS = Path(__file__).resolve().parents[3] / "fixtures" / "emails"
OWN = "ar@arbox.example"


def _classify(raw: bytes, own: str | None = OWN) -> tuple[MailKind, str]:
    parsed = parse_email(raw)
    extraction = extract_remittance(parsed)
    result = classify_email(parsed, remittance=extraction.remittance, own_address=own)
    return result.kind, result.reason


def _mail(headers: str, body: str = "Hello\n") -> bytes:
    return (headers.strip() + "\n\n" + body).replace("\n", "\r\n").encode()


@pytest.mark.parametrize(
    ("name", "kind", "evidence"),
    [
        ("autoreply_ooo.eml", MailKind.AUTO_REPLY, "Auto-Submitted: auto-replied"),
        (
            "bounce_dsn.eml",
            MailKind.BOUNCE,
            "Content-Type: multipart/report; report-type=delivery-status",
        ),
        ("bulk_newsletter.eml", MailKind.BULK, "Precedence: bulk"),
        ("other_question.eml", MailKind.INVOICE_COPY_REQUEST, "about INV-10014"),
        ("remittance_encrypted_pdf.eml", MailKind.OTHER, "no remittance lines found"),
        ("remittance_body_single.eml", MailKind.REMITTANCE, "1 line(s) (body)"),
        ("remittance_body_multi.eml", MailKind.REMITTANCE, "3 line(s) (body)"),
        ("remittance_html_table.eml", MailKind.REMITTANCE, "3 line(s) (html)"),
        ("remittance_pdf_table.eml", MailKind.REMITTANCE, "3 line(s) (pdf)"),
        ("remittance_unknown_ref.eml", MailKind.REMITTANCE, "1 line(s)"),
        ("remittance_overpay.eml", MailKind.REMITTANCE, "1 line(s)"),
        ("remittance_other_customer.eml", MailKind.REMITTANCE, "1 line(s)"),
    ],
)
def test_fixture_mail_is_classified_with_its_evidence(
    name: str, kind: MailKind, evidence: str
) -> None:
    got_kind, reason = _classify((EMAILS / name).read_bytes())
    assert got_kind is kind
    assert evidence in reason


def test_every_fixture_mail_is_covered() -> None:
    names = {p.name for p in EMAILS.glob("*.eml")}
    assert len(names) >= 12
    assert all(
        n.split("_")[0] in {"remittance", "autoreply", "bounce", "bulk", "other", "hostile"}
        for n in names
    )


@pytest.mark.parametrize(
    ("headers", "kind", "evidence"),
    [
        (
            "From: a@b.example\nAuto-Submitted: auto-generated",
            MailKind.AUTO_REPLY,
            "Auto-Submitted: auto-generated",
        ),
        ("From: a@b.example\nX-Autoreply: yes", MailKind.AUTO_REPLY, "X-Autoreply: yes"),
        ("From: a@b.example\nX-Autorespond: 1", MailKind.AUTO_REPLY, "X-Autorespond"),
        (
            "From: a@b.example\nSubject: Out of Office: back Monday",
            MailKind.AUTO_REPLY,
            "Subject: Out of Office",
        ),
        ("From: a@b.example\nSubject: Auto: Payment", MailKind.AUTO_REPLY, "Subject: Auto:"),
        ("From: ar@arbox.example\nSubject: Re: statement", MailKind.AUTO_REPLY, "mail loop"),
        ("From: a@b.example\nPrecedence: list", MailKind.BULK, "Precedence: list"),
        ("From: a@b.example\nPrecedence: junk", MailKind.BULK, "Precedence: junk"),
        ("From: a@b.example\nList-Id: <ar.lists.example>", MailKind.BULK, "List-Id"),
        ("From: a@b.example\nList-Post: <mailto:l@lists.example>", MailKind.BULK, "List-Post"),
        (
            "From: MAILER-DAEMON@mx.example\nSubject: Undelivered Mail Returned to Sender",
            MailKind.BOUNCE,
            "From: mailer-daemon@mx.example",
        ),
        (
            "From: postmaster@mx.example\nSubject: Delivery Status Notification (Failure)",
            MailKind.BOUNCE,
            "From: postmaster@mx.example",
        ),
        (
            "From: x@mx.example\nReturn-Path: <>\nSubject: failure notice",
            MailKind.BOUNCE,
            "Return-Path: <>",
        ),
        (
            "From: a@b.example\nX-Failed-Recipients: c@d.example",
            MailKind.BOUNCE,
            "X-Failed-Recipients",
        ),
    ],
)
def test_automatic_mail_is_recognised_by_its_headers(
    headers: str, kind: MailKind, evidence: str
) -> None:
    got_kind, reason = _classify(_mail(headers, "We paid INV-1001 1,250.00\n"))
    assert got_kind is kind
    assert evidence in reason


@pytest.mark.parametrize(
    "headers",
    [
        "From: a@b.example\nAuto-Submitted: no",
        "From: MAILER-DAEMON@mx.example\nSubject: Payment",
        "From: a@b.example\nReturn-Path: <>\nSubject: Payment",
        "From: a@b.example\nSubject: Automation project invoice",
        "From: a@b.example\nPrecedence: first-class",
    ],
)
def test_ordinary_mail_is_a_remittance_when_it_has_lines(headers: str) -> None:
    kind, _ = _classify(_mail(headers, "We paid INV-1001 1,250.00\n"))
    assert kind is MailKind.REMITTANCE


def test_bounce_wins_over_auto_reply_and_bulk() -> None:
    raw = _mail(
        "From: MAILER-DAEMON@mx.example\nSubject: Returned mail\n"
        "Auto-Submitted: auto-replied\nPrecedence: bulk"
    )
    assert _classify(raw)[0] is MailKind.BOUNCE


def test_mail_from_our_own_address_is_not_a_loop_without_own_address() -> None:
    raw = _mail("From: ar@arbox.example", "INV-1001 1.00\n")
    assert _classify(raw, own=None)[0] is MailKind.REMITTANCE


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        (None, "no sender address"),
        ("", "no sender address"),
        ("AR@arbox.example", "our own address"),
        ("noreply@bank.example", "no-reply"),
        ("no-reply@bank.example", "no-reply"),
        ("no_reply+123@bank.example", "no-reply"),
        ("DoNotReply@bank.example", "no-reply"),
        ("do-not-reply@bank.example", "no-reply"),
        ("MAILER-DAEMON@mx.example", "mailer daemon"),
        ("mailer-daemon", "mailer daemon"),
        ("postmaster@mx.example", "postmaster"),
        ("owner-ar-list@lists.example", "list owner"),
        ("ar-list-request@lists.example", "list request"),
        ("bounces+abc@esp.example", "bounce"),
    ],
)
def test_addresses_never_to_reply_to(address: str | None, reason: str) -> None:
    got = is_no_reply_sender(address, own_address=OWN)
    assert got is not None
    assert reason in got


@pytest.mark.parametrize(
    "address", ["ap@acme-mfg.example", "replyto@x.example", "request@x.example", "owner@x.example"]
)
def test_ordinary_addresses_may_get_replies(address: str) -> None:
    assert is_no_reply_sender(address, own_address=OWN) is None

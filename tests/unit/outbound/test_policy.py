"""The reply policy: RFC 3834's never-reply rules read from real mail bytes (through the same
parse and classify the worker runs), then the daily cap and the reply breaker."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from core.types import Classification, MailKind
from outbound.policy import (
    PeerHistory,
    PeerMail,
    ReplyLimits,
    count_loop_mails,
    decide_reply,
    never_reply_reason,
)
from worker.inbound.pool import ParseLimits, read_mail

OWN = "ar@arbox.example"
BODY = "We paid the following invoices today:\nINV-70001 1,250.00\n"


def remittance(**headers: str) -> bytes:
    """A remittance from a customer's AP clerk, with ``headers`` set (``_`` for ``-``)."""
    msg = EmailMessage()
    msg["From"] = "Acme AP <ap@acme-mfg.example>"
    msg["To"] = OWN
    msg["Subject"] = "Payment advice"
    msg["Message-ID"] = "<p1@acme-mfg.example>"
    for name, value in headers.items():
        name = name.replace("_", "-")
        del msg[name]
        msg[name] = value
    msg.set_content(BODY)
    return msg.as_bytes()


def report(report_type: str, second: str) -> bytes:
    """A multipart/report (RFC 6522) of ``report_type`` whose second part is ``second``."""
    return (
        "From: Mail Delivery System <mailer@mx.acme-mfg.example>\r\n"
        f"To: {OWN}\r\nSubject: Payment advice\r\nMessage-ID: <r1@mx.example>\r\n"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/report; report-type={report_type}; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\n"
        f"{BODY}\r\n"
        f"--b\r\nContent-Type: {second}\r\n\r\n"
        "Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; x@y.example\r\n"
        "Action: failed\r\n\r\n--b--\r\n"
    ).encode()


def reason_for(raw: bytes, own: str = OWN) -> str | None:
    read = read_mail(raw, own_address=own, limits=ParseLimits())
    return never_reply_reason(read.parsed, read.classification, own_address=own)


def test_an_ordinary_remittance_from_a_person_may_be_answered():
    assert reason_for(remittance()) is None
    assert reason_for(remittance(Auto_Submitted="no")) is None
    # Suppressing only delivery and read receipts does not ask a person's reply to stay away
    assert reason_for(remittance(X_Auto_Response_Suppress="DR, RN, NRN")) is None
    # An ESP's VERP envelope sender is how ordinary business mail travels: still a person
    assert reason_for(remittance(Return_Path="<bounces+7a1=acme@esp.example>")) is None


NEVER_ANSWERED = [
    (remittance(Auto_Submitted="auto-replied"), "Auto-Submitted: auto-replied"),
    (remittance(Auto_Submitted="auto-generated"), "Auto-Submitted: auto-generated"),
    (remittance(Auto_Submitted="auto-notified; owner-email=x@y"), "Auto-Submitted"),
    (remittance(X_Autoreply="yes"), "X-Autoreply"),
    (remittance(Return_Path="<>"), "null Return-Path"),
    (remittance(X_Auto_Response_Suppress="All"), "X-Auto-Response-Suppress: All"),
    (remittance(X_Auto_Response_Suppress="DR, AutoReply"), "X-Auto-Response-Suppress"),
    (remittance(Return_Path=" < > "), "null Return-Path"),
    (remittance(Precedence="bulk"), "Precedence: bulk"),
    (remittance(Precedence="list"), "Precedence: list"),
    (remittance(Precedence="junk"), "Precedence: junk"),
    (remittance(List_Id="<ap.acme-mfg.example>"), "List-Id"),
    # A lone List-Unsubscribe leaves a payment notice a remittance, but never answered
    (remittance(List_Unsubscribe="<mailto:u@esp.example>"), "List-Unsubscribe header"),
    (remittance(List_Unsubscribe_Post="List-Unsubscribe=One-Click"), "List-Unsubscribe-Post"),
    (report("delivery-status", "message/delivery-status"), "multipart/report"),
    (report("disposition-notification", "message/disposition-notification"), "report"),
    (remittance(From="MAILER-DAEMON@mx.acme-mfg.example"), "mailer daemon"),
    (remittance(From="postmaster@acme-mfg.example"), "postmaster"),
    (remittance(From="owner-ap-list@lists.example"), "list owner"),
    (remittance(From="ap-list-request@lists.example"), "list request"),
    (remittance(From="noreply@acme-mfg.example"), "no-reply"),
    (remittance(From="no-reply@acme-mfg.example"), "no-reply"),
    (remittance(From="DoNotReply@acme-mfg.example"), "no-reply"),
    (remittance(From="AR <AR@ArBox.Example>"), "our own address"),
    (remittance(Reply_To="AR@ARBOX.EXAMPLE"), "Reply-To: our own address"),
    (remittance(Reply_To="noreply@acme-mfg.example"), "Reply-To: no-reply"),
    (remittance(Sender="Ar@arbox.example"), "Sender: our own address"),
    (remittance(Sender="owner-ap@lists.example"), "Sender: list owner"),
    (remittance(Return_Path="<ar@arbox.example>"), "Return-Path: our own address"),
    (remittance(Return_Path="<MAILER-DAEMON@mx.example>"), "Return-Path: mail system"),
]


@pytest.mark.parametrize(
    ("raw", "evidence"), NEVER_ANSWERED, ids=[f"{n}-{e}" for n, (_, e) in enumerate(NEVER_ANSWERED)]
)
def test_rfc_3834_mail_is_never_answered(raw: bytes, evidence: str):
    reason = reason_for(raw)
    assert reason is not None
    assert evidence.lower() in reason.lower()


def test_the_kinds_the_classifier_found_automatic_are_never_answered():
    read = read_mail(remittance(), own_address=OWN, limits=ParseLimits())
    for kind in (MailKind.AUTO_REPLY, MailKind.BOUNCE, MailKind.BULK):
        said = Classification(kind=kind, reason="evidence")
        assert never_reply_reason(read.parsed, said, own_address=OWN) == (
            f"never answer {kind.value} mail (evidence)"
        )


LIMITS = ReplyLimits(max_per_day=5, breaker_mails=3, breaker_minutes=60, cooldown_minutes=1440)


QUIET = PeerHistory()
#: What the pipeline records of a mail that answers one of our replies.
ANSWERS_US = "answers our reply <arbox.1@arbox.example>"


def decide(history: PeerHistory = QUIET, **kw):
    args = {
        "never_reason": None,
        "is_registered_contact": True,
        "loop_evidence": None,
        "limits": LIMITS,
    }
    args.update(kw)
    return decide_reply(history=history, **args)


def test_a_registered_contact_under_every_limit_is_answered():
    assert decide(PeerHistory(mails_today=4, loop_mails_in_window=1), loop_evidence=ANSWERS_US).send


def test_a_never_reply_mail_or_a_stranger_is_not_answered_and_trips_nothing():
    busy = PeerHistory(mails_today=9, loop_mails_in_window=9)
    never = decide(busy, never_reason="null Return-Path (<>)", loop_evidence=ANSWERS_US)
    assert (never.send, never.reason, never.trip_breaker) == (False, "null Return-Path (<>)", False)
    stranger = decide(busy, is_registered_contact=False, loop_evidence=ANSWERS_US)
    assert not stranger.send and not stranger.trip_breaker


def test_the_daily_cap_stops_the_nth_mail():
    capped = decide(PeerHistory(mails_today=5))
    assert not capped.send
    assert capped.reason == "already 5 automatic mails today"


def test_a_third_mail_answering_our_replies_within_the_hour_trips_the_breaker_once():
    # Given two earlier mails of this address that answered our replies and were answered
    tripped = decide(PeerHistory(loop_mails_in_window=2), loop_evidence=ANSWERS_US)
    # Then a third such mail is not answered, and the caller is told to record the trip
    assert not tripped.send and tripped.trip_breaker
    assert tripped.reason.startswith(
        "reply loop: 3 mails from this address answered our replies or repeated a mail "
        "within 60 minutes (this one: answers our reply <arbox.1@arbox.example>)"
    )
    # And once recorded, the open breaker refuses without tripping again
    held = decide(PeerHistory(loop_mails_in_window=2, breaker_open=True), loop_evidence=ANSWERS_US)
    assert not held.send and not held.trip_breaker
    assert "breaker open" in held.reason


def test_a_mail_that_looks_like_no_loop_never_trips_the_breaker():
    # However many loop-like mails came before, a fresh mail of a person is answered
    assert decide(PeerHistory(loop_mails_in_window=9)).send


def test_a_breaker_of_zero_mails_is_off_and_the_cap_still_holds():
    off = ReplyLimits(max_per_day=5, breaker_mails=0, breaker_minutes=60, cooldown_minutes=60)
    assert decide(PeerHistory(loop_mails_in_window=4), loop_evidence=ANSWERS_US, limits=off).send
    capped = PeerHistory(loop_mails_in_window=5, mails_today=5)
    assert not decide(capped, loop_evidence=ANSWERS_US, limits=off).send


def test_only_answered_loop_like_mails_or_repeats_of_this_one_count():
    earlier = [
        PeerMail(answered=True, loop_evidence=ANSWERS_US, body_key="a"),  # counts
        PeerMail(answered=False, loop_evidence=ANSWERS_US, body_key="b"),  # not answered
        PeerMail(answered=True, body_key="c"),  # a distinct mail of a person
        PeerMail(answered=True, body_key="d"),  # repeated now: counts
        PeerMail(answered=True, body_key=None),
    ]
    assert count_loop_mails(earlier, body_key="d") == 2
    assert count_loop_mails(earlier, body_key=None) == 1

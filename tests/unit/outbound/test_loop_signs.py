"""What a reply loop looks like in one mail, read from real mail bytes through the parse the
worker runs: its own text (quotes dropped) and its key, the ids it answers, a reply subject."""

from __future__ import annotations

from email.message import EmailMessage

from core.types import ParsedEmail
from outbound.loop_signs import (
    answers_our_subject,
    body_key,
    own_text,
    referenced_ids,
    subject_topic,
)
from worker.inbound.pool import ParseLimits, read_mail


def parsed(
    text: str, *, attachment: bytes | None = None, subject: str = "Payment", **headers: str
) -> ParsedEmail:
    msg = EmailMessage()
    msg["From"] = "ap@acme-mfg.example"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = subject
    msg["Message-ID"] = "<m1@acme-mfg.example>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(text)
    if attachment is not None:
        msg.add_attachment(attachment, maintype="application", subtype="pdf", filename="ra.pdf")
    return read_mail(msg.as_bytes(), own_address="ar@arbox.example", limits=ParseLimits()).parsed


def test_an_auto_responder_quoting_different_mails_of_ours_says_the_same_thing():
    first = parsed("Thank you. We paid:\nINV-1 1.00\n\n> Balance 98.99\n> Regards\n")
    second = parsed("Thank you.   We PAID:\nINV-1 1.00\n\n> Balance 97.99\n")
    assert own_text(first.text) == "thank you. we paid: inv-1 1.00"
    assert body_key(first) == body_key(second) is not None


def test_text_below_a_quote_header_is_not_the_senders_own():
    assert own_text("Done.\n-----Original Message-----\nFrom: AR\nBalance 5") == "done."
    assert own_text("Erledigt.\nAm 1.12.2026 schrieb AR <ar@x>:\nSaldo 5") == "erledigt."


def test_distinct_mails_of_a_person_have_distinct_keys():
    keys = {
        body_key(parsed("Could you send us a statement of account, please?")),
        body_key(parsed("We will pay INV-10017 on Friday.")),
        body_key(parsed("We paid:\nINV-10017 1,250.00\n")),
    }
    assert len(keys) == 3 and None not in keys


def test_the_same_covering_note_over_different_remittances_is_not_the_same_mail():
    note = "Please find our remittance advice attached."
    one = body_key(parsed(note, attachment=b"%PDF-1.4 advice 1"))
    two = body_key(parsed(note, attachment=b"%PDF-1.4 advice 2"))
    assert one != two
    assert one == body_key(parsed(note, attachment=b"%PDF-1.4 advice 1"))


def test_an_empty_mail_has_no_key():
    assert body_key(parsed("\n> only a quote\n")) is None


def test_the_ids_a_mail_answers_come_from_in_reply_to_and_references():
    mail = parsed(
        "ok",
        In_Reply_To="<arbox.2@arbox.example>",
        References="<first@acme-mfg.example> <arbox.1@arbox.example> <arbox.2@arbox.example>",
    )
    assert referenced_ids(mail) == (
        "<arbox.2@arbox.example>",
        "<first@acme-mfg.example>",
        "<arbox.1@arbox.example>",
    )
    assert referenced_ids(parsed("ok")) == ()


def test_a_reply_subject_answers_ours_only_with_a_reply_prefix():
    ours = ["Re: Payment 4711", "Statement of account"]
    assert answers_our_subject("RE: Payment 4711", ours)
    assert answers_our_subject("AW: Re: payment  4711", ours)
    assert answers_our_subject("Re: Statement of account", ours)
    # The customer's own subject again, without Re:, is a new mail, not an answer
    assert not answers_our_subject("Payment 4711", ours)
    assert not answers_our_subject("Re: Payment 4712", ours)
    assert subject_topic("Fwd: RE: Payment") == "payment"

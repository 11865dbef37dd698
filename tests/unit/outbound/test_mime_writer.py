"""The bulk-run mail writer produces mail the standard parser reads back exactly: recipients,
headers, bodies and attachment bytes, and no header line a hostile value could inject."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest

from outbound.mime_writer import Attachment, write_document_mail

NOW = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


def plain(parsed) -> str:
    # the parser keeps the wire's CRLF line ends (the SMTP sink sees the same)
    return parsed.get_body(("plain",)).get_content().replace("\r\n", "\n")


def write(**overrides):
    args = {
        "sender": "ar@supplies.example",
        "company_name": "Example Supplies Co.",
        "to": ["AP@Acme.example", "controller@acme.example", "ap@acme.example"],
        "subject": "Statement of account C701 as of 2026-12-01",
        "message_id": "<arbox.1@supplies.example>",
        "now": NOW,
        "text": "Total due: 1,299.99 USD\n",
        "html": "<p>Total due: <b>1,299.99 USD</b></p>",
        "attachments": [Attachment("statement-C701.pdf", b"%PDF-1.4\n" + bytes(range(256)))],
    }
    args.update(overrides)
    return write_document_mail(**args)


def test_written_mail_parses_back_with_its_bodies_recipients_and_attachment():
    mail = write()
    parsed = message_from_bytes(mail.raw, policy=policy.default)
    assert mail.recipients == ("ap@acme.example", "controller@acme.example")
    assert [a.addr_spec for a in parsed["To"].addresses] == list(mail.recipients)
    assert parsed["From"].addresses[0].display_name == "Example Supplies Co."
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Subject"] == "Statement of account C701 as of 2026-12-01"
    assert plain(parsed) == "Total due: 1,299.99 USD\n"
    assert "<b>1,299.99 USD</b>" in parsed.get_body(("html",)).get_content()
    (attachment,) = parsed.iter_attachments()
    assert attachment.get_filename() == "statement-C701.pdf"
    assert attachment.get_content() == b"%PDF-1.4\n" + bytes(range(256))
    assert b"\n" not in mail.raw.replace(b"\r\n", b"")  # SMTP line endings only


def test_same_mail_gives_the_same_bytes():
    assert write().raw == write().raw


def test_non_ascii_names_subjects_and_bodies_survive_the_round_trip():
    mail = write(
        company_name="Müller & Söhne GmbH",
        subject="Zahlungserinnerung für Kunde K-1 — Stufe 1",
        text="Fällig: 1.234,56 €\n" + "x" * 1200 + "\n",
    )
    parsed = message_from_bytes(mail.raw, policy=policy.default)
    assert parsed["From"].addresses[0].display_name == "Müller & Söhne GmbH"
    assert parsed["Subject"] == "Zahlungserinnerung für Kunde K-1 — Stufe 1"
    assert plain(parsed) == "Fällig: 1.234,56 €\n" + "x" * 1200 + "\n"


@pytest.mark.parametrize(
    "hostile",
    [
        "Acme\r\nBcc: thief@evil.example",
        "=?utf-8?q?Acme=0ABcc:_thief@evil.example?=",
        "Acme\u2028Bcc: thief@evil.example",
    ],
)
def test_hostile_company_name_or_subject_cannot_add_a_recipient(hostile):
    mail = write(company_name=hostile, subject=hostile)
    parsed = message_from_bytes(mail.raw, policy=policy.default)
    assert parsed["Bcc"] is None and parsed["Cc"] is None
    assert [a.addr_spec for a in parsed["To"].addresses] == list(mail.recipients)
    assert all(not line.lower().startswith(b"bcc:") for line in mail.raw.split(b"\r\n"))


def test_a_recipient_that_is_not_a_plain_address_is_refused():
    with pytest.raises(ValueError, match="not a plain e-mail address"):
        write(to=["ap@acme.example, thief@evil.example"])
    with pytest.raises(ValueError, match="at least one recipient"):
        write(to=[])

"""Replies through the pipeline in the contact's locale, and the language a contact writes in
recorded as a suggestion that changes nothing until a person confirms it (issue 21)."""

from __future__ import annotations

from email import message_from_bytes, policy

from sqlalchemy import select, update

from ledger import models as m
from ledger.locale_store import confirm_locale_suggestion, pending_locale_suggestions
from tests.unit.worker.test_question_answers import NOW, mail, outbox, run, svc  # noqa: F401 (svc: the fixture, shared)


def body(row: m.OutboxMessage) -> str:
    return message_from_bytes(row.raw, policy=policy.default).get_body(("plain",)).get_content()


def test_a_french_question_from_an_english_contact_is_answered_in_english_and_suggests_french(
    svc,  # noqa: F811
):
    # Given Acme's contact (no locale: the default en_US) asking for its balance in French
    run(svc, mail("Bonjour, pourriez-vous nous indiquer le solde de notre compte ? Merci, "
                  "cordialement", subject="Solde"))  # fmt: skip
    # Then the answer is in English, and French waits for a person to confirm
    (reply,) = outbox(svc)
    assert reply.kind == "balance" and "this is your account with us" in body(reply)
    with svc.sessions() as s:
        (suggestion,) = pending_locale_suggestions(s, default="en_US")
    assert (suggestion.email, suggestion.current, suggestion.suggested) == (
        "ap@acme-mfg.example", "en_US", "fr_FR",
    )  # fmt: skip
    # When a person confirms it, the next answer is in French with French formats
    with svc.sessions.begin() as s:
        confirm_locale_suggestion(
            s, contact_id=suggestion.contact_id, locale="fr_FR", actor="clara", now=NOW
        )
    second = mail("Bonjour, pourriez-vous nous indiquer le solde de notre compte ? Merci",
                  subject="Solde").replace(b"<q1@", b"<q2@")  # fmt: skip
    run(svc, second)
    french = outbox(svc)[-1]
    assert "Voici la situation de votre compte client" in body(french)
    assert "1\u202f349,99\u00a0$US" in body(french)  # USD as fr_FR writes it
    assert message_from_bytes(french.raw, policy=policy.default)["Subject"] == "Re: Solde"


def test_a_customers_locale_writes_its_replies_and_a_contacts_own_wins(svc):  # noqa: F811
    with svc.sessions.begin() as s:
        s.execute(update(m.Customer).where(m.Customer.number == "C701").values(locale="de_DE"))
    run(svc, mail("Hi, could you please tell us our balance? Thanks", subject=""))
    (reply,) = outbox(svc)
    assert "Stand Ihres Kundenkontos" in body(reply) and "1.349,99\u00a0$" in body(reply)
    assert message_from_bytes(reply.raw, policy=policy.default)["Subject"] == "Ihr Kontostand"
    with svc.sessions() as s:  # writing English to a German customer suggests English
        assert [p.suggested for p in pending_locale_suggestions(s, default="en_US")] == ["en_DE"]
        contact = s.scalars(select(m.Contact).where(m.Contact.email == "ap@acme-mfg.example")).one()
    assert contact.locale is None

"""Each customer's and contact's locale (issue 21): the import columns, what a mail to them is
written in (contact > customer > ARBOX_DEFAULT_LOCALE), and the language a contact writes in
recorded as a suggestion that only a person's confirmation applies (with an audit event).
On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.errors import ImportRowError, RefusedActionError
from ledger.contacts import import_contacts
from ledger.locale_store import (
    confirm_locale_suggestion,
    locale_book,
    locale_books,
    pending_locale_suggestions,
    set_locale_books,
    suggest_locale,
)
from ledger.models import AuditEvent, Contact, Customer
from tests.unit.ledger.conftest import NOW, invoice_row
from tests.unit.ledger.test_imports import run_import

DEFAULT = "en_US"


def customer_locales(sessions: sessionmaker[Session]) -> dict[str, str | None]:
    with sessions() as session:
        return dict(session.execute(select(Customer.number, Customer.locale)).tuples().all())


def test_the_locale_column_sets_the_customer_locale_normalised(sessions, write_csv):
    # Given a German and a French customer (written as people type them) and one without
    path = write_csv(
        [
            invoice_row("INV-1", customer_number="C-DE", customer_name="Müller", locale="de-de"),
            invoice_row("INV-2", customer_number="C-DE", customer_name="Müller", locale=""),
            invoice_row("INV-3", customer_number="C-FR", customer_name="Dupont", locale="fr_FR"),
            invoice_row("INV-4", customer_number="C-US", customer_name="Acme", locale=""),
        ]
    )
    run_import(sessions, path)
    # Then each has its locale as CLDR writes it; none for the one without
    assert customer_locales(sessions) == {"C-DE": "de_DE", "C-FR": "fr_FR", "C-US": None}
    # And a later file without the column leaves them as they are; with it, changes them
    run_import(sessions, write_csv([invoice_row("INV-1", customer_number="C-DE",
                                                customer_name="Müller")], name="b.csv"))  # fmt: skip
    assert customer_locales(sessions)["C-DE"] == "de_DE"
    run_import(sessions, write_csv([invoice_row("INV-1", customer_number="C-DE",
               customer_name="Müller", locale="de_AT")], name="c.csv"))  # fmt: skip
    assert customer_locales(sessions)["C-DE"] == "de_AT"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("xx_YY", "unknown locale 'xx_YY'"),
        ("deutsch!", "unknown locale"),
        ("a" * 30, "not a locale"),
    ],
)
def test_a_bad_locale_refuses_the_row_with_its_reason_and_writes_nothing(
    sessions, write_csv, value, reason
):
    path = write_csv([invoice_row("INV-1", locale=""), invoice_row("INV-2", locale=value)])
    with pytest.raises(ImportRowError) as refused:
        run_import(sessions, path)
    assert (
        refused.value.row == 3 and "locale" in str(refused.value) and reason in str(refused.value)
    )
    assert customer_locales(sessions) == {}


def test_two_locales_for_one_customer_refuse_the_file(sessions, write_csv):
    path = write_csv([invoice_row("INV-1", locale="de_DE"), invoice_row("INV-2", locale="fr_FR")])
    with pytest.raises(ImportRowError, match="has locale 'fr_FR' here but 'de_DE'"):
        run_import(sessions, path)


def test_contacts_import_sets_a_contact_locale_over_its_customers(sessions, write_csv, tmp_path):
    # Given a customer in German with two contacts, one of them in French
    run_import(sessions, write_csv([invoice_row("INV-1", locale="de_DE",
               customer_email="ap@acme.example;fr@acme.example")]))  # fmt: skip
    contacts = tmp_path / "contacts.csv"
    contacts.write_text("customer_number,email,locale\nC-001,FR@acme.example,fr-fr\n")
    with sessions.begin() as session:
        summary = import_contacts(session, contacts, now=NOW)
    assert summary.contacts_updated == 1
    # Then a mail to the French contact is in French, to the other (and to both) in German
    with sessions() as session:
        (cid,) = session.scalars(select(Customer.id)).all()
        book = locale_book(session, cid)
        # (a statement run reads every customer's with a locale at once: the same answers)
        every = set_locale_books(session)
    assert every[cid].for_mail(["fr@acme.example", "ap@acme.example"], default=DEFAULT) == "de_DE"
    assert every[cid].for_mail(["fr@acme.example"], default=DEFAULT) == "fr_FR"
    assert book.for_mail(["fr@acme.example"], default=DEFAULT) == "fr_FR"
    assert book.for_mail(["ap@acme.example"], default=DEFAULT) == "de_DE"
    assert book.for_mail(["ap@acme.example", "fr@acme.example"], default=DEFAULT) == "de_DE"
    # And a bad locale in the contacts file refuses its row with the reason
    contacts.write_text("customer_number,email,locale\nC-001,ap@acme.example,klingon\n")
    with sessions.begin() as session, pytest.raises(ImportRowError, match=r"row 2.*locale"):
        import_contacts(session, contacts, now=NOW)


def test_a_customer_without_a_locale_is_written_to_in_the_default(sessions, write_csv):
    run_import(sessions, write_csv([invoice_row("INV-1", locale="")]))
    with sessions() as session:
        (cid,) = session.scalars(select(Customer.id)).all()
        books = locale_books(session, [cid, 999_999])
    assert books[cid].for_mail(["ap@acme.example"], default="nl_NL") == "nl_NL"
    assert books[999_999].for_mail(["x@y.example"], default="es_ES") == "es_ES"


def test_a_suggestion_changes_nothing_until_a_person_confirms_it(sessions, write_csv):
    # Given an English-speaking customer whose contact wrote in French
    run_import(sessions, write_csv([invoice_row("INV-1", customer_email="ap@acme.example")]))
    with sessions.begin() as session:
        (cid,) = session.scalars(select(Customer.id)).all()
        assert suggest_locale(session, customer_id=cid, address="AP@acme.example",
                              locale="fr_FR", inbound_id=41, default=DEFAULT)  # fmt: skip
        # the same again (the mail arriving twice) records nothing new
        assert not suggest_locale(session, customer_id=cid, address="ap@acme.example",
                                  locale="fr_FR", inbound_id=42, default=DEFAULT)  # fmt: skip
        # a language the contact is already written in is no suggestion
        assert not suggest_locale(session, customer_id=cid, address="ap@acme.example",
                                  locale="en_GB", inbound_id=43, default=DEFAULT)  # fmt: skip
        # nor is a stranger's mail
        assert not suggest_locale(session, customer_id=cid, address="x@elsewhere.example",
                                  locale="de_DE", inbound_id=44, default=DEFAULT)  # fmt: skip
    # Then it waits, with its first mail, and mail still goes out in English
    with sessions() as session:
        (pending,) = pending_locale_suggestions(session, default=DEFAULT)
        assert locale_book(session, cid).for_mail(["ap@acme.example"], default=DEFAULT) == DEFAULT
    assert (pending.email, pending.current, pending.suggested, pending.inbound_id) == (
        "ap@acme.example", "en_US", "fr_FR", 41,
    )  # fmt: skip
    # When a clerk confirms it
    with sessions.begin() as session:
        confirm_locale_suggestion(
            session, contact_id=pending.contact_id, locale="fr_FR", actor="clerk1", now=NOW
        )
    # Then the contact is written to in French, nothing waits, and the audit says who did it
    with sessions() as session:
        assert locale_book(session, cid).for_mail(["ap@acme.example"], default=DEFAULT) == "fr_FR"
        assert pending_locale_suggestions(session, default=DEFAULT) == []
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "locale_confirmed")
        ).one()
    assert (event.actor, event.entity, event.entity_id) == ("clerk1", "contact", pending.contact_id)
    assert event.detail["locale"] == "fr_FR" and event.detail["inbound_id"] == 41


def test_confirming_a_suggestion_that_is_not_pending_is_refused(sessions, write_csv):
    run_import(sessions, write_csv([invoice_row("INV-1")]))
    with sessions.begin() as session:
        contact_id = session.scalars(select(Contact.id)).one()
        with pytest.raises(RefusedActionError):
            confirm_locale_suggestion(
                session, contact_id=contact_id, locale="de_DE", actor="c", now=NOW
            )
        with pytest.raises(RefusedActionError):
            confirm_locale_suggestion(
                session, contact_id=999_999, locale="de_DE", actor="c", now=NOW
            )
    with sessions() as session:
        assert session.scalars(select(Contact.locale)).one() is None

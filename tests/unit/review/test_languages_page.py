"""The languages customers' contacts write in, waiting in the review app for a person
(issue 21): shown on the Languages page and on the customer's item page, confirmed by a
clerk with the form's CSRF token, audited; a viewer sees them and cannot confirm."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ledger.models import AuditEvent, Contact
from tests.unit.review.conftest import csrf_of


@pytest.fixture
def suggested(seed, web_db) -> tuple[int, int]:
    """A customer with a review item, and its contact who wrote in French (mail 7)."""
    customer = seed.customer()
    item = seed.item(customer_id=customer)
    with web_db.begin() as s:
        contact = Contact(customer_id=customer, email="ap@acme-mfg.example",
                          suggested_locale="fr_FR", suggested_locale_inbound_id=7)  # fmt: skip
        s.add(contact)
        s.flush()
        return contact.id, item


def test_a_clerk_confirms_a_language_from_the_item_page_and_it_is_audited(
    signed_in, suggested, web_db
):
    contact_id, item = suggested
    clara = signed_in("clara")
    # Given the item page of the customer shows the suggestion with a confirm button
    page = clara.get(f"/items/{item}")
    assert "ap@acme-mfg.example" in page.text and "Confirm fr_FR" in page.text
    assert f'action="/languages/{contact_id}/confirm"' in page.text
    # When the clerk confirms it (the form's token)
    response = clara.post(
        f"/languages/{contact_id}/confirm",
        data={"csrf_token": csrf_of(page.text), "locale": "fr_FR", "next": f"/items/{item}"},
    )
    # Then back on the item page, the contact is written to in French, nothing waits
    assert response.status_code == 303
    assert response.headers["location"] == f"/items/{item}?confirmed={contact_id}"
    with web_db() as s:
        contact = s.get(Contact, contact_id)
        assert (contact.locale, contact.suggested_locale) == ("fr_FR", None)
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "locale_confirmed")).one()
    assert event.actor == "clara" and event.detail["inbound_id"] == 7
    assert "Confirm fr_FR" not in clara.get("/languages").text


def test_without_the_csrf_token_or_as_a_viewer_nothing_changes(signed_in, suggested, web_db):
    contact_id, _ = suggested
    clara = signed_in("clara")
    refused = clara.post(f"/languages/{contact_id}/confirm", data={"locale": "fr_FR"})
    assert refused.status_code == 403
    vera = signed_in("vera")
    assert "Confirm fr_FR" not in vera.get(f"/items/{suggested[1]}").text
    assert vera.get("/languages").status_code == 403
    token = csrf_of(vera.get("/queue").text)
    assert vera.post(f"/languages/{contact_id}/confirm",
                     data={"csrf_token": token, "locale": "fr_FR"}).status_code == 403  # fmt: skip
    with web_db() as s:
        assert s.get(Contact, contact_id).locale is None


def test_confirming_another_locale_than_suggested_is_refused(signed_in, suggested, web_db):
    contact_id, _ = suggested
    clara = signed_in("clara")
    page = clara.get("/languages")
    assert "Confirm fr_FR" in page.text
    response = clara.post(
        f"/languages/{contact_id}/confirm",
        data={"csrf_token": csrf_of(page.text), "locale": "de_DE", "next": "https://evil.example"},
    )
    assert response.status_code == 409 and "nothing was changed" in response.text
    with web_db() as s:
        assert s.get(Contact, contact_id).locale is None

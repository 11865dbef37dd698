"""Roles and object-level checks: viewers read, clerks decide, supervisors also un-apply cash
and manage rules; every refused action changes nothing, every done one is audited with the
user."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from ledger.models import Application, AuditEvent, Invoice, MatchRule
from ledger.rules import create_rule
from tests.unit.review.conftest import csrf_of


@pytest.mark.parametrize(
    ("user", "path", "status"),
    [
        ("vera", "/queue", 200),
        ("vera", "/dashboard", 200),
        ("vera", "/applications", 200),
        ("vera", "/rules", 403),
        ("clara", "/rules", 403),
        ("sam", "/rules", 200),
    ],
)
def test_pages_open_to_the_roles_they_are_for(signed_in, user, path, status):
    assert signed_in(user).get(path).status_code == status


def test_the_nav_shows_rules_to_supervisors_only(signed_in):
    assert 'href="/rules"' not in signed_in("clara").get("/queue").text
    assert 'href="/rules"' in signed_in("sam").get("/queue").text


@pytest.fixture
def applied(seed):
    acme = seed.customer()
    invoice = seed.invoice(acme, "INV-1", amount="1250.00")
    return invoice, seed.application(invoice, amount="1250.00", customer_id=acme)


def test_a_supervisor_unapplies_cash_with_a_reason_recorded_with_the_user(
    signed_in, applied, web_db
):
    invoice_id, app_id = applied
    sam = signed_in("sam")
    page = sam.get("/applications")
    assert f'action="/applications/{app_id}/unapply"' in page.text
    response = sam.post(
        f"/applications/{app_id}/unapply",
        data={"reason": "wrong customer", "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 303
    assert f"Application {app_id} un-applied" in sam.get(response.headers["location"]).text
    with web_db() as s:
        app = s.get(Application, app_id)
        assert (app.status, app.reversed_by, app.reversal_reason) == (
            "reversed",
            "sam",
            "wrong customer",
        )
        assert s.get(Invoice, invoice_id).balance == Decimal("1250.00")
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "unapply_cash")).one()
        assert event.actor == "sam" and event.detail["why"] == "wrong customer"


@pytest.mark.parametrize("user", ["clara", "vera"])
def test_a_clerk_or_viewer_sees_no_unapply_button_and_their_post_is_403(
    signed_in, applied, web_db, user
):
    _invoice, app_id = applied
    client = signed_in(user)
    page = client.get("/applications")
    assert "/unapply" not in page.text
    response = client.post(
        f"/applications/{app_id}/unapply", data={"reason": "x", "csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 403
    with web_db() as s:
        assert s.get(Application, app_id).reversed_at is None


def test_unapplying_without_a_reason_twice_or_an_unknown_one_is_refused(signed_in, applied, web_db):
    _invoice, app_id = applied
    sam = signed_in("sam")
    token = csrf_of(sam.get("/applications").text)
    blank = sam.post(f"/applications/{app_id}/unapply", data={"reason": "  ", "csrf_token": token})
    assert blank.status_code == 409 and "a reason is required" in blank.text
    with web_db() as s:
        assert s.get(Application, app_id).reversed_at is None
    ok = sam.post(f"/applications/{app_id}/unapply", data={"reason": "typo", "csrf_token": token})
    assert ok.status_code == 303
    again = sam.post(
        f"/applications/{app_id}/unapply", data={"reason": "typo", "csrf_token": token}
    )
    assert again.status_code == 409 and "already un-applied" in again.text
    unknown = sam.post("/applications/999999/unapply", data={"reason": "x", "csrf_token": token})
    assert unknown.status_code == 409 and "does not exist" in unknown.text


@pytest.fixture
def rule(seed, web_db, clock):
    acme = seed.customer()
    with web_db.begin() as s:
        made, _ = create_rule(
            s,
            kind="payer_name",
            pattern="ACME HOLDINGS",
            customer_id=acme,
            actor="clara",
            now=clock.now,
        )
    return made


def test_the_rules_page_lists_who_made_a_rule_and_a_supervisor_deletes_it(signed_in, rule, web_db):
    sam = signed_in("sam")
    page = sam.get("/rules")
    assert "payer &#39;acme holdings&#39; is customer C1001" in page.text
    assert "clara" in page.text
    response = sam.post(f"/rules/{rule.id}/delete", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 303
    with web_db() as s:
        assert s.get(MatchRule, rule.id) is None
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "delete_rule")).one()
        assert event.actor == "sam"


def test_a_clerk_cannot_delete_a_rule(signed_in, rule, web_db):
    clara = signed_in("clara")
    token = csrf_of(clara.get("/queue").text)
    assert clara.post(f"/rules/{rule.id}/delete", data={"csrf_token": token}).status_code == 403
    with web_db() as s:
        assert s.get(MatchRule, rule.id) is not None


def test_deleting_a_rule_that_is_gone_says_so(signed_in, rule):
    sam = signed_in("sam")
    token = csrf_of(sam.get("/rules").text)
    assert sam.post(f"/rules/{rule.id}/delete", data={"csrf_token": token}).status_code == 303
    again = sam.post(f"/rules/{rule.id}/delete", data={"csrf_token": token})
    assert again.status_code == 404 and "does not exist" in again.text

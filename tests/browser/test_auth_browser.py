"""Signing in, roles and CSRF in a real browser (Chromium): a supervisor un-applies cash
from the applications page; a clerk sees no button and a post of its own is refused; a form
posted without or with a wrong CSRF token is refused with 403."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ledger.models import Application
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def first_applied(live_app) -> int:
    with live_app.sessions() as s:
        return s.scalars(
            select(Application.id).where(Application.reversed_at.is_(None)).order_by(Application.id)
        ).first()


def test_a_wrong_password_is_refused_and_signing_out_ends_the_session(live_app, page):
    name, _password = live_app.users["clerk"]
    sign_in(page, live_app.url, name, "not-it")
    assert page.locator("p.error").is_visible()
    assert page.url.endswith("/login")
    _name, password = live_app.users["clerk"]
    sign_in(page, live_app.url, name, password)
    with page.expect_navigation():
        page.click("form.signout button")
    page.goto(f"{live_app.url}/queue")
    assert "/login" in page.url


def test_a_supervisor_unapplies_cash_with_a_reason(live_app, page, screenshot_dir):
    app_id = first_applied(live_app)
    assert app_id is not None, "the sample mail applied some cash"
    name, password = live_app.users["supervisor"]
    sign_in(page, live_app.url, name, password)
    page.goto(f"{live_app.url}/applications")
    row = page.locator(f"#applications tr[data-id='{app_id}']")
    row.locator("input[name=reason]").fill("applied to the wrong invoice")
    page.once("dialog", lambda d: d.accept())  # the confirm() of app.js
    with page.expect_navigation():
        row.locator("button", has_text="Un-apply").click()
    assert f"Application {app_id} un-applied" in page.inner_text("main")
    page.screenshot(path=str(screenshot_dir / "applications-unapplied.png"), full_page=True)
    with live_app.sessions() as s:
        app = s.get(Application, app_id)
        assert (app.status, app.reversed_by, app.reversal_reason) == (
            "reversed",
            name,
            "applied to the wrong invoice",
        )


def test_a_clerk_has_no_unapply_button_and_its_own_post_is_403(live_app, page):
    app_id = first_applied(live_app)
    name, password = live_app.users["clerk"]
    sign_in(page, live_app.url, name, password)
    page.goto(f"{live_app.url}/applications")
    assert page.locator("form.unapply").count() == 0
    token = page.locator("form.signout input[name=csrf_token]").get_attribute("value")
    response = page.request.post(
        f"{live_app.url}/applications/{app_id}/unapply",
        form={"reason": "clerk tries", "csrf_token": token},
        max_redirects=0,
    )
    assert response.status == 403
    with live_app.sessions() as s:
        assert s.get(Application, app_id).reversed_at is None


@pytest.mark.parametrize("token", ["", "wrong-token"])
def test_a_form_posted_without_or_with_a_wrong_csrf_token_is_403(live_app, page, token):
    app_id = first_applied(live_app)
    name, password = live_app.users["supervisor"]
    sign_in(page, live_app.url, name, password)
    page.goto(f"{live_app.url}/applications")
    row = page.locator(f"#applications tr[data-id='{app_id}']")
    row.locator("input[name=reason]").fill("forged")
    row.locator("input[name=csrf_token]").evaluate("(el, v) => { el.value = v; }", token)
    page.once("dialog", lambda d: d.accept())
    with page.expect_response(lambda r: r.url.endswith("/unapply")) as answer:
        row.locator("button", has_text="Un-apply").click()
    assert answer.value.status == 403
    with live_app.sessions() as s:
        assert s.get(Application, app_id).reversed_at is None


def test_issue_19_a_form_posted_from_another_site_is_refused_by_the_origin_wall(live_app, page):
    """https://github.com/arbox/arbox/issues/19 (finding 7): even with a valid CSRF token (the
    attacker cannot read it; here it is copied in), a post whose browser says it comes from
    another page than ours is 403."""
    name, password = live_app.users["clerk"]
    sign_in(page, live_app.url, name, password)
    token = page.locator("form.signout input[name=csrf_token]").get_attribute("value")
    page.goto("about:blank")
    page.set_content(
        f'<form method="post" action="{live_app.url}/logout">'
        f'<input name="csrf_token" value="{token}"><button>go</button></form>'
    )
    with page.expect_navigation():
        page.click("button")
    assert "cross-site request refused" in page.content()
    page.goto(f"{live_app.url}/queue")
    assert page.url.endswith("/queue")  # still signed in: the logout never ran

"""Signing in and out of the review app: sessions are server-side, cookies are HttpOnly and
SameSite=Strict, repeated failures lock a user out, and nothing is reachable signed out."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from ledger.auth import disable_user, set_password
from review.app import create_app
from review.signin import FAILED, safe_next
from tests.unit.review.conftest import PASSWORDS, csrf_of, sign_in

PAGES = ["/", "/queue", "/dashboard", "/rules", "/applications", "/queue?kind=x"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_a_signed_out_visitor_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_sign_in_opens_a_session_with_strict_httponly_cookie(client):
    response = sign_in(client, "clara")
    assert response.status_code == 303
    assert response.headers["location"] == "/queue"
    cookie = next(
        v for k, v in response.headers.multi_items() if k == "set-cookie" and "arbox_session=" in v
    )
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # served over http here
    page = client.get("/queue")
    assert page.status_code == 200
    assert "clara (clerk)" in page.text


def test_cookies_are_secure_when_the_app_is_served_over_https(web_settings, web_db, clock):
    app = create_app(
        web_settings.model_copy(update={"web_https": True}), session_factory=web_db, clock=clock
    )
    with TestClient(app, base_url="https://127.0.0.1", follow_redirects=False) as c:
        response = sign_in(c, "clara")
    cookie = next(v for k, v in response.headers.multi_items() if "arbox_session=" in v)
    assert "Secure" in cookie


def test_wrong_password_and_unknown_user_get_the_same_answer(client):
    wrong = sign_in(client, "clara", "not-the-password")
    unknown = sign_in(client, "nobody", "whatever")
    assert wrong.status_code == unknown.status_code == 401
    assert FAILED in wrong.text and FAILED in unknown.text
    assert "arbox_session" not in wrong.headers.get("set-cookie", "")
    assert client.get("/queue").status_code == 303


def test_sign_out_ends_the_session_on_the_server(client):
    sign_in(client, "sam")
    stolen = dict(client.cookies)
    page = client.get("/queue")
    response = client.post("/logout", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 303
    # the cookie as it was before signing out no longer opens anything
    client.cookies.clear()
    for name, value in stolen.items():
        client.cookies.set(name, value)
    assert client.get("/queue").status_code == 303


def test_disabling_a_user_or_changing_the_password_ends_their_sessions(signed_in, web_db, clock):
    clerk = signed_in("clara")
    sup = signed_in("sam")
    assert clerk.get("/queue").status_code == 200
    with web_db.begin() as s:
        disable_user(s, username="clara", actor="test", now=clock.now)
        set_password(s, username="sam", password="a-new-password", actor="test", now=clock.now)
    assert clerk.get("/queue").status_code == 303
    assert sup.get("/queue").status_code == 303


def test_a_disabled_user_cannot_sign_in(client, web_db, clock):
    with web_db.begin() as s:
        disable_user(s, username="vera", actor="test", now=clock.now)
    assert sign_in(client, "vera").status_code == 401


def test_a_tampered_session_cookie_is_no_session(client):
    sign_in(client, "sam")
    value = client.cookies["arbox_session"]
    client.cookies.set("arbox_session", value[:-2] + ("A" if value[-2] != "A" else "B") + value[-1])
    assert client.get("/queue").status_code == 303


def test_signing_in_again_ends_the_session_the_browser_had(client):
    # Given a browser signed in as the viewer
    sign_in(client, "vera")
    first = client.cookies["arbox_session"]
    token = csrf_of(client.get("/queue").text)
    # When it signs in as the supervisor
    response = client.post(
        "/login",
        data={"username": "sam", "password": PASSWORDS["sam"][1], "csrf_token": token},
    )
    assert response.status_code == 303
    # Then it has a new session, and the viewer's cookie opens nothing any more
    assert client.cookies["arbox_session"] != first
    assert "sam (supervisor)" in client.get("/queue").text
    client.cookies.set("arbox_session", first)
    assert client.get("/queue").status_code == 303


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/queue?kind=x", "/queue?kind=x"),
        ("//evil.example/", "/queue"),
        ("https://evil.example/", "/queue"),
        ("/\\evil.example", "/queue"),
        ("", "/queue"),
    ],
)
def test_after_sign_in_only_paths_of_this_site_are_followed(target, expected):
    assert safe_next(target) == expected


def test_passwords_are_stored_as_salted_scrypt_hashes(web_db):
    from ledger.models import User

    with web_db() as s:
        hashes = s.scalars(select(User.password_hash)).all()
    assert all(h.startswith("scrypt$") for h in hashes)
    assert not any(pw in h for h in hashes for _, pw in PASSWORDS.values())

"""Issue 19, finding 7 (web part): sessions end after ARBOX_WEB_IDLE_MINUTES unused (and
still after ARBOX_WEB_SESSION_HOURS whatever happens); HSTS over https; a second CSRF wall:
a non-GET request the browser says comes from another site is refused with 403 even with
the right token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from core.config import Settings
from review.app import create_app
from tests.unit.review.conftest import csrf_of, sign_in


def test_issue_19_a_session_unused_for_the_idle_time_ends(signed_in, clock):
    """https://github.com/arbox/arbox/issues/19 (finding 7)."""
    clara = signed_in("clara")
    # Given use every 20 minutes for two hours: the session lives on
    for _ in range(6):
        clock.now += timedelta(minutes=20)
        assert clara.get("/queue").status_code == 200
    # When it is not used for 31 minutes
    clock.now += timedelta(minutes=31)
    # Then it is over: the next request is sent to sign in
    response = clara.get("/queue")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_a_used_session_still_ends_at_its_absolute_life(signed_in, clock):
    clara = signed_in("clara")
    for _ in range(12 * 4 - 1):  # every 15 minutes, to just before 12 hours
        clock.now += timedelta(minutes=15)
        assert clara.get("/queue").status_code == 200, clock.now
    clock.now += timedelta(minutes=16)
    assert clara.get("/queue").status_code == 303


def test_the_idle_time_is_a_setting():
    assert Settings.from_env({}).web_idle_minutes == 30
    assert Settings.from_env({"ARBOX_WEB_IDLE_MINUTES": "5"}).web_idle_minutes == 5
    with pytest.raises(ValueError, match="ARBOX_WEB_IDLE_MINUTES='0': expected a number greater"):
        Settings.from_env({"ARBOX_WEB_IDLE_MINUTES": "0"})


def test_hsts_is_sent_over_https_only(web_settings, web_db, clock, client):
    assert "strict-transport-security" not in client.get("/login").headers
    app = create_app(
        web_settings.model_copy(update={"web_https": True}), session_factory=web_db, clock=clock
    )
    with TestClient(app, base_url="https://127.0.0.1", follow_redirects=False) as c:
        for path in ("/login", "/queue", "/static/app.css", "/nope"):
            assert c.get(path).headers["strict-transport-security"] == "max-age=31536000"


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "http://127.0.0.1.evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1", "Sec-Fetch-Site": "cross-site"},
    ],
)
def test_issue_19_a_cross_site_post_is_refused_even_with_the_token(signed_in, headers):
    """https://github.com/arbox/arbox/issues/19 (finding 7): the Origin/Sec-Fetch-Site wall."""
    sam = signed_in("sam")
    token = csrf_of(sam.get("/queue").text)
    response = sam.post("/logout", data={"csrf_token": token}, headers=headers)
    assert response.status_code == 403
    assert "cross-site" in response.text
    assert sam.get("/queue").status_code == 200  # still signed in: nothing ran


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://127.0.0.1"},
        {"Sec-Fetch-Site": "none"},
        # what Chromium sends for our own form posts under Referrer-Policy: no-referrer
        {"Sec-Fetch-Site": "same-origin", "Origin": "null"},
        {},  # no browser
    ],
)
def test_a_same_origin_post_passes_the_wall(signed_in, headers):
    sam = signed_in("sam")
    token = csrf_of(sam.get("/queue").text)
    response = sam.post("/logout", data={"csrf_token": token}, headers=headers)
    assert response.status_code == 303


def test_a_cross_site_sign_in_is_refused_too(client):
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": "sam", "password": "supervisor-pass-1", "csrf_token": token},
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    assert sign_in(client, "sam").status_code == 303

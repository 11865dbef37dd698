"""The review app's walls: security headers on every response, CSRF on every non-GET
request, no inline script or style anywhere, user input shown as text, the signing key kept
out of sight."""

from __future__ import annotations

import re
import stat
from base64 import b64encode
from hashlib import sha256

import pytest
from sqlalchemy import select

from core.config import Settings
from ledger.models import Application
from review.sanitize import FRAME_STYLE
from review.secret import KEY_FILE, secret_key
from review.security import CSP
from tests.unit.review.conftest import csrf_of, sign_in

#: The one inline style allowed is the fixed style block of the mail's sandboxed frame
#: (issue 19), by its SHA-256; nothing a mail or a user writes can match it.
EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; "
    f"style-src 'self' 'sha256-{b64encode(sha256(FRAME_STYLE.encode()).digest()).decode()}'; "
    "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


def assert_security_headers(response, *, no_store: bool = True) -> None:
    assert response.headers["content-security-policy"] == EXPECTED_CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    if no_store:
        assert response.headers["cache-control"] == "no-store"


def test_the_csp_is_the_one_the_issue_asks_for():
    assert CSP == EXPECTED_CSP


def test_signed_out_responses_redirects_and_errors_carry_the_headers(client):
    assert_security_headers(client.get("/login"))
    assert_security_headers(client.get("/queue"))  # 303 to sign in
    assert_security_headers(client.get("/no/such/page"))  # 404
    assert_security_headers(client.post("/logout"))  # 403: no CSRF token
    assert_security_headers(client.get("/static/app.js"), no_store=False)


def test_every_signed_in_page_carries_the_headers_and_no_store(signed_in):
    sam = signed_in("sam")
    for path in ("/queue", "/dashboard", "/rules", "/applications"):
        response = sam.get(path)
        assert response.status_code == 200, path
        assert_security_headers(response)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE = re.compile(r"<style|\sstyle\s*=", re.I)


def test_no_page_has_inline_scripts_handlers_or_styles(signed_in, seed, client):
    seed.item(customer_id=seed.customer())
    sam = signed_in("sam")
    pages = [client.get("/login").text] + [
        sam.get(p).text for p in ("/queue", "/dashboard", "/rules", "/applications", "/nope")
    ]
    for html in pages:
        assert not INLINE_SCRIPT.search(html)
        assert not INLINE_HANDLER.search(html)
        assert not STYLE.search(html)


def test_a_post_without_or_with_a_wrong_csrf_token_is_refused_and_changes_nothing(
    signed_in, seed, web_db
):
    acme = seed.customer()
    app_id = seed.application(seed.invoice(acme, "INV-1"), customer_id=acme)
    sam = signed_in("sam")
    url = f"/applications/{app_id}/unapply"
    assert sam.post(url, data={"reason": "test"}).status_code == 403
    assert sam.post(url, data={"reason": "test", "csrf_token": "wrong"}).status_code == 403
    assert sam.post(url, data={"reason": "t"}, headers={"X-CSRF-Token": "wrong"}).status_code == 403
    with web_db() as s:
        assert s.get(Application, app_id).reversed_at is None


def test_the_csrf_token_of_one_session_does_not_pass_in_another(signed_in, seed, web_db):
    acme = seed.customer()
    app_id = seed.application(seed.invoice(acme, "INV-1"), customer_id=acme)
    first, second = signed_in("sam"), signed_in("sam")
    token_of_first = csrf_of(first.get("/applications").text)
    response = second.post(
        f"/applications/{app_id}/unapply", data={"reason": "x", "csrf_token": token_of_first}
    )
    assert response.status_code == 403


def test_the_csrf_token_may_come_in_a_header(signed_in, seed, web_db):
    acme = seed.customer()
    app_id = seed.application(seed.invoice(acme, "INV-1"), customer_id=acme)
    sam = signed_in("sam")
    token = csrf_of(sam.get("/applications").text)
    response = sam.post(
        f"/applications/{app_id}/unapply", data={"reason": "typo"}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 303
    with web_db() as s:
        assert (
            s.scalars(select(Application.reversed_by).where(Application.id == app_id)).one()
            == "sam"
        )


def test_the_sign_in_form_needs_its_csrf_token_too(client):
    client.get("/login")
    response = client.post("/login", data={"username": "sam", "password": "supervisor-pass-1"})
    assert response.status_code == 403
    assert "arbox_session" not in response.headers.get("set-cookie", "")


def test_a_script_in_a_payer_name_shows_as_text(signed_in, seed):
    seed.item(
        customer_id=None,
        payer_name='<script>alert("x")</script><img src=x onerror=alert(1)>',
        invoice_ref="<b>INV</b>",
        reason="payer <i>unknown</i>",
    )
    html = signed_in("clara").get("/queue").text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;b&gt;INV&lt;/b&gt;" in html and "payer &lt;i&gt;unknown&lt;/i&gt;" in html


def test_a_generated_signing_key_is_kept_0600_and_reused(tmp_path):
    settings = Settings(database_url="sqlite://", data_dir=tmp_path / "data")
    key = secret_key(settings)
    path = tmp_path / "data" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) >= 48
    assert secret_key(settings) == key


def test_a_configured_signing_key_is_used_and_never_shown(web_settings, web_db, clock):
    from pydantic import SecretStr
    from starlette.testclient import TestClient

    from review.app import create_app

    key = SecretStr("configured-key-" + "k" * 40)
    settings = web_settings.model_copy(update={"web_secret_key": key})
    assert "configured-key" not in repr(settings)
    app = create_app(settings, session_factory=web_db, clock=clock)
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as c:
        assert sign_in(c, "sam").status_code == 303
        for path in ("/queue", "/dashboard", "/rules", "/applications"):
            assert "configured-key" not in c.get(path).text
    assert not (web_settings.data_dir / KEY_FILE).exists()


@pytest.mark.parametrize("size", [3 * 1024 * 1024])
def test_a_huge_post_is_refused_before_it_is_read_whole(signed_in, size):
    sam = signed_in("sam")
    response = sam.post(
        "/logout",
        content=b"a" * size,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413


def test_an_unexpected_error_is_a_500_with_the_headers_and_no_traceback(
    web_settings, web_db, clock
):
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from review import item_routes
    from review.app import create_app

    async def boom(request):
        raise RuntimeError("secret detail of the failure")

    item_routes.routes.append(Route("/boom", boom))
    try:
        app = create_app(web_settings, session_factory=web_db, clock=clock)
    finally:
        item_routes.routes.pop()
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as c:
        response = c.get("/boom")
    assert response.status_code == 500
    assert "secret detail" not in response.text
    assert_security_headers(response)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_handler_that_forgets_the_csrf_check_is_still_protected(
    web_settings, web_db, clock, method
):
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from review import item_routes
    from review.app import create_app

    reached: list[str] = []

    async def careless(request):
        reached.append(request.method)
        return PlainTextResponse("changed")

    item_routes.routes.append(Route("/careless", careless, methods=[method]))
    try:
        app = create_app(web_settings, session_factory=web_db, clock=clock)
    finally:
        item_routes.routes.pop()
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as c:
        assert sign_in(c, "sam").status_code == 303
        token = csrf_of(c.get("/queue").text)
        refused = c.request(method, "/careless", data={"x": "1"})
        allowed = c.request(method, "/careless", headers={"X-CSRF-Token": token})
    assert refused.status_code == 403
    assert allowed.status_code == 200
    assert reached == [method]

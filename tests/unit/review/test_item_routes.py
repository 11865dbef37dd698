"""The item page over HTTP (Starlette's TestClient): what each role sees and may do, CSRF,
object-level checks, and the decisions end to end on items the real pipeline opened."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from core.config import Settings
from ledger import models as m
from ledger.auth import add_user
from ledger.session import make_engine, make_sessionmaker
from review.app import create_app
from tests.unit.review.conftest import PASSWORDS, Clock, csrf_of, sign_in
from tests.unit.review.item_seed import mail, seed

SUBMISSION = re.compile(r'name="submission" value="([^"]+)"')


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """Review items opened by the pipeline, and a user of each role: made once, copied."""
    workdir = tmp_path_factory.mktemp("seeded")
    (workdir / "data").mkdir()
    seeded = seed(workdir)
    with seeded.svc.sessions.begin() as session:
        for name, (role, password) in PASSWORDS.items():
            add_user(
                session,
                username=name,
                role=role,
                password=password,
                actor="test",
                now=datetime(2026, 11, 1, tzinfo=UTC),
            )
    seeded.svc.engine.dispose()
    return workdir, seeded.items


@pytest.fixture
def web(tmp_path: Path, seeded_db):
    workdir, items = seeded_db
    path = tmp_path / "review.db"
    shutil.copyfile(workdir / "review.db", path)
    # the data directory is shared: its rendered pages are cached by content
    settings = Settings(
        database_url=f"sqlite:///{path}", data_dir=workdir / "data", ar_address="ar@arbox.example"
    )
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    app = create_app(settings, session_factory=sessions, clock=Clock())
    clients: list[TestClient] = []

    def client(user: str | None = None) -> TestClient:
        c = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
        c.__enter__()
        clients.append(c)
        if user:
            assert sign_in(c, user).status_code == 303
        return c

    yield client, sessions, items
    for c in clients:
        c.__exit__(None, None, None)
    engine.dispose()


def form_of(html: str, **fields: str) -> dict[str, str]:
    return {"csrf_token": csrf_of(html), "submission": SUBMISSION.search(html).group(1), **fields}


def test_signed_out_the_item_page_and_its_images_redirect_to_sign_in(web):
    client, _, items = web
    c = client()
    for path in (
        f"/items/{items['ambiguous']}",
        f"/items/{items['pdf']}/pages/1.png",
        "/invoices/search?q=INV",
    ):
        assert c.get(path).status_code == 303


def test_a_viewer_sees_the_item_and_its_evidence_but_no_decision_form(web):
    client, _, items = web
    page = client("vera").get(f"/items/{items['ambiguous']}")
    assert page.status_code == 200
    html = page.text
    assert "INV-70001" in html and "INV-70005" in html  # the candidates
    assert "2 sets of open balances add up to 1,250.00" in html
    assert "Accept proposal" not in html and 'action="/items/' not in html


def test_a_portal_notice_item_shows_the_link_as_escaped_text_never_as_a_link(web):
    client, _, items = web
    html = client("vera").get(f"/items/{items['portal_link']}").text
    shown = "https://secure.paymode.example/remit?id=77&amp;t=&#34;&gt;&lt;b&gt;x"
    assert (
        "payment notice from Paymode-X on behalf of Acme Parts Co: payment of $1,349.99; the "
        f"invoices paid are only listed on the portal (link, not opened): {shown}"
    ) in html.replace("&#x27;", "'")
    assert 'href="https://secure.paymode.example' not in html
    assert "<b>x" not in html


def test_a_viewer_posting_a_decision_gets_403_and_nothing_changes(web):
    client, sessions, items = web
    c = client("vera")
    page = c.get(f"/items/{items['ambiguous']}")
    response = c.post(
        f"/items/{items['ambiguous']}/accept", data={"csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 403
    with sessions() as s:
        assert s.get(m.ReviewItem, items["ambiguous"]).status == "open"


def test_a_decision_without_the_csrf_token_is_refused(web):
    client, sessions, items = web
    c = client("clara")
    assert c.post(f"/items/{items['ambiguous']}/accept", data={}).status_code == 403
    assert (
        c.post(f"/items/{items['ambiguous']}/accept", data={"csrf_token": "forged"}).status_code
        == 403
    )
    with sessions() as s:
        assert s.get(m.ReviewItem, items["ambiguous"]).status == "open"


def test_a_clerk_accepts_the_proposal_and_is_sent_to_the_next_item(web):
    client, sessions, items = web
    c = client("clara")
    item = items["ambiguous"]
    page = c.get(f"/items/{item}")
    assert "remember" not in page.text.split("Accept proposal")[1].split("</form>")[0]
    response = c.post(f"/items/{item}/accept", data=form_of(page.text))
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"?done={item}")
    shown = c.get(response.headers["location"])
    assert f"Item {item}: applied 1250.00 to INV-70001 USD (clara)" in shown.text
    with sessions() as s:
        assert s.scalars(
            select(m.Invoice.balance).where(m.Invoice.number == "INV-70001")
        ).one() == Decimal("0.00")
    # The same form again (a double click) changes nothing and still goes on
    again = c.post(f"/items/{item}/accept", data=form_of(page.text))
    assert again.status_code == 303
    with sessions() as s:
        assert (
            len(s.scalars(select(m.Application).where(m.Application.status == "confirmed")).all())
            == 1
        )


def test_picking_another_customers_invoice_is_shown_refused_with_nothing_changed(web):
    client, sessions, items = web
    c = client("clara")
    item = items["split"]
    page = c.get(f"/items/{item}")
    response = c.post(f"/items/{item}/pick", data=form_of(page.text, invoice="INV-80001"))
    assert response.status_code == 409
    assert "customer C801&#39;s" in response.text and "nothing was changed" in response.text
    with sessions() as s:
        assert s.get(m.ReviewItem, item).status == "open"


def test_a_split_over_two_invoices_applies_both(web):
    client, sessions, items = web
    c = client("clara")
    item = items["split"]
    page = c.get(f"/items/{item}")
    data = form_of(page.text)
    response = c.post(
        f"/items/{item}/split",
        data={**data, "invoice": ["INV-70003", "INV-70004"], "amount": ["400.00", "600.00"]},
    )
    assert response.status_code == 303, response.text
    with sessions() as s:
        balances = dict(s.execute(select(m.Invoice.number, m.Invoice.balance)).tuples().all())
    assert (balances["INV-70003"], balances["INV-70004"]) == (Decimal("0.00"), Decimal("0.00"))


def test_a_split_that_does_not_add_up_says_by_how_much(web):
    client, _, items = web
    c = client("clara")
    item = items["split"]
    page = c.get(f"/items/{item}")
    response = c.post(
        f"/items/{item}/split",
        data={
            **form_of(page.text),
            "invoice": ["INV-70003", "INV-70004"],
            "amount": ["400", "500"],
        },
    )
    assert response.status_code == 409
    assert "short by 100.00" in response.text


def test_the_payer_name_with_a_script_is_shown_as_text_and_the_html_body_sanitized(web):
    client, _, items = web
    html = client("vera").get(f"/items/{items['script']}").text
    assert "&lt;script&gt;alert(&#39;payer&#39;)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    # the sanitized body is the document of a sandboxed frame, never markup of the page
    frame = re.search(r'<iframe class="mail-html" sandbox="" [^>]*srcdoc="([^"]*)"', html)
    assert frame is not None
    document = unescape(frame.group(1))
    body = document.split("<body>")[1].split("</body>")[0].strip()
    assert body == "<p>Remittance <b>INV-12345</b> 77.00[image]</p>"
    assert "<p>Remittance" not in html


def test_remember_shows_the_rule_before_the_decision(web):
    client, _, items = web
    html = client("clara").get(f"/items/{items['unknown']}").text
    assert (
        'remember: <span class="rule">payer &#39;ACME HOLDINGS&#39; is the chosen customer' in html
    )


def test_pdf_pages_are_served_as_png_to_a_viewer_and_404_past_the_last(web):
    client, _, items = web
    c = client("vera")
    item = items["pdf"]
    html = c.get(f"/items/{item}").text
    assert f'src="/items/{item}/pages/1.png"' in html
    image = c.get(f"/items/{item}/pages/1.png")
    assert image.status_code == 200 and image.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.headers["content-type"] == "image/png"
    assert c.get(f"/items/{item}/pages/99.png").status_code == 404


def test_invoice_search_finds_by_number_customer_and_amount(web):
    client, _, items = web
    c = client("clara")
    by_number = c.get("/invoices/search", params={"q": "70004", "item": items["split"]}).text
    assert "INV-70004" in by_number and "INV-70003" not in by_number
    by_amount = c.get("/invoices/search", params={"q": "99.99"}).text
    assert "INV-70002" in by_amount and "INV-70001" not in by_amount
    by_customer = c.get("/invoices/search", params={"q": "Boreal Farms"}).text
    assert "INV-80001" in by_customer


def test_bulk_accept_accepts_only_items_above_the_threshold(web):
    client, sessions, items = web
    c = client("clara")
    page = c.get("/items/bulk-accept", params={"min_confidence": "0.8"})
    assert f'name="item" value="{items["ambiguous"]}"' in page.text
    data = {
        **form_of(page.text),
        "min_confidence": "0.8",
        "item": [str(items["ambiguous"]), str(items["split"])],
    }
    done = c.post("/items/bulk-accept", data=data)
    assert done.status_code == 200
    assert "1 accepted, 1 left open" in done.text
    with sessions() as s:
        assert s.get(m.ReviewItem, items["ambiguous"]).status == "resolved"
        assert s.get(m.ReviewItem, items["split"]).status == "open"
    assert client("vera").post("/items/bulk-accept", data=data).status_code == 403


def test_a_deduction_item_offers_resolve_and_no_cash_decisions(web):
    client, sessions, items = web
    c = client("clara")
    item = items["short"]  # the short pay's follow-up: 9.99 of INV-70002 stays open
    page = c.get(f"/items/{item}")
    assert "9.99 of invoice INV-70002 stays open" in page.text
    assert 'id="close-form"' in page.text and 'id="accept-form"' not in page.text
    response = c.post(f"/items/{item}/close", data=form_of(page.text, reason="settled by phone"))
    assert response.status_code == 303
    with sessions() as s:
        assert s.get(m.ReviewItem, item).status == "resolved"


@pytest.mark.parametrize("span", ["²", "٣", "1" * 4300, "9" * 5000, "", "-1", "0x10", "1e3", "١٠"])
def test_issue_19_an_odd_colspan_in_the_mail_does_not_break_the_item_page(web, span):
    """https://github.com/arbox/arbox/issues/19 (finding 3): ``<td colspan="²">`` answered
    500 (``"²".isdigit()`` is true, ``int("²")`` raises), and so did 4,300 digits."""
    client, sessions, items = web
    raw = mail(
        "see the HTML part",
        sender="ap@x.example",
        mid="<span@x>",
        html=f'<table><tr><td colspan="{span}" rowspan="{span}">INV-1</td></tr></table>',
    )
    with sessions.begin() as s:
        item = s.get(m.ReviewItem, items["script"])
        s.get(m.InboundMessage, item.inbound_id).raw = raw
    response = client("vera").get(f"/items/{items['script']}")
    assert response.status_code == 200
    assert "INV-1" in unescape(response.text)

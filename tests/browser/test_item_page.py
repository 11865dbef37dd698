"""The item page in Chromium: open an item, accept with the a key, split a line over two
invoices with the running total shown, pick another invoice through search, and a payer
name with a script shown as text. Saves a screenshot of an item page."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from ledger import models as m
from tests.browser.conftest import sign_in
from tests.unit.review.item_seed import seed_into

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def items(live_app, tmp_path_factory):
    """The item seed's ledger and mails, run through the live app's pipeline."""
    return seed_into(
        live_app.sessions,
        live_app.ingest,
        tmp_path_factory.mktemp("item_seed"),
        now=datetime.now(UTC),
    )


def balance(live_app, number: str) -> Decimal:
    with live_app.sessions() as s:
        return s.scalars(select(m.Invoice.balance).where(m.Invoice.number == number)).one()


def status(live_app, item_id: int) -> str:
    with live_app.sessions() as s:
        return s.get(m.ReviewItem, item_id).status


@pytest.fixture(scope="module")
def clerk(browser, live_app):
    """One signed-in clerk's page for the module (signing in once)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    p = context.new_page()
    name, password = live_app.users["clerk"]
    sign_in(p, live_app.url, name, password)
    yield p
    context.close()


def test_the_a_key_accepts_the_proposal_and_moves_on(clerk, live_app, items, screenshot_dir):
    page = clerk
    item = items["ambiguous"]
    page.goto(f"{live_app.url}/items/{item}")
    page.wait_for_selector("#accept-form")
    page.screenshot(path=str(screenshot_dir / "item_page.png"), full_page=True)
    with page.expect_navigation():
        page.keyboard.press("a")
    assert f"Item {item}: applied 1250.00 to INV-70001 USD" in page.inner_text(".flash")
    assert status(live_app, item) == "resolved"
    assert balance(live_app, "INV-70001") == Decimal("0.00")


def test_split_over_two_invoices_with_the_running_total(clerk, live_app, items):
    page = clerk
    item = items["split"]
    page.goto(f"{live_app.url}/items/{item}")
    total = page.locator("#running-total")
    assert "left 1,000.00" in total.inner_text()
    # search by number with "/" and add the first invoice from the results
    page.keyboard.press("/")
    page.keyboard.type("INV-70003")
    page.keyboard.press("Enter")
    page.click(".search-hits button.split-hit[data-number='INV-70003']")
    assert "Selected 400.00 of 1,000.00" in total.inner_text()
    assert "left 600.00" in total.inner_text()
    page.fill("#invoice-search", "INV-70004")
    page.keyboard.press("Enter")
    page.click(".search-hits button.split-hit[data-number='INV-70004']")
    assert "Selected 1,000.00 of 1,000.00" in total.inner_text()
    assert "adds up" in total.inner_text()
    with page.expect_navigation():
        page.click("#split-form button[type=submit]")
    assert status(live_app, item) == "resolved"
    assert (balance(live_app, "INV-70003"), balance(live_app, "INV-70004")) == (
        Decimal("0.00"),
        Decimal("0.00"),
    )


def test_pick_another_invoice_through_search(clerk, live_app, items):
    page = clerk
    item = items["unknown"]
    page.goto(f"{live_app.url}/items/{item}")
    page.fill("#invoice-search", "Acme Parts")
    page.keyboard.press("Enter")
    page.click(".search-hits button.pick-hit[data-number='INV-70005']")
    assert page.input_value("#pick-invoice") == "INV-70005"
    with page.expect_navigation():
        page.click("#pick-form button[type=submit]")
    assert status(live_app, item) == "resolved"
    assert balance(live_app, "INV-70005") == Decimal("750.00")


def test_a_viewer_sees_the_pdf_pages_beside_the_lines(page, live_app, items, screenshot_dir):
    name, password = live_app.users["viewer"]
    sign_in(page, live_app.url, name, password)
    page.goto(f"{live_app.url}/items/{items['pdf']}")
    image = page.locator("figure.page img").first
    image.wait_for()
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 100", image.element_handle())
    assert page.locator("table.lines tr.line-row").count() == 3
    page.screenshot(path=str(screenshot_dir / "item_page_pdf.png"), full_page=True)


def test_a_script_in_the_payer_name_shows_as_text(page, live_app, items):
    name, password = live_app.users["viewer"]
    sign_in(page, live_app.url, name, password)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{live_app.url}/items/{items['script']}")
    assert page.inner_text(".payer-name") == "<script>alert('payer')</script>"
    assert page.locator(".mail-html script, .mail-html img").count() == 0
    assert page.locator("form[action$='/accept']").count() == 0  # a viewer decides nothing
    assert dialogs == []

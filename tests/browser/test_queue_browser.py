"""The review queue in a real browser (Chromium): the keyboard works the queue, a payer name
with a script in it shows as text and runs nothing, and the screenshots of the queue are
saved by the run."""

from __future__ import annotations

import re
from email.message import EmailMessage

import pytest

from tests.browser.conftest import LiveApp, sign_in

pytestmark = pytest.mark.browser

HOSTILE_PAYER = "<script>alert('payer')</script><img src=x onerror=alert(2)>"


def hostile_mail() -> bytes:
    """A remittance from an unknown sender whose display name (the payer) is markup."""
    msg = EmailMessage()
    msg["From"] = f'"{HOSTILE_PAYER}" <ap@hostile-payer.example>'
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Payment advice"
    msg["Message-ID"] = "<hostile-payer.1@hostile-payer.example>"
    msg.set_content("Hello,\n\nPayment for invoice INV-77777: $310.00 sent today.\n")
    return msg.as_bytes()


@pytest.fixture(scope="module")
def hostile(live_app: LiveApp) -> LiveApp:
    live_app.ingest(hostile_mail())
    return live_app


def test_the_keyboard_moves_through_the_queue_and_opens_the_selected_item(
    live_app, page, screenshot_dir
):
    name, password = live_app.users["clerk"]
    sign_in(page, live_app.url, name, password)
    assert page.url.endswith("/queue")
    rows = page.locator("tr.queue-row")
    assert rows.count() >= 3
    ids = [rows.nth(i).get_attribute("data-id") for i in range(rows.count())]
    # The first row starts selected; j moves down, k back up
    assert page.locator("tr.queue-row.selected").get_attribute("data-id") == ids[0]
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert page.locator("tr.queue-row.selected").get_attribute("data-id") == ids[2]
    page.keyboard.press("k")
    selected = page.locator("tr.queue-row.selected").get_attribute("data-id")
    assert selected == ids[1]
    page.screenshot(path=str(screenshot_dir / "queue.png"), full_page=True)
    # / focuses the search box, and typing there moves nothing
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "queue-search"
    page.keyboard.type("jk")
    assert page.locator("tr.queue-row.selected").get_attribute("data-id") == selected
    page.keyboard.press("Escape")
    # Enter opens the selected item
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert re.search(rf"/items/{selected}$", page.url)


def test_filtering_by_kind_from_the_counts_narrows_the_queue(live_app, page, screenshot_dir):
    name, password = live_app.users["viewer"]
    sign_in(page, live_app.url, name, password)
    chip = page.locator(".kind-counts a", has_text="overpayment")
    expected = int(chip.locator(".count").inner_text())
    with page.expect_navigation():
        chip.click()
    kinds = page.locator("tr.queue-row .kind").all_inner_texts()
    assert kinds == ["overpayment"] * expected
    page.screenshot(path=str(screenshot_dir / "queue-filtered.png"), full_page=True)


def test_a_script_in_a_payer_name_shows_as_text_and_runs_nothing(hostile, page, screenshot_dir):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    name, password = hostile.users["clerk"]
    sign_in(page, hostile.url, name, password)
    page.goto(f"{hostile.url}/queue?q=hostile-payer")
    cell = page.locator("tr.queue-row").first
    assert "<script>alert('payer')</script>" in cell.inner_text()
    assert page.locator("tr.queue-row script, tr.queue-row img").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []
    page.screenshot(path=str(screenshot_dir / "queue-hostile-payer.png"), full_page=True)

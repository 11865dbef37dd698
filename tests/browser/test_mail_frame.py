"""Issue 19, finding 2: a mail's HTML cannot leave its box on the item page.

A body repeating ``<li><div><li>…</li></div></li>`` stays balanced for a sanitizer that only
counts tags, but the browser's parser closes the page's own ``div``s with it, and a fake
*Decide* heading after it landed beside the real one. The mail's HTML is now a document of
its own in a sandboxed frame: the page around it is the same whatever the mail holds."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.message import EmailMessage
from hashlib import sha256

import pytest

from ledger import models as m
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

#: The probe's body: nesting that the browser's parser unwinds past the box, then a fake
#: section. The ``object`` form survives nh3 as ``<li><div><li>`` (see review/sanitize.py).
HOSTILE = (
    "<li><div><li>x</li></div></li>" * 12
    + "<li><div><object><li>y</li></object></div></li>" * 12
    + "<h2>Decide</h2><p>proposal verified by supervisor</p>"
    + "<form action='/items/1/accept' method='post'><button>Accept</button></form>"
    + "<img src=x onerror=alert(1)><script>alert(2)</script>"
)
BENIGN = "<p>Paid <b>INV-1</b>, thank you.</p>"

#: The page's structure outside the mail box: landmarks, headings, forms, frames, each with
#: its ancestors (item numbers blanked, the two items differ only in their mail).
OUTLINE_JS = """
() => Array.from(document.querySelectorAll(
    'h1,h2,h3,h4,h5,h6,header,nav,main,section,form,iframe,table,button'))
  .map(el => {
    const path = [];
    for (let p = el.parentElement; p; p = p.parentElement)
      path.push(p.tagName + '.' + p.className);
    const text = /^H[1-6]$/.test(el.tagName) ? el.textContent.trim() : '';
    return el.tagName + '.' + el.className + ' ' + text + ' < ' + path.join(' < ');
  })
"""


def _item(live_app, html: str, n: int) -> int:
    msg = EmailMessage()
    msg["From"] = "ap@stranger.example"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Payment advice"
    msg["Message-ID"] = f"<frame-{n}@stranger.example>"
    msg.set_content("see the HTML part")
    msg.add_alternative(html, subtype="html")
    raw = msg.as_bytes()
    now = datetime.now(UTC)
    with live_app.sessions.begin() as s:
        inbound = m.InboundMessage(
            message_id=msg["Message-ID"],
            sha256=sha256(raw).hexdigest(),
            raw=raw,
            size=len(raw),
            source="file",
            status="review",
            from_address="ap@stranger.example",
            subject="Payment advice",
            customer_id=None,
            received_at=now,
        )
        s.add(inbound)
        s.flush()
        item = m.ReviewItem(
            key=f"frame-test:{n}",
            kind="unknown_sender",
            status="open",
            inbound_id=inbound.id,
            reason="the sender is no registered contact",
            candidates=[],
            created_at=now,
        )
        s.add(item)
        s.flush()
        return item.id


def _outline(page, live_app, item: int) -> list[str]:
    page.goto(f"{live_app.url}/items/{item}")
    page.wait_for_selector("section.decide-side")
    return [re.sub(r"\d+", "N", line) for line in page.evaluate(OUTLINE_JS)]


def test_issue_19_hostile_mail_html_leaves_the_page_around_it_unchanged(page, live_app):
    """https://github.com/arbox/arbox/issues/19 (finding 2)."""
    # Given two items that differ only in their mail's HTML: benign and the probe's
    benign = _item(live_app, BENIGN, 1)
    hostile = _item(live_app, HOSTILE, 2)
    name, password = live_app.users["clerk"]
    sign_in(page, live_app.url, name, password)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # When a clerk opens each
    expected = _outline(page, live_app, benign)
    got = _outline(page, live_app, hostile)
    # Then the page's landmarks, headings and forms are the same, in the same places
    assert got == expected
    # And the fake heading and text are not in the page's own document, only in the frame
    own_text = page.evaluate("() => document.body.innerText")
    assert "proposal verified by supervisor" not in own_text
    assert page.locator("h2", has_text="Decide").count() == 1
    frame = page.frame_locator("iframe.mail-html")
    assert frame.locator("h2").inner_text() == "Decide"
    assert frame.locator("text=proposal verified by supervisor").count() == 1
    assert frame.locator("form, script, img").count() == 0
    assert dialogs == []
    # And the frame is sandboxed (no scripts, an opaque origin) and styled by its own sheet
    assert page.get_attribute("iframe.mail-html", "sandbox") == ""
    font = page.frames[-1].evaluate("() => getComputedStyle(document.body).fontFamily")
    assert "system-ui" in font

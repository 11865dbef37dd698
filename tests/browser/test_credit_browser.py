"""A dispute settled with a credit memo, in Chromium (issue 24): a dispute mail becomes a
review item; the clerk chooses Credit (the disputed invoice preselected), the credit memo is
issued as a linked negative item and shown on the item; the customer's statement shows it
with the invoice it credits, the aging on the Reports page counts it; Settle on the item
closes both. Saves a screenshot."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from ledger import models as m
from ledger.statements import statements_for_customer
from outbound.pdf_layout import CompanyBlock
from outbound.pdf_statement import render_statement_pdf
from review.server import start_in_thread
from tests.browser.conftest import sign_in
from tests.integration.cli import arbox_here
from tests.integration.credit_world import CLERK, CreditWorld, build_credit_world
from tests.unit.outbound.test_statement_documents import pdf_text
from worker.issuing.review_issuer import ReviewCreditIssuer

pytestmark = pytest.mark.browser


@pytest.fixture
def world(tmp_path, smtp_sink) -> Iterator[CreditWorld]:  # type: ignore[no-untyped-def]
    made = build_credit_world(tmp_path, smtp_sink)
    yield made
    made.close()


def _documents(world: CreditWorld) -> list[tuple[str, Decimal, Decimal, str, int | None]]:
    with world.services.sessions() as s:
        rows = s.scalars(select(m.Invoice).order_by(m.Invoice.id)).all()
        return [(i.number, i.amount, i.balance, i.status, i.credits_invoice_id) for i in rows]


def test_a_dispute_credited_in_the_app_shows_on_the_statement_and_settles(
    world, page, smtp_sink, tmp_path, screenshot_dir
):
    server = start_in_thread(
        world.settings,
        host="127.0.0.1",
        port=0,
        credit_issuer=ReviewCreditIssuer(world.settings, services=world.services),
    )
    try:
        sign_in(page, server.url, *CLERK)
        page.goto(f"{server.url}/items/{world.dispute_item}")
        # The disputed invoice is preselected; the clerk credits the whole invoice
        assert page.input_value("#credit-form input[name=invoice]") == world.invoice_number
        page.fill("#credit-form input[name=reason]", "price agreed in October")
        with page.expect_navigation():
            page.click("#credit-form button[type=submit]")
        page.wait_for_selector("#item-credits")
        page.screenshot(path=str(screenshot_dir / "item_credit.png"), full_page=True)
        invoice, credit = _documents(world)
        assert invoice[1:4] == (Decimal("330.00"), Decimal("330.00"), "open")
        assert credit[1:] == (Decimal("-330.00"), Decimal("-330.00"), "open", 1)
        row = page.locator(f"tr[data-credit='{credit[0]}']")
        assert world.invoice_number in row.inner_text() and "open" in row.inner_text()
        # The customer's statement shows it with the invoice it credits (PDF and mail)
        with world.services.sessions() as s:
            customer = s.scalars(select(m.Customer.id).where(m.Customer.number == "C-US")).one()
            (statement,) = statements_for_customer(s, customer, as_of=date(2026, 12, 31))
        _, text = pdf_text(render_statement_pdf(statement, company=CompanyBlock(name="W")))
        assert f"{credit[0]} for {world.invoice_number}" in text
        smtp_sink.wait_for(2, timeout=10)  # the invoice and the credit memo, mailed
        sent = arbox_here(
            "statements", "send", "--customer", "C-US", "--as-of", "2026-12-31",
            env=world.env, cwd=tmp_path,
        )  # fmt: skip
        assert sent.returncode == 0, sent.stderr
        mails = [message_from_bytes(r.raw, policy=policy.default) for r in smtp_sink.wait_for(3)]
        (mail,) = [x for x in mails if str(x["Subject"]).startswith("Statement")]
        body = mail.get_body(("plain",)).get_content()
        assert f"credit note {credit[0]} for {world.invoice_number}: $330.00" in body, body
        # The aging on the Reports page counts it in its credits column
        page.goto(f"{server.url}/reports?as_of=2026-12-31")
        aging = page.locator("#aging").inner_text()
        assert "C-US" in aging and "-330.00" in aging
        # Settle on the item: both close
        page.goto(f"{server.url}/items/{world.dispute_item}")
        page.on("dialog", lambda dialog: dialog.accept())
        with page.expect_navigation():
            row.locator("button").click()
        invoice, credit = _documents(world)
        assert (invoice[2], invoice[3]) == (Decimal("0.00"), "paid")
        assert (credit[2], credit[3]) == (Decimal("0.00"), "paid")
        assert "paid" in page.locator(f"tr[data-credit='{credit[0]}']").inner_text()
    finally:
        server.stop()

"""The review app's Credit decision over HTTP (Starlette's TestClient) with the worker's real
``issue_credit_memo``: a dispute item offers the disputed invoice, Credit issues a linked
negative credit memo, mails it, closes the item with the decision recorded and shows it;
a second submit issues nothing more; Settle nets it against the invoice. Refusals change
nothing: no reason, an amount and lines, more than the invoice, a missing CSRF token."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from ledger import models as m
from review.app import create_app
from tests.integration.credit_world import CLERK, build_credit_world
from tests.unit.review.conftest import csrf_of, sign_in
from worker.issuing.review_issuer import ReviewCreditIssuer

pytestmark = [pytest.mark.integration, pytest.mark.smtp]
SUBMISSION = re.compile(r'name="submission" value="([^"]+)"')


@pytest.fixture
def world(tmp_path, smtp_sink):  # type: ignore[no-untyped-def]
    made = build_credit_world(tmp_path, smtp_sink)
    yield made
    made.close()


@pytest.fixture
def clerk(world):  # type: ignore[no-untyped-def]
    app = create_app(
        world.settings,
        session_factory=world.services.sessions,
        credit_issuer=ReviewCreditIssuer(world.settings, services=world.services),
    )
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as client:
        assert sign_in(client, *CLERK).status_code == 303
        yield client


def _form(html: str, **fields: str) -> dict[str, str]:
    found = SUBMISSION.search(html)
    assert found is not None
    return {"csrf_token": csrf_of(html), "submission": found.group(1), **fields}


def _invoices(world):  # type: ignore[no-untyped-def]
    with world.services.sessions() as s:
        rows = s.scalars(select(m.Invoice).order_by(m.Invoice.id)).all()
        return [(i.number, i.amount, i.balance, i.status, i.credits_invoice_id) for i in rows]


def test_credit_issues_a_linked_credit_memo_closes_the_dispute_and_settle_nets_it(
    world, clerk, smtp_sink
):
    item = world.dispute_item
    page = clerk.get(f"/items/{item}")
    assert page.status_code == 200
    assert f'name="invoice" required list="credit-invoices" value="{world.invoice_number}"' in (
        page.text
    )  # the disputed invoice, preselected
    posted = clerk.post(
        f"/items/{item}/credit",
        data=_form(page.text, invoice=world.invoice_number, amount="30.00", reason="agreed price"),
    )
    assert posted.status_code == 303, unescape(posted.text)
    assert posted.headers["location"] == f"/items/{item}?done={item}"
    (invoice, credit) = _invoices(world)
    assert invoice[:4] == (world.invoice_number, Decimal("330.00"), Decimal("330.00"), "open")
    assert credit[1:] == (Decimal("-30.00"), Decimal("-30.00"), "open", 1)
    with world.services.sessions() as s:
        closed = s.get(m.ReviewItem, item)
        assert (closed.status, closed.resolved_by) == ("resolved", "clara")
    shown = clerk.get(posted.headers["location"]).text
    assert f"credited: credit memo {credit[0]} for {world.invoice_number}: agreed price" in (
        unescape(shown)
    )
    assert f'data-credit="{credit[0]}"' in shown and "Settle against" in shown
    mails = smtp_sink.wait_for(2, timeout=10)  # the invoice, then the credit memo
    assert any(credit[0].encode() in mail.raw for mail in mails)
    # The same form again (a double click) issues nothing more
    again = clerk.post(
        f"/items/{item}/credit",
        data=_form(page.text, invoice=world.invoice_number, amount="30.00", reason="agreed price"),
    )
    assert again.status_code == 303 and len(_invoices(world)) == 2
    # Settle from the item page: the invoice's rest stays open, the credit memo closes
    settled = clerk.post(f"/items/{item}/settle", data=_form(shown, credit=credit[0]))
    assert settled.status_code == 303
    (invoice, credit) = _invoices(world)
    assert (invoice[2], invoice[3]) == (Decimal("300.00"), "open")
    assert (credit[2], credit[3]) == (Decimal("0.00"), "paid")
    assert f"Item {item}: credit memo {credit[0]} settled against" in unescape(
        clerk.get(settled.headers["location"]).text
    )


def test_refused_credits_change_nothing(world, clerk):
    item = world.dispute_item
    page = clerk.get(f"/items/{item}").text
    no_reason = clerk.post(
        f"/items/{item}/credit", data=_form(page, invoice=world.invoice_number, reason="")
    )
    assert no_reason.status_code == 409 and "the reason are required" in no_reason.text
    both = clerk.post(
        f"/items/{item}/credit",
        data=_form(page, invoice=world.invoice_number, amount="1.00", lines="1", reason="x"),
    )
    assert both.status_code == 409 and "not both" in both.text
    too_much = clerk.post(
        f"/items/{item}/credit",
        data=_form(page, invoice=world.invoice_number, amount="999.00", reason="x"),
    )
    assert too_much.status_code == 409 and "more than" in unescape(too_much.text)
    forged = clerk.post(f"/items/{item}/credit", data={"invoice": world.invoice_number})
    assert forged.status_code == 403
    assert len(_invoices(world)) == 1
    with world.services.sessions() as s:
        assert s.get(m.ReviewItem, item).status == "open"


def test_no_hostile_credit_form_answers_500(world, clerk):
    from tests.unit.review.test_params import HOSTILE

    item = world.dispute_item
    page = clerk.get(f"/items/{item}").text
    good = {"invoice": world.invoice_number, "amount": "1.00", "reason": "r"}
    failures = []
    for name in ("amount", "lines", "invoice"):
        for value in HOSTILE:
            fields = (
                {**good, name: value} if name != "lines" else {**good, "amount": "", name: value}
            )
            response = clerk.post(f"/items/{item}/credit", data=_form(page, **fields))
            if response.status_code >= 500:
                failures.append((name, value, response.status_code))
    for value in HOSTILE:
        response = clerk.post(f"/items/{item}/settle", data=_form(page, credit=value))
        if response.status_code >= 500:
            failures.append(("credit", value, response.status_code))
    assert failures == []


def test_two_app_processes_crediting_one_item_issue_one_memo(world):
    # Two servers' issuers (no shared lock, no shared submission check), one item's key.
    first = ReviewCreditIssuer(world.settings, services=world.services)
    second = ReviewCreditIssuer(world.settings, services=world.services)
    asked = {
        "invoice_number": world.invoice_number,
        "amount": Decimal("30.00"),
        "lines": (),
        "reason": "agreed price",
        "by": "clara",
        "issue_key": f"review-item:{world.dispute_item}",
    }
    assert first(**asked) == second(**asked)
    assert len(_invoices(world)) == 2  # the invoice and one credit memo
    other = {**asked, "issue_key": "review-item:999999"}
    assert first(**other) != second(**asked)  # another item's credit is its own
    assert len(_invoices(world)) == 3


def test_a_dispute_never_credits_another_customers_invoice(world, clerk):
    from datetime import UTC, date, datetime

    now = datetime(2026, 12, 1, tzinfo=UTC)
    with world.services.sessions.begin() as s:
        other = m.Customer(number="C-OTHER", name="Other Co", created_at=now)
        s.add(other)
        s.flush()
        s.add(
            m.Invoice(
                number="OTHER-1",
                ref_key="OTHER1",
                customer_id=other.id,
                issue_date=date(2026, 11, 1),
                due_date=date(2026, 12, 1),
                amount=Decimal("500.00"),
                balance=Decimal("500.00"),
                currency="USD",
                created_at=now,
                updated_at=now,
            )
        )
    item = world.dispute_item
    page = clerk.get(f"/items/{item}").text
    posted = clerk.post(
        f"/items/{item}/credit", data=_form(page, invoice="OTHER-1", amount="1.00", reason="x")
    )
    assert posted.status_code == 409
    assert "is not this dispute's customer's" in unescape(posted.text)
    assert [number for number, *_ in _invoices(world)] == [world.invoice_number, "OTHER-1"]
    with world.services.sessions() as s:
        assert s.get(m.ReviewItem, item).status == "open"

"""The queue page: open review items filtered by kind, customer, age, amount and text,
sorted, with counts per kind; the dashboard's figures come from the same ledger."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from starlette.datastructures import QueryParams

from ledger.models import ReviewItem, UnappliedCash
from review.dashboard import dashboard
from review.queue import QueueFilter, parse_filter, queue_view


@pytest.fixture
def queue(seed):
    acme = seed.customer("C1001", "Acme Manufacturing Inc")
    borealis = seed.customer("C2002", "Borealis Foods Ltd")
    ids = {
        "acme_small": seed.item(customer_id=acme, amount="50.00", invoice_ref="INV-1", age_days=0),
        "acme_big": seed.item(customer_id=acme, amount="9000.00", kind="overpayment", age_days=5),
        "borealis": seed.item(
            customer_id=borealis, amount="700.00", age_days=2, payer_name="BOREALIS AP"
        ),
        "unknown": seed.item(customer_id=None, amount="120.00", kind="unknown_sender", age_days=9),
    }
    with seed.sessions.begin() as s:  # a resolved item is not in the queue
        done = s.get(ReviewItem, seed.item(customer_id=acme, amount="1.00"))
        done.status = "resolved"
    return ids


def ids_of(view):
    return [row.id for row in view.rows]


def test_the_queue_lists_open_items_oldest_first_with_counts_per_kind(web_db, queue, clock):
    with web_db() as s:
        view = queue_view(s, QueueFilter(), now=clock.now)
    assert ids_of(view) == [
        queue["unknown"],
        queue["acme_big"],
        queue["borealis"],
        queue["acme_small"],
    ]
    assert view.counts == {"overpayment": 1, "remittance_line": 2, "unknown_sender": 1}
    assert view.matched == 4


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=overpayment", ["acme_big"]),
        ("customer=borealis", ["borealis"]),
        ("customer=C1001", ["acme_big", "acme_small"]),
        ("min_age_days=3", ["unknown", "acme_big"]),
        ("min_amount=100&max_amount=1,000.00", ["unknown", "borealis"]),
        ("q=borealis+ap", ["borealis"]),
        ("q=%25", []),  # a literal percent sign, not a wildcard
        ("sort=amount_desc", ["acme_big", "borealis", "unknown", "acme_small"]),
        ("sort=newest", ["acme_small", "borealis", "acme_big", "unknown"]),
    ],
)
def test_filters_and_sorts_narrow_and_order_the_queue(web_db, queue, clock, query, expected):
    with web_db() as s:
        view = queue_view(s, parse_filter(QueryParams(query)), now=clock.now)
    assert ids_of(view) == [queue[name] for name in expected]


def test_a_filter_value_that_does_not_parse_is_dropped_and_named():
    flt = parse_filter(QueryParams("min_amount=lots&min_age_days=-3&sort=drop+table"))
    assert flt.min_amount is None and flt.min_age_days is None and flt.sort == "oldest"
    assert len(flt.errors) == 3  # the sort is named too: every parameter is checked (issue 19)


def test_the_queue_page_links_each_item_and_shows_counts(signed_in, queue):
    html = signed_in("vera").get("/queue?sort=amount_desc").text
    links = re.findall(r'href="/items/(\d+)"', html)
    assert links[0] == str(queue["acme_big"])
    assert "9,000.00 USD" in html
    assert "{% block" not in html and "4 item(s)" in html


def test_the_dashboard_counts_todays_mail_stp_queue_age_and_unapplied_cash(seed, web_db, clock):
    # Given two lines applied automatically and one in review today, one line yesterday
    acme = seed.customer()
    seed.line(customer_id=acme, outcome="auto", status="applied")
    seed.line(customer_id=acme, outcome="auto", status="applied")
    seed.item(customer_id=acme, age_days=4)
    seed.line(customer_id=acme, outcome="review", received_at=clock.now - timedelta(days=1))
    with web_db.begin() as s:
        for key, amount in (("a", "0.10"), ("b", "0.20"), ("c", "1000000.05")):
            s.add(
                UnappliedCash(
                    key=key,
                    customer_id=acme,
                    amount=Decimal(amount),
                    received=Decimal(amount),
                    currency="USD",
                    reason="test",
                    status="open",
                    created_at=clock.now,
                )
            )
    with web_db() as s:
        d = dashboard(s, now=clock.now)
    assert d.mail_today == {"applied": 2, "review": 1}
    assert (d.stp_today.auto, d.stp_today.total, d.stp_today.percent) == (2, 3, Decimal("66.7"))
    assert (d.stp_all.auto, d.stp_all.total) == (2, 4)
    assert d.queue_open == 1
    assert dict(d.queue_ages)["3-7 days"] == 1
    assert d.unapplied == {"USD": Decimal("1000000.35")}
    assert d.unapplied_items == 3


def test_the_queue_links_its_filter_to_bulk_accept_for_clerks_only(signed_in):
    # Given a clerk's queue filtered by kind and customer
    page = signed_in("clara").get("/queue?kind=remittance_line&customer=C1001")
    # Then the bulk-accept link carries that filter
    assert 'href="/items/bulk-accept?kind=remittance_line&amp;customer=C1001"' in page.text
    # And a viewer, who may not decide, gets no link
    assert 'id="bulk-accept"' not in signed_in("vera").get("/queue").text


@pytest.mark.parametrize(
    "query", ["sort=zzz", "min_amount=%EF%BC%91", "kind=ZZZ%3Cb%3E", "max_amount=NaN"]
)
def test_a_queue_parameter_that_is_none_of_its_values_answers_400(signed_in, query):
    page = signed_in("vera").get(f"/queue?{query}")
    assert page.status_code == 400

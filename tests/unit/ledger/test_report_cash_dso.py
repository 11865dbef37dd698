"""DSO and the cash report on the hand-computed ledger of ``test_report_aging`` (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from ledger.reports.cash import cash_report, open_deductions, percent
from ledger.reports.dso import days_sales_outstanding, dso_report
from tests.unit.ledger.report_ledger import Book, at
from tests.unit.ledger.test_report_aging import build_small_ledger

D = Decimal


def test_dso_is_receivables_over_credit_sales_times_days():
    assert days_sales_outstanding(D("1100.00"), D("1500.00"), 90) == D("66.0")
    assert days_sales_outstanding(D("100.00"), D("300.00"), 30) == D("10.0")
    assert days_sales_outstanding(D("1.00"), D("3.00"), 1) == D("0.3")
    assert days_sales_outstanding(D("500.00"), D("0.00"), 90) is None


def test_dso_per_customer_and_currency_counts_sales_of_the_window_only(sessions):
    with sessions() as session:
        build_small_ledger(session)
        report = dso_report(session, as_of=date(2026, 3, 1), days=90)
    got = {(r.currency, r.customer_number or "Total"): r for r in (*report.rows, *report.totals)}
    # C1: 600 + 500 open of 1000 + 500 sold since 2 December
    assert (got[("USD", "C1")].receivables, got[("USD", "C1")].credit_sales) == (
        D("1100.00"),
        D("1500.00"),
    )
    assert got[("USD", "C1")].dso == D("66.0")
    # C2's only USD sale (INV-3, October) is outside the window; its credit memo is no sale
    assert got[("USD", "C2")].receivables == D("250.00")
    assert got[("USD", "C2")].dso is None
    assert got[("USD", "Total")].dso == D("81.0")
    assert got[("EUR", "Total")].dso == D("90.0")


def test_dso_period_must_be_positive(sessions):
    with sessions() as session, pytest.raises(ValueError, match="at least one day"):
        dso_report(session, as_of=date(2026, 3, 1), days=0)


def test_cash_by_day_splits_auto_and_confirmed_and_counts_reversals_on_their_day(sessions):
    with sessions() as session:
        build_small_ledger(session)
        report = cash_report(session, start=date(2026, 2, 1), end=date(2026, 3, 31))
    rows = {r.key: r for r in report.rows}
    assert set(rows) == {"2026-02-10", "2026-02-20", "2026-02-25", "2026-03-05"}
    assert (rows["2026-02-10"].auto_amount, rows["2026-02-10"].auto_count) == (D("400.00"), 1)
    # the 20 February payment was confirmed by a person, then un-applied on the 25th
    assert (rows["2026-02-20"].confirmed_amount, rows["2026-02-20"].discounts) == (
        D("294.00"),
        D("6.00"),
    )
    assert rows["2026-02-25"].reversed == D("294.00") and rows["2026-02-25"].applied == D("0.00")
    (usd,) = report.totals
    assert (usd.auto_amount, usd.auto_count, usd.confirmed_amount, usd.net) == (
        D("1500.00"),
        3,
        D("294.00"),
        D("1500.00"),
    )
    # 5 remittance lines arrived in the period, 3 were applied straight through
    assert (report.lines, report.lines_auto, report.stp) == (5, 3, D("60.0"))
    assert [(o.currency, o.unapplied, o.deductions) for o in report.open_at_end] == [
        ("USD", D("334.00"), D("0.00"))
    ]


def test_cash_by_customer_groups_by_the_invoice_customer(sessions):
    with sessions() as session:
        build_small_ledger(session)
        report = cash_report(session, start=date(2026, 2, 1), end=date(2026, 3, 31), by="customer")
    rows = {r.key: r for r in report.rows}
    assert (rows["C1"].label, rows["C1"].auto_amount, rows["C1"].auto_count) == (
        "Acme",
        D("1500.00"),
        3,
    )
    assert (rows["C2"].confirmed_amount, rows["C2"].reversed, rows["C2"].net) == (
        D("294.00"),
        D("294.00"),
        D("0.00"),
    )


def test_a_deduction_stays_open_until_its_invoice_is_paid(sessions):
    # Given a short payment of 950 on a 1000 invoice with a 50 deduction, settled later
    with sessions() as session:
        book = Book(session)
        book.customer("C1")
        book.invoice(
            "INV-1", "C1", issued=date(2026, 1, 1), due=date(2026, 1, 31), amount="1000.00"
        )
        book.pay("INV-1", "950.00", deduction="50.00", when=at(date(2026, 2, 1)))
        book.pay("INV-1", "30.00", when=at(date(2026, 2, 10)))
        book.pay("INV-1", "20.00", when=at(date(2026, 2, 20)))
        seen = [
            open_deductions(session, day).get("USD", D("0.00"))
            for day in (date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 10), date(2026, 2, 20))
        ]
    # Then the deduction is open from the payment, and shrinks as the balance is paid
    assert seen == [D("0.00"), D("50.00"), D("20.00"), D("0.00")]


def test_cash_period_that_ends_before_it_starts_is_refused(sessions):
    with sessions() as session, pytest.raises(ValueError, match="before it starts"):
        cash_report(session, start=date(2026, 3, 2), end=date(2026, 3, 1))


def test_percent_rounds_half_up_and_is_unknown_without_lines():
    assert percent(1, 3) == D("33.3")
    assert percent(2, 3) == D("66.7")
    assert percent(1, 8) == D("12.5")
    assert percent(0, 0) is None

"""The month-end close: the roll-forward of receivables on a hand-computed ledger, a month
that does not reconcile, and a generated year of activity posted through the real posting
code, reconciled month by month to the cent (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from ledger.models import Invoice
from ledger.reports.aging import aging_report
from ledger.reports.close import close_report, parse_period
from tests.unit.ledger.report_ledger import Book, at, generate_year
from tests.unit.ledger.test_report_aging import build_small_ledger

D = Decimal


def test_parse_period_gives_the_first_and_last_day_of_the_month():
    assert parse_period("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    assert parse_period("2024-12") == (date(2024, 12, 1), date(2024, 12, 31))
    for bad in ("2026-13", "2026-2", "Feb 2026", ""):
        with pytest.raises(ValueError, match="YYYY-MM"):
            parse_period(bad)


def test_close_rolls_february_forward_to_the_cent(sessions):
    with sessions() as session:
        book = build_small_ledger(session)
        book.review("open-in-feb", when=at(date(2026, 2, 10)))
        book.review("opened-in-march", when=at(date(2026, 3, 10)))
        report = close_report(session, period="2026-02")
    usd = next(r for r in report.reconciliations if r.currency == "USD")
    eur = next(r for r in report.reconciliations if r.currency == "EUR")
    # INV-1 1000 and INV-3 300 were open on 31 January; INV-2 500 and CM-1 -50 were issued;
    # 400 + 294 applied, 6 discount; the 294 + 6 un-applied came back.
    assert (usd.opening, usd.invoiced, usd.credit_memos) == (D("1300.00"), D("500.00"), D("-50.00"))
    assert (usd.cash_applied, usd.discounts, usd.unapplied_back) == (
        D("-694.00"),
        D("-6.00"),
        D("300.00"),
    )
    assert (usd.imported, usd.expected, usd.closing, usd.difference) == (
        D("0.00"),
        D("1350.00"),
        D("1350.00"),
        D("0.00"),
    )
    assert (eur.opening, eur.invoiced, eur.closing, eur.difference) == (
        D("0.00"),
        D("800.00"),
        D("800.00"),
        D("0.00"),
    )
    assert report.reconciles
    assert report.review_open == (("remittance_line", 1),)
    assert {o.currency: o.unapplied for o in report.cash.open_at_end} == {"USD": D("349.00")}


def test_an_invoice_imported_part_paid_is_a_movement_of_its_own(sessions):
    with sessions() as session:
        book = Book(session)
        book.customer("C1")
        book.invoice(
            "INV-9",
            "C1",
            issued=date(2026, 2, 3),
            due=date(2026, 3, 5),
            amount="100.00",
            balance="40.00",
        )
        (usd,) = close_report(session, period="2026-02").reconciliations
    assert (usd.invoiced, usd.imported, usd.closing, usd.difference) == (
        D("100.00"),
        D("-60.00"),
        D("40.00"),
        D("0.00"),
    )


def test_cash_applied_before_its_invoice_was_issued_leaves_a_difference(sessions):
    # Given a payment applied on 20 January to an invoice dated 15 February
    with sessions() as session:
        book = Book(session)
        book.customer("C1")
        book.invoice(
            "INV-7", "C1", issued=date(2026, 2, 15), due=date(2026, 3, 17), amount="100.00"
        )
        book.pay("INV-7", "100.00", when=at(date(2026, 1, 20)))
        january = close_report(session, period="2026-01")
    # Then January's close shows the 100 it cannot account for
    (usd,) = january.reconciliations
    assert (usd.cash_applied, usd.expected, usd.closing, usd.difference) == (
        D("-100.00"),
        D("-100.00"),
        D("0.00"),
        D("100.00"),
    )
    assert not january.reconciles


def test_a_generated_year_reconciles_every_month_to_the_cent(sessions):
    with sessions() as session:
        year = generate_year(session)
        _check_year(session, year)


def _check_year(session, year):
    # The generator exercised what the close must account for
    assert year.partials > 5 and year.discounts > 0 and year.reversals > 0
    assert year.credit_memos > 0 and year.applications > 100
    previous = {"USD": D("0.00"), "EUR": D("0.00")}
    for month in range(1, 13):
        report = close_report(session, period=f"2025-{month:02d}")
        assert report.reconciles, report.reconciliations
        got = {r.currency: r for r in report.reconciliations}
        aging = aging_report(session, as_of=report.end)
        for currency in ("USD", "EUR"):
            # the closing balance is what the generator's own account says, to the cent
            assert got[currency].closing == year.closing[(month, currency)], (month, currency)
            assert got[currency].opening == previous[currency], (month, currency)
            # and the aging as of the month end adds up to the same
            total = aging.total_for(currency)
            assert total.open_items + total.credits == got[currency].closing
            previous[currency] = got[currency].closing
    # December's closing balance is the ledger's balance today
    ledger_now = {
        currency: sum((b for b in balances), start=D("0.00"))
        for currency, balances in _balances(session).items()
    }
    assert ledger_now == previous


def _balances(session):
    out = {}
    for currency, balance in session.execute(select(Invoice.currency, Invoice.balance)):
        out.setdefault(currency, []).append(balance)
    return out

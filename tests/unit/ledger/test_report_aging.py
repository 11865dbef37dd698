"""AR aging as of any date, on a small ledger whose figures are worked out by hand (SQLite
and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ledger.reports.aging import BUCKET_LABELS, UNIDENTIFIED, AgingReport, aging_report
from tests.unit.ledger.report_ledger import Book, at

D = Decimal


def build_small_ledger(session: Session) -> Book:
    """Two customers, USD and EUR, a credit memo, a partial payment, a payment un-applied,
    unapplied cash partly taken, and activity after the dates the tests look at."""
    book = Book(session)
    book.customer("C1", "Acme")
    book.customer("C2", "Beta")
    book.invoice("INV-1", "C1", issued=date(2026, 1, 1), due=date(2026, 1, 31), amount="1000.00")
    book.invoice("INV-2", "C1", issued=date(2026, 2, 1), due=date(2026, 3, 3), amount="500.00")
    book.invoice("INV-3", "C2", issued=date(2025, 10, 1), due=date(2025, 10, 31), amount="300.00")
    book.invoice("CM-1", "C2", issued=date(2026, 2, 10), due=date(2026, 2, 10), amount="-50.00")
    book.invoice(
        "INV-4",
        "C2",
        issued=date(2026, 2, 15),
        due=date(2026, 3, 17),
        amount="800.00",
        currency="EUR",
    )
    book.invoice("INV-5", "C1", issued=date(2026, 3, 10), due=date(2026, 4, 9), amount="700.00")
    book.pay("INV-1", "400.00", when=at(date(2026, 2, 10)))
    paid3 = book.pay(
        "INV-3", "294.00", discount="6.00", when=at(date(2026, 2, 20)), status="confirmed"
    )
    book.unapply(paid3, when=at(date(2026, 2, 25)))
    book.pay("INV-2", "500.00", when=at(date(2026, 3, 5)))
    book.pay("INV-1", "600.00", when=at(date(2026, 3, 5)))
    over = book.unapplied("25.00", when=at(date(2026, 2, 28), 9), customer="C1")
    book.take(over, "10.00", when=at(date(2026, 2, 28), 15))
    book.take(over, "15.00", when=at(date(2026, 3, 2)))
    book.unapplied("40.00", when=at(date(2026, 1, 15)), customer=None)
    session.flush()
    return book


@pytest.fixture
def report_on(sessions: sessionmaker[Session]):
    with sessions() as session:
        build_small_ledger(session)

        def run(day: date) -> AgingReport:
            return aging_report(session, as_of=day)

        yield run


def figures(report: AgingReport) -> dict[tuple[str, str], tuple[Decimal, ...]]:
    return {
        (r.currency, r.customer_number or r.customer_name): (
            *r.buckets,
            r.credits,
            r.unapplied,
            r.total,
        )
        for r in (*report.rows, *report.totals)
    }


def test_bucket_labels_are_the_statements_buckets():
    assert BUCKET_LABELS == ("current", "1-30", "31-60", "61-90", "90+")


def test_aging_as_of_a_past_date_ages_partial_payments_reversals_credits_and_unapplied(report_on):
    # Given the ledger, when aged as of 1 March 2026 (before the March payments)
    report = report_on(date(2026, 3, 1))
    # Then INV-1 has 600 left after its partial payment, 29 days past due; INV-2 is current;
    # INV-3's payment was un-applied (121 days past due again, its 294 now unapplied cash);
    # C1 has 15 of its 25 unapplied left; INV-5 is not issued yet; EUR stays apart.
    z = D("0.00")
    assert figures(report) == {
        ("USD", "C1"): (D("500.00"), D("600.00"), z, z, z, z, D("-15.00"), D("1085.00")),
        ("USD", "C2"): (z, z, z, z, D("300.00"), D("-50.00"), D("-294.00"), D("-44.00")),
        ("USD", UNIDENTIFIED): (z, z, z, z, z, z, D("-40.00"), D("-40.00")),
        ("USD", "Total"): (
            D("500.00"),
            D("600.00"),
            z,
            z,
            D("300.00"),
            D("-50.00"),
            D("-349.00"),
            D("1001.00"),
        ),
        ("EUR", "C2"): (D("800.00"), z, z, z, z, z, z, D("800.00")),
        ("EUR", "Total"): (D("800.00"), z, z, z, z, z, z, D("800.00")),
    }


def test_aging_before_a_reversal_shows_the_invoice_paid_and_no_unapplied_cash(report_on):
    report = report_on(date(2026, 2, 22))
    z = D("0.00")
    got = figures(report)
    assert got[("USD", "C2")] == (z, z, z, z, z, D("-50.00"), z, D("-50.00"))
    assert got[("USD", "C1")] == (D("500.00"), D("600.00"), z, z, z, z, z, D("1100.00"))


def test_aging_before_any_payment_shows_the_full_amounts(report_on):
    report = report_on(date(2026, 2, 5))
    z = D("0.00")
    got = figures(report)
    assert got[("USD", "C1")] == (D("500.00"), D("1000.00"), z, z, z, z, z, D("1500.00"))
    assert got[("USD", "C2")] == (z, z, z, z, D("300.00"), z, z, D("300.00"))
    assert ("EUR", "C2") not in got  # INV-4 is issued on 15 February


def test_aging_as_of_today_equals_the_ledger_balances(report_on):
    report = report_on(date(2026, 4, 1))
    z = D("0.00")
    got = figures(report)
    assert got[("USD", "C1")] == (D("700.00"), z, z, z, z, z, z, D("700.00"))
    assert got[("USD", "Total")][-1] == D("700.00") + D("300.00") - D("50.00") - D("294.00") - D(
        "40.00"
    )


def test_bucket_edges_follow_days_past_due(sessions):
    # Given invoices 0, 1, 30, 31, 60, 61, 90 and 91 days past due
    as_of = date(2026, 6, 30)
    with sessions() as session:
        book = Book(session)
        book.customer("C9")
        for days in (0, 1, 30, 31, 60, 61, 90, 91):
            book.invoice(
                f"E-{days}",
                "C9",
                issued=date(2026, 1, 1),
                due=as_of - timedelta(days=days),
                amount=f"{days + 1}.00",
            )
        (row,) = aging_report(session, as_of=as_of).rows
    # Then each lands in the bucket the statements would put it in
    assert row.buckets == (D("1.00"), D("33.00"), D("93.00"), D("153.00"), D("92.00"))

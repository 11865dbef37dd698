"""Statements read from the ledger: who gets one, what is on it, and the streamed bulk walk."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ledger.invoice_copies import invoice_copies
from ledger.statements import iter_statements, statements_for_customer
from ledger.unapplied_cash import record_unapplied_cash
from tests.unit.ledger.conftest import NOW

AS_OF = date(2026, 3, 1)


def test_statement_has_open_items_credits_and_open_unapplied_cash_only(ledger, sessions):
    # Given a customer with two open invoices, a paid one, a credit memo and unapplied cash
    # (one open, one already applied)
    cid = ledger.customer("C-001", emails=["ap@acme.example", "ar@acme.example"])
    ledger.invoice(cid, "INV-1", balance="100.00", due=date(2026, 2, 20))
    ledger.invoice(cid, "INV-2", balance="250.00", due=date(2025, 11, 1))
    ledger.invoice(cid, "INV-3", balance="0.00", status="paid")
    ledger.invoice(cid, "CM-1", balance="-40.00")
    record_unapplied_cash(
        ledger.session,
        key="u1",
        amount=Decimal("15.00"),
        currency="USD",
        reason="overpaid",
        now=NOW,
        customer_id=cid,
    )
    gone = record_unapplied_cash(
        ledger.session,
        key="u2",
        amount=Decimal("99.00"),
        currency="USD",
        reason="x",
        now=NOW,
        customer_id=cid,
    )
    from ledger.models import UnappliedCash

    ledger.session.get(UnappliedCash, gone).status = "applied"
    ledger.session.flush()
    # When its statement is read
    (st,) = statements_for_customer(ledger.session, cid, as_of=AS_OF)
    # Then only open documents and open cash are on it, aged as of the date
    assert [(i.number, i.balance, i.days_past_due) for i in st.items] == [
        ("INV-2", Decimal("250.00"), 120),
        ("INV-1", Decimal("100.00"), 9),
    ]
    assert [(c.number, c.balance) for c in st.credits] == [("CM-1", Decimal("-40.00"))]
    assert [u.amount for u in st.unapplied] == [Decimal("15.00")]
    assert {b.label: b.amount for b in st.aging} == {
        "current": Decimal("0.00"),
        "1-30": Decimal("100.00"),
        "31-60": Decimal("0.00"),
        "61-90": Decimal("0.00"),
        "90+": Decimal("250.00"),
    }
    assert st.total_due == Decimal("295.00")
    assert st.contacts == ("ap@acme.example", "ar@acme.example")


def test_bulk_walk_pages_through_every_customer_with_open_items_once(ledger, sessions):
    # Given seven customers with open items, one with only a credit and one fully paid
    ids = []
    for n in range(7):
        cid = ledger.customer(f"C-{n:03d}", name=f"Customer {n}", emails=[f"ap@c{n}.example"])
        ledger.invoice(cid, f"INV-{n}-A", balance="10.00")
        ledger.invoice(cid, f"INV-{n}-B", balance="5.00")
        ids.append(cid)
    credit_only = ledger.customer("C-900", emails=["ap@c900.example"])
    ledger.invoice(credit_only, "CM-900", balance="-5.00")
    paid = ledger.customer("C-901")
    ledger.invoice(paid, "INV-901", balance="0.00", status="paid")
    ledger.session.commit()
    # When every statement is walked in pages of three customers
    walked = list(iter_statements(sessions, as_of=AS_OF, page_size=3))
    # Then each customer with open items comes once, in id order, with its own items only
    assert [sts[0].customer_id for sts in walked] == ids
    assert all(st.open_total == Decimal("15.00") for (st,) in walked)
    assert walked[3][0].contacts == ("ap@c3.example",)
    assert {i.number for i in walked[3][0].items} == {"INV-3-A", "INV-3-B"}


def test_bulk_walk_for_one_customer_number(ledger, sessions):
    for n in range(3):
        ledger.invoice(ledger.customer(f"C-{n}", emails=[]), f"INV-{n}", balance="1.00")
    ledger.session.commit()
    (only,) = list(iter_statements(sessions, as_of=AS_OF, customer_number="C-1"))
    assert only[0].customer_number == "C-1" and only[0].contacts == ()


def test_invoices_issued_after_the_as_of_date_are_left_out(ledger, sessions):
    cid = ledger.customer("C-001")
    ledger.invoice(cid, "INV-1", balance="10.00")  # issued 2026-01-05
    assert statements_for_customer(ledger.session, cid, as_of=date(2026, 1, 4)) == []
    assert len(statements_for_customer(ledger.session, cid, as_of=date(2026, 1, 5))) == 1


def test_one_statement_per_currency_with_open_items(ledger, sessions):
    cid = ledger.customer("C-001")
    ledger.invoice(cid, "INV-1", balance="10.00", currency="USD")
    ledger.invoice(cid, "INV-2", balance="20.00", currency="EUR")
    ledger.invoice(cid, "CM-3", balance="-5.00", currency="GBP")  # a credit alone: no statement
    sts = statements_for_customer(ledger.session, cid, as_of=AS_OF)
    assert [(s.currency, s.open_total) for s in sts] == [
        ("EUR", Decimal("20.00")),
        ("USD", Decimal("10.00")),
    ]


def test_invoice_copies_are_of_the_customers_own_invoices_only(ledger):
    mine = ledger.customer("C-001")
    other = ledger.customer("C-002", name="Other Ltd")
    ledger.invoice(mine, "INV-1", balance="10.00")
    ledger.invoice(other, "INV-2", balance="20.00")
    copies = invoice_copies(ledger.session, customer_id=mine, numbers=["INV-1", "INV-2", "INV-9"])
    assert [(c.number, c.customer_number, c.balance) for c in copies] == [
        ("INV-1", "C-001", Decimal("10.00"))
    ]

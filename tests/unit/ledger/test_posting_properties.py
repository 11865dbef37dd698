"""Property of posting (issue 5, "Measured"): whatever sequence of cash applications the worker
attempts, the ledger stays consistent after every one of them.

- a balance never goes below zero;
- the same remittance line is never applied to the same invoice twice;
- an invoice is ``paid`` exactly when its balance is zero;
- per invoice, applications + discounts written off + balance = the invoice amount;
- ``apply_cash`` posts exactly the applications a plain model of the rules accepts (open,
  same currency, ``amount + discount`` within the balance, line not yet applied to it), and
  each one it posts has its audit event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.refs import normalise_ref
from ledger.models import Application, AuditEvent, Invoice
from ledger.posting import apply_cash
from tests.unit.ledger.conftest import NOW, LedgerFactory

CENT = Decimal("0.01")


def money(cents: int) -> Decimal:
    return (Decimal(cents) * CENT).quantize(CENT)


@dataclass
class Model:
    """What the ledger should hold: per invoice, its amount, balance and currency, and the
    (line, invoice) pairs applied."""

    amounts: dict[int, Decimal] = field(default_factory=dict)
    balances: dict[int, Decimal] = field(default_factory=dict)
    currencies: dict[int, str] = field(default_factory=dict)
    applied: set[tuple[int, int]] = field(default_factory=set)

    def accepts(self, line: int, invoice: int, settled: Decimal, currency: str) -> bool:
        return (
            (line, invoice) not in self.applied
            and self.balances[invoice] > 0
            and currency == self.currencies[invoice]
            and settled <= self.balances[invoice]
        )


def add_invoice(
    session: Session, customer_id: int, number: str, amount: Decimal, currency: str
) -> int:
    invoice = Invoice(
        number=number,
        ref_key=normalise_ref(number),
        customer_id=customer_id,
        issue_date=date(2026, 1, 5),
        due_date=date(2026, 2, 4),
        amount=amount,
        balance=amount,
        currency=currency,
        terms="2/10 Net 30",
        status="open",
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(invoice)
    session.flush()
    return invoice.id


def assert_consistent(session: Session, model: Model) -> None:
    """The ledger's invariants, and the ledger equal to the model."""
    settled = dict(
        session.execute(
            select(
                Application.invoice_id, func.sum(Application.amount + Application.discount)
            ).group_by(Application.invoice_id)
        )
        .tuples()
        .all()
    )
    rows = session.execute(select(Invoice.id, Invoice.amount, Invoice.balance, Invoice.status))
    for invoice_id, amount, balance, status in rows:
        assert balance >= 0, f"invoice {invoice_id}: balance {balance}"
        assert (status == "paid") == (balance == 0), f"invoice {invoice_id}: {status} at {balance}"
        total = Decimal(settled.get(invoice_id, 0)) + balance
        assert total == amount, f"invoice {invoice_id}: settled + balance {total}, amount {amount}"
        assert balance == model.balances[invoice_id]
    twice = session.execute(
        select(Application.remittance_line_id, Application.invoice_id)
        .group_by(Application.remittance_line_id, Application.invoice_id)
        .having(func.count() > 1)
    ).all()
    assert not twice, f"applied twice: {twice}"
    pairs = set(
        session.execute(select(Application.remittance_line_id, Application.invoice_id)).tuples()
    )
    assert pairs == model.applied
    audited = session.execute(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "apply_cash")
    ).scalar_one()
    assert audited == len(model.applied)


amount_kinds = st.sampled_from(("rest", "rest", "part", "over", "other", "zero"))
discount_kinds = st.sampled_from(("none", "none", "some", "negative"))


def draw_attempt(data: st.DataObject, model: Model, invoice: int) -> tuple[Decimal, Decimal, str]:
    """Amount, discount and currency of one attempt on ``invoice``: the rest of its balance,
    part of it, a cent over it, anything, or zero; no discount, some, or a negative one; its
    currency or either."""
    balance = model.balances[invoice]
    discount = Decimal("0.00")
    discount_kind = data.draw(discount_kinds, label="discount kind")
    if discount_kind == "some":
        discount = money(data.draw(st.integers(1, 3_000), label="discount"))
    elif discount_kind == "negative":
        discount = Decimal("-0.01")
    kind = data.draw(amount_kinds, label="amount kind")
    if kind == "rest":
        amount = balance - max(discount, Decimal("0.00"))
    elif kind == "part":
        amount = money(data.draw(st.integers(1, max(1, int(balance / CENT))), label="part"))
    elif kind == "over":
        amount = balance + CENT
    elif kind == "other":
        amount = money(data.draw(st.integers(1, 200_000), label="other"))
    else:
        amount = Decimal("0.00")
    currency = data.draw(
        st.sampled_from((model.currencies[invoice], "USD", "EUR")), label="currency"
    )
    return amount, discount, currency


#: The property runs on SQLite (a PostgreSQL run of it takes minutes); what it found to differ
#: on PostgreSQL is pinned by the example test after it, which runs on both.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    amounts=st.lists(
        st.sampled_from((1_000, 2_500, 125_000)) | st.integers(1, 200_000), min_size=1, max_size=3
    ),
    currencies=st.lists(st.sampled_from(("USD", "EUR")), min_size=3, max_size=3),
    data=st.data(),
)
def test_any_sequence_of_applications_keeps_every_balance_consistent(
    sessions, amounts, currencies, data
):
    with sessions() as session:
        # Given a customer with a few open invoices and four remittance lines
        ledger = LedgerFactory(session)
        customer = ledger.customer()
        model = Model()
        for no, cents in enumerate(amounts):
            invoice_id = add_invoice(
                session, customer, f"INV-{1001 + no}", money(cents), currencies[no]
            )
            model.amounts[invoice_id] = model.balances[invoice_id] = money(cents)
            model.currencies[invoice_id] = currencies[no]
        lines = [ledger.remittance_line(ledger.inbound(f"<m{n}@payer.example>")) for n in range(4)]
        invoice_ids = sorted(model.amounts)
        # When the worker attempts applications in any order: full, partial, over the balance,
        # repeated, in the wrong currency, with discounts
        for _ in range(data.draw(st.integers(1, 12), label="applications")):
            line = data.draw(st.sampled_from(lines), label="line")
            invoice = data.draw(st.sampled_from(invoice_ids), label="invoice")
            amount, discount, currency = draw_attempt(data, model, invoice)
            if amount <= 0 or discount < 0:
                with pytest.raises(ValueError):
                    apply_cash(
                        session,
                        remittance_line_id=line,
                        invoice_id=invoice,
                        amount=amount,
                        currency=currency,
                        status="auto",
                        confidence=Decimal("1.000"),
                        reasons="property",
                        actor="worker",
                        now=NOW,
                        discount=discount,
                    )
            else:
                posted = apply_cash(
                    session,
                    remittance_line_id=line,
                    invoice_id=invoice,
                    amount=amount,
                    currency=currency,
                    status="auto",
                    confidence=Decimal("1.000"),
                    reasons="property",
                    actor="worker",
                    now=NOW,
                    discount=discount,
                )
                # Then it posts exactly what the rules accept, with the balance left
                accepted = model.accepts(line, invoice, amount + discount, currency)
                assert (posted is not None) == accepted, (line, invoice, amount, discount, currency)
                event("posted" if posted is not None else "refused")
                if posted is not None:
                    model.balances[invoice] -= amount + discount
                    model.applied.add((line, invoice))
                    assert posted.balance_after == model.balances[invoice]
                    if posted.balance_after == 0:
                        event("an invoice paid in full")
            # And after every attempt the ledger is consistent
            assert_consistent(session, model)
        session.rollback()


def test_a_second_delivery_of_an_applied_line_changes_nothing_and_returns_none(sessions):
    with sessions() as session:
        # Given a line applied in part to an invoice
        ledger = LedgerFactory(session)
        invoice = add_invoice(session, ledger.customer(), "INV-1001", Decimal("100.00"), "USD")
        line = ledger.remittance_line(ledger.inbound())
        attempt: dict[str, Any] = {
            "remittance_line_id": line,
            "invoice_id": invoice,
            "amount": Decimal("40.00"),
            "currency": "USD",
            "status": "auto",
            "confidence": Decimal("1.000"),
            "reasons": "exact",
            "actor": "worker",
            "now": NOW,
        }
        assert apply_cash(session, **attempt) is not None
        # When the same line is applied to it again (a second delivery of the mail)
        again = apply_cash(session, **attempt)
        # Then nothing changes, the session is still usable, and the answer is None
        assert again is None
        balance = session.execute(select(Invoice.balance).where(Invoice.id == invoice))
        assert balance.scalar_one() == Decimal("60.00")
        session.rollback()

"""Property: any set of valid invoices imports, and every amount and total is exact."""

from __future__ import annotations

import csv
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ledger.imports import import_invoices
from ledger.models import Invoice
from tests.unit.ledger.conftest import HEADER, NOW, invoice_row

cents = st.integers(min_value=-99_999_999_999_999, max_value=99_999_999_999_999)


@st.composite
def ledgers(draw: st.DrawFn) -> list[tuple[str, Decimal, Decimal]]:
    """(number, amount, balance) triples with unique numbers and a balance within the amount."""
    numbers = draw(st.lists(st.integers(1, 10**9), min_size=1, max_size=40, unique=True))
    rows = []
    for n in numbers:
        amount = draw(cents)
        balance = draw(st.integers(min(0, amount), max(0, amount)))
        rows.append((f"INV-{n}", Decimal(amount).scaleb(-2), Decimal(balance).scaleb(-2)))
    return rows


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ledger=ledgers())
def test_any_valid_ledger_imports_with_exact_amounts_and_sums(sessions, tmp_path, ledger):
    # Given a CSV of invoices with random two-decimal amounts (credit memos included)
    path = tmp_path / "ledger.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=HEADER)
        writer.writeheader()
        for number, amount, balance in ledger:
            writer.writerow(invoice_row(number, amount=str(amount), balance=str(balance)))
    with sessions() as session:
        # When it is imported
        summary = import_invoices(session, path, default_currency="USD", now=NOW)
        # Then each invoice and the totals come back exactly
        assert summary.invoices_created == len(ledger)
        stored = dict(session.execute(select(Invoice.number, Invoice.balance)).tuples().all())
        assert stored == {number: balance for number, _, balance in ledger}
        total = session.execute(select(func.sum(Invoice.amount))).scalar_one()
        assert total == sum((a for _, a, _ in ledger), start=Decimal(0))
        session.rollback()

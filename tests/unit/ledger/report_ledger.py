"""A small ledger for the report tests, written through the real posting code
(:func:`ledger.posting.apply_cash`, :func:`ledger.unapply.unapply`, unapplied cash), and a
generator of a year of such activity that keeps its own account of the balances."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from core.refs import normalise_ref
from ledger.models import Customer, InboundMessage, Invoice, Remittance, RemittanceLine
from ledger.posting import apply_cash, open_review_item
from ledger.unapplied import record_unapplied_cash, take_unapplied_cash
from ledger.unapply import unapply

ZERO = Decimal("0.00")


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


class Book:
    """Writes ledger rows into one session; methods return ids."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.customers: dict[str, int] = {}
        self.invoices: dict[str, int] = {}
        self._n = 0

    def customer(self, number: str, name: str | None = None) -> int:
        row = Customer(number=number, name=name or f"Customer {number}", created_at=at(date(2025, 1, 1)))
        self.session.add(row)
        self.session.flush()
        self.customers[number] = row.id
        return row.id

    def invoice(
        self,
        number: str,
        customer: str,
        *,
        issued: date,
        due: date,
        amount: str,
        currency: str = "USD",
        balance: str | None = None,
    ) -> int:
        value = Decimal(amount)
        open_ = Decimal(balance) if balance is not None else value
        row = Invoice(
            number=number,
            ref_key=normalise_ref(number),
            customer_id=self.customers[customer],
            issue_date=issued,
            due_date=due,
            amount=value,
            balance=open_,
            currency=currency,
            terms=None,
            status="open" if open_ != ZERO else "paid",
            created_at=at(issued),
            updated_at=at(issued),
        )
        self.session.add(row)
        self.session.flush()
        self.invoices[number] = row.id
        return row.id

    def line(self, *, when: datetime, currency: str = "USD", customer: str | None = None,
             outcome: str = "auto", amount: str = "0.00") -> int:
        self._n += 1
        inbound = InboundMessage(
            message_id=f"<m{self._n}@payer.example>",
            sha256=f"{self._n:064x}",
            raw=b"",
            size=0,
            source="file",
            status="applied",
            received_at=when,
            customer_id=self.customers.get(customer) if customer else None,
        )
        self.session.add(inbound)
        self.session.flush()
        rem = Remittance(
            inbound_id=inbound.id,
            customer_id=inbound.customer_id,
            source="body",
            currency=currency,
            stated_total=None,
            lines_total=Decimal(amount),
            payment_ref=f"PAY-{self._n}",
            payment_date=when.date(),
            payment_method="ach",
            created_at=when,
        )
        self.session.add(rem)
        self.session.flush()
        line = RemittanceLine(
            remittance_id=rem.id,
            line_no=1,
            invoice_ref=None,
            amount=Decimal(amount),
            outcome=outcome,
            confidence=Decimal("1.000"),
            reason="test",
        )
        self.session.add(line)
        self.session.flush()
        return line.id

    def pay(
        self,
        invoice: str,
        amount: str,
        *,
        when: datetime,
        discount: str = "0.00",
        deduction: str = "0.00",
        status: str = "auto",
        line_id: int | None = None,
        currency: str = "USD",
    ) -> int:
        line = line_id or self.line(when=when, currency=currency, amount=amount,
                                    outcome="auto" if status == "auto" else "review")
        posted = apply_cash(
            self.session,
            remittance_line_id=line,
            invoice_id=self.invoices[invoice],
            amount=Decimal(amount),
            currency=currency,
            status=status,
            confidence=Decimal("1.000"),
            reasons="test",
            actor="worker" if status == "auto" else "clerk",
            now=when,
            discount=Decimal(discount),
            deduction=Decimal(deduction),
        )
        assert posted is not None, f"cannot apply {amount} to {invoice}"
        return posted.application_id

    def unapply(self, application_id: int, *, when: datetime) -> None:
        unapply(self.session, application_id=application_id, actor="clerk", reason="wrong invoice", now=when)

    def unapplied(self, amount: str, *, when: datetime, customer: str | None, currency: str = "USD") -> int:
        line = self.line(when=when, currency=currency, customer=customer, outcome="review", amount=amount)
        record_unapplied_cash(
            self.session,
            key=f"line:{line}",
            amount=Decimal(amount),
            currency=currency,
            reason="overpaid",
            now=when,
            customer_id=self.customers[customer] if customer else None,
            remittance_line_id=line,
        )
        return line

    def take(self, line_id: int, amount: str, *, when: datetime) -> None:
        take_unapplied_cash(self.session, remittance_line_id=line_id, amount=Decimal(amount), actor="clerk", now=when)

    def review(self, key: str, *, when: datetime, kind: str = "remittance_line") -> int:
        item = open_review_item(self.session, key=key, kind=kind, reason="test", now=when)
        assert item is not None
        return item

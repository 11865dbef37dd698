"""A small ledger for the report tests, written through the real posting code
(:func:`ledger.posting.apply_cash`, :func:`ledger.reversals.unapply`, unapplied cash), and a
generator of a year of such activity that keeps its own account of the balances."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.refs import normalise_ref
from ledger.models import Customer, InboundMessage, Invoice, Remittance, RemittanceLine
from ledger.posting import apply_cash, open_review_item
from ledger.reversals import unapply
from ledger.unapplied_cash import record_unapplied_cash, take_unapplied_cash

ZERO = Decimal("0.00")


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


class Book:
    """Writes ledger rows into one session; methods return ids."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.customers: dict[str, int] = {}
        self.invoices: dict[str, int] = {}
        # message ids go on from the mail already in the ledger (a second Book on one database)
        self._n = session.scalar(select(func.count()).select_from(InboundMessage)) or 0

    def customer(self, number: str, name: str | None = None) -> int:
        row = Customer(
            number=number, name=name or f"Customer {number}", created_at=at(date(2025, 1, 1))
        )
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

    def line(
        self,
        *,
        when: datetime,
        currency: str = "USD",
        customer: str | None = None,
        outcome: str = "auto",
        amount: str = "0.00",
    ) -> int:
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
        line = line_id or self.line(
            when=when,
            currency=currency,
            amount=amount,
            outcome="auto" if status == "auto" else "review",
        )
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
        unapply(
            self.session,
            application_id=application_id,
            actor="clerk",
            reason="wrong invoice",
            now=when,
        )

    def unapplied(
        self, amount: str, *, when: datetime, customer: str | None, currency: str = "USD"
    ) -> int:
        line = self.line(
            when=when, currency=currency, customer=customer, outcome="review", amount=amount
        )
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
        take_unapplied_cash(
            self.session,
            remittance_line_id=line_id,
            amount=Decimal(amount),
            actor="clerk",
            now=when,
        )

    def review(self, key: str, *, when: datetime, kind: str = "remittance_line") -> int:
        item = open_review_item(self.session, key=key, kind=kind, reason="test", now=when)
        assert item is not None
        return item


@dataclass
class Year:
    """What :func:`generate_year` posted, and the receivables it expects at each month end
    (its own account: a dict of balances moved in Python alongside the ledger)."""

    closing: dict[tuple[int, str], Decimal] = field(default_factory=dict)  # (month, currency)
    applications: int = 0
    reversals: int = 0
    discounts: int = 0
    credit_memos: int = 0
    partials: int = 0


def generate_year(session: Session, *, seed: int = 2025, year: int = 2025) -> Year:
    """A year of activity: invoices every few days (USD and EUR), some imported already part
    paid, credit memos, full and partial payments, early-payment discounts, credit memos
    netted against payments, and payments un-applied a few days later."""
    rng = random.Random(seed)
    book = Book(session)
    out = Year()
    for c in range(1, 7):
        book.customer(f"C{c}")
    balance: dict[str, Decimal] = {}
    meta: dict[str, tuple[str, date]] = {}  # number -> (currency, issue date)
    applied: list[tuple[int, str, Decimal, date]] = []  # (application id, invoice, settled, day)
    n = 0
    day = date(year, 1, 1)
    while day.year == year:
        for _ in range(1 if rng.random() < 0.4 else 0):
            n += 1
            number = f"G-{n:04d}"
            customer = f"C{rng.randrange(1, 7)}"
            currency = "EUR" if rng.random() < 0.25 else "USD"
            if rng.random() < 0.08:
                amount = -Decimal(rng.randrange(500, 20000)).scaleb(-2)
                out.credit_memos += 1
                open_ = amount
            else:
                amount = Decimal(rng.randrange(5000, 500000)).scaleb(-2)
                open_ = amount
                if rng.random() < 0.05:  # imported with part already paid elsewhere
                    open_ = (amount / 2).quantize(Decimal("0.01"))
            book.invoice(
                number,
                customer,
                issued=day,
                due=day + timedelta(days=30),
                amount=str(amount),
                currency=currency,
                balance=str(open_),
            )
            balance[number] = open_
            meta[number] = (currency, day)
        for number in [k for k, v in balance.items() if v > ZERO]:
            currency, issued = meta[number]
            if day <= issued or rng.random() > 0.08:
                continue
            when = at(day, rng.randrange(8, 18))
            bal = balance[number]
            discount = ZERO
            if rng.random() < 0.3:
                amount = (bal * Decimal(rng.randrange(20, 80)) / 100).quantize(Decimal("0.01"))
                out.partials += 1
            elif rng.random() < 0.2 and (day - issued).days <= 10:
                discount = (bal * Decimal("0.02")).quantize(Decimal("0.01"))
                amount = bal - discount
                out.discounts += 1
            else:
                amount = bal
            if amount <= ZERO:
                continue
            line = book.line(when=when, currency=currency, amount=str(amount))
            status = "auto" if rng.random() < 0.8 else "confirmed"
            app = book.pay(
                number,
                str(amount),
                discount=str(discount),
                when=when,
                status=status,
                line_id=line,
                currency=currency,
            )
            balance[number] = bal - amount - discount
            applied.append((app, number, amount + discount, day))
            out.applications += 1
            credits = [
                k
                for k, v in balance.items()
                if v < ZERO and meta[k][0] == currency and meta[k][1] < day
            ]
            if credits and rng.random() < 0.3:  # the payer nets a credit memo
                memo = credits[0]
                book.pay(memo, str(balance[memo]), when=when, line_id=line, currency=currency)
                applied.append((-1, memo, balance[memo], day))
                balance[memo] = ZERO
                out.applications += 1
        for app, number, took, paid_on in list(applied):
            if app > 0 and took > ZERO and (day - paid_on).days == 3 and rng.random() < 0.05:
                book.unapply(app, when=at(day, 19))
                balance[number] += took
                applied.remove((app, number, took, paid_on))
                out.reversals += 1
        following = day + timedelta(days=1)
        if following.month != day.month:
            for currency in ("USD", "EUR"):
                out.closing[(day.month, currency)] = sum(
                    (v for k, v in balance.items() if meta[k][0] == currency), start=ZERO
                )
        day = following
    session.flush()
    return out

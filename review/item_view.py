"""Everything the item page shows about one review item, read in one session into frozen
values (templates never touch the database): the item, its customer, the payment, the
remittance lines with their candidates (invoice, customer, open balance, due date, score) and
the decision record (each signal, why the runner-up lost), the proposal and the rules a
confirmation would teach, whether a reply can go to the sender, the decision history, and the
mail (:mod:`review.item_mail`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session, sessionmaker

from core.statuses import LINE_KINDS, ReviewStatus
from ledger import models as m
from ledger.item_reads import (
    customer_number,
    invoice_number,
    invoices_numbered,
    invoices_with_customers,
    remittance_lines,
    remittance_of_inbound,
)
from ledger.review_closing import notes, reassign_rule
from ledger.review_decisions import proposal
from ledger.taught_rules import rules_to_teach
from review.item_mail import MailView, PageRenderer, mail_view
from review.item_reply import reply_recipient


@dataclass(frozen=True, slots=True)
class CandidateView:
    """An invoice suggested for a line. ``proposed``: what accepting would apply it to."""

    invoice_number: str
    customer_number: str | None
    customer_name: str | None
    balance: Decimal | None
    currency: str | None
    due_date: date | None
    status: str
    score: str
    proposed: bool
    proposed_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class SignalView:
    name: str
    value: str
    detail: str


@dataclass(frozen=True, slots=True)
class LineView:
    """A remittance line as written and as decided, with its evidence."""

    line_id: int
    line_no: int
    invoice_ref: str
    stated_amount: Decimal | None
    amount: Decimal
    gross: Decimal | None
    discount: Decimal | None
    deduction: Decimal | None
    deduction_reason: str | None
    outcome: str
    confidence: Decimal
    reason: str
    invoice_number: str | None
    signals: tuple[SignalView, ...]
    runner_up: str | None
    candidates: tuple[CandidateView, ...]
    is_this_item: bool


@dataclass(frozen=True, slots=True)
class PaymentView:
    currency: str
    stated_total: Decimal | None
    lines_total: Decimal
    payment_ref: str | None
    payment_date: date | None
    payment_method: str | None
    payer_name: str | None
    #: How the remittance was read ("pdf", "html", "ocr png"…) and, read by OCR, the text.
    source: str = ""
    read_text: str | None = None


@dataclass(frozen=True, slots=True)
class ItemView:
    """One review item, for the item page."""

    id: int
    kind: str
    status: str
    reason: str
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    customer_number: str | None
    customer_name: str | None
    is_line_item: bool
    payment: PaymentView | None
    lines: tuple[LineView, ...]
    line: LineView | None
    proposal: tuple[tuple[str, Decimal | None], ...]
    remember: tuple[str, ...]
    remember_on_reassign: str | None
    reply_to: str | None
    reply_note: str
    history: tuple[tuple[datetime, str, str], ...]
    mail: MailView | None

    @property
    def is_open(self) -> bool:
        return self.status == ReviewStatus.OPEN


def read_item_view(
    sessions: sessionmaker[Session], item_id: int, *, pages: PageRenderer | None
) -> ItemView | None:
    """:func:`item_view` with the mail read (and its PDFs rendered) after the database
    session is closed: on SQLite a session holds the write lock (``BEGIN IMMEDIATE``), and a
    PDF may take seconds to render."""
    with sessions() as session:
        view = item_view(session, item_id, pages=None, with_mail=False)
        raw = _raw_mail(session, item_id) if view is not None else None
    if view is None or raw is None:
        return view
    return dataclasses.replace(view, mail=mail_view(raw, pages=pages))


def _raw_mail(session: Session, item_id: int) -> bytes | None:
    item = session.get(m.ReviewItem, item_id)
    line = (
        session.get(m.RemittanceLine, item.remittance_line_id)
        if item and item.remittance_line_id
        else None
    )
    remittance = session.get(m.Remittance, line.remittance_id) if line else None
    inbound_id = remittance.inbound_id if remittance else item.inbound_id if item else None
    inbound = session.get(m.InboundMessage, inbound_id) if inbound_id else None
    return inbound.raw if inbound is not None and inbound.raw else None


def item_view(
    session: Session, item_id: int, *, pages: PageRenderer | None, with_mail: bool = True
) -> ItemView | None:
    """The item page's values for review item ``item_id``; None when there is no such item.
    ``with_mail=False`` leaves ``mail`` None (see :func:`read_item_view`)."""
    item = session.get(m.ReviewItem, item_id)
    if item is None:
        return None
    customer = session.get(m.Customer, item.customer_id) if item.customer_id else None
    line = (
        session.get(m.RemittanceLine, item.remittance_line_id) if item.remittance_line_id else None
    )
    remittance = session.get(m.Remittance, line.remittance_id) if line else None
    if remittance is None and item.inbound_id is not None:
        remittance = remittance_of_inbound(session, item.inbound_id)
    inbound_id = remittance.inbound_id if remittance else item.inbound_id
    inbound = session.get(m.InboundMessage, inbound_id) if inbound_id else None
    proposed = proposal(session, item) if item.kind in LINE_KINDS else []
    lines = _lines(session, remittance, item, proposed) if remittance else ()
    this = next((v for v in lines if v.is_this_item), None)
    to, why = reply_recipient(session, item)
    return ItemView(
        id=item.id,
        kind=item.kind,
        status=item.status,
        reason=item.reason,
        created_at=item.created_at,
        resolved_at=item.resolved_at,
        resolved_by=item.resolved_by,
        customer_number=customer.number if customer else None,
        customer_name=customer.name if customer else None,
        is_line_item=item.kind in LINE_KINDS and line is not None,
        payment=_payment(remittance) if remittance else None,
        lines=lines,
        line=this,
        proposal=tuple(proposed),
        remember=_remember(session, inbound, remittance, line, proposed, item),
        remember_on_reassign=_reassign_words(session, remittance, inbound),
        reply_to=to,
        reply_note=why,
        history=tuple(notes(session, item.id)),
        mail=(
            mail_view(inbound.raw, pages=pages)
            if with_mail and inbound is not None and inbound.raw
            else None
        ),
    )


def _payment(remittance: m.Remittance) -> PaymentView:
    return PaymentView(
        currency=remittance.currency,
        stated_total=remittance.stated_total,
        lines_total=remittance.lines_total,
        payment_ref=remittance.payment_ref,
        payment_date=remittance.payment_date,
        payment_method=remittance.payment_method,
        payer_name=remittance.payer_name,
        source=remittance.source,
        read_text=remittance.read_text,
    )


def _lines(
    session: Session,
    remittance: m.Remittance,
    item: m.ReviewItem,
    proposed: list[tuple[str, Decimal | None]],
) -> tuple[LineView, ...]:
    rows = remittance_lines(session, remittance.id)
    chosen = dict(proposed)
    views: list[LineView] = []
    for row in rows:
        evidence = row.evidence or {}
        mine = row.id == item.remittance_line_id
        stored = item.candidates if mine and item.candidates else evidence.get("candidates", [])
        scores = [
            (str(c["invoice_number"]), str(c.get("score", "")))
            for c in stored
            if isinstance(c, dict) and c.get("invoice_number")
        ]
        for number in chosen if mine else ():
            if number not in {n for n, _ in scores}:
                scores.append((number, "proposed"))
        views.append(
            LineView(
                line_id=row.id,
                line_no=row.line_no,
                invoice_ref=row.invoice_ref or "",
                stated_amount=row.stated_amount,
                amount=row.amount,
                gross=row.gross,
                discount=row.discount,
                deduction=row.deduction,
                deduction_reason=row.deduction_reason,
                outcome=row.outcome,
                confidence=row.confidence,
                reason=row.reason,
                invoice_number=invoice_number(session, row.invoice_id),
                signals=tuple(
                    SignalView(
                        str(s.get("name", "")), str(s.get("value", "")), str(s.get("detail", ""))
                    )
                    for s in evidence.get("signals", [])
                    if isinstance(s, dict)
                ),
                runner_up=evidence.get("runner_up"),
                candidates=_candidates(session, scores, chosen if mine else {}),
                is_this_item=mine,
            )
        )
    return tuple(views)


def _candidates(
    session: Session, scores: list[tuple[str, str]], chosen: dict[str, Decimal | None]
) -> tuple[CandidateView, ...]:
    found = invoices_with_customers(session, [n for n, _ in scores])
    views = []
    for number, score in scores:
        inv, cust = found.get(number, (None, None))
        views.append(
            CandidateView(
                invoice_number=number,
                customer_number=cust.number if cust else None,
                customer_name=cust.name if cust else None,
                balance=inv.balance if inv else None,
                currency=inv.currency if inv else None,
                due_date=inv.due_date if inv else None,
                status=inv.status if inv else "unknown",
                score=score,
                proposed=number in chosen,
                proposed_amount=chosen.get(number),
            )
        )
    return tuple(views)


def _remember(
    session: Session,
    inbound: m.InboundMessage | None,
    remittance: m.Remittance | None,
    line: m.RemittanceLine | None,
    proposed: list[tuple[str, Decimal | None]],
    item: m.ReviewItem,
) -> tuple[str, ...]:
    """The rules a confirmation of the proposal would teach, in words, before deciding."""
    if inbound is None or remittance is None or line is None or not proposed:
        return ()
    invoices = invoices_numbered(session, [n for n, _ in proposed])
    owners = {inv.customer_id for inv in invoices}
    if len(owners) != 1:
        return ()
    (owner,) = owners
    if item.customer_id is not None and item.customer_id != owner:
        return ()
    number = customer_number(session, owner)
    taught = rules_to_teach(session, inbound, remittance, line, invoices, owner)
    return tuple(_words(kind, text, number) for kind, text in taught)


def _words(kind: str, text: str, customer_number: str) -> str:
    if kind == "payer_name":
        return f"payer {text!r} is customer {customer_number}"
    if kind == "sender":
        return f"sender {text!r} is customer {customer_number}"
    return f"customer {customer_number} writes our numbers without {text!r} in front"


def _reassign_words(
    session: Session, remittance: m.Remittance | None, inbound: m.InboundMessage | None
) -> str | None:
    taught = reassign_rule(session, remittance, inbound)
    if taught is None:
        return None
    kind, text = taught
    return f"{'payer' if kind == 'payer_name' else 'sender'} {text!r} is the chosen customer"

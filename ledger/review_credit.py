"""A dispute settled with a credit memo, as the review app records it: which item may be
credited and which invoice it names, the item closed with the credit memo recorded, and the
credit memos an item made. The credit memo itself is issued by the worker's
``issue_credit_memo`` (its own transaction); this module only reads and records around it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import RefusedActionError
from core.statuses import ReviewKind, ReviewStatus
from ledger import models as m
from ledger.review_closing import close_with
from ledger.review_decisions import Decided, checked_text, decision_events

#: The decision's name in the audit trail (``review_decision`` events).
CREDIT_DECISION = "credit"
#: Item kinds a clerk may settle with a credit memo.
CREDIT_KINDS = frozenset({ReviewKind.DISPUTE})


@dataclass(frozen=True, slots=True)
class ItemCredit:
    """A credit memo a review item's decision issued, as it stands now."""

    number: str
    invoice_number: str
    amount: Decimal  # negative
    balance: Decimal
    currency: str
    status: str

    @property
    def is_open(self) -> bool:
        """Whether it still waits to be settled (or netted)."""
        return self.status == "open" and self.balance < 0


def creditable_item(session: Session, item_id: int) -> m.ReviewItem:
    """The open dispute item ``item_id``, or why it cannot be credited."""
    item = session.get(m.ReviewItem, item_id)
    if item is None:
        raise RefusedActionError(f"review item {item_id} does not exist")
    if item.kind not in CREDIT_KINDS:
        raise RefusedActionError(
            f"review item {item_id} is a {item.kind} item: only a dispute is settled with a "
            "credit memo"
        )
    if item.status != ReviewStatus.OPEN:
        by = f" by {item.resolved_by}" if item.resolved_by else ""
        raise RefusedActionError(f"review item {item_id} is already {item.status}{by}")
    return item


def check_creditable_invoice(session: Session, item: m.ReviewItem, invoice_number: str) -> None:
    """Refuse crediting ``invoice_number`` from ``item`` unless it is an invoice of the
    dispute's customer: a dispute is settled on its own customer's account, never another's.

    Raises:
        RefusedActionError: with the reason.
    """
    if item.customer_id is None:
        raise RefusedActionError(
            f"review item {item.id} has no customer: a person assigns it before crediting"
        )
    owner = session.scalar(select(m.Invoice.customer_id).where(m.Invoice.number == invoice_number))
    if owner is None:
        raise RefusedActionError(f"there is no invoice {invoice_number[:64]!r}")
    if owner != item.customer_id:
        raise RefusedActionError(
            f"invoice {invoice_number[:64]} is not this dispute's customer's: "
            "a dispute is credited on its own customer's invoices only"
        )


def disputed_invoices(session: Session, item: m.ReviewItem) -> list[str]:
    """The customer's invoices the dispute names (its candidates), open ones first: the first
    is what the Credit form offers."""
    named = [
        str(c["invoice_number"])
        for c in (item.candidates if isinstance(item.candidates, list) else [])
        if isinstance(c, dict) and c.get("invoice_number")
    ]
    if not named or item.customer_id is None:
        return []
    rows = session.execute(
        select(m.Invoice.number, m.Invoice.status).where(
            m.Invoice.number.in_(named), m.Invoice.customer_id == item.customer_id
        )
    ).all()
    status: dict[str, str] = {row[0]: row[1] for row in rows}
    mine = [n for n in dict.fromkeys(named) if n in status]
    return sorted(mine, key=lambda n: (status[n] != "open", mine.index(n)))


def close_credited(
    session: Session,
    *,
    item_id: int,
    credit_number: str,
    invoice_number: str,
    reason: str,
    actor: str,
    now: datetime,
    submission: str | None = None,
) -> Decided:
    """Resolve the dispute item with the credit memo issued for it recorded (decision
    ``credit``: the credit memo's and the invoice's numbers, the reason, the user)."""
    why = checked_text(reason, "the reason")
    return close_with(
        session,
        item_id=item_id,
        decision=CREDIT_DECISION,
        summary=f"credited: credit memo {credit_number} for {invoice_number}: {why}",
        actor=actor,
        now=now,
        submission=submission,
        credit_number=credit_number,
        invoice_number=invoice_number,
        why=why,
    )


def item_credits(session: Session, item_id: int) -> list[ItemCredit]:
    """The credit memos the item's ``credit`` decisions issued, as they stand now."""
    events = decision_events(session, item_id)
    numbers = [
        str(e.detail["credit_number"])
        for e in events
        if e.detail.get("decision") == CREDIT_DECISION and e.detail.get("credit_number")
    ]
    if not numbers:
        return []
    rows = session.scalars(select(m.Invoice).where(m.Invoice.number.in_(numbers))).all()
    out = []
    for row in sorted(rows, key=lambda r: numbers.index(r.number)):
        invoice = session.get(m.Invoice, row.credits_invoice_id) if row.credits_invoice_id else None
        out.append(
            ItemCredit(
                number=row.number,
                invoice_number=invoice.number if invoice is not None else "",
                amount=row.amount,
                balance=row.balance,
                currency=row.currency,
                status=row.status,
            )
        )
    return out


def was_submitted(session: Session, item_id: int, submission: str | None) -> bool:
    """Whether this very form (its submission token) was decided on the item before."""
    if not submission:
        return False
    events = decision_events(session, item_id)
    return any(e.detail.get("submission") == submission for e in events)

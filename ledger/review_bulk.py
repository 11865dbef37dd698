"""Bulk-accept (the review queue's button): the open line items whose top candidate scores at
least a threshold, each accepted as :func:`ledger.review_decisions.accept_proposal` accepts one,
in a transaction of its own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from core.errors import RefusedActionError
from core.statuses import LINE_KINDS, ReviewKind, ReviewStatus
from ledger import models as m
from ledger.review_decisions import Decided, accept_proposal, top_candidate


@dataclass(frozen=True, slots=True)
class BulkResult:
    """What bulk-accept did: the items accepted (with their summaries) and those it left,
    with the reason (refused by the same checks as a single accept)."""

    accepted: tuple[Decided, ...]
    refused: tuple[tuple[int, str], ...]


def bulk_candidates(
    session: Session,
    *,
    min_confidence: Decimal,
    kind: str | None = None,
    customer_number: str | None = None,
    limit: int = 200,
) -> list[int]:
    """Open line items (of ``kind``, of ``customer_number``'s when given), oldest first, whose
    top candidate scores at least ``min_confidence``."""
    stmt = (
        select(m.ReviewItem.id, m.ReviewItem.candidates)
        .where(
            m.ReviewItem.status == ReviewStatus.OPEN,
            m.ReviewItem.kind.in_(sorted(LINE_KINDS - {ReviewKind.UNVERIFIED_PAYMENT})),
            m.ReviewItem.remittance_line_id.is_not(None),
        )
        .order_by(m.ReviewItem.created_at, m.ReviewItem.id)
    )
    if kind:
        stmt = stmt.where(m.ReviewItem.kind == kind)
    if customer_number:
        stmt = stmt.join(m.Customer, m.Customer.id == m.ReviewItem.customer_id).where(
            m.Customer.number == customer_number
        )
    ids: list[int] = []
    for item_id, candidates in session.execute(stmt):
        best = top_candidate(candidates)
        if best is not None and best[1] >= min_confidence:
            ids.append(item_id)
            if len(ids) >= limit:
                break
    return ids


def bulk_accept(
    sessions: sessionmaker[Session],
    *,
    item_ids: Sequence[int],
    min_confidence: Decimal,
    actor: str,
    now: datetime,
    submission: str | None = None,
) -> BulkResult:
    """Accept the proposal of each item, each in its own transaction through
    :func:`accept_proposal`; an item whose top candidate scores below ``min_confidence`` now
    (or that is refused) is left, with the reason, and the others go on."""
    accepted: list[Decided] = []
    refused: list[tuple[int, str]] = []
    for item_id in dict.fromkeys(item_ids):
        try:
            with sessions.begin() as session:
                item = session.get(m.ReviewItem, item_id, with_for_update=True)
                best = top_candidate(item.candidates) if item is not None else None
                low = best is None or best[1] < min_confidence
                if item is not None and item.status == ReviewStatus.OPEN and low:
                    score = "none" if best is None else str(best[1])
                    why = f"top candidate score {score} is below {min_confidence}"
                    raise RefusedActionError(why)
                accepted.append(
                    accept_proposal(
                        session,
                        item_id=item_id,
                        actor=actor,
                        now=now,
                        submission=f"{submission}:{item_id}" if submission else None,
                    )
                )
        except RefusedActionError as e:
            refused.append((item_id, str(e)))
    return BulkResult(accepted=tuple(accepted), refused=tuple(refused))

"""What a run of mail came to, read for ``arbox ingest``, the demo and the in-process runtime:
each message's outcome, the money applied from it and the replies sent for it; how many are
still unfinished."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.statuses import FINAL_STATUSES, InvoiceStatus, OutboxStatus, ReviewStatus
from ledger import models as m


def inbound_rows(session: Session, inbound_ids: Sequence[int]) -> dict[int, m.InboundMessage]:
    """The inbound rows of ``inbound_ids``, by id."""
    return {
        r.id: r
        for r in session.execute(
            select(m.InboundMessage).where(m.InboundMessage.id.in_(list(inbound_ids)))
        ).scalars()
    }


def applied_by_inbound(session: Session, inbound_ids: Sequence[int]) -> dict[int, Decimal]:
    """The cash applied from each of ``inbound_ids`` (those that applied any)."""
    return dict(
        session.execute(
            select(m.Remittance.inbound_id, func.sum(m.Application.amount))
            .join(m.RemittanceLine, m.RemittanceLine.remittance_id == m.Remittance.id)
            .join(m.Application, m.Application.remittance_line_id == m.RemittanceLine.id)
            .where(m.Remittance.inbound_id.in_(list(inbound_ids)))
            .group_by(m.Remittance.inbound_id)
        )
        .tuples()
        .all()
    )


def replies_sent_by_inbound(session: Session, inbound_ids: Sequence[int]) -> dict[int, int]:
    """How many replies were sent for each of ``inbound_ids`` (those with any)."""
    rows = session.execute(
        select(m.OutboxMessage.inbound_id, func.count(m.OutboxMessage.id))
        .where(
            m.OutboxMessage.inbound_id.in_(list(inbound_ids)),
            m.OutboxMessage.status == OutboxStatus.SENT,
        )
        .group_by(m.OutboxMessage.inbound_id)
    ).tuples()
    return {inbound_id: sent for inbound_id, sent in rows if inbound_id is not None}


def count_final(session: Session, inbound_ids: Sequence[int]) -> int:
    """How many of ``inbound_ids`` are in a final state."""
    return session.execute(
        select(func.count(m.InboundMessage.id)).where(
            m.InboundMessage.id.in_(list(inbound_ids)),
            m.InboundMessage.status.in_([s.value for s in FINAL_STATUSES]),
        )
    ).scalar_one()


def count_pending_replies(session: Session, inbound_ids: Sequence[int]) -> int:
    """How many mails caused by ``inbound_ids`` are still pending."""
    return session.execute(
        select(func.count(m.OutboxMessage.id)).where(
            m.OutboxMessage.inbound_id.in_(list(inbound_ids)),
            m.OutboxMessage.status == OutboxStatus.PENDING,
        )
    ).scalar_one()


def is_all_done(session: Session, *, at_least: int = 0) -> bool:
    """Every inbound message final (and at least ``at_least`` of them stored) and no mail
    pending."""
    final = m.InboundMessage.status.in_([s.value for s in FINAL_STATUSES])
    done, unfinished = session.execute(
        select(func.count(case((final, 1))), func.count(case((~final, 1))))
    ).one()
    if done < at_least:
        return False
    pending = session.execute(
        select(func.count(m.OutboxMessage.id)).where(m.OutboxMessage.status == OutboxStatus.PENDING)
    ).scalar_one()
    return unfinished == 0 and pending == 0


def inbound_message_ids(session: Session) -> list[tuple[int, str]]:
    """(id, Message-ID) of every inbound message, by id."""
    rows = session.execute(
        select(m.InboundMessage.id, m.InboundMessage.message_id).order_by(m.InboundMessage.id)
    ).all()
    return [(inbound_id, message_id) for inbound_id, message_id in rows]


def count_paid_invoices(session: Session) -> int:
    """How many invoices are paid."""
    return session.execute(
        select(func.count(m.Invoice.id)).where(m.Invoice.status == InvoiceStatus.PAID)
    ).scalar_one()


def count_open_review_items(session: Session) -> int:
    """How many review items are open."""
    return session.execute(
        select(func.count(m.ReviewItem.id)).where(m.ReviewItem.status == ReviewStatus.OPEN)
    ).scalar_one()


def outbox_by_message_id(session: Session) -> dict[str, tuple[str, int | None]]:
    """(kind, inbound id) of every outbox mail, by its Message-ID."""
    return {
        r.message_id: (r.kind, r.inbound_id)
        for r in session.execute(
            select(m.OutboxMessage.message_id, m.OutboxMessage.kind, m.OutboxMessage.inbound_id)
        )
    }

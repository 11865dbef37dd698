"""What happened to each inbound message, for the reports of ``arbox ingest`` and the demo."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from core.types import OutboxStatus
from ledger import models as m
from worker.services import Services


@dataclass(frozen=True, slots=True)
class MessageOutcome:
    """One inbound message's result."""

    inbound_id: int
    subject: str
    sender: str
    status: str
    kind: str
    applied: Decimal
    reason: str
    replies_sent: int


def message_outcomes(svc: Services, inbound_ids: Sequence[int]) -> list[MessageOutcome]:
    """The outcome of each message in ``inbound_ids``, in that order."""
    with svc.sessions() as session:
        rows = {
            r.id: r
            for r in session.execute(
                select(m.InboundMessage).where(m.InboundMessage.id.in_(list(inbound_ids)))
            ).scalars()
        }
        applied = dict(
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
        sent = dict(
            session.execute(
                select(m.OutboxMessage.inbound_id, func.count(m.OutboxMessage.id))
                .where(
                    m.OutboxMessage.inbound_id.in_(list(inbound_ids)),
                    m.OutboxMessage.status == OutboxStatus.SENT,
                )
                .group_by(m.OutboxMessage.inbound_id)
            )
            .tuples()
            .all()
        )
    out = []
    for inbound_id in inbound_ids:
        row = rows[inbound_id]
        out.append(
            MessageOutcome(
                inbound_id=inbound_id,
                subject=row.subject or "",
                sender=row.from_address or "",
                status=row.status,
                kind=row.kind or "",
                applied=applied.get(inbound_id) or Decimal("0.00"),
                reason=row.reason or "",
                replies_sent=sent.get(inbound_id, 0),
            )
        )
    return out

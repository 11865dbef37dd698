"""What happened to each inbound message, for the reports of ``arbox ingest`` and the demo."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from core.money import format_amount
from ledger.run_reads import applied_by_inbound, inbound_rows, replies_sent_by_inbound
from ledger.session import reading
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
    with reading(svc.sessions) as session:
        rows = inbound_rows(session, inbound_ids)
        applied = applied_by_inbound(session, inbound_ids)
        sent = replies_sent_by_inbound(session, inbound_ids)
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


#: The columns of :func:`outcome_row`.
OUTCOME_COLUMNS = ("mail", "from", "kind", "outcome", "applied", "reply", "why")


def outcome_row(outcome: MessageOutcome, name: str) -> tuple[str, ...]:
    """One mail's line of the outcome table ``arbox ingest`` and ``arbox demo`` print."""
    return (
        name,
        outcome.sender,
        outcome.kind,
        outcome.status,
        format_amount(outcome.applied, "XXX") if outcome.applied else "",  # never rounded
        "sent" if outcome.replies_sent else "",
        outcome.reason,
    )

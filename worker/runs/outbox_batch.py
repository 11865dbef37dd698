"""Writing a bulk run's mails to the outbox in batches (statements, reminders).

One transaction per mail cost a commit (an fsync on SQLite) and SQLAlchemy's statement
building per row, half of a statement run's time; a batch is one multi-row INSERT and one
commit. Every row has its deterministic key, so a crash between two batches loses nothing a
re-run would not write again, and a re-run writes nothing twice. When another run wrote one of
a batch's keys meanwhile, the batch is written again row by row, skipping those.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from core.statuses import OutboxStatus
from ledger.bulk_runs import insert_outbox_rows
from outbound.outbox import RenderedMail, add_to_outbox
from worker.services import Services

#: Rows per transaction.
WRITE_BATCH = 100


@dataclass(frozen=True, slots=True)
class PendingRow:
    """A rendered mail to store under ``key``."""

    key: str
    kind: str
    mail: RenderedMail
    now: datetime
    customer_id: int | None


class OutboxWriter:
    """Collects rows and writes them :data:`WRITE_BATCH` a transaction; ``queued`` are the ids
    of the rows this writer created."""

    def __init__(self, svc: Services, *, batch: int = WRITE_BATCH) -> None:
        self.svc = svc
        self.batch = batch
        self.queued: list[int] = []
        self._rows: list[PendingRow] = []

    def add(self, row: PendingRow) -> None:
        """Queue ``row``; writes the batch when it is full."""
        self._rows.append(row)
        if len(self._rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Write what is queued."""
        rows, self._rows = self._rows, []
        if not rows:
            return
        try:
            with self.svc.sessions.begin() as session:
                ids = insert_outbox_rows(session, [_values(r) for r in rows])
        except IntegrityError:  # another run wrote some of these keys meanwhile
            ids = []
            with self.svc.sessions.begin() as session:
                for r in rows:
                    row_id = add_to_outbox(
                        session,
                        key=r.key,
                        kind=r.kind,
                        message=r.mail,
                        now=r.now,
                        customer_id=r.customer_id,
                    )
                    if row_id is not None:
                        ids.append(row_id)
        self.queued.extend(ids)


def _values(row: PendingRow) -> dict[str, object]:
    mail = row.mail
    return {
        "key": row.key,
        "kind": row.kind,
        "inbound_id": None,
        "customer_id": row.customer_id,
        "message_id": mail.message_id,
        "sender": mail.sender,
        "recipients": ",".join(mail.recipients),
        "subject": mail.subject,
        "raw": mail.raw,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "created_at": row.now,
        "enqueued_at": row.now,
    }

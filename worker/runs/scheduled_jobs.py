"""What the scheduler's actors do: one statement run or dunning run for a date, returning the
outbox rows to send (the new ones and those an earlier attempt left pending)."""

from __future__ import annotations

from datetime import date

import structlog

from worker.runs.dunning import queue_dunning
from worker.runs.statements import queue_statements
from worker.services import Services

log = structlog.get_logger(__name__)


def statement_run(as_of: str, *, svc: Services) -> list[int]:
    """The statements as of ``as_of`` (ISO date) written to the outbox; the rows to send."""
    done = queue_statements(svc, as_of=date.fromisoformat(as_of))
    log.info("scheduled_statements", as_of=as_of, queued=len(done.queued))
    return [*done.queued, *done.pending]


def dunning_run(as_of: str, *, svc: Services) -> list[int]:
    """The reminders of ``as_of`` (ISO date) written to the outbox; the rows to send."""
    run = queue_dunning(svc, as_of=date.fromisoformat(as_of))
    held = [r.customer_number for r in run.customers if r.held]
    log.info("scheduled_dunning", as_of=as_of, queued=len(run.queued), held=len(held))
    return [*run.queued, *run.pending]

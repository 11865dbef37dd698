"""The statements of the bulk runs (worker.runs): outbox rows written in batches, the rows an
earlier run of a day left, the dunning notices a run records (and the dry run's it replaces),
and the scheduler's record of the runs it started."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from core.statuses import OutboxStatus
from ledger import models as m
from ledger.models import DunningNotice, ScheduledRun


def insert_outbox_rows(session: Session, rows: Sequence[Mapping[str, object]]) -> list[int]:
    """Insert ``rows`` into the outbox in one statement; their ids, in order. Raises
    IntegrityError when a key is taken."""
    session.execute(insert(m.OutboxMessage), list(rows))
    return list(
        session.scalars(
            select(m.OutboxMessage.id)
            .where(m.OutboxMessage.key.in_([str(r["key"]) for r in rows]))
            .order_by(m.OutboxMessage.id)
        ).all()
    )


def statement_rows_as_of(session: Session, as_of: date) -> dict[str, tuple[int, str]]:
    """Outbox rows of statements as of ``as_of`` already written: key → (id, status)."""
    suffix = f":{as_of.isoformat()}"
    rows = session.execute(
        select(m.OutboxMessage.key, m.OutboxMessage.id, m.OutboxMessage.status).where(
            m.OutboxMessage.kind == "statement",
            m.OutboxMessage.key.like("statement:%"),
            m.OutboxMessage.key.endswith(suffix, autoescape=True),
        )
    ).tuples()
    return {key: (row_id, status) for key, row_id, status in rows}


def dunning_rows_as_of(session: Session, as_of: date, *, statuses: Sequence[str]) -> list[int]:
    """Reminder rows of runs for ``as_of`` in one of ``statuses``, by id."""
    return list(
        session.scalars(
            select(m.OutboxMessage.id)
            .where(
                m.OutboxMessage.kind == "dunning",
                m.OutboxMessage.status.in_(tuple(statuses)),
                m.OutboxMessage.key.like(f"dunning:%:{as_of.isoformat()}:%"),
            )
            .order_by(m.OutboxMessage.id)
        ).all()
    )


def record_dunning_notices(session: Session, notices: Sequence[Mapping[str, object]]) -> None:
    """Insert ``notices`` (one per invoice reminded at a level). Raises IntegrityError when
    an invoice was reminded at that level already."""
    session.execute(insert(DunningNotice), list(notices))


def forget_dry_run_notices(session: Session, invoice_levels: Sequence[tuple[int, str]]) -> None:
    """Delete the notices of each (invoice id, level) whose mail a dry run only rendered."""
    dry = select(m.OutboxMessage.id).where(m.OutboxMessage.status == OutboxStatus.DRY_RUN)
    for invoice_id, level in invoice_levels:
        session.execute(
            delete(DunningNotice).where(
                DunningNotice.invoice_id == invoice_id,
                DunningNotice.level == level,
                DunningNotice.outbox_id.in_(dry),
            )
        )


def record_scheduled_run(
    session: Session,
    *,
    job: str,
    run_key: str,
    fire_time: datetime,
    enqueued_at: datetime,
    scheduler: str,
) -> None:
    """Record that ``scheduler`` started ``job``'s run ``run_key``. Raises IntegrityError when
    that run was started already."""
    session.execute(
        insert(ScheduledRun).values(
            job=job,
            run_key=run_key,
            fire_time=fire_time,
            enqueued_at=enqueued_at,
            scheduler=scheduler,
        )
    )


def last_fire_time(session: Session, job: str) -> datetime | None:
    """When ``job`` last fired, or None."""
    return session.execute(
        select(func.max(ScheduledRun.fire_time)).where(ScheduledRun.job == job)
    ).scalar_one_or_none()

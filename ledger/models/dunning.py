"""The tables of dunning and the scheduler: holds on reminders, the reminders sent, and the
scheduled runs already started."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger.base import Base, Money


class DunningHold(Base):
    """Reminders held for a customer's invoice (``invoice_id``), or for all of its invoices
    (``invoice_id`` null), because of a dispute or a promise to pay.

    A dispute hold lasts while its review item is open; a promise-to-pay hold until
    ``until`` (the promised date) has passed, or while its review item is open when the
    customer named no date. ``key`` makes recording it idempotent."""

    __tablename__ = "dunning_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32))  # core.statuses.HOLD_KINDS
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    review_item_id: Mapped[int | None] = mapped_column(ForeignKey("review_items.id"))
    until: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class DunningNotice(Base):
    """A reminder of one invoice at one level, sent (or queued) in an outbox row: never twice
    for the same (invoice, level)."""

    __tablename__ = "dunning_notices"
    __table_args__ = (UniqueConstraint("invoice_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"))
    level: Mapped[str] = mapped_column(String(64))  # the template name, e.g. reminder_1
    days: Mapped[int] = mapped_column(Integer)  # the level's days overdue
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), index=True)
    as_of: Mapped[date] = mapped_column(Date)
    balance: Mapped[Decimal] = mapped_column(Money())  # what the reminder asked for
    created_at: Mapped[datetime]


class ScheduledRun(Base):
    """A scheduled job's occurrence that a scheduler started (enqueued): one per (job, day)."""

    __tablename__ = "scheduled_runs"
    __table_args__ = (UniqueConstraint("job", "run_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))  # statements | dunning
    run_key: Mapped[str] = mapped_column(String(64))  # the as-of date, ISO
    fire_time: Mapped[datetime]
    enqueued_at: Mapped[datetime]
    scheduler: Mapped[str] = mapped_column(String(255))  # host:pid that enqueued it

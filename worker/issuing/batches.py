"""Issuing checked invoices in batches: one transaction per batch of :data:`BATCH` invoices
(numbers taken, figures computed, mails rendered — in ``workers`` processes when more than
one — and open items, lines, audit events and outbox rows written, then one commit).

A batch commits whole or not at all, so the numbers stay gap-free. When a batch fails — a
concurrent run issued one of its invoices meanwhile (its issue key is taken), or one invoice
cannot be numbered or rendered — it is done again one invoice per transaction: the invoices
before the failing one are issued, a concurrent run's are reported as issued before, and the
run stops at the failing one.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from multiprocessing.pool import Pool
from typing import Protocol

from sqlalchemy.exc import IntegrityError

from core.errors import ARError
from ledger.issuing_store import issued_keys
from outbound.issued_mail import IssuedMailStyle, MailJob, render_job
from worker.issuing.common import Pending, number_and_compute, refuse_taken, store_many
from worker.services import Services

#: Invoices per transaction: a commit (an fsync on SQLite) and the statements' overhead
#: shared by fifty; the sequence's row is held for a batch's rendering (about a second).
BATCH = 50


class Plan(Protocol):
    """What a batch needs of a checked invoice."""

    @property
    def key(self) -> str: ...

    @property
    def pending(self) -> Pending: ...


@dataclass(frozen=True, slots=True)
class Result:
    """An invoice ``issued`` now or ``already`` issued (by a concurrent run)."""

    status: str
    number: str
    total: Decimal
    outbox_id: int | None


class Stopped(Exception):
    """Issuing stopped at ``index`` of the batch: ``done`` were issued before it."""

    def __init__(self, done: list[Result], index: int, error: Exception) -> None:
        super().__init__(str(error))
        self.done, self.index, self.error = done, index, error


@contextmanager
def render_pool(workers: int) -> Iterator[Pool | None]:
    """``workers`` rendering processes (None: render in this process)."""
    if workers <= 1:
        yield None
        return
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        yield pool


def issue_all(
    svc: Services,
    plans: Sequence[Plan],
    *,
    style: IssuedMailStyle,
    pool: Pool | None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Result], tuple[int, Exception] | None]:
    """Issue ``plans`` batch by batch: the results, and (index, error) of the invoice the run
    stopped at (None: none)."""
    results: list[Result] = []
    for start in range(0, len(plans), BATCH):
        batch = plans[start : start + BATCH]
        try:
            results += _batch(svc, batch, style=style, pool=pool)
        except (IntegrityError, ARError, ValueError):
            try:
                results += _one_by_one(svc, batch, style=style)
            except Stopped as stop:
                return results + stop.done, (start + stop.index, stop.error)
        if progress is not None:
            progress(len(results))
    return results, None


def _batch(
    svc: Services, plans: Sequence[Plan], *, style: IssuedMailStyle, pool: Pool | None
) -> list[Result]:
    now, settings = svc.clock(), svc.settings
    with svc.sessions.begin() as session:
        issued = [
            number_and_compute(session, p.pending, settings=settings, check_taken=False)
            for p in plans
        ]
        refuse_taken(session, issued)
        jobs = [
            MailJob(i, p.pending.to, p.pending.locale, p.pending.einvoice, now, style)
            for p, i in zip(plans, issued, strict=True)
        ]
        mails = pool.map(render_job, jobs, chunksize=2) if pool else [render_job(j) for j in jobs]
        outbox_ids = store_many(
            session,
            [(p.pending, i, m) for p, i, m in zip(plans, issued, mails, strict=True)],
            now=now,
        )
    return [
        Result("issued", i.draft.number, i.amount_due, outbox_id)
        for i, outbox_id in zip(issued, outbox_ids, strict=True)
    ]


def _one_by_one(svc: Services, plans: Sequence[Plan], *, style: IssuedMailStyle) -> list[Result]:
    done: list[Result] = []
    for index, plan in enumerate(plans):
        try:
            done += _batch(svc, [plan], style=style, pool=None)
        except IntegrityError as e:  # a concurrent run issued the same content meanwhile
            with svc.sessions() as session:
                found = issued_keys(session, [plan.key]).get(plan.key)
            if found is None:
                raise Stopped(done, index, e) from e
            done.append(Result("already", found[0], found[1], None))
        except (ARError, ValueError) as e:
            raise Stopped(done, index, e) from e
    return done

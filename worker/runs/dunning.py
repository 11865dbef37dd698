"""A dunning run (``arbox dunning send``, and the scheduler's daily job): one reminder mail per
customer covering all of its invoices due a reminder, each at its level, to the customer's
registered contacts only.

Per customer, one transaction writes the outbox row and a ``dunning_notices`` row per
(invoice, level). The notices are unique per (invoice, level), so no invoice is ever reminded
twice at a level, whatever runs at the same time; the outbox key
``dunning:{customer}:{as of}:{digest of the invoices and levels}`` and the row's stable
Message-ID make a crash and a re-run send nothing twice: a re-run finds the notices written
and sends only the rows still pending.

Held customers and invoices (see :mod:`ledger.dunning`) are reported with their reasons and
recorded as an audit event (``dunning_held``); a dry run decides and reports the same and
writes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.errors import PermanentError
from core.statuses import OutboxStatus
from ledger.bulk_runs import dunning_rows_as_of, forget_dry_run_notices, record_dunning_notices
from ledger.dunning import CustomerDunning, iter_dunning, levels_from
from ledger.locale_store import locale_book
from ledger.posting import audit
from outbound.compose import clean_header, stable_message_id
from outbound.mime_writer import write_document_mail
from outbound.outbox import RenderedMail, add_to_outbox
from outbound.recipients import Audience, allowed_recipients
from outbound.templating import languages, render, render_subject, template_environment
from worker.runs.statements import valid_addresses
from worker.services import Services

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class CustomerResult:
    """What the run did for one customer."""

    customer_number: str
    status: str  # sent | held | partly_held | no_contact | done_before | would_send
    reminded: tuple[tuple[str, str], ...]  # (invoice number, level) in the mail
    held: tuple[tuple[str, tuple[str, ...]], ...]  # (invoice number, reasons)
    outbox_id: int | None = None

    def describe(self) -> str:
        """One line for people."""
        parts = []
        if self.reminded:
            listed = ", ".join(f"{n} ({level})" for n, level in self.reminded)
            verb = {
                "would_send": "would send",
                "done_before": "sent before",
                "no_contact": "no registered contact, not mailed:",
            }.get(self.status, "sent")
            parts.append(f"{verb} {listed}")
        if self.held:
            reasons = sorted({r for _, rs in self.held for r in rs})
            numbers = ", ".join(n for n, _ in self.held)
            parts.append(f"held {numbers} ({'; '.join(reasons)})")
        return f"{self.customer_number}: " + "; ".join(parts)


@dataclass(frozen=True, slots=True)
class DunningRun:
    """What writing a run's reminders did."""

    as_of: date
    dry_run: bool
    customers: tuple[CustomerResult, ...]
    queued: tuple[int, ...]  # outbox rows this run wrote
    pending: tuple[int, ...]  # rows of an earlier run for this date still to send


def dunning_key(plan: CustomerDunning) -> str:
    """The outbox key of a customer's reminder mail: its date and what it reminds."""
    content = ",".join(f"{i.invoice_id}:{i.level.name}" for i in plan.due)
    digest = hashlib.sha256(content.encode()).hexdigest()[:16]
    return f"dunning:{plan.customer_number}:{plan.as_of.isoformat()}:{digest}"


def queue_dunning(
    svc: Services,
    *,
    as_of: date,
    customer_number: str | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> DunningRun:
    """Decide every customer's reminders on ``as_of`` and (unless ``dry_run``) write them to
    the outbox; returns what was done per customer and the rows to send. ``progress`` is told
    how many customers are done so far (they are streamed: no total up front).

    Raises:
        PermanentError: ``ARBOX_AR_ADDRESS`` is not set, or a level has no template.
    """
    settings = svc.settings
    if not settings.ar_address:
        raise PermanentError("set ARBOX_AR_ADDRESS (the From of every reminder)")
    levels = levels_from(settings.dunning_level_list)
    for language in languages(settings.templates_dir):
        known = template_environment(settings.templates_dir, language=language).list_templates()
        for level in levels:
            for suffix in ("subject.j2", "txt.j2", "html.j2"):
                if f"{level.name}.{suffix}" not in known:
                    raise PermanentError(
                        f"dunning level {level.name}: no template {level.name}.{suffix} "
                        "(packaged, or in ARBOX_TEMPLATES_DIR)"
                    )
    results: list[CustomerResult] = []
    queued: list[int] = []
    for plan in iter_dunning(
        svc.sessions, as_of=as_of, levels=levels, customer_number=customer_number
    ):
        result = _one_customer(svc, plan, dry_run=dry_run)
        results.append(result)
        if progress is not None:
            progress(len(results))
        if result.outbox_id is not None and result.status in ("sent", "partly_held"):
            queued.append(result.outbox_id)
    pending = [] if dry_run else _pending_rows(svc, as_of, exclude=queued)
    log.info(
        "dunning_queued", as_of=str(as_of), queued=len(queued), pending=len(pending),
        held=sum(1 for r in results if r.held), dry_run=dry_run,
    )  # fmt: skip
    return DunningRun(
        as_of=as_of,
        dry_run=dry_run,
        customers=tuple(results),
        queued=tuple(queued),
        pending=tuple(pending),
    )


def _totals(plan: CustomerDunning) -> list[tuple[str, Decimal]]:
    totals: dict[str, Decimal] = {}
    for i in plan.due:
        totals[i.currency] = totals.get(i.currency, Decimal("0.00")) + i.balance
    return sorted(totals.items())


def _one_customer(svc: Services, plan: CustomerDunning, *, dry_run: bool) -> CustomerResult:
    reminded = tuple((i.number, i.level.name) for i in plan.due)
    held = tuple((h.invoice.number, h.reasons) for h in plan.held)
    # Who may receive it: outbound.recipients decides (the customer's registered contacts).
    recipients = list(
        allowed_recipients(
            valid_addresses(plan.contacts),
            [Audience(customer_id=plan.customer_id, contacts=frozenset(plan.contacts))],
        )
    )
    if dry_run:
        status = "would_send" if plan.due and recipients else "held"
        if plan.due and not recipients:
            status = "no_contact"
        return CustomerResult(plan.customer_number, status, reminded, held)
    now = svc.clock()
    if plan.held:
        _record_held(svc, plan, now=now)
    if not plan.due:
        return CustomerResult(plan.customer_number, "held", (), held)
    if not recipients:
        log.warning("dunning_without_contact", customer=plan.customer_number)
        return CustomerResult(plan.customer_number, "no_contact", reminded, held)
    with svc.sessions() as session:
        locale = locale_book(session, plan.customer_id).for_mail(
            recipients, default=svc.settings.default_locale
        )
    mail = _compose(svc, plan, to=recipients, now=now, locale=locale)
    try:
        with svc.sessions.begin() as session:
            outbox_id = add_to_outbox(
                session,
                key=dunning_key(plan),
                kind="dunning",
                message=mail,
                now=now,
                customer_id=plan.customer_id,
            )
            if outbox_id is None:  # this very mail was written by another run
                return CustomerResult(plan.customer_number, "done_before", reminded, held)
            if not svc.settings.outbound_dry_run:
                _forget_dry_run_notices(session, plan)
            record_dunning_notices(
                session,
                [
                    {
                        "invoice_id": i.invoice_id, "level": i.level.name, "days": i.level.days,
                        "customer_id": plan.customer_id, "outbox_id": outbox_id,
                        "as_of": plan.as_of, "balance": i.balance, "created_at": now,
                    }
                    for i in plan.due
                ],
            )  # fmt: skip
    except IntegrityError:  # another run reminded one of these invoices at its level
        log.info("dunning_raced", customer=plan.customer_number)
        return CustomerResult(plan.customer_number, "done_before", reminded, held)
    status = "partly_held" if held else "sent"
    return CustomerResult(plan.customer_number, status, reminded, held, outbox_id)


def _forget_dry_run_notices(session: Session, plan: CustomerDunning) -> None:
    """Delete the notices of ``plan``'s invoices at their levels whose mail was only rendered
    under ARBOX_OUTBOUND_DRY_RUN, on another day: nobody was reminded, and this real run's
    notices take their place (a dry run never marks anything done)."""
    forget_dry_run_notices(session, [(i.invoice_id, i.level.name) for i in plan.due])


def _compose(
    svc: Services, plan: CustomerDunning, *, to: Sequence[str], now: datetime, locale: str
) -> RenderedMail:
    settings = svc.settings
    level = plan.top_level
    if settings.ar_address is None or level is None:
        raise ValueError("a reminder needs ARBOX_AR_ADDRESS and something to remind")
    context = {
        "dunning": plan,
        "level": level,
        "totals": _totals(plan),
        "company_name": settings.company_name,
    }
    folder = settings.templates_dir
    subject = render_subject(
        f"{level.name}.subject.j2", context, locale=locale, templates_dir=folder
    )
    return write_document_mail(
        sender=settings.ar_address,
        company_name=settings.company_name,
        to=to,
        subject=clean_header(subject),
        message_id=stable_message_id(
            dunning_key(plan), domain=settings.ar_address.partition("@")[2]
        ),
        now=now,
        text=render(f"{level.name}.txt.j2", context, locale=locale, templates_dir=folder),
        html=render(f"{level.name}.html.j2", context, locale=locale, templates_dir=folder),
        attachments=(),
    )


def _record_held(svc: Services, plan: CustomerDunning, *, now: datetime) -> None:
    with svc.sessions.begin() as session:
        audit(
            session,
            actor="dunning",
            action="dunning_held",
            entity="customer",
            entity_id=plan.customer_id,
            now=now,
            as_of=plan.as_of.isoformat(),
            invoices={h.invoice.number: list(h.reasons) for h in plan.held},
        )
    log.info("dunning_held", customer=plan.customer_number, invoices=len(plan.held))


def _pending_rows(svc: Services, as_of: date, *, exclude: Sequence[int]) -> list[int]:
    """Reminder rows of an earlier run for ``as_of`` that are still to send (for a real run,
    those an ``ARBOX_OUTBOUND_DRY_RUN`` run only rendered, too)."""
    skip = set(exclude)
    with svc.sessions() as session:
        statuses = (
            (OutboxStatus.PENDING,)
            if svc.settings.outbound_dry_run
            else (OutboxStatus.PENDING, OutboxStatus.DRY_RUN)
        )
        rows = dunning_rows_as_of(session, as_of, statuses=statuses)
    return [r for r in rows if r not in skip]

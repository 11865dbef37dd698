"""``arbox statements send``, ``arbox dunning send`` and ``arbox scheduler``, which starts
both runs on time (the runs themselves: :mod:`worker.runs.statements`, :mod:`worker.runs.dunning`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from core.config import Settings
from core.errors import ARError
from core.logging import configure_logging
from worker.cli import common
from worker.cli.progress import Stopwatch, progress_bar, step_reporter, summary_line
from worker.cli.status import start_operations

if TYPE_CHECKING:
    from rich.progress import Progress

    from worker.runs.statements import SentStatements
    from worker.services import Services

statements_app = typer.Typer(help="Statements of account.", no_args_is_help=True)
dunning_app = typer.Typer(help="Reminders of overdue invoices.", no_args_is_help=True)


def _begin(as_of: str | None, *, smtp: str | None) -> tuple[Stopwatch, date, Settings]:
    """What a run starts with: its stopwatch, the date of ``--as-of`` (today when not given)
    and the settings; ``smtp`` is the error when those have no SMTP server (None: none
    needed)."""
    from worker.services import utc_now  # loads SQLAlchemy: `arbox --help` stays quick

    configure_logging("WARNING")
    watch = Stopwatch()
    try:
        day = date.fromisoformat(as_of) if as_of else utc_now().date()
    except ValueError:
        raise common.fail(f"--as-of {as_of!r}: expected a date YYYY-MM-DD", 2) from None
    settings = Settings.from_env()
    if smtp is not None and not settings.smtp_configured:
        raise common.fail(smtp, 2)
    return watch, day, settings


@contextmanager
def _running(settings: Settings) -> Iterator[tuple[Services, Progress]]:
    """The services and the progress bars of a run; an arbox error ends the command."""
    with common.open_services(settings) as svc:
        try:
            with progress_bar(common.err) as bar:
                yield svc, bar
        except ARError as e:
            raise common.fail(str(e)) from e


def _send(svc: Services, bar: Progress, outbox_ids: list[int]) -> SentStatements:
    """Deliver the queued mail ``outbox_ids``, moving a "sending" bar."""
    from worker.runs.statements import send_statements  # loads SQLAlchemy and the PDF renderer

    sending = step_reporter(bar, bar.add_task("sending", total=len(outbox_ids)))
    return send_statements(svc, outbox_ids, progress=sending)


def _sent(result: SentStatements) -> str:
    """``"3 sent, 1 failed, 2 left to retry"``: what a send did (the counts that are not 0
    after the first)."""
    return (
        f"{result.sent} sent"
        + (f", {result.failed} failed" if result.failed else "")
        + (f", {result.pending} left to retry" if result.pending else "")
        + (f", {result.dry_run} rendered (dry run)" if result.dry_run else "")
    )


def _summary(command: str, body: str, watch: Stopwatch) -> None:
    common.out.print(
        summary_line(command, [body], seconds=watch.seconds()), highlight=False, soft_wrap=True
    )


@statements_app.command("send")
def statements_send(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date of the statements (YYYY-MM-DD); today.")
    ] = None,
    customer: Annotated[
        str | None, typer.Option("--customer", help="Only this customer (its number).")
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Processes rendering the PDFs and mails.")
    ] = 1,
) -> None:
    """Mail a statement of account (PDF) to each customer with open items, to its registered
    contacts; a second run for the same date sends nothing twice."""
    # loaded when run: SQLAlchemy and the PDF renderer (`arbox --help` stays quick)
    from worker.runs.statements import queue_statements

    watch, day, settings = _begin(as_of, smtp="set ARBOX_SMTP_HOST to send statements")
    with _running(settings) as (svc, bar):
        rendering = bar.add_task("rendering statements", total=None)
        queued = queue_statements(
            svc,
            as_of=day,
            customer_number=customer,
            workers=workers,
            progress=lambda done: bar.update(rendering, completed=done),
        )
        result = _send(svc, bar, [*queued.queued, *queued.pending])
    body = (
        f"as of {day.isoformat()}: {queued.customers} customer(s) with open items; "
        f"{len(queued.queued)} queued, {_sent(result)}"
        + (f"; {queued.done_before} sent before" if queued.done_before else "")
    )
    _summary("statements send", body, watch)
    if queued.without_contact:
        common.out.print(
            f"{len(queued.without_contact)} customer(s) without a contact, not mailed: "
            + ", ".join(queued.without_contact[:20])
            + (" …" if len(queued.without_contact) > 20 else ""),
            highlight=False,
        )
    if customer is not None and queued.customers == 0:
        common.out.print(f"customer {customer} has no open items", highlight=False)
    if result.failed or result.pending:
        raise typer.Exit(1)


@dunning_app.command("send")
def dunning_send(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date of the run (YYYY-MM-DD); today.")
    ] = None,
    customer: Annotated[
        str | None, typer.Option("--customer", help="Only this customer (its number).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Decide and print; write and send nothing.")
    ] = False,
) -> None:
    """Mail one reminder per customer covering its overdue invoices, each at its level
    (ARBOX_DUNNING_LEVELS); held customers and invoices are printed with the reason. Never
    twice for the same invoice and level."""
    # loaded when run: SQLAlchemy and the PDF renderer (`arbox --help` stays quick)
    from worker.runs.dunning import queue_dunning

    smtp = None if dry_run else "set ARBOX_SMTP_HOST to send reminders (or use --dry-run)"
    watch, day, settings = _begin(as_of, smtp=smtp)
    with _running(settings) as (svc, bar):
        deciding = bar.add_task("deciding reminders", total=None)
        run = queue_dunning(
            svc,
            as_of=day,
            customer_number=customer,
            dry_run=dry_run,
            progress=lambda done: bar.update(deciding, completed=done),
        )
        bar.update(deciding, total=len(run.customers))
        result = None if dry_run else _send(svc, bar, [*run.queued, *run.pending])
    for r in run.customers:
        common.out.print(r.describe(), highlight=False, soft_wrap=True)
    held = sum(1 for r in run.customers if r.held)
    head = f"as of {day.isoformat()}" + (" (dry run)" if dry_run else "")
    if result is None:
        would = sum(1 for r in run.customers if r.status == "would_send")
        body = (f"{head}: {would} reminder mail(s) would be sent; {held} customer(s) with "
                "held invoices; nothing written")  # fmt: skip
        _summary("dunning send", body, watch)
        return
    body = (
        f"{head}: {len(run.queued)} queued, {_sent(result)}; {held} customer(s) with held invoices"
    )
    _summary("dunning send", body, watch)
    if customer is not None and not run.customers:
        common.out.print(f"customer {customer} has nothing to remind", highlight=False)
    if result.failed or result.pending:
        raise typer.Exit(1)


def scheduler_cmd() -> None:
    """Start the monthly statement run and the daily dunning run on time (the Dramatiq
    workers do them); one scheduler acts at a time across machines. Until Ctrl-C."""
    # loaded when run: Dramatiq and SQLAlchemy (`arbox --help` stays quick)
    from worker.runs.scheduler import check_schedules, start_scheduler_thread
    from worker.runtime import boot

    configure_logging("INFO")
    settings = Settings.from_env()
    try:
        check_schedules(settings)
    except ARError as e:
        raise common.fail(str(e), 2) from e
    common.check_ready(settings)
    boot(settings)
    stop = threading.Event()
    common.stop_on_signals(stop)
    try:  # its metrics port (ARBOX_METRICS_PORT) and heartbeat, as a worker's and a poller's
        ops = start_operations(settings, {"scheduler": {}})
    except ARError as e:
        raise common.fail(str(e)) from e
    thread = start_scheduler_thread(stop)
    common.out.print("scheduler running; Ctrl-C stops it")
    stop.wait()
    thread.join(timeout=30)
    ops.stop()

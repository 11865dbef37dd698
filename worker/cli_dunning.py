"""``arbox dunning send`` and ``arbox scheduler``: registered on the app in :mod:`worker.cli`."""

from __future__ import annotations

import threading
from datetime import date
from typing import Annotated

import typer

from core.config import Settings
from core.errors import ARError
from core.logging import configure_logging
from worker.cli_console import make_console
from worker.cli_progress import Stopwatch, progress_bar, step_reporter, summary_line
from worker.cli_setup import check_ready, open_services

dunning_app = typer.Typer(help="Reminders of overdue invoices.", no_args_is_help=True)

out = make_console()
err = make_console(stderr=True)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


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
    from worker.runs.dunning import queue_dunning
    from worker.runs.statements import send_statements
    from worker.services import utc_now

    configure_logging("WARNING")
    watch = Stopwatch()
    try:
        day = date.fromisoformat(as_of) if as_of else utc_now().date()
    except ValueError:
        raise _fail(f"--as-of {as_of!r}: expected a date YYYY-MM-DD", 2) from None
    settings = Settings.from_env()
    if not dry_run and not settings.smtp_configured:
        raise _fail("set ARBOX_SMTP_HOST to send reminders (or use --dry-run)", 2)
    svc = open_services(settings)
    try:
        with progress_bar(err) as bar:
            deciding = bar.add_task("deciding reminders", total=None)
            run = queue_dunning(
                svc,
                as_of=day,
                customer_number=customer,
                dry_run=dry_run,
                progress=lambda done: bar.update(deciding, completed=done),
            )
            bar.update(deciding, total=len(run.customers))
            result = None
            if not dry_run:
                to_send = [*run.queued, *run.pending]
                sending = step_reporter(bar, bar.add_task("sending", total=len(to_send)))
                result = send_statements(svc, to_send, progress=sending)
    except ARError as e:
        raise _fail(str(e)) from e
    finally:
        svc.engine.dispose()
    for r in run.customers:
        out.print(r.describe(), highlight=False, soft_wrap=True)
    held = sum(1 for r in run.customers if r.held)
    head = f"as of {day.isoformat()}" + (" (dry run)" if dry_run else "")
    if result is None:
        would = sum(1 for r in run.customers if r.status == "would_send")
        body = (f"{head}: {would} reminder mail(s) would be sent; {held} customer(s) with "
                "held invoices; nothing written")  # fmt: skip
        out.print(
            summary_line("dunning send", [body], seconds=watch.seconds()),
            highlight=False,
            soft_wrap=True,
        )
        return
    body = (
        f"{head}: {len(run.queued)} queued, {result.sent} sent"
        + (f", {result.failed} failed" if result.failed else "")
        + (f", {result.pending} left to retry" if result.pending else "")
        + (f", {result.dry_run} rendered (dry run)" if result.dry_run else "")
        + f"; {held} customer(s) with held invoices"
    )
    out.print(
        summary_line("dunning send", [body], seconds=watch.seconds()),
        highlight=False,
        soft_wrap=True,
    )
    if customer is not None and not run.customers:
        out.print(f"customer {customer} has nothing to remind", highlight=False)
    if result.failed or result.pending:
        raise typer.Exit(1)


def scheduler_cmd() -> None:
    """Start the monthly statement run and the daily dunning run on time (the Dramatiq
    workers do them); one scheduler acts at a time across machines. Until Ctrl-C."""
    from worker.cli import _stop_on_signals
    from worker.runs.scheduler import check_schedules, start_scheduler_thread
    from worker.runtime import boot

    configure_logging("INFO")
    settings = Settings.from_env()
    try:
        check_schedules(settings)
    except ARError as e:
        raise _fail(str(e), 2) from e
    check_ready(settings)
    boot(settings)
    stop = threading.Event()
    _stop_on_signals(stop)
    from worker.cli_status import start_operations

    try:  # its metrics port (ARBOX_METRICS_PORT) and heartbeat, as a worker's and a poller's
        ops = start_operations(settings, {"scheduler": {}})
    except ARError as e:
        raise _fail(str(e)) from e
    thread = start_scheduler_thread(stop)
    out.print("scheduler running; Ctrl-C stops it")
    stop.wait()
    thread.join(timeout=30)
    ops.stop()

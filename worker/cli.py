"""The ``arbox`` command line."""

from __future__ import annotations

import signal
import sys
import threading
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.table import Table

from core.config import Settings
from core.errors import ARError, SettingsError
from core.logging import configure_logging, use_log_settings
from worker.cli_bank import bank_app, import_bank_cmd
from worker.cli_config import config_app
from worker.cli_console import make_console
from worker.cli_contacts import import_contacts_cmd
from worker.cli_dunning import dunning_app, scheduler_cmd
from worker.cli_progress import (
    Stopwatch,
    count_parts,
    progress_bar,
    step_reporter,
    summary_line,
)
from worker.cli_report import report_app
from worker.cli_setup import check_ready, open_services
from worker.cli_status import start_operations, status_cmd
from worker.cli_users import serve_command, users_app
from worker.outcomes import MessageOutcome

app = typer.Typer(
    help="arbox: the accounts-receivable mailbox worker.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
import_app = typer.Typer(help="Load data from files.", no_args_is_help=True)
export_app = typer.Typer(help="Export what arbox did.", no_args_is_help=True)
review_app = typer.Typer(help="The review queue.", no_args_is_help=True)
quarantine_app = typer.Typer(help="Mail that could not be processed.", no_args_is_help=True)
rules_app = typer.Typer(
    help="Rules reviewers' confirmations taught (sender, payer name, reference prefix).",
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")
app.add_typer(config_app, name="config")  # worker/cli_config.py: arbox config check
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")
app.add_typer(review_app, name="review")
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(rules_app, name="rules")
app.add_typer(report_app, name="report")  # worker/cli_report.py: aging, dso, cash, close
# The review web app (issue 7): its users and `arbox serve`.
app.add_typer(users_app, name="users")
app.command("serve")(serve_command)
# Dunning and the scheduler (issue 6): their commands live in worker/cli_dunning.py.
app.add_typer(dunning_app, name="dunning")
app.command("scheduler")(scheduler_cmd)

out = make_console()
err = make_console(stderr=True)


@app.callback()
def _log_settings() -> None:
    """arbox: the accounts-receivable mailbox worker."""
    # ARBOX_LOG_LEVEL / ARBOX_LOG_FORMAT for whatever level the command configures; a bad
    # setting is left for the command itself to report.
    try:
        settings = Settings.from_env()
    except (ValueError, ARError):  # a bad setting or a secret file: the command says which
        return
    use_log_settings(level=settings.log_level, fmt=settings.log_format)


def _settings() -> Settings:
    return Settings.from_env()


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema at ARBOX_DATABASE_URL. Idempotent. The only command that
    creates a database: every other one stops with `run arbox db upgrade` when it is missing,
    never migrated or behind this arbox."""
    from ledger.migrate import current, upgrade

    settings = _settings()
    upgrade(settings.database_url)
    out.print(f"database schema at revision {current(settings.database_url)}")


@import_app.command("invoices")
def import_invoices_cmd(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX file of open invoices.")],
) -> None:
    """Load open invoices and their customers. All-or-nothing; upsert by invoice_number."""
    from ledger.imports import import_invoices
    from worker.services import utc_now

    if not file.is_file():
        raise _fail(f"{file}: no such file", 2)
    watch = Stopwatch()
    settings = _settings()
    svc = open_services(settings)
    with progress_bar(err) as bar:
        step = step_reporter(bar, bar.add_task("importing rows", total=None))
        try:
            with svc.sessions.begin() as session:
                summary = import_invoices(
                    session,
                    file,
                    default_currency=settings.default_currency,
                    now=utc_now(),
                    progress=step,
                )
        except ARError as e:
            raise _fail(f"{file.name}: {e}; nothing was imported") from e
    parts = [
        f"{summary.rows} rows",
        f"{summary.invoices_created} invoices created",
        f"{summary.invoices_updated} updated",
        f"{summary.customers_created} customers created",
        f"{summary.contacts_added} contacts added",
    ]
    out.print(
        summary_line("import invoices", parts, seconds=watch.seconds()),
        highlight=False,
        soft_wrap=True,
    )


import_app.command("contacts")(import_contacts_cmd)  # worker/cli_contacts.py
# Bank statements (issue 8): the command lives in worker.cli_bank.
import_app.command("bank")(import_bank_cmd)
app.add_typer(bank_app, name="bank")


def _eml_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.eml") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise _fail(f"{path}: no such file or directory", 2)
    return files


#: The order of an ingest summary's counts: the outcomes people look for first.
INGEST_OUTCOMES = ("applied", "review", "ignored", "quarantined")


def _outcome_table(outcomes: list[MessageOutcome], names: dict[int, str]) -> Table:
    table = Table(title="What happened to each mail")
    for column in ("mail", "from", "kind", "outcome", "applied", "reply", "why"):
        table.add_column(column, overflow="fold")
    for o in outcomes:
        table.add_row(
            names.get(o.inbound_id, str(o.inbound_id)),
            o.sender,
            o.kind,
            o.status,
            f"{o.applied:,.2f}" if o.applied else "",
            "sent" if o.replies_sent else "",
            o.reason,
        )
    return table


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help=".eml files or directories of them.")],
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the work to finish.")] = 600,
) -> None:
    """Run .eml files through the same pipeline as mailbox mail; wait until all is done."""
    from worker.actors import process_message
    from worker.inbound.store import store_inbound
    from worker.runtime import boot, start_worker, wait_until_done

    configure_logging("WARNING")
    watch = Stopwatch()
    files = _eml_files(paths)
    if not files:
        raise _fail("no .eml files found", 2)
    settings = _settings()
    check_ready(settings)
    runtime = boot(settings)
    svc = runtime.services
    ids: list[int] = []
    names: dict[int, str] = {}
    with progress_bar(err) as bar:
        reading = step_reporter(bar, bar.add_task("storing mails", total=len(files)))
        for done, path in enumerate(files, start=1):
            stored = store_inbound(svc, path.read_bytes(), source="file")
            if stored.inbound_id not in names:
                ids.append(stored.inbound_id)
            names[stored.inbound_id] = path.name
            if stored.status == "stored":
                process_message.send(stored.inbound_id)
            reading(done, len(files))
        processing = step_reporter(bar, bar.add_task("processing", total=len(ids)))
        worker = start_worker(runtime, threads=settings.worker_threads)
        try:
            state = wait_until_done(
                svc, ids, timeout=timeout, on_progress=lambda p: processing(p.final, p.total)
            )
        finally:
            worker.stop(timeout=10_000)
    from worker.outcomes import message_outcomes

    outcomes = message_outcomes(svc, ids)
    out.print(_outcome_table(outcomes, names))
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    parts = [f"{len(ids)} mails", *count_parts(counts, order=INGEST_OUTCOMES)]
    out.print(
        summary_line("ingest", parts, seconds=watch.seconds()), highlight=False, soft_wrap=True
    )
    if not state.done:
        raise _fail(
            f"timed out after {timeout:g}s: {state.total - state.final} message(s) unfinished, "
            f"{state.pending_mail} mail(s) unsent"
        )


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(signum: int, _frame: object) -> None:
        err.print(f"stopping ({signal.Signals(signum).name})…")
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)


@app.command()
def worker(
    threads: Annotated[int | None, typer.Option(help="Worker threads.")] = None,
) -> None:
    """Dramatiq workers for the arbox queues, until Ctrl-C."""
    from worker.runtime import boot, start_worker

    configure_logging("INFO")
    settings = _settings()
    check_ready(settings)
    runtime = boot(settings)
    stop = threading.Event()
    _stop_on_signals(stop)
    ops = start_operations(settings, {"worker": {"threads": threads or settings.worker_threads}})
    dramatiq_worker = start_worker(runtime, threads=threads or settings.worker_threads)
    out.print("worker running; Ctrl-C stops it")
    stop.wait()
    ops.stop()
    dramatiq_worker.stop(timeout=30_000)


def _poller_threads(stop: threading.Event) -> list[threading.Thread]:
    """One poller thread per folder (each its own connection, IDLE and Redis lock)."""
    import redis

    from worker.actors import enqueue_swept, process_message
    from worker.broker import redis_url
    from worker.inbound.store import sweep
    from worker.mailbox import ImapConfig
    from worker.poller import Poller
    from worker.runtime import run_supervised
    from worker.services import get_services

    svc = get_services()
    settings = svc.settings
    sweep_age = timedelta(seconds=settings.sweep_after_seconds)
    client = redis.Redis.from_url(redis_url(settings))
    threads = []
    for folder in settings.imap_folders:
        poller = Poller(
            svc,
            ImapConfig.from_settings(settings),
            folders=[folder],
            enqueue=process_message.send,
            redis=client,
        )

        def loop(stop: threading.Event, poller: Poller = poller) -> None:
            poller.run(stop, after_poll=lambda: enqueue_swept(sweep(svc, older_than=sweep_age)))

        thread = threading.Thread(
            target=run_supervised,
            args=(loop, stop),
            kwargs={"name": f"poller {folder}"},
            name=f"arbox-poller-{folder}",
            daemon=True,
        )
        thread.start()
        threads.append(thread)
    return threads


@app.command()
def poller() -> None:
    """Poll the mailbox (IDLE where available) and enqueue new mail, until Ctrl-C."""
    from worker.runtime import boot

    configure_logging("INFO")
    settings = _settings()
    if not settings.imap_configured:
        raise _fail("set ARBOX_IMAP_HOST and ARBOX_IMAP_USER to poll a mailbox", 2)
    check_ready(settings)
    boot(settings)
    stop = threading.Event()
    _stop_on_signals(stop)
    ops = start_operations(settings, {"poller": {"folders": list(settings.imap_folders)}})
    threads = _poller_threads(stop)
    out.print(f"polling {settings.imap_folder} on {settings.imap_host}; Ctrl-C stops it")
    stop.wait()
    ops.stop()
    for thread in threads:
        thread.join(timeout=30)


@app.command()
def run() -> None:
    """The service on one machine: mailbox poller, workers, scheduler and the review web
    app, until Ctrl-C."""
    from review.server import start_in_thread
    from worker.metrics import REGISTRY as PROCESS_METRICS
    from worker.runs.scheduler import check_schedules, start_scheduler_thread
    from worker.runtime import boot, start_worker

    configure_logging("INFO")
    settings = _settings()
    if not settings.imap_configured:
        raise _fail("set ARBOX_IMAP_HOST and ARBOX_IMAP_USER to run the service", 2)
    try:
        check_schedules(settings)
    except ARError as e:
        raise _fail(str(e), 2) from e
    check_ready(settings)
    runtime = boot(settings)
    ops = start_operations(  # first: a metrics port in use stops here, nothing started
        settings,
        {
            "worker": {"threads": settings.worker_threads},
            "poller": {"folders": list(settings.imap_folders)},
            "scheduler": {},
        },
    )
    stop = threading.Event()
    _stop_on_signals(stop)
    scheduler = start_scheduler_thread(stop)  # a bad schedule stops here, nothing else started
    dramatiq_worker = start_worker(runtime, threads=settings.worker_threads)
    threads = [*_poller_threads(stop), scheduler]
    try:
        web = start_in_thread(settings, process_metrics=PROCESS_METRICS)
    except RuntimeError as e:
        stop.set()
        ops.stop()
        dramatiq_worker.stop(timeout=30_000)
        raise _fail(str(e)) from e
    out.print(
        f"arbox running: poller, workers, scheduler and the review app on {web.url}; "
        "Ctrl-C stops it"
    )
    stop.wait()
    ops.stop()
    web.stop()
    for thread in threads:
        thread.join(timeout=30)
    dramatiq_worker.stop(timeout=30_000)


@export_app.command("applications")
def export_applications(
    fmt: Annotated[Literal["csv", "json"], typer.Option("--format", help="Output format.")] = "csv",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write.")] = None,
    layout: Annotated[
        Literal["generic", "quickbooks", "sap"],
        typer.Option("--layout", help="Columns: generic, QuickBooks Online, SAP lockbox-like."),
    ] = "generic",
) -> None:
    """Cash applied: one row per (payment, invoice)."""
    from ledger.exports import applications_to_csv, applications_to_json
    from ledger.queries import applications_for_export

    svc = open_services(_settings())
    if layout != "generic":  # ledger/erp.py: layouts for posting back to an ERP (CSV only)
        if fmt != "csv":
            raise _fail(f"--layout {layout} is CSV only", 2)
        from worker.cli_report import export_layout

        export_layout(svc, layout, output)
        return
    with svc.sessions() as session:
        rows = applications_for_export(session)
    text = applications_to_csv(rows) if fmt == "csv" else applications_to_json(rows)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {len(rows)} application(s) to {output}")


@review_app.command("list")
def review_list(
    fmt: Annotated[
        Literal["table", "json"], typer.Option("--format", help="Output format.")
    ] = "table",
) -> None:
    """The pending review queue."""
    from ledger.exports import review_to_json, review_to_table_rows
    from ledger.queries import pending_review

    svc = open_services(_settings())
    with svc.sessions() as session:
        rows = pending_review(session)
    if fmt == "json":
        sys.stdout.write(review_to_json(rows))
        return
    table = Table(title=f"Review queue: {len(rows)} pending")
    for column in ("id", "kind", "message_id", "customer", "reason", "candidates", "created"):
        table.add_column(column, overflow="fold")
    for values in review_to_table_rows(rows):
        table.add_row(*values)
    out.print(table)


def _amounts(texts: list[str], invoices: list[str]) -> list[Decimal | None]:
    """One amount per ``--invoice`` (in order), or none at all (each then defaults)."""
    from core.errors import AmountFormatError
    from core.money import parse_amount

    if not texts:
        return [None] * len(invoices)
    if len(texts) != len(invoices):
        raise _fail(
            f"{len(invoices)} --invoice but {len(texts)} --amount: give one --amount after "
            "each --invoice, or none",
            2,
        )
    try:
        return [parse_amount(text) for text in texts]
    except AmountFormatError as e:
        raise _fail(str(e), 2) from e


@review_app.command("confirm")
def review_confirm(
    item_id: Annotated[int, typer.Argument(help="The review item (from `arbox review list`).")],
    invoices: Annotated[
        list[str], typer.Option("--invoice", help="Invoice to apply the line to; repeatable.")
    ],
    by: Annotated[str, typer.Option("--by", help="Who confirms (recorded with everything).")],
    amounts: Annotated[
        list[str] | None,
        typer.Option(
            "--amount",
            help="Amount for the --invoice before it; default: its balance or what is left "
            "of the line, whichever is less.",
        ),
    ] = None,
    remember: Annotated[
        bool,
        typer.Option(
            "--remember", help="Turn the confirmation into rules (sender, payer, prefix)."
        ),
    ] = False,
) -> None:
    """Apply a remittance line in review to the invoices named, and resolve the item."""
    from ledger.review_actions import confirm_line
    from worker.services import utc_now

    allocations = list(zip(invoices, _amounts(amounts or [], invoices), strict=True))
    svc = open_services(_settings())
    try:
        with svc.sessions.begin() as session:
            done = confirm_line(
                session,
                item_id=item_id,
                allocations=allocations,
                actor=by,
                remember=remember,
                now=utc_now(),
            )
    except ARError as e:
        raise _fail(f"review item {item_id}: {e}; nothing was changed") from e
    finally:
        svc.engine.dispose()
    for a in done.applied:
        out.print(
            f"applied {a.amount:,.2f} {done.currency} to {a.invoice_number} (application "
            f"{a.application_id}; balance now {a.balance_after:,.2f})",
            highlight=False,
        )
    if done.left_unapplied:
        out.print(f"{done.left_unapplied:,.2f} of the line is not applied", highlight=False)
    if done.customer_assigned:
        out.print(f"the mail is now customer {done.customer_number}'s", highlight=False)
    for rule in done.rules:
        out.print(f"remember: {rule.describe()} (rule {rule.id})", highlight=False)
    out.print(f"review item {item_id} resolved by {by}", highlight=False)


@review_app.command("close")
def review_close(
    item_id: Annotated[int, typer.Argument(help="The review item (from `arbox review list`).")],
    reason: Annotated[str, typer.Option("--reason", help="How it was settled (recorded).")],
    by: Annotated[str, typer.Option("--by", help="Who closes it (recorded with the reason).")],
) -> None:
    """Resolve an item that holds no cash to decide (a dispute settled, a promise kept, a
    question answered), with the reason: a dispute's or promise's reminder holds end with it."""
    from ledger.review_closing import close_item
    from worker.services import utc_now

    svc = open_services(_settings())
    try:
        with svc.sessions.begin() as session:
            done = close_item(session, item_id=item_id, reason=reason, actor=by, now=utc_now())
    except ARError as e:
        raise _fail(f"review item {item_id}: {e}; nothing was changed") from e
    finally:
        svc.engine.dispose()
    out.print(f"review item {item_id} {done.summary} (by {by})", highlight=False)


@rules_app.command("list")
def rules_list(
    fmt: Annotated[
        Literal["table", "json"], typer.Option("--format", help="Output format.")
    ] = "table",
) -> None:
    """Every rule, with who made it, when, and how often it was used."""
    from ledger.rules import RULE_COLUMNS, list_rules, rule_record, rules_to_json

    svc = open_services(_settings())
    try:
        with svc.sessions() as session:
            rules = list_rules(session)
    finally:
        svc.engine.dispose()
    if fmt == "json":
        sys.stdout.write(rules_to_json(rules))
        return
    table = Table(title=f"Rules: {len(rules)}")
    for column in RULE_COLUMNS:
        table.add_column(column, overflow="fold")
    for rule in rules:
        record = rule_record(rule)
        table.add_row(*("" if record[c] is None else str(record[c]) for c in RULE_COLUMNS))
    out.print(table)


@rules_app.command("delete")
def rules_delete(
    rule_id: Annotated[int, typer.Argument(help="The rule (from `arbox rules list`).")],
    by: Annotated[str, typer.Option("--by", help="Who deletes it (recorded).")],
) -> None:
    """Delete a rule; the next mail is identified without it."""
    from ledger.rules import delete_rule
    from worker.services import utc_now

    svc = open_services(_settings())
    try:
        with svc.sessions.begin() as session:
            rule = delete_rule(session, rule_id=rule_id, actor=by, now=utc_now())
    except ARError as e:
        raise _fail(str(e)) from e
    finally:
        svc.engine.dispose()
    out.print(
        f"deleted rule {rule.id} ({rule.describe()}; used {rule.hits} time(s))", highlight=False
    )


@app.command()
def unapply(
    application_id: Annotated[int, typer.Argument(help="The application of cash to reverse.")],
    by: Annotated[str, typer.Option("--by", help="Who un-applies it (recorded).")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded).")],
) -> None:
    """Reverse an application: the invoice's balance comes back and it is open again."""
    from ledger.reversals import unapply as unapply_cash
    from worker.services import utc_now

    svc = open_services(_settings())
    try:
        with svc.sessions.begin() as session:
            done = unapply_cash(
                session, application_id=application_id, actor=by, reason=reason, now=utc_now()
            )
    except ARError as e:
        raise _fail(str(e)) from e
    finally:
        svc.engine.dispose()
    given_back = done.amount + done.discount
    out.print(
        f"un-applied {done.amount:,.2f} {done.currency} from {done.invoice_number} "
        f"(customer {done.customer_number}); balance now {done.balance_after:,.2f} "
        f"(+{given_back:,.2f})",
        highlight=False,
    )


@app.command()
def explain(
    message_id: Annotated[str, typer.Argument(help="The mail's Message-ID, <...> included.")],
    fmt: Annotated[Literal["text", "json"], typer.Option("--format", help="Output format.")] = (
        "text"
    ),
) -> None:
    """The decision record of each remittance line of a mail: candidates, signals, why."""
    from ledger.queries import line_records
    from worker.explain import records_to_json, render_records

    svc = open_services(_settings())
    try:
        with svc.sessions() as session:
            records = line_records(session, message_id)
    finally:
        svc.engine.dispose()
    if not records:
        raise _fail(f"no remittance lines recorded for Message-ID {message_id!r}")
    if fmt == "json":
        sys.stdout.write(records_to_json(records))
        return
    render_records(records, out)


# `arbox status` (issue 20: JSON, live workers and pollers, exit 1 when unhealthy).
app.command("status")(status_cmd)


@quarantine_app.command("list")
def quarantine_list() -> None:
    """Every quarantined message with its reason."""
    from ledger.operations import quarantined

    svc = open_services(_settings())
    with svc.sessions() as session:
        rows = quarantined(session)
    table = Table(title=f"Quarantine: {len(rows)} message(s)")
    for column in ("id", "received", "from", "subject", "attempts", "reason"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(
            str(r.id),
            r.received_at.isoformat(timespec="seconds"),
            r.from_address or "",
            r.subject or "",
            str(r.attempts),
            r.reason,
        )
    out.print(table)


@quarantine_app.command("show")
def quarantine_show(
    inbound_id: Annotated[int, typer.Argument(help="The id from the list.")],
) -> None:
    """One quarantined message: identity, size, attempts and the full reason."""
    from ledger.operations import quarantined_message

    svc = open_services(_settings())
    with svc.sessions() as session:
        row = quarantined_message(session, inbound_id)
    if row is None:
        raise _fail(f"message {inbound_id} is not in quarantine")
    for label, value in (
        ("id", row.id),
        ("message-id", row.message_id or "(none)"),
        ("from", row.from_address or ""),
        ("subject", row.subject or ""),
        ("size", f"{row.size} bytes"),
        ("attempts", row.attempts),
        ("received", row.received_at.isoformat(timespec="seconds")),
        ("reason", row.reason),
    ):
        out.print(f"{label:>10}: {value}", highlight=False)


@quarantine_app.command("retry")
def quarantine_retry(
    inbound_id: Annotated[int, typer.Argument(help="The id from the list.")],
    wait: Annotated[bool, typer.Option(help="Process it now, in this process.")] = True,
) -> None:
    """Release a message from quarantine and process it again."""
    from ledger.operations import release_from_quarantine
    from worker.runtime import boot, start_worker, wait_until_done
    from worker.services import utc_now

    configure_logging("WARNING")
    settings = _settings()
    check_ready(settings)
    runtime = boot(settings)
    svc = runtime.services
    with svc.sessions.begin() as session:
        released = release_from_quarantine(session, inbound_id, actor="cli", now=utc_now())
    if not released:
        raise _fail(f"message {inbound_id} is not in quarantine")
    from worker.actors import process_message

    process_message.send(inbound_id)
    if not wait:
        out.print(f"message {inbound_id} queued again")
        return
    worker = start_worker(runtime, threads=1)
    try:
        state = wait_until_done(svc, [inbound_id], timeout=300)
    finally:
        worker.stop(timeout=10_000)
    from worker.outcomes import message_outcomes

    (outcome,) = message_outcomes(svc, [inbound_id])
    out.print(f"message {inbound_id}: {outcome.status} ({outcome.reason})", highlight=False)
    if not state.done:
        raise _fail("timed out waiting for the message")


@app.command()
def demo(
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Keep running after the demo mail.")
    ] = True,
    workdir: Annotated[Path, typer.Option(help="Where the demo keeps its files.")] = Path(
        ".arbox/demo"
    ),
) -> None:
    """The whole job on embedded servers, from nothing: IMAP, Redis, SQLite, SMTP sink."""
    from worker.dev.demo import run_demo

    configure_logging("WARNING")
    run_demo(workdir=workdir, serve=serve, console=out)


# --- arbox statements send ---------------------------------------------------------------------
statements_app = typer.Typer(help="Statements of account.", no_args_is_help=True)
app.add_typer(statements_app, name="statements")


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
    from datetime import date

    from worker.runs.statements import queue_statements, send_statements
    from worker.services import utc_now

    configure_logging("WARNING")
    watch = Stopwatch()
    try:
        day = date.fromisoformat(as_of) if as_of else utc_now().date()
    except ValueError:
        raise _fail(f"--as-of {as_of!r}: expected a date YYYY-MM-DD", 2) from None
    settings = _settings()
    if not settings.smtp_configured:
        raise _fail("set ARBOX_SMTP_HOST to send statements", 2)
    svc = open_services(settings)
    try:
        with progress_bar(err) as bar:
            rendering = bar.add_task("rendering statements", total=None)
            queued = queue_statements(
                svc,
                as_of=day,
                customer_number=customer,
                workers=workers,
                progress=lambda done: bar.update(rendering, completed=done),
            )
            to_send = [*queued.queued, *queued.pending]
            sending = step_reporter(bar, bar.add_task("sending", total=len(to_send)))
            result = send_statements(svc, to_send, progress=sending)
    except ARError as e:
        raise _fail(str(e)) from e
    finally:
        svc.engine.dispose()
    body = (
        f"as of {day.isoformat()}: {queued.customers} customer(s) with open items; "
        f"{len(queued.queued)} queued, {result.sent} sent"
        + (f", {result.failed} failed" if result.failed else "")
        + (f", {result.pending} left to retry" if result.pending else "")
        + (f", {result.dry_run} rendered (dry run)" if result.dry_run else "")
        + (f"; {queued.done_before} sent before" if queued.done_before else "")
    )
    out.print(
        summary_line("statements send", [body], seconds=watch.seconds()),
        highlight=False,
        soft_wrap=True,
    )
    if queued.without_contact:
        out.print(
            f"{len(queued.without_contact)} customer(s) without a contact, not mailed: "
            + ", ".join(queued.without_contact[:20])
            + (" …" if len(queued.without_contact) > 20 else ""),
            highlight=False,
        )
    if customer is not None and queued.customers == 0:
        out.print(f"customer {customer} has no open items", highlight=False)
    if result.failed or result.pending:
        raise typer.Exit(1)


def main() -> None:
    """Entry point of the ``arbox`` console script. A bad setting is a line per variable and
    exit status 2; an arbox error, or a database that fails mid-command, one line and 1."""
    try:
        app()
    except SettingsError as e:
        for line in e.lines:
            err.print(f"[red]error:[/red] {line}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except ARError as e:
        err.print(f"[red]error:[/red] {e}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except Exception as e:
        from sqlalchemy.exc import DBAPIError  # imported here: `arbox --help` stays quick

        if not isinstance(e, DBAPIError):
            raise
        from ledger.migrate import first_line

        err.print(
            f"[red]error:[/red] database error: {first_line(e.orig)} (ARBOX_DATABASE_URL; "
            "`arbox config check` tests it)",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(1)

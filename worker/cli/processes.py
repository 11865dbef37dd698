"""The commands that run arbox's processes: ``arbox run`` (everything on one machine),
``arbox worker``, ``arbox poller``, ``arbox ingest`` (.eml files through the same pipeline)
and ``arbox demo`` (the whole job on embedded servers). Each loads Dramatiq, SQLAlchemy and
the parsers when it runs, not when ``arbox --help`` does."""

from __future__ import annotations

import threading
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import redis
import typer
from rich.table import Table

from core.config import Settings
from core.errors import ARError
from core.logging import configure_logging
from core.statuses import InboundStatus
from worker.cli import common
from worker.cli.progress import (
    Stopwatch,
    count_parts,
    progress_bar,
    step_reporter,
    summary_line,
)
from worker.cli.status import start_operations
from worker.mailbox import ImapConfig

if TYPE_CHECKING:
    from worker.outcomes import MessageOutcome

#: The order of an ingest summary's counts: the outcomes people look for first.
INGEST_OUTCOMES = (
    InboundStatus.APPLIED,
    InboundStatus.REVIEW,
    InboundStatus.IGNORED,
    InboundStatus.QUARANTINED,
)


def _eml_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.eml") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise common.fail(f"{path}: no such file or directory", 2)
    return files


def _outcome_table(outcomes: list[MessageOutcome], names: dict[int, str]) -> Table:
    from worker.outcomes import OUTCOME_COLUMNS, outcome_row  # loads SQLAlchemy

    table = common.table("What happened to each mail", OUTCOME_COLUMNS)
    for o in outcomes:
        table.add_row(*outcome_row(o, names.get(o.inbound_id, str(o.inbound_id))))
    return table


def ingest(
    paths: Annotated[list[Path], typer.Argument(help=".eml files or directories of them.")],
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the work to finish.")] = 600,
) -> None:
    """Run .eml files through the same pipeline as mailbox mail; wait until all is done."""
    # loaded when run: Dramatiq, SQLAlchemy and the parsers (`arbox --help` stays quick)
    from worker.actors import process_message
    from worker.inbound.store import store_inbound
    from worker.outcomes import message_outcomes
    from worker.runtime import boot, start_worker, stop_worker, wait_until_done

    configure_logging("WARNING")
    watch = Stopwatch()
    files = _eml_files(paths)
    if not files:
        raise common.fail("no .eml files found", 2)
    settings = Settings.from_env()
    common.check_ready(settings)
    runtime = boot(settings)
    svc = runtime.services
    ids: list[int] = []
    names: dict[int, str] = {}
    with progress_bar(common.err) as bar:
        reading = step_reporter(bar, bar.add_task("storing mails", total=len(files)))
        for done, path in enumerate(files, start=1):
            stored = store_inbound(svc, path.read_bytes(), source="file")
            if stored.inbound_id not in names:
                ids.append(stored.inbound_id)
            names[stored.inbound_id] = path.name
            if stored.status == InboundStatus.STORED:
                process_message.send(stored.inbound_id)
            reading(done, len(files))
        processing = step_reporter(bar, bar.add_task("processing", total=len(ids)))
        worker = start_worker(runtime, threads=settings.worker_threads)
        try:
            state = wait_until_done(
                svc, ids, timeout=timeout, on_progress=lambda p: processing(p.final, p.total)
            )
        finally:
            stop_worker(runtime, worker, timeout=10_000)
    outcomes = message_outcomes(svc, ids)
    common.out.print(_outcome_table(outcomes, names))
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.status] = counts.get(o.status, 0) + 1
    parts = [f"{len(ids)} mails", *count_parts(counts, order=INGEST_OUTCOMES)]
    common.out.print(
        summary_line("ingest", parts, seconds=watch.seconds()), highlight=False, soft_wrap=True
    )
    if not state.done:
        raise common.fail(
            f"timed out after {timeout:g}s: {state.total - state.final} message(s) unfinished, "
            f"{state.pending_mail} mail(s) unsent"
        )


def worker(
    threads: Annotated[int | None, typer.Option(help="Worker threads.")] = None,
) -> None:
    """Dramatiq workers for the arbox queues, until Ctrl-C."""
    # loads Dramatiq: `arbox --help` stays quick
    from worker.runtime import boot, start_worker, stop_worker

    configure_logging("INFO")
    settings = Settings.from_env()
    common.check_ready(settings)
    runtime = boot(settings)
    stop = threading.Event()
    common.stop_on_signals(stop)
    ops = start_operations(settings, {"worker": {"threads": threads or settings.worker_threads}})
    dramatiq_worker = start_worker(runtime, threads=threads or settings.worker_threads)
    common.out.print("worker running; Ctrl-C stops it")
    stop.wait()
    ops.stop()
    stop_worker(runtime, dramatiq_worker, timeout=30_000)


def _poller_threads(stop: threading.Event) -> list[threading.Thread]:
    """One poller thread per folder (each its own connection, IDLE and Redis lock)."""
    # loaded when run: Dramatiq, SQLAlchemy and the parsers (`arbox --help` stays quick)
    from worker.actors import enqueue_swept, process_message
    from worker.broker import redis_url
    from worker.inbound.store import sweep
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


def poller() -> None:
    """Poll the mailbox (IDLE where available) and enqueue new mail, until Ctrl-C."""
    from worker.runtime import boot  # loads Dramatiq: `arbox --help` stays quick

    configure_logging("INFO")
    settings = Settings.from_env()
    if not settings.imap_configured:
        raise common.fail("set ARBOX_IMAP_HOST and ARBOX_IMAP_USER to poll a mailbox", 2)
    common.check_ready(settings)
    boot(settings)
    stop = threading.Event()
    common.stop_on_signals(stop)
    ops = start_operations(settings, {"poller": {"folders": list(settings.imap_folders)}})
    threads = _poller_threads(stop)
    common.out.print(f"polling {settings.imap_folder} on {settings.imap_host}; Ctrl-C stops it")
    stop.wait()
    ops.stop()
    for thread in threads:
        thread.join(timeout=30)


def run() -> None:
    """The service on one machine: mailbox poller, workers, scheduler and the review web
    app, until Ctrl-C."""
    # loaded when run: Dramatiq, SQLAlchemy and the web app (`arbox --help` stays quick)
    from review.server import start_in_thread
    from worker.broker import redis_client_for
    from worker.issuing.review_issuer import ReviewCreditIssuer
    from worker.metrics import REGISTRY as PROCESS_METRICS
    from worker.runs.scheduler import check_schedules, start_scheduler_thread
    from worker.runtime import boot, start_worker, stop_worker

    configure_logging("INFO")
    settings = Settings.from_env()
    if not settings.imap_configured:
        raise common.fail("set ARBOX_IMAP_HOST and ARBOX_IMAP_USER to run the service", 2)
    try:
        check_schedules(settings)
    except ARError as e:
        raise common.fail(str(e), 2) from e
    common.check_ready(settings)
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
    common.stop_on_signals(stop)
    scheduler = start_scheduler_thread(stop)  # a bad schedule stops here, nothing else started
    dramatiq_worker = start_worker(runtime, threads=settings.worker_threads)
    threads = [*_poller_threads(stop), scheduler]
    try:
        web = start_in_thread(
            settings,
            process_metrics=PROCESS_METRICS,
            redis_client=partial(redis_client_for, settings),
            credit_issuer=ReviewCreditIssuer(settings, services=runtime.services),
        )
    except RuntimeError as e:
        stop.set()
        ops.stop()
        stop_worker(runtime, dramatiq_worker, timeout=30_000)
        raise common.fail(str(e)) from e
    common.out.print(
        f"arbox running: poller, workers, scheduler and the review app on {web.url}; "
        "Ctrl-C stops it"
    )
    stop.wait()
    ops.stop()
    web.stop()
    for thread in threads:
        thread.join(timeout=30)
    stop_worker(runtime, dramatiq_worker, timeout=30_000)


def demo(
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Keep running after the demo mail.")
    ] = True,
    workdir: Annotated[Path, typer.Option(help="Where the demo keeps its files.")] = Path(
        ".arbox/demo"
    ),
) -> None:
    """The whole job on embedded servers, from nothing: IMAP, Redis, SQLite, SMTP sink."""
    from worker.dev.demo import run_demo  # loads the embedded servers: `arbox --help` stays quick

    configure_logging("WARNING")
    run_demo(workdir=workdir, serve=serve, console=common.out)

"""``arbox quarantine list|show|retry``: mail that could not be processed, and processing it
again."""

from __future__ import annotations

from typing import Annotated

import typer

from core.config import Settings
from core.logging import configure_logging
from worker.cli import common

quarantine_app = typer.Typer(help="Mail that could not be processed.", no_args_is_help=True)


@quarantine_app.command("list")
def quarantine_list() -> None:
    """Every quarantined message with its reason."""
    from ledger.operations import quarantined  # loads SQLAlchemy: `arbox --help` stays quick

    rows = common.read(quarantined)
    columns = ("id", "received", "from", "subject", "attempts", "reason")
    table = common.table(f"Quarantine: {len(rows)} message(s)", columns)
    for r in rows:
        table.add_row(
            str(r.id),
            r.received_at.isoformat(timespec="seconds"),
            r.from_address or "",
            r.subject or "",
            str(r.attempts),
            r.reason,
        )
    common.out.print(table)


@quarantine_app.command("show")
def quarantine_show(
    inbound_id: Annotated[int, typer.Argument(help="The id from the list.")],
) -> None:
    """One quarantined message: identity, size, attempts and the full reason."""
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.operations import quarantined_message

    row = common.read(lambda session: quarantined_message(session, inbound_id))
    if row is None:
        raise common.fail(f"message {inbound_id} is not in quarantine")
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
        common.out.print(f"{label:>10}: {value}", highlight=False)


@quarantine_app.command("retry")
def quarantine_retry(
    inbound_id: Annotated[int, typer.Argument(help="The id from the list.")],
    wait: Annotated[bool, typer.Option(help="Process it now, in this process.")] = True,
) -> None:
    """Release a message from quarantine and process it again."""
    # loaded when run: Dramatiq, SQLAlchemy and the parsers (`arbox --help` stays quick)
    from ledger.operations import release_from_quarantine
    from worker.actors import process_message
    from worker.outcomes import message_outcomes
    from worker.runtime import boot, start_worker, stop_worker, wait_until_done
    from worker.services import utc_now

    configure_logging("WARNING")
    settings = Settings.from_env()
    common.check_ready(settings)
    runtime = boot(settings)
    svc = runtime.services
    with svc.sessions.begin() as session:
        released = release_from_quarantine(session, inbound_id, actor="cli", now=utc_now())
    if not released:
        raise common.fail(f"message {inbound_id} is not in quarantine")
    process_message.send(inbound_id)
    if not wait:
        common.out.print(f"message {inbound_id} queued again")
        return
    worker = start_worker(runtime, threads=1)
    try:
        state = wait_until_done(svc, [inbound_id], timeout=300)
    finally:
        stop_worker(runtime, worker, timeout=10_000)
    (outcome,) = message_outcomes(svc, [inbound_id])
    common.out.print(f"message {inbound_id}: {outcome.status} ({outcome.reason})", highlight=False)
    if not state.done:
        raise common.fail("timed out waiting for the message")

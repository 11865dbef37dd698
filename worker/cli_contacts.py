"""``arbox import contacts FILE``: the addresses that may receive a customer's account data
(see :mod:`ledger.contacts` and :mod:`outbound.recipients`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from core.config import Settings
from core.errors import ARError
from worker.cli_console import make_console
from worker.cli_setup import open_services

out = make_console()
err = make_console(stderr=True)


def import_contacts_cmd(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX file of customer contacts.")],
) -> None:
    """Load customer contacts (customer_number, email; optional name, role, allow_domain).
    All-or-nothing; upsert by (customer, email)."""
    from ledger.contacts import import_contacts
    from worker.services import utc_now

    if not file.is_file():
        err.print(f"[red]error:[/red] {file}: no such file", highlight=False)
        raise typer.Exit(2)
    svc = open_services(Settings.from_env())
    try:
        with svc.sessions.begin() as session:
            summary = import_contacts(session, file, now=utc_now())
    except ARError as e:
        err.print(f"[red]error:[/red] {file.name}: {e}; nothing was imported", highlight=False)
        raise typer.Exit(1) from e
    finally:
        svc.engine.dispose()
    out.print(
        f"imported {summary.rows} rows: {summary.contacts_added} contacts added, "
        f"{summary.contacts_updated} updated, {summary.domains_allowed} domains allowed, "
        f"{summary.domains_withdrawn} withdrawn",
        highlight=False,
    )

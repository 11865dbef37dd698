"""``arbox import invoices|contacts|bank FILE``: open invoices and their customers, the
addresses that may receive a customer's account data (see :mod:`ledger.contacts` and
:mod:`outbound.recipients`) and bank statements (:mod:`worker.cli.bank`). Each file is
imported all-or-nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from core.config import Settings
from core.errors import ARError
from worker.cli import common
from worker.cli.bank import import_bank_cmd
from worker.cli.progress import Stopwatch, progress_bar, step_reporter, summary_line

import_app = typer.Typer(help="Load data from files.", no_args_is_help=True)


@import_app.command("invoices")
def import_invoices_cmd(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX file of open invoices.")],
) -> None:
    """Load open invoices and their customers. All-or-nothing; upsert by invoice_number."""
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.imports import import_invoices
    from worker.services import utc_now

    if not file.is_file():
        raise common.fail(f"{file}: no such file", 2)
    watch = Stopwatch()
    settings = Settings.from_env()
    with common.open_services(settings) as svc, progress_bar(common.err) as bar:
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
            raise common.fail(f"{file.name}: {e}; nothing was imported") from e
    parts = [
        f"{summary.rows} rows",
        f"{summary.invoices_created} invoices created",
        f"{summary.invoices_updated} updated",
        f"{summary.customers_created} customers created",
        f"{summary.contacts_added} contacts added",
    ]
    common.out.print(
        summary_line("import invoices", parts, seconds=watch.seconds()),
        highlight=False,
        soft_wrap=True,
    )


@import_app.command("contacts")
def import_contacts_cmd(
    file: Annotated[Path, typer.Argument(help="CSV or XLSX file of customer contacts.")],
) -> None:
    """Load customer contacts (customer_number, email; optional name, role, allow_domain).
    All-or-nothing; upsert by (customer, email)."""
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.contacts import import_contacts
    from worker.services import utc_now

    if not file.is_file():
        raise common.fail(f"{file}: no such file", 2)
    failed = {"prefix": f"{file.name}: ", "suffix": "; nothing was imported"}
    with common.transaction(**failed) as session:
        summary = import_contacts(session, file, now=utc_now())
    common.out.print(
        f"imported {summary.rows} rows: {summary.contacts_added} contacts added, "
        f"{summary.contacts_updated} updated, {summary.domains_allowed} domains allowed, "
        f"{summary.domains_withdrawn} withdrawn",
        highlight=False,
    )


# Bank statements (issue 8): the command lives with the other bank commands.
import_app.command("bank")(import_bank_cmd)

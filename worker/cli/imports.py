"""``arbox import invoices|contacts|customers|bank FILE``: open invoices and their customers, the
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


#: ``--encoding``: a CSV's encoding when detection is not sure (or is wrong).
EncodingOption = Annotated[
    str | None,
    typer.Option(
        "--encoding",
        help="CSV: its encoding (cp1252, iso8859_2, utf-16…); detected when not given.",
    ),
]


@import_app.command("invoices")
def import_invoices_cmd(
    file: Annotated[Path, typer.Argument(help="CSV, TSV or XLSX file of open invoices.")],
    decimal_comma: Annotated[
        bool, typer.Option("--decimal-comma", help="Amounts are written 1.234,56.")
    ] = False,
    decimal_point: Annotated[
        bool, typer.Option("--decimal-point", help="Amounts are written 1,234.56.")
    ] = False,
    encoding: EncodingOption = None,
) -> None:
    """Load open invoices and their customers. All-or-nothing; upsert by invoice_number.
    The decimal mark is inferred per file unless --decimal-comma or --decimal-point says."""
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.imports import import_invoices
    from worker.services import utc_now

    if decimal_comma and decimal_point:
        raise common.fail("--decimal-comma and --decimal-point: give one of them", 2)
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
                    decimal_mark="," if decimal_comma else "." if decimal_point else None,
                    encoding=encoding,
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
    _print_notes(file, summary.notes)
    common.out.print(
        summary_line("import invoices", parts, seconds=watch.seconds()),
        highlight=False,
        soft_wrap=True,
    )


@import_app.command("contacts")
def import_contacts_cmd(
    file: Annotated[Path, typer.Argument(help="CSV, TSV or XLSX file of customer contacts.")],
    encoding: EncodingOption = None,
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
        summary = import_contacts(session, file, now=utc_now(), encoding=encoding)
    _print_notes(file, summary.notes)
    common.out.print(
        f"imported {summary.rows} rows: {summary.contacts_added} contacts added, "
        f"{summary.contacts_updated} updated, {summary.domains_allowed} domains allowed, "
        f"{summary.domains_withdrawn} withdrawn",
        highlight=False,
    )


@import_app.command("customers")
def import_customers_cmd(
    file: Annotated[Path, typer.Argument(help="CSV, TSV or XLSX file of customers.")],
    encoding: EncodingOption = None,
) -> None:
    """Load customers' billing details (customer_number; optional name, address, postcode,
    city, country, vat_id, endpoint, einvoice, locale). All-or-nothing; a new customer needs
    its name."""
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.customer_import import import_customers
    from worker.services import utc_now

    if not file.is_file():
        raise common.fail(f"{file}: no such file", 2)
    failed = {"prefix": f"{file.name}: ", "suffix": "; nothing was imported"}
    with common.transaction(**failed) as session:
        summary = import_customers(session, file, now=utc_now(), encoding=encoding)
    _print_notes(file, summary.notes)
    common.out.print(
        f"imported {summary.rows} rows: {summary.created} customers created, "
        f"{summary.updated} updated",
        highlight=False,
    )


def _print_notes(file: Path, notes: tuple[str, ...]) -> None:
    """How the file was read, when the user should know (standard error: the summary line
    on standard output stays one line)."""
    for note in notes:
        common.err.print(f"{file.name}: {note}", highlight=False, soft_wrap=True, markup=False)


# Bank statements (issue 8): the command lives with the other bank commands.
import_app.command("bank")(import_bank_cmd)

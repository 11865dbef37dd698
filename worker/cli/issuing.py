"""``arbox invoices issue FILE`` and ``arbox credits issue INVOICE_NUMBER`` (issue 24): the
commands over :mod:`worker.issuing`."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from core.config import Settings
from core.errors import ARError
from core.logging import configure_logging
from core.money import plain_decimal
from worker.cli import common
from worker.cli.progress import Stopwatch, progress_bar, step_reporter, summary_line

if TYPE_CHECKING:
    from worker.issuing.invoices import IssueRun

invoices_app = typer.Typer(help="Invoices arbox issues.", no_args_is_help=True)
credits_app = typer.Typer(help="Credit memos arbox issues.", no_args_is_help=True)


class EInvoiceChoice(StrEnum):
    """``--einvoice``."""

    NONE = "none"
    FACTURX = "factur-x"
    UBL = "ubl"


class OutputFormat(StrEnum):
    """``--format``."""

    TABLE = "table"
    JSON = "json"


@invoices_app.command("issue")
def invoices_issue(
    file: Annotated[Path, typer.Argument(help="JSON, CSV, TSV or XLSX file of invoices.")],
    einvoice: Annotated[
        EInvoiceChoice | None,
        typer.Option(
            "--einvoice", help="E-invoice for every invoice of the run (over the customer's)."
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check and show; number, store and send nothing.")
    ] = False,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table, or json on standard output.")
    ] = OutputFormat.TABLE,
    workers: Annotated[
        int,
        typer.Option(
            "--workers", min=1, max=64, help="Processes rendering the PDFs and mails (1-64)."
        ),
    ] = 1,
) -> None:
    """Check the file whole (any problem refuses it, with row and reason), then number, store
    and mail each invoice to its customer's billing contacts; a re-run issues nothing twice."""
    # loaded when run: SQLAlchemy, the PDF and e-invoice writers (`arbox --help` stays quick)
    from worker.issuing.invoices import issue_invoices

    configure_logging("WARNING")
    if not file.is_file():
        raise common.fail(f"{file}: no such file", 2)
    watch = Stopwatch()
    settings = Settings.from_env()
    with common.open_services(settings) as svc, progress_bar(common.err) as bar:
        step = step_reporter(bar, bar.add_task("issuing", total=None))
        try:
            run = issue_invoices(
                svc,
                file,
                einvoice=einvoice.value if einvoice else None,
                dry_run=dry_run,
                workers=workers,
                progress=step,
            )
        except ARError as e:
            raise common.fail(f"{file.name}: {e}; nothing was issued") from e
    _print_run(run, output, dry_run=dry_run)
    _summarise(run, watch, dry_run=dry_run, smtp=settings.smtp_configured)
    if run.stopped:
        raise common.fail(f"stopped at {run.stopped}; re-run the file to go on")
    if run.sent is not None and (run.sent.failed or run.sent.pending):
        raise typer.Exit(1)


def _print_run(run: IssueRun, output: OutputFormat, *, dry_run: bool) -> None:
    if output is OutputFormat.JSON:
        items = [
            {
                "invoice_number": o.number,
                "customer_number": o.customer_number,
                "total": str(o.total),
                "currency": o.currency,
                **({"already_issued": True} if o.status == "already" else {}),
            }
            for o in run.outcomes
        ]
        common.out.print_json(json.dumps(items))
        return
    table = common.table(
        "would be issued" if dry_run else "invoices",
        ("where", "invoice", "customer", "total", "currency", "e-invoice", "to"),
    )
    for o in run.outcomes:
        number = f"already issued as {o.number}" if o.status == "already" else o.number
        table.add_row(
            o.where,
            number,
            o.customer_number,
            str(o.total),
            o.currency,
            o.einvoice,
            ", ".join(o.to),
        )
    common.out.print(table)


def _summarise(run: IssueRun, watch: Stopwatch, *, dry_run: bool, smtp: bool) -> None:
    issued = sum(o.status == "issued" for o in run.outcomes)
    already = sum(o.status == "already" for o in run.outcomes)
    if dry_run:
        body = f"{len(run.outcomes)} to issue (dry run: nothing numbered, stored or sent)"
    else:
        body = f"{issued} issued, {already} issued before"
        if run.sent is not None:
            body += f"; {run.sent.sent} mailed" + (
                f", {run.sent.failed} failed" if run.sent.failed else ""
            )
            body += f", {run.sent.pending} left to retry" if run.sent.pending else ""
        elif not smtp:
            body += (
                f"; {run.queued} queued in the outbox (no ARBOX_SMTP_HOST: arbox run sends them)"
            )
    common.err.print(
        summary_line("invoices issue", [body], seconds=watch.seconds()),
        highlight=False,
        soft_wrap=True,
    )


@credits_app.command("issue")
def credits_issue(
    invoice_number: Annotated[str, typer.Argument(help="The invoice to credit.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (printed on the memo, audited).")],
    by: Annotated[str, typer.Option("--by", help="The user issuing it (audited).")],
    amount: Annotated[
        str | None, typer.Option("--amount", help="Credit this gross amount, split by tax rate.")
    ] = None,
    line: Annotated[
        list[int] | None, typer.Option("--line", help="Credit this line (1-based); repeatable.")
    ] = None,
) -> None:
    """Issue a credit memo for an invoice arbox issued: whole, some lines, or an amount; never
    more than is left to credit. Stored as a negative open item and mailed like an invoice."""
    from worker.issuing import issue_credit_memo  # loads SQLAlchemy and the PDF writers

    configure_logging("WARNING")
    value = None
    if amount is not None:
        try:
            value = plain_decimal(amount)
        except ValueError:
            raise common.fail(
                f"--amount {amount[:40]!r}: expected a decimal number (120.50)", 2
            ) from None
    if value is not None and line:
        raise common.fail("--amount and --line: give one of them", 2)
    with common.open_services() as svc:
        try:
            memo = issue_credit_memo(
                svc,
                invoice_number=invoice_number,
                amount=value,
                lines=tuple(line or ()),
                reason=reason,
                by=by,
            )
        except ARError as e:
            raise common.fail(f"{e}; nothing was issued") from e
    common.out.print(
        f"issued credit memo {memo.number} for {memo.credits}: {memo.total} {memo.currency} "
        f"to customer {memo.customer_number}",
        highlight=False,
    )

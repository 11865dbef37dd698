"""``arbox export applications``: the cash applied, as CSV or JSON, or laid out for posting
back to an ERP (QuickBooks Online, SAP lockbox-like; see :mod:`ledger.erp`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from worker.cli import common

export_app = typer.Typer(help="Export what arbox did.", no_args_is_help=True)


@export_app.command("applications")
def export_applications(
    fmt: Annotated[Literal["csv", "json"], typer.Option("--format", help="Output format.")] = "csv",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="File to write.")] = None,
    layout: Annotated[
        Literal["generic", "quickbooks", "sap"],
        typer.Option("--layout", help="Columns: generic, QuickBooks Online, SAP lockbox-like."),
    ] = "generic",
    locale: common.LocaleOption = None,
) -> None:
    """Cash applied: one row per (payment, invoice)."""
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.erp import payment_applications, to_quickbooks_csv, to_sap_lockbox_csv
    from ledger.exports import applications_to_csv, applications_to_json
    from ledger.queries import applications_for_export

    with common.open_services() as svc:
        if layout != "generic" and fmt != "csv":
            raise common.fail(f"--layout {layout} is CSV only", 2)
        if locale is not None and layout != "generic":
            raise common.fail(f"--layout {layout} has its ERP's own number format: no --locale", 2)
        with svc.sessions() as session:
            if layout == "generic":
                rows = applications_for_export(session)
                text = (
                    applications_to_csv(rows, locale=locale)
                    if fmt == "csv"
                    else applications_to_json(rows)
                )
                wrote = f"wrote {len(rows)} application(s) to {output}"
            else:
                erp = payment_applications(session)
                text = (to_quickbooks_csv if layout == "quickbooks" else to_sap_lockbox_csv)(erp)
                wrote = f"wrote {len(erp)} application(s) to {output} ({layout} layout)"
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    common.err.print(wrote)

"""``arbox import bank FILE`` (registered on the ``import`` group by
:mod:`worker.cli.imports`): a bank statement's credits become payments; ``arbox bank
payments|link``: those payments and what they are linked to."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from pathlib import Path
from typing import Annotated, Any

import typer

from core.config import Settings
from core.errors import ARError
from core.logging import configure_logging
from core.statuses import PaymentStatus
from parsers.bank import CsvMapping
from worker.cli import common
from worker.cli.progress import Stopwatch, progress_bar, step_reporter, summary_line

_FORMATS = ("auto", "bai2", "camt", "mt940", "csv")


def _mapping(path: Path | None, options: dict[str, Any]) -> CsvMapping:
    """The CSV column mapping: the mapping file's keys, then the options given."""
    known = {f.name for f in fields(CsvMapping)}
    values: dict[str, Any] = {}
    if path is not None:
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise common.fail(f"--mapping {path}: not a readable JSON object ({e})", 2) from None
        if not isinstance(loaded, dict):
            raise common.fail(f"--mapping {path}: expected a JSON object of column names", 2)
        unknown = sorted(set(loaded) - known)
        if unknown:
            raise common.fail(
                f"--mapping {path}: unknown key(s) {', '.join(unknown)}; "
                f"known: {', '.join(sorted(known))}",
                2,
            )
        values.update(loaded)
    values.update({k: v for k, v in options.items() if v is not None})
    mapping = CsvMapping()
    try:
        return replace(mapping, **values)
    except TypeError as e:  # pragma: no cover - keys were checked above
        raise common.fail(f"column mapping: {e}", 2) from None


def import_bank_cmd(
    file: Annotated[Path, typer.Argument(help="BAI2, camt.052/053/054, MT940/942 or CSV file.")],
    format: Annotated[
        str, typer.Option("--format", help="auto | bai2 | camt | mt940 | csv")
    ] = "auto",
    date_column: Annotated[str | None, typer.Option(help="CSV: the value date column.")] = None,
    amount_column: Annotated[
        str | None, typer.Option(help="CSV: the signed amount column (credits positive).")
    ] = None,
    payer_column: Annotated[str | None, typer.Option(help="CSV: the payer name column.")] = None,
    text_column: Annotated[
        str | None, typer.Option(help="CSV: the remittance text / description column.")
    ] = None,
    reference_column: Annotated[
        str | None, typer.Option(help="CSV: the bank reference column.")
    ] = None,
    decimal_comma: Annotated[
        bool, typer.Option("--decimal-comma", help="CSV: amounts are written 1.234,56.")
    ] = False,
    date_format: Annotated[
        str | None, typer.Option(help="CSV: strptime format of the dates (default ISO).")
    ] = None,
    currency: Annotated[
        str | None, typer.Option(help="CSV: the currency (default ARBOX_DEFAULT_CURRENCY).")
    ] = None,
    account: Annotated[str | None, typer.Option(help="CSV: the account the file is of.")] = None,
    encoding: Annotated[
        str | None, typer.Option(help="CSV: its encoding (cp1252, utf-16…); else detected.")
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="CSV: a JSON file of the above (date_column, …).")
    ] = None,
) -> None:
    """Import a bank statement: each credit becomes a payment, linked to its remittance.
    All-or-nothing; a file that does not parse or does not balance is rejected whole;
    importing it again creates nothing twice."""
    from worker.bank.importing import import_bank_file  # loads SQLAlchemy: `--help` stays quick

    configure_logging("WARNING")
    watch = Stopwatch()
    if format not in _FORMATS:
        raise common.fail(f"--format {format!r}: expected one of {', '.join(_FORMATS)}", 2)
    if not file.is_file():
        raise common.fail(f"{file}: no such file", 2)
    settings = Settings.from_env()
    csv_mapping = _mapping(
        mapping,
        {
            "date_column": date_column,
            "amount_column": amount_column,
            "payer_column": payer_column,
            "text_column": text_column,
            "reference_column": reference_column,
            "decimal_comma": decimal_comma or None,
            "date_format": date_format,
            "currency": currency or settings.default_currency,
            "account": account,
            "encoding": encoding,
        },
    )
    with common.open_services(settings) as svc:
        try:
            data = file.read_bytes()
            with progress_bar(common.err) as bar, svc.sessions.begin() as session:
                result = import_bank_file(
                    session,
                    data,
                    svc=svc,
                    filename=file.name,
                    format=None if format == "auto" else format,  # type: ignore[arg-type]
                    csv_mapping=csv_mapping,
                    progress=step_reporter(bar, bar.add_task("linking credits", total=None)),
                )
        except ARError as e:
            raise common.fail(f"{file.name}: {e}; nothing was imported") from e
    body = f"{file.name}: {result.describe()}"
    common.out.print(
        summary_line("import bank", [body], seconds=watch.seconds()),
        highlight=False,
        soft_wrap=True,
    )


# --- arbox bank payments | arbox bank link ------------------------------------------------
bank_app = typer.Typer(help="Bank payments and their remittances.", no_args_is_help=True)


@bank_app.command("payments")
def bank_payments(
    status: Annotated[
        PaymentStatus | None, typer.Option(help="Only payments in this state.")
    ] = None,
    output: Annotated[str, typer.Option("--format", help="table | json")] = "table",
) -> None:
    """The payments bank statements brought, with what they are linked to."""
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.bank_link_store import payments_listed

    with common.open_services() as svc, svc.sessions() as session:
        found = payments_listed(session, status=status)
    if output == "json":
        common.out.print_json(json.dumps(found))
        return
    table = common.PlainTable(
        "id", "status", "amount", "value date", "payer", "customer", "ref", "linked to"
    )
    for row in found:
        table.add_row(
            str(row["id"]), str(row["status"]), f"{row['amount']} {row['currency']}",
            str(row["value_date"] or ""), str(row["payer_name"] or ""),
            str(row["customer_number"] or ""), str(row["bank_ref"] or ""),
            str(row["expected_payment_id"] or ""),
        )  # fmt: skip
    common.out.print(table)


@bank_app.command("link")
def bank_link(
    payment_id: Annotated[int, typer.Argument(help="The payment (arbox bank payments).")],
    expected_payment_id: Annotated[
        int, typer.Argument(help="The expected payment (a bank_link review item's candidate).")
    ],
    by: Annotated[str, typer.Option("--by", help="Who decides (recorded in the audit).")],
) -> None:
    """Tie a payment to a remittance's expected payment (the answer to a bank_link item);
    held applications post."""
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from worker.bank.linking import confirm_link
    from worker.services import utc_now

    with common.transaction() as session:
        link = confirm_link(
            session,
            payment_id=payment_id,
            expected_payment_id=expected_payment_id,
            actor=by,
            now=utc_now(),
        )
        link_id = link.id
    common.out.print(
        f"payment {payment_id} linked to expected payment {expected_payment_id} (link {link_id})",
        highlight=False,
    )

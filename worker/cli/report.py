"""``arbox report aging|dso|cash|close``: the AR reports on the command line.

Each command reads the ledger in one read-only session, builds its report
(:mod:`ledger.reports`) and writes it as a table on the terminal, or as CSV, JSON, XLSX or
HTML to standard output or ``-o FILE``. ``arbox report close`` exits 1 when the month does
not reconcile (after writing the report).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, TypeVar

import typer

from core.money import format_amount
from worker.cli import common

if TYPE_CHECKING:  # imported when a command runs: `arbox --help` stays quick
    from ledger.reports.tables import Document

report_app = typer.Typer(
    help="AR reports: aging, DSO, cash applied, month-end close.", no_args_is_help=True
)

Format = Literal["table", "csv", "json", "xlsx", "html"]
FormatOption = Annotated[Format, typer.Option("--format", help="Output format.")]
OutputOption = Annotated[
    Path | None, typer.Option("-o", "--output", help="File to write (default: standard output).")
]
T = TypeVar("T")


def _day(text: str | None, option: str, default: date) -> date:
    if text is None:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise common.fail(f"{option} {text!r}: expected a date YYYY-MM-DD", 2) from None


def _today() -> date:
    from worker.services import utc_now  # loads SQLAlchemy: `arbox --help` stays quick

    return utc_now().date()


def _write(
    doc: Document, fmt: Format, output: Path | None, charts: list[str], locale: str | None = None
) -> None:
    from ledger.reports.render import to_csv, to_html, to_json, to_xlsx  # loads SQLAlchemy

    if fmt == "table":
        if output is not None:
            raise common.fail(
                "--format table is for the terminal; choose csv, json, xlsx or html for -o", 2
            )
        _print_tables(doc, locale)
        return
    if fmt == "xlsx":
        data = to_xlsx(doc)
        if output is None:
            if sys.stdout.isatty():
                raise common.fail("XLSX is binary: give -o FILE (or redirect standard output)", 2)
            sys.stdout.buffer.write(data)
            return
        output.write_bytes(data)
    else:
        text = (
            to_html(doc, charts=charts, locale=locale)
            if fmt == "html"
            else (to_csv(doc, locale=locale) if fmt == "csv" else to_json(doc))
        )
        if output is None:
            sys.stdout.write(text)
            return
        output.write_text(text, encoding="utf-8")
    common.err.print(f"wrote {doc.report} report to {output}", highlight=False)


def _print_tables(doc: Document, locale: str | None) -> None:
    from ledger.reports.render import row_texts  # loads SQLAlchemy: `arbox --help` stays quick

    common.out.print(f"[bold]{doc.title}[/bold]", highlight=False)
    for table in doc.tables:
        rich = common.PlainTable(title=table.title, title_justify="left")
        for column in table.columns:
            right = column.kind not in ("text", "date")
            rich.add_column(
                column.name,
                justify="right" if right else "left",
                overflow="fold",
            )
        for row in table.rows:
            rich.add_row(*row_texts(row, table.columns, grouped=True, locale=locale))
        if table.rows and table.totals:
            rich.rows[-1].end_section = True
        for row in table.totals:
            texts = row_texts(row, table.columns, grouped=True, locale=locale)
            rich.add_row(*texts, style="bold")
        if not table.rows and not table.totals:
            rich.add_row(*(["(none)"] + [""] * (len(table.columns) - 1)))
        common.out.print(rich)


@report_app.command("aging")
def report_aging(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD; today.")] = None,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    locale: common.LocaleOption = None,
) -> None:
    """AR aging per customer and currency: current, 1–30, 31–60, 61–90, 90+ days past due,
    credits, unapplied cash, total; balances as of the date."""
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.reports.aging import aging_report
    from ledger.reports.charts import aging_svg
    from ledger.reports.tables import aging_document

    day = _day(as_of, "--as-of", _today())
    report = common.read(lambda s: aging_report(s, as_of=day))
    _write(aging_document(report), fmt, output, [aging_svg(report)], locale)


@report_app.command("dso")
def report_dso(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD; today.")] = None,
    days: Annotated[int, typer.Option("--days", min=1, help="Days of credit sales.")] = 90,
    fmt: FormatOption = "table",
    output: OutputOption = None,
    locale: common.LocaleOption = None,
) -> None:
    """DSO = receivables as of the date / credit sales of the last DAYS days × DAYS."""
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.reports.dso import dso_report
    from ledger.reports.tables import dso_document

    day = _day(as_of, "--as-of", _today())
    report = common.read(lambda s: dso_report(s, as_of=day, days=days))
    _write(dso_document(report), fmt, output, [], locale)


@report_app.command("cash")
def report_cash(
    start: Annotated[
        str | None, typer.Option("--from", help="First day YYYY-MM-DD; the 1st of this month.")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day YYYY-MM-DD; today.")] = None,
    by: Annotated[
        Literal["day", "customer"], typer.Option("--by", help="One row per day or customer.")
    ] = "day",
    fmt: FormatOption = "table",
    output: OutputOption = None,
    locale: common.LocaleOption = None,
) -> None:
    """Cash applied per day or customer (automatic vs confirmed, discounts, deductions,
    un-applied), STP per day, unapplied cash and open deductions at the end."""
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.reports.cash import cash_report
    from ledger.reports.charts import stp_svg
    from ledger.reports.tables import cash_document

    today = _today()
    last = _day(end, "--to", today)
    first = _day(start, "--from", last.replace(day=1))
    if last < first:
        raise common.fail(f"--to {last} is before --from {first}", 2)
    report = common.read(lambda s: cash_report(s, start=first, end=last, by=by))
    _write(cash_document(report), fmt, output, [stp_svg(report)], locale)


@report_app.command("close")
def report_close(
    period: Annotated[str, typer.Option("--period", help="The month, YYYY-MM.")],
    fmt: FormatOption = "table",
    output: OutputOption = None,
    locale: common.LocaleOption = None,
) -> None:
    """Month-end close: receivables rolled forward from the opening to the closing balance
    (exit 1 when they do not reconcile), cash applied and STP in the month, unapplied cash,
    open deductions and open review items at the month end."""
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.reports.charts import stp_svg
    from ledger.reports.close import close_report, parse_period
    from ledger.reports.tables import close_document

    try:
        parse_period(period)
    except ValueError as e:
        raise common.fail(f"--period: {e}", 2) from None
    report = common.read(lambda s: close_report(s, period=period))
    _write(close_document(report), fmt, output, [stp_svg(report.cash)], locale)
    if not report.reconciles:
        for r in report.reconciliations:
            if r.difference:
                common.err.print(
                    f"[red]{period} does not reconcile in {r.currency}:[/red] closing "
                    f"{format_amount(r.closing, r.currency)}, expected "
                    f"{format_amount(r.expected, r.currency)}, difference "
                    f"{format_amount(r.difference, r.currency)}",
                    highlight=False,
                )
        raise typer.Exit(1)

"""``arbox review list|confirm|close``, ``arbox unapply`` and ``arbox explain``: the review
queue from the command line, taking cash back off an invoice, and why a line was decided."""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import Annotated, Literal

import typer

from core.errors import AmountFormatError
from core.money import format_amount, parse_amount
from worker.cli import common

review_app = typer.Typer(help="The review queue.", no_args_is_help=True)


@review_app.command("list")
def review_list(fmt: common.TableOrJson = "table") -> None:
    """The pending review queue."""
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.exports import review_to_json, review_to_table_rows
    from ledger.queries import pending_review

    rows = common.read(pending_review)
    if fmt == "json":
        sys.stdout.write(review_to_json(rows))
        return
    columns = ("id", "kind", "message_id", "customer", "reason", "candidates", "created")
    table = common.table(f"Review queue: {len(rows)} pending", columns)
    for values in review_to_table_rows(rows):
        table.add_row(*values)
    common.out.print(table)


def _unchanged(item_id: int) -> dict[str, str]:
    """How an error deciding review item ``item_id`` is told (:func:`common.transaction`)."""
    return {"prefix": f"review item {item_id}: ", "suffix": "; nothing was changed"}


def _amounts(texts: list[str], invoices: list[str]) -> list[Decimal | None]:
    """One amount per ``--invoice`` (in order), or none at all (each then defaults)."""
    if not texts:
        return [None] * len(invoices)
    if len(texts) != len(invoices):
        raise common.fail(
            f"{len(invoices)} --invoice but {len(texts)} --amount: give one --amount after "
            "each --invoice, or none",
            2,
        )
    try:
        return [parse_amount(text) for text in texts]
    except AmountFormatError as e:
        raise common.fail(str(e), 2) from e


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
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.review_actions import confirm_line
    from worker.services import utc_now

    allocations = list(zip(invoices, _amounts(amounts or [], invoices), strict=True))
    with common.transaction(**_unchanged(item_id)) as session:
        done = confirm_line(
            session,
            item_id=item_id,
            allocations=allocations,
            actor=by,
            remember=remember,
            now=utc_now(),
        )
    out = common.out

    def money(amount: Decimal) -> str:
        return format_amount(amount, done.currency)

    for a in done.applied:
        out.print(
            f"applied {money(a.amount)} {done.currency} to {a.invoice_number} (application "
            f"{a.application_id}; balance now {money(a.balance_after)})",
            highlight=False,
        )
    if done.left_unapplied:
        out.print(f"{money(done.left_unapplied)} of the line is not applied", highlight=False)
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
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.review_closing import close_item
    from worker.services import utc_now

    with common.transaction(**_unchanged(item_id)) as session:
        done = close_item(session, item_id=item_id, reason=reason, actor=by, now=utc_now())
    common.out.print(f"review item {item_id} {done.summary} (by {by})", highlight=False)


def unapply(
    application_id: Annotated[int, typer.Argument(help="The application of cash to reverse.")],
    by: Annotated[str, typer.Option("--by", help="Who un-applies it (recorded).")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded).")],
) -> None:
    """Reverse an application: the invoice's balance comes back and it is open again."""
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.reversals import unapply as unapply_cash
    from worker.services import utc_now

    with common.transaction() as session:
        done = unapply_cash(
            session, application_id=application_id, actor=by, reason=reason, now=utc_now()
        )
    given_back = done.amount + done.discount
    common.out.print(
        f"un-applied {format_amount(done.amount, done.currency)} {done.currency} from "
        f"{done.invoice_number} (customer {done.customer_number}); balance now "
        f"{format_amount(done.balance_after, done.currency)} "
        f"(+{format_amount(given_back, done.currency)})",
        highlight=False,
    )


def explain(
    message_id: Annotated[str, typer.Argument(help="The mail's Message-ID, <...> included.")],
    fmt: Annotated[Literal["text", "json"], typer.Option("--format", help="Output format.")] = (
        "text"
    ),
) -> None:
    """The decision record of each remittance line of a mail: candidates, signals, why."""
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.queries import line_records
    from worker.explain import records_to_json, render_records

    records = common.read(lambda session: line_records(session, message_id))
    if not records:
        raise common.fail(f"no remittance lines recorded for Message-ID {message_id!r}")
    if fmt == "json":
        sys.stdout.write(records_to_json(records))
        return
    render_records(records, common.out)

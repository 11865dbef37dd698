"""``arbox credits settle``: a credit memo netted against the invoice it credits (registered on
the ``credits`` group of worker.cli.issuing)."""

from __future__ import annotations

from typing import Annotated

import typer

from worker.cli import common


def credits_settle(
    credit_number: Annotated[str, typer.Argument(help="The credit memo's number.")],
    by: Annotated[str, typer.Option("--by", help="Who settles it (recorded).")],
) -> None:
    """Net a credit memo against the invoice it credits: both close when equal, the rest of
    the larger stays open. Settling again changes nothing and says so."""
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.credit_settling import settle_credit_memo
    from worker.services import utc_now

    suffix = "; nothing was changed"
    with common.transaction(prefix=f"credit memo {credit_number[:64]}: ", suffix=suffix) as session:
        done = settle_credit_memo(session, credit_number=credit_number, actor=by, now=utc_now())
    common.out.print(f"{done.summary} (by {by})", highlight=False)

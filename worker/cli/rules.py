"""``arbox rules list|delete``: the rules reviewers' confirmations taught."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from worker.cli import common

rules_app = typer.Typer(
    help="Rules reviewers' confirmations taught (sender, payer name, reference prefix).",
    no_args_is_help=True,
)


@rules_app.command("list")
def rules_list(fmt: common.TableOrJson = "table") -> None:
    """Every rule, with who made it, when, and how often it was used."""
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.rules import RULE_COLUMNS, list_rules, rule_record, rules_to_json

    rules = common.read(list_rules)
    if fmt == "json":
        sys.stdout.write(rules_to_json(rules))
        return
    table = common.table(f"Rules: {len(rules)}", RULE_COLUMNS)
    for rule in rules:
        record = rule_record(rule)
        table.add_row(*("" if record[c] is None else str(record[c]) for c in RULE_COLUMNS))
    common.out.print(table)


@rules_app.command("delete")
def rules_delete(
    rule_id: Annotated[int, typer.Argument(help="The rule (from `arbox rules list`).")],
    by: Annotated[str, typer.Option("--by", help="Who deletes it (recorded).")],
) -> None:
    """Delete a rule; the next mail is identified without it."""
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.rules import delete_rule
    from worker.services import utc_now

    with common.transaction() as session:
        rule = delete_rule(session, rule_id=rule_id, actor=by, now=utc_now())
    common.out.print(
        f"deleted rule {rule.id} ({rule.describe()}; used {rule.hits} time(s))", highlight=False
    )

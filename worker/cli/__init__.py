"""The ``arbox`` command line: :data:`app` (the Typer app) and :func:`main` (the console
script ``arbox = "worker.cli:main"``).

Each command group lives in a module of its own; this one only puts them together, in the
order ``arbox --help`` lists them. What the commands share (the consoles, :func:`~common.fail`,
signal handling, the services factory) is in :mod:`worker.cli.common`. A command module
imports what loads SQLAlchemy, Dramatiq or the web app inside the command, with a comment
saying so: ``arbox --help`` does not pay for them.
"""

from __future__ import annotations

import sys

import typer

from core.config import Settings
from core.errors import ARError, SettingsError
from core.logging import use_log_settings
from worker.cli import common
from worker.cli.bank import bank_app
from worker.cli.config import config_app
from worker.cli.credits import credits_settle
from worker.cli.db import db_app
from worker.cli.exports import export_app
from worker.cli.imports import import_app
from worker.cli.issuing import credits_app, invoices_app
from worker.cli.processes import demo, ingest, poller, run, worker
from worker.cli.quarantine import quarantine_app
from worker.cli.report import report_app
from worker.cli.review import explain, review_app, unapply
from worker.cli.rules import rules_app
from worker.cli.runs import dunning_app, scheduler_cmd, statements_app
from worker.cli.status import status_cmd
from worker.cli.users import serve_command, users_app

app = typer.Typer(
    help="arbox: the accounts-receivable mailbox worker.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# The commands, then the groups: the order `arbox --help` lists them in.
app.command("serve")(serve_command)  # the review web app (issue 7)
app.command("scheduler")(scheduler_cmd)  # starts the statement and dunning runs (issue 6)
for command in (ingest, worker, poller, run, unapply, explain):
    app.command()(command)
app.command("status")(status_cmd)  # JSON, live workers and pollers, exit 1 when unhealthy
app.command()(demo)
credits_app.command("settle")(credits_settle)  # settling a credit memo (issue 24)
for name, group in (
    ("db", db_app),
    ("config", config_app),
    ("import", import_app),
    ("export", export_app),
    ("review", review_app),
    ("quarantine", quarantine_app),
    ("rules", rules_app),
    ("report", report_app),
    ("users", users_app),
    ("dunning", dunning_app),
    ("bank", bank_app),
    ("statements", statements_app),
    ("invoices", invoices_app),
    ("credits", credits_app),
):
    app.add_typer(group, name=name)


@app.callback()
def _log_settings() -> None:
    """arbox: the accounts-receivable mailbox worker."""
    # ARBOX_LOG_LEVEL / ARBOX_LOG_FORMAT for whatever level the command configures; a bad
    # setting is left for the command itself to report.
    try:
        settings = Settings.from_env()
    except (ValueError, ARError):  # a bad setting or a secret file: the command says which
        return
    use_log_settings(level=settings.log_level, fmt=settings.log_format)


def main() -> None:
    """Entry point of the ``arbox`` console script. A bad setting is a line per variable and
    exit status 2; an arbox error, or a database that fails mid-command, one line and 1."""
    err = common.err
    try:
        app()
    except SettingsError as e:
        for line in e.lines:
            err.print(f"[red]error:[/red] {line}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except ARError as e:
        err.print(f"[red]error:[/red] {e}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except Exception as e:
        from sqlalchemy.exc import DBAPIError  # imported here: `arbox --help` stays quick

        if not isinstance(e, DBAPIError):
            raise
        from ledger.migrate import first_line  # loads SQLAlchemy: `arbox --help` stays quick

        err.print(
            f"[red]error:[/red] database error: {first_line(e.orig)} (ARBOX_DATABASE_URL; "
            "`arbox config check` tests it)",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(1)

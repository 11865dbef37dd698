"""``arbox users add|passwd|disable|list`` and ``arbox serve``: the review app's users and
the app itself. Passwords come from standard input (``--password-stdin``: the first line)
or a prompt; they are never echoed, logged or accepted as an argument."""

from __future__ import annotations

import sys
from functools import partial
from typing import Annotated, Literal

import typer

from core.config import Settings
from core.errors import DatabaseUnavailableError, SchemaNotCurrentError
from core.logging import configure_logging
from worker.cli import common

users_app = typer.Typer(help="Users of the review web app.", no_args_is_help=True)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise common.fail("the password is empty", 2)
    return password


def _change(what: Literal["add", "passwd", "disable"], name: str, **kwargs: str) -> str:
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.auth import add_user, disable_user, set_password
    from worker.services import utc_now

    with common.transaction() as session:
        now = utc_now()
        if what == "add":
            account = add_user(session, username=name, actor="cli", now=now, **kwargs)
        elif what == "passwd":
            account = set_password(session, username=name, actor="cli", now=now, **kwargs)
        else:
            account = disable_user(session, username=name, actor="cli", now=now)
    return f"{account.username} ({account.role})"


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The username (letters, digits, . _ @ -).")],
    role: Annotated[
        str, typer.Option("--role", help="viewer (reads), clerk (decides) or supervisor.")
    ],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a user; the password is prompted for, or read from standard input."""
    if role not in ("viewer", "clerk", "supervisor"):
        raise common.fail(f"--role {role!r}: one of viewer, clerk, supervisor", 2)
    password = _read_password(password_stdin)
    changed = _change("add", name, role=role, password=password)
    common.out.print(f"user {changed} added", highlight=False)


@users_app.command("passwd")
def users_passwd(
    name: Annotated[str, typer.Argument(help="The username.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Set a user's password; its sessions end and its lockout is lifted."""
    password = _read_password(password_stdin)
    common.out.print(
        f"password of {_change('passwd', name, password=password)} changed; "
        "its sessions are signed out",
        highlight=False,
    )


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument(help="The username.")]) -> None:
    """Disable a user: no more sign-ins, and its sessions end now."""
    common.out.print(
        f"user {_change('disable', name)} disabled; its sessions are signed out", highlight=False
    )


@users_app.command("list")
def users_list() -> None:
    """Every user with role, state and creation time."""
    # loaded when run: SQLAlchemy and the models (`arbox --help` stays quick)
    from ledger.auth import list_users
    from worker.services import utc_now

    accounts = common.read(list_users)
    now = utc_now()
    table = common.PlainTable(title=f"Users: {len(accounts)}")
    for column in ("username", "role", "state", "created"):
        table.add_column(column)
    for a in accounts:
        state = "disabled" if a.disabled else "active"
        if not a.disabled and a.locked_until is not None and a.locked_until > now:
            state = f"locked until {a.locked_until.isoformat(timespec='minutes')}"
        table.add_row(a.username, a.role, state, a.created_at.isoformat(timespec="seconds"))
    common.out.print(table)


def serve_command(
    host: Annotated[str | None, typer.Option(help="Address to listen on (ARBOX_WEB_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (ARBOX_WEB_PORT).")] = None,
) -> None:
    """The review web app alone (default 127.0.0.1:8000). Nothing is reachable without
    signing in; create users with `arbox users add`."""
    from review.server import serve  # loads the web app: `arbox --help` stays quick
    from worker.broker import redis_client_for  # loads Dramatiq
    from worker.issuing.review_issuer import ReviewCreditIssuer

    configure_logging("INFO")
    settings = Settings.from_env()
    try:  # served all the same: /readyz says 503 until the database is ready (issue 20)
        common.check_ready(settings)
    except (DatabaseUnavailableError, SchemaNotCurrentError) as e:
        common.err.print(f"warning: {e}; /readyz answers 503 until it is", highlight=False)
    where = f"http://{host or settings.web_host}:{settings.web_port if port is None else port}"
    common.out.print(f"review app on {where}; Ctrl-C stops it", highlight=False)
    try:
        serve(
            settings,
            host=host,
            port=port,
            redis_client=partial(redis_client_for, settings),
            credit_issuer=ReviewCreditIssuer(settings),
        )
    except RuntimeError as e:
        raise common.fail(str(e)) from e
    common.out.print("review app stopped")

"""``arbox config check``: the effective settings (secrets hidden) and a test of each
connection they describe: the database (and its migrations), Redis, IMAP login, SMTP
(EHLO, STARTTLS, AUTH). A line per check; exit status 1 when one fails."""

from __future__ import annotations

from collections.abc import Callable

import redis
import typer

from core.config import Settings
from core.errors import ARError, MailDeliveryError
from core.setting_values import SECRET_SETTINGS, mask_url
from outbound.smtp import SmtpMailer
from worker.cli import common
from worker.mailbox import ImapConfig, ImapMailbox

config_app = typer.Typer(help="The settings and the connections they describe.")

#: Seconds a check waits for a server.
CHECK_TIMEOUT = 10.0


def shown_settings(settings: Settings) -> list[tuple[str, str]]:
    """(``ARBOX_NAME``, value) of every setting, secrets as ``***`` and URL passwords masked."""
    rows = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if value is None or value == "":
            text = "(unset)"
        elif name in SECRET_SETTINGS:
            text = "***"
        else:
            text = mask_url(str(value)) if name.endswith("_url") else str(value)
        rows.append((f"ARBOX_{name.upper()}", text))
    return rows


def _database(settings: Settings) -> str:
    from ledger.migrate import check_database  # loads SQLAlchemy: `arbox --help` stays quick

    revision = check_database(settings.database_url)
    return f"{mask_url(settings.database_url)} at revision {revision} (current)"


def _redis(settings: Settings) -> str:
    url = settings.secret("redis_url") or ""
    client = redis.Redis.from_url(
        url, socket_connect_timeout=CHECK_TIMEOUT, socket_timeout=CHECK_TIMEOUT
    )
    try:
        client.ping()
    except redis.RedisError as e:
        raise ARError(f"{mask_url(url)}: {type(e).__name__}: {e}") from e
    finally:
        client.close()
    return f"{mask_url(url)} answers PING"


def _imap(settings: Settings) -> str:
    config = ImapConfig.from_settings(settings)
    mailbox = ImapMailbox(config)
    try:
        mailbox.connect()
    except ARError as e:
        cause = e.__cause__
        raise ARError(f"{e}" + (f" ({cause})" if cause and str(cause) else "")) from e
    mailbox.close()
    where = f"{settings.imap_host}:{settings.imap_port}"
    return f"{settings.imap_user}@{where} ({settings.imap_tls}) logged in"


def _smtp(settings: Settings) -> str:
    where = f"{settings.smtp_host}:{settings.smtp_port} ({settings.smtp_tls})"
    try:
        done = SmtpMailer.from_settings(settings).check()
    except MailDeliveryError as e:
        raise ARError(f"{where}: {e.reason}") from e
    return f"{where}: {done}"


@config_app.command("check")
def config_check() -> None:
    """Print the effective settings (secrets hidden) and test the database (migrations
    current), Redis (when ARBOX_REDIS_URL is set), IMAP login and SMTP; exit 1 if one fails."""
    settings = Settings.from_env()  # a bad setting: a line per variable, exit 2 (worker.cli.main)
    for name, value in shown_settings(settings):
        common.out.print(f"{name}={value}", highlight=False, markup=False)
    checks: list[tuple[str, Callable[[Settings], str] | None, str]] = [
        ("database", _database, ""),
        ("redis", _redis if settings.redis_url else None, "ARBOX_REDIS_URL not set (embedded)"),
        ("imap", _imap if settings.imap_configured else None, "ARBOX_IMAP_HOST/USER not set"),
        ("smtp", _smtp if settings.smtp_configured else None, "ARBOX_SMTP_HOST not set"),
        (
            "templates",
            common.check_templates_dir if settings.templates_dir else None,
            "ARBOX_TEMPLATES_DIR not set (the packaged templates)",
        ),
    ]
    failed = 0
    for what, check, why_skipped in checks:
        if check is None:
            common.out.print(f"skip {what}: {why_skipped}", highlight=False, markup=False)
            continue
        try:
            result = check(settings)
        except ARError as e:
            failed += 1
            common.out.print(f"FAIL {what}: {e}", highlight=False, markup=False)
        else:
            common.out.print(f"pass {what}: {result}", highlight=False, markup=False)
    if failed:
        raise typer.Exit(1)

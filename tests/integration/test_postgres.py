"""PostgreSQL, the production database: migrations, exact money, transient errors retried
without half-written state, and many worker processes racing for the same invoices."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine, event, func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from core.config import Settings
from core.errors import TransientError
from ledger import models as m
from ledger.imports import import_invoices
from ledger.migrate import current, upgrade
from ledger.session import is_transient_db_error, make_engine
from tests.fakes import RecordingMailer
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound
from worker.sending import send_outbox
from worker.services import Services, utc_now

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

ARBOX = str(Path(sys.executable).with_name("arbox"))


def test_migrations_upgrade_cleanly_on_postgres_and_again_change_nothing(postgres_url):
    upgrade(postgres_url)
    first = current(postgres_url)
    upgrade(postgres_url)
    assert current(postgres_url) == first is not None
    engine = create_engine(postgres_url)
    try:
        tables = set(inspect(engine).get_table_names())
        money = {c["name"]: c["type"] for c in inspect(engine).get_columns("invoices")}
    finally:
        engine.dispose()
    assert {"invoices", "applications", "inbound_messages", "outbox"} <= tables
    assert "NUMERIC" in str(money["balance"]).upper()


@pytest.mark.parametrize(
    "amount", ["0.01", "1234567.89", "999999999999.99", "100.10", "33.33"], ids=str
)
def test_money_round_trips_exactly_as_decimal(postgres_url, amount):
    upgrade(postgres_url)
    svc = Services.from_settings(Settings(database_url=postgres_url))
    try:
        with svc.sessions.begin() as s:
            customer = m.Customer(number="C1", name="Acme", created_at=utc_now())
            s.add(customer)
            s.flush()
            s.add(
                m.Invoice(
                    number="INV-1",
                    ref_key="1",
                    customer_id=customer.id,
                    issue_date=utc_now().date(),
                    due_date=utc_now().date(),
                    amount=Decimal(amount),
                    balance=Decimal(amount),
                    currency="USD",
                    terms=None,
                    status="open",
                    created_at=utc_now(),
                    updated_at=utc_now(),
                )
            )
        with svc.sessions() as s:
            back = s.execute(select(m.Invoice.balance)).scalar_one()
            total = s.execute(select(func.sum(m.Invoice.amount))).scalar_one()
    finally:
        svc.engine.dispose()
    assert type(back) is Decimal
    assert back == Decimal(amount)
    assert str(back) == amount
    assert total == Decimal(amount)


def test_real_postgres_errors_are_classified_transient_or_not(postgres_server, postgres_url):
    engine = make_engine(postgres_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("create table t (id int primary key)"))
            conn.execute(text("insert into t values (1)"))
            conn.commit()
            with pytest.raises(IntegrityError) as dup:
                conn.execute(text("insert into t values (1)"))
            conn.rollback()
            pid = conn.execute(text("select pg_backend_pid()")).scalar_one()
            with psycopg.connect(postgres_server.url().replace("+psycopg", "")) as admin:
                admin.execute("select pg_terminate_backend(%s)", (pid,))
            with pytest.raises(Exception) as killed:
                conn.execute(text("select 1"))
    finally:
        engine.dispose()
    assert not is_transient_db_error(dup.value)
    assert is_transient_db_error(killed.value)


LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-70001,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00
INV-70002,C701,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,99.99
"""


def remittance(n: int, sender: str, lines: list[tuple[str, Decimal]]) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = f"Payment {n}"
    msg["Message-ID"] = f"<pay-{n}@{sender.partition('@')[2]}>"
    body = "".join(f"{ref}   {amount:.2f}\n" for ref, amount in lines)
    total = sum((a for _, a in lines), start=Decimal(0))
    msg.set_content(f"Payment for:\n{body}Total {total:.2f}\n")
    return msg.as_bytes()


def services(url: str, ledger_csv: Path, csv_text: str) -> Services:
    upgrade(url)
    # The mails pay parts of invoices (250.00 of 1,250.00): database behaviour is tested
    # here, not ARBOX_MAX_DEDUCTION_SHARE, so part payments post as before that rule.
    svc = Services.from_settings(Settings(database_url=url, max_deduction_share="1.00"))
    ledger_csv.write_text(csv_text)
    with svc.sessions.begin() as s:
        import_invoices(s, ledger_csv, default_currency="USD", now=utc_now())
    return svc


def test_a_connection_killed_mid_transaction_is_retried_without_an_attempt_or_half_writes(
    postgres_server, postgres_url, tmp_path
):
    svc = services(postgres_url, tmp_path / "l.csv", LEDGER)
    stored = store_inbound(
        svc,
        remittance(1, "ap@acme-mfg.example", [("INV-70001", Decimal("250.00"))]),
        source="file",
    )
    # Given the server kills our connection in the middle of posting (at the invoice lock)
    killed: list[int] = []

    def kill_at_lock(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "FOR UPDATE" in statement and "invoices" in statement and not killed:
            pid = conn.exec_driver_sql("select pg_backend_pid()").scalar_one()
            killed.append(pid)
            with psycopg.connect(postgres_server.url().replace("+psycopg", "")) as admin:
                admin.execute("select pg_terminate_backend(%s)", (pid,))

    event.listen(svc.engine, "before_cursor_execute", kill_at_lock)
    try:
        # When the message is processed, it fails transiently
        with pytest.raises(TransientError):
            process_inbound(stored.inbound_id, svc=svc)
        # Then nothing of that transaction is left and the attempt was given back
        with svc.sessions() as s:
            row = s.get(m.InboundMessage, stored.inbound_id)
            assert row is not None
            assert (row.status, row.attempts) == ("stored", 0)  # not decided, nothing recorded
            assert s.execute(select(func.count(m.Remittance.id))).scalar_one() == 0
            assert s.execute(select(func.count(m.Application.id))).scalar_one() == 0
        # and the retry (a fresh pooled connection, pre-pinged) applies it once
        assert process_inbound(stored.inbound_id, svc=svc).status == "applied"
        with svc.sessions() as s:
            balance = s.execute(
                select(m.Invoice.balance).where(m.Invoice.number == "INV-70001")
            ).scalar_one()
            attempts = s.get(m.InboundMessage, stored.inbound_id).attempts  # type: ignore[union-attr]
    finally:
        event.remove(svc.engine, "before_cursor_execute", kill_at_lock)
        svc.engine.dispose()
    assert killed
    assert balance == Decimal("1000.00")
    assert attempts == 1


# --- Many worker processes, one PostgreSQL, the same invoices ------------------------------------

#: Group A: payments well below the invoices' amounts (order cannot matter: compared with a
#: single-process reference). Group B: three times more asked than open (the balance check and
#: the row locks decide).
RACE_LEDGER = (
    "invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount\n"
    + "".join(
        f"INV-8100{i},CA,Alpha Inc,ap@alpha.example,2026-10-01,2026-10-31,5000.00\n"
        for i in range(1, 4)
    )
    + "".join(
        f"INV-8200{i},CB,Beta Inc,ap@beta.example,2026-10-01,2026-10-31,100.00\n"
        for i in range(1, 4)
    )
)


def race_mails(count: int) -> list[bytes]:
    rng = random.Random(7)
    mails = []
    for n in range(count):
        group = "A" if n % 2 == 0 else "B"
        sender = "ap@alpha.example" if group == "A" else "ap@beta.example"
        prefix = "8100" if group == "A" else "8200"
        refs = rng.sample(["1", "2", "3"], rng.randint(1, 2))
        lines = [(f"INV-{prefix}{r}", Decimal(rng.randint(1000, 3000)) / 100) for r in refs]
        mails.append(remittance(n, sender, lines))
    return mails


def ledger_of(svc: Services) -> dict[str, Any]:
    with svc.sessions() as s:
        invoices = {
            n: (a, b)
            for n, a, b in s.execute(select(m.Invoice.number, m.Invoice.amount, m.Invoice.balance))
        }
        apps = s.execute(
            select(
                m.InboundMessage.message_id,
                m.RemittanceLine.line_no,
                m.RemittanceLine.id,
                m.Invoice.number,
                m.Application.amount,
            )
            .join(m.RemittanceLine, m.RemittanceLine.id == m.Application.remittance_line_id)
            .join(m.Remittance, m.Remittance.id == m.RemittanceLine.remittance_id)
            .join(m.InboundMessage, m.InboundMessage.id == m.Remittance.inbound_id)
            .join(m.Invoice, m.Invoice.id == m.Application.invoice_id)
        ).all()
        statuses = dict(
            s.execute(select(m.InboundMessage.message_id, m.InboundMessage.status)).tuples().all()
        )
        stale = s.execute(
            select(func.count(m.RemittanceLine.id)).where(
                m.RemittanceLine.reason == "invoice balance changed while applying"
            )
        ).scalar_one()
    return {"invoices": invoices, "apps": apps, "statuses": statuses, "stale": stale}


def lock_waits(server: Any, database: str, stop: threading.Event, seen: list[int]) -> None:
    """Sample ``pg_locks`` until ``stop``: append how many backends of ``database`` were
    waiting for a lock, each time some were (the row locks the race is about)."""
    with psycopg.connect(server.url().replace("+psycopg", ""), autocommit=True) as conn:
        while not stop.wait(0.01):
            (waiting,) = conn.execute(
                "select count(*) from pg_stat_activity "
                "where datname = %s and wait_event_type = 'Lock'",
                (database,),
            ).fetchone() or (0,)
            if waiting:
                seen.append(waiting)


def test_worker_processes_racing_for_the_same_invoices_never_overapply(
    postgres_server, redis_server, tmp_path
):
    from worker.actors import process_message
    from worker.runtime import boot, wait_until_done

    mails = race_mails(60)
    url = postgres_server.create_database("race")
    svc = services(url, tmp_path / "l.csv", RACE_LEDGER)
    # Given 3 worker processes of 4 threads each on one PostgreSQL and one Redis (started
    # first: they boot while the reference is made, and wait for work)
    settings = Settings(database_url=url, redis_url=redis_server.url, max_deduction_share="1.00")
    boot(settings)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARBOX_")}
    env.update(
        ARBOX_DATABASE_URL=url,
        ARBOX_REDIS_URL=redis_server.url,
        ARBOX_WORKER_THREADS="4",
        ARBOX_MAX_DEDUCTION_SHARE="1.00",
    )
    procs = []
    for i in range(3):
        with (tmp_path / f"w{i}.log").open("wb") as log:
            procs.append(
                subprocess.Popen([ARBOX, "worker"], env=env, cwd=tmp_path, stdout=log, stderr=log)
            )
    waits: list[int] = []
    sampling = threading.Event()
    sampler = threading.Thread(target=lock_waits, args=(postgres_server, "race", sampling, waits))
    try:
        # The reference: the same mail, one at a time, in one process
        ref = services(postgres_server.create_database("raceref"), tmp_path / "r.csv", RACE_LEDGER)
        for raw in mails:
            process_inbound(store_inbound(ref, raw, source="file").inbound_id, svc=ref)
        # When all the mail is stored first and then released at once
        ids = [store_inbound(svc, raw, source="file").inbound_id for raw in mails]
        sampler.start()
        for inbound_id in ids:
            process_message.send(inbound_id)
        state = wait_until_done(svc, ids, timeout=120)
    finally:
        sampling.set()
        if sampler.is_alive():
            sampler.join()
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            p.wait(timeout=60)
    assert state.done, state
    got, want = ledger_of(svc), ledger_of(ref)
    svc.engine.dispose()
    ref.engine.dispose()
    # Then no balance is below zero and the applications add up to what left each balance
    applied: dict[str, Decimal] = defaultdict(Decimal)
    for _, _, _, number, amount in got["apps"]:
        applied[number] += amount
    for number, (amount, balance) in got["invoices"].items():
        assert balance >= 0, number
        assert applied[number] <= amount, number
        assert amount - applied[number] == balance, number
    # and each line is applied at most once
    lines = [line_id for _, _, line_id, _, _ in got["apps"]]
    assert len(lines) == len(set(lines))
    # and the group B invoices were taken to exactly what they held, the rest went to review
    assert sum(applied[f"INV-8200{i}"] for i in range(1, 4)) > Decimal("250.00")
    # and no decision was made on a stale balance: the row locks made every worker wait
    assert got["stale"] == 0
    assert waits, "no worker ever waited for a row lock: the processes did not race"
    # and group A, whose order cannot matter, equals the single-process reference
    a = {k: v for k, v in got["invoices"].items() if k.startswith("INV-81")}
    assert a == {k: v for k, v in want["invoices"].items() if k.startswith("INV-81")}
    pick = lambda rows: sorted((r[0], r[1], r[3], r[4]) for r in rows if "alpha" in r[0])  # noqa: E731
    assert pick(got["apps"]) == pick(want["apps"])
    alpha = {k: v for k, v in got["statuses"].items() if "alpha" in k}
    assert alpha == {k: v for k, v in want["statuses"].items() if "alpha" in k}
    print(  # noqa: T201  (the numbers the report quotes)
        f"race: {len(mails)} mails, {len(got['apps'])} applications, "
        f"B applied {sum(applied[f'INV-8200{i}'] for i in range(1, 4))} of 300.00, "
        f"lock waits seen in {len(waits)} samples (most at once: {max(waits, default=0)})"
    )


class SlowMailer(RecordingMailer):
    """Takes its time over each mail, as a remote SMTP server does."""

    def send(self, raw: bytes, *, sender: str, recipients: Sequence[str]) -> None:
        time.sleep(0.3)
        super().send(raw, sender=sender, recipients=recipients)


def test_two_deliveries_of_one_send_job_at_once_send_one_mail(database_url, tmp_path):
    # Given an acknowledgement in the outbox (SQLite, then PostgreSQL)
    upgrade(database_url)
    base = Services.from_settings(
        Settings(database_url=database_url, ar_address="ar@arbox.example")
    )
    mailer = SlowMailer()
    svc = Services(
        settings=base.settings,
        engine=base.engine,
        sessions=base.sessions,
        mailer=mailer,
        policy=base.policy,
    )
    (tmp_path / "l.csv").write_text(LEDGER)
    with svc.sessions.begin() as s:
        import_invoices(s, tmp_path / "l.csv", default_currency="USD", now=utc_now())
    raw = remittance(9, "ap@acme-mfg.example", [("INV-70002", Decimal("99.99"))])
    (outbox_id,) = process_inbound(
        store_inbound(svc, raw, source="file").inbound_id, svc=svc
    ).outbox_ids
    # When Dramatiq runs the send job twice at the same moment (dramatiq#431, the sweep)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: send_outbox(outbox_id, svc=svc).status, range(2)))
    svc.engine.dispose()
    # Then the server got the mail once
    assert len(mailer.sent) == 1
    assert "sent" in results

# long: one harness run top to bottom (fleet, faults, reference run, comparison) on shared state.
"""Crash harness: arbox processes SIGKILLed at random points, Redis restarted, database
connections killed, while remittance mail flows from a real IMAP server; then the ledger is
compared with a single-process reference run of the same mail (``arbox ingest``).

    python bench/chaos.py --kills 100 --mails 60 --imap dovecot --db postgres

Servers: Debian redis-server (appendonly), pymap or Dovecot, SQLite or Debian PostgreSQL, an
aiosmtpd sink; all on 127.0.0.1 in a temp dir, stopped at the end. Exit status 0 when every
check passed, 1 otherwise. Every number printed is counted from the databases and the sink.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.policy import compat32
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: make the repo's packages importable
    sys.path.insert(0, str(REPO))

from sqlalchemy import Engine, func, select  # noqa: E402  (after the sys.path fix above)

from core.statuses import FINAL_STATUSES  # noqa: E402
from ledger import models as m  # noqa: E402
from ledger.run_reads import is_all_done  # noqa: E402
from ledger.session import make_engine, make_sessionmaker  # noqa: E402

ARBOX = str(Path(sys.executable).with_name("arbox"))
CUSTOMERS = 5
INVOICES_PER_CUSTOMER = 3
INVOICE_AMOUNT = Decimal("1000.00")


@dataclass
class ChaosConfig:
    """What to run: sizes, servers and how rough to be."""

    kills: int = 10
    mails: int = 50
    imap: str = "pymap"
    db: str = "sqlite"
    processes: int = 3
    threads: int = 3
    redis_restarts: int = 1
    db_kills: int = 2
    seed: int = 1
    timeout: float = 180.0
    kill_gap: tuple[float, float] = (0.1, 1.5)
    aim_at_work: bool = True
    workdir: Path | None = None
    #: More ``ARBOX_*`` settings for the processes under test (over the harness's own).
    env: dict[str, str] = field(default_factory=dict)


@dataclass
class ChaosResult:
    """What the run measured and which checks failed."""

    counts: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def ledger_csv() -> str:
    rows = [
        "invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount"
    ]
    for c in range(1, CUSTOMERS + 1):
        for i in range(1, INVOICES_PER_CUSTOMER + 1):
            rows.append(
                f"INV-{c}{i:04d},C{c:03d},Customer {c} Inc,ap@c{c}.example,"
                f"2026-10-01,2026-10-31,{INVOICE_AMOUNT}"
            )
    return "\n".join(rows) + "\n"


def remittance_mails(count: int, rng: random.Random, seed: int) -> list[bytes]:
    """Remittances hitting few invoices often; every 10th has an unknown line (review). The
    payments per invoice stay far below its amount, so the final ledger does not depend on the
    order the mail is processed in, and a reference run must give the same one."""
    mails = []
    for n in range(count):
        c = rng.randint(1, CUSTOMERS)
        invoices = rng.sample(range(1, INVOICES_PER_CUSTOMER + 1), rng.randint(1, 3))
        lines = [(f"INV-{c}{i:04d}", Decimal(rng.randint(500, 3000)) / 100) for i in invoices]
        if n % 10 == 9:
            lines.append((f"INV-9{n:04d}", Decimal("12.34")))
        total = sum((a for _, a in lines), start=Decimal(0))
        msg = EmailMessage()
        msg["From"] = f"Customer {c} AP <ap@c{c}.example>"
        msg["To"] = "ar@arbox.example"
        msg["Subject"] = f"Remittance advice {n}"
        msg["Message-ID"] = f"<chaos-{seed}-{n}@c{c}.example>"
        msg["Date"] = "Sun, 22 Nov 2026 10:00:00 +0000"
        body = "Payment for:\n" + "".join(f"{ref}   {amt:.2f}\n" for ref, amt in lines)
        msg.set_content(body + f"Total {total:.2f}\n")
        mails.append(msg.as_bytes())
    return mails


def snapshot(url: str) -> dict[str, Any]:
    """The ledger by natural keys (Message-IDs, invoice numbers), comparable across runs."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as s:
            inbound = dict(
                s.execute(select(m.InboundMessage.message_id, m.InboundMessage.status))
                .tuples()
                .all()
            )
            rows_per_mid = collections.Counter(
                s.execute(select(m.InboundMessage.message_id)).scalars()
            )
            invoices = {
                n: (b, st, a)
                for n, b, st, a in s.execute(
                    select(m.Invoice.number, m.Invoice.balance, m.Invoice.status, m.Invoice.amount)
                )
            }
            apps = s.execute(
                select(
                    m.InboundMessage.message_id,
                    m.RemittanceLine.line_no,
                    m.Invoice.number,
                    m.Application.amount,
                )
                .join(m.RemittanceLine, m.RemittanceLine.id == m.Application.remittance_line_id)
                .join(m.Remittance, m.Remittance.id == m.RemittanceLine.remittance_id)
                .join(m.InboundMessage, m.InboundMessage.id == m.Remittance.inbound_id)
                .join(m.Invoice, m.Invoice.id == m.Application.invoice_id)
            ).all()
            outbox = collections.Counter(
                (mid, st)
                for mid, st in s.execute(
                    select(m.InboundMessage.message_id, m.OutboxMessage.status).join(
                        m.InboundMessage, m.InboundMessage.id == m.OutboxMessage.inbound_id
                    )
                )
            )
            retried = s.execute(
                select(func.count(m.InboundMessage.id)).where(m.InboundMessage.attempts > 1)
            ).scalar_one()
            pending = s.execute(
                select(func.count(m.OutboxMessage.id)).where(m.OutboxMessage.status == "pending")
            ).scalar_one()
            sent_ids = set(
                s.execute(
                    select(m.OutboxMessage.message_id).where(m.OutboxMessage.status == "sent")
                ).scalars()
            )
    finally:
        engine.dispose()
    return {
        "inbound": inbound,
        "rows_per_mid": rows_per_mid,
        "invoices": invoices,
        "applications": sorted((str(a), n, i, b) for a, n, i, b in apps),
        "outbox": outbox,
        "pending": pending,
        "retried": retried,
        "sent_ids": sent_ids,
    }


def outstanding(engine: Engine) -> int:
    """Stored mail not final yet plus outbound mail not sent yet (-1: database unreachable)."""
    try:
        with make_sessionmaker(engine)() as s:
            return int(
                s.execute(
                    select(func.count(m.InboundMessage.id)).where(
                        m.InboundMessage.status.not_in([x.value for x in FINAL_STATUSES])
                    )
                ).scalar_one()
                + s.execute(
                    select(func.count(m.OutboxMessage.id)).where(
                        m.OutboxMessage.status == "pending"
                    )
                ).scalar_one()
            )
    except Exception:
        return -1


def final_count(engine: Engine) -> int:
    """Stored mail in a final state (-1: database unreachable)."""
    try:
        with make_sessionmaker(engine)() as s:
            return int(
                s.execute(
                    select(func.count(m.InboundMessage.id)).where(
                        m.InboundMessage.status.in_([x.value for x in FINAL_STATUSES])
                    )
                ).scalar_one()
            )
    except Exception:
        return -1


def is_done(url: str, expected: int) -> bool:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as s:
            return is_all_done(s, at_least=expected)
    except Exception:
        return False
    finally:
        engine.dispose()


class Fleet:
    """The arbox processes under test: one ``arbox run`` and ``n - 1`` ``arbox worker``."""

    def __init__(self, env: dict[str, str], workdir: Path, n: int) -> None:
        self.env, self.workdir = env, workdir
        self.commands = ["run"] + ["worker"] * (n - 1)
        self.procs: list[subprocess.Popen[bytes]] = [self._start(i) for i in range(n)]

    def _start(self, i: int) -> subprocess.Popen[bytes]:
        with (self.workdir / f"arbox-{i}.log").open("ab") as log:
            return subprocess.Popen(
                [ARBOX, self.commands[i]],
                env=self.env,
                cwd=self.workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def kill_one(self, rng: random.Random) -> None:
        i = rng.randrange(len(self.procs))
        self.procs[i].send_signal(signal.SIGKILL)
        self.procs[i].wait()
        self.procs[i] = self._start(i)

    def stop(self) -> None:
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=40)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def _base_env(workdir: Path, url: str, redis: str, smtp: Any) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARBOX_")}
    env.update(
        ARBOX_DATABASE_URL=url,
        ARBOX_REDIS_URL=redis,
        ARBOX_DATA_DIR=str(workdir / "data"),
        ARBOX_SMTP_HOST=smtp.host,
        ARBOX_SMTP_PORT=str(smtp.port),
        ARBOX_SMTP_TLS="none",
        ARBOX_WEB_PORT="0",  # `arbox run` serves the review app: on a free port, not 8000
        ARBOX_AR_ADDRESS="ar@arbox.example",
        ARBOX_MAX_REPLIES_PER_SENDER_PER_DAY="100000",
        ARBOX_REPLY_BREAKER_MAILS="0",  # one customer's many remittances are no reply loop
        # The mails pay small parts of large invoices, so that the final ledger does not depend
        # on their order: part payments a person would look at, posted here all the same.
        ARBOX_MAX_DEDUCTION_SHARE="1.00",
    )
    return env


def _arbox(env: dict[str, str], cwd: Path, *args: str) -> None:
    result = subprocess.run(
        [ARBOX, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"arbox {' '.join(args)} failed: {result.stderr[-2000:]}")


def _sent(sink: Any) -> list[tuple[str, str]]:
    """(Message-ID, In-Reply-To) of every mail the sink accepted, duplicates included."""
    out = []
    for mail in sink.messages():
        h = BytesHeaderParser(policy=compat32).parsebytes(mail.raw)
        out.append((str(h["Message-ID"]), str(h["In-Reply-To"])))
    return out


def run_chaos(cfg: ChaosConfig) -> ChaosResult:
    """Run the harness; servers are started here and stopped before returning."""
    from tests.servers import start_dovecot, start_postgres, start_redis_server
    from worker.dev.embedded import start_pymap, start_smtp_sink

    rng = random.Random(cfg.seed)
    workdir = cfg.workdir or Path(tempfile.mkdtemp(prefix="arbox-chaos-"))
    workdir.chmod(0o755)
    result = ChaosResult()
    stoppers: list[Any] = []
    fleet: Fleet | None = None
    started = time.monotonic()
    try:
        (workdir / "redis").mkdir()
        redis = start_redis_server(workdir / "redis")
        stoppers.append(redis.stop)
        sink, ref_sink = (start_smtp_sink(directory=workdir / d) for d in ("sent", "ref-sent"))
        stoppers += [sink.stop, ref_sink.stop]
        pg = None
        if cfg.db == "postgres":
            (workdir / "pg").mkdir()
            pg = start_postgres(workdir / "pg")
            stoppers.append(pg.stop)
            url, ref_url = pg.create_database("chaos"), pg.create_database("reference")
        else:
            url, ref_url = (f"sqlite:///{workdir / n}.db" for n in ("chaos", "reference"))
        if cfg.imap == "dovecot":
            (workdir / "dovecot").mkdir()
            imap: Any = start_dovecot(workdir / "dovecot")
        else:
            imap = start_pymap(user="ar", password=secrets.token_urlsafe(12), workdir=workdir)
        stoppers.append(imap.stop)

        mails = remittance_mails(cfg.mails, rng, cfg.seed)
        (workdir / "ledger.csv").write_text(ledger_csv())
        emls = workdir / "eml"
        emls.mkdir()
        for n, raw in enumerate(mails):
            (emls / f"{n:04d}.eml").write_bytes(raw)

        # The reference: one process, no chaos, the same mail through `arbox ingest`.
        ref_env = _base_env(workdir, ref_url, redis.url.rsplit("/", 1)[0] + "/1", ref_sink)
        for args in (("db", "upgrade"), ("import", "invoices", "ledger.csv"), ("ingest", "eml")):
            _arbox(ref_env, workdir, *args)
        result.counts["reference_seconds"] = round(time.monotonic() - started, 1)

        env = _base_env(workdir, url, redis.url, sink)
        env.update(
            ARBOX_IMAP_HOST="127.0.0.1",
            ARBOX_IMAP_PORT=str(imap.port),
            ARBOX_IMAP_USER=imap.user,
            ARBOX_IMAP_PASSWORD=imap.password,
            ARBOX_IMAP_TLS="none",
            ARBOX_IMAP_POLL_SECONDS="1",
            ARBOX_WORKER_THREADS=str(cfg.threads),
            ARBOX_SWEEP_AFTER_SECONDS="5",
            ARBOX_BROKER_HEARTBEAT_TIMEOUT_MS="5000",
            ARBOX_BROKER_MAINTENANCE_CHANCE="100000",
            # A worker killed mid-send leaves its outbox row leased for five SMTP timeouts
            # (worker.sending): 25 s with the sink on loopback, not 150 s at the default.
            ARBOX_SMTP_TIMEOUT_SECONDS="5",
        )
        env.update(cfg.env)
        for args in (("db", "upgrade"), ("import", "invoices", "ledger.csv")):
            _arbox(env, workdir, *args)

        chaos_started = time.monotonic()
        half = len(mails) // 4
        for raw in mails[:half]:
            imap.append("INBOX", raw)
        to_append = mails[half:]
        fleet = Fleet(env, workdir, cfg.processes)
        redis_at = {
            cfg.kills * (k + 1) // (cfg.redis_restarts + 1) for k in range(cfg.redis_restarts)
        }
        db_at = (
            {cfg.kills * (k + 1) // (cfg.db_kills + 1) + 1 for k in range(cfg.db_kills)}
            if pg is not None
            else set()
        )
        per_kill = max(1, -(-len(to_append) // max(1, cfg.kills)))
        redis_restarts = db_kills = backends_killed = 0
        busy_kills = 0
        probe = make_engine(url)
        stoppers.append(probe.dispose)
        fleet_up = time.monotonic()
        if cfg.aim_at_work:  # the first kill strikes a fleet at work, not one still booting
            while final_count(probe) <= 0 and time.monotonic() < fleet_up + cfg.timeout:
                time.sleep(0.1)
        result.counts["fleet_up_seconds"] = round(time.monotonic() - fleet_up, 1)
        for k in range(1, cfg.kills + 1):
            for raw in to_append[:per_kill]:
                imap.append("INBOX", raw)
            to_append = to_append[per_kill:]
            time.sleep(rng.uniform(*cfg.kill_gap))
            if cfg.aim_at_work:  # wait a little for work in flight, then strike inside it
                aim_until = time.monotonic() + 0.5
                while outstanding(probe) == 0 and time.monotonic() < aim_until:
                    time.sleep(0.02)
                time.sleep(rng.uniform(0.0, 0.2))
            busy_kills += outstanding(probe) > 0
            fleet.kill_one(rng)
            if k in redis_at:
                redis.restart()
                redis_restarts += 1
            if k in db_at and pg is not None:
                backends_killed += pg.terminate_connections("chaos")
                db_kills += 1
        for raw in to_append:
            imap.append("INBOX", raw)
        last_kill = time.monotonic()
        deadline = last_kill + cfg.timeout
        while time.monotonic() < deadline:
            if is_done(url, len(mails)) and not imap.uids("INBOX"):
                break
            time.sleep(0.5)
        recovery = time.monotonic() - last_kill
        fleet.stop()
        fleet = None
        time.sleep(0.5)

        got, ref = snapshot(url), snapshot(ref_url)
        counts, result.problems = evaluate(
            got, ref, _sent(sink), {_mid(raw) for raw in mails}, len(imap.uids("INBOX"))
        )
        result.counts.update(counts)
        result.counts.update(
            kills=cfg.kills,
            kills_with_work_in_flight=busy_kills,
            redis_restarts=redis_restarts,
            db_connection_kills=db_kills,
            db_backends_killed=backends_killed,
            sweeps_logged=_log_lines(workdir, "swept"),
            transient_db_errors_logged=_log_lines(workdir, "inbound_transient_error"),
            recovery_seconds=round(recovery, 1),
            chaos_seconds=round(time.monotonic() - chaos_started, 1),
        )
    finally:
        if fleet is not None:
            fleet.stop()
        for stop in reversed(stoppers):
            try:
                stop()
            except Exception as e:
                print(f"warning: stopping a server failed: {e}", file=sys.stderr)
        result.counts["elapsed_seconds"] = round(time.monotonic() - started, 1)
        if result.ok and cfg.workdir is None and "mails" in result.counts:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            result.counts["workdir"] = str(workdir)
    return result


def evaluate(
    got: dict[str, Any],
    ref: dict[str, Any],
    sent: list[tuple[str, str]],
    expected_mids: set[str],
    inbox_left: int,
) -> tuple[dict[str, Any], list[str]]:
    """Counts and failed checks of a run: ``got`` and ``ref`` are :func:`snapshot` results, ``sent``
    what the SMTP sink received, ``expected_mids`` the Message-IDs of the mail put in."""
    per_mid = collections.Counter(mid for mid, _ in sent)
    mids_per_reply = collections.defaultdict(set)
    for mid, reply_to in sent:
        mids_per_reply[reply_to].add(mid)
    line_apps = collections.Counter((a, n) for a, n, _, _ in got["applications"])
    finals = collections.Counter(got["inbound"].values())
    below_zero = [n for n, (b, _, _) in got["invoices"].items() if b < 0]
    applied_sum: dict[str, Decimal] = collections.defaultdict(Decimal)
    for _, _, inv, amount in got["applications"]:
        applied_sum[inv] += amount
    over = [n for n, (_, _, a) in got["invoices"].items() if applied_sum[n] > a]
    unbalanced = [n for n, (b, _, a) in got["invoices"].items() if a - applied_sum[n] != b]
    c: dict[str, Any] = {
        "mails": len(expected_mids),
        "final_states": dict(sorted(finals.items())),
        "not_final": sum(v for k, v in finals.items() if k not in FINAL_STATUSES),
        "lost_mails": len(expected_mids - set(got["inbound"])),
        "duplicate_inbound_rows": sum(v - 1 for v in got["rows_per_mid"].values()),
        "lines_applied": len(got["applications"]),
        "reference_lines_applied": len(ref["applications"]),
        "double_applications": sum(v - 1 for v in line_apps.values()),
        "outbound_sent": len(got["sent_ids"]),
        "reference_outbound_sent": len(ref["sent_ids"]),
        "outbound_received": len(sent),
        "duplicate_outbound_copies": sum(v - 1 for v in per_mid.values()),
        "replies_with_two_message_ids": sum(1 for v in mids_per_reply.values() if len(v) > 1),
        "pending_outbound": got["pending"],
        "inbox_left": inbox_left,
        "invoices_below_zero": len(below_zero),
        "invoices_over_applied": len(over),
        "invoices_balance_mismatch": len(unbalanced),
        "mails_retried": got["retried"],
    }
    checks = {
        "every mail stored once, in a final state": c["lost_mails"] == 0
        and c["not_final"] == 0
        and c["duplicate_inbound_rows"] == 0
        and set(got["inbound"]) == expected_mids,
        "no line applied twice": c["double_applications"] == 0,
        "final states equal the reference": got["inbound"] == ref["inbound"],
        "applications equal the reference": got["applications"] == ref["applications"],
        "invoices equal the reference": got["invoices"] == ref["invoices"],
        "outbox equals the reference": got["outbox"] == ref["outbox"],
        "no invoice below zero or over-applied": not below_zero and not over and not unbalanced,
        "every sent mail has one Message-ID": c["replies_with_two_message_ids"] == 0
        and set(per_mid) == got["sent_ids"],
        "nothing left pending or in the inbox": c["pending_outbound"] == 0 and inbox_left == 0,
    }
    return c, [name for name, passed in checks.items() if not passed]


def _log_lines(workdir: Path, event: str) -> int:
    """How many lines of the arbox processes' logs carry ``event``."""
    return sum(
        line.count(event)
        for log in workdir.glob("arbox-*.log")
        for line in log.read_text(errors="replace").splitlines()
    )


def _mid(raw: bytes) -> str:
    return str(BytesHeaderParser(policy=compat32).parsebytes(raw)["Message-ID"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--mails", type=int, default=50)
    parser.add_argument("--imap", choices=("pymap", "dovecot"), default="pymap")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--threads", type=int, default=3)
    parser.add_argument("--redis-restarts", type=int, default=1)
    parser.add_argument("--db-kills", type=int, default=2, help="PostgreSQL only")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument(
        "--blind", action="store_true", help="kill at random times, not aimed at work in flight"
    )
    args = parser.parse_args(argv)
    cfg = ChaosConfig(
        kills=args.kills,
        mails=args.mails,
        imap=args.imap,
        db=args.db,
        processes=args.processes,
        threads=args.threads,
        redis_restarts=args.redis_restarts,
        db_kills=args.db_kills,
        seed=args.seed,
        timeout=args.timeout,
        aim_at_work=not args.blind,
    )
    result = run_chaos(cfg)
    for key, value in result.counts.items():
        print(f"{key}: {value}")
    print("result:", "PASS" if result.ok else f"FAIL: {'; '.join(result.problems)}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())

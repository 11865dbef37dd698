# long: one benchmark run top to bottom (servers, fleet, CPU sampling, figures) on shared state.
"""End to end, as a user runs it: remittance mail in a real IMAP mailbox, ``arbox poller`` and two
``arbox worker --threads 4`` on Debian Redis, SQLite or PostgreSQL, acknowledgements into an SMTP
sink. Prints mails/s (steady and with start-up), CPU ms per mail per process kind, latency from
arrival to acknowledgement, and the bare cost of pdfplumber and PDFium on the same PDFs.

    python bench/e2e.py --mails 300 --db sqlite            # make bench-e2e E2E_ARGS="..."
    python bench/e2e.py --mails 100 --db postgres --mix --json out.json
    python bench/e2e.py --mails 300 --db sqlite --relay-ms 100   # a relay 100 ms a mail away

Servers: Dovecot (or pymap), Debian redis-server, PostgreSQL, an aiosmtpd sink in this process
(answering each mail after ``--relay-ms``); all on 127.0.0.1 in a temp dir, started by
tests/servers.py and worker/dev/embedded.py and stopped at the end. CPU is read from
/proc/<pid>/stat of each process and its descendants (the parse children), sampled every 0.2 s.
Issue 18 has the targets; this script measures only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# The repository's packages first (bench/matching.py must not hide the package `matching`),
# then this folder for e2e_world.
sys.path[:] = [str(REPO), str(HERE), *(p for p in sys.path if p not in (str(REPO), str(HERE)))]

from e2e_world import MIX, World, bare_costs, make_world  # noqa: E402
from sqlalchemy import select  # noqa: E402

from core.statuses import FINAL_STATUSES, OutboxStatus  # noqa: E402
from ledger import models as m  # noqa: E402
from ledger.run_reads import is_all_done  # noqa: E402
from ledger.session import make_engine, make_sessionmaker  # noqa: E402

#: Runs the ``arbox`` command line of this checkout (as bench/eval.py does).
ARBOX = [sys.executable, "-c", "from worker.cli import main; main()"]
STEADY_FROM = 10  # the steady rate runs from this acknowledgement to the last
SAMPLE_SECONDS = 0.2
#: The order of the CPU rows: arbox's processes, their total, then the servers.
KIND_ORDER = {"poller": 0, "workers": 1, "parse": 2, "worker": 3, "all": 4}


class CpuSampler(threading.Thread):
    """CPU seconds (user + system) of groups of processes and all their descendants, live and
    reaped, sampled until stopped: ``samples`` is a list of (time, {group: seconds})."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.groups: dict[str, list[int]] = {}
        self.samples: list[tuple[float, dict[str, float]]] = []
        self.halt = threading.Event()
        self.lock = threading.Lock()

    def add(self, group: str, pid: int) -> None:
        with self.lock:
            self.groups.setdefault(group, []).append(pid)

    def read(self) -> dict[str, float]:
        out: dict[str, float] = {"machine": _machine_busy()}
        table = _proc_table()
        with self.lock:
            groups = {k: list(v) for k, v in self.groups.items()}
        for group, pids in groups.items():
            for i, pid in enumerate(pids):
                own, kids = _tree_cpu(table, pid)
                out[f"{group}.{i}"] = own
                out[f"{group}.{i}.children"] = kids
        return out

    def run(self) -> None:
        while not self.halt.is_set():
            self.samples.append((time.time(), self.read()))
            self.halt.wait(SAMPLE_SECONDS)
        self.samples.append((time.time(), self.read()))

    def at(self, when: float) -> dict[str, float]:
        """The counters at ``when``, linearly between the samples around it."""
        before = [s for s in self.samples if s[0] <= when] or self.samples[:1]
        after = [s for s in self.samples if s[0] >= when] or self.samples[-1:]
        (t0, a), (t1, b) = before[-1], after[0]
        share = 0.0 if t1 == t0 else (when - t0) / (t1 - t0)
        return {k: a.get(k, 0.0) + share * (b.get(k, 0.0) - a.get(k, 0.0)) for k in b}


TICK = os.sysconf("SC_CLK_TCK")


def _proc_table() -> dict[int, tuple[int, float, float]]:
    """Every process: pid -> (parent pid, own CPU seconds, reaped children's CPU seconds), from
    /proc/<pid>/stat (utime + stime, cutime + cstime)."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rpartition(b")")[2].split()
        except OSError:
            continue
        # after "pid (comm)": state ppid ... utime(11) stime(12) cutime(13) cstime(14)
        own = (int(fields[11]) + int(fields[12])) / TICK
        reaped = (int(fields[13]) + int(fields[14])) / TICK
        table[int(entry.name)] = (int(fields[1]), own, reaped)
    return table


def _machine_busy() -> float:
    """CPU seconds the whole machine spent busy (every process), from /proc/stat."""
    with open("/proc/stat") as f:
        ticks = [int(v) for v in f.readline().split()[1:]]
    return (sum(ticks[:8]) - ticks[3] - ticks[4]) / TICK  # less idle and iowait


def _tree_cpu(table: dict[int, tuple[int, float, float]], pid: int) -> tuple[float, float]:
    """(the process's own CPU seconds, its descendants' live and reaped CPU seconds)."""
    if pid not in table:
        return 0.0, 0.0
    _, own, kids = table[pid]
    children: dict[int, list[int]] = {}
    for child, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(child)
    todo = list(children.get(pid, []))
    while todo:
        child = todo.pop()
        kids += table[child][1] + table[child][2]
        todo.extend(children.get(child, []))
    return own, kids


def start_servers(
    args: argparse.Namespace, db: str, work: Path, stack: list[Any]
) -> dict[str, Any]:
    from tests.servers import start_dovecot, start_postgres, start_redis_server
    from worker.dev.embedded import start_pymap, start_smtp_sink

    (work / "redis").mkdir()
    redis = start_redis_server(work / "redis")
    stack.append(redis.stop)
    relay = {"delay": args.relay_ms / 1000} if args.relay_ms else {}
    sink = start_smtp_sink(directory=work / "sent", **relay)
    stack.append(sink.stop)
    if args.imap == "dovecot":
        (work / "dovecot").mkdir()
        imap: Any = start_dovecot(work / "dovecot")
    else:
        imap = start_pymap(user="ar", password="bench-" + os.urandom(6).hex(), workdir=work)
    stack.append(imap.stop)
    servers: dict[str, Any] = {"redis": redis, "sink": sink, "imap": imap, "pids": {}}
    servers["pids"]["redis-server"] = redis.proc.pid
    servers["pids"][args.imap] = imap.proc.pid
    if db == "postgres":
        (work / "pg").mkdir()
        pg = start_postgres(work / "pg")
        stack.append(lambda: pg.stop("immediate"))
        servers["url"] = pg.create_database("arbox")
        pid_file = pg.data / "postmaster.pid"
        servers["pids"]["postgres"] = int(pid_file.read_text().split()[0])
    else:
        servers["url"] = f"sqlite:///{work / 'arbox.db'}"
    return servers


def arbox_env(work: Path, servers: dict[str, Any], threads: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARBOX_")}
    # The fleet runs this checkout's code, whatever an installed (editable) arbox points at.
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    imap, sink = servers["imap"], servers["sink"]
    env.update(
        ARBOX_DATABASE_URL=servers["url"],
        ARBOX_REDIS_URL=servers["redis"].url,
        ARBOX_DATA_DIR=str(work / "data"),
        ARBOX_IMAP_HOST=imap.host,
        ARBOX_IMAP_PORT=str(imap.port),
        ARBOX_IMAP_USER=imap.user,
        ARBOX_IMAP_PASSWORD=imap.password,
        ARBOX_IMAP_TLS="none",
        ARBOX_SMTP_HOST=sink.host,
        ARBOX_SMTP_PORT=str(sink.port),
        ARBOX_SMTP_TLS="none",
        ARBOX_AR_ADDRESS="ar@arbox.example",
        ARBOX_COMPANY_NAME="Example Supplies Co.",
        ARBOX_WORKER_THREADS=str(threads),
        # Hundreds of advices of 20 payers in a minute: no reply cap, no loop breaker.
        ARBOX_MAX_REPLIES_PER_SENDER_PER_DAY="1000000",
        ARBOX_REPLY_BREAKER_MAILS="0",
    )
    return env


def code_version() -> str:
    """The checkout the fleet runs (arbox_env puts it first on PYTHONPATH) and its commit."""
    git = ["git", "-C", str(REPO)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True
    ).stdout.strip()
    return f"{REPO} at {head.stdout.strip() or '?'}{' (modified)' if dirty else ''}"


def arbox(env: dict[str, str], cwd: Path, *args: str) -> None:
    result = subprocess.run(
        [*ARBOX, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=900, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"arbox {' '.join(args)} failed: {result.stderr[-2000:]}")


def wait_alive(redis_url: str, workers: int, deadline: float) -> None:
    """Until the poller and every worker wrote their heartbeat (worker/heartbeats.py)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    while time.time() < deadline:
        keys = [k.decode() for k in client.scan_iter("arbox:alive:*")]
        if sum(":worker:" in k for k in keys) >= workers and any(":poller:" in k for k in keys):
            return
        time.sleep(0.1)


def append_all(imap: Any, mails: list[bytes], rate: float, times: list[float]) -> None:
    """APPEND the mails over one connection, at ``rate`` per second (0: as fast as it goes);
    when each APPEND returned goes to ``times``."""
    start = time.time()
    with imap.client() as client:
        for n, raw in enumerate(mails):
            if rate > 0:
                time.sleep(max(0.0, start + n / rate - time.time()))
            client.append("INBOX", raw)
            times.append(time.time())


def ack_times(sink_dir: Path) -> list[float]:
    """When the sink stored each mail (its file's mtime), in order."""
    return sorted(e.stat().st_mtime for e in os.scandir(sink_dir) if e.name.endswith(".eml"))


def count_acks(sink_dir: Path) -> int:
    return sum(1 for e in os.scandir(sink_dir) if e.name.endswith(".eml"))


def start_fleet(
    env: dict[str, str], work: Path, args: argparse.Namespace, cpu: CpuSampler
) -> list[subprocess.Popen[bytes]]:
    commands = [("poller", ["poller"])] + [
        ("worker", ["worker", "--threads", str(args.threads)]) for _ in range(args.workers)
    ]
    procs = []
    for n, (kind, cmd) in enumerate(commands):
        with (work / f"{kind}-{n}.log").open("ab") as log:
            proc = subprocess.Popen(
                [*ARBOX, *cmd],
                env=env,
                cwd=work,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        cpu.add(kind, proc.pid)
        procs.append(proc)
    return procs


def stop_fleet(procs: list[subprocess.Popen[bytes]]) -> None:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=40)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def settled(url: str, mails: int) -> bool:
    """Every mail stored and final, and no outbound mail pending."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as s:
            return is_all_done(s, at_least=mails)
    finally:
        engine.dispose()


def _epoch(when: datetime) -> float:
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def database_figures(url: str, appended: dict[str, float]) -> dict[str, Any]:
    """States; per mail the time from storing to the first acknowledgement sent (seconds), and
    from its APPEND (``appended``: Message-ID -> time) when the mail arrived live."""
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as s:
            rows = s.execute(
                select(
                    m.InboundMessage.id,
                    m.InboundMessage.status,
                    m.InboundMessage.received_at,
                    m.InboundMessage.enqueued_at,
                    m.InboundMessage.parsed_at,
                    m.InboundMessage.processed_at,
                    m.InboundMessage.message_id,
                )
            ).all()
            out = s.execute(
                select(m.OutboxMessage.inbound_id, m.OutboxMessage.status, m.OutboxMessage.sent_at)
            ).all()
    finally:
        engine.dispose()
    sent: dict[int, datetime] = {}
    for inbound_id, status, sent_at in out:
        if status == OutboxStatus.SENT and inbound_id is not None and sent_at is not None:
            sent[inbound_id] = min(sent_at, sent.get(inbound_id, sent_at))
    stages: dict[str, list[float]] = {k: [] for k in ("queued", "parsed", "processed", "sent")}
    latency, from_append, to_store = [], [], []
    for id_, _, received, enqueued, parsed, processed, mid in rows:
        if mid in appended:
            to_store.append(_epoch(received) - appended[mid])
        if id_ in sent:
            latency.append((sent[id_] - received).total_seconds())
            if mid in appended:
                from_append.append(_epoch(sent[id_]) - appended[mid])
        marks = [received, enqueued, parsed, processed, sent.get(id_)]
        for name, a, b in zip(stages, marks, marks[1:], strict=False):
            if a is not None and b is not None:
                stages[name].append((b - a).total_seconds())
    return {
        "inbound_states": dict(Counter(r[1] for r in rows)),
        "final": sum(1 for r in rows if r[1] in FINAL_STATUSES),
        "outbox_states": dict(Counter(r[1] for r in out)),
        "acknowledged": len(sent),
        "latency": latency,
        "from_append": from_append,
        "append_to_stored": to_store,
        "stage_median_s": {
            k: round(statistics.median(v), 3) if v else None for k, v in stages.items()
        },
    }


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def cpu_figures(
    cpu: CpuSampler, t0: float, t_from: float, t_end: float, mails: int, steady: int
) -> dict[str, Any]:
    """CPU ms per mail per process kind: over the whole run (from the fleet's start) and the steady
    window; and how many of the machine's cores the arbox processes kept busy."""
    a0, a1, a2 = cpu.at(t0), cpu.at(t_from), cpu.at(t_end)

    def kinds(x: dict[str, float]) -> dict[str, float]:
        out: dict[str, float] = {}
        for key, value in sorted(x.items()):
            if key == "machine":
                continue
            group, n, *children = key.split(".")
            if group == "worker":
                name = "parse children (of workers)" if children else "workers (own)"
                for k in (name, f"worker {n} (with children)"):
                    out[k] = out.get(k, 0.0) + value
            else:
                name = f"{group} (with children)"
                out[name] = out.get(name, 0.0) + value
            if group in ("poller", "worker"):
                out["all arbox processes"] = out.get("all arbox processes", 0.0) + value
        return dict(sorted(out.items(), key=lambda kv: KIND_ORDER.get(kv[0].split()[0], 9)))

    k0, k1, k2 = kinds(a0), kinds(a1), kinds(a2)
    whole = {k: round((k2[k] - k0.get(k, 0.0)) * 1000 / mails, 1) for k in k2}
    window = {k: round((k2[k] - k1.get(k, 0.0)) * 1000 / max(steady, 1), 1) for k in k2}
    wall_whole, wall_steady = max(t_end - t0, 1e-9), max(t_end - t_from, 1e-9)
    cores = {
        "whole": round((k2["all arbox processes"] - k0["all arbox processes"]) / wall_whole, 2),
        "steady": round((k2["all arbox processes"] - k1["all arbox processes"]) / wall_steady, 2),
    }
    machine = {
        "whole": round((a2["machine"] - a0["machine"]) / wall_whole, 2),
        "steady": round((a2["machine"] - a1["machine"]) / wall_steady, 2),
    }
    return {
        "machine_cores_busy": machine,
        "cpu_ms_per_mail_steady": window,
        "cpu_ms_per_mail_whole": whole,
        "arbox_cores_busy": cores,
    }


def run_once(args: argparse.Namespace, db: str, world: World) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"arbox-e2e-{db}-"))
    work.chmod(0o755)
    stack: list[Any] = []
    procs: list[subprocess.Popen[bytes]] = []
    cpu = CpuSampler()
    result: dict[str, Any] = {"db": db, "workdir": str(work)}
    try:
        servers = start_servers(args, db, work, stack)
        for name, pid in servers["pids"].items():
            if pid:
                cpu.add(name, pid)
        env = arbox_env(work, servers, args.threads)
        env.update(setting.split("=", 1) for setting in args.env)
        (work / "invoices.csv").write_text(world.ledger_csv)
        arbox(env, work, "db", "upgrade")
        started = time.monotonic()
        arbox(env, work, "import", "invoices", "invoices.csv")
        result["import_seconds"] = round(time.monotonic() - started, 1)
        raws = [mail.raw for mail in world.mails]
        cpu.start()
        appended: list[float] = []
        if args.arrival == "preload":
            append_all(servers["imap"], raws, 0, appended)
        t0 = time.time()
        procs = start_fleet(env, work, args, cpu)
        if args.arrival == "live":  # the fleet is up, then the mail arrives
            wait_alive(servers["redis"].url, args.workers, time.time() + args.timeout)
            time.sleep(args.warmup)
            t0 = time.time()
            appender = threading.Thread(
                target=append_all, args=(servers["imap"], raws, args.rate, appended)
            )
            appender.start()
        sink_dir = servers["sink"].directory
        deadline = time.time() + args.timeout
        next_check = time.time() + 5
        while count_acks(sink_dir) < len(raws) and time.time() < deadline:
            if any(p.poll() is not None for p in procs):
                raise RuntimeError(f"an arbox process exited early; logs in {work}")
            if time.time() >= next_check:  # every mail final, nothing left to send: no more acks
                next_check = time.time() + 5
                if settled(servers["url"], len(raws)):
                    time.sleep(0.5)
                    break
            time.sleep(0.1)
        acks = ack_times(sink_dir)
        cpu.halt.set()
        cpu.join()
        if args.arrival == "live":
            appender.join()
        stop_fleet(procs)
        procs = []
        mids = [mail.message_id for mail in world.mails]
        live = dict(zip(mids, appended, strict=False)) if args.arrival == "live" else {}
        figures = database_figures(servers["url"], live)
        first = steady_from(len(acks))
        result.update(_rates(acks, t0, first))
        if len(acks) > first:
            result.update(
                cpu_figures(cpu, t0, acks[first - 1], acks[-1], len(acks), len(acks) - first)
            )
        lat, from_append = figures.pop("latency"), figures.pop("from_append")
        to_store = figures.pop("append_to_stored")
        result.update(figures)
        result["latency_s"] = {"p50": pct(lat, 0.5), "p99": pct(lat, 0.99), "n": len(lat)}
        if live:
            result["latency_from_append_s"] = {
                "p50": pct(from_append, 0.5),
                "p99": pct(from_append, 0.99),
                "n": len(from_append),
                "append_to_stored_p50": pct(to_store, 0.5),
                "append_to_stored_p99": pct(to_store, 0.99),
                "appends_per_s": round(len(appended) / max(appended[-1] - appended[0], 1e-9), 2),
            }
        result["sink_received"] = len(acks)
        result["complete"] = (
            figures["final"] == len(raws)
            and figures["acknowledged"] == len(raws)
            and len(acks) >= len(raws)
        )
    finally:
        cpu.halt.set()
        stop_fleet(procs)
        for stop in reversed(stack):
            try:
                stop()
            except Exception as e:
                print(f"warning: stopping a server failed: {e}", file=sys.stderr)
    if result.get("complete") and not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
        result.pop("workdir")
    return result


def steady_from(acks: int) -> int:
    """The acknowledgement the steady window starts at: the 10th, earlier for a few mails."""
    return min(STEADY_FROM, max(2, acks // 3))


def _rates(acks: list[float], t0: float, first: int) -> dict[str, Any]:
    if not acks:
        return {}
    out: dict[str, Any] = {"seconds_to_last_ack": round(acks[-1] - t0, 2)}
    out["mails_per_s_with_startup"] = round(len(acks) / max(acks[-1] - t0, 1e-9), 2)
    if len(acks) > first:
        span = acks[-1] - acks[first - 1]
        out["mails_per_s_steady"] = round((len(acks) - first) / max(span, 1e-9), 2)
        out["steady_window_s"] = round(span, 2)
        out["steady_from_ack"] = first
    out["seconds_to_first_ack"] = round(acks[0] - t0, 2)
    return out


def report(res: dict[str, Any], args: argparse.Namespace) -> list[str]:
    """The figures of one run as text lines."""
    arrival = "preloaded" if args.arrival == "preload" else f"arriving at {args.rate or 'max'}/s"
    lines = [f"--- {res['db']}, {args.imap}, mails {arrival}"]
    start = "the fleet started" if args.arrival == "preload" else "the first mail was appended"
    lines.append(
        f"mails {args.mails} ({res['mix']}), lines {res['lines']}; final {res.get('final')}, "
        f"states {res.get('inbound_states')}; acknowledgements sent {res.get('acknowledged')}, "
        f"at the sink {res.get('sink_received')}; complete: {res.get('complete')}"
    )
    lines.append(
        f"mails/s steady (ack {res.get('steady_from_ack')} to last, "
        f"{res.get('steady_window_s')} s): "
        f"{res.get('mails_per_s_steady')}; with start-up: {res.get('mails_per_s_with_startup')} "
        f"(last ack {res.get('seconds_to_last_ack')} s after {start}, first "
        f"{res.get('seconds_to_first_ack')} s)"
    )
    lat = res.get("latency_s", {})
    lines.append(
        f"latency stored -> acknowledgement sent: p50 {lat.get('p50')} s, p99 {lat.get('p99')} s "
        f"(n {lat.get('n')}); median per stage (s): {res.get('stage_median_s')}"
    )
    if "latency_from_append_s" in res:
        lines.append(f"latency from IMAP APPEND (s): {res['latency_from_append_s']}")
    steady, whole = res.get("cpu_ms_per_mail_steady", {}), res.get("cpu_ms_per_mail_whole", {})
    lines.append(f"{'CPU ms per mail':<32}{'steady':>8}{'whole run':>11}")
    for kind in steady:
        lines.append(f"  {kind:<30}{steady[kind]:>8}{whole.get(kind, 0):>11}")
    lines.append(
        f"cores busy of {os.cpu_count()}: arbox processes {res.get('arbox_cores_busy')}, "
        f"whole machine (everything running) {res.get('machine_cores_busy')}"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--imap", choices=("dovecot", "pymap"), default="dovecot")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--mails", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--mix", action="store_true", help="one-page PDF, multi-page PDF, body, CSV"
    )
    parser.add_argument(
        "--kind",
        choices=MIX,
        default="pdf",
        help="the kind of every mail without --mix (pdf_pages: --pages of --page-lines lines)",
    )
    parser.add_argument("--lines", type=int, default=15, help="lines of a one-page advice")
    parser.add_argument("--pages", type=int, default=4, help="pages of a multi-page advice (--mix)")
    parser.add_argument("--page-lines", type=int, default=120, help="lines of a multi-page advice")
    parser.add_argument(
        "--arrival",
        choices=("preload", "live"),
        default="preload",
        help="all mail in the INBOX before the fleet starts, or arriving after",
    )
    parser.add_argument("--rate", type=float, default=0, help="live: mails/s offered (0: max)")
    parser.add_argument(
        "--warmup",
        type=float,
        default=2.0,
        help="live: seconds from the fleet's first heartbeats to the first mail",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="ARBOX_X=VALUE",
        help="another setting for the arbox processes (repeatable)",
    )
    parser.add_argument(
        "--relay-ms", type=float, default=0, help="ms the SMTP sink takes per mail (a relay)"
    )
    parser.add_argument("--bare-sample", type=int, default=100, help="PDFs per kind read bare")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument("--keep", action="store_true", help="keep the work dir")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)

    command = shlex.join(["python", "bench/e2e.py", *(sys.argv[1:] if argv is None else argv)])
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    world = make_world(
        args.mails,
        mix=args.mix,
        kind=args.kind,
        lines=args.lines,
        pages=args.pages,
        page_lines=args.page_lines,
    )
    mix = dict(Counter(mail.kind for mail in world.mails))
    head = [
        f"end to end (bench/e2e.py), {when}",
        f"command: {command}",
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{args.workers} workers x {args.threads} threads + 1 poller",
        f"code: {code_version()}",
    ]
    print("\n".join(head), flush=True)
    out: dict[str, Any] = {"date": when, "command": command, "cores": os.cpu_count(), "runs": []}
    ok = True
    for db in ("sqlite", "postgres") if args.db == "both" else (args.db,):
        res = run_once(args, db, world)
        res.update(mix=mix, lines=world.lines, imap=args.imap, arrival=args.arrival, rate=args.rate)
        out["runs"].append(res)
        ok = ok and bool(res.get("complete"))
        print("\n".join(report(res, args)), flush=True)
    bare = bare_costs(world.mails, args.bare_sample)
    out["bare_pdf"] = bare
    for kind, row in bare.items():
        print(
            f"same PDFs read bare ({kind}, median CPU ms per PDF over {row['pdfs']}): pdfplumber "
            f"text + tables {row['pdfplumber_ms']}, pypdfium2 text {row['pdfium_ms']}, "
            f"ratio {row['ratio']}"
        )
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, default=str) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

# ruff: noqa: E402
"""A worker's own CPU per mail, in process: ``process_message``'s work on issue 18's mail.

Usage: ``python bench/worker_step.py [--mails 300] [--kind pdf] [--profile FILE]
[--no-isolation]``.

A SQLite file ledger gets bench/e2e.py's world (``arbox db upgrade``, ``arbox import
invoices``); its mails are stored as the poller stores them; then this thread does, mail after
mail, what the ``process_message`` actor does (:func:`worker.inbound.process.process_inbound`
with the replies claimed, the Message-ID read for the log context, the reply sent over SMTP to
an in-process sink), with the worker's logging (``configure_logging("INFO")``) and the parse
child of a real worker. Without Dramatiq and Redis: what is left is the worker's own work.

Prints this thread's CPU ms per mail (median, mean, p90; the first ``--warm`` mails not
counted; the parse children's CPU is not in it). ``--profile FILE`` runs it under cProfile
timed by this thread's CPU (``time.thread_time``) and writes the stats to FILE (``python -m
pstats FILE``); the figures printed then carry the profiler's overhead.
"""

from __future__ import annotations

import sys
from pathlib import Path

#: This folder stays on the path for e2e_world, after the repository's packages.
BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:] = [str(REPO), *(p for p in sys.path if Path(p or ".").resolve() != BENCH), str(BENCH)]

import argparse
import cProfile
import os
import statistics
import subprocess
import tempfile
import time
from typing import Any

from e2e_world import make_world

ARBOX = [sys.executable, "-c", "from worker.cli import main; main()"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mails", type=int, default=300)
    ap.add_argument("--kind", default="pdf", help="pdf, pdf_pages, body or csv")
    ap.add_argument("--warm", type=int, default=20, help="first mails not counted")
    ap.add_argument("--profile", help="write cProfile stats (thread CPU) to this file")
    ap.add_argument("--no-isolation", action="store_true", help="read in this thread")
    ap.add_argument(
        "--split",
        action="store_true",
        help="time the steps of SPLIT (thread CPU, inclusive) and print them per mail",
    )
    args = ap.parse_args()

    world = make_world(args.mails + args.warm, mix=False, kind=args.kind)
    work = Path(tempfile.mkdtemp(prefix="arbox-step-"))
    from worker.dev.embedded import start_smtp_sink

    sink = start_smtp_sink(directory=work / "sent")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARBOX_")}
    env.update(
        PYTHONPATH=str(REPO),
        ARBOX_DATABASE_URL=f"sqlite:///{work / 'arbox.db'}",
        ARBOX_DATA_DIR=str(work / "data"),
        ARBOX_SMTP_HOST=sink.host,
        ARBOX_SMTP_PORT=str(sink.port),
        ARBOX_SMTP_TLS="none",
        ARBOX_AR_ADDRESS="ar@arbox.example",
        ARBOX_COMPANY_NAME="Example Supplies Co.",
        ARBOX_WORKER_THREADS="1",
        ARBOX_MAX_REPLIES_PER_SENDER_PER_DAY="1000000",
        ARBOX_REPLY_BREAKER_MAILS="0",
        ARBOX_PARSE_ISOLATION="false" if args.no_isolation else "true",
    )
    (work / "invoices.csv").write_text(world.ledger_csv)
    for cmd in (["db", "upgrade"], ["import", "invoices", "invoices.csv"]):
        subprocess.run([*ARBOX, *cmd], env=env, cwd=work, check=True, capture_output=True)
    os.environ.clear()
    os.environ.update(env)

    from core.config import Settings
    from core.logging import configure_logging
    from worker.broker import configure_broker

    settings = Settings.from_env()
    configure_logging("INFO")
    configure_broker(settings, stub=True)
    from worker import actors
    from worker.inbound.store import store_many
    from worker.services import Services, set_services

    svc = Services.from_settings(settings)
    set_services(svc)
    stored = store_many(svc, [(mail.raw, None) for mail in world.mails], source="bench")
    ids = [s.inbound_id for s in stored]

    def one(inbound_id: int) -> None:
        actors.process_message.fn(inbound_id)

    spent = _timed_steps() if args.split else {}

    for inbound_id in ids[: args.warm]:
        one(inbound_id)
    for step in spent:
        spent[step] = 0.0
    profiler = cProfile.Profile(time.thread_time) if args.profile else None
    cpu: list[float] = []
    wall0, thread0 = time.perf_counter(), time.thread_time()
    for inbound_id in ids[args.warm :]:
        t = time.thread_time()
        if profiler is not None:
            profiler.enable()
        one(inbound_id)
        if profiler is not None:
            profiler.disable()
        cpu.append((time.thread_time() - t) * 1000)
    wall, thread = time.perf_counter() - wall0, time.thread_time() - thread0
    svc.close()
    sink.stop()
    if profiler is not None:
        profiler.dump_stats(args.profile)
    sent = sum(1 for e in os.scandir(work / "sent") if e.name.endswith(".eml"))
    n = len(cpu)
    cpu.sort()
    print(
        f"worker step ({args.kind}, {n} mails after {args.warm}, isolation "
        f"{not args.no_isolation}{', profiled' if profiler else ''}): replies at the sink {sent}"
    )
    print(
        f"  this thread CPU ms per mail: median {statistics.median(cpu):.2f}, "
        f"mean {thread * 1000 / n:.2f}, p90 {cpu[int(n * 0.9)]:.2f}; wall ms per mail "
        f"{wall * 1000 / n:.2f}"
    )
    for step, seconds in spent.items():
        print(f"    {step:<58} {seconds * 1000 / n:6.2f}")


#: (module, attribute path) of the steps ``--split`` times, outermost first; each is timed
#: inclusive of the steps inside it (a step called inside itself is counted once).
SPLIT = (
    ("worker.inbound.process", "_start_attempt"),
    ("worker.inbound.process", "_read"),
    ("worker.inbound.process", "_route"),
    ("worker.inbound.process", "sender_customer"),
    ("worker.inbound.process", "MailReplies.__init__"),
    ("worker.inbound.process", "suggest_contact_locale"),
    ("worker.inbound.remittance", "apply_remittance"),
    ("worker.inbound.remittance", "decide"),
    ("worker.inbound.remittance", "_remittance_row"),
    ("worker.inbound.remittance", "post_lines"),
    ("ledger.remittance_lines", "post_at_once"),
    ("ledger.bulk_posting", "_insert_lines"),
    ("ledger.bulk_posting", "_insert_applications"),
    ("ledger.bulk_posting", "_settle"),
    ("ledger.bulk_posting", "_acks_and_audit"),
    ("worker.inbound.remittance", "expect_payment"),
    ("worker.inbound.remittance", "acknowledge"),
    ("worker.inbound.replies", "MailReplies.send"),
    ("worker.inbound.replies", "render_acknowledgement"),
    ("worker.inbound.replies", "add_to_outbox"),
    ("worker.inbound.process", "audit"),
    ("worker.inbound.process", "claim_for_inline"),
    ("worker.inline_send", "claim_new_rows"),
    ("worker.inbound.process", "count_attempt"),
    ("worker.inbound.process", "attempt_view"),
    ("worker.inbound.process", "locked_for_decision"),
    ("sqlalchemy.orm.session", "SessionTransaction.commit"),
    ("worker.actors", "inline_send.send_claimed"),
    ("outbound.smtp", "SmtpMailer.send"),
    ("worker.sending", "finish"),
    ("logging", "Logger.handle"),
    ("sqlalchemy.orm.session", "Session._flush"),
)


def _timed_steps() -> dict[str, float]:
    """Wrap each step of :data:`SPLIT` to add its thread CPU to the dict returned."""
    import functools
    import importlib

    spent: dict[str, float] = {}
    for module_name, path in SPLIT:
        owner: Any = importlib.import_module(module_name)
        *parents, name = path.split(".")
        for parent in parents:
            owner = getattr(owner, parent)
        inner = getattr(owner, name, None)
        if inner is None:  # a step this checkout does not have
            continue
        step = f"{module_name}.{path}"
        spent[step] = 0.0
        depth = [0]

        def timed(
            *a: Any, _inner: Any = inner, _step: str = step, _depth: list[int] = depth, **kw: Any
        ) -> Any:
            if _depth[0]:
                return _inner(*a, **kw)
            _depth[0] += 1
            t = time.thread_time()
            try:
                return _inner(*a, **kw)
            finally:
                spent[_step] += time.thread_time() - t
                _depth[0] -= 1

        setattr(owner, name, functools.wraps(inner)(timed))
    return spent


if __name__ == "__main__":
    main()

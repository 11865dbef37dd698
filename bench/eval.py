"""``make eval``: the labelled cash-application benchmark of issue 5.

Generates the world (``bench/eval_world.py``) into a temporary directory, runs it through the
public commands as a user would (``arbox db upgrade``, ``arbox import invoices``, one
``arbox ingest`` per phase) against SQLite and embedded Redis with no SMTP, and scores every
remittance line from the database (``bench/eval_score.py``); prints STP, precision of the
automatic applications, review top-3 recall, a per-case table and the exact-match baseline,
and writes every miss to a JSON report::

    python bench/eval.py --mails 1000 --invoices 5000 --customers 300 --seed 5 [--keep DIR]

Exit status 0 when the run worked, whatever the scores; 1 when a command failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from eval_queries import QueryScore, query_table, score_queries  # noqa: E402
from eval_score import Judged, Scored, baseline, misses, read_ledger, score_arbox  # noqa: E402
from eval_world import WorldConfig, write_world  # noqa: E402

#: The held-out world's seed: never used while developing (bench/HELDOUT.md).
HELDOUT_SEED = 9173

REPO = HERE.parent
#: Runs the ``arbox`` command line of this checkout (the console script has no __main__).
ARBOX_OF_CHECKOUT = [sys.executable, "-c", "from worker.cli import main; main()"]


class RunError(Exception):
    """A command of the run failed (not a low score)."""


def arbox_env(work: Path) -> dict[str, str]:
    """SQLite in ``work``, embedded Redis, no SMTP (acknowledgements stay in the outbox as
    failed), the AR address set so the parsers know which side is ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARBOX_")}
    env.update(
        ARBOX_DATABASE_URL=f"sqlite:///{work / 'arbox.db'}",
        ARBOX_DATA_DIR=str(work / "data"),
        ARBOX_AR_ADDRESS="ar@arbox.example",
        ARBOX_COMPANY_NAME="Example Supplies Co.",
        # A month of mail is ingested in minutes: the daily cap on automatic mails to one
        # address would count a month's answers as one day's.
        ARBOX_MAX_REPLIES_PER_SENDER_PER_DAY="1000",
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        COLUMNS="200",
    )
    return env


def run(cmd: list[str], *, env: dict[str, str], cwd: Path, log: Path, timeout: float) -> float:
    started = time.monotonic()
    done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    with log.open("a") as f:
        f.write(f"$ {shlex.join(cmd)}\n{done.stdout}\n{done.stderr}\n")
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise RunError(f"{shlex.join(cmd[-3:])} exited {done.returncode}: " + " | ".join(tail))
    return time.monotonic() - started


def run_world(
    work: Path, labels: dict[str, Any], *, arbox: list[str], timeout: float
) -> dict[str, float]:
    """Upgrade, import, then ingest phase by phase; seconds per step."""
    env, log = arbox_env(work), work / "arbox.log"
    times = {
        "db upgrade": run([*arbox, "db", "upgrade"], env=env, cwd=work, log=log, timeout=timeout)
    }
    times["import"] = run(
        [*arbox, "import", "invoices", str(work / "world" / "ledger.csv")],
        env=env,
        cwd=work,
        log=log,
        timeout=timeout,
    )
    for phase in labels["phases"]:
        for step, files in enumerate(phase_batches(labels, phase, work / "world")):
            name = f"ingest phase {phase}" + (f".{step + 1}" if step else "")
            times[name] = run(
                [*arbox, "ingest", "--timeout", str(timeout), *files],
                env=env,
                cwd=work,
                log=log,
                timeout=timeout + 120,
            )
    return times


def phase_batches(labels: dict[str, Any], phase: int, world: Path) -> list[list[str]]:
    """The files of ``phase`` in the batches one ``arbox ingest`` each: first what follows
    nothing of its phase, then the re-sends and duplicates of mails of the same phase (one
    ingest processes its files at once, in no order; a re-send must come after its first
    telling, as in a mailbox). The whole folder when nothing waits."""
    mails = [*labels["mails"], *labels.get("queries", [])]
    here = {m["name"] for m in mails if m.get("phase") == phase}
    later = [
        m["file"]
        for m in mails
        if m.get("phase") == phase and ({m.get("resend_of"), m.get("duplicate_of")} & here)
    ]
    if not later:
        return [[str(world / f"phase{phase}")]]
    first = [
        str(world / m["file"]) for m in mails if m.get("phase") == phase and m["file"] not in later
    ]
    return [first, [str(world / f) for f in later]]


@dataclass(frozen=True)
class Figures:
    lines: int
    with_truth: int
    allowed: int
    auto: int
    correct: int
    wrong: int
    review_with_truth: int
    recalled: int

    @staticmethod
    def of(judged: list[Judged], spurious: int = 0) -> Figures:
        review = [j for j in judged if j.verdict == "review" and j.recalled is not None]
        return Figures(
            lines=len(judged),
            with_truth=sum(bool(j.label["truth"]) for j in judged),
            allowed=sum(j.label["allowed"] for j in judged),
            auto=sum(j.verdict != "review" for j in judged) + spurious,
            correct=sum(j.verdict == "correct" for j in judged),
            wrong=sum(j.verdict == "wrong" for j in judged) + spurious,
            review_with_truth=len(review),
            recalled=sum(bool(j.recalled) for j in review),
        )


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} %" if whole else "    –  "


def summary(name: str, s: Scored, *, recall: bool = True) -> dict[str, Any]:
    f = Figures.of(s.lines, len(s.spurious))
    return {
        "system": name,
        "lines": f.lines,
        "stp": pct(f.correct, f.with_truth),
        "stp_allowed": pct(f.correct, f.allowed),
        "precision": pct(f.correct, f.auto),
        "wrong": f.wrong,
        "auto": f.auto,
        "top3": pct(f.recalled, f.review_with_truth) if recall else "    –  ",
        "figures": f.__dict__,
    }


def tag_table(ours: Scored, base: Scored) -> list[str]:
    tags = sorted({t for j in ours.lines for t in j.label["tags"]})
    head = (
        f"{'case':<18}{'lines':>6}{'allowed':>8}{'arbox STP':>11}{'wrong':>6}{'top-3':>9}"
        f"{'baseline':>10}{'wrong':>6}"
    )
    rows = [head, "-" * len(head)]

    def of(s: Scored, tag: str) -> Figures:
        return Figures.of([j for j in s.lines if tag in j.label["tags"]])

    for tag in tags:
        a, b = of(ours, tag), of(base, tag)
        rows.append(
            f"{tag:<18}{a.lines:>6}{a.allowed:>8}{pct(a.correct, a.with_truth):>11}{a.wrong:>6}"
            f"{pct(a.recalled, a.review_with_truth):>9}{pct(b.correct, b.with_truth):>10}"
            f"{b.wrong:>6}"
        )
    return rows


def recall_extracted(s: Scored) -> str:
    """Top-3 recall over the review lines arbox did extract (a line it never read has no
    candidates at all: that is the parsers' miss, counted in the main figure)."""
    seen = [j for j in s.lines if j.verdict == "review" and j.recalled is not None and j.db]
    return pct(sum(bool(j.recalled) for j in seen), len(seen))


def discounts_agreeing(s: Scored) -> str:
    """Of the correct automatic lines with an earned discount in the label or in the ledger:
    how many wrote off exactly the label's discount."""
    both = [
        j
        for j in s.lines
        if j.verdict == "correct" and j.db and (Decimal(j.label["discount"]) or j.db.discount)
    ]
    same = sum(Decimal(j.label["discount"]) == j.db.discount for j in both if j.db)
    return f"{same:>7} of {len(both)}"


@dataclass
class SetResult:
    """One labelled world run through arbox and scored."""

    name: str
    labels: dict[str, Any]
    ours: Scored
    base: Scored
    times: dict[str, float]
    queries: QueryScore | None = None


def overview(results: list[SetResult]) -> list[str]:
    """The headline figures of every set side by side: arbox and the exact-rule baseline."""
    width = 12
    head = f"{'':<30}" + "".join(
        f"{r.name + ' arbox':>{width + 4}}{'baseline':>{width}}" for r in results
    )
    rows = [head]
    summaries = [
        (summary("arbox", r.ours), summary("baseline", r.base, recall=False)) for r in results
    ]
    for label, key in (
        ("STP (of lines with an invoice)", "stp"),
        ("STP (of lines allowed)", "stp_allowed"),
        ("precision of automatic", "precision"),
        ("wrong automatic", "wrong"),
        ("automatic applications", "auto"),
        ("review top-3 recall", "top3"),
    ):
        rows.append(
            f"{label:<30}"
            + "".join(f"{a[key]!s:>{width + 4}}{b[key]!s:>{width}}" for a, b in summaries)
        )
    for label, value in (
        ("top-3 of extracted lines", recall_extracted),
        ("lines not extracted", lambda s: str(sum(j.db is None for j in s.lines))),
        ("duplicates stored once", lambda s: f"{s.duplicates_ok} of {s.duplicates}"),
        ("discounts as labelled", lambda s: discounts_agreeing(s).strip()),
    ):
        rows.append(
            f"{label:<30}" + "".join(f"{value(r.ours):>{width + 4}}{'':>{width}}" for r in results)
        )
    return rows


def report(results: list[SetResult], command: str) -> str:
    out = [f"$ {command}"]
    for r in results:
        mails = r.labels["mails"]
        lines = sum(len(m["lines"]) for m in mails if not m["duplicate_of"])
        out.append(
            f"{r.name}: {len(mails)} mails ({sum(bool(m['duplicate_of']) for m in mails)} "
            f"duplicates), {lines} labelled lines, {len(r.labels.get('queries', []))} questions, "
            f"seed {r.labels['config']['seed']}; "
            + ", ".join(f"{k} {v:.1f}s" for k, v in r.times.items())
        )
    out += ["", *overview(results)]
    for r in results:
        out += ["", f"{r.name}, per case:", *tag_table(r.ours, r.base)]
        if r.queries is not None:
            out += ["", f"{r.name}, questions:", *query_table(r.queries)]
    return "\n".join(out)


def write_heldout(seed: int, out: Path) -> dict[str, Any]:
    """The held-out world, written by its own generator (bench/heldout_world.py, never tuned
    against: see bench/HELDOUT.md), read back from its labels."""
    done = subprocess.run(
        [sys.executable, str(HERE / "heldout_world.py"), "--out", str(out), "--seed", str(seed)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RunError(f"heldout_world.py exited {done.returncode}: {done.stderr[-500:]}")
    labels: dict[str, Any] = json.loads((out / "labels.json").read_text())
    return labels


def run_set(
    name: str, work: Path, labels: dict[str, Any], *, arbox: list[str], timeout: float
) -> SetResult:
    times = run_world(work, labels, arbox=arbox, timeout=timeout)
    ledger = work / "world" / "ledger.csv"
    ours, extracted = score_arbox(labels, work / "arbox.db")
    base = baseline(labels, read_ledger(ledger), extracted)
    queries = score_queries(labels, work / "arbox.db", ledger) if "queries" in labels else None
    return SetResult(name, labels, ours, base, times, queries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mails", type=int, default=WorldConfig.mails)
    parser.add_argument("--invoices", type=int, default=WorldConfig.invoices)
    parser.add_argument("--customers", type=int, default=WorldConfig.customers)
    parser.add_argument("--seed", type=int, default=WorldConfig.seed)
    parser.add_argument(
        "--set",
        choices=("both", "dev", "heldout"),
        default="both",
        help="the development world, the held-out one, or both side by side (default)",
    )
    parser.add_argument(
        "--heldout-seed", type=int, default=HELDOUT_SEED, help="seed of the held-out world"
    )
    parser.add_argument(
        "--keep", type=Path, help="run in DIR and keep it (worlds, databases, report)"
    )
    parser.add_argument(
        "--report",
        type=Path,
        help="the JSON report of every miss (default: in the --keep dir, else .arbox/)",
    )
    parser.add_argument("--arbox", help="an arbox command to run instead of this checkout's")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per arbox command")
    args = parser.parse_args(argv)
    command = "python bench/eval.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    config = WorldConfig(args.seed, args.mails, args.invoices, args.customers)
    arbox = shlex.split(args.arbox) if args.arbox else ARBOX_OF_CHECKOUT
    with tempfile.TemporaryDirectory(prefix="arbox-eval-") as tmp:
        root = args.keep.resolve() if args.keep else Path(tmp)
        results: list[SetResult] = []
        try:
            if args.set in ("both", "dev"):
                work = root / "dev"
                work.mkdir(parents=True, exist_ok=True)
                labels = write_world(config, work / "world")
                results.append(run_set("dev", work, labels, arbox=arbox, timeout=args.timeout))
            if args.set in ("both", "heldout"):
                work = root / "heldout"
                work.mkdir(parents=True, exist_ok=True)
                labels = write_heldout(args.heldout_seed, work / "world")
                results.append(run_set("held-out", work, labels, arbox=arbox, timeout=args.timeout))
        except (RunError, subprocess.TimeoutExpired) as e:
            print(f"eval: the run failed: {e} (logs: {root}/*/arbox.log)", file=sys.stderr)
            return 1
        text = report(results, command)
        print(text)
        target = args.report or (root if args.keep else Path(".arbox")) / "eval-report.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(_report_json(results, text), indent=1) + "\n")
        print(f"\nevery miss: {target}")
    return 0


def _report_json(results: list[SetResult], text: str) -> dict[str, Any]:
    return {
        "table": text.splitlines(),
        "sets": {
            r.name: {
                "config": r.labels["config"],
                "arbox": summary("arbox", r.ours),
                "baseline": summary("baseline", r.base, recall=False),
                "misses": list(misses(r.ours)),
                "baseline_wrong": [m for m in misses(r.base) if m["verdict"].startswith("wrong")],
                "question_misses": r.queries.misses if r.queries else [],
                "disclosures": r.queries.disclosures if r.queries else [],
            }
            for r in results
        },
    }


if __name__ == "__main__":
    raise SystemExit(main())

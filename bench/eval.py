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

from eval_score import Judged, Scored, baseline, misses, read_ledger, score_arbox  # noqa: E402
from eval_world import WorldConfig, write_world  # noqa: E402

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
        folder = work / "world" / f"phase{phase}"
        times[f"ingest phase {phase}"] = run(
            [*arbox, "ingest", "--timeout", str(timeout), str(folder)],
            env=env,
            cwd=work,
            log=log,
            timeout=timeout + 120,
        )
    return times


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


def report(
    labels: dict[str, Any], ours: Scored, base: Scored, command: str, times: dict[str, float]
) -> str:
    a, b = summary("arbox", ours), summary("baseline", base, recall=False)
    mails = labels["mails"]
    out = [
        f"$ {command}",
        f"world: {len(mails)} mails ({sum(bool(m['duplicate_of']) for m in mails)} duplicates), "
        f"{a['lines']} labelled lines, seed {labels['config']['seed']}; "
        + ", ".join(f"{k} {v:.1f}s" for k, v in times.items()),
        "",
        f"{'':<28}{'arbox':>12}{'baseline':>12}",
        f"{'STP (of lines with an invoice)':<28}{a['stp']:>12}{b['stp']:>12}",
        f"{'STP (of lines allowed)':<28}{a['stp_allowed']:>12}{b['stp_allowed']:>12}",
        f"{'precision of automatic':<28}{a['precision']:>12}{b['precision']:>12}",
        f"{'wrong automatic':<28}{a['wrong']:>12}{b['wrong']:>12}",
        f"{'automatic applications':<28}{a['auto']:>12}{b['auto']:>12}",
        f"{'review top-3 recall':<28}{a['top3']:>12}{b['top3']:>12}",
        f"{'top-3 of extracted lines':<28}{recall_extracted(ours):>12}",
        f"{'lines not extracted':<28}{sum(j.db is None for j in ours.lines):>12}",
        f"{'duplicates stored once':<28}{ours.duplicates_ok:>7} of {ours.duplicates}",
        f"{'discounts as labelled':<28}{discounts_agreeing(ours)}",
        "",
        *tag_table(ours, base),
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mails", type=int, default=WorldConfig.mails)
    parser.add_argument("--invoices", type=int, default=WorldConfig.invoices)
    parser.add_argument("--customers", type=int, default=WorldConfig.customers)
    parser.add_argument("--seed", type=int, default=WorldConfig.seed)
    parser.add_argument(
        "--keep", type=Path, help="run in DIR and keep it (world, database, report)"
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
        work = args.keep.resolve() if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        labels = write_world(config, work / "world")
        try:
            times = run_world(work, labels, arbox=arbox, timeout=args.timeout)
        except (RunError, subprocess.TimeoutExpired) as e:
            print(f"eval: the run failed: {e} (log: {work / 'arbox.log'})", file=sys.stderr)
            return 1
        ours, extracted = score_arbox(labels, work / "arbox.db")
        base = baseline(labels, read_ledger(work / "world" / "ledger.csv"), extracted)
        text = report(labels, ours, base, command, times)
        print(text)
        target = args.report or (work if args.keep else Path(".arbox")) / "eval-report.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(_report_json(labels, ours, base, text), indent=1) + "\n")
        print(f"\nevery miss: {target}")
    return 0


def _report_json(labels: dict[str, Any], ours: Scored, base: Scored, text: str) -> dict[str, Any]:
    return {
        "config": labels["config"],
        "arbox": summary("arbox", ours),
        "baseline": summary("baseline", base, recall=False),
        "table": text.splitlines(),
        "misses": list(misses(ours)),
        "baseline_wrong": [m for m in misses(base) if m["verdict"].startswith("wrong")],
    }


if __name__ == "__main__":
    raise SystemExit(main())

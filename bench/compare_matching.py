"""Matching latency of this checkout against another one (a baseline), on the same machine in
the same run: ``bench/matching.py`` of each, in turn, ``--runs`` times.

Usage: ``python bench/compare_matching.py --baseline DIR [--runs 3] [--sizes 1000000]
[--lines 400] [--cache DIR] [--baseline-cache DIR]``.

``--baseline`` is another checkout of the project (``git worktree add`` or ``git archive``
of the commit to compare with). Each checkout's benchmark runs in its own process with that
checkout first on ``PYTHONPATH``, on its own databases (``--cache`` and ``--baseline-cache``:
the schemas may differ). The runs alternate (baseline, this, baseline, this, …) so that a
change in the machine's load falls on both. Printed per size and class: the median over the
runs of each side's p50 and p99, wall and CPU, and this checkout's figure as a share of the
baseline's. On a machine other processes load, wall time counts the time they had the core;
the CPU time of the deciding thread is the steadier figure.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
#: One line of ``bench/matching.py``'s report: class, wall p50 / p99 | CPU p50 / p99.
LINE = re.compile(
    r"^\s+(?P<kind>[a-z ]+): +(?P<w50>[\d.]+) / +(?P<w99>[\d.]+) \| +(?P<c50>[\d.]+) / "
    r"+(?P<c99>[\d.]+)"
)
SIZE = re.compile(r"^matching at +(?P<rows>[\d,]+) open invoices")
FIGURES = ("w50", "w99", "c50", "c99")

#: (rows, class) -> figure -> the values of the runs.
Runs = dict[tuple[int, str], dict[str, list[float]]]


def parse(report: str, into: Runs) -> None:
    """Add the figures of one report of ``bench/matching.py`` to ``into``."""
    rows = 0
    for line in report.splitlines():
        if size := SIZE.match(line):
            rows = int(size["rows"].replace(",", ""))
        elif rows and (found := LINE.match(line)):
            figures = into.setdefault((rows, found["kind"].strip()), {f: [] for f in FIGURES})
            for figure in FIGURES:
                figures[figure].append(float(found[figure]))


def run(checkout: Path, args: argparse.Namespace, cache: Path) -> str:
    """One run of ``checkout``'s matching benchmark; its report."""
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    command = [
        sys.executable,
        str(checkout / "bench" / "matching.py"),
        f"--sizes={args.sizes}",
        f"--lines={args.lines}",
        f"--repeats={args.repeats}",
        "--payments=1",
        f"--cache={cache}",
    ]
    done = subprocess.run(command, env=env, cwd=checkout, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{checkout}: exit {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="1000000")
    parser.add_argument("--lines", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/arbox-bench-this"))
    parser.add_argument("--baseline-cache", type=Path, default=Path("/tmp/arbox-bench-base"))
    args = parser.parse_args()
    sides = {"baseline": (args.baseline.resolve(), args.baseline_cache), "this": (HERE, args.cache)}
    runs: dict[str, Runs] = {side: {} for side in sides}
    for n in range(args.runs):
        for side, (checkout, cache) in sides.items():
            parse(run(checkout, args, cache), runs[side])
            print(f"run {n + 1}/{args.runs}: {side} done", file=sys.stderr, flush=True)
    print(
        f"matching, ms per line, median of {args.runs} runs each (baseline {args.baseline}); "
        "this / baseline in brackets"
    )
    labels = ("wall p50", "wall p99", "CPU p50", "CPU p99")
    for key in sorted(runs["this"]):
        rows, kind = key
        this, base = runs["this"][key], runs["baseline"].get(key)
        if base is None:  # a class the baseline does not have: this checkout's figures alone
            cells = [
                f"{label} {statistics.median(this[figure]):6.2f}"
                for figure, label in zip(FIGURES, labels, strict=True)
            ]
            print(f"{rows:>9,} {kind:>15}: " + "; ".join(cells) + " (no baseline)")
            continue
        cells = []
        for figure, label in zip(FIGURES, labels, strict=True):
            mine, theirs = statistics.median(this[figure]), statistics.median(base[figure])
            cells.append(f"{label} {theirs:6.2f} -> {mine:6.2f} ({mine / theirs:4.0%})")
        classes = {side: {k for r, k in runs[side] if r == rows} for side in runs}
        note = (
            " (not the same classes)"
            if kind == "all" and len(set(map(frozenset, classes.values()))) > 1
            else ""
        )
        print(f"{rows:>9,} {kind:>15}: " + "; ".join(cells) + note)


if __name__ == "__main__":
    main()

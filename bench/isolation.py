"""Cost of reading mail in a child process with limits, against reading it in-process.

Reads every sample mail of ``fixtures/emails`` (the hostile one excepted) ``--rounds`` times
both ways, alternating, and prints the median per-mail time of each and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from worker.inbound.pool import IsolatedReader, ParseLimits, read_mail

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "emails"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    mails = [p.read_bytes() for p in sorted(FIXTURES.glob("*.eml")) if "hostile" not in p.name]
    limits = ParseLimits()
    reader = IsolatedReader(limits, size=1)
    try:
        reader.read(mails[0], own_address=None)  # start the child once, outside the timing
        isolated: list[float] = []
        local: list[float] = []
        for _ in range(args.rounds):
            for raw in mails:
                started = time.perf_counter()
                reader.read(raw, own_address=None)
                isolated.append(time.perf_counter() - started)
                started = time.perf_counter()
                read_mail(raw, own_address=None, limits=limits)
                local.append(time.perf_counter() - started)
    finally:
        reader.close()
    mid_iso, mid_local = statistics.median(isolated), statistics.median(local)
    print(f"mails: {len(mails)} x {args.rounds} rounds")
    print(f"in-process median per mail: {mid_local * 1000:.2f} ms")
    print(f"child-process median per mail: {mid_iso * 1000:.2f} ms")
    print(f"ratio child/in-process: {mid_iso / mid_local:.2f}")


if __name__ == "__main__":
    main()

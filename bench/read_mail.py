"""CPU of reading one mail as a parse child does, in-process: :func:`worker.inbound.pool.read_mail`
on the mails of the end-to-end benchmark (``bench/e2e_world.py``), split into its steps, plus
the pickle round trip of its result (what a child sends back).

    PYTHONPATH=. python bench/read_mail.py [--mails 100] [--rounds 7] [--kind pdf pdf_pages]
        [--steps read_mail]

Prints, per kind, the median over rounds of the CPU ms per mail (``time.process_time``).
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import time
from collections.abc import Callable

from bench.e2e_world import AR_ADDRESS, make_world
from parsers.classify import classify_email
from parsers.mime import parse_email
from parsers.remittance import extract_remittance
from worker.inbound.pool import ParseLimits, read_mail

LIMITS = ParseLimits()


def _ms_per_mail(raws: list[bytes], step: Callable[[bytes], object], rounds: int) -> float:
    """The median over ``rounds`` of the CPU ms per mail of ``step`` over ``raws``."""
    times = []
    for _ in range(rounds):
        start = time.process_time()
        for raw in raws:
            step(raw)
        times.append((time.process_time() - start) * 1000 / len(raws))
    return statistics.median(times)


def steps(raws: list[bytes]) -> dict[str, Callable[[bytes], object]]:
    """Each measured step, by name, as a function of one raw mail."""
    parsed = {raw: parse_email(raw) for raw in raws}
    extracted = {raw: extract_remittance(parsed[raw]) for raw in raws}
    results = {raw: read_mail(raw, own_address=AR_ADDRESS, limits=LIMITS) for raw in raws}
    pickled = {raw: pickle.dumps(("ok", results[raw])) for raw in raws}
    return {
        "read_mail": lambda raw: read_mail(raw, own_address=AR_ADDRESS, limits=LIMITS),
        "parse_email": parse_email,
        "extract_remittance": lambda raw: extract_remittance(parsed[raw]),
        "classify_email": lambda raw: classify_email(
            parsed[raw],
            remittance=extracted[raw].remittance,
            own_address=AR_ADDRESS,
            problems=extracted[raw].problems,
        ),
        "pickle_result": lambda raw: pickle.dumps(("ok", results[raw])),
        "unpickle_result": lambda raw: pickle.loads(pickled[raw]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--kind", nargs="+", default=["pdf", "pdf_pages"])
    parser.add_argument("--steps", nargs="+", help="only these steps (default: every one)")
    args = parser.parse_args()
    for kind in args.kind:
        raws = [m.raw for m in make_world(args.mails, mix=False, kind=kind).mails]
        rounds = args.rounds if kind != "pdf_pages" else max(3, args.rounds // 2)
        for name, step in steps(raws).items():
            if args.steps and name not in args.steps:
                continue
            ms = _ms_per_mail(raws, step, rounds)
            print(f"{kind:10} {name:20} {ms:8.3f} ms CPU per mail")


if __name__ == "__main__":
    main()

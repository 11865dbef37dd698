"""CPU of reading one mail as a parse child does, in-process: :func:`worker.inbound.pool.read_mail`
on the mails of the end-to-end benchmark (``bench/e2e_world.py``), split into its steps, plus
the pickle round trip of its result (what a child sends back).

    PYTHONPATH=. python bench/read_mail.py [--mails 40] [--rounds 5] [--kind pdf pdf_pages]
        [--steps read_mail ...]

Prints, per kind, the median over rounds of the CPU ms per mail (``time.process_time``). Each
round reads mails of its own: what the parsers keep between mails (parsed headers, cell kinds)
helps as it does across a real batch, never by reading the same mail twice.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.e2e_world import AR_ADDRESS, make_world
from parsers.classify import classify_email
from parsers.mime import parse_email
from parsers.remittance import extract_remittance
from worker.inbound.pool import ParseLimits, ReadMail, read_mail

LIMITS = ParseLimits()


def _ms_per_mail(rounds: list[list[Any]], step: Callable[[Any], object]) -> float:
    """The median over ``rounds`` (each of its own mails) of the CPU ms per mail of
    ``step``."""
    times = []
    for raws in rounds:
        start = time.process_time()
        for raw in raws:
            step(raw)
        times.append((time.process_time() - start) * 1000 / len(raws))
    return statistics.median(times)


def _read(raw: bytes) -> ReadMail:
    return read_mail(raw, own_address=AR_ADDRESS, limits=LIMITS)


def _classify(read: ReadMail) -> object:
    return classify_email(
        read.parsed,
        remittance=read.extraction.remittance,
        own_address=AR_ADDRESS,
        problems=read.extraction.problems,
    )


#: Each step: what it needs of a mail (made before the clock runs, by the steps before it
#: only, so that nothing the step itself keeps is warm), and the step.
STEPS: dict[str, tuple[Callable[[bytes], object], Callable[[Any], object]]] = {
    "read_mail": (lambda raw: raw, _read),
    "parse_email": (lambda raw: raw, parse_email),
    "extract_remittance": (parse_email, extract_remittance),
    "classify_email": (_read, _classify),
    "pickle_result": (_read, lambda read: pickle.dumps(("ok", read))),
    "unpickle_result": (lambda raw: pickle.dumps(("ok", _read(raw))), pickle.loads),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--kind", nargs="+", default=["pdf", "pdf_pages"])
    parser.add_argument("--steps", nargs="+", default=list(STEPS), choices=list(STEPS))
    args = parser.parse_args()
    for kind in args.kind:
        rounds = args.rounds if kind != "pdf_pages" else max(3, args.rounds // 2)
        size = args.mails * rounds
        every = make_world(size * len(args.steps), mix=False, kind=kind).mails
        for number, name in enumerate(args.steps):
            prepare, step = STEPS[name]
            mails = [prepare(m.raw) for m in every[number * size : (number + 1) * size]]
            ms = _ms_per_mail([mails[n::rounds] for n in range(rounds)], step)
            print(f"{kind:10} {name:20} {ms:8.3f} ms CPU per mail")


if __name__ == "__main__":
    main()

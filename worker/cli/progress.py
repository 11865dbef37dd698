"""Progress bars and the closing summary line of the long ``arbox`` commands (``ingest``,
``import invoices``, ``import bank``, ``statements send``, ``dunning send``).

A bar is drawn on standard error only when standard error is a terminal: a cron job's mail, a
log file or a pipe never gets a cursor movement or a redrawn line. The summary line is printed
whatever the output is, and ends with the command's wall time:
``ingest: 300 mails, 280 applied, 15 review, 5 quarantined in 12.3 s``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from worker.cli.common import is_interactive


@contextmanager
def progress_bar(console: Console) -> Iterator[Progress]:
    """A Rich progress display on ``console`` (standard error), drawn only when that is a
    terminal (:func:`is_interactive`); each task is a line with its description, bar, count
    and elapsed time. The bars are cleared when the block ends, leaving the summary line
    alone."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not is_interactive(console),
        transient=True,
    ) as bar:
        yield bar


def step_reporter(bar: Progress, task: TaskID) -> Callable[[int, int], None]:
    """A ``progress(done, total)`` callback that moves ``task`` of ``bar``."""

    def report(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return report


class Stopwatch:
    """The wall time since a command started (a monotonic clock)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.start = clock()

    def seconds(self) -> float:
        """Seconds since the stopwatch was made."""
        return self.clock() - self.start


def summary_line(command: str, parts: Sequence[str], *, seconds: float) -> str:
    """``"{command}: {parts, comma-separated} in {seconds} s"``, one line."""
    body = ", ".join(p for p in parts if p)
    return f"{command}: {body} in {seconds:.1f} s"


def count_parts(counts: dict[str, int], *, order: Sequence[str] = ()) -> list[str]:
    """``["280 applied", "15 review", ...]``: the keys of ``order`` first (when present), then
    the others alphabetically."""
    keys = [k for k in order if k in counts] + sorted(k for k in counts if k not in order)
    return [f"{counts[k]} {k}" for k in keys]

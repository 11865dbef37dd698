"""The Rich consoles of the ``arbox`` commands.

Printed to a terminal, output fits the terminal as Rich makes it. Printed to anything else (a
cron job's mail, ``| less``, a file, a CI log with ``FORCE_COLOR``) nothing is wrapped: Rich
would otherwise fold tables and long lines at 80 columns (or at the width of the terminal
``less`` runs in), splitting rows and commands across lines. An explicit ``COLUMNS`` is still
obeyed.
"""

from __future__ import annotations

import os

from rich.console import Console, ConsoleDimensions

#: The width of output that is not a terminal: wider than any row arbox prints. Rich renders a
#: table at its natural width, so nothing is padded out to it.
UNWRAPPED_WIDTH = 10_000


class CliConsole(Console):
    """A Rich Console that does not wrap what it prints when that is not a terminal."""

    @property
    def size(self) -> ConsoleDimensions:
        """The terminal's size; ``UNWRAPPED_WIDTH`` wide when the output is no terminal."""
        size = super().size
        if is_interactive(self) or os.environ.get("COLUMNS", "").isdigit():
            return size
        return ConsoleDimensions(UNWRAPPED_WIDTH, size.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]


def is_interactive(console: Console) -> bool:
    """Whether ``console`` writes to a terminal a person watches: its file is a tty (and Rich
    agrees: ``TTY_COMPATIBLE=0`` turns it off). ``FORCE_COLOR``, which CI systems set to get
    colour in their logs, makes Rich call any file a terminal; a log is not wrapped at 80
    columns nor given a progress bar for it."""
    isatty = getattr(console.file, "isatty", None)
    try:
        is_tty = bool(isatty is not None and isatty())
    except ValueError:  # a closed file
        return False
    return is_tty and console.is_terminal


def make_console(*, stderr: bool = False) -> Console:
    """A console for standard output (or standard error) of a command."""
    return CliConsole(stderr=stderr)

"""The Rich consoles of the ``arbox`` commands.

Printed to a terminal, output fits the terminal as Rich makes it. Printed to anything else (a
cron job's mail, ``| less``, a file) nothing is wrapped: Rich would otherwise fold tables and
long lines at 80 columns (or at the width of the terminal ``less`` runs in), splitting rows and
commands across lines. An explicit ``COLUMNS`` is still obeyed.
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
        if self.is_terminal or os.environ.get("COLUMNS", "").isdigit():
            return size
        return ConsoleDimensions(UNWRAPPED_WIDTH, size.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]


def make_console(*, stderr: bool = False) -> Console:
    """A console for standard output (or standard error) of a command."""
    return CliConsole(stderr=stderr)

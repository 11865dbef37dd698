"""Running the ``arbox`` console script as a user does, against SQLite, embedded Redis and
the test SMTP sink.

:func:`arbox` runs the real console script in a subprocess: each test runs the command it is
about that way. :func:`arbox_here` runs the same entry point (``worker.cli.main``) in this
process with the same environment, working directory and arguments, and returns the same
``CompletedProcess``: for the quick steps around it (``db upgrade``, ``import invoices``, the
read-backs), which would otherwise pay a Python start and arbox's imports every time. Commands
that start Dramatiq workers or install signal handlers (``ingest``, ``quarantine retry``,
``run``, ``worker``, ``poller``, ``demo``) are refused there: they run as a subprocess only.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Any

ARBOX = str(Path(sys.executable).with_name("arbox"))

#: Commands that start workers, brokers or signal handlers: only in a process of their own.
SUBPROCESS_ONLY = {"ingest", "run", "worker", "poller", "demo", "quarantine retry"}


def arbox(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ARBOX, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=180
    )


def arbox_here(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``worker.cli.main`` in this process, as if run as ``arbox *args`` with ``env`` in
    ``cwd``: the exit code, stdout and stderr it would have had."""
    if {" ".join(args[:1]), " ".join(args[:2])} & SUBPROCESS_ONLY:
        raise AssertionError(f"arbox {' '.join(args[:2])} runs as a subprocess: use arbox()")
    import structlog
    from click.testing import CliRunner
    from rich.console import Console

    import worker.cli
    from worker.cli import common

    # The whole environment replaced, not overlaid: what is not in env is unset.
    overrides: dict[str, str | None] = {k: None for k in os.environ if k not in env}
    overrides.update(env)
    root = logging.getLogger()
    saved_logging = (root.handlers[:], root.level, structlog.get_config())
    saved_argv, saved_cwd = sys.argv, os.getcwd()
    saved_consoles = common.out, common.err
    code: int = 0
    with CliRunner().isolation(env=overrides) as (stdout, stderr, _):
        sys.argv = ["arbox", *args]
        os.chdir(cwd)
        # The consoles a new process would make: width, colour and terminal from env and the
        # captured streams, not from whatever this process had when worker.cli was imported.
        common.out, common.err = Console(), Console(stderr=True)
        try:
            worker.cli.main()
        except SystemExit as e:
            code = _exit_code(e.code)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            code = 1
        finally:
            sys.argv = saved_argv
            os.chdir(saved_cwd)
            common.out, common.err = saved_consoles
            handlers, level, config = saved_logging
            root.handlers[:] = handlers
            root.setLevel(level)
            structlog.configure(**config)
            sys.stdout.flush()  # what the command wrote to sys.stdout itself (JSON exports)
            sys.stderr.flush()
        out, err = stdout.getvalue(), stderr.getvalue()
    return subprocess.CompletedProcess(
        ["arbox", *args], code, out.decode(errors="replace"), err.decode(errors="replace")
    )


def _exit_code(code: Any) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)  # noqa: T201 - what sys.exit("...") prints
    return 1


def cli_env(tmp_path: Path, smtp_sink: Any, **settings: str) -> dict[str, str]:
    """The environment of a run: this process's minus its ``ARBOX_*``, a database and data
    directory in ``tmp_path``, the sink as SMTP server, and ``settings`` (``ARBOX_*`` names)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("ARBOX_")}
    base.update(
        ARBOX_DATABASE_URL=f"sqlite:///{tmp_path / 'arbox.db'}",
        ARBOX_DATA_DIR=str(tmp_path / "data"),
        ARBOX_SMTP_HOST=smtp_sink.host,
        ARBOX_SMTP_PORT=str(smtp_sink.port),
        ARBOX_SMTP_TLS="none",
        ARBOX_WEB_PORT="0",  # `arbox run` serves the review app: on a free port, not 8000
        COLUMNS="200",
    )
    base.update(settings)
    return base

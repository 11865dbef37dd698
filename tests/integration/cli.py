"""Running the ``arbox`` console script as a user does, against SQLite, embedded Redis and
the test SMTP sink."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ARBOX = str(Path(sys.executable).with_name("arbox"))


def arbox(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ARBOX, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=180
    )


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

"""``bench/smtp_send.py`` run small, so the benchmark cannot rot: it prints a figure for every
configuration of ``cpu`` and every line of ``lock``; it asserts no speed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_binary

pytestmark = [pytest.mark.integration, pytest.mark.smtp]

ROOT = Path(__file__).resolve().parents[2]


def bench(*args: str) -> str:
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    )
    run = subprocess.run(
        [sys.executable, "bench/smtp_send.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


def test_cpu_measures_each_configuration():
    require_binary("openssl")
    out = bench("cpu", "--mails", "4", "--batch", "2")
    for name in (
        "plain     kept",
        "plain     one per mail",
        "starttls  kept",
        "starttls  one per mail",
    ):
        (line,) = [line for line in out.splitlines() if line.startswith(name)]
        assert len(line.split()) == len(name.split()) + 4  # CPU p50, p90, wall p50, p90


def test_lock_sends_every_mail_and_counts_the_writes_meanwhile():
    out = bench("lock", "--mails", "6", "--delay-ms", "20", "--threads", "2")
    assert "6 sends over 2 threads" in out and "sink got 6" in out
    assert "writes meanwhile:" in out

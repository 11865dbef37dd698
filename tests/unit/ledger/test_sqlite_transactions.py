"""SQLite transactions: writers queue for the write lock in the kernel (no polling sleeps),
and a transaction that only reads takes no lock and waits for nobody (issue 18)."""

from __future__ import annotations

import fcntl
import os
import stat
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from ledger.session import _queued_writer, make_engine, make_sessionmaker, reading


@pytest.fixture
def db(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'arbox.db'}")
    with engine.begin() as conn:
        conn.execute(text("create table t (x integer)"))
        conn.execute(text("insert into t values (1)"))
    yield engine, make_sessionmaker(engine)
    engine.dispose()


def count(session) -> int:
    return int(session.execute(text("select count(*) from t")).scalar_one())


def test_a_read_sees_its_snapshot_while_a_writer_holds_the_lock(db):
    _engine, sessions = db
    seen: list[int] = []
    with sessions.begin() as writer:
        writer.execute(text("insert into t values (2)"))

        def read() -> None:
            with reading(sessions) as session:
                seen.append(count(session))

        reader = threading.Thread(target=read)
        reader.start()
        reader.join(timeout=5)
        # it neither waited for the writer nor saw its uncommitted row
        assert not reader.is_alive()
        assert seen == [1]
    with reading(sessions) as session:
        assert count(session) == 2


def test_a_second_writer_waits_for_the_first_and_then_writes(db):
    engine, sessions = db
    order: list[str] = []
    first_in = threading.Event()
    release = threading.Event()

    def first() -> None:
        with sessions.begin() as session:
            session.execute(text("insert into t values (10)"))
            first_in.set()
            release.wait(5)
            order.append("first commits")

    def second() -> None:
        first_in.wait(5)
        with sessions.begin() as session:
            session.execute(text("insert into t values (20)"))
            order.append("second writes")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    assert first_in.wait(5)
    time.sleep(0.2)
    assert order == []  # the second is queued behind the first, not failed
    # queued in the kernel: the first holds the lock file's flock
    fd = os.open(engine.url.database + "-writer.lock", os.O_RDWR)
    try:
        with pytest.raises(BlockingIOError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)
    release.set()
    for thread in threads:
        thread.join(timeout=10)
    assert order == ["first commits", "second writes"]
    with reading(sessions) as session:
        assert count(session) == 3


def test_the_queue_is_left_on_rollback_and_on_an_error(db):
    _engine, sessions = db
    with pytest.raises(RuntimeError), sessions.begin() as session:
        session.execute(text("insert into t values (3)"))
        raise RuntimeError("boom")
    with pytest.raises(OperationalError), sessions.begin() as session:
        session.execute(text("insert into no_such_table values (3)"))
    done = threading.Event()

    def write() -> None:
        with sessions.begin() as session:
            session.execute(text("insert into t values (4)"))
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    assert done.wait(5)  # nobody holds the queue any more


def test_a_thread_inside_its_own_transaction_does_not_queue_behind_itself(tmp_path):
    path = tmp_path / "x.db"
    writer = _queued_writer(Path(f"{path}-writer.lock"))
    a = writer(str(path), timeout=0.2, check_same_thread=False, isolation_level=None)
    b = writer(str(path), timeout=0.2, check_same_thread=False, isolation_level=None)
    try:
        a.queue_for_writing()
        started = time.perf_counter()
        b.queue_for_writing()  # would wait for ever on the flock: it does not queue at all
        assert time.perf_counter() - started < 1
        a.execute("BEGIN IMMEDIATE")
        # SQLite's busy timeout decides for the inner one, as before the queue existed
        with pytest.raises(Exception, match="locked"):
            b.execute("BEGIN IMMEDIATE")
        a.rollback()
        b.leave_queue()
    finally:
        a.close()
        b.close()


def test_the_lock_file_is_the_owners_alone(db, tmp_path):
    _engine, sessions = db
    with sessions.begin() as session:
        session.execute(text("insert into t values (5)"))
    lock = tmp_path / "arbox.db-writer.lock"
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600

"""Debian's servers for the tests, started on 127.0.0.1 in a temp dir and stopped by PID:
PostgreSQL (initdb/pg_ctl as an unprivileged user), Dovecot (passwd-file user) and redis-server.

Each ``start_*`` raises :class:`ServerUnavailable` when the binary or the privileges are missing,
so the fixtures can skip locally and fail in CI (see ``tests/conftest.py``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from worker.dev.embedded import ImapAccount, free_port

LOOPBACK = "127.0.0.1"
PG_USER = "arboxpg"
MAIL_USER = "arboxmail"


#: Free space a memory-backed directory needs before a test cluster is put there.
SCRATCH_MIN_FREE = 4 << 30


def scratch_base() -> str | None:
    """``/dev/shm`` when it is a writable tmpfs with room, else None (the default temp dir).

    PostgreSQL clusters of the tests keep their files there: on this disk (ext4 mounted with
    ``discard``) each ``CREATE DATABASE`` took ~0.3 s and removing a session's cluster ~20 s,
    in memory ~0.06 s and ~1 s. A small ``/dev/shm`` (a container's 64 MB) is not used."""
    base = "/dev/shm"
    try:
        if shutil.disk_usage(base).free >= SCRATCH_MIN_FREE and os.access(base, os.W_OK):
            return base
    except OSError:
        pass
    return None


class ServerUnavailable(Exception):
    """The server cannot run on this machine (not installed, not root)."""


def _which(name: str, *extra_globs: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for pattern in extra_globs:
        matches = sorted(glob.glob(pattern))
        if matches:
            return matches[-1]
    raise ServerUnavailable(f"{name} is not installed")


def _ensure_user(name: str, shell: str = "/usr/sbin/nologin") -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    if os.geteuid() != 0:
        raise ServerUnavailable(f"user {name} is missing and creating it needs root") from None
    made = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", shell, name],
        check=False,
        capture_output=True,
    )
    try:
        # Another test process (a pytest-xdist worker) may have added the user in between:
        # useradd then fails with "already exists", and the user is there all the same.
        return pwd.getpwnam(name)
    except KeyError:
        made.check_returncode()
        raise


def _wait_port(
    port: int, proc: subprocess.Popen[bytes] | None, what: str, log: Path, timeout: float = 30.0
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}: {_tail(log)}")
        try:
            with socket.create_connection((LOOPBACK, port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port} within {timeout:.0f}s: {_tail(log)}")


def _tail(log: Path) -> str:
    try:
        return " | ".join(log.read_text(errors="replace").splitlines()[-8:])
    except OSError:
        return "(no log)"


def _stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


# --- PostgreSQL -----------------------------------------------------------------------------------


class PostgresServer:
    """A PostgreSQL cluster in ``workdir`` run by an unprivileged user, on a free port."""

    def __init__(self, workdir: Path) -> None:
        self.initdb = _which("initdb", "/usr/lib/postgresql/*/bin/initdb")
        self.pg_ctl = _which("pg_ctl", "/usr/lib/postgresql/*/bin/pg_ctl")
        _ensure_user(PG_USER, "/bin/bash")
        self.workdir = workdir
        # The cluster's files in memory when there is room (see scratch_base); the log stays
        # in workdir, for whoever keeps workdir to look at.
        scratch = scratch_base()
        self.scratch = (
            Path(tempfile.mkdtemp(prefix="arbox-pgdata-", dir=scratch)) if scratch else None
        )
        self.data = (self.scratch or workdir) / "data"
        self.log = workdir / "log" / "server.log"
        self.sock = workdir / "sock"
        self.port = free_port()
        os.chmod(workdir, 0o755)
        if self.scratch is not None:
            os.chmod(self.scratch, 0o755)
        for path in (self.data, self.sock, self.log.parent):
            path.mkdir()
            shutil.chown(path, PG_USER)
        try:
            self._init_and_start()
        except BaseException:
            self.stop()
            raise

    def _init_and_start(self) -> None:
        self._as_pg(
            self.initdb,
            "-D",
            str(self.data),
            "-U",
            PG_USER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        self.start()

    def _as_pg(self, *cmd: str) -> subprocess.CompletedProcess[bytes]:
        prefix = ["runuser", "-u", PG_USER, "--"] if os.geteuid() == 0 else []
        result = subprocess.run([*prefix, *cmd], capture_output=True, timeout=120, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{cmd[0]} failed: {result.stderr.decode(errors='replace')}")
        return result

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses={LOOPBACK} -k {self.sock} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        self._as_pg(
            self.pg_ctl,
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the cluster: ``fast`` (a shutdown checkpoint: the data can be started again) or
        ``immediate`` (no checkpoint: for a cluster that is thrown away next)."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._as_pg(self.pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop")
        finally:
            if self.scratch is not None:  # in memory: nobody keeps it after the stop
                shutil.rmtree(self.scratch, ignore_errors=True)
                self.scratch = None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{PG_USER}@{LOOPBACK}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create database ``name`` and return its SQLAlchemy URL."""
        import psycopg

        with psycopg.connect(
            host=LOOPBACK, port=self.port, user=PG_USER, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'create database "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> bool:
        """Drop database ``name`` if nothing is connected to it; whether it was dropped (a
        database still in use is left alone: the cluster is removed at the end anyway)."""
        import psycopg

        with psycopg.connect(
            host=LOOPBACK, port=self.port, user=PG_USER, dbname="postgres", autocommit=True
        ) as conn:
            try:
                conn.execute(f'drop database if exists "{name}"')
            except psycopg.errors.ObjectInUse:
                return False
        return True

    def terminate_connections(self, database: str) -> int:
        """Kill every backend connected to ``database``; how many were killed."""
        import psycopg

        with psycopg.connect(
            host=LOOPBACK, port=self.port, user=PG_USER, dbname="postgres", autocommit=True
        ) as conn:
            rows = conn.execute(
                "select pg_terminate_backend(pid) from pg_stat_activity "
                "where datname = %s and pid <> pg_backend_pid()",
                (database,),
            ).fetchall()
        return len(rows)


def start_postgres(workdir: Path) -> PostgresServer:
    return PostgresServer(workdir)


# --- Dovecot ---------------------------------------------------------------------------------------

DOVECOT_CONF = """\
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{d}/mail/%u/Maildir
first_valid_uid = 100
default_internal_user = dovecot
default_login_user = dovenull
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={d}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


class DovecotServer(ImapAccount):
    """Dovecot (IMAP only, no TLS) with one passwd-file user, in ``workdir``."""

    def __init__(self, workdir: Path, *, user: str = "ar", password: str = "secret") -> None:
        self.binary = _which("dovecot", "/usr/sbin/dovecot")
        if os.geteuid() != 0:
            raise ServerUnavailable("Dovecot's test setup needs root")
        account = _ensure_user(MAIL_USER)
        self.workdir = workdir
        self.host = LOOPBACK
        self.port = free_port()
        self.user = user
        self.password = password
        os.chmod(workdir, 0o755)
        for sub in ("run", "state", "mail"):
            (workdir / sub).mkdir()
        shutil.chown(workdir / "mail", account.pw_uid, account.pw_gid)
        (workdir / "users").write_text(f"{user}:{{PLAIN}}{password}::::::\n")
        (workdir / "dovecot.conf").write_text(
            DOVECOT_CONF.format(d=workdir, port=self.port, user=MAIL_USER, group=MAIL_USER)
        )
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        log = self.workdir / "dovecot.out"
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [self.binary, "-c", str(self.workdir / "dovecot.conf"), "-F"],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        _wait_port(self.port, self.proc, "dovecot", self.workdir / "dovecot.log")

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc)

    def restart(self) -> None:
        self.stop()
        self.start()


def start_dovecot(workdir: Path) -> DovecotServer:
    return DovecotServer(workdir)


# --- Redis ------------------------------------------------------------------------------------------


class RedisServer:
    """Debian's redis-server with appendonly persistence, restartable on the same port."""

    def __init__(self, workdir: Path) -> None:
        self.binary = _which("redis-server")
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://{LOOPBACK}:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        log = self.workdir / "redis.log"
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [
                    self.binary,
                    "--bind",
                    LOOPBACK,
                    "--port",
                    str(self.port),
                    "--dir",
                    str(self.workdir),
                    "--appendonly",
                    "yes",
                    "--appendfsync",
                    "always",
                    "--save",
                    "",
                    "--daemonize",
                    "no",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        _wait_port(self.port, self.proc, "redis-server", log)
        deadline = time.monotonic() + 30
        import redis

        while time.monotonic() < deadline:  # wait until the AOF is loaded
            try:
                if redis.Redis.from_url(self.url).ping():
                    return
            except redis.exceptions.BusyLoadingError:
                time.sleep(0.05)
        raise RuntimeError("redis-server never finished loading")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is not None:
            _stop(self.proc, sig)

    def restart(self) -> None:
        self.stop()
        self.start()


def start_redis_server(workdir: Path) -> RedisServer:
    return RedisServer(workdir)

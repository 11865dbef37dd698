"""Operations (issue 20) against real runs: ``/healthz``, ``/readyz`` and ``/metrics`` of
``arbox serve`` without signing in, readiness failing when the database goes away, the
counters moving as real Dramatiq workers on Redis process mail, an ``arbox worker`` process
seen alive by ``arbox status --format json`` (and exit 1 once it stopped), and logs of a mail's
work carrying its ids and no secret."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from email.message import EmailMessage
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from core.config import Settings
from ledger.imports import import_invoices
from tests.integration.cli import ARBOX, arbox, arbox_here, cli_env
from worker.dev.embedded import free_port
from worker.services import utc_now

pytestmark = [pytest.mark.integration, pytest.mark.redis, pytest.mark.smtp]

LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-80001,C801,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,1250.00
INV-80002,C801,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-05,2026-11-04,99.99
"""
#: Known secrets put in the settings of a run: none may show in its logs.
SECRETS = {
    "ARBOX_IMAP_PASSWORD": "imap-pw-Zq81x",
    "ARBOX_SMTP_PASSWORD": "smtp-pw-Kf29v",  # no ARBOX_SMTP_USER: the sink is not logged in to
    "ARBOX_WEB_SECRET_KEY": "web-key-Hs55m",
}
SERIES = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$")


def remittance(mid: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "ap@acme-mfg.example"
    msg["To"] = "ar@arbox.example"
    msg["Subject"] = "Payment"
    msg["Message-ID"] = f"<{mid}@acme-mfg.example>"
    msg.set_content("Payment for:\nINV-80001   1,250.00\nINV-80002   99.99\nTotal 1,349.99\n")
    return msg.as_bytes()


def samples(text: str) -> dict[str, float]:
    """``name{labels}`` → value of every sample of a Prometheus text page."""
    found = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            match = SERIES.match(line)
            assert match, f"not a sample line: {line!r}"
            found[match[1] + (match[2] or "")] = float(match[3])
    return found


def get(url: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode(), {k.lower(): v for k, v in r.headers.items()}
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), {k.lower(): v for k, v in e.headers.items()}


def wait_for(predicate, what: str, timeout: float = 60.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def serve(env: dict[str, str], cwd: Path) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    proc = subprocess.Popen(
        [ARBOX, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        assert proc.poll() is None, proc.communicate()[1]
        try:
            return get(f"{base}/healthz")[0] == 200
        except OSError:
            return False

    wait_for(up, "arbox serve")
    return proc, base


def stop(proc: subprocess.Popen[str]) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=60)
    return proc.returncode, err


def test_health_and_metrics_answer_without_sign_in_and_readyz_waits_for_the_migrations(
    tmp_path, smtp_sink
):
    env = cli_env(tmp_path, smtp_sink)  # no ARBOX_REDIS_URL: readiness does not ask for Redis
    proc, base = serve(env, tmp_path)
    try:
        # Given a database with no schema: up, not ready, and saying only status words
        assert get(f"{base}/healthz")[:2] == (200, "ok")
        status, body, _ = get(f"{base}/readyz")
        assert status == 503
        assert json.loads(body) == {
            "status": "not ready",
            "checks": {"database": "ok", "migrations": "behind", "redis": "not configured"},
        }
        # When the schema is migrated, it is ready
        assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
        status, body, _ = get(f"{base}/readyz")
        assert (status, json.loads(body)["status"]) == (200, "ready")
        # and /metrics is Prometheus text, every series arbox_, no sign-in asked
        status, text, headers = get(f"{base}/metrics")
        assert status == 200 and headers["content-type"].startswith("text/plain")
        names = {re.split(r"[{ ]", k)[0] for k in samples(text)}
        assert names and all(n.startswith("arbox_") for n in names), names
        assert samples(text)['arbox_state_up{source="database"}'] == 1.0
        assert 'arbox_outbox_messages{state="pending"}' in samples(text)
        # while every other page still wants a sign-in
        assert 'name="password"' in get(f"{base}/queue")[1]  # redirected to sign in
    finally:
        code, err = stop(proc)
    assert code == 0, err


@pytest.mark.postgres
def test_readyz_answers_503_when_the_database_is_gone(tmp_path, smtp_sink, postgres_server):
    name = f"ready{free_port()}"
    url = postgres_server.create_database(name)
    env = cli_env(tmp_path, smtp_sink, ARBOX_DATABASE_URL=url)
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    proc, base = serve(env, tmp_path)
    try:
        assert get(f"{base}/readyz")[0] == 200
        # When the database is dropped under the running app
        postgres_server.terminate_connections(name)
        assert postgres_server.drop_database(name)
        # Then it is not ready, says so in status words, and names nothing of the database
        status, body, _ = get(f"{base}/readyz")
        assert status == 503
        assert json.loads(body)["checks"]["database"] == "unreachable"
        assert name not in body and "arboxpg" not in body
        assert get(f"{base}/healthz")[0] == 200  # the process itself is still up
        metrics = samples(get(f"{base}/metrics")[1])
        assert metrics['arbox_state_up{source="database"}'] == 0.0
    finally:
        stop(proc)


def test_metrics_counters_move_as_real_workers_process_mail(
    tmp_path, redis_server, sqlite_template
):
    # A Redis of its own: a message another test left in the session's queues names an
    # inbound id this ledger has too, and its workers processed it as a second mail
    redis_url = redis_server.url
    from review.app import create_app
    from worker.actors import process_message
    from worker.inbound.store import store_inbound
    from worker.metrics import REGISTRY
    from worker.runtime import boot, start_worker, wait_until_done

    db = tmp_path / "arbox.db"
    db.write_bytes(sqlite_template.read_bytes())
    settings = Settings(
        database_url=f"sqlite:///{db}",
        data_dir=tmp_path,
        redis_url=redis_url,
        ar_address="ar@arbox.example",
        outbound_dry_run=True,
    )
    runtime = boot(settings)
    (tmp_path / "ledger.csv").write_text(LEDGER)
    with runtime.services.sessions.begin() as session:
        import_invoices(session, tmp_path / "ledger.csv", default_currency="USD", now=utc_now())
    client = TestClient(create_app(settings, process_metrics=REGISTRY))
    before = samples(client.get("/metrics").text)
    worker = start_worker(runtime, threads=2)
    try:
        # When a remittance for two invoices goes through the real queue and workers
        stored = store_inbound(runtime.services, remittance("m1"), source="file")
        process_message.send(stored.inbound_id)
        assert wait_until_done(runtime.services, [stored.inbound_id], timeout=60).done
    finally:
        worker.stop(timeout=10_000)
        runtime.services.engine.dispose()
    after = samples(client.get("/metrics").text)

    def moved(name: str) -> float:
        return after.get(name, 0.0) - before.get(name, 0.0)

    # Then the counters moved by what happened
    assert moved('arbox_mails_processed_total{outcome="applied"}') == 1
    assert moved('arbox_remittance_lines_total{outcome="auto"}') == 2
    assert moved('arbox_process_seconds_count{outcome="applied"}') == 1
    assert moved("arbox_decide_seconds_count") == 1
    assert moved("arbox_parse_seconds_count") == 1
    assert moved('arbox_outbound_sent_total{result="dry_run"}') == 1
    # and the gauges read from the database and Redis say where things are
    assert after['arbox_inbound_messages{state="applied"}'] == 1
    assert after['arbox_queue_messages{queue="ar.ingest",state="ready"}'] == 0
    assert after['arbox_state_up{source="redis"}'] == 1


def test_status_json_sees_a_live_worker_its_metrics_port_and_exit_1_once_it_stopped(
    tmp_path, smtp_sink, redis_url
):
    metrics_port = free_port()
    env = cli_env(
        tmp_path,
        smtp_sink,
        ARBOX_REDIS_URL=redis_url,
        ARBOX_AR_ADDRESS="ar@arbox.example",
        ARBOX_METRICS_PORT=str(metrics_port),
        ARBOX_LOG_FORMAT="json",
        ARBOX_LOG_LEVEL="debug",
        **SECRETS,
    )
    # A namespace of our own would need another Redis: the queues are shared with the other
    # tests of the session, so this test counts its own mail only.
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    (tmp_path / "ledger.csv").write_text(LEDGER)
    assert arbox_here("import", "invoices", "ledger.csv", env=env, cwd=tmp_path).returncode == 0
    quiet = {k: v for k, v in env.items() if k != "ARBOX_METRICS_PORT"}
    # Given no worker running: the check fails
    none = arbox_here("status", "--format", "json", env=quiet, cwd=tmp_path)
    assert none.returncode == 1
    assert "no worker alive" in json.loads(none.stdout)["problems"]
    worker = subprocess.Popen(
        [ARBOX, "worker", "--threads", "2"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # When `arbox worker` runs, status sees it alive and exits 0
        def alive():  # type: ignore[no-untyped-def]
            assert worker.poll() is None, worker.communicate()[1]
            result = arbox_here("status", "--format", "json", env=quiet, cwd=tmp_path)
            return result if result.returncode == 0 else None

        status = wait_for(alive, "a live worker in arbox status")
        report = json.loads(status.stdout)
        assert report["healthy"] is True and report["problems"] == []
        assert [w["pid"] for w in report["workers"]] == [worker.pid]
        assert report["redis"] == "ok" and "ar.ingest" in report["queues"]
        # and its metrics port serves arbox_ series; a mail it processes moves its counters
        _, text, _ = get(f"http://127.0.0.1:{metrics_port}/metrics")
        assert all(re.split(r"[{ ]", k)[0].startswith("arbox_") for k in samples(text))
        ingested = arbox("ingest", str(write_mail(tmp_path, "w1")), env=quiet, cwd=tmp_path)
        assert ingested.returncode == 0, ingested.stderr
    finally:
        code, err = stop(worker)
    assert code == 0, err
    # Then, stopped, it is no longer alive: exit 1
    after = arbox_here("status", "--format", "json", env=quiet, cwd=tmp_path)
    assert after.returncode == 1
    assert json.loads(after.stdout)["workers"] == []
    # and its logs (JSON lines) leak no secret and carry the ids of the mail they are about
    assert_logs_carry_ids_and_no_secret(err + ingested.stderr)


def write_mail(tmp_path: Path, mid: str) -> Path:
    path = tmp_path / f"{mid}.eml"
    path.write_bytes(remittance(mid))
    return path


def assert_logs_carry_ids_and_no_secret(stderr: str) -> None:
    for secret in SECRETS.values():
        assert secret not in stderr
    records = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    processed = [r for r in records if r.get("event") == "inbound_processed"]
    assert processed, "the mail's processing was logged"
    for record in records:
        if "inbound_id" in record and record["event"] not in (
            "inbound_stored",
            "inbound_duplicate",
        ):
            # work of the actor (stored/duplicate are logged by whoever stores, before it)
            assert record.get("message_id", "").endswith("@acme-mfg.example>"), record


@pytest.mark.imap
def test_a_poller_serves_its_metrics_and_heartbeat_and_counts_what_it_fetched(
    tmp_path, smtp_sink, redis_server, pymap_server
):
    # A Redis of its own: the mail it enqueues must not reach the other tests' workers
    redis_url = redis_server.url
    from tests.integration.mailbox_world import raw_client

    folder = f"ops{free_port()}"
    metrics_port = free_port()
    env = cli_env(
        tmp_path,
        smtp_sink,
        ARBOX_REDIS_URL=redis_url,
        ARBOX_IMAP_HOST=pymap_server.host,
        ARBOX_IMAP_PORT=str(pymap_server.port),
        ARBOX_IMAP_USER=pymap_server.user,
        ARBOX_IMAP_PASSWORD=pymap_server.password,
        ARBOX_IMAP_TLS="none",
        ARBOX_IMAP_FOLDER=folder,
        ARBOX_IMAP_POLL_SECONDS="1",
        ARBOX_METRICS_PORT=str(metrics_port),
    )
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    client = raw_client(pymap_server)
    try:
        client.create_folder(folder)
        client.append(folder, remittance("p1"))
    finally:
        client.logout()
    poller = subprocess.Popen(
        [ARBOX, "poller"], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        # When `arbox poller` runs, its port serves arbox_ series: the mail it stored, the
        # folder's last successful poll
        def counted():  # type: ignore[no-untyped-def]
            assert poller.poll() is None, poller.communicate()[1]
            try:
                _, text, _ = get(f"http://127.0.0.1:{metrics_port}/metrics")
            except OSError:
                return None
            found = samples(text)
            polled = found.get(f'arbox_poller_last_success_timestamp_seconds{{folder="{folder}"}}')
            received = sum(
                v for k, v in found.items() if k.startswith("arbox_mails_received_total")
            )
            return found if polled and received >= 1 else None

        found = wait_for(counted, "the poller's metrics")
        assert all(re.split(r"[{ ]", k)[0].startswith("arbox_") for k in found)
        # and arbox status sees it alive
        quiet = {k: v for k, v in env.items() if k != "ARBOX_METRICS_PORT"}
        status = json.loads(
            arbox_here("status", "--format", "json", env=quiet, cwd=tmp_path).stdout
        )
        assert poller.pid in [p["pid"] for p in status["pollers"]]
    finally:
        code, err = stop(poller)
    assert code == 0, err


def test_a_scheduler_serves_its_metrics_and_heartbeat(tmp_path, smtp_sink, redis_server):
    redis_url = redis_server.url  # a Redis of its own, as the poller's
    metrics_port = free_port()
    env = cli_env(
        tmp_path, smtp_sink, ARBOX_REDIS_URL=redis_url, ARBOX_METRICS_PORT=str(metrics_port)
    )
    assert arbox_here("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    scheduler = subprocess.Popen(
        [ARBOX, "scheduler"], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        # When `arbox scheduler` runs, its port says it holds the one-scheduler lock
        def active():  # type: ignore[no-untyped-def]
            assert scheduler.poll() is None, scheduler.communicate()[1]
            try:
                _, text, _ = get(f"http://127.0.0.1:{metrics_port}/metrics")
            except OSError:
                return None
            found = samples(text)
            return found if found.get("arbox_scheduler_active") == 1 else None

        found = wait_for(active, "the scheduler's metrics")
        assert all(re.split(r"[{ ]", k)[0].startswith("arbox_") for k in found)
        # and arbox status sees it alive
        quiet = {k: v for k, v in env.items() if k != "ARBOX_METRICS_PORT"}
        status = json.loads(
            arbox_here("status", "--format", "json", env=quiet, cwd=tmp_path).stdout
        )
        assert scheduler.pid in [s["pid"] for s in status["schedulers"]]
    finally:
        code, err = stop(scheduler)
    assert code == 0, err

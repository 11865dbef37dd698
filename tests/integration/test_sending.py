"""Sending an outbox row through a real SMTP server (aiosmtpd on 127.0.0.1): a temporary refusal
is retried and sent once, a permanent one fails the row for a person, a dry run sends nothing,
the Dramatiq actor retries after the explicit backoff, and TLS verifies the server."""

from __future__ import annotations

import ssl
import subprocess
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from core.config import Settings
from core.errors import ConfigError, MailDeliveryError
from core.types import AckLine
from ledger import models as m
from outbound.compose import Acknowledgement, compose_acknowledgement, stable_message_id
from outbound.outbox import add_to_outbox
from outbound.smtp import SmtpMailer
from tests.conftest import migrated_sqlite, require_binary
from worker import sending
from worker.sending import DeferredDeliveryError, retry_delay_ms, send_outbox
from worker.services import Services

pytestmark = [pytest.mark.integration, pytest.mark.smtp]

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
CUSTOMER = "ap@acme-mfg.example"


def services(tmp_path: Path, sink, **overrides) -> Services:
    path = tmp_path / "ledger.db"
    settings = Settings(
        database_url=migrated_sqlite(path),
        ar_address="ar@arbox.example",
        smtp_host=sink.host if sink else "127.0.0.1",
        smtp_port=sink.port if sink else 9,
        smtp_tls="none",
        smtp_timeout_seconds=5,
        **overrides,
    )
    return Services.from_settings(settings)


def queue_ack(svc: Services, key: str = "ack:1") -> int:
    message = compose_acknowledgement(
        Acknowledgement(
            customer_name="Acme Manufacturing Inc",
            currency="USD",
            applied=(AckLine("INV-70001", Decimal("1250.00"), "INV-70001", Decimal("0.00")),),
            in_review=(),
        ),
        sender="ar@arbox.example",
        company_name="Example Supplies Co.",
        to=CUSTOMER,
        subject="Payment",
        in_reply_to="<p1@acme-mfg.example>",
        references=None,
        message_id=stable_message_id(key, domain="arbox.example"),
        now=NOW,
    )
    with svc.sessions.begin() as session:
        outbox_id = add_to_outbox(
            session, key=key, kind="acknowledgement", message=message, now=NOW
        )
    assert outbox_id is not None
    return outbox_id


def row(svc: Services, outbox_id: int) -> m.OutboxMessage:
    with svc.sessions() as session:
        found = session.get(m.OutboxMessage, outbox_id)
        assert found is not None
        return found


def review_kinds(svc: Services) -> list[str]:
    with svc.sessions() as session:
        return list(session.scalars(select(m.ReviewItem.kind)))


def test_a_temporary_refusal_is_recorded_retried_and_the_mail_sent_once(tmp_path, smtp_sink):
    svc = services(tmp_path, smtp_sink)
    outbox_id = queue_ack(svc)
    # Given a server that answers 451 once
    smtp_sink.fail_next(1, code=451)
    # When the row is sent: the first try is deferred with the first backoff
    with pytest.raises(DeferredDeliveryError) as deferred:
        send_outbox(outbox_id, svc=svc)
    assert deferred.value.retry_in_ms == sending.RETRY_FIRST_DELAY_MS
    first = row(svc, outbox_id)
    assert (first.status, first.attempts) == ("pending", 1)
    assert "451" in first.last_error
    # Then the retry sends it, and a redelivery of the job sends nothing more
    assert send_outbox(outbox_id, svc=svc).status == "sent"
    assert send_outbox(outbox_id, svc=svc).status == "sent"
    (received,) = smtp_sink.messages()
    assert received.rcpt_tos == (CUSTOMER,)
    assert received.headers["Message-ID"] == row(svc, outbox_id).message_id
    assert row(svc, outbox_id).attempts == 2


def test_a_permanent_rejection_fails_the_row_and_tells_a_person(tmp_path, smtp_sink):
    svc = services(tmp_path, smtp_sink)
    outbox_id = queue_ack(svc)
    smtp_sink.fail_next(1, code=550)
    assert send_outbox(outbox_id, svc=svc).status == "failed"
    failed = row(svc, outbox_id)
    assert failed.attempts == 1
    assert "550" in failed.last_error
    assert review_kinds(svc) == ["outbound_failed"]
    # And it is never tried again
    assert send_outbox(outbox_id, svc=svc).status == "failed"
    assert smtp_sink.messages() == []


def test_a_server_that_keeps_deferring_fails_the_row_after_the_last_attempt(tmp_path, smtp_sink):
    svc = services(tmp_path, smtp_sink)
    outbox_id = queue_ack(svc)
    smtp_sink.fail_next(sending.MAX_SEND_ATTEMPTS, code=421)
    delays = []
    for _ in range(sending.MAX_SEND_ATTEMPTS - 1):
        with pytest.raises(DeferredDeliveryError) as deferred:
            send_outbox(outbox_id, svc=svc)
        delays.append(deferred.value.retry_in_ms)
    assert send_outbox(outbox_id, svc=svc).status == "failed"
    # The waits double from 30 s and stop growing at 30 minutes: about an hour in all
    assert delays == [30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_800_000]
    assert sum(delays) <= 65 * 60_000
    failed = row(svc, outbox_id)
    assert failed.attempts == sending.MAX_SEND_ATTEMPTS
    assert failed.last_error.startswith(f"gave up after {sending.MAX_SEND_ATTEMPTS} attempts")
    assert review_kinds(svc) == ["outbound_failed"]
    assert smtp_sink.messages() == []


def test_the_backoff_is_bounded_for_any_attempt_count():
    assert [retry_delay_ms(n) for n in (0, 1, 2)] == [30_000, 30_000, 60_000]
    assert retry_delay_ms(10**6) == sending.RETRY_MAX_DELAY_MS


def test_dry_run_stores_the_rendered_mail_and_connects_to_nothing(tmp_path, smtp_sink):
    svc = services(tmp_path, smtp_sink, outbound_dry_run=True)
    outbox_id = queue_ack(svc)
    assert send_outbox(outbox_id, svc=svc).status == "dry_run"
    stored = row(svc, outbox_id)
    assert stored.attempts == 0 and stored.sent_at is None
    assert b"INV-70001" in stored.raw
    assert smtp_sink.messages() == []


def test_dry_run_needs_no_smtp_server_at_all(tmp_path):
    # Port 9 on 127.0.0.1 has no server: a connection attempt would fail the row
    svc = services(tmp_path, None, outbound_dry_run=True)
    outbox_id = queue_ack(svc)
    assert send_outbox(outbox_id, svc=svc).status == "dry_run"
    assert row(svc, outbox_id).last_error is None


def test_the_actor_retries_after_the_explicit_backoff_and_sends_once(
    tmp_path, smtp_sink, monkeypatch
):

    from worker.broker import configure_broker
    from worker.services import set_services

    svc = services(tmp_path, smtp_sink)
    broker = configure_broker(svc.settings, stub=True)
    import worker.actors

    worker.actors.bind_to(broker)
    set_services(svc)
    monkeypatch.setattr(sending, "RETRY_FIRST_DELAY_MS", 50)
    outbox_id = queue_ack(svc)
    smtp_sink.fail_next(2, code=451)
    run_outbound_job(broker, outbox_id)
    sent = row(svc, outbox_id)
    assert (sent.status, sent.attempts) == ("sent", 3)
    assert len(smtp_sink.messages()) == 1


def test_the_actor_leaves_a_held_row_and_sends_it_once_the_holder_is_gone(tmp_path, smtp_sink):
    import dataclasses

    from worker.broker import configure_broker
    from worker.services import set_services

    # A lease of 0.5 s: five SMTP timeouts of 0.1 s
    svc = services(tmp_path, smtp_sink)
    svc = dataclasses.replace(
        svc, settings=svc.settings.model_copy(update={"smtp_timeout_seconds": 0.1})
    )
    broker = configure_broker(svc.settings, stub=True)
    import worker.actors

    worker.actors.bind_to(broker)
    set_services(svc)
    outbox_id = queue_ack(svc)
    # Given a delivery that claimed the row and died before sending
    assert isinstance(sending._claim(outbox_id, svc), sending.Claim)
    run_outbound_job(broker, outbox_id)
    # The job found the row held, looked again when the lease ended, and sent it once
    sent = row(svc, outbox_id)
    assert (sent.status, sent.attempts) == ("sent", 2)
    assert len(smtp_sink.messages()) == 1


# --- TLS: a self-signed server is refused unless ARBOX_SMTP_CA_FILE names its certificate ---


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    openssl = require_binary("openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


class Collector:
    def __init__(self) -> None:
        self.received: list[tuple[str, ...]] = []
        self.peers: list[tuple[str, int]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.append(tuple(envelope.rcpt_tos))
        self.peers.append(tuple(session.peer))
        return "250 OK"


@pytest.fixture(params=["starttls", "ssl"])
def tls_server(request, certificate):
    from aiosmtpd.controller import Controller

    from worker.dev.embedded import free_port

    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = Collector()
    port = free_port()
    kwargs = {"tls_context": context} if request.param == "starttls" else {"ssl_context": context}
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    yield request.param, port, handler, cert
    controller.stop()


def mailer(mode: str, port: int, ca_file: Path | None, host: str = "localhost") -> SmtpMailer:
    return SmtpMailer(
        host=host, port=port, user=None, password=None, tls=mode, timeout=5, ca_file=ca_file
    )


RAW = b"Subject: x\r\n\r\nx\r\n"


def test_tls_refuses_a_certificate_no_trusted_ca_signed(tls_server):
    mode, port, handler, _ = tls_server
    with pytest.raises(MailDeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
        mailer(mode, port, None).send(RAW, sender="a@x.example", recipients=["b@y.example"])
    assert handler.received == []


def test_tls_delivers_to_the_server_the_ca_file_vouches_for(tls_server):
    mode, port, handler, cert = tls_server
    mailer(mode, port, cert).send(RAW, sender="a@x.example", recipients=["b@y.example"])
    assert handler.received == [("b@y.example",)]


def test_tls_mails_go_over_one_verified_connection(tls_server):
    mode, port, handler, cert = tls_server
    smtp = mailer(mode, port, cert)
    for _ in range(3):
        smtp.send(RAW, sender="a@x.example", recipients=["b@y.example"])
    assert len(handler.received) == 3
    assert len(set(handler.peers)) == 1  # one handshake for the three
    smtp.close()


def test_tls_checks_the_host_name_too(tls_server):
    # The certificate names localhost only; the same server reached as 127.0.0.1 is refused
    mode, port, handler, cert = tls_server
    with pytest.raises(MailDeliveryError, match="mismatch"):
        mailer(mode, port, cert, host="127.0.0.1").send(
            RAW, sender="a@x.example", recipients=["b@y.example"]
        )
    assert handler.received == []


def test_a_missing_ca_file_is_a_configuration_error_at_start(tmp_path):
    settings = Settings(smtp_host="127.0.0.1", smtp_ca_file=tmp_path / "nope.pem")
    with pytest.raises(ConfigError, match="ARBOX_SMTP_CA_FILE"):
        SmtpMailer.from_settings(settings)


def run_outbound_job(broker, outbox_id: int) -> None:  # type: ignore[no-untyped-def]
    """Send ``outbox_id`` through the outbound actor on a stub ``broker`` until its queue is
    empty (retries included), then unset the services."""
    import dramatiq

    import worker.actors
    from core.queues import OUTBOUND_QUEUE
    from worker.services import set_services

    runner = dramatiq.Worker(broker, worker_timeout=50)
    runner.start()
    try:
        worker.actors.send_outbound.send(outbox_id)
        broker.join(OUTBOUND_QUEUE, fail_fast=True, timeout=20_000)
        runner.join()
    finally:
        runner.stop()
        set_services(None)

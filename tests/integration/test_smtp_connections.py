"""SmtpMailer keeps one SMTP connection per thread open for the next mail (outbound.smtp): many
mails go over one connection; a connection the server closed, one idle too long, one that
carried its share of mails, one that saw an error, and one closed at shutdown are not used
again. The sink (aiosmtpd on 127.0.0.1) tells the connections apart by the client's port."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from core.errors import MailDeliveryError, MailRejectedError
from outbound.smtp import SmtpMailer

pytestmark = [pytest.mark.integration, pytest.mark.smtp]

RAW = b"Subject: x\r\n\r\nx\r\n"


def mailer(sink, **limits) -> SmtpMailer:  # type: ignore[no-untyped-def]
    return SmtpMailer(
        host=sink.host, port=sink.port, user=None, password=None, tls="none", timeout=5, **limits
    )


def send(smtp: SmtpMailer, n: int = 1) -> None:
    for _ in range(n):
        smtp.send(RAW, sender="ar@arbox.example", recipients=["ap@acme-mfg.example"])


def connections(sink) -> list[int]:  # type: ignore[no-untyped-def]
    """For each message offered, which connection it came over: 0, 1, … in order of opening."""
    ports: list[int] = []
    for _, port in sink.peers():
        if port not in ports:
            ports.append(port)
    return [ports.index(port) for _, port in sink.peers()]


def test_many_mails_go_over_one_connection(smtp_sink):
    smtp = mailer(smtp_sink)
    send(smtp, 20)
    assert len(smtp_sink.messages()) == 20
    assert connections(smtp_sink) == [0] * 20
    smtp.close()


def test_a_connection_the_server_closed_is_replaced_and_the_mail_goes(smtp_sink):
    smtp = mailer(smtp_sink)
    send(smtp, 2)
    smtp_sink.close_connections()
    send(smtp, 2)
    assert len(smtp_sink.messages()) == 4
    assert connections(smtp_sink) == [0, 0, 1, 1]
    smtp.close()


@pytest.mark.parametrize(("code", "error"), [(451, MailDeliveryError), (550, MailRejectedError)])
def test_a_connection_that_saw_an_error_is_not_used_again(smtp_sink, code, error):
    smtp = mailer(smtp_sink)
    send(smtp)
    smtp_sink.fail_next(1, code=code)
    with pytest.raises(error, match=str(code)):
        send(smtp)
    send(smtp)
    assert len(smtp_sink.messages()) == 2
    assert connections(smtp_sink) == [0, 0, 1]
    smtp.close()


def test_a_connection_carries_at_most_its_share_of_mails(smtp_sink):
    smtp = mailer(smtp_sink, max_mails_per_connection=2)
    send(smtp, 5)
    assert connections(smtp_sink) == [0, 0, 1, 1, 2]
    smtp.close()


def test_a_connection_idle_too_long_is_not_used_again(smtp_sink):
    smtp = mailer(smtp_sink, max_idle_seconds=0.2)
    send(smtp, 2)
    time.sleep(0.3)
    send(smtp)
    assert connections(smtp_sink) == [0, 0, 1]
    smtp.close()


def test_each_thread_has_its_own_connection_and_close_ends_them_all(smtp_sink):
    smtp = mailer(smtp_sink)
    send(smtp)
    other = threading.Thread(target=send, args=(smtp, 2))
    other.start()
    other.join(10)
    assert connections(smtp_sink) == [0, 1, 1]
    # When the workers stop, every kept connection is closed; a later mail opens a new one
    smtp.close()
    send(smtp)
    assert connections(smtp_sink) == [0, 1, 1, 2]
    smtp.close()


def test_a_server_that_is_gone_is_a_delivery_error_and_the_next_mail_reconnects(smtp_sink):
    smtp = mailer(smtp_sink)
    send(smtp)
    smtp_sink.stop()
    with pytest.raises(MailDeliveryError):
        send(smtp)
    assert smtp._kept.mine() is None  # nothing kept from a failed try
    smtp.close()


def test_the_services_close_their_mailers_connections(smtp_sink, tmp_path):
    from core.config import Settings
    from tests.conftest import migrated_sqlite
    from worker.services import Services

    settings = Settings(
        database_url=migrated_sqlite(tmp_path / "ledger.db"),
        smtp_host=smtp_sink.host,
        smtp_port=smtp_sink.port,
        smtp_tls="none",
    )
    svc = Services.from_settings(settings)
    assert svc.mailer is not None
    svc.mailer.send(RAW, sender="ar@arbox.example", recipients=["ap@acme-mfg.example"])
    svc.close()  # what stop_worker does once the worker threads stopped
    svc.mailer.send(RAW, sender="ar@arbox.example", recipients=["ap@acme-mfg.example"])
    assert connections(smtp_sink) == [0, 1]
    svc.close()
    svc.engine.dispose()


class SlowRecipients:
    """A server that takes 0.25 s to answer each RCPT: within a 0.3 s timeout every time."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        await asyncio.sleep(0.25)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received += 1
        return "250 OK"


def test_a_send_gives_up_after_its_share_of_timeouts_though_each_answer_came_in_time():
    from aiosmtpd.controller import Controller

    from outbound.smtp import SEND_TIMEOUTS
    from worker.dev.embedded import free_port

    handler, port = SlowRecipients(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp = SmtpMailer(
            host="127.0.0.1", port=port, user=None, password=None, tls="none", timeout=0.3
        )
        recipients = [f"ap{n}@acme-mfg.example" for n in range(6)]  # 1.5 s of RCPTs
        started = time.monotonic()
        with pytest.raises(MailDeliveryError, match=r"timed out|took longer than"):
            smtp.send(RAW, sender="ar@arbox.example", recipients=recipients)
        assert time.monotonic() - started < 0.3 * SEND_TIMEOUTS + 0.2
        assert handler.received == 0
        # and two recipients (0.5 s) go
        smtp.send(RAW, sender="ar@arbox.example", recipients=recipients[:2])
        assert handler.received == 1
        smtp.close()
    finally:
        controller.stop()

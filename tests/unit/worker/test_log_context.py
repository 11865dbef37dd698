"""The actor's log context gets the mail's Message-ID from the read that starts the attempt
(worker.inbound.process.process_inbound's ``seen_message_id``), not from a read of its own:
given once, before the mail is processed, and for a mail already done as well."""

from __future__ import annotations

from structlog.contextvars import get_contextvars

from tests.unit.worker.test_send_inline import services
from worker.inbound import process
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound

RAW = (
    b"From: ap@acme-mfg.example\r\nTo: ar@arbox.example\r\nSubject: Payment\r\n"
    b"Message-ID: <ctx1@acme-mfg.example>\r\n\r\nINV-73001 100.00\r\n"
)


def test_the_message_id_is_given_before_the_mail_is_read_and_for_a_finished_mail(
    tmp_path, database_url, monkeypatch
):
    svc = services(tmp_path, database_url)
    inbound_id = store_inbound(svc, RAW, source="file").inbound_id
    seen: list[str] = []
    read = process._read

    def reading_after_the_id(raw, svc_):  # type: ignore[no-untyped-def]
        assert seen == ["<ctx1@acme-mfg.example>"]  # known before the mail is parsed
        return read(raw, svc_)

    monkeypatch.setattr(process, "_read", reading_after_the_id)
    first = process_inbound(inbound_id, svc=svc, seen_message_id=seen.append)
    assert first.status == "applied" and seen == ["<ctx1@acme-mfg.example>"]
    again = process_inbound(inbound_id, svc=svc, seen_message_id=seen.append)
    assert again.status == "applied" and seen == ["<ctx1@acme-mfg.example>"] * 2
    assert "message_id" not in get_contextvars()  # the callback binds; nothing else does
    svc.engine.dispose()

"""Logs carry events and ids, never the local variables of a failing frame."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from core.logging import configure_logging


def test_an_exception_log_has_the_traceback_but_no_local_variables(capsys) -> None:
    configure_logging("INFO")
    try:
        secret_local = "hunter2-imap-password"  # noqa: F841 - must not be printed
        raise RuntimeError("mailbox went away")
    except RuntimeError:
        structlog.get_logger("test").exception("poll_failed", folder="INBOX")
        logging.getLogger("dramatiq.worker").exception("Failed to process message")
    err = capsys.readouterr().err
    assert "poll_failed" in err and "RuntimeError: mailbox went away" in err
    assert err.count("Traceback (most recent call last)") == 2
    assert "hunter2" not in err


@pytest.fixture(autouse=True)
def _reset_logging():
    yield
    structlog.reset_defaults()
    logging.getLogger().handlers.clear()


def test_json_logs_are_one_object_per_line_with_the_bound_ids_and_no_local_variables(capsys):
    from core.logging import use_log_settings

    use_log_settings(level="DEBUG", fmt="json")  # ARBOX_LOG_LEVEL, ARBOX_LOG_FORMAT
    try:
        configure_logging("WARNING")
        log = structlog.get_logger("worker.inbound.process")
        with structlog.contextvars.bound_contextvars(inbound_id=7, message_id="<a@b>"):
            log.debug("remittance_parsed", lines=2)
            try:
                secret_local = "hunter2-smtp-password"  # noqa: F841 - must not be printed
                raise RuntimeError("relay went away")
            except RuntimeError:
                log.exception("send_failed")
    finally:
        use_log_settings(level=None, fmt=None)
    lines = capsys.readouterr().err.strip().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["event"] for r in records] == ["remittance_parsed", "send_failed"]
    assert all(r["inbound_id"] == 7 and r["message_id"] == "<a@b>" for r in records)
    assert "RuntimeError: relay went away" in records[1]["exception"]
    assert "hunter2" not in "".join(lines)

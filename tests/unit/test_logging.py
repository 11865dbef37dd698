"""Logs carry events and ids, never the local variables of a failing frame."""

from __future__ import annotations

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

"""The IMAP adapter's guarantees that need no IMAP server: a socket timeout on connect, and
no password in the error. (A refused login against real servers: tests/integration.)"""

from __future__ import annotations

import socket
import time

import pytest

from core.errors import MailboxUnavailableError
from worker.mailbox import ImapConfig, ImapMailbox


def test_a_server_that_never_greets_fails_within_the_socket_timeout():
    # Given a server that accepts connections and then says nothing
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        config = ImapConfig("127.0.0.1", port, "ar", "pw-never-shown", "none", 0.5)
        started = time.monotonic()
        # When the mailbox connects
        with pytest.raises(MailboxUnavailableError) as raised:
            ImapMailbox(config).connect()
        took = time.monotonic() - started
    # Then it gives up after the timeout instead of hanging, and says nothing secret
    assert 0.4 < took < 3
    assert "pw-never-shown" not in str(raised.value)

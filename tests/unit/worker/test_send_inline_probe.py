"""Once the pause after a failed inline try is over while the relay is still down, one reply
tries the relay again and the other worker threads go on queueing theirs
(worker.inline_send.send_now_or_queue): a relay that hangs does not hold every thread for its
timeout."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from core.errors import MailDeliveryError
from tests.fakes import services_on_ledger
from worker import inline_send
from worker.inbound.process import process_inbound
from worker.inbound.store import store_inbound
from worker.services import Services

LEDGER = """invoice_number,customer_number,customer_name,customer_email,issue_date,due_date,amount
INV-75001,C751,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,100.00
INV-75002,C751,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,200.00
INV-75003,C751,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,300.00
INV-75004,C751,Acme Manufacturing Inc,ap@acme-mfg.example,2026-10-01,2026-10-31,400.00
"""
#: How long the relay keeps a connection before the client's timeout gives up on it (the
#: default ARBOX_SMTP_TIMEOUT_SECONDS is 30 s; a second here).
HANG = 1.0


class HangingRelay:
    """A relay that accepts the connection and then answers nothing until the timeout."""

    def __init__(self) -> None:
        self.tries = 0
        self._lock = threading.Lock()

    def send(self, raw: bytes, *, sender: str, recipients: Sequence[str]) -> None:
        with self._lock:
            self.tries += 1
        time.sleep(HANG)
        raise MailDeliveryError("relay", "TimeoutError: timed out")


def acknowledgement(svc: Services, n: int) -> int:
    raw = (
        "From: ap@acme-mfg.example\r\nTo: ar@arbox.example\r\nSubject: Payment\r\n"
        f"Message-ID: <probe{n}@acme-mfg.example>\r\n\r\nINV-7500{n} {n}00.00\r\n"
    ).encode()
    (outbox_id,) = process_inbound(
        store_inbound(svc, raw, source="file").inbound_id, svc=svc
    ).outbox_ids
    return outbox_id


def test_after_the_pause_one_try_probes_a_relay_still_down_the_other_threads_queue(
    tmp_path: Path, database_url: str, monkeypatch
) -> None:
    now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    base = services_on_ledger(tmp_path, database_url, LEDGER, now=now)
    relay = HangingRelay()
    svc = Services(
        settings=base.settings,
        engine=base.engine,
        sessions=base.sessions,
        mailer=relay,
        policy=base.policy,
        clock=base.clock,
    )
    first, *others = [acknowledgement(svc, n) for n in (1, 2, 3, 4)]
    queued: list[int] = []
    # The relay went down: a try fails and pauses inline sending (shortened here)...
    monkeypatch.setattr(inline_send, "INLINE_PAUSE_SECONDS", 0.2)
    inline_send.send_now_or_queue(first, svc=svc, queue=lambda i, d: queued.append(i))
    assert relay.tries == 1 and queued == [first]
    time.sleep(0.3)  # ... and the pause ran out; the relay is still down.

    # Three worker threads finish a mail each at the same moment.
    start = threading.Barrier(len(others))
    blocked: dict[int, float] = {}

    def worker(outbox_id: int) -> None:
        start.wait()
        began = time.monotonic()
        inline_send.send_now_or_queue(outbox_id, svc=svc, queue=lambda i, d: queued.append(i))
        blocked[outbox_id] = time.monotonic() - began

    threads = [threading.Thread(target=worker, args=(i,)) for i in others]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    svc.engine.dispose()

    assert sorted(queued) == sorted([first, *others])  # every reply reaches the queue ...
    # ... and of the three threads, one tried the relay still down; the others queued at once
    assert relay.tries - 1 == 1, f"{relay.tries - 1} threads tried the relay still down"
    assert sorted(blocked.values())[1] < HANG / 2, f"threads blocked for {blocked}"

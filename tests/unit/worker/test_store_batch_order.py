"""Two batches of mail stored at once cannot deadlock (worker.inbound.store.store_many).

``arbox poller`` polls each folder in a thread of its own (worker.cli.processes), and each
batch keeps the unique-index entries of the mails it inserted until it commits. Two folders
holding the same two mails in opposite orders (a rule that copies remittances into a second
polled folder, a person filing them by hand) would deadlock on PostgreSQL if each batch
stored its mails in folder order: they are stored in the order of their unique key."""

from __future__ import annotations

import threading

import pytest

from core.config import Settings
from worker.inbound import store
from worker.inbound.store import MailboxKey, store_many
from worker.services import Services


def raw(n: int) -> bytes:
    return f"Message-ID: <copied{n}@example.com>\r\n\r\nremittance {n}\r\n".encode()


def test_two_folders_storing_the_same_mails_in_opposite_orders_both_succeed(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = Services.from_settings(Settings(database_url=database_url))
    real = store._store
    first_stored = {"INBOX": threading.Event(), "Remittances": threading.Event()}

    def store_one(session, raw, *args, **kw):  # type: ignore[no-untyped-def]
        stored = real(session, raw, *args, **kw)
        key = kw["mailbox"]
        if key.uid == 1:  # each batch has stored its first mail before the other its second
            first_stored[key.folder].set()
            other = "Remittances" if key.folder == "INBOX" else "INBOX"
            first_stored[other].wait(2)  # SQLite: the other waits for the write lock; go on
        return stored

    monkeypatch.setattr(store, "_store", store_one)
    failed: dict[str, str] = {}

    def poll(folder: str, mails: list[int]) -> None:
        try:
            store_many(
                svc,
                [(raw(n), MailboxKey("ar", folder, 1, uid)) for uid, n in enumerate(mails, 1)],
                source="imap",
            )
        except Exception as e:
            failed[folder] = str(e).splitlines()[0]

    threads = [
        threading.Thread(target=poll, args=("INBOX", [1, 2])),
        threading.Thread(target=poll, args=("Remittances", [2, 1])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    svc.engine.dispose()
    assert failed == {}

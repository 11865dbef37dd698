"""Threading headers of replies: only well-formed ids travel, the thread root and the newest
ids are kept, and nothing an inbound header smuggles in is copied."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from outbound.thread import MAX_REFERENCES_CHARS, reply_thread


def test_a_reply_answers_the_message_id_and_keeps_the_references_before_it():
    thread = reply_thread("<m3@acme.example>", "<m1@acme.example>\r\n <m2@arbox.example>")
    assert thread.in_reply_to == "<m3@acme.example>"
    assert thread.references == "<m1@acme.example> <m2@arbox.example>"


def test_no_valid_message_id_means_no_threading_at_all():
    assert reply_thread(None, "<m1@x.example>").in_reply_to is None
    assert reply_thread("not an id", "<m1@x.example>").references is None


def test_text_around_the_ids_is_dropped_not_copied():
    thread = reply_thread(
        "<m3@x.example>\nBcc: evil@x.example", "<m1@x.example>\r\nBcc: evil@x.example <m2@x>"
    )
    assert thread.in_reply_to == "<m3@x.example>"
    assert thread.references == "<m1@x.example> <m2@x>"


def test_a_long_thread_keeps_its_root_and_newest_ids_within_the_limit():
    refs = " ".join(f"<message-{n:04d}@thread.example>" for n in range(200))
    thread = reply_thread("<last@thread.example>", refs)
    kept = thread.references.split()
    assert kept[0] == "<message-0000@thread.example>"
    assert kept[-1] == "<message-0199@thread.example>"
    assert len(thread.references) <= MAX_REFERENCES_CHARS
    assert kept[1:] == [
        f"<message-{n:04d}@thread.example>" for n in range(200 - len(kept) + 1, 200)
    ]


def test_the_answered_id_is_not_repeated_in_the_references():
    thread = reply_thread("<m2@x.example>", "<m1@x.example> <m2@x.example> <m1@x.example>")
    assert thread.references == "<m1@x.example>"


ID = re.compile(r"<[!-~]+@[!-~]+>")


@given(st.text(max_size=300), st.text(max_size=1000))
def test_threading_values_are_only_well_formed_ids(message_id, references):
    thread = reply_thread(message_id, references)
    for value in (thread.in_reply_to, thread.references):
        for token in (value or "").split(" ") if value else ():
            assert ID.fullmatch(token), token

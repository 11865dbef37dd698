"""The threading headers of a reply (RFC 5322 section 3.6.4), from inbound values. Pure: no IO.

Only well-formed message ids (``<left@right>``) are carried over: anything else in an inbound
Message-ID or References (text, line breaks, a smuggled ``Bcc:``) is dropped, not copied. A long
References keeps its first id (the thread's root) and the latest ones, so the reply's header
stays within :data:`MAX_REFERENCES_CHARS` with the id it answers last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A character of either side of a message id: printable ASCII but the specials
#: ``" , ; < > @`` (no space, no control character, nothing non-ASCII).
_ID_CHAR = r"[\x21\x23-\x2b\x2d-\x3a\x3d\x3f\x41-\x7e]"
#: One message id as RFC 5322 writes it.
_MSG_ID = re.compile(rf"<{_ID_CHAR}{{1,200}}@{_ID_CHAR}{{1,200}}>")
#: Room for the previous References in a reply (its own In-Reply-To id follows them).
MAX_REFERENCES_CHARS = 600


@dataclass(frozen=True, slots=True)
class ReplyThread:
    """In-Reply-To and the previous References of a reply (None: not a reply to anything)."""

    in_reply_to: str | None
    references: str | None


def reply_thread(message_id: str | None, references: str | None) -> ReplyThread:
    """The thread of a reply to a mail with ``message_id`` and ``references``.

    >>> reply_thread("<b@x>", "<a@x>")
    ReplyThread(in_reply_to='<b@x>', references='<a@x>')
    >>> reply_thread("<b@x>\\nBcc: e@x", None)
    ReplyThread(in_reply_to='<b@x>', references=None)
    """
    ids = _ids(message_id)
    if not ids:
        return ReplyThread(in_reply_to=None, references=None)
    parent = ids[0]
    previous = [ref for ref in dict.fromkeys(_ids(references)) if ref != parent]
    kept: list[str] = []
    if previous:
        root, rest = previous[0], previous[1:]
        size = len(root)
        for ref in reversed(rest):  # the newest ids matter most after the root
            if size + 1 + len(ref) > MAX_REFERENCES_CHARS:
                break
            kept.insert(0, ref)
            size += 1 + len(ref)
        kept.insert(0, root)
    return ReplyThread(in_reply_to=parent, references=" ".join(kept) or None)


def message_ids(value: str | None) -> list[str]:
    """The well-formed message ids in a header value (Message-ID, In-Reply-To, References).

    >>> message_ids("<a@x> junk <b@y>")
    ['<a@x>', '<b@y>']
    """
    return _ids(value)


def _ids(value: str | None) -> list[str]:
    """The well-formed message ids in ``value``, but none holding an RFC 2047 encoded-word
    opener ``=?`` (the header classes would decode it; see ``outbound.compose.clean_header``).
    """
    return [found for found in _MSG_ID.findall(value or "") if "=?" not in found]

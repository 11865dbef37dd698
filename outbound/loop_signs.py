"""What a reply loop looks like in one inbound mail, for the reply breaker. Pure: no IO.

A loop is a peer answering our answers. Its mails name one of our replies in ``In-Reply-To``
or ``References`` (or, from a client that drops those headers, carry our reply's subject
with a ``Re:``), and an auto-responder says the same thing every time. A person writing
about three different things in an hour does neither. This module reads those signs from a
mail; :mod:`outbound.peer_history` looks up our replies and the sender's earlier mails, and
:func:`outbound.policy.decide_reply` counts.

Mail that admits being automatic (``Auto-Submitted``, ``Precedence``, the ``X-Autoreply``
family, bounces) is never answered at all (:func:`outbound.policy.never_reply_reason`), so
it cannot feed a loop: the breaker is for the peers that hide it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection

from core.types import ParsedEmail
from outbound.thread import message_ids

#: Subject prefixes of a reply (Re, German AW, Nordic SV/VS, Dutch Antw, Italian R...).
_REPLY_PREFIX = re.compile(r"^\s*(?:re|aw|sv|antw|vs|r|odp|ynt)\s*(?:\[\d+\])?\s*:\s*", re.I)
#: Forward prefixes, dropped with the reply prefixes when comparing subjects.
_FORWARD_PREFIX = re.compile(r"^\s*(?:fwd?|wg|tr|rv|i)\s*:\s*", re.I)
#: A line that starts the quoted earlier mail in a reply: the rest is not the sender's text.
_QUOTE_HEADER = re.compile(
    r"^\s*(?:-{2,}\s*original message\s*-{2,}"
    r"|-{2,}\s*urspr(?:ü|ue)ngliche nachricht\s*-{2,}"
    r"|on .{1,200} wrote:"
    r"|am .{1,200} schrieb .{0,200}:"
    r"|le .{1,200} a écrit\s*:)\s*$",
    re.I,
)
_SPACE = re.compile(r"\s+")


def own_text(text: str) -> str:
    """The sender's own words of a mail body: quoted lines (``>``) and everything from a
    quote header (``On ... wrote:``, ``-----Original Message-----``) on are dropped, case and
    white space folded.

    >>> own_text("Thanks!\\n\\n> We received your payment\\n")
    'thanks!'
    >>> own_text("Paid.\\nOn Mon, 1 Dec 2026, AR <ar@x> wrote:\\nYour balance is 0")
    'paid.'
    """
    kept: list[str] = []
    for line in text.splitlines():
        if _QUOTE_HEADER.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return _SPACE.sub(" ", " ".join(kept)).strip().casefold()


def body_key(parsed: ParsedEmail) -> str | None:
    """SHA-256 (hex) of the mail's own text and its attachments' bytes: the same mail sent
    again has the same key, two remittance PDFs under the same covering note do not. None
    for a mail with neither text nor attachments (nothing to compare)."""
    text = own_text(parsed.text or parsed.html_text)
    if not text and not parsed.attachments:
        return None
    digest = hashlib.sha256(text.encode("utf-8", "replace"))
    for attachment in parsed.attachments:
        digest.update(b"\0" + hashlib.sha256(attachment.data).digest())
    return digest.hexdigest()


def referenced_ids(parsed: ParsedEmail) -> tuple[str, ...]:
    """The message ids the mail answers: its ``In-Reply-To`` and ``References``."""
    found = message_ids(parsed.header("In-Reply-To")) + message_ids(parsed.header("References"))
    return tuple(dict.fromkeys(found))


def is_reply_subject(subject: str) -> bool:
    """Whether ``subject`` starts with a reply prefix (``Re:``, ``AW:``, ``SV:``...)."""
    return _REPLY_PREFIX.match(subject) is not None


def subject_topic(subject: str) -> str:
    """``subject`` without its reply and forward prefixes, case and spacing folded.

    >>> subject_topic("RE: Re: AW:  Payment  INV-1")
    'payment inv-1'
    """
    rest = subject
    while True:
        stripped = _FORWARD_PREFIX.sub("", _REPLY_PREFIX.sub("", rest, count=1), count=1)
        if stripped == rest:
            break
        rest = stripped
    return _SPACE.sub(" ", rest).strip().casefold()


def answers_our_subject(subject: str, our_subjects: Collection[str]) -> bool:
    """Whether ``subject`` is a reply (``Re:``) to a mail of ours with one of ``our_subjects``."""
    if not is_reply_subject(subject):
        return False
    topic = subject_topic(subject)
    return bool(topic) and any(subject_topic(ours) == topic for ours in our_subjects)

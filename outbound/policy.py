"""When arbox may send an automatic reply (RFC 3834). Pure: no IO."""

from __future__ import annotations

from core.types import Classification, MailKind

#: Kinds of inbound mail that are never answered automatically.
NEVER_ANSWER = frozenset({MailKind.AUTO_REPLY, MailKind.BOUNCE, MailKind.BULK})


def reply_block_reason(
    *,
    classification: Classification,
    sender_block: str | None,
    is_registered_contact: bool,
    replies_today: int,
    max_replies_per_day: int,
) -> str | None:
    """Why no automatic reply may be sent, or None when one may.

    Args:
        classification: what the inbound mail is.
        sender_block: why the sender's address must never be answered (noreply, ourselves…).
        is_registered_contact: whether the sender is a contact of the customer concerned;
            account details go to registered contacts only.
        replies_today: automatic mails already sent to this address today.
        max_replies_per_day: the cap per recipient per day.
    """
    if classification.kind in NEVER_ANSWER:
        return f"never answer {classification.kind.value} mail ({classification.reason})"
    if sender_block is not None:
        return sender_block
    if not is_registered_contact:
        return "sender is not a registered contact of the customer"
    if replies_today >= max_replies_per_day:
        return f"already {replies_today} automatic mails to this address today"
    return None

"""When arbox may send an automatic reply: RFC 3834, a daily cap and a circuit breaker.
Pure: no IO.

The classifier (:mod:`parsers.classify`) already reads most of RFC 3834 from the headers:
``Auto-Submitted`` other than ``no`` and the ``X-Autoreply`` family, ``Precedence:
bulk|list|junk|auto_reply``, ``multipart/report`` and ``message/delivery-status``, the
``List-*`` headers of mail that is no remittance, MAILER-DAEMON bounces and mail from our own
address. That evidence arrives here as the kind of the mail (auto-reply, bounce, bulk) and is
not read again. This module adds what can sit on mail that is rightly *processed* (a payment
notice from a platform, say) and must still never be *answered*:

- a null ``Return-Path: <>`` (RFC 3834 section 2: the sender wants no mail about this mail);
- ``X-Auto-Response-Suppress: All`` or ``AutoReply`` (Exchange's way for a sender to ask
  automatic responders, like our acknowledgement, to stay quiet; [MS-OXCMAIL] 2.2.3.2.14);
- any ``List-*`` header (RFC 2369/2919), also a lone ``List-Unsubscribe``;
- a From, Reply-To or Sender that never reads replies (noreply, MAILER-DAEMON, postmaster,
  ``owner-*``, ``*-request``) or is our own address; a Return-Path of ours or of a daemon.

Then the limits: at most ``max_per_day`` automatic mails to one address in 24 hours, and a
breaker for a peer that answers our answers whatever its headers say (a loop). It counts only
mails that look like one (:mod:`outbound.loop_signs`): a mail that answers one of our replies
(``In-Reply-To``/``References`` naming it, or its subject with ``Re:``) or repeats an earlier
mail of the sender. When such a mail arrives and, with it, ``breaker_mails`` such mails from
the address fall within the window (the earlier ones each answered by us), replies to the
address stop for the cool-down and a person is told. Distinct mails of a person, however many
in an hour, never trip it: the daily cap is their limit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr

from core.config import Settings
from core.types import Classification, MailKind, ParsedEmail
from parsers.classify import is_no_reply_sender

#: Kinds of inbound mail that are never answered automatically.
NEVER_ANSWER = frozenset({MailKind.AUTO_REPLY, MailKind.BOUNCE, MailKind.BULK})
#: Local parts of mail systems: a Return-Path of theirs is a system's mail, not a person's.
_SYSTEM_LOCAL_PARTS = frozenset({"mailer-daemon", "postmaster"})


def never_reply_reason(
    parsed: ParsedEmail, classification: Classification, *, own_address: str | None
) -> str | None:
    """Why ``parsed`` must never get an automatic reply (RFC 3834), or None when it may.

    Args:
        parsed: the inbound mail (header values decoded and cleaned).
        classification: what :func:`parsers.classify.classify_email` made of it.
        own_address: the AR mailbox's address (``ARBOX_AR_ADDRESS``).
    """
    if classification.kind in NEVER_ANSWER:
        return f"never answer {classification.kind.value} mail ({classification.reason})"
    if parsed.return_path is not None and _bare(parsed.return_path) == "":
        return f"null Return-Path ({parsed.return_path.strip()})"
    suppress = {
        v.strip().lower() for v in (parsed.header("X-Auto-Response-Suppress") or "").split(",")
    }
    if suppress & {"all", "autoreply"}:
        return f"X-Auto-Response-Suppress: {parsed.header('X-Auto-Response-Suppress')}"
    lists = [name for name, _ in parsed.headers if name.lower().startswith("list-")]
    if lists:
        return f"list mail ({lists[0]} header)"
    from_block = is_no_reply_sender(parsed.from_address, own_address=own_address)
    if from_block is not None:
        return f"From: {from_block}"
    for name, value in (("Reply-To", parsed.reply_to), ("Sender", parsed.header("Sender"))):
        address = _bare(value)
        block = is_no_reply_sender(address, own_address=own_address) if address else None
        if block is not None:
            return f"{name}: {block}"
    return_path = _bare(parsed.return_path)
    if return_path:
        if own_address and return_path == own_address.strip().lower():
            return f"Return-Path: our own address ({return_path})"
        if return_path.rpartition("@")[0] in _SYSTEM_LOCAL_PARTS:
            return f"Return-Path: mail system address ({return_path})"
    return None


def _bare(value: str | None) -> str:
    """The lower-cased bare address of a header value (``""`` for ``<>`` or nothing)."""
    if not value:
        return ""
    return parseaddr(value)[1].strip().lower()


@dataclass(frozen=True, slots=True)
class ReplyLimits:
    """How many automatic mails one address may get, and when the breaker trips."""

    max_per_day: int
    #: Loop-like mails from one address within ``breaker_minutes`` that trip it (0: never).
    breaker_mails: int
    breaker_minutes: int
    cooldown_minutes: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ReplyLimits:
        """The limits ``ARBOX_MAX_REPLIES_PER_SENDER_PER_DAY`` and ``ARBOX_REPLY_BREAKER_*``
        set."""
        return cls(
            max_per_day=settings.max_replies_per_sender_per_day,
            breaker_mails=settings.reply_breaker_mails,
            breaker_minutes=settings.reply_breaker_minutes,
            cooldown_minutes=settings.reply_breaker_cooldown_minutes,
        )


@dataclass(frozen=True, slots=True)
class PeerHistory:
    """What arbox did with one address lately (read by :mod:`outbound.peer_history`)."""

    #: Automatic mails queued for the address in the last 24 hours.
    mails_today: int = 0
    #: Earlier mails from the address within the breaker's window that arbox answered and
    #: that looked like a loop (:func:`count_loop_mails`).
    loop_mails_in_window: int = 0
    #: Whether the breaker tripped for the address within the cool-down (and is not resolved).
    breaker_open: bool = False


@dataclass(frozen=True, slots=True)
class PeerMail:
    """One earlier mail from the address, within the breaker's window."""

    #: Whether arbox answered it (an outbox row for it).
    answered: bool
    #: Why it looked like part of a loop when it was processed, or None.
    loop_evidence: str | None = None
    #: :func:`outbound.loop_signs.body_key` of it (None: not recorded).
    body_key: str | None = None


def count_loop_mails(earlier: Iterable[PeerMail], *, body_key: str | None) -> int:
    """How many of the ``earlier`` mails count towards the breaker for a mail with
    ``body_key``: those arbox answered that looked like a loop when they came, or that the
    new mail repeats (the first of a repeated mail only shows as one now)."""
    return sum(
        1
        for mail in earlier
        if mail.answered
        and (mail.loop_evidence is not None or (body_key is not None and mail.body_key == body_key))
    )


@dataclass(frozen=True, slots=True)
class ReplyDecision:
    """Whether to answer; ``trip_breaker`` asks the caller to record the trip for a person."""

    send: bool
    reason: str | None = None
    trip_breaker: bool = False


def decide_reply(
    *,
    never_reason: str | None,
    is_registered_contact: bool,
    loop_evidence: str | None,
    history: PeerHistory,
    limits: ReplyLimits,
) -> ReplyDecision:
    """Whether to send an automatic reply, and if not, why.

    Args:
        never_reason: what :func:`never_reply_reason` said of the mail.
        is_registered_contact: whether the sender is a contact of the customer concerned;
            account details go to registered contacts only.
        loop_evidence: why the mail looks like part of a reply loop (it answers one of our
            replies, or repeats an earlier mail of the sender), or None: only such a mail
            can trip the breaker.
        history: what was sent to and answered for the sender lately.
        limits: the daily cap and the breaker's settings.
    """
    if never_reason is not None:
        return ReplyDecision(send=False, reason=never_reason)
    if not is_registered_contact:
        return ReplyDecision(send=False, reason="sender is not a registered contact")
    if history.breaker_open:
        return ReplyDecision(
            send=False, reason="reply breaker open for this address (a reply loop; see review)"
        )
    loop_mails = history.loop_mails_in_window + 1
    if (
        limits.breaker_mails > 0
        and loop_evidence is not None
        and loop_mails >= limits.breaker_mails
    ):
        return ReplyDecision(
            send=False,
            reason=(
                f"reply loop: {loop_mails} mails from this address answered our replies or "
                f"repeated a mail within {limits.breaker_minutes} minutes (this one: "
                f"{loop_evidence}); replies stop for {limits.cooldown_minutes} minutes"
            ),
            trip_breaker=True,
        )
    if history.mails_today >= limits.max_per_day:
        return ReplyDecision(
            send=False, reason=f"already {history.mails_today} automatic mails today"
        )
    return ReplyDecision(send=True)

"""Whether a mail's From address may stand for its sender: the one rule every path that
treats a sender as a registered contact asks (issue 19, finding 8).

The From address itself is read strictly by the parser (:func:`parsers.sender.read_from`):
a From that is no single plain mailbox, or names another address too, gives no address at
all, so nobody's contact is found for it. On top of that, with ``ARBOX_REQUIRE_DMARC_PASS``
the address counts only when the receiving server's topmost ``Authentication-Results``
(from ``ARBOX_AUTHSERV_ID`` when set) says ``dmarc=pass`` for the From's domain; otherwise
the mail is a stranger's: it is no contact's (:func:`worker.inbound.deciding.identify`), no rule
taught on the address or domain identifies its customer, its questions get only the reply
that reveals nothing (:mod:`worker.inbound.answers`), and no reply naming an account goes to it
(:class:`worker.inbound.replies.MailReplies`).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.config import Settings
from core.types import ParsedEmail
from parsers.sender import dmarc_verdict


@dataclass(frozen=True, slots=True)
class SenderCheck:
    """Whether the From address may be taken as the sender's, and why not."""

    verified: bool
    reason: str = ""


def check_sender(parsed: ParsedEmail, settings: Settings) -> SenderCheck:
    """Whether ``parsed.from_address`` may be taken as the sender (see the module docstring).
    Without ``require_dmarc_pass`` every strictly read address may."""
    if parsed.from_address is None:
        return SenderCheck(False, parsed.from_problem or "no From address")
    if not settings.require_dmarc_pass:
        return SenderCheck(True)
    verdict = dmarc_verdict(parsed.headers, authserv_id=settings.authserv_id)
    if verdict.passes_for(parsed.from_address):
        return SenderCheck(True, f"dmarc=pass ({verdict.evidence})")
    if verdict.result is None:
        return SenderCheck(False, f"DMARC did not pass: {verdict.evidence}")
    said = f"dmarc={verdict.result}"
    if verdict.header_from is not None:
        said += f" for {verdict.header_from}"
    return SenderCheck(False, f"DMARC did not pass: {said} ({verdict.evidence})")


@dataclass(frozen=True, slots=True)
class SenderIdentity:
    """Who a remittance comes from, as far as it may be trusted: what identification
    (:func:`worker.inbound.deciding.identify`) starts from, whatever the remittance came in as."""

    #: The sender's address when it may stand for the sender (:func:`check_sender`), else None.
    address: str | None
    #: Whether the From address may stand for the sender, and why not.
    check: SenderCheck
    #: The customer to fall back on when identification finds none (the payer of a bank
    #: credit, when the bank import knew it), with the reason recorded for it.
    payer_customer_id: int | None = None
    payer_reason: str = ""


def mail_sender(parsed: ParsedEmail, settings: Settings) -> SenderIdentity:
    """The identity of a mail's sender: its From address when :func:`check_sender` lets it
    stand for the sender."""
    check = check_sender(parsed, settings)
    return SenderIdentity(address=parsed.from_address if check.verified else None, check=check)

"""The automatic replies to one inbound mail: the acknowledgement of a remittance and the
answer to each question it asks, all written to the outbox in the transaction that processes
the mail, threaded on it, ``Auto-Submitted: auto-replied``, under a key per (mail, kind).

Every reply passes the same gate, decided once per mail (:class:`MailReplies`): the RFC 3834
never-reply rules, the per-recipient daily cap and the reply breaker (:mod:`outbound.policy`),
which counts the mails that look like a loop (each mail's evidence is recorded on its row);
and every recipient is checked by :mod:`outbound.recipients` against every account the reply
mentions. What the answers say is built in :mod:`worker.inbound.answers`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from email.message import EmailMessage

import structlog
from sqlalchemy.orm import Session

from core.statuses import ReviewKind
from core.types import AckLine, Classification, ParsedEmail
from ledger import models as m
from ledger.contact_reads import invoice_owners
from ledger.locale_store import LocaleBook, locale_book
from ledger.matching_reads import CustomerRef
from ledger.posting import open_review_item
from outbound.compose import Acknowledgement, stable_message_id
from outbound.loop_signs import body_key
from outbound.outbox import RenderedMail, add_to_outbox
from outbound.peer_history import loop_evidence, peer_history
from outbound.plain_writer import render_acknowledgement
from outbound.policy import ReplyDecision, ReplyLimits, decide_reply, never_reply_reason
from outbound.recipients import recipients_for
from outbound.thread import ReplyThread, reply_thread
from worker.inbound.sender_check import SenderCheck, check_sender
from worker.services import Services

log = structlog.get_logger(__name__)

#: Makes a reply for its recipients and its Message-ID (as a message, or as the outbox
#: stores it).
Build = Callable[[tuple[str, ...], str], EmailMessage | RenderedMail]


class MailReplies:
    """The replies to one inbound mail: who it is from, whether it may be answered at all
    (decided once, so the mail's own replies never count towards its breaker), and how many
    more mails its sender may get today."""

    def __init__(
        self,
        session: Session,
        row: m.InboundMessage,
        parsed: ParsedEmail,
        classification: Classification,
        *,
        svc: Services,
    ) -> None:
        self.session = session
        self.row = row
        self.parsed = parsed
        self.classification = classification
        self.svc = svc
        self.now = svc.clock()
        self.address = (parsed.from_address or "").strip().lower() or None
        #: Whether the address may stand for the sender (worker.inbound.sender_check): if not,
        #: the mail is a stranger's even from a contact's address, and no reply names an account.
        self.sender: SenderCheck = check_sender(parsed, svc.settings)
        self.thread: ReplyThread = reply_thread(parsed.message_id, parsed.header("References"))
        self._decision: ReplyDecision | None = None
        self._left = 0
        self._books: dict[int, LocaleBook] = {}
        self._record_loop_evidence()

    def _record_loop_evidence(self) -> None:
        """Record on the row what the breaker counts of this mail, before it is answered
        (so later mails of the sender see it whether or not it gets a reply)."""
        self.row.body_key = body_key(self.parsed)
        # Set only what changes: an attribute set to the value it has still marks the row
        # dirty, and every read after it would flush the row again for nothing.
        if self.row.loop_evidence is not None:
            self.row.loop_evidence = None
        if self.address is not None:
            evidence = loop_evidence(
                self.session,
                self.parsed,
                inbound_id=self.row.id,
                address=self.address,
                body_key=self.row.body_key,
                now=self.now,
                limits=ReplyLimits.from_settings(self.svc.settings),
            )
            if evidence is not None:
                self.row.loop_evidence = evidence

    @property
    def ar_address(self) -> str | None:
        """The From of every reply (``ARBOX_AR_ADDRESS``)."""
        return self.svc.settings.ar_address

    def gate(self) -> ReplyDecision:
        """Whether this mail may be answered at all; the first call records a breaker trip."""
        if self._decision is not None:
            return self._decision
        settings = self.svc.settings
        if not settings.ar_address or self.address is None:
            why = "ARBOX_AR_ADDRESS is not set" if not settings.ar_address else "no sender"
            self._decision = ReplyDecision(send=False, reason=why)
            return self._decision
        never = never_reply_reason(
            self.parsed, self.classification, own_address=settings.ar_address
        )
        limits = ReplyLimits.from_settings(settings)
        history = peer_history(
            self.session,
            self.address,
            inbound_id=self.row.id,
            body_key=self.row.body_key,
            now=self.now,
            limits=limits,
        )
        decision = decide_reply(
            never_reason=never,
            is_registered_contact=True,
            loop_evidence=self.row.loop_evidence,
            history=history,
            limits=limits,
        )
        if decision.trip_breaker:
            open_review_item(
                self.session,
                key=f"inbound:{self.row.id}:{ReviewKind.REPLY_LOOP}",
                kind=ReviewKind.REPLY_LOOP,
                reason=f"{self.address}: {decision.reason}",
                now=self.now,
                inbound_id=self.row.id,
                customer_id=self.row.customer_id,
            )
            log.warning(
                "reply_breaker_tripped",
                inbound_id=self.row.id,
                loop_mails=history.loop_mails_in_window + 1,
                evidence=self.row.loop_evidence,
            )
        self._decision = decision
        self._left = max(0, limits.max_per_day - history.mails_today)
        return decision

    def recipients(self, customer_ids: Collection[int]) -> tuple[str, ...]:
        """The sender, when it may receive a mail mentioning ``customer_ids``; else ()."""
        if self.address is None or (customer_ids and not self.sender.verified):
            return ()
        return recipients_for(self.session, [self.address], customer_ids)

    def locale_for(self, customer_id: int | None, to: Sequence[str]) -> str:
        """The locale of a reply to ``to`` about ``customer_id``: the contact's, else the
        customer's, else ``ARBOX_DEFAULT_LOCALE`` (no customer: the default)."""
        default = self.svc.settings.default_locale
        if customer_id is None:
            return default
        return self.locale_book(customer_id).for_mail(to, default=default)

    def locale_book(self, customer_id: int) -> LocaleBook:
        """The locales of ``customer_id`` and its contacts, read once per mail (a contact's
        locale changes only by a person's hand, never while a mail is processed)."""
        book = self._books.get(customer_id)
        if book is None:
            book = self._books[customer_id] = locale_book(self.session, customer_id)
        return book

    def message_id(self, key: str) -> str:
        """The stable Message-ID of the reply with outbox ``key``."""
        assert self.ar_address is not None
        return stable_message_id(key, domain=self.ar_address.partition("@")[2])

    def send(self, *, key: str, kind: str, mentions: Collection[int], build: Build) -> int | None:
        """Queue the reply ``build`` makes for the recipients allowed to read about
        ``mentions`` (customer ids), when the gate and the daily cap allow one more mail.
        Returns the outbox id, or None when nothing was queued (or it was queued before)."""
        decision = self.gate()
        if not decision.send:
            log.info("reply_suppressed", inbound_id=self.row.id, kind=kind, why=decision.reason)
            return None
        to = self.recipients(mentions)
        if not to:
            log.info("reply_suppressed", inbound_id=self.row.id, kind=kind, why="not a contact")
            return None
        if self._left <= 0:
            log.info("reply_suppressed", inbound_id=self.row.id, kind=kind, why="daily cap")
            return None
        message = build(to, self.message_id(key))
        outbox_id = add_to_outbox(
            self.session,
            key=key,
            kind=kind,
            message=message,
            now=self.now,
            inbound_id=self.row.id,
            customer_id=self.row.customer_id,
        )
        self._left -= 1
        log.info("reply_queued", inbound_id=self.row.id, kind=kind, outbox_id=outbox_id)
        return outbox_id


def acknowledge(
    replies: MailReplies,
    customer: CustomerRef | None,
    applied: list[AckLine],
    in_review: list[AckLine],
    currency: str,
) -> int | None:
    """Queue the acknowledgement of a remittance from ``customer``'s contact. It names the
    invoices cash went to, so it goes only to an address that may read about each of their
    customers (a parent paying for a subsidiary gets it only as a contact of both)."""
    if customer is None or not replies.sender.verified:
        log.info("reply_suppressed", inbound_id=replies.row.id, why="sender is no contact")
        return None
    numbers = {line.invoice_number for line in applied if line.invoice_number}
    mentions = {customer.id} | invoice_owners(replies.session, numbers)
    settings = replies.svc.settings

    def build(to: tuple[str, ...], message_id: str) -> RenderedMail:
        assert settings.ar_address is not None
        (address,) = to
        return render_acknowledgement(
            Acknowledgement(
                customer_name=customer.name,
                currency=currency,
                applied=tuple(applied),
                in_review=tuple(in_review),
            ),
            sender=settings.ar_address,
            company_name=settings.company_name,
            to=address,
            subject=replies.parsed.subject,
            in_reply_to=replies.thread.in_reply_to,
            references=replies.thread.references,
            message_id=message_id,
            now=replies.now,
            locale=replies.locale_for(customer.id, to),
            templates_dir=settings.templates_dir,
        )

    return replies.send(
        key=f"ack:{replies.row.id}", kind="acknowledgement", mentions=mentions, build=build
    )

"""The language a customer's contact writes in, recorded as a suggestion for a person to
confirm (issue 21): a contact writing in French to a customer we write to in English gets
``contacts.suggested_locale = fr_FR`` with the mail it came from, shown in the review app.
Nothing is switched here: the replies to this very mail still go out in the locale the
contact has (:mod:`ledger.locale_store`)."""

from __future__ import annotations

import structlog

from core.locales import locale_for_language, resolve_locale, territory_of
from ledger.locale_store import suggest_locale
from ledger.matching_reads import CustomerRef
from parsers.language import guess_language
from parsers.quoted_text import strip_quotes_and_signature
from worker.inbound.replies import MailReplies

log = structlog.get_logger(__name__)


def suggest_contact_locale(replies: MailReplies, customer: CustomerRef | None) -> str | None:
    """Record the language of the mail of ``replies`` as its sender's suggested locale, when
    the sender is a verified contact of ``customer`` and writes in another language than the
    one it is written to; the locale suggested, or None."""
    address = replies.address
    if customer is None or address is None or not replies.sender.verified:
        return None
    parsed = replies.parsed
    text = strip_quotes_and_signature(parsed.text or parsed.html_text)
    language = guess_language(f"{parsed.subject}\n{text}")
    if language is None:
        return None
    default = replies.svc.settings.default_locale
    book = replies.locale_book(customer.id)
    current = resolve_locale(
        contact=book.contacts.get(address), customer=book.customer, default=default
    )
    if current.partition("_")[0] == language:
        # written to in the language it writes (the address is lower-cased, as the book's
        # keys): suggest_locale would read the contact and its customer to find the same
        return None
    locale = locale_for_language(language, territory=territory_of(current))
    recorded = suggest_locale(
        replies.session,
        customer_id=customer.id,
        address=address,
        locale=locale,
        inbound_id=replies.row.id,
        default=default,
    )
    if not recorded:
        return None
    log.info("locale_suggested", inbound_id=replies.row.id, customer_id=customer.id, locale=locale)
    return locale

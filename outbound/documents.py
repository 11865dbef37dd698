"""Mails that carry documents (statements of account, invoice copies) and the replies to
customers' questions. Pure: no IO beyond reading the templates.

Each mail has a plain-text body and an HTML alternative, rendered from Jinja2 templates
(``statement.*.j2``, ``invoice_copy.*.j2`` and the replies of :data:`REPLY_TEMPLATES`; HTML
autoescaped), in the recipient's locale (:mod:`outbound.templating`: its language's templates,
its number and date formats), and the PDFs attached. A company's own wording goes in a
directory (``ARBOX_TEMPLATES_DIR``) whose files override the packaged ones by name.

Every header value goes through :func:`outbound.compose.clean_header` (CVE-2024-6923) and every
recipient through :func:`outbound.compose.clean_address`. Statements sent on our own initiative
say ``Auto-Submitted: auto-generated``; any mail that answers a request says ``auto-replied``
(RFC 3834) and is threaded on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Literal

from core.locales import DEFAULT_LOCALE
from ledger.invoice_copies import InvoiceCopy
from ledger.statements import Statement
from outbound.compose import attach_pdf, clean_address, clean_header
from outbound.templating import render, render_subject

AutoSubmitted = Literal["auto-generated", "auto-replied"]


def compose_statement(
    statements: Sequence[Statement],
    pdfs: Sequence[bytes],
    *,
    sender: str,
    company_name: str,
    to: Sequence[str],
    message_id: str,
    now: datetime,
    templates_dir: Path | None = None,
    subject: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    locale: str = DEFAULT_LOCALE,
) -> EmailMessage:
    """The mail of a customer's statements (one per currency, each with its PDF) in
    ``locale``; a reply to the request when ``in_reply_to`` is given (threaded, ``Re:``
    subject, ``Auto-Submitted: auto-replied``)."""
    if not statements or len(statements) != len(pdfs):
        raise ValueError("one PDF per statement, and at least one statement")
    first = statements[0]
    context = {"statements": statements, "customer": first, "company_name": company_name}
    as_of = first.as_of.isoformat()
    msg = _document_message(
        sender=sender,
        company_name=company_name,
        to=to,
        subject=reply_subject(
            subject if in_reply_to else None,
            fallback=render_subject(
                "statement.subject.j2", context, locale=locale, templates_dir=templates_dir
            ),
        ),
        templates=("statement.txt.j2", "statement.html.j2"),
        context=context,
        locale=locale,
        templates_dir=templates_dir,
        message_id=message_id,
        now=now,
        auto_submitted="auto-replied" if in_reply_to else "auto-generated",
        in_reply_to=in_reply_to,
        references=references,
    )
    for statement, pdf in zip(statements, pdfs, strict=True):
        suffix = f"-{statement.currency}" if len(statements) > 1 else ""
        attach_pdf(msg, pdf, filename=f"statement-{statement.customer_number}-{as_of}{suffix}.pdf")
    return msg


def compose_invoice_copy(
    copies: Sequence[InvoiceCopy],
    pdfs: Sequence[bytes],
    *,
    sender: str,
    company_name: str,
    to: Sequence[str],
    message_id: str,
    now: datetime,
    subject: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    templates_dir: Path | None = None,
    locale: str = DEFAULT_LOCALE,
) -> EmailMessage:
    """The mail with copies of ``copies`` (one PDF each) in ``locale``; a reply to the
    request when ``in_reply_to`` is given (threaded, ``Re:`` subject,
    ``Auto-Submitted: auto-replied``)."""
    if not copies or len(copies) != len(pdfs):
        raise ValueError("one PDF per invoice copy, and at least one copy")
    context = {"copies": copies, "customer": copies[0], "company_name": company_name}
    title = reply_subject(
        subject if in_reply_to else None,
        fallback=render_subject(
            "invoice_copy.subject.j2", context, locale=locale, templates_dir=templates_dir
        ),
    )
    msg = _document_message(
        sender=sender,
        company_name=company_name,
        to=to,
        subject=title,
        templates=("invoice_copy.txt.j2", "invoice_copy.html.j2"),
        context=context,
        locale=locale,
        templates_dir=templates_dir,
        message_id=message_id,
        now=now,
        auto_submitted="auto-replied" if in_reply_to else "auto-generated",
        in_reply_to=in_reply_to,
        references=references,
    )
    for copy, pdf in zip(copies, pdfs, strict=True):
        attach_pdf(msg, pdf, filename=f"invoice-{copy.number}.pdf")
    return msg


#: The templates of each reply kind without attachments: (text, HTML).
REPLY_TEMPLATES: dict[str, tuple[str, str]] = {
    "balance": ("balance.txt.j2", "balance.html.j2"),
    "dispute_ack": ("dispute_ack.txt.j2", "dispute_ack.html.j2"),
    "promise_ack": ("promise_ack.txt.j2", "promise_ack.html.j2"),
    "request_received": ("request_received.txt.j2", "request_received.html.j2"),
}


def reply_subject(original: str | None, *, fallback: str) -> str:
    """``Re: <original>`` (one ``Re:``, cleaned), or ``fallback`` without an original."""
    cleaned = clean_header(original or "")
    if not cleaned:
        return fallback
    return cleaned if cleaned.lower().startswith("re:") else f"Re: {cleaned}"


def compose_reply(
    template: str,
    context: dict[str, Any],
    *,
    sender: str,
    company_name: str,
    to: Sequence[str],
    subject: str | None,
    in_reply_to: str | None,
    references: str | None,
    message_id: str,
    now: datetime,
    templates_dir: Path | None = None,
    locale: str = DEFAULT_LOCALE,
) -> EmailMessage:
    """A reply of kind ``template`` (a key of :data:`REPLY_TEMPLATES`) rendered with
    ``context`` (plus ``company_name``) in ``locale``: threaded on the request, ``Re:`` its
    subject (without one: ``<template>.subject.j2``), ``Auto-Submitted: auto-replied``."""
    context = {**context, "company_name": company_name}
    fallback = render_subject(
        f"{template}.subject.j2", context, locale=locale, templates_dir=templates_dir
    )
    return _document_message(
        sender=sender,
        company_name=company_name,
        to=to,
        subject=reply_subject(subject, fallback=fallback),
        templates=REPLY_TEMPLATES[template],
        context=context,
        locale=locale,
        templates_dir=templates_dir,
        message_id=message_id,
        now=now,
        auto_submitted="auto-replied",
        in_reply_to=in_reply_to,
        references=references,
    )


def _document_message(
    *,
    sender: str,
    company_name: str,
    to: Sequence[str],
    subject: str,
    templates: tuple[str, str],
    context: dict[str, Any],
    locale: str,
    templates_dir: Path | None,
    message_id: str,
    now: datetime,
    auto_submitted: AutoSubmitted,
    in_reply_to: str | None = None,
    references: str | None = None,
) -> EmailMessage:
    recipients = sorted({clean_address(address).lower() for address in to})
    if not recipients:
        raise ValueError("a document mail needs at least one recipient")
    text = render(templates[0], context, locale=locale, templates_dir=templates_dir)
    html = render(templates[1], context, locale=locale, templates_dir=templates_dir)
    msg = EmailMessage()
    local, _, domain = clean_address(sender).partition("@")
    msg["From"] = Address(display_name=clean_header(company_name), username=local, domain=domain)
    msg["To"] = tuple(
        Address(username=r.partition("@")[0], domain=r.partition("@")[2]) for r in recipients
    )
    msg["Subject"] = clean_header(subject)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = clean_header(message_id)
    # RFC 3834: our mail is automatic, so well-behaved responders stay quiet.
    msg["Auto-Submitted"] = auto_submitted
    msg["X-Auto-Response-Suppress"] = "All"
    if in_reply_to:
        msg["In-Reply-To"] = clean_header(in_reply_to)
        msg["References"] = clean_header(f"{references or ''} {in_reply_to}")
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg

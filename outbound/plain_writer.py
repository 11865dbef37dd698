"""Automatic plain-text replies written straight to the bytes the outbox stores. Pure: no IO.

An acknowledgement is composed inside the transaction that posts its remittance (issue 18:
everything computed there lengthens the write lock). Built as an ``EmailMessage`` and written
with ``policy.SMTP``, most of its cost is the header registry parsing back the values just
set. For the usual reply (ASCII throughout, every header line short enough not to fold, plain
addresses, body lines of at most 78 characters) :func:`write_plain_reply` writes the very
bytes :func:`outbound.compose.plain_message` and :func:`outbound.outbox.render_for_outbox`
would; for anything else it returns None and the caller takes that path
(``tests/unit/outbound/test_plain_writer.py`` compares the two, byte for byte).
"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path

from core.locales import DEFAULT_LOCALE, language_of
from outbound.compose import (
    Acknowledgement,
    acknowledgement_body,
    acknowledgement_subject,
    clean_address,
    clean_header,
    compose_acknowledgement,
)
from outbound.outbox import RenderedMail, render_for_outbox

#: Longest header line and body line written as they are (``policy.SMTP.max_line_length``).
MAX_LINE = 78
#: A display name the header registry writes unquoted: atext words, single spaces.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?: [A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
#: A display name with specials (``Example Supplies Co.``, ``ACME, Inc.``) the header registry
#: writes as one quoted string: printable ASCII words between single spaces, no quote or
#: backslash to escape.
_QUOTABLE_NAME = re.compile(r"[!#-\[\]-~]+(?: [!#-\[\]-~]+)*")
#: A dot-atom address the header registry writes as it is.
_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)
_PLAIN_MESSAGE_ID = re.compile(r"<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+>")
#: A header value written as it is: printable ASCII words between single spaces.
_PLAIN_TEXT = re.compile(r"[!-~]+(?: [!-~]+)*")


def write_plain_reply(
    *,
    sender: str,
    company_name: str,
    to: str,
    subject: str,
    body: str,
    message_id: str,
    in_reply_to: str | None,
    references: str | None,
    now: datetime,
) -> RenderedMail | None:
    """The automatic reply :func:`outbound.compose.plain_message` makes, as the outbox stores
    it; None when its headers or body are not plain enough to write directly."""
    from_address, to_address = clean_address(sender), clean_address(to)
    name, title, msg_id = (
        clean_header(company_name),
        clean_header(subject),
        clean_header(message_id),
    )
    display = _display_name(name)
    if not (
        display is not None
        and _PLAIN_ADDRESS.fullmatch(from_address)
        and _PLAIN_ADDRESS.fullmatch(to_address)
        and _PLAIN_MESSAGE_ID.fullmatch(msg_id)
        and _PLAIN_TEXT.fullmatch(title)
    ):
        return None
    head = [
        f"From: {display} <{from_address}>",
        f"To: {to_address}",
        f"Subject: {title}",
        f"Date: {format_datetime(now)}",
        f"Message-ID: {msg_id}",
        "Auto-Submitted: auto-replied",
        "X-Auto-Response-Suppress: All",
    ]
    if in_reply_to:
        parent = clean_header(in_reply_to)
        refs = clean_header(f"{references or ''} {in_reply_to}")
        if not (_PLAIN_TEXT.fullmatch(parent) and _PLAIN_TEXT.fullmatch(refs)):
            return None
        head += [f"In-Reply-To: {parent}", f"References: {refs}"]
    text = _plain_body(body)
    if text is None or any(len(line) > MAX_LINE for line in head):
        return None
    head += [
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: 7bit",
        "MIME-Version: 1.0",
    ]
    raw = "\r\n".join(head) + "\r\n\r\n" + text
    return RenderedMail(
        message_id=msg_id,
        sender=from_address,
        recipients=(to_address.lower(),),
        subject=title,
        raw=raw.encode("ascii"),
    )


def render_acknowledgement(
    ack: Acknowledgement,
    *,
    sender: str,
    company_name: str,
    to: str,
    subject: str,
    in_reply_to: str | None,
    references: str | None,
    message_id: str,
    now: datetime,
    locale: str = DEFAULT_LOCALE,
    templates_dir: Path | None = None,
) -> RenderedMail:
    """:func:`outbound.compose.compose_acknowledgement` as the outbox stores it. Written
    directly for an English locale only (the usual reply); any other language goes through
    the composer."""
    if language_of(locale) == "en":
        fast = write_plain_reply(
            sender=sender,
            company_name=company_name,
            to=to,
            subject=acknowledgement_subject(subject, locale=locale, templates_dir=templates_dir),
            body=acknowledgement_body(
                ack, company_name=company_name, locale=locale, templates_dir=templates_dir
            ),
            message_id=message_id,
            in_reply_to=in_reply_to,
            references=references,
            now=now,
        )
        if fast is not None:
            return fast
    message = compose_acknowledgement(
        ack,
        sender=sender,
        company_name=company_name,
        to=to,
        subject=subject,
        in_reply_to=in_reply_to,
        references=references,
        message_id=message_id,
        now=now,
        locale=locale,
        templates_dir=templates_dir,
    )
    return render_for_outbox(message)


def _display_name(name: str) -> str | None:
    """``name`` as the From header shows it: as it is, or quoted when it holds specials; None
    when the header registry would write it another way."""
    if _PLAIN_NAME.fullmatch(name):
        return name
    if _QUOTABLE_NAME.fullmatch(name):
        return f'"{name}"'
    return None


def _plain_body(body: str) -> str | None:
    """``body`` with CRLF line ends and a final one, as ``set_content`` writes an ASCII text
    of short lines in 7bit; None for any other text (non-ASCII, long lines, a CR)."""
    if not body.isascii() or "\r" in body:
        return None
    lines = body.split("\n")
    if lines[-1] == "":
        lines.pop()
    if any(len(line) > MAX_LINE for line in lines):
        return None
    if not lines:
        return "\r\n"
    return "".join(line + "\r\n" for line in lines)

"""Build outbound mails as ``EmailMessage`` objects. Pure: no IO.

Every header value that comes from inbound mail or the database goes through
:func:`clean_header`: this Python (3.11.7) has CVE-2024-6923, where an encoded newline in a
header value can come out as a real header line (an injected ``Bcc:``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from core.locales import DEFAULT_LOCALE
from core.types import AckLine
from outbound.templating import render, render_subject

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def clean_header(value: str, *, max_length: int = 900) -> str:
    """``value`` with every line break and control character replaced by a space, and every
    RFC 2047 encoded-word opener ``=?`` broken up (``= ?``): the header classes decode encoded
    words in the values we set, so ``=?utf-8?q?x=0ABcc:_e@x?=`` would come back as a newline
    that this Python writes out as a real ``Bcc:`` line (CVE-2024-6923)."""
    return _CONTROL.sub(" ", value).replace("=?", "= ?").strip()[:max_length]


def clean_address(value: str) -> str:
    """A bare ``local@domain`` address, or raise ``ValueError``."""
    value = clean_header(value)
    if not re.fullmatch(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+", value):
        raise ValueError(f"not a plain e-mail address: {value!r}")
    return value


def attach_pdf(message: EmailMessage, data: bytes, *, filename: str) -> None:
    """Attach the PDF ``data`` to ``message`` as ``filename`` (reduced to ``[A-Za-z0-9._-]``)."""
    safe = (
        re.sub(r"[^A-Za-z0-9._-]+", "_", clean_header(filename, max_length=120)) or "document.pdf"
    )
    message.add_attachment(data, maintype="application", subtype="pdf", filename=safe)


def stable_message_id(key: str, *, domain: str) -> str:
    """A Message-ID that is the same every time for the same outbox ``key``."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<arbox.{digest}@{clean_header(domain)}>"


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """What a remittance acknowledgement says."""

    customer_name: str
    currency: str
    applied: tuple[AckLine, ...]
    in_review: tuple[AckLine, ...]


def compose_acknowledgement(
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
) -> EmailMessage:
    """The reply that tells a customer what was done with its remittance, in ``locale``."""
    return plain_message(
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


def acknowledgement_body(
    ack: Acknowledgement,
    *,
    company_name: str,
    locale: str = DEFAULT_LOCALE,
    templates_dir: Path | None = None,
) -> str:
    """The text of the acknowledgement in ``locale``."""
    context = {"ack": ack, "company_name": company_name}
    return render("acknowledgement.txt.j2", context, locale=locale, templates_dir=templates_dir)


def acknowledgement_subject(
    subject: str, *, locale: str = DEFAULT_LOCALE, templates_dir: Path | None = None
) -> str:
    """The acknowledgement's subject: ``Re:`` the remittance's (cleaned), else the
    ``acknowledgement.subject.j2`` of ``locale``."""
    original = clean_header(subject)
    if original:
        return original if original.lower().startswith("re:") else f"Re: {original}"
    return render_subject(
        "acknowledgement.subject.j2", {}, locale=locale, templates_dir=templates_dir
    )


def plain_message(
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
    automatic: bool = True,
) -> EmailMessage:
    """A text mail from us, every header cleaned and threaded on ``in_reply_to``.
    ``automatic`` marks it ``Auto-Submitted: auto-replied`` (RFC 3834); a person's reply
    from the review app is not."""
    msg = EmailMessage()
    local, _, domain = clean_address(sender).partition("@")
    msg["From"] = Address(display_name=clean_header(company_name), username=local, domain=domain)
    rlocal, _, rdomain = clean_address(to).partition("@")
    msg["To"] = Address(username=rlocal, domain=rdomain)
    msg["Subject"] = clean_header(subject)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = clean_header(message_id)
    if automatic:  # RFC 3834: so that well-behaved responders stay quiet
        msg["Auto-Submitted"] = "auto-replied"
        msg["X-Auto-Response-Suppress"] = "All"
    if in_reply_to:
        msg["In-Reply-To"] = clean_header(in_reply_to)
        refs = clean_header(f"{references or ''} {in_reply_to}")
        msg["References"] = refs
    msg.set_content(body)
    return msg

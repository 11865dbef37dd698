"""The mail of a review item as the item page shows it: headers, text body, the HTML body
sanitized (:mod:`review.sanitize`; shown in a sandboxed frame of its own), attachments, and
the pages of its PDFs and its images (scans, photos) as images (:mod:`review.pages`) numbered
across those attachments (page 4 is the first page of the second PDF when the first has
three)."""

from __future__ import annotations

import dataclasses
import email
import email.policy
from dataclasses import dataclass
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Protocol

from core.types import Attachment
from parsers.mime import parse_email
from parsers.ocr_images import scan_kind
from review.pages import PageLimits, Rendered, render_pdf
from review.sanitize import mail_document, sanitize_html

#: The longest text body shown (the rest is cut with a note).
MAX_TEXT_CHARS = 200_000
#: PDF and image attachments of one mail rendered at most (each may take the renderer's time
#: limit).
MAX_PDFS = 3


class PageRenderer(Protocol):
    """Renders one PDF's pages, or with ``image`` an image's frames (``render_pdf`` with the
    app's cache directory)."""

    def __call__(self, data: bytes, *, image: bool = False) -> Rendered: ...


@dataclass(frozen=True, slots=True)
class AttachmentView:
    """One attachment: name, type, size; for a PDF or an image its page numbers or why none
    render."""

    index: int
    filename: str
    content_type: str
    size: int
    is_pdf: bool
    pages: tuple[int, ...] = ()
    total_pages: int = 0
    reason: str | None = None
    #: A scan or photo (PNG, JPEG, TIFF, HEIC), shown as pages like a PDF.
    is_image: bool = False


@dataclass(frozen=True, slots=True)
class MailView:
    """What the page shows of the mail. ``html`` is already sanitized markup (or None)."""

    message_id: str
    subject: str
    from_address: str
    from_name: str
    date: str
    to: str
    text: str
    html: str | None
    attachments: tuple[AttachmentView, ...]
    defects: tuple[str, ...]

    @property
    def html_document(self) -> str | None:
        """``html`` as the whole document of the sandboxed frame the page shows it in."""
        return mail_document(self.html) if self.html is not None else None


def renderer(data_dir: Path, limits: PageLimits | None = None) -> PageRenderer:
    """A page renderer caching under ``<data_dir>/pages``."""
    cache = data_dir / "pages"

    def render(data: bytes, *, image: bool = False) -> Rendered:
        return render_pdf(data, cache_dir=cache, limits=limits, image=image)

    return render


def is_pdf(attachment: Attachment) -> bool:
    """Whether an attachment is a PDF by its type, its name or its first bytes."""
    name = (attachment.filename or "").lower()
    return (
        attachment.content_type == "application/pdf"
        or name.endswith(".pdf")
        or attachment.data[:5] == b"%PDF-"
    )


def is_image(attachment: Attachment) -> bool:
    """Whether an attachment is a scan or photo the page shows (PNG, JPEG, TIFF, HEIC): what
    OCR would read (:func:`parsers.ocr_images.scan_kind`), PDFs aside."""
    return not is_pdf(attachment) and scan_kind(attachment) is not None


def mail_view(raw: bytes, *, pages: PageRenderer | None) -> MailView:
    """The mail ``raw`` for the page; with ``pages``, its PDFs rendered (cached). A mail the
    parser cannot read is shown by its headers and sanitized HTML, with the reason."""
    try:
        parsed = parse_email(raw)
    except Exception as e:
        return _unparsed_view(raw, reason=type(e).__name__)
    views: list[AttachmentView] = []
    next_page = 1
    pdfs = 0
    for index, att in enumerate(parsed.attachments):
        pdf = is_pdf(att)
        image = is_image(att)
        pdfs += pdf or image
        view = AttachmentView(
            index=index,
            filename=att.filename or f"attachment {index + 1}",
            content_type=att.content_type,
            size=len(att.data),
            is_pdf=pdf,
        )
        if (pdf or image) and pages is not None and pdfs > MAX_PDFS:
            view = dataclasses.replace(
                view, reason=f"only the first {MAX_PDFS} PDFs and images are shown"
            )
        elif (pdf or image) and pages is not None:
            done = pages(att.data, image=image)
            numbers = tuple(range(next_page, next_page + len(done.pages)))
            next_page += len(done.pages)
            view = AttachmentView(
                index=index,
                filename=view.filename,
                content_type=view.content_type,
                size=view.size,
                is_pdf=pdf,
                is_image=image,
                pages=numbers,
                total_pages=done.total,
                reason=done.reason,
            )
        views.append(view)
    text = parsed.text
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS] + "\n[… the rest of the text is not shown]"
    html = html_body(raw)
    return MailView(
        message_id=parsed.message_id or "",
        subject=parsed.subject,
        from_address=parsed.from_address or "",
        from_name=parsed.from_name,
        date=parsed.date or "",
        to=parsed.header("To") or "",
        text=text,
        html=sanitize_html(html) if html else None,
        attachments=tuple(views),
        defects=parsed.defects,
    )


def page_png(raw: bytes, number: int, *, pages: PageRenderer) -> Path | None:
    """The PNG of page ``number`` (counted over the mail's PDFs and images), or None."""
    if number < 1:
        return None
    seen = 0
    shown = [att for att in parse_email(raw).attachments if is_pdf(att) or is_image(att)]
    for att in shown[:MAX_PDFS]:
        done = pages(att.data, image=is_image(att))
        if number <= seen + len(done.pages):
            return done.pages[number - seen - 1]
        seen += len(done.pages)
    return None


def html_body(raw: bytes) -> str | None:
    """The first inline ``text/html`` part of the mail, decoded; None without one."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    for part in msg.walk():
        if part.get_content_type() != "text/html" or part.is_multipart():
            continue
        if (part.get("Content-Disposition") or "").lower().startswith("attachment"):
            continue
        return _decoded(part)
    return None


def _decoded(part: Message) -> str:
    """A text part as str; a broken charset or transfer encoding gives replacement marks."""
    if isinstance(part, EmailMessage):
        try:
            content = part.get_content()
        except (LookupError, ValueError, AssertionError):  # KeyError on some broken parts
            content = None
        if isinstance(content, str):
            return content
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _unparsed_view(raw: bytes, *, reason: str) -> MailView:
    """What the page shows of a mail :func:`parsers.mime.parse_email` raised on: the stdlib's
    reading of its headers, no text, the HTML body sanitized, no attachments."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)

    def header(name: str) -> str:
        value = msg.get(name)
        return " ".join(str(value).split())[:500] if value is not None else ""

    html = html_body(raw)
    return MailView(
        message_id=header("Message-ID"),
        subject=header("Subject"),
        from_address=header("From"),
        from_name="",
        date=header("Date"),
        to=header("To"),
        text=f"[the text of this mail could not be read ({reason}); see the HTML below]",
        html=sanitize_html(html) if html else None,
        attachments=(),
        defects=(f"unreadable: {reason}",),
    )

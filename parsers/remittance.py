"""Find the remittance advice in a parsed mail: PDF attachments, then the text body, then the
HTML body. Pure: no IO.

A remittance read from a PDF wins over one in the body (the PDF is the payer's document; the
body usually just says "please find attached"). Unreadable documents are recorded as
problems (``"invoice.pdf: needs password"``) for the review queue; other errors propagate.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from core.errors import UnreadableDocumentError
from core.types import Attachment, ParsedEmail, Remittance
from parsers.remittance_pdf import parse_pdf_remittance
from parsers.remittance_text import parse_text_remittance

PDF_TYPES = frozenset({"application/pdf", "application/x-pdf", "application/acrobat"})


@dataclass(frozen=True, slots=True)
class Extraction:
    """The remittance found in a mail (or None) and the documents that could not be read."""

    remittance: Remittance | None
    problems: tuple[str, ...]


def is_pdf_attachment(attachment: Attachment) -> bool:
    """Whether ``attachment`` is (or claims to be) a PDF: by type, file name or content."""
    name = (attachment.filename or "").lower()
    return (
        attachment.content_type in PDF_TYPES
        or name.endswith(".pdf")
        or attachment.data[:1024].lstrip().startswith(b"%PDF")
    )


def extract_remittance(parsed: ParsedEmail) -> Extraction:
    """The remittance of ``parsed``: from the first PDF attachment that has one, else from the
    text body, else from the HTML body.

    Raises:
        Nothing of its own: :class:`UnreadableDocumentError` becomes a problem string.
    """
    problems: list[str] = []
    for number, attachment in enumerate(parsed.attachments, start=1):
        if not is_pdf_attachment(attachment):
            continue
        name = attachment.filename or f"attachment {number}"
        try:
            remittance = parse_pdf_remittance(
                attachment.data,
                filename=attachment.filename,
                sender_name=parsed.from_name or None,
            )
        except UnreadableDocumentError as e:
            problems.append(f"{name}: {e.reason}")
            continue
        if remittance is not None and remittance.lines:
            return Extraction(remittance=remittance, problems=tuple(problems))
    for text, source in ((parsed.text, "body"), (parsed.html_text, "html")):
        remittance = parse_text_remittance(text) if text.strip() else None
        if remittance is not None:
            return Extraction(
                remittance=dataclasses.replace(remittance, source=source),
                problems=tuple(problems),
            )
    return Extraction(remittance=None, problems=tuple(problems))

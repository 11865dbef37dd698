"""Remittances in machine-readable files attached to a mail: the readers of EDI and ISO 20022
documents, tried before PDFs and spreadsheets (their figures are exact). Pure: no IO.

Each reader is a pair: whether an attachment is its kind of file (by content type, file name
or its first bytes), and the reading of its bytes into a :class:`~core.types.Remittance` (None
when the file holds no remittance lines). A file of the reader's kind that cannot be read
raises :class:`~core.errors.UnreadableDocumentError` with the reason; it becomes a problem the
review item shows, and the other attachments are still tried.
"""

from __future__ import annotations

from collections.abc import Callable

from core.errors import UnreadableDocumentError
from core.types import Attachment, ParsedEmail, Remittance
from parsers.edi import is_edi_attachment, read_edi_remittance
from parsers.iso20022_remittance import is_iso20022_remittance, parse_iso20022_remittance

#: Whether an attachment is a reader's kind of file.
Recognises = Callable[[Attachment], bool]
#: The remittance in a file's bytes (None without lines).
Reads = Callable[[bytes], Remittance | None]

#: The readers, in the order they are tried.
READERS: tuple[tuple[Recognises, Reads], ...] = (
    (is_edi_attachment, read_edi_remittance),  # X12 820, EDIFACT REMADV
    (is_iso20022_remittance, parse_iso20022_remittance),  # remt.001, camt.054
)


def structured_remittance(parsed: ParsedEmail, problems: list[str]) -> Remittance | None:
    """The remittance of the first attachment a reader recognises and finds lines in; the
    files that cannot be read are added to ``problems`` (``"remit.edi: <reason>"``)."""
    for number, attachment in enumerate(parsed.attachments, start=1):
        for recognises, read in READERS:
            if not recognises(attachment):
                continue
            try:
                remittance = read(attachment.data)
            except UnreadableDocumentError as e:
                problems.append(f"{attachment.filename or f'attachment {number}'}: {e.reason}")
                break
            if remittance is not None and remittance.lines:
                return remittance
            break
    return None

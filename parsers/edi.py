"""EDI remittance files attached to a mail: X12 820 and EDIFACT REMADV, told apart by their
first segment and read by :mod:`parsers.x12_820` or :mod:`parsers.edifact_remadv`. Pure: no
IO.

EDI files arrive as mail attachments only: a bare file has no sender, and arbox answers and
applies only for a customer's registered contact. An attachment is taken for EDI by its type
(``application/EDI-X12``, ``application/EDIFACT``), its name (``.edi``, ``.x12``, ``.820``) or,
for any other name (``.txt``) and type (``text/plain``), by its content starting with ``ISA``,
``UNA`` or ``UNB``. A file named or typed as EDI that is neither goes to a person with the
reason.
"""

from __future__ import annotations

from core.errors import UnreadableDocumentError
from core.types import Attachment, Remittance
from parsers.edifact_remadv import read_remadv
from parsers.x12_820 import read_x12_820

#: Content types of EDI files (RFC 1767), lower case.
EDI_TYPES = frozenset({"application/edi-x12", "application/edifact", "application/edi-consent"})
#: File name endings of EDI files.
EDI_SUFFIXES = (".edi", ".x12", ".820", ".edifact", ".remadv")
#: The largest EDI file read: 2 MiB holds an 820 of some 30,000 invoices, and pydifact's
#: tokenizer reads about 1 MiB a second, well inside the parse child's time limit.
MAX_EDI_BYTES = 2 * 1024 * 1024

_STARTS = (b"ISA", b"UNA", b"UNB")


def is_edi_attachment(attachment: Attachment) -> bool:
    """Whether ``attachment`` is (or claims to be) an EDI file."""
    name = (attachment.filename or "").lower()
    return (
        attachment.content_type.lower() in EDI_TYPES
        or name.endswith(EDI_SUFFIXES)
        or _start(attachment.data).startswith(_STARTS)
    )


def read_edi_remittance(data: bytes) -> Remittance | None:
    """The remittance of an X12 820 or EDIFACT REMADV file (None when it has no lines).

    Raises:
        UnreadableDocumentError: too large, neither kind, or malformed (the reason names the
            segment and its position).
    """
    if len(data) > MAX_EDI_BYTES:
        raise UnreadableDocumentError(
            f"EDI file of {len(data):,} bytes: more than the {MAX_EDI_BYTES:,} read"
        )
    text = _decode(_start(data, len(data)))
    if text.startswith("ISA"):
        return read_x12_820(text)
    if text.startswith(("UNA", "UNB")):
        return read_remadv(text)
    raise UnreadableDocumentError(
        "neither an X12 interchange (ISA) nor an EDIFACT one (UNA/UNB) at the start of the file"
    )


def _start(data: bytes, size: int = 1024) -> bytes:
    """The file's first ``size`` bytes without a byte-order mark and leading white space."""
    return data[:size].removeprefix(b"\xef\xbb\xbf").lstrip()


def _decode(data: bytes) -> str:
    # X12 and EDIFACT's UNOA/UNOB are ASCII, UNOC Latin-1, UNOW UTF-8: UTF-8 when it is
    # that, else Latin-1 (which any byte is)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")

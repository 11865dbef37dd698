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
#: The largest X12 file read: 1 MiB holds an 820 of some 25,000 invoices; the worst file of
#: that size (all one-element segments) takes about 0.6 s on an idle machine, well inside the
#: parse child's time limit (``ARBOX_PARSE_TIMEOUT_SECONDS``, 8 s by default) on a busy one.
MAX_X12_BYTES = 1024 * 1024
#: The largest EDIFACT file read: 512 KiB holds a REMADV of some 15,000 invoices. pydifact's
#: tokenizer takes each character in Python: the worst 512 KiB (one element of components)
#: takes about 0.7 s on an idle machine, and five times that was seen on a busy one.
MAX_EDIFACT_BYTES = 512 * 1024

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
    start = _start(data)
    if start.startswith(b"ISA"):
        return read_x12_820(_decode(_start(_within(data, MAX_X12_BYTES, "X12"), len(data))))
    if start.startswith((b"UNA", b"UNB")):
        return read_remadv(_decode(_start(_within(data, MAX_EDIFACT_BYTES, "EDIFACT"), len(data))))
    raise UnreadableDocumentError(
        "neither an X12 interchange (ISA) nor an EDIFACT one (UNA/UNB) at the start of the file"
    )


def _within(data: bytes, limit: int, kind: str) -> bytes:
    if len(data) > limit:
        raise UnreadableDocumentError(
            f"{kind} file of {len(data):,} bytes: more than the {limit:,} arbox reads"
        )
    return data


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

"""Raw RFC 5322 bytes to a :class:`~core.types.ParsedEmail`. Pure: no IO.

The stdlib parser (``policy.default``) never raises on a message, but reading a part can:
``get_content()`` raised KeyError on 13 parts of 8 in 96 torture/malformed messages
(measured), and header values can fail to parse. Every such access is guarded here, with a
fallback to the raw payload decoded leniently, so :func:`parse_email` never raises on any
input. Header values are decoded and stripped of CR/LF (CVE-2024-6923: an encoded newline in
a Subject copied into a reply header becomes a real header line).
"""

from __future__ import annotations

import email
import email.errors
import email.parser
import email.policy
import functools
import re
from dataclasses import dataclass, field
from email.message import Message
from email.utils import parseaddr

from core.types import Attachment, ParsedEmail
from parsers.html_text import MAX_LINKS, html_to_text_and_links
from parsers.sender import FromHeader, read_from

#: Parts walked at most; a message with more is cut off with a defect.
MAX_PARTS = 1000
#: Multipart nesting walked at most.
MAX_DEPTH = 30
#: Largest decoded attachment read; a larger one rejects the mail.
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
#: Content types kept as attachments even without a filename or disposition.
ATTACHMENT_TYPES = frozenset(
    {
        "application/pdf",
        "application/x-pdf",
        "text/csv",
        "application/csv",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
)
#: What reading a malformed part or header raises in the stdlib email package (KeyError and
#: LookupError for unknown content managers and charsets, ValueError/UnicodeError for bad
#: encodings, HeaderParseError, and the odd TypeError/AttributeError/AssertionError deep in
#: the header parser).
_EMAIL_ERRORS = (
    LookupError,
    ValueError,
    OverflowError,
    TypeError,
    AttributeError,
    AssertionError,
    email.errors.MessageError,
)
#: A run of digits long enough to trip the stdlib's header parser: it int()s RFC 2231
#: section numbers (``name*<digits>=``) and raises past 4,300 digits while parsing.
_LONG_DIGITS_RE = re.compile(rb"[0-9]{100,}")
#: Every character that str.splitlines() treats as a line break, plus NUL.
_LINE_BREAKS_RE = re.compile(r"[\r\n\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
#: Header values longer than this are parsed on every read and never kept: a kept value
#: keeps its parse tree too (an address list of 200 characters: about 0.1 MB), so the 64
#: values kept stay a few MB in a parse child whatever it reads.
MEMO_MAX_CHARS = 200


class _MemoPolicy(email.policy.EmailPolicy):
    """``policy.default`` that keeps what it made of a header value and gives it again for
    the same name and value. The stdlib parses a header on every read: a mail's
    Content-Type was parsed 12 times (``get_content_type``, ``get_param``, ...), and header
    parsing was most of the cost of :func:`parse_email` (measured: bench/read_mail.py).
    A parsed header is an immutable ``str`` subclass and the parse a pure function of name
    and value, so the values read are those of ``policy.default``
    (tests/unit/parsers/test_mime_policy.py compares both on the mail corpora)."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        if hasattr(value, "name") or len(value) > MEMO_MAX_CHARS:
            return email.policy.default.header_fetch_parse(name, value)  # type: ignore[no-any-return]
        return _header_fetch_parse(name, value)


@functools.lru_cache(maxsize=64)
def _header_fetch_parse(name: str, value: str) -> str:
    """``policy.default``'s parse of one header (errors are raised, never kept)."""
    return email.policy.default.header_fetch_parse(name, value)  # type: ignore[no-any-return]


#: How every mail is parsed: ``policy.default``, each header value parsed once.
POLICY: email.policy.EmailPolicy = _MemoPolicy()


def clean_header_value(value: str) -> str:
    """``value`` with line breaks replaced by a space and outer whitespace stripped."""
    return _LINE_BREAKS_RE.sub(" ", value).strip()


@dataclass
class _Walk:
    """Mutable state of one walk over the MIME tree."""

    max_parts: int
    max_depth: int
    max_attachment_bytes: int
    parts: int = 0
    limit_exceeded: str | None = None
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)

    def defect(self, text: str) -> None:
        if text not in self.defects:
            self.defects.append(text)

    def exceeded(self, reason: str) -> None:
        """Record the first limit broken; the walk stops adding content."""
        if self.limit_exceeded is None:
            self.limit_exceeded = reason
            self.defect(reason)


def parse_email(
    raw: bytes,
    *,
    max_parts: int = MAX_PARTS,
    max_depth: int = MAX_DEPTH,
    max_attachment_bytes: int = MAX_ATTACHMENT_BYTES,
) -> ParsedEmail:
    """Parse ``raw`` into the parts arbox reads. Never raises.

    A mail past a limit is still returned, with ``limit_exceeded`` saying which limit and by
    how much; what lies past the limit is not read.

    Args:
        raw: the message as received (RFC 5322 bytes).
        max_parts: MIME parts read at most.
        max_depth: multipart nesting read at most.
        max_attachment_bytes: largest decoded attachment read.
    """
    if raw.count(b"\n--") > max_parts and _count_parts(raw) > max_parts:
        # The modern policy takes seconds per thousand parts: count them the cheap way
        # first and read only the headers of a mail that is over the limit anyway.
        walk = _Walk(max_parts=max_parts, max_depth=0, max_attachment_bytes=0)
        walk.exceeded(f"more than {max_parts} MIME parts")
        headers_only = email.parser.BytesHeaderParser(policy=POLICY)
        try:
            return _parsed(headers_only.parsebytes(raw), walk)
        except _EMAIL_ERRORS:
            return _parsed(email.message_from_bytes(b"", policy=POLICY), walk)
    msg = _message_from_bytes(raw)
    if msg is None:
        walk = _Walk(max_parts=max_parts, max_depth=0, max_attachment_bytes=0)
        walk.exceeded("the MIME structure cannot be read (the stdlib parser fails on it)")
        return _parsed(email.message_from_bytes(b"", policy=POLICY), walk)
    walk = _Walk(
        max_parts=max_parts, max_depth=max_depth, max_attachment_bytes=max_attachment_bytes
    )
    _walk_part(msg, 0, walk)
    return _parsed(msg, walk)


def _message_from_bytes(raw: bytes) -> Message | None:
    """``raw`` parsed with ``policy.default``; None when even that raises. It does, despite
    the stdlib's promise: a 4,301-digit RFC 2231 section number in a part's Content-Type
    raises ValueError inside the parser (issue 19). Such runs of digits are cut short and
    the mail parsed again before giving up."""
    for data in (raw, _LONG_DIGITS_RE.sub(lambda m: m[0][:99], raw)):
        try:
            return email.message_from_bytes(data, policy=POLICY)
        except _EMAIL_ERRORS:
            continue
    return None


def _parsed(msg: Message, walk: _Walk) -> ParsedEmail:
    """The ParsedEmail of ``msg`` as ``walk`` read it."""
    headers = _headers(msg, walk)
    first: dict[str, str] = {}
    for name, value in headers:
        first.setdefault(name.lower(), value)
    froms = sum(1 for key, _ in msg.raw_items() if key.lower() == "from")
    sender = (
        read_from(_first_raw(msg, "from"))
        if froms <= 1
        # RFC 5322 allows one From; a second says nothing about which is true (issue 19)
        else FromHeader(address=None, name="", problem=f"{froms} From headers")
    )
    _, reply_to = _address(first.get("reply-to"))
    return ParsedEmail(
        message_id=first.get("message-id") or None,
        subject=first.get("subject", ""),
        from_address=sender.address,
        from_name=sender.name,
        reply_to=reply_to,
        return_path=first.get("return-path"),
        date=first.get("date"),
        headers=headers,
        text="\n".join(walk.texts),
        html_text="\n".join(walk.htmls),
        attachments=tuple(walk.attachments),
        content_type=_content_type(msg),
        defects=tuple(walk.defects),
        limit_exceeded=walk.limit_exceeded,
        from_problem=sender.problem if first.get("from") else None,
        links=tuple(walk.links),
    )


def _first_raw(msg: Message, name: str) -> str | None:
    """The first ``name`` header of ``msg`` as received (encoded words not decoded)."""
    for key, value in msg.raw_items():
        if key.lower() == name:
            return _unescape(str(value))
    return None


def _count_parts(raw: bytes) -> int:
    """The number of MIME parts of ``raw``, parsed with the fast legacy policy."""
    return sum(1 for _ in email.message_from_bytes(raw, policy=email.policy.compat32).walk())


def _headers(msg: Message, walk: _Walk) -> tuple[tuple[str, str], ...]:
    """Every top-level header as decoded, single-line text."""
    out: list[tuple[str, str]] = []
    for name, raw_value in msg.raw_items():
        try:
            value = msg.policy.header_fetch_parse(name, raw_value)
            for defect in getattr(value, "defects", ()):
                walk.defect(f"{name}: {type(defect).__name__}")
            text = _unescape(str(value))
        except _EMAIL_ERRORS as e:
            walk.defect(f"{name}: unreadable header ({type(e).__name__})")
            text = _unescape(str(raw_value))
        out.append((clean_header_value(_unescape(name)), clean_header_value(text)))
    return tuple(out)


def _unescape(text: str) -> str:
    """Text with the parser's surrogate-escaped raw bytes decoded as UTF-8 (lenient)."""
    try:
        data = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        data = text.encode("utf-8", "replace")
    return data.decode("utf-8", "replace")


def _address(value: str | None) -> tuple[str, str | None]:
    """(display name, lower-cased bare address or None) of an address header value."""
    if not value:
        return "", None
    name, address = parseaddr(value)
    address = address.strip().lower()
    return name.strip(), address or None


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except _EMAIL_ERRORS:
        return "application/octet-stream"


def _walk_part(part: Message, depth: int, walk: _Walk) -> None:
    if walk.limit_exceeded is not None:
        return
    if walk.parts >= walk.max_parts:
        walk.exceeded(f"more than {walk.max_parts} MIME parts")
        return
    if depth > walk.max_depth:
        walk.exceeded(f"MIME parts nested more than {walk.max_depth} deep")
        return
    walk.parts += 1
    for defect in part.defects:
        walk.defect(type(defect).__name__)
    if part.is_multipart():  # also message/rfc822: its payload is [the enclosed message]
        payload = part.get_payload()
        for sub in payload if isinstance(payload, list) else ():
            if isinstance(sub, Message):
                _walk_part(sub, depth + 1, walk)
        return
    ctype = _content_type(part)
    filename, disposition = _filename_and_disposition(part, walk)
    if filename or disposition == "attachment" or ctype in ATTACHMENT_TYPES:
        data = _payload_bytes(part)
        if len(data) > walk.max_attachment_bytes:
            walk.exceeded(
                f"attachment {filename or ctype!r} of {len(data)} bytes exceeds the limit of "
                f"{walk.max_attachment_bytes}"
            )
            return
        walk.attachments.append(Attachment(filename=filename, content_type=ctype, data=data))
    elif ctype == "text/plain" or ctype.startswith("multipart/"):
        # A multipart without a usable boundary arrives as one leaf whose get_content()
        # raises KeyError; its raw text still holds what the sender wrote.
        walk.texts.append(_text_of(part, walk))
    elif ctype == "text/html":
        text, links = html_to_text_and_links(_text_of(part, walk))
        walk.htmls.append(text)
        walk.links += links[: MAX_LINKS - len(walk.links)]


def _filename_and_disposition(part: Message, walk: _Walk) -> tuple[str | None, str | None]:
    try:
        filename = part.get_filename()
        disposition = part.get_content_disposition()
    except _EMAIL_ERRORS as e:
        walk.defect(f"unreadable Content-Disposition ({type(e).__name__})")
        return None, None
    name = clean_header_value(str(filename)) if filename else None
    return name or None, disposition


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except _EMAIL_ERRORS:
        data = None
    return data if isinstance(data, bytes) else b""


def _text_of(part: Message, walk: _Walk) -> str:
    """The decoded text of a text/* part; falls back to the raw payload on any error."""
    try:
        content = part.get_content()  # type: ignore[attr-defined]  # EmailMessage API
    except _EMAIL_ERRORS as e:
        walk.defect(f"unreadable {_content_type(part)} part ({type(e).__name__})")
    else:
        if isinstance(content, str):
            return content
    data = _payload_bytes(part)
    try:
        charset = part.get_content_charset() or "utf-8"
    except _EMAIL_ERRORS:
        charset = "utf-8"
    try:
        return data.decode(charset, errors="replace")
    except (LookupError, ValueError):  # an unknown or malformed charset name ("utf\0-8", idna)
        return data.decode("utf-8", errors="replace")

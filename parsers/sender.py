"""Who a mail is from, read strictly: the From address arbox may act on, and what the
receiving mail server's ``Authentication-Results`` (RFC 8601) says about it. Pure: no IO.

The lenient readers take what an attacker writes for the address (issue 19, finding 8):
``parseaddr('payables@borealis.example <attacker@evil.test>')`` is
``payables@borealis.example``, and so is what ``email.headerregistry`` makes of it (with a
defect); an encoded word decodes into a display name holding ``:`` or a whole address. So a
From is an address only when ``policy.default`` reads it as exactly one mailbox, without a
defect, whose addr-spec is plain ASCII dot-atoms (no quoted local part, no encoded word,
written literally in the header), and when nothing else in the header (display name,
comment, decoded words) looks like another address. Anything else is an unknown sender:
:func:`read_from` gives no address and says why.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from email.headerregistry import Address, AddressHeader, HeaderRegistry

#: Longest From header value read; a real one is well under 1,000 characters.
MAX_FROM_CHARS = 2000
#: Longest addr-spec (RFC 5321: 64 + 1 + 255).
MAX_ADDRESS_CHARS = 320
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
#: A dot-atom local part at a domain of two or more LDH labels.
_ADDR_SPEC_RE = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+")
#: Anything in a From that reads as an address: ``x@y.z`` in a name, comment or decoded word.
_ADDRESS_LIKE_RE = re.compile(r"[^\s<>()\[\]\"',;:@]+@[^\s<>()\[\]\"',;:@]+\.[^\s<>()\[\]\"',;:@]+")
_HEADERS = HeaderRegistry()


@dataclass(frozen=True, slots=True)
class FromHeader:
    """The From of a mail as arbox may use it."""

    #: The lower-cased addr-spec, or None: an unknown sender (``problem`` says why).
    address: str | None
    #: The display name (decoded, one line), "" when none or not trusted.
    name: str
    #: Why the From gives no address; None when it does.
    problem: str | None = None


def read_from(raw_value: str | None) -> FromHeader:
    """The From header value ``raw_value`` (as received, encoded words undecoded) read
    strictly; see the module docstring. Never raises.

    >>> read_from("Borealis AP <payables@borealis.example>").address
    'payables@borealis.example'
    >>> read_from("payables@borealis.example <attacker@evil.test>").problem
    'From is malformed (InvalidHeaderDefect, ObsoleteHeaderDefect)'
    """
    if raw_value is None or not raw_value.strip():
        return FromHeader(address=None, name="", problem="no From")
    if len(raw_value) > MAX_FROM_CHARS:
        return FromHeader(address=None, name="", problem="From is too long")
    return _read_from(raw_value)


@functools.lru_cache(maxsize=256)
def _read_from(raw_value: str) -> FromHeader:
    """:func:`read_from` of a value of at most :data:`MAX_FROM_CHARS`, kept for the 256
    values read last: payers write their From the same way in every mail, and the stdlib's
    address parser was a tenth of the CPU of :func:`parsers.mime.parse_email`
    (bench/read_mail.py)."""
    try:
        header = _HEADERS("from", "".join(raw_value.splitlines()))  # unfolded, as the policy does
        if not isinstance(header, AddressHeader):  # cannot happen: From is an address header
            return FromHeader(address=None, name="", problem="From is no address header")
        defects = [type(d).__name__ for d in header.defects]
        groups = header.groups
        addresses: tuple[Address, ...] = header.addresses
        decoded = str(header)
    except Exception as e:  # the stdlib header parser raises all kinds (CR/LF: ValueError)
        return FromHeader(
            address=None, name="", problem=f"From does not parse ({type(e).__name__})"
        )
    if defects:
        return FromHeader(
            address=None, name="", problem=f"From is malformed ({', '.join(sorted(set(defects)))})"
        )
    if len(addresses) != 1 or any(g.display_name is not None for g in groups):
        return FromHeader(address=None, name="", problem=f"From names {len(addresses)} mailboxes")
    (mailbox,) = addresses
    spec = mailbox.addr_spec
    name = _one_line(mailbox.display_name)
    if (
        len(spec) > MAX_ADDRESS_CHARS
        or not _ADDR_SPEC_RE.fullmatch(spec)
        or "=?" in spec
        or spec.lower() not in raw_value.lower()  # came out of an encoded word
    ):
        return FromHeader(address=None, name="", problem="From address is not a plain address")
    address = spec.lower()
    written = _ADDRESS_LIKE_RE.findall(decoded) + _ADDRESS_LIKE_RE.findall(raw_value)
    others = {a.lower() for a in written} - {address}
    if others:
        return FromHeader(address=None, name="", problem="From names another address than its own")
    return FromHeader(address=address, name=name)


def _one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class DmarcVerdict:
    """What the receiving server said about the mail's DMARC alignment."""

    #: ``pass``, ``fail``, ``none``, ``temperror``, ``permerror``, …; None: nothing said.
    result: str | None
    #: The ``header.from`` domain the result is about (lower-cased), when given.
    header_from: str | None = None
    #: Why there is no result, or which header it came from.
    evidence: str = ""

    def passes_for(self, address: str | None) -> bool:
        """Whether DMARC passed for the domain of ``address``."""
        if self.result != "pass" or not address:
            return False
        domain = address.rpartition("@")[2].lower()
        return self.header_from is None or self.header_from == domain


#: Longest Authentication-Results value read.
MAX_AUTH_RESULTS_CHARS = 8000
_COMMENT_RE = re.compile(r"\([^()]*\)")
_DMARC_RE = re.compile(r"^dmarc\s*=\s*([A-Za-z]+)\b", re.IGNORECASE)
_HEADER_FROM_RE = re.compile(r"\bheader\.from\s*=\s*\"?([A-Za-z0-9.-]+)\"?", re.IGNORECASE)


def dmarc_verdict(headers: tuple[tuple[str, str], ...], *, authserv_id: str | None) -> DmarcVerdict:
    """The DMARC result of the topmost ``Authentication-Results`` header of ``headers`` (in
    the order received; the receiving server prepends its own), when that header is stamped
    by ``authserv_id`` (any, when None). A result further down was added before our server
    saw the mail, possibly by the sender, and is never read. Never raises.

    >>> dmarc_verdict((("Authentication-Results",
    ...     "mx.arbox.example; dmarc=pass header.from=borealis.example"),),
    ...     authserv_id="mx.arbox.example").result
    'pass'
    """
    value = next((v for k, v in headers if k.lower() == "authentication-results"), None)
    if value is None:
        return DmarcVerdict(result=None, evidence="no Authentication-Results")
    text = value[:MAX_AUTH_RESULTS_CHARS]
    for _ in range(5):  # nested comments, innermost first
        text = _COMMENT_RE.sub(" ", text)
    serv, _, rest = text.partition(";")
    server = (serv.split() or [""])[0].lower()  # the authserv-id, without a version
    if authserv_id is not None and server != authserv_id.strip().lower():
        return DmarcVerdict(
            result=None, evidence=f"topmost Authentication-Results is from {server!r}"
        )
    for resinfo in rest.split(";"):
        found = _DMARC_RE.match(resinfo.strip())
        if found:
            header_from = _HEADER_FROM_RE.search(resinfo)
            return DmarcVerdict(
                result=found[1].lower(),
                header_from=header_from[1].lower() if header_from else None,
                evidence=f"Authentication-Results of {server!r}",
            )
    return DmarcVerdict(result=None, evidence=f"no dmarc result from {server!r}")

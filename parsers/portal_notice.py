"""A payment notice whose invoices are listed only on the payer's AP platform. Pure: no IO.

AP platforms (SAP Business Network, Coupa, BILL, Tipalti, Paymode-X, …) tell a supplier that
a payment was made: a payment number, a date, an amount, and either the table of the invoices
paid or only a link ("View the remittance details online") to their portal. With the table,
the mail's body is read as any remittance (:mod:`parsers.remittance_text`). Without it there
is nothing to apply: :func:`link_only_problem` writes the reason a person reads instead::

    payment notice from Paymode-X on behalf of Calder Construction Co.: payment 4471-22 of
    $12,408.90 on 2026-11-30; the invoices paid are only listed on the portal (link, not
    opened): https://secure.paymode.example/pmx/remittance/view?pmt=4471-22…

The link is text: never fetched, never followed. Only an ``http``/``https`` address is shown
(cut at MAX_URL_CHARS, with spaces and control characters removed); a ``javascript:``,
``data:`` or other link is named by its scheme and not shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from core.errors import AmountFormatError
from core.money import parse_amount
from core.types import ParsedEmail
from parsers.payer_name import clean_sender_name
from parsers.payment_info import read_payment_info
from parsers.payment_prose import payer_in
from parsers.quoted_text import strip_quotes_and_signature

#: Characters of the mail read (a notice says what it has to say in its first screen).
MAX_CHARS = 50_000
#: Characters of a link's address shown in the reason.
MAX_URL_CHARS = 200
#: Words of a link (its text, or the line around an address) that lead to a payment's detail.
_DETAIL_RE = re.compile(
    r"\b(?:view|see|open|access|download|review|check)\b[^\n]{0,40}?"
    r"\b(?:remittance|payment|details?|invoices?|advice)\b"
    r"|\b(?:remittance|payment)\s+(?:details?|advice|information|info)\b"
    r"|\b(?:sign|log)\s*(?:in|on)\b",
    re.IGNORECASE,
)
#: Sentences that say the detail is not in the mail, but online.
_ONLINE_RE = re.compile(
    r"\b(?:online|portal|sign\s*in|log\s*in|your\s+account|on\s+the\s+network)\b", re.I
)
_URL_RE = re.compile(r"\b[a-z][a-z0-9+.-]{1,20}:[^\s<>\"']+", re.IGNORECASE)
_CURRENCY = r"(?:[$€£]|\b(?:USD|EUR|GBP|CHF|CAD|AUD|SEK|NOK|DKK|PLN|JPY)\b)"
_NUMBER = r"\d{1,3}(?:[,.'\u00a0 ]\d{3})*[.,]\d{2}|\d+[.,]\d{2}"
#: The amount of the payment: "Payment Amount: $12,408.90", "You've been paid $1,640.00".
_AMOUNT_RE = re.compile(
    r"\b(?:payment\s+amount|amount(?:\s+paid)?|remitted\s+amount|total(?:\s+paid)?"
    r"|net\s+amount|been\s+paid|paid\s+you)\b\s*[:|]?\s*"
    rf"(?P<amount>{_CURRENCY}\s?(?:{_NUMBER})|(?:{_NUMBER})\s?{_CURRENCY})",
    re.IGNORECASE,
)
_UNSAFE_URL_CHARS_RE = re.compile(r"[\s\x00-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def link_only_problem(parsed: ParsedEmail) -> str | None:
    """The review reason for ``parsed`` when it announces a payment (an amount) and points
    to its detail behind a link, with no remittance lines in it; None when it does not."""
    text = "\n".join(
        strip_quotes_and_signature(part[:MAX_CHARS]) for part in (parsed.text, parsed.html_text)
    )
    amount = _amount(f"{parsed.subject}\n{text}")
    link = _detail_link(parsed, text)
    if amount is None or link is None or not _ONLINE_RE.search(f"{text}\n{link[0]}"):
        return None
    info = read_payment_info(f"{parsed.subject}\n{text}")
    payer = payer_in(text, subject=parsed.subject) or info.payer_name
    platform = _platform(parsed)
    head = f"payment notice from {platform}"
    if payer and payer.casefold() != platform.casefold():
        head += f" on behalf of {payer}"
    payment = "payment" + (f" {info.payment_ref}" if info.payment_ref else "")
    payment += f" of {amount}"
    payment += f" on {info.payment_date.isoformat()}" if info.payment_date else ""
    return (
        f"{head}: {payment}; the invoices paid are only listed on the portal "
        f"(link, not opened): {_shown(link[1])}"
    )


def _amount(text: str) -> str | None:
    """The payment's amount as written ("$12,408.90", "12.408,90 EUR"), or None."""
    for m in _AMOUNT_RE.finditer(text):
        written = " ".join(m.group("amount").split())
        digits = re.sub(r"[^\d.,' ]", "", written).strip()
        try:
            if parse_amount(digits) > 0:
                return written
        except AmountFormatError:
            continue
    return None


def _detail_link(parsed: ParsedEmail, text: str) -> tuple[str, str] | None:
    """The link to the payment's detail: (its text or line, its address); an HTML link
    whose text says so first, then an address in a line that says so (or under it)."""
    for label, href in parsed.links:
        if _DETAIL_RE.search(label):
            return label, href
    for label, href in _text_links(parsed.text[:MAX_CHARS]):
        if _DETAIL_RE.search(label) or _ONLINE_RE.search(label):
            return label, href
    return None


def _text_links(text: str) -> Iterator[tuple[str, str]]:
    """The addresses written in ``text``, each with its line and the line before it."""
    lines = text.splitlines()
    for no, line in enumerate(lines):
        for m in _URL_RE.finditer(line):
            before = lines[no - 1] if no else ""
            yield f"{before}\n{line[: m.start()]}", m.group(0).rstrip(".,;)")


def _platform(parsed: ParsedEmail) -> str:
    """Who sent the notice: "Tipalti" of "Lumen Media Ltd via Tipalti", else the From's
    display name, else its domain."""
    name = " ".join(parsed.from_name.split())
    via = re.search(r"\bvia\s+(?P<platform>\S.*)$", name, re.IGNORECASE)
    if via:
        return via.group("platform")[:80]
    cleaned = clean_sender_name(name)
    if cleaned:
        return cleaned[:80]
    domain = (parsed.from_address or "").rpartition("@")[2]
    return domain or "an unknown sender"


def _shown(href: str) -> str:
    """``href`` as the reason shows it: an http(s) address without spaces or control
    characters, cut at MAX_URL_CHARS; any other scheme named, not shown."""
    address = _UNSAFE_URL_CHARS_RE.sub("", href)
    scheme = address.partition(":")[0].casefold()
    if scheme not in ("http", "https") or not address[len(scheme) + 1 :].startswith("//"):
        named = scheme if scheme.isascii() and scheme.isalnum() and len(scheme) <= 20 else "?"
        return f"(a {named}: link, not shown)"
    if len(address) > MAX_URL_CHARS:
        return address[:MAX_URL_CHARS] + "…"
    return address

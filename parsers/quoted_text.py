"""Quoted replies and signatures taken out of a mail body. Pure: no IO.

:func:`strip_quotes_and_signature` keeps what the sender wrote in this mail: ``>`` quoted
lines, everything after a reply header ("On … wrote:", "-----Original Message-----", an
Outlook From:/Sent: block) and the ``-- `` signature are dropped, so a remittance or a question
quoted from an earlier mail is not read again.
"""

from __future__ import annotations

import re

_QUOTE_HEADER_RE = re.compile(
    r"^\s*(?:on\s.+\swrote:|am\s.+\sschrieb\s.*:|le\s.+\sa\s+écrit\s*:|el\s.+\sescribió\s*:"
    r"|op\s.+\sschreef\s.*:)\s*$",
    re.IGNORECASE,
)
_ORIGINAL_RE = re.compile(
    r"^\s*-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine|mensaje original"
    r"|oorspronkelijk bericht)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_FORWARD_RE = re.compile(
    r"forwarded message|begin forwarded message|weitergeleitete nachricht|doorgestuurd bericht"
    r"|mensaje reenviado|message transféré",
    re.IGNORECASE,
)
_OUTLOOK_FROM_RE = re.compile(r"^\s*(?:from|von|de|van):\s", re.IGNORECASE)
_OUTLOOK_NEXT_RE = re.compile(
    r"^\s*(?:sent|date|gesendet|envoyé|to|enviado|fecha|verzonden|datum|aan):\s", re.IGNORECASE
)


def strip_quotes_and_signature(text: str) -> str:
    """``text`` without ``>`` quoted lines, anything after a reply header ("On … wrote:",
    "-----Original Message-----", an Outlook From:/Sent: block) or the ``-- `` signature line.
    """
    kept: list[str] = []
    lines = text.splitlines()
    forward_header = False  # the From:/Date: block of a forwarded mail is kept
    for no, line in enumerate(lines):
        stripped = line.strip()
        following = lines[no + 1].strip() if no + 1 < len(lines) else ""
        if _FORWARD_RE.search(line):
            forward_header = True
        elif not stripped:
            forward_header = False
        if (
            stripped == "--"
            or _ORIGINAL_RE.match(line)
            or _QUOTE_HEADER_RE.match(line)
            or (stripped.lower().startswith("on ") and following.lower().endswith("wrote:"))
            or (
                not forward_header
                and _OUTLOOK_FROM_RE.match(line)
                and _OUTLOOK_NEXT_RE.match(following)
            )
        ):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept)

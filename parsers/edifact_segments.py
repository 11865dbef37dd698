"""EDIFACT segments as the REMADV reader uses them: elements and components by number, the
messages (UNH…UNT) of an interchange checked complete, amounts and dates. Pure: no IO."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from core.errors import UnreadableDocumentError
from parsers.edi_codes import edi_amount


@dataclass(frozen=True, slots=True)
class EdifactSegment:
    """One segment: its position (1 = the first after UNA), tag and data elements (a simple
    element is a str, a composite a list of its components)."""

    position: int
    tag: str
    elements: tuple[str | list[str], ...]

    def where(self, number: int) -> str:
        """How a reason names an element: ``"MOA01 (segment 12)"``."""
        return f"{self.tag}{number:02d} (segment {self.position})"


def component(segment: EdifactSegment, number: int, part: int = 1) -> str:
    """Component ``part`` of element ``number`` (both 1-based); "" when absent. A simple
    element is its own first component."""
    if number > len(segment.elements):
        return ""
    value = segment.elements[number - 1]
    parts = [value] if isinstance(value, str) else value
    return parts[part - 1].strip() if part <= len(parts) else ""


def messages(segments: Sequence[EdifactSegment], *, kind: str) -> list[list[EdifactSegment]]:
    """The messages of type ``kind`` (UNH to UNT) in an interchange (UNB to UNZ), each
    checked against its UNT segment count.

    Raises:
        UnreadableDocumentError: no UNB or UNZ (truncated), a message without UNT or with a
            wrong count, or no message of ``kind``.
    """
    if not segments or segments[0].tag != "UNB":
        raise UnreadableDocumentError("not an EDIFACT interchange: no UNB segment at its start")
    if segments[-1].tag != "UNZ":
        raise UnreadableDocumentError(
            f"truncated: no UNZ segment (interchange trailer) after segment {len(segments)}"
        )
    found: list[list[EdifactSegment]] = []
    kinds: set[str] = set()
    current: list[EdifactSegment] | None = None
    for segment in segments[1:-1]:
        if segment.tag == "UNH":
            if current is not None:
                raise _unclosed(current[0])
            current = []
        if current is None:
            continue
        current.append(segment)
        if segment.tag == "UNT":
            _check_count(current)
            kinds.add(component(current[0], 2))
            if component(current[0], 2) == kind:
                found.append(current)
            current = None
    if current is not None:
        raise _unclosed(current[0])
    if not found:
        seen = ", ".join(sorted(kinds)) or "no message"
        raise UnreadableDocumentError(f"no {kind} message in the interchange: {seen[:80]}")
    return found


def money_of(segment: EdifactSegment) -> tuple[str, Decimal]:
    """The qualifier and amount of a MOA segment (``MOA+12:1225.00`` → ``("12", 1225.00)``).

    Raises:
        UnreadableDocumentError: no amount, or one that is no number.
    """
    text = component(segment, 1, 2)
    if not text:
        raise UnreadableDocumentError(f"{segment.where(1)}: no amount")
    return component(segment, 1), edi_amount(text, where=segment.where(1))


def date_of(segment: EdifactSegment) -> date:
    """The date of a DTM segment in format 102 (CCYYMMDD), the one remittances use.

    Raises:
        UnreadableDocumentError: another format, or no date.
    """
    text, form = component(segment, 1, 2), component(segment, 1, 3) or "102"
    try:
        if form != "102" or len(text) != 8 or not text.isdigit():
            raise ValueError(text)
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise UnreadableDocumentError(
            f"{segment.where(1)}: {text[:20]!r} (format {form[:5]}) is not a CCYYMMDD date"
        ) from None


def party_name(segment: EdifactSegment) -> str | None:
    """The name a NAD segment gives: its party name (NAD04), else its first name-and-address
    line (NAD03)."""
    value = segment.elements[3] if len(segment.elements) > 3 else ""
    parts = [value] if isinstance(value, str) else value
    name = " ".join(p.strip() for p in parts if p.strip()) or component(segment, 3)
    return name[:200] or None


def _unclosed(unh: EdifactSegment) -> UnreadableDocumentError:
    return UnreadableDocumentError(
        f"truncated: the message that starts at UNH (segment {unh.position}) has no UNT"
    )


def _check_count(current: list[EdifactSegment]) -> None:
    unt = current[-1]
    count = component(unt, 1)
    if count != str(len(current)):
        raise UnreadableDocumentError(
            f"UNT (segment {unt.position}) counts {count[:10]!r} segments, the message has "
            f"{len(current)}: it is incomplete or damaged"
        )

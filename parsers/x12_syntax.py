"""X12 interchanges split into segments, with the separators the ISA segment declares, and
their transaction sets checked complete. Pure: no IO.

The ISA segment is fixed-width, 106 characters: the element separator is its 4th character,
the component separator ISA16 (its 105th) and the segment terminator the character after
ISA16. A newline (or CR LF) after each terminator is tolerated, as many systems write one
segment a line. What the segments of an 820 mean is in :mod:`parsers.x12_820`.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import UnreadableDocumentError

#: Length of the fixed-width ISA segment up to and including its terminator.
ISA_LENGTH = 106


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment: its position in the interchange (1 = ISA), tag and elements (the
    elements after the tag, as written)."""

    position: int
    tag: str
    elements: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Separators:
    """The separators an ISA segment declares."""

    element: str
    component: str
    segment: str


def x12_separators(text: str) -> Separators:
    """The separators declared by the ISA segment at the start of ``text``.

    Raises:
        UnreadableDocumentError: no ISA, or one that is not 106 fixed-width characters.
    """
    if not text.startswith("ISA"):
        raise UnreadableDocumentError("not an X12 interchange: it does not start with ISA")
    if len(text) < ISA_LENGTH:
        raise UnreadableDocumentError("ISA (segment 1) is cut short: the file is truncated")
    element, component, segment = text[3], text[104], text[105]
    fields = text[: ISA_LENGTH - 1].split(element)
    if len(fields) != 17 or len(fields[16]) != 1:
        raise UnreadableDocumentError(
            "ISA (segment 1) is not 106 characters of fixed-width elements: "
            "its separators cannot be read"
        )
    marks = {element, component, segment}
    if len(marks) != 3 or any(c.isalnum() or c == " " for c in marks):
        raise UnreadableDocumentError(
            f"ISA (segment 1) declares unusable separators {element!r}, {component!r}, {segment!r}"
        )
    return Separators(element=element, component=component, segment=segment)


def x12_segments(text: str) -> list[Segment]:
    """The segments of one interchange, ISA to IEA (checked to be there).

    Raises:
        UnreadableDocumentError: truncated (no IEA), or content after the IEA.
    """
    separators = x12_separators(text)
    raw = [part.strip("\r\n\t ") for part in text.split(separators.segment)]
    while raw and not raw[-1]:
        raw.pop()
    segments = []
    for position, part in enumerate(raw, start=1):
        tag, *elements = part.split(separators.element)
        if not (2 <= len(tag) <= 3 and tag.isalnum() and tag.isupper()):
            raise UnreadableDocumentError(
                f"segment {position} has no segment tag ({part[:20]!r}): "
                "wrong or missing separators"
            )
        segments.append(Segment(position=position, tag=tag, elements=tuple(elements)))
    ends = [s.position for s in segments if s.tag == "IEA"]
    if not ends:
        raise UnreadableDocumentError(
            f"truncated: no IEA segment (interchange trailer) after segment {len(segments)}"
        )
    if ends[0] != len(segments):
        raise UnreadableDocumentError(
            f"{len(segments) - ends[0]} segments after IEA (segment {ends[0]}): "
            "one interchange per file is read"
        )
    _check_control(segments[0], segments[-1])
    return segments


def _check_control(isa: Segment, iea: Segment) -> None:
    """IEA02 repeats ISA13, the interchange control number: a file cut inside the IEA, or
    two files run together, do not."""
    if element(iea, 2) != element(isa, 13):
        raise UnreadableDocumentError(
            f"IEA02 (segment {iea.position}) {element(iea, 2)[:12]!r} is not the ISA13 "
            f"control number {element(isa, 13)[:12]!r}: truncated or damaged"
        )


def transaction_sets(segments: list[Segment]) -> list[list[Segment]]:
    """The 820 transaction sets (ST through SE) of an interchange, each checked complete
    against its SE01 segment count. Sets of other kinds are left out.

    Raises:
        UnreadableDocumentError: a set without SE, a wrong count, or no 820 set at all.
    """
    sets: list[list[Segment]] = []
    kinds: list[str] = []
    current: list[Segment] | None = None
    for segment in segments:
        if segment.tag == "ST":
            if current is not None:
                raise _unclosed(current[0])
            current = [segment]
        elif current is not None:
            current.append(segment)
            if segment.tag == "SE":
                _check_count(current)
                kinds.append(_kind(current[0]))
                if kinds[-1] == "820":
                    sets.append(current)
                current = None
    if current is not None:
        raise _unclosed(current[0])
    if not sets:
        found = ", ".join(sorted(set(kinds))) or "no transaction set"
        raise UnreadableDocumentError(
            f"no 820 (payment order/remittance advice) in the interchange: {found}"
        )
    return sets


def element(segment: Segment, number: int) -> str:
    """Element ``number`` (1-based, as in ``BPR02``) of ``segment``; "" when absent."""
    if number <= len(segment.elements):
        return segment.elements[number - 1].strip()
    return ""


def name(segment: Segment, number: int) -> str:
    """How a reason names an element: ``"BPR02 (segment 4)"``."""
    return f"{segment.tag}{number:02d} (segment {segment.position})"


def _kind(st: Segment) -> str:
    return element(st, 1)


def _unclosed(st: Segment) -> UnreadableDocumentError:
    return UnreadableDocumentError(
        f"truncated: the transaction set that starts at ST (segment {st.position}) has no SE"
    )


def _check_count(current: list[Segment]) -> None:
    se = current[-1]
    count = element(se, 1)
    if count != str(len(current)):
        raise UnreadableDocumentError(
            f"SE (segment {se.position}) counts {count[:10]!r} segments, the set has "
            f"{len(current)}: the set is incomplete or damaged"
        )

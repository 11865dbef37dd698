"""UN/EDIFACT REMADV (remittance advice) files read into a remittance. Pure: no IO.

The interchange is split into segments by pydifact's tokenizer, with the separators of the
UNA service string advice when there is one (else the standard ``:+.? '``) and its release
character (``?+`` is a plus in the text)::

    UNA:+.? '
    UNB+UNOC:3+ACMEPAY:ZZ+ARBOX:ZZ+261207:1200+42'
    UNH+1+REMADV:D:96A:UN'
    BGM+481+RA-778812+9'                 remittance advice RA-778812
    DTM+137:20261207:102'
    MOA+12:1324.99'                      the amount remitted (9: the amount due)
    CUX+2:USD:11'
    NAD+PR+++ACME MANUFACTURING INC'     the payer
    DOC+380+INV-70001'                   a commercial invoice (381: a credit note)
    MOA+12:1225.00'                      remitted for it (9 or 39: its amount, 52: discount)
    AJT+3'                               an adjustment: damaged goods
    MOA+8:25.00'                         of 25.00
    DOC+380+INV-70002'
    MOA+12:99.99'
    UNT+14+1'
    UNZ+1+42'

The payment: the MOA 12 (else 9) before the first DOC, CUX's currency, NAD+PR's name, RFF+PQ
(payment reference; else the BGM document number) and DTM 209/203 (value or execution date).
The lines: each DOC (its number the invoice reference) with the MOAs, RFFs (``IV``: further
invoice numbers) and AJTs after it; an AJT's amount is the first MOA after it. Several
REMADV messages in one interchange are one payment only with the same reference and currency
(:func:`parsers.edi_codes.one_payment`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from pydifact.control.characters import Characters
from pydifact.exceptions import EDISyntaxError, ValidationError
from pydifact.parser import Parser, TokenIterator
from pydifact.tokenizer import Tokenizer

from core.errors import UnreadableDocumentError
from core.money import currency_problem
from core.types import Remittance, RemittanceLine
from parsers.edi_codes import (
    EDIFACT_ADJUSTMENT_REASONS,
    adjustment_reason,
    edi_reference,
    fitting_currency,
    one_payment,
)
from parsers.edifact_segments import (
    EdifactSegment,
    component,
    date_of,
    messages,
    money_of,
    party_name,
)

#: DOC document name codes (UNCL 1001) of a credit note: its remitted amount nets negative.
CREDIT_NOTES = frozenset({"381", "81", "83", "262", "296", "308", "396", "420", "532"})
#: The separators of an interchange without UNA (ISO 9735's defaults, as a UNA would give
#: them): component, data element, decimal mark, release, reserved, segment terminator.
DEFAULT_SERVICE_CHARACTERS = ":+.? '"
#: DTM qualifiers (UNCL 2005) of the day the payment was made: value date, execution date.
PAYMENT_DATES = frozenset({"209", "203"})


def read_remadv(text: str) -> Remittance | None:
    """The remittance of a REMADV interchange (None when no message has DOC lines).

    Raises:
        UnreadableDocumentError: malformed or truncated, several payments, or a segment the
            payment needs is missing or malformed; the reason names it and its position.
    """
    parsed = [_read_message(m) for m in messages(edifact_segments(text), kind="REMADV")]
    return fitting_currency(one_payment(parsed)) if any(r.lines for r in parsed) else None


def edifact_segments(text: str) -> list[EdifactSegment]:
    """The segments of an EDIFACT interchange, with their positions (1 = the first after UNA).

    Raises:
        UnreadableDocumentError: a syntax error (truncated, unknown separators).
    """
    if text.startswith("UNA"):
        _check_una(text[3:9])
    try:
        una = text.startswith("UNA")
        characters = Characters.from_str(text[:9] if una else DEFAULT_SERVICE_CHARACTERS)
        body = text[9:] if una else text
        tokens = TokenIterator(Tokenizer().get_tokens(body.lstrip("\r\n"), characters))
        raw = list(Parser().convert_tokens_to_raw_segments(tokens))
    except (EDISyntaxError, ValidationError) as e:
        raise UnreadableDocumentError(f"EDIFACT syntax: {_syntax_reason(e)}") from e
    return list(_segments(raw))


def _check_una(marks: str) -> None:
    """The component, data element, release and segment marks a UNA declares must be four
    different characters, none a letter or digit (the decimal mark and the reserved one are
    not used to split)."""
    used = marks[0:2] + marks[3:4] + marks[5:6]
    if len(marks) == 6 and (len(set(used)) < 4 or any(c.isalnum() for c in used)):
        raise UnreadableDocumentError(f"UNA (segment 0) declares unusable separators {marks!r}")


def _syntax_reason(error: Exception) -> str:
    return str(error).removeprefix("EDIFACT Syntax Error: ")[:200]


def _segments(raw: list[list[str | list[str]]]) -> Iterator[EdifactSegment]:
    for position, elements in enumerate(raw, start=1):
        tag = elements[0] if elements else ""
        if not isinstance(tag, str) or not (len(tag) == 3 and tag.isalnum()):
            shown = tag if isinstance(tag, str) else ":".join(tag)
            raise UnreadableDocumentError(
                f"segment {position} has no segment tag ({shown[:20]!r}): "
                "wrong or missing separators"
            )
        yield EdifactSegment(position=position, tag=tag, elements=tuple(elements[1:]))


@dataclass(slots=True)
class _Line:
    ref: str
    credit: bool
    source: str
    amounts: dict[str, Decimal] = field(default_factory=dict)
    alt_refs: list[str] = field(default_factory=list)
    adjustments: list[tuple[str, Decimal | None]] = field(default_factory=list)

    def to_line(self) -> RemittanceLine:
        net = self.amounts.get("12")
        if net is not None and self.credit and net > 0:
            net = -net
        taken = [(reason, abs(a)) for reason, a in self.adjustments if a is not None]
        return RemittanceLine(
            invoice_ref=self.ref,
            amount=net,
            source=self.source,
            gross=self.amounts.get("9", self.amounts.get("39")),
            discount=self.amounts.get("52"),
            deduction=sum((a for _, a in taken), start=Decimal("0.00")) if taken else None,
            deduction_reason="; ".join(dict.fromkeys(r for r, _ in self.adjustments)) or None,
            alt_refs=tuple(dict.fromkeys(r for r in self.alt_refs if r != self.ref)),
        )


@dataclass(slots=True)
class _Message:
    header: dict[str, Decimal] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    currency: str | None = None
    payer: str | None = None
    payment_date: date | None = None
    lines: list[_Line] = field(default_factory=list)
    #: Whether an AJT waits for its MOA.
    adjusting: bool = False


def _read_message(segments: Sequence[EdifactSegment]) -> Remittance:
    message = _Message()
    for segment in segments:
        reader = _READERS.get(segment.tag)
        if reader is not None:
            reader(message, segment)
    total = message.header.get("12", message.header.get("9"))
    if total is None:
        raise UnreadableDocumentError(
            f"the REMADV at UNH (segment {segments[0].position}) has no MOA 12 or 9 "
            "(the payment amount) before its first DOC"
        )
    if total <= 0:
        raise UnreadableDocumentError(
            f"MOA (before the first DOC, UNH at segment {segments[0].position}): "
            f"{total} is not a payment"
        )
    return Remittance(
        lines=tuple(line.to_line() for line in message.lines),
        stated_total=total,
        payment_ref=message.refs.get("PQ") or message.refs.get("BGM") or None,
        currency=message.currency,
        source="edi remadv",
        payer_name=message.payer,
        payment_date=message.payment_date,
    )


def _read_bgm(message: _Message, segment: EdifactSegment) -> None:
    message.refs.setdefault("BGM", edi_reference(component(segment, 2), where=segment.where(2)))


def _read_rff(message: _Message, segment: EdifactSegment) -> None:
    qualifier = component(segment, 1)
    value = edi_reference(component(segment, 1, 2), where=segment.where(1))
    if not value:
        return
    if message.lines:
        if qualifier == "IV":
            message.lines[-1].alt_refs.append(value)
    else:
        message.refs.setdefault(qualifier, value)


def _read_dtm(message: _Message, segment: EdifactSegment) -> None:
    if not message.lines and component(segment, 1) in PAYMENT_DATES:
        message.payment_date = message.payment_date or date_of(segment)


def _read_cux(message: _Message, segment: EdifactSegment) -> None:
    code = component(segment, 1, 2).upper()
    problem = currency_problem(code)
    if problem is not None:
        raise UnreadableDocumentError(f"{segment.where(1)}: {code[:10]!r} {problem}")
    message.currency = message.currency or code


def _read_nad(message: _Message, segment: EdifactSegment) -> None:
    if component(segment, 1) == "PR" and message.payer is None:
        message.payer = party_name(segment)


def _read_doc(message: _Message, segment: EdifactSegment) -> None:
    ref = edi_reference(component(segment, 2), where=segment.where(2))
    if not ref:
        raise UnreadableDocumentError(f"{segment.where(2)}: no document number on the line")
    credit = component(segment, 1) in CREDIT_NOTES
    message.lines.append(_Line(ref=ref, credit=credit, source=f"DOC segment {segment.position}"))
    message.adjusting = False


def _read_ajt(message: _Message, segment: EdifactSegment) -> None:
    reason = adjustment_reason(component(segment, 1), EDIFACT_ADJUSTMENT_REASONS)
    if not message.lines:
        return  # an adjustment of the whole payment: its MOA is the header's, the lines say
    message.lines[-1].adjustments.append((reason, None))
    message.adjusting = True


def _read_moa(message: _Message, segment: EdifactSegment) -> None:
    qualifier, amount = money_of(segment)
    if not message.lines:
        message.header.setdefault(qualifier, amount)
        return
    line = message.lines[-1]
    if message.adjusting:
        reason, _ = line.adjustments[-1]
        line.adjustments[-1] = (reason, amount)
        message.adjusting = False
        return
    line.amounts.setdefault(qualifier, amount)


_READERS = {
    "BGM": _read_bgm,
    "RFF": _read_rff,
    "DTM": _read_dtm,
    "CUX": _read_cux,
    "NAD": _read_nad,
    "DOC": _read_doc,
    "AJT": _read_ajt,
    "MOA": _read_moa,
}

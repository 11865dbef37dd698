"""Near matches of a reference within one customer's open invoices. Pure: no IO.

Payers mistype and OCR misreads our invoice numbers: ``INV-1O23`` (letter O for zero),
``10203`` for ``10230`` (transposed), ``1023`` for ``10234`` (a dropped digit). A near match
is only ever looked for among the invoices of the customer already identified (across all
invoices a near match is noise: rapidfuzz top-1 is ~87 % at 100 k invoices, DESIGN.md), and it
never applies cash on its own: :func:`near_matches` says *how* a reference is near an invoice
and whether the amount agrees; the decision is :mod:`matching.decide`'s.

Kinds of nearness, strongest first (each is a specific, explainable edit, unlike a fuzzy
score: ``ratio("INV-1001", "INV-1007")`` is 87.5 though the two are different invoices):

- ``ocr``: equal once look-alike characters are folded (O/0, l/I/1, S/5, B/8, Z/2, G/6);
- ``transposed``: two adjacent characters swapped;
- ``dropped``: one character missing; ``extra``: one character too many;
- ``substituted``: one character different (a plain typo: weakest, since it is also how two
  neighbouring invoice numbers differ);
- ``truncated``: the reference is the invoice number's tail of at least four characters
  (a payer that drops our year prefix: ``0042`` for ``2026-0042``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import Hamming, Indel

from core.refs import normalise_ref
from core.types import OpenInvoice, OpenInvoices

NearKind = Literal["ocr", "transposed", "dropped", "extra", "substituted", "truncated"]

#: Characters OCR and people confuse with digits, folded to the digit (keys are casefolded).
OCR_FOLD = str.maketrans({"o": "0", "l": "1", "i": "1", "|": "1", "s": "5", "b": "8", "z": "2",
                          "g": "6"})  # fmt: skip
#: Strength of each kind, 0–1: how sure a person would be that it is the same number.
KIND_STRENGTH: dict[NearKind, Decimal] = {
    "ocr": Decimal("0.95"),
    "transposed": Decimal("0.90"),
    "dropped": Decimal("0.85"),
    "extra": Decimal("0.85"),
    "truncated": Decimal("0.80"),
    "substituted": Decimal("0.70"),
}
#: Shortest reference that may be a truncated invoice number.
MIN_TRUNCATED_CHARS = 4
#: Shortest key for single edits: on ``12`` vs ``13`` an edit says nothing.
MIN_EDIT_CHARS = 4


@dataclass(frozen=True, slots=True)
class NearMatch:
    """An invoice whose number is near a reference, how, and whether the amount agrees."""

    invoice: OpenInvoice
    kind: NearKind
    #: rapidfuzz ratio of the two keys, 0–100, for display and tie-breaking only.
    similarity: float
    amount_agrees: bool

    @property
    def strength(self) -> Decimal:
        """How sure the nearness alone makes it, 0–1."""
        return KIND_STRENGTH[self.kind]


def near_kind(ref_key: str, invoice_key: str) -> NearKind | None:
    """How the normalised reference ``ref_key`` is near ``invoice_key``, or None (also None
    when they are equal: that is an exact match, not a near one)."""
    if not ref_key or not invoice_key or ref_key == invoice_key:
        return None
    if ref_key.translate(OCR_FOLD) == invoice_key.translate(OCR_FOLD):
        return "ocr"
    if min(len(ref_key), len(invoice_key)) >= MIN_EDIT_CHARS:
        if len(ref_key) == len(invoice_key):
            diffs = [i for i, (a, b) in enumerate(zip(ref_key, invoice_key, strict=True)) if a != b]
            if (
                len(diffs) == 2
                and diffs[1] == diffs[0] + 1
                and ref_key[diffs[0]] == invoice_key[diffs[1]]
                and ref_key[diffs[1]] == invoice_key[diffs[0]]
            ):
                return "transposed"
            if len(diffs) == 1:
                return "substituted"
        if len(ref_key) + 1 == len(invoice_key) and _one_deletion(invoice_key, ref_key):
            return "dropped"
        if len(ref_key) == len(invoice_key) + 1 and _one_deletion(ref_key, invoice_key):
            return "extra"
    if (
        len(ref_key) >= MIN_TRUNCATED_CHARS
        and len(invoice_key) > len(ref_key)
        and invoice_key.endswith(ref_key)
    ):
        return "truncated"
    return None


def _one_deletion(longer: str, shorter: str) -> bool:
    """Whether deleting one character of ``longer`` gives ``shorter``."""
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _may_be_near(ref_key: str, fold: str, invoice_key: str) -> bool:
    """False only where :func:`near_kind` is certainly None, at a fraction of its cost (it is
    asked about each of the customer's open invoices): an OCR fold keeps the length; the
    single edits are within Hamming distance 2 (same length) or one deletion (lengths one
    apart); truncated is a longer key's tail."""
    lr, li = len(ref_key), len(invoice_key)
    if lr == li:
        return (
            Hamming.distance(ref_key, invoice_key, score_cutoff=2) <= 2
            or invoice_key.translate(OCR_FOLD) == fold
        )
    if li > lr and invoice_key.endswith(ref_key):
        return True
    return abs(lr - li) == 1 and Indel.distance(ref_key, invoice_key, score_cutoff=1) <= 1


def near_matches(
    ref: str,
    invoices: Sequence[OpenInvoice],
    *,
    amount: Decimal | None,
    accepted_amounts: Mapping[int, Iterable[Decimal]] | None = None,
    accept: Callable[[OpenInvoice], Iterable[Decimal]] | None = None,
) -> tuple[NearMatch, ...]:
    """The invoices of ``invoices`` (one customer's open invoices) whose number is near
    ``ref``, strongest first (amount agreement, then kind, then similarity).

    Args:
        ref: the reference as the payer wrote it.
        invoices: the identified customer's open invoices.
        amount: what the line pays, or None when not stated (then nothing agrees).
        accepted_amounts: per invoice id, amounts that also count as agreeing besides the
            open balance (the balance less an earned discount, say).
        accept: the same as a function of the invoice, asked only about near invoices.
    """
    key = normalise_ref(ref)
    fold = key.translate(OCR_FOLD)
    found: list[NearMatch] = []
    columns = OpenInvoices.of(invoices)  # the keys compared by column: only near ones made
    for no, invoice_key in enumerate(columns.keys):
        if not _may_be_near(key, fold, invoice_key):
            continue
        kind = near_kind(key, invoice_key)
        if kind is None:
            continue
        invoice = columns[no]
        agreeing = {invoice.balance, *(accepted_amounts or {}).get(invoice.invoice_id, ())}
        if accept is not None:
            agreeing.update(accept(invoice))
        found.append(
            NearMatch(
                invoice=invoice,
                kind=kind,
                similarity=fuzz.ratio(key, invoice_key),
                amount_agrees=amount is not None and amount in agreeing,
            )
        )
    found.sort(key=lambda n: (not n.amount_agrees, -n.strength, -n.similarity, n.invoice.number))
    return tuple(found)


def certain_near_match(matches: Sequence[NearMatch]) -> NearMatch | None:
    """The one near match certain enough to apply cash to, or None.

    Certain means: its amount agrees, its kind is a specific edit stronger than a lone
    substitution, and no other near match's amount agrees too (two invoices of the same
    amount near one reference are a person's call).
    """
    agreeing = [n for n in matches if n.amount_agrees]
    if len(agreeing) != 1:
        return None
    (match,) = agreeing
    return None if match.kind == "substituted" else match

"""Near matches of a reference within one customer's open invoices. Pure: no IO.

Payers mistype and OCR misreads our invoice numbers: ``INV-1O23`` (letter O for zero),
``10203`` for ``10230`` (transposed), ``1023`` for ``10234`` (a dropped digit). A near match
is only ever looked for among the invoices of the customer already identified (across all
invoices a near match is noise: rapidfuzz top-1 was ~87 % right at 100 k invoices), and it
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
  (a payer that drops our year prefix: ``0042`` for ``2026-0042``);
- ``truncated+edit``: a tail of at least four characters with one more slip in it: a digit
  dropped, two swapped or a look-alike (``5712`` for ``NW-057712``, ``75012`` for
  ``90057102``). Two edits at once: weaker than either alone, and like every near form it
  is only ever certain when the amount agrees with that one invoice alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import Hamming, Indel

from core.open_invoices import OpenInvoices
from core.refs import normalise_ref
from core.types import OpenInvoice

NearKind = Literal[
    "ocr", "transposed", "dropped", "extra", "substituted", "truncated", "truncated+edit"
]

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
    "truncated+edit": Decimal("0.75"),
    "substituted": Decimal("0.70"),
}
#: Shortest reference that may be a truncated invoice number.
MIN_TRUNCATED_CHARS = 4
#: Shortest key for single edits: on ``12`` vs ``13`` an edit says nothing.
MIN_EDIT_CHARS = 4
#: Shortest reference that may be a tail of an invoice number with one more slip in it.
MIN_TRUNCATED_EDIT_CHARS = 4


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
            if _is_swap(ref_key, invoice_key):
                return "transposed"
            if Hamming.distance(ref_key, invoice_key, score_cutoff=1) == 1:
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
    if len(ref_key) >= MIN_TRUNCATED_EDIT_CHARS and _tail_with_one_slip(ref_key, invoice_key):
        return "truncated+edit"
    return None


def _tail_with_one_slip(ref_key: str, invoice_key: str) -> bool:
    """Whether ``ref_key`` is a tail of ``invoice_key`` (shorter than the whole) with one
    look-alike, one swap of two adjacent characters or one dropped character."""
    lr, li = len(ref_key), len(invoice_key)
    if li > lr:
        tail = invoice_key[-lr:]
        if tail.translate(OCR_FOLD) == ref_key.translate(OCR_FOLD) or _is_swap(ref_key, tail):
            return True
    return li > lr + 1 and _one_deletion(invoice_key[-(lr + 1) :], ref_key)


def _is_swap(a: str, b: str) -> bool:
    """Whether ``a`` is ``b`` (same length) with two different adjacent characters swapped."""
    diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return (
        len(diffs) == 2
        and diffs[1] == diffs[0] + 1
        and a[diffs[0]] == b[diffs[1]]
        and a[diffs[1]] == b[diffs[0]]
    )


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
    if abs(lr - li) == 1 and Indel.distance(ref_key, invoice_key, score_cutoff=1) <= 1:
        return True
    if lr < MIN_TRUNCATED_EDIT_CHARS or li <= lr:  # a tail with one slip: see near_kind
        return False
    tail = invoice_key[-lr:]
    return (
        Hamming.distance(ref_key, tail, score_cutoff=2) <= 2
        or tail.translate(OCR_FOLD) == fold
        or (li > lr + 1 and Indel.distance(ref_key, invoice_key[-(lr + 1) :], score_cutoff=1) <= 1)
    )


def near_positions(key: str, invoice_keys: Sequence[str]) -> list[tuple[int, NearKind]]:
    """The positions in ``invoice_keys`` of the keys the normalised reference ``key`` is near,
    and how (:func:`near_kind`), in order."""
    fold = key.translate(OCR_FOLD)
    found: list[tuple[int, NearKind]] = []
    for no, invoice_key in enumerate(invoice_keys):
        if _may_be_near(key, fold, invoice_key):
            kind = near_kind(key, invoice_key)
            if kind is not None:
                found.append((no, kind))
    return found


def near_matches(
    ref: str,
    invoices: Sequence[OpenInvoice],
    *,
    amount: Decimal | None,
    accepted_amounts: Mapping[int, Iterable[Decimal]] | None = None,
    accept: Callable[[OpenInvoice], Iterable[Decimal]] | None = None,
    stated: Iterable[Decimal] = (),
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
        stated: the line's other amounts that confirm an invoice when one of them is what
            it asks (the stated gross; net + discount + deduction): see
            :func:`matching.amounts.confirming_amounts`.
    """
    written = {amount, *stated} - {None}
    key = normalise_ref(ref)
    found: list[NearMatch] = []
    columns = OpenInvoices.of(invoices)  # the keys compared by column: only near ones made
    for no, kind in near_positions(key, columns.keys):
        invoice_key = columns.keys[no]
        invoice = columns[no]
        agreeing = {invoice.balance, *(accepted_amounts or {}).get(invoice.invoice_id, ())}
        if accept is not None:
            agreeing.update(accept(invoice))
        found.append(
            NearMatch(
                invoice=invoice,
                kind=kind,
                similarity=fuzz.ratio(key, invoice_key),
                amount_agrees=not agreeing.isdisjoint(written),
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

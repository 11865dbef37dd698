"""Normalisation of document references (invoice numbers) for exact comparison. Pure: no IO.

Both sides of a comparison go through :func:`normalise_ref`, so ``INV-001001``,
``inv 1001``, ``Invoice #1001`` and ``1001`` all become ``1001``, while ``CM-1001``
stays distinct (``cm1001``). A question names an invoice of one customer, who may write it
shorter still: :func:`resolve_ref` also takes ``61408`` for that customer's ``NW-061408``
when no other of its invoices fits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from core.creditor_ref import format_creditor_reference, is_creditor_reference

#: Words payers put before our number; longest first so ``invoice`` wins over ``inv``.
REF_PREFIXES: tuple[str, ...] = (
    "invoicenumber",
    "invoiceno",
    "invoicenr",
    "invoice",
    "invno",
    "invnr",
    "inv",
    "rechnungsnr",
    "rechnung",
    "facture",
    "factura",
    "no",
    "nr",
)
_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


@lru_cache(maxsize=1 << 16)
def normalise_ref(text: str) -> str:
    """The comparison key of a reference: casefolded, separators, known prefixes and
    leading zeros removed. Returns ``""`` when nothing of a reference is left.

    Cached: matching normalises each of a customer's open invoice numbers several times
    per remittance line (near matches, suggestions, the runner-up)."""
    key = _NON_ALNUM.sub("", text.casefold())
    for prefix in REF_PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix) :]
            break
    stripped = key.lstrip("0")
    return stripped or ("0" if key else "")


#: A reference must keep at least this many digits to be matched by its tail alone
#: ("61408" for NW-061408): shorter tails name too many documents.
MIN_TAIL_DIGITS = 4
_LEADING_LETTERS = re.compile(r"^[^\W\d_]+")
_GROUPS = re.compile(r"[^\W_]+", re.UNICODE)


#: Fewest digits of a number whose first digits were cut off that a question may name an
#: invoice by (a question has no amount to confirm it, unlike a remittance line).
MIN_CUT_DIGITS = 4


def ref_tails(number: str) -> frozenset[str]:
    """The shorter forms a customer may write our ``number`` in, each as a comparison key:
    without its letter prefix and leading zeros (``NW-061408``: ``61408``), its trailing
    digit groups (``RE-2026-0042``: ``42``, ``20260042``) and without a trailing letter group
    (``61408-A``: ``61408``). Tails of fewer than :data:`MIN_TAIL_DIGITS` digits are left out.
    The full key (:func:`normalise_ref`) is not among them."""
    groups = _GROUPS.findall(number.casefold())
    tails: set[str] = set()
    key = normalise_ref(number)
    core = _LEADING_LETTERS.sub("", key).lstrip("0")
    tails.add(core)
    digit_groups: list[str] = []
    for group in reversed(groups):
        if not group.isdigit():
            break
        digit_groups.insert(0, group)
        tails.add("".join(digit_groups).lstrip("0"))
    if len(groups) > 1 and groups[-1].isalpha():
        tails.add(normalise_ref("".join(groups[:-1])))
    return frozenset(
        t for t in tails if t and t != key and sum(ch.isdigit() for ch in t) >= MIN_TAIL_DIGITS
    )


def resolve_ref(ref: str, numbers: Iterable[str]) -> str | None:
    """The one of ``numbers`` (one customer's invoice numbers) that ``ref`` names, or None.

    First by the comparison key (:func:`normalise_ref`), as remittance lines are matched;
    when no number has that key, by a shorter form (:func:`ref_tails`: ``61408`` or
    ``invoice 61408`` for ``NW-061408``), and only when exactly one number fits."""
    key = normalise_ref(ref)
    if not key:
        return None
    numbers = list(dict.fromkeys(numbers))
    exact = [n for n in numbers if normalise_ref(n) == key]
    if exact:
        return exact[0] if len(exact) == 1 else None
    wanted = {key, _LEADING_LETTERS.sub("", key).lstrip("0")} - {""}
    fits = [n for n in numbers if wanted & ref_tails(n)]
    if not fits and key.isdigit() and len(key) >= MIN_CUT_DIGITS:
        # our number with its first digits cut off ("41962" for 90041962), as payers do
        fits = [n for n in numbers if normalise_ref(n).endswith(key)]
    return fits[0] if len(fits) == 1 else None


#: A key that has the shape of an ISO 11649 creditor reference: ``rf``, two digits, the rest.
_CREDITOR_KEY_RE = re.compile(r"rf\d\d[0-9a-z]{1,21}")


def is_creditor_key(key: str) -> bool:
    """Whether the comparison key ``key`` has the shape of a creditor reference (``rf18…``),
    valid or not: such a key is looked up exactly or not at all, never near-matched."""
    return _CREDITOR_KEY_RE.fullmatch(key) is not None


def creditor_forms(key: str) -> tuple[str, ...]:
    """The forms a printed payment reference may be stored in (compact and in groups of four:
    ``RF18539007547034``, ``RF18 5390 0754 7034``) when the comparison key ``key`` is a
    creditor reference with valid check digits; ``()`` otherwise (a mistyped one names
    nothing)."""
    if not is_creditor_key(key) or not is_creditor_reference(key):
        return ()
    compact = key.upper()
    return (compact, format_creditor_reference(compact))

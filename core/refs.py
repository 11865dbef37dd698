"""Normalisation of document references (invoice numbers) for exact comparison. Pure: no IO.

Both sides of a comparison go through :func:`normalise_ref`, so ``INV-001001``,
``inv 1001``, ``Invoice #1001`` and ``1001`` all become ``1001``, while ``CM-1001``
stays distinct (``cm1001``).
"""

from __future__ import annotations

import re
from functools import lru_cache

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

"""Who paid, from the free text of a remittance: the payer's name. Pure: no IO.

:func:`read_payer_name` takes a labelled name first ("Payer: Muster GmbH", "Auftraggeber:
…"), else a company name with a legal form in the letterhead or signature ("Muster GmbH ·
Hauptstr. 1" → "Muster GmbH"), never one of the receiving company's own names;
:func:`clean_sender_name` makes the mail's From display name a fallback.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: Longest line considered for a payer name.
MAX_NAME_LINE_CHARS = 120
#: Legal forms, longest first so "S.A.S." is not read as "S.A" and "Co. KG" as "Co".
_LEGAL_FORMS = "|".join(
    sorted(
        (
            r"Inc", r"Incorporated", r"LLC", r"L\.L\.C", r"LLP", r"Ltd", r"Limited", r"Corp",
            r"Corporation", r"Co", r"Company", r"plc", r"PLC", r"GmbH", r"AG", r"KG", r"KGaA",
            r"OHG", r"UG", r"e\.\s?K", r"e\.\s?V", r"SE", r"SA", r"S\.A", r"SARL", r"S\.A\.R\.L",
            r"SAS", r"S\.A\.S", r"SNC", r"SL", r"S\.L", r"SLU", r"S\.L\.N\.E", r"S\.L\.U", r"BV",
            r"B\.V", r"NV", r"N\.V", r"SpA", r"S\.p\.A", r"Srl", r"S\.r\.l", r"Oy", r"AB",
            r"A/S", r"ApS", r"AS", r"Pty", r"Co\.\s?KG", r"Co\.\s?KGaA", r"Co\.\s?OHG",
        ),
        key=len,
        reverse=True,
    )
)  # fmt: skip
#: "GmbH & Co. KG": the partnership form after a company's.
_CO_TAIL_RE = re.compile(r"\s*&\s*Co\.?(?:\s*(?:KG|OHG|KGaA)\b)?")
_LEGAL_FORM_RE = re.compile(rf"(?<![\w.])(?:{_LEGAL_FORMS})\.?(?![\w])")
_NAME_LABEL_RE = re.compile(
    r"^\s*(?:payer(?:\s+name)?|paid\s+by|payment\s+from|remitter|remitted\s+by|ordering"
    r"\s+(?:party|customer)|customer(?:\s+name)?|client|company|kunde|debitor|debtor|firma"
    r"|société|empresa|zahler|zahlungspflichtiger|auftraggeber"
    r"|payeur|donneur\s+d'ordre|émetteur|pagador|ordenante|pagatore|ordinante|betaler"
    r"|opdrachtgever|from|von|de)\s*(?:[:|\-]\s*)+(?P<name>.+?)\s*$",
    re.IGNORECASE,
)
#: Lines about the receiving side (us) or addressing someone: not the payer's name.
_NOT_PAYER_RE = re.compile(
    r"^\s*(?:dear|hello|hi|to|attn|attention|bill\s+to|ship\s+to|sehr\s+geehrte|liebe|an"
    r"|bonjour|madame|monsieur|estimad[oa]s?|gentile|beste|geachte)\b"
    r"|\b(?:payee|beneficiary|vendor|supplier|empfänger|begünstigter|lieferant|bénéficiaire"
    r"|fournisseur|beneficiario|proveedor|fornitore|begunstigde|leverancier"
    r"|accounts\s+receivable|debitorenbuchhaltung|comptabilité\s+clients"
    r"|(?:payment|paid|transferred|sent|released)\s+(?:\w+\s+)?to)\b",
    re.IGNORECASE,
)
_SEGMENT_SPLIT_RE = re.compile(r"\s*(?:[|·•;]|\s{2,}|\t|\s[-–]\s|,\s(?=\d))\s*")
#: Closing words a signature line may start with before the company ("Regards, Acme Inc").
_CLOSINGS = frozenset(
    {"regards", "thanks", "sincerely", "cheers", "best", "grüße", "gruß", "cordialement",
     "saludos", "merci", "danke", "yours"}
)  # fmt: skip
_NAME_JOINERS = frozenset({"&", "and", "und", "et", "y", "e", "en", "de", "del", "von", "van"})


def read_payer_name(lines: Sequence[str], own_names: Sequence[str]) -> str | None:
    """The payer's name in ``lines`` (labelled, else a company with a legal form), never
    one of ``own_names``; None when there is none."""
    own = {name.casefold() for name in own_names if name}
    for line in lines:
        m = _NAME_LABEL_RE.match(line)
        if m:
            name = m.group("name").split("<")[0].strip(" \"'")
            if name and "@" not in name and not name[:1].isdigit() and name.casefold() not in own:
                return name
    for line in lines:
        if len(line) > MAX_NAME_LINE_CHARS or _NOT_PAYER_RE.search(line):
            continue
        name = _company_in(line)
        if name and not any(o in name.casefold() or name.casefold() in o for o in own):
            return name
    return None


def _company_in(line: str) -> str | None:
    """The company name with a legal form in ``line`` ("Muster GmbH · Hauptstr. 1" →
    "Muster GmbH"): the capitalised words before the legal form."""
    for segment in _SEGMENT_SPLIT_RE.split(line):
        m = _LEGAL_FORM_RE.search(segment)
        if not m:
            continue
        words = segment[: m.start()].split()
        name: list[str] = []
        for word in reversed(words):
            bare = word.strip(",")
            if bare.casefold() in _CLOSINGS:  # "Regards, Acme Inc": the name starts after
                break
            if bare and (bare[0].isupper() or bare[0].isdigit() or bare.lower() in _NAME_JOINERS):
                name.insert(0, word)
                continue
            break
        while name and name[0].lower() in _NAME_JOINERS:
            name.pop(0)
        tail = _CO_TAIL_RE.match(segment, m.end())
        form = m.group(0) + (tail.group(0) if tail else "")
        if name:
            return " ".join([*name, form]).replace(" ,", ",")
        after = _capitalised_words(segment[m.end() :].split())
        if not words and after:  # "SARL Dupont & Fils", "SA Martin"
            return " ".join([m.group(0), *after])
    return None


def _capitalised_words(words: Sequence[str]) -> list[str]:
    name: list[str] = []
    for word in words[:6]:
        if word and (word[0].isupper() or word.lower() in _NAME_JOINERS):
            name.append(word)
            continue
        break
    while name and name[-1].lower() in _NAME_JOINERS:
        name.pop()
    return name


#: "Lumen Media Ltd via Tipalti": a platform (or a list) sending for someone.
_VIA_RE = re.compile(r"\s+via\s+\S.*$", re.IGNORECASE)


def clean_sender_name(sender_name: str | None) -> str | None:
    """A From display name usable as the payer's name (letters, no address), or None. A
    name "X via Y" (an AP platform or a mailing list sending for X) gives X."""
    name = _VIA_RE.sub("", (sender_name or "").strip().strip("\"'"))
    return name if any(ch.isalpha() for ch in name) and "@" not in name else None

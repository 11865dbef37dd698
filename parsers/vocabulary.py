"""The words remittance readers look for, in one place: totals, subtotals, carried-forward
and continuation marks, column header words, per language. Pure: no IO.

Every reader (mail text, text and spreadsheet tables, PDF layout and columns) takes its
"is this a total row?" and "is this a page subtotal?" answers from here, so a word added
for one layout is known to all. The lists are regular-expression alternatives matched
case-insensitively; the compiled patterns match whole words.

Where one reader needs a wider list than the others, the wider list is a named variant
built from the shared words (:data:`TABLE_SKIP_ROW_RE`, :data:`PAGE_CONTINUED_RE`) and its
docstring says why.

Column header words: the table reader's per-language header vocabulary, with its rules of
precedence and its normalisation, is :mod:`parsers.table_headers`. The two PDF readers keep
their own, shorter lists here (:data:`PDF_HEADER_WORD_RE`, :data:`PDF_COLUMN_ROLE_WORDS`):
reading PDF headers with the table reader's roles changes which lines are headers, so they
are named variants, not merged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from parsers.regex_words import starts_with_letter

#: Put after the ``\\b`` of a pattern whose every match starts with a letter: the same
#: matches, found faster (:func:`parsers.regex_words.starts_with_letter`).
LETTER_AHEAD = r"(?=[^\W\d_])"

#: Words labelling the total of a remittance ("Total", "Summe", "Zahlbetrag", "Check amount").
#: Longer phrases ("grand total", "montant total") are kept for the reader of the list;
#: ``total`` alone already matches them.
TOTAL_WORDS: tuple[str, ...] = (
    r"total",
    r"totals",
    r"grand\s+total",
    r"sum",
    r"summe",
    r"gesamt\w*",
    r"endsumme",
    r"totaal",
    r"totaalbedrag",
    r"eindtotaal",
    r"totale",
    r"suma",
    r"somme",
    r"endbetrag",
    r"importe\s+total",
    r"montant\s+total",
    r"check\s+amount",
    r"payment\s+amount",
    r"amount\s+paid",
    r"paid\s+amount",
    r"zahlbetrag",
    r"überweisungsbetrag",
    r"total\s+pagado",
    r"total\s+payé",
    r"net\s+payment",
    r"total\s+payment",
    r"payment\s+total",
)

#: Words saying an amount is carried from or to another page ("Übertrag", "c/f").
CARRIED_FORWARD_WORDS: tuple[str, ...] = (
    r"übertrag",
    r"vortrag",
    r"carried\s+forward",
    r"brought\s+forward",
    r"balance\s+forward",
    r"c/f",
    r"b/f",
)

#: Words labelling a subtotal (of a page or a block), carried-forward words included.
SUBTOTAL_WORDS: tuple[str, ...] = (
    r"sub-?\s?totals?",
    r"sous-total",
    r"page\s+total",
    r"total\s+(?:this\s+)?page",
    r"seitensumme",
    r"zwischensumme",
    *CARRIED_FORWARD_WORDS,
)

#: Words saying a table goes on after a page break, in every reader.
CONTINUED_WORDS: tuple[str, ...] = (r"continued", r"cont'd", r"fortsetzung")


def words_re(words: Iterable[str], *, end_boundary: bool = True) -> re.Pattern[str]:
    """A case-insensitive pattern matching any of ``words`` as a whole word (or, without
    ``end_boundary``, at a word start)."""
    end = r"\b" if end_boundary else ""
    body = f"(?:{'|'.join(words)})"
    lead = LETTER_AHEAD if starts_with_letter(body, re.IGNORECASE) else ""
    return re.compile(rf"\b{lead}{body}{end}", re.IGNORECASE)


#: A total label anywhere in a line or row.
TOTAL_RE = words_re(TOTAL_WORDS)
#: A subtotal or carried-forward label anywhere in a line or row.
SUBTOTAL_RE = words_re(SUBTOTAL_WORDS)

#: The total words of the PDF layout reader (:mod:`parsers.pdf_layout`): the shared list
#: without ``sum``, ``zahlbetrag``, ``endsumme`` and the other words a German or Romance
#: payment advice uses as a column header (``Zahlbetrag`` heads the net column of
#: fixtures/corpus pdf_zahlungsavis_landscape_*). The union lost 104 of those mails' lines in
#: bench/extraction.py, so this reader keeps its own list.
PDF_LAYOUT_TOTAL_RE = words_re(
    (
        r"total",
        r"totals",
        r"summe",
        r"gesamt\w*",
        r"suma",
        r"somme",
        r"totaal\w*",
        r"eindtotaal",
        r"amount\s+paid",
        r"payment\s+amount",
        r"net\s+payment",
        r"total\s+payment",
        r"payment\s+total",
        r"check\s+amount",
    )
)

#: The total words of a ``label: value`` record in mail text (:mod:`parsers.text_tables`):
#: the bare total words only. A portal record writes ``Amount paid: $980.00`` per invoice, so
#: the shared list (with ``amount paid``) would drop every record but the first
#: (tests/unit/parsers/test_remittance_text.py, the portal notification test).
FIELD_TOTAL_LABEL_RE = words_re(
    (r"total", r"summe", r"gesamt", r"totaal", r"totale", r"suma", r"somme")
)

#: Rows a table reader skips: subtotals plus continuation marks, with the Romance
#: carried-forward words (``à reporter``, ``report``, ``transporte``, ``riporto``) and the bare
#: ``suite``/``continua``. Matched at a word start only (``continuación``). Table rows only:
#: in mail prose ``suite`` is an address and ``report`` an ordinary word.
TABLE_SKIP_ROW_RE = words_re(
    (
        *SUBTOTAL_WORDS,
        *CONTINUED_WORDS,
        r"suite",
        r"à\s+reporter",
        r"report(?:é)?\b",
        r"transporte",
        r"riporto",
        r"continua",
    ),
    end_boundary=False,
)

#: A PDF line saying the table goes on (on the next page, or after a subtotal). The page
#: phrases (``Seite 1 von 2``, ``suite page``) are PDF page furniture.
PAGE_CONTINUED_RE = words_re(
    (
        *CONTINUED_WORDS,
        r"à\s+suivre",
        r"suite\s+(?:page|au\s+verso)",
        r"seite\s+\d+\s+von",
        r"page\s+\d+\s+of",
        *SUBTOTAL_WORDS,
    )
)

# --- column header words of the PDF readers ---------------------------------------------

#: Words of a PDF text line naming columns (:func:`parsers.pdf_layout.is_header`): English,
#: German, French and Spanish.
PDF_HEADER_WORD_RE = re.compile(
    r"(?<![a-zäöü])(?:invoice|inv\b|document|doc\b|reference|ref\b|number|no\b|nr\b|date|amount"
    r"|net|paid|gross|discount|disc\b|deduction|deducted|adjust|reason|description|remark"
    r"|rechnung|beleg|betrag|datum|skonto|abzug|brutto|netto|zahl|grund|referenz|bemerkung"
    r"|facture|montant|remise|importe|factura|payment|balance|memo|your|our|ihre|unsere"
    r"|total\s+due|open|credit)",
    re.IGNORECASE,
)

#: (role, header pattern) of the PDF header-role reader (:mod:`parsers.pdf_columns`), first
#: match wins: "Invoice date" is a date, "Invoice amount" gross.
PDF_COLUMN_ROLE_WORDS: tuple[tuple[str, str], ...] = (
    ("date", r"dat(e|um)|fällig"),
    ("discount", r"discount|skonto|\bdisc\b|remise|descuento"),
    ("deduction", r"deduct|abzug|kürzung|short\s*pay|adjust|withh|einbehalt"),
    ("reason", r"reason|grund|remark|comment|bemerkung|description|memo|text\b|motif"),
    ("net", r"\bnet|paid|zahlbetrag|gezahlt|payment|ausgleich|remitted|payé|pagado"),
    (
        "gross",
        r"gross|brutto|invoice\s+amount|\bamt\b|original|rechnungsbetrag|amount|betrag"
        r"|montant|importe|\bdue\b|open",
    ),
    ("theirs", r"\bour\b|\bunser|\bdoc\.?\s*(no|nr)|^beleg(nr|nummer)?\.?$"),
    (
        "ours",
        r"\byour\b|\bihre?\b|rechnungs?\s*-?n(r|ummer)|invoice|\binv\b|rechnung"
        r"|facture|factura",
    ),
    (
        "ref",
        r"document|\bdoc\b|reference|\bref\b|beleg|\bnumber\b|\bno\b|\bnr\b"
        # the word in the payer's language: "Referenz", "Référence", "Referencia", "Kenmerk"
        r"|referenz|referentie|r[ée]f[ée]rence|referencia|riferimento|kenmerk|\bréf\b",
    ),
)

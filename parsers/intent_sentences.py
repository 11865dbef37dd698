"""The sentences of a mail's own text, for :mod:`parsers.intent`. Pure: no IO.

A mail is split at line ends and at ``. ! ? ;`` before a space, except after abbreviations
("Nr. 4711") and days ("am 15.12. zahlen"); a long line that does not end a sentence was
wrapped by the mail program and goes on on the next. The rows of a remittance table are
no sentences of a question: a row with two amounts or more and hardly a word ("5140847470
43906 06-10-2026 8.574,79 0,00 1.028,97 vracht niet akkoord 7.545,82") tells a deduction
and its reason, which is the remittance's, not a dispute; such rows are never joined to
their neighbours as wrapped lines either.
"""

from __future__ import annotations

import re

from parsers.text_amounts import read_amounts

#: Words that end a sentence with a full stop but are no end: "Nr. 4711", "inv. 10023".
_ABBREVIATIONS = frozenset(
    {"no", "nr", "inv", "ref", "re", "rg", "nos", "vs", "ca", "approx", "z.b", "bzw", "e.g"}
)
#: "15. Dezember", "am 15.12. überweisen": a day, not the end of a sentence.
_ORDINAL_RE = re.compile(r"\d{1,2}(?:\.\d{1,2})?")
_SENTENCE_END_RE = re.compile(r"[.!?;](?=\s)|\n")
#: A line at least this long that does not end a sentence was wrapped by the mail program.
_WRAPPED_LINE_CHARS = 50
#: A table row: at least this many amounts …
ROW_AMOUNTS = 2
#: … and at most this many words of letters.
ROW_WORDS = 5
_WORD_RE = re.compile(r"(?<![\w-])[^\W\d_]{2,}(?![\w-])")


def sentences_of(text: str, max_chars: int) -> list[str]:
    """The sentences of ``text`` (see the module docstring), blank ones and table rows
    dropped, each cut at ``max_chars``."""
    text = _unwrap(text)
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END_RE.finditer(text):
        if m.group() == ".":
            word = re.search(r"([\w.]+)$", text[start : m.start()])
            if word and (
                word.group(1).lower() in _ABBREVIATIONS or _ORDINAL_RE.fullmatch(word.group(1))
            ):
                continue
        out.append(text[start : m.end()])
        start = m.end()
    out.append(text[start:])
    return [s.strip()[:max_chars] for s in out if s.strip() and not is_table_row(s)]


def is_table_row(line: str) -> bool:
    """Whether ``line`` is a row of a remittance table: amounts, hardly a word."""
    if sum(ch.isdigit() for ch in line) < 6:
        return False
    return len(read_amounts(line)) >= ROW_AMOUNTS and len(_WORD_RE.findall(line)) <= ROW_WORDS


def _unwrap(text: str) -> str:
    lines = text.splitlines()
    joined: list[str] = []
    for line in lines:
        previous = joined[-1].rstrip() if joined else ""
        following = line.strip()
        if (
            previous
            and following
            and previous[-1:] not in ".!?;:"
            and (len(previous) >= _WRAPPED_LINE_CHARS or following[:1].islower())
            and not is_table_row(previous)
            and not is_table_row(following)
        ):
            joined[-1] = previous + " " + following
        else:
            joined.append(line)
    return "\n".join(joined)

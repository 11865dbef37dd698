"""parsers.regex_words: a pattern skipped by may_match has no match in the text."""

from __future__ import annotations

import re
import sys
from email import message_from_bytes, policy
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import vocabulary
from parsers.intent import CUES
from parsers.intent_sentences import sentences_of
from parsers.regex_words import (
    FOLD_EXCEPTIONS,
    WordIndex,
    folded,
    may_match,
    required_words,
    starts_with_letter,
)
from parsers.vocabulary import LETTER_AHEAD
from tests.conftest import CORPORA

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
#: Every code point but the surrogates, as one string.
EVERY_CHARACTER = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)


def test_case_insensitive_matching_folds_every_cue_letter_as_casefold_does() -> None:
    # Given every letter written in a cue pattern
    letters = {ch for c in CUES for ch in c.pattern.pattern if ch.isalpha()}
    # When each is matched case-insensitively against every code point
    odd = {
        (letter, found)
        for letter in letters
        for found in re.findall(re.escape(letter), EVERY_CHARACTER, re.IGNORECASE)
        if found.casefold() != letter.casefold() and found not in FOLD_EXCEPTIONS
    }
    # Then each character it matches casefolds as the letter does (or is never skipped)
    assert odd == set()


def test_words_of_small_patterns() -> None:
    assert required_words(re.compile(r"\bcheck\s+no\.?\s*\d+", re.I)) == {"check"}
    assert required_words(re.compile(r"(?:Wire|SWIFT)\b")) == {"wire", "swift"}
    assert required_words(re.compile(r"ab(?:cdef|ghij)")) == {"cdef", "ghij"}
    assert required_words(re.compile(r"x?|\d+")) is None
    assert required_words(re.compile(r"(?=total)\w+")) is None
    assert required_words(re.compile(r"(?:pay)+ment")) == {"ment"}
    assert required_words(re.compile(r"ẞtraße", re.I)) == {"sstrasse"}


def _texts() -> list[str]:
    """The sentences of the text of every fixture and corpus mail."""
    paths = sorted(FIXTURES.glob("emails/*.eml")) + sorted(FIXTURES.glob("corpus/*/*.eml"))
    if CORPORA.is_dir():
        paths += sorted(CORPORA.glob("*/*.eml"))
    texts: list[str] = []
    for path in paths:
        msg = message_from_bytes(path.read_bytes(), policy=policy.compat32)
        texts.append(str(msg.get("Subject", "")))
        for part in msg.walk():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and part.get_content_maintype() == "text":
                texts.extend(sentences_of(payload.decode("utf-8", "replace"), 1_000))
    assert len(texts) > 1000
    return texts


def _may_match_each(text: str) -> frozenset[int] | None:
    """The cues may_match lets run on ``text``, one by one."""
    if folded(text) is None:
        return None
    return frozenset(n for n, c in enumerate(CUES) if may_match(c.words, folded(text)))


def _holds_every(candidates: frozenset[int] | None, each: frozenset[int] | None) -> bool:
    """Whether the index lets run every cue may_match lets run (it may let more run: those
    with a word too short to index)."""
    if candidates is None or each is None:
        return candidates is None and each is None
    return candidates >= each


def test_no_cue_skipped_on_a_corpus_sentence_matches_it() -> None:
    index = WordIndex([c.words for c in CUES])
    texts = _texts()
    wrong = [
        (c.family, text)
        for text in texts
        for c in CUES
        if not may_match(c.words, folded(text)) and c.pattern.search(text)
    ]
    assert wrong == []
    assert [t for t in texts if not _holds_every(index.candidates(t), _may_match_each(t))] == []


_PIECES = st.sampled_from(
    [
        *sorted({w for c in CUES for w in c.words or ()})[::7],
        "STATEMENT",
        "Kontoauszug",
        "RÉCLAMATION",
        "\u0130",
        "\u0131",
        "\u017f",
        "\u212a",
        "ß",
        " ",
        ", ",
        "?",
        "invoice",
        "please",
        "send",
        "copy",
        "not",
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=10).map("".join))
def test_no_cue_skipped_on_any_text_matches_it(text: str) -> None:
    assert _holds_every(WordIndex([c.words for c in CUES]).candidates(text), _may_match_each(text))
    for c in CUES:
        if not may_match(c.words, folded(text)):
            assert c.pattern.search(text) is None, c.family


def test_word_index_finds_words_at_every_position_and_keeps_short_ones_always() -> None:
    index = WordIndex([frozenset({"total"}), frozenset({"ab", "xyzw"}), None, frozenset({"tal"})])
    assert index.candidates("Subtotal") == {0, 1, 2, 3}
    assert index.candidates("nothing here") == {1, 2}
    assert index.candidates("TOTA L") == {1, 2}
    assert index.candidates("\u0131") is None


def _vocabulary_patterns() -> list[re.Pattern[str]]:
    found = [
        value
        for value in vars(vocabulary).values()
        if isinstance(value, re.Pattern) and LETTER_AHEAD in value.pattern
    ]
    assert len(found) >= 5
    return found


def _without_lead(pattern: re.Pattern[str]) -> re.Pattern[str]:
    return re.compile(pattern.pattern.replace(LETTER_AHEAD, "", 1), pattern.flags)


def test_every_character_a_first_letter_matches_is_one_the_letter_lookahead_takes() -> None:
    # Given the first letter of every word of the vocabulary patterns
    firsts = {
        word[0] for words in (vocabulary.TOTAL_WORDS, vocabulary.SUBTOTAL_WORDS) for word in words
    } | set("sàrtcf")
    ahead = re.compile(LETTER_AHEAD, re.IGNORECASE)
    # Then each character case-insensitive matching takes for one passes the lookahead
    missed = {
        (letter, found)
        for letter in firsts
        for found in re.findall(re.escape(letter), EVERY_CHARACTER, re.IGNORECASE)
        if not ahead.match(found)
    }
    assert missed == set()


def test_starts_with_letter() -> None:
    assert starts_with_letter(r"(?:total|sub-?\s?totals?|à\s+reporter|c/f)", re.I)
    assert not starts_with_letter(r"(?:total|#\d+)")
    assert not starts_with_letter(r"(?:a?bc)")
    assert not starts_with_letter(r"(?:\w+)")


def test_vocabulary_patterns_match_as_without_the_lookahead_on_corpus_lines() -> None:
    lines = [line for text in _texts() for line in text.splitlines()]
    lines += [
        line
        for path in sorted(FIXTURES.glob("corpus/*/*.txt")) + sorted(FIXTURES.glob("**/*.csv"))
        for line in path.read_text(errors="replace").splitlines()
    ]
    for pattern in _vocabulary_patterns():
        plain = _without_lead(pattern)
        for method in ("search", "match"):
            wrong = [
                line
                for line in lines
                if _span(getattr(pattern, method)(line)) != _span(getattr(plain, method)(line))
            ]
            assert wrong == [], (pattern.pattern, method)


def _span(match: re.Match[str] | None) -> tuple[int, int] | None:
    return None if match is None else match.span()


_ROW_PIECES = st.sampled_from(
    ["Total", "SUBTOTAL", "Sub-total", "Summe", "Zwischensumme", "c/f", "b/f", "à reporter",
     "report", "reporté", "continued", "cont'd", "Seite", "page total", "gesamtbetrag",
     "amount paid", "INV-1001", "2026-10-01", "1,234.56", "_", "-", " ", "  ", "1", "\u212a",
     "\u017f", "\u0130", "\u0131", "é", "x", "9total", "total9", "(", ")", ":"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_ROW_PIECES, max_size=10).map("".join))
def test_vocabulary_patterns_match_as_without_the_lookahead(text: str) -> None:
    for pattern in _vocabulary_patterns():
        plain = _without_lead(pattern)
        assert _span(pattern.search(text)) == _span(plain.search(text))
        assert _span(pattern.match(text)) == _span(plain.match(text))

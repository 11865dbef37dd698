"""The words every match of a regular expression contains, so that a pattern is not run on
text that holds none of them. Pure: no IO.

Running the 101 question cues of :mod:`parsers.intent` over a sentence cost about 0.3 ms (a
tenth of reading a one-page remittance mail, bench/read_mail.py), although most sentences
hold none of the words the cues are made of. :func:`required_words` reads a compiled
pattern's parse tree (the standard library's ``re._parser``, which ``re.compile`` uses) and
gives strings such that every match contains one of them; :func:`may_match` says whether a
text can hold a match at all. The comparison is on casefolded text, which is sound for
case-sensitive and case-insensitive patterns alike: every character ``re.IGNORECASE``
matches to a letter casefolds as that letter does, except those of :data:`FOLD_EXCEPTIONS`
(tests/unit/parsers/test_regex_words.py checks every code point), and a text with one of
those is never skipped.

A pattern whose tree cannot be read, or that has no word every match needs (``\\d+``,
``a?``, a lookahead), gives None: it always runs.
"""

from __future__ import annotations

import importlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

_sre: Any
_sre_parse: Any
try:  # the parser re.compile uses (private, so not in typeshed); CPython 3.11 and later
    _sre = importlib.import_module("re._constants")
    _sre_parse = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover  (another Python: no words, every pattern runs)
    _sre = _sre_parse = None

#: Letters that case-insensitive matching folds where ``str.casefold`` does not (dotted and
#: dotless i; long s and the Kelvin sign, which casefold does fold, are here as in
#: :mod:`parsers.payment_info`): a text with one is never skipped.
FOLD_EXCEPTIONS = frozenset("\u0130\u0131\u017f\u212a")
#: Words: a match holds one of them (casefolded); None: nothing is known.
Words = frozenset[str] | None


def required_words(pattern: re.Pattern[str]) -> Words:
    """Casefolded strings of which every match of ``pattern`` contains one, or None."""
    if _sre_parse is None or not isinstance(pattern.pattern, str):
        return None
    try:
        tree = _sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # a private parser: anything it raises means "no words"
        return None
    words = _of_sequence(list(tree))
    return words if words and all(words) else None


def folded(text: str) -> str | None:
    """``text`` casefolded for :func:`may_match`; None when it holds a letter of
    :data:`FOLD_EXCEPTIONS` (then every pattern runs)."""
    return text.casefold() if FOLD_EXCEPTIONS.isdisjoint(text) else None


def may_match(words: Words, folded_text: str | None) -> bool:
    """Whether a pattern with ``words`` may match the text that :func:`folded` gave."""
    return words is None or folded_text is None or any(w in folded_text for w in words)


def starts_with_letter(pattern: str, flags: int = 0) -> bool:
    """Whether every match of ``pattern`` starts with a letter (its first node, in every
    alternative, is a letter written literally); False when the tree cannot be read.

    A pattern that does may be prefixed with ``(?=[^\\W\\d_])`` without changing a match:
    case-insensitive matching pairs letters with letters only. Where the pattern starts
    with ``\\b`` that lookahead makes the engine give up at once at the many word starts
    that are digits (a table row of references, dates and amounts): 3 -> 1 us a row for
    :data:`parsers.vocabulary.TOTAL_RE`."""
    if _sre_parse is None:
        return False
    try:
        tree = _sre_parse.parse(pattern, flags)
    except Exception:  # a private parser: anything it raises means "cannot tell"
        return False
    return _starts_with_letter(list(tree))


def _starts_with_letter(items: list[tuple[Any, Any]]) -> bool:
    if not items:
        return False
    op, av = items[0]
    if op is _sre.LITERAL:
        return chr(av).isalpha()
    if op is _sre.IN:
        return all(o is _sre.LITERAL and chr(v).isalpha() for o, v in av)
    if op is _sre.SUBPATTERN:
        return _starts_with_letter(list(av[3]))
    if op is _sre.BRANCH:
        return all(_starts_with_letter(list(alternative)) for alternative in av[1])
    return False


def _of_sequence(items: Iterable[tuple[Any, Any]]) -> Words:
    """Words of a sequence of nodes: every node must match, so the words of any one node do;
    runs of literal characters are one word."""
    found: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is _sre.LITERAL:
            run.append(chr(av))
            continue
        if run:
            found.append(frozenset({"".join(run).casefold()}))
            run = []
        words = _of_node(op, av)
        if words is not None:
            found.append(words)
    if run:
        found.append(frozenset({"".join(run).casefold()}))
    # the most telling words: the longest shortest word, then the fewest words
    return max(found, key=lambda w: (min(map(len, w)), -len(w)), default=None)


def _of_node(op: Any, av: Any) -> Words:
    if op is _sre.SUBPATTERN:
        return _of_sequence(list(av[3]))
    if op is _sre.ATOMIC_GROUP:
        return _of_sequence(list(av))
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        low, _, body = av
        return _of_sequence(list(body)) if low >= 1 else None
    if op is _sre.BRANCH:  # each alternative must give words
        every: set[str] = set()
        for alternative in av[1]:
            words = _of_sequence(list(alternative))
            if words is None:
                return None
            every |= words
        return frozenset(every)
    return None  # a class, any character, an anchor, a lookaround, a back-reference


#: Words shorter than this are not indexed: a pattern with one is always a candidate.
_KEY_CHARS = 3


class WordIndex:
    """Which of many patterns may match a text, by :func:`may_match` on each, found at once:
    the words are looked up by their first three letters at every position of the text
    (a sentence against the 878 words of the 101 question cues took 40 us word by word)."""

    def __init__(self, words: Sequence[Words]) -> None:
        self._size = len(words)
        self._always = frozenset(
            n for n, found in enumerate(words) if found is None or min(map(len, found)) < _KEY_CHARS
        )
        self._by_key: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for number, found in enumerate(words):
            if number not in self._always and found is not None:
                for word in found:
                    self._by_key[word[:_KEY_CHARS]].append((word, number))

    def candidates(self, text: str) -> frozenset[int] | None:
        """The numbers of the patterns that may match ``text``; None: every one may."""
        folded_text = folded(text)
        if folded_text is None:
            return None
        found = set(self._always)
        by_key = self._by_key
        for start in range(len(folded_text) - _KEY_CHARS + 1):
            for word, number in by_key.get(folded_text[start : start + _KEY_CHARS], ()):
                if number not in found and folded_text.startswith(word, start):
                    found.add(number)
        return frozenset(found)

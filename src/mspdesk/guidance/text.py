"""Words for the search index: tokenising and a small English stemmer.

The stemmer only folds the endings that matter for finding guidance
("pensions" -> "pension", "rejected"/"rejection" -> "reject"); it is not
Porter. The index and the query use the same functions, so a stem only has to
be consistent, not a real word.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

# Words joined by hyphens or slashes are also indexed joined ("co-operative" ->
# "cooperative"), so both spellings find each other.
_JOINERS = re.compile(r"[-/]")
_WORD = re.compile(r"[0-9a-z]+(?:['’][a-z]+)?(?:[-/][0-9a-z]+)*", re.IGNORECASE | re.ASCII)

# Too common to tell pages apart; a compact string reads better than 60 list items.
STOPWORDS = frozenset(
    """a an and are as at be been but by can do does for from has have how i if in into is
    it its may must not of on or our should so than that the their them then there these
    they this those to was we were what when where which who whom why will with would you
    your""".split()  # noqa: SIM905
)

_MIN_STEM = 3
# Final double consonants to undo after stripping -ed/-ing ("transferred" -> "transfer").
_UNDOUBLE = frozenset("bdfgkmnprt")


class Token(NamedTuple):
    """A word found in text: its stem, its lower-case surface form and where it is."""

    stem: str
    word: str
    start: int
    end: int


def tokenise(text: str, *, keep_stopwords: bool = False) -> list[Token]:
    """The words of `text` with character offsets, stemmed, stopwords dropped."""
    tokens: list[Token] = []
    append = tokens.append
    for match in _WORD.finditer(text):
        whole = match.group().lower()
        start = match.start()
        if "-" not in whole and "/" not in whole:  # the common case, kept fast
            word = _drop_possessive(whole) if "'" in whole or "’" in whole else whole
            if keep_stopwords or word not in STOPWORDS:
                append(Token(stem(word), word, start, match.end()))
            continue
        parts = _JOINERS.split(whole)
        offset = start
        for part in parts:
            word = _drop_possessive(part)
            if word and (keep_stopwords or word not in STOPWORDS):
                append(Token(stem(word), word, offset, offset + len(part)))
            offset += len(part) + 1
        joined = "".join(_drop_possessive(part) for part in parts)
        append(Token(stem(joined), joined, start, match.end()))
    return tokens


def _drop_possessive(word: str) -> str:
    for mark in ("'s", "’s"):
        if word.endswith(mark):
            return word[: -len(mark)]
    return word.replace("'", "").replace("’", "")


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A crude stem of a lower-case word: plural, then one derivational ending, then final e."""
    if len(word) <= _MIN_STEM or word.isdigit():
        return word
    word = _strip_plural(word)
    word = _strip_ending(word)
    if word.endswith("e") and len(word) > _MIN_STEM:
        word = word[:-1]
    return word


def _strip_plural(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith(("ches", "shes", "xes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "ous")):
        return word[:-1]
    return word


def _strip_ending(word: str) -> str:
    if word.endswith("ied") and len(word) > 4:
        return word[:-3] + "y"
    for ending, min_stem in (
        ("ation", 4),
        ("ion", 4),
        ("ment", 4),
        ("ing", 3),
        ("ed", 3),
        ("ly", 4),
    ):
        if word.endswith(ending) and len(word) - len(ending) >= min_stem:
            base = word[: -len(ending)]
            if ending in ("ing", "ed") and _is_doubled(base):
                base = base[:-1]
            return base
    return word


def _is_doubled(base: str) -> bool:
    return len(base) > 3 and base[-1] == base[-2] and base[-1] in _UNDOUBLE

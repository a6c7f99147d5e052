"""Tokenising and the small stemmer: word families fold together, offsets stay exact."""

from __future__ import annotations

import pytest

from mspdesk.guidance.text import stem, tokenise


@pytest.mark.parametrize(
    "family",
    [
        ["pension", "pensions"],
        ["reject", "rejected", "rejecting", "rejection", "rejections"],
        ["tax", "taxes"],
        ["consult", "consultation", "consultations", "consulting", "consulted"],
        ["transfer", "transfers", "transferred", "transferring"],
        ["procure", "procured", "procurement", "procurements"],
        ["body", "bodies"],
        ["case", "cases"],
        ["cic", "cics"],
        ["option", "options"],
        ["threshold", "thresholds"],
        ["express", "expression", "expressions"],
    ],
)
def test_word_families_share_a_stem(family: list[str]) -> None:
    assert len({stem(word) for word in family}) == 1, {word: stem(word) for word in family}


@pytest.mark.parametrize("word", ["status", "analysis", "process", "union", "bus", "tupe", "30"])
def test_words_that_only_look_inflected_keep_their_shape(word: str) -> None:
    assert stem(word) in (word, word[:-1])
    assert len(stem(word)) >= min(len(word), 3)


def test_tokens_carry_offsets_and_skip_stopwords() -> None:
    text = "The Adviser's view of TUPE"
    tokens = tokenise(text)
    assert [(token.word, text[token.start : token.end]) for token in tokens] == [
        ("adviser", "Adviser's"),
        ("view", "view"),
        ("tupe", "TUPE"),
    ]
    assert [token.word for token in tokenise(text, keep_stopwords=True)][:2] == ["the", "adviser"]


def test_hyphenated_words_give_parts_and_the_joined_word() -> None:
    words = [token.word for token in tokenise("multi-stakeholder co-operatives")]
    assert words == ["multi", "stakeholder", "multistakeholder", "co", "operatives", "cooperatives"]
    assert stem("cooperatives") == stem("cooperative")

"""The sentence splitter: abbreviations, initials, numbers and line breaks in several languages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressmon._detect import split_sentences


def _sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Alpine will enter the U.S. market in 2027. AutoNation will sell the cars.",
            ["Alpine will enter the U.S. market in 2027.", "AutoNation will sell the cars."],
        ),
        (
            "M. Krief l'a confirmé. Les É.-U. attendront 2028 ! Pourquoi ? Les droits de douane.",
            [
                "M. Krief l'a confirmé.",
                "Les É.-U. attendront 2028 !",
                "Pourquoi ?",
                "Les droits de douane.",
            ],
        ),
        (
            "Alpine llegará a EE. UU. en 2027. Lo dijo el Sr. Krief.",
            ["Alpine llegará a EE. UU. en 2027.", "Lo dijo el Sr. Krief."],
        ),
        (
            "Der Start ist z. B. für 2027 geplant. Alpine bestätigt das.",
            ["Der Start ist z. B. für 2027 geplant.", "Alpine bestätigt das."],
        ),
        (
            "The A110 costs 3.5 times more. Dr. Rossi said so.",
            ["The A110 costs 3.5 times more.", "Dr. Rossi said so."],
        ),
        (
            "« Nous irons aux États-Unis. » Philippe Krief l'a dit.",
            ["« Nous irons aux États-Unis. »", "Philippe Krief l'a dit."],
        ),
        (
            "Title line\nBody sentence one. Body two.",
            ["Title line", "Body sentence one.", "Body two."],
        ),
        (
            "J. Smith met Alpine. then lower case goes on",
            ["J. Smith met Alpine. then lower case goes on"],
        ),
    ],
    ids=["us", "fr-m-eu", "es-eeuu", "de-zb", "decimal-dr", "quotes", "lines", "initial-lower"],
)
def test_split(text: str, expected: list[str]) -> None:
    """Abbreviations and initials do not end sentences; punctuation before a capital does."""
    assert _sentences(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Ab. !?\n«»U.S.É-1 ")), max_size=80))
def test_spans_are_ordered_trimmed_slices(text: str) -> None:
    """Property: spans are in order, do not overlap, and are the text without outer spaces."""
    previous_end = 0
    for start, end in split_sentences(text):
        assert previous_end <= start < end <= len(text)
        assert text[start:end] == text[start:end].strip()
        previous_end = end
    covered = "".join(text[start:end] for start, end in split_sentences(text))
    assert covered.replace(" ", "") == "".join(text.split())

"""Text folding: case, accents, typography, and offsets back into the original text."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from pressmon._detect import fold

_WORD = re.compile(r"\w+")
# Latin text with the characters that make folding interesting: accents (composed and
# decomposed), ß/œ/æ that grow, soft hyphens and zero-width spaces that vanish,
# typographic apostrophes, dashes and spaces.
_SPECIAL = [
    "ß",
    "œ",
    "Æ",
    "’",
    "‑",
    "—",
    "\u00a0",
    "\u202f",
    "\u00ad",
    "\u200b",
    "e\u0301",
    "İ",
    "Ｕ",
]
_ALPHABET = st.sampled_from([*"abcdeÉéèêëàâäçîïôöùûüÿñAZUS. -'", *_SPECIAL])
_TEXTS = st.lists(_ALPHABET, max_size=60).map("".join)


def test_case_accents_and_typography_fold() -> None:
    """États-Unis, ETATS‑UNIS and Etats-Unis fold alike; d’Alpine gets a plain apostrophe."""
    assert fold("États-Unis").text == fold("ETATS\u2011UNIS").text == "etats-unis"
    assert fold("d’Alpine").text == "d'alpine"
    assert fold("l\u2019Amérique\u00a0du Nord").text == "l'amerique du nord"
    assert fold("Straße").text == "strasse"
    assert fold("Œuvre").text == "oeuvre"


def test_decomposed_accents_and_invisible_characters_vanish() -> None:
    """A decomposed é folds like a composed one; a soft hyphen does not split a word."""
    assert fold("Ame\u0301rique").text == fold("Amérique").text == "amerique"
    assert fold("Alpi\u00adne").text == "alpine"
    assert fold("Auto\u200bNation").text == "autonation"


def test_kana_keep_their_marks() -> None:
    """Japanese sound marks are not accents: ピ does not become ヒ."""
    assert fold("アルピーヌ").text == unicodedata.normalize("NFKC", "アルピーヌ")


def test_offsets_of_an_expanded_character() -> None:
    """Offsets after ß → ss point back at the original characters."""
    folded = fold("große Pläne")
    assert folded.text == "grosse plane"
    start = folded.text.index("plane")
    assert folded.original[folded.start(start) : folded.end(start + 5)] == "Pläne"
    assert folded.original[folded.start(0) : folded.end(6)] == "große"


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_every_folded_word_maps_back_to_a_slice_that_folds_to_it(text: str) -> None:
    """Property: for each word of the folded text, the original slice folds to that word."""
    folded = fold(text)
    previous = 0
    for index in range(len(folded.text)):
        mapped = folded.start(index)
        assert 0 <= mapped < len(text)
        assert mapped >= previous  # offsets never go backwards
        previous = mapped
    for match in _WORD.finditer(folded.text):
        start, end = folded.start(match.start()), folded.end(match.end())
        assert fold(text[start:end]).text == match.group()


@settings(max_examples=200, deadline=None)
@given(_TEXTS)
def test_folding_is_idempotent(text: str) -> None:
    """Property: folding folded text changes nothing."""
    once = fold(text).text
    assert fold(once).text == once


def test_the_fast_table_agrees_with_the_general_rule() -> None:
    """The table of common characters folded at C speed says what fold_char says."""
    from pressmon._detect._fold import _COMMON, fold_char

    for char, folded in _COMMON:
        assert fold_char(char) == folded, char

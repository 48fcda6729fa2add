"""Languages: declared ones normalized to ISO 639-1, the others detected or left unknown."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressmon._lang import (
    _ANY_SCRIPT,
    _LANGUAGES_OF_WORD,
    _MIN_HITS,
    _SAMPLE_CHARS,
    _SCRIPTS,
    _WORD,
    detect_language,
    normalize_language,
)


@pytest.mark.parametrize(
    ("declared", "expected"),
    [("fr-FR", "fr"), ("en_US", "en"), ("DE", "de"), ("fra", "fr"), ("French", "fr"),
     ("", None), (None, None), ("x-klingon-42", None), ("??", None)],
)  # fmt: skip
def test_normalize_declared_language(declared: str | None, expected: str | None) -> None:
    """Declarations in the usual forms become two-letter codes; unusable ones become None."""
    assert normalize_language(declared) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Le groupe Renault étudie la possibilité de se déployer aux États-Unis avec la marque.",
            "fr",
        ),
        ("The company said it would start selling the cars in the United States next year.", "en"),
        ("Die Marke will in den USA mit einem neuen Modell auf den Markt kommen, sagte er.", "de"),
        ("La marca quiere entrar en el mercado de Estados Unidos con un nuevo modelo.", "es"),
        ("Il marchio vuole entrare nel mercato degli Stati Uniti con un nuovo modello.", "it"),
        ("A marca quer entrar no mercado dos Estados Unidos com um novo modelo, disse.", "pt"),
        ("Новая модель появится в США в следующем году", "ru"),
        ("アルピーヌが米国市場に参入する", "ja"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    """A sentence of news prose is enough to tell the main languages apart."""
    assert detect_language(text) == expected


@pytest.mark.parametrize("text", ["", "Alpine A110", "12 345", "AutoNation Alpine F1"])
def test_too_little_evidence_gives_none(text: str) -> None:
    """Proper nouns and numbers alone have no language: None rather than a guess."""
    assert detect_language(text) is None


def _counted_word_by_word(text: str) -> str | None:
    """The detector's rule, written plainly: count every function word, one by one."""
    sample = text[:_SAMPLE_CHARS]
    for code, pattern in _SCRIPTS:
        if len(pattern.findall(sample)) >= 2:
            return code
    hits: Counter[str] = Counter()
    for word in _WORD.findall(sample):
        hits.update(_LANGUAGES_OF_WORD.get(word.lower(), ()))
    if not hits:
        return None
    (best, best_hits), *rest = hits.most_common(2)
    runner_up = rest[0][1] if rest else 0
    if best_hits < _MIN_HITS or best_hits == runner_up:
        return None
    return best


_PIECES = [
    "le", "la", "the", "and", "der", "die", "de", "i", "İ", "I", "ΗΠΑ", "米国", "アメリカ",
    "США", "x", "Le", "LA", "é", "İstanbul", "ß", "Ǆ", "en", "und", "el", "  ", "\n", ",", "1",
    "the.", "le,", "l'the", "(de", "le_la", "de2", "²", "le²", "the\u00a0and", "«le»", "\x1cde",
    "\u2126", "\u212a", "JAK", "ΣΑΣ", "’", "ÉTÉ", "été", "\u0130le",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(_PIECES), max_size=60).map(" ".join), st.text()))
def test_the_detector_counts_as_word_by_word(text: str) -> None:
    """Counting each distinct word once (and skipping the script checks for Latin text)
    names the same language as counting every word on its own, whatever the text."""
    assert detect_language(text) == _counted_word_by_word(text)


def test_lower_case_keeps_each_characters_class_and_script() -> None:
    """What lets the detector lower-case a sample before cutting it into words: every
    character whose lower case is one character keeps its class (a letter of a word or
    not, as _WORD sees it) and, if it belongs to one of the scripts it checks, its block
    (the ohm sign's lower case is an omega, but it is not in the Greek block itself)."""
    every = "".join(map(chr, range(0x110000)))
    lowered = [(char, char.lower()) for char in every]
    same_length = [(char, low) for char, low in lowered if len(low) == 1]
    assert all(
        bool(_WORD.fullmatch(char)) == bool(_WORD.fullmatch(low)) for char, low in same_length
    )
    assert all(_ANY_SCRIPT.match(low) for char, low in same_length if _ANY_SCRIPT.match(char))

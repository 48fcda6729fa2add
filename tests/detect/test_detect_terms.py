"""Term matching: whole words, folding, elision, hyphens, wildcards, case, ignore phrases."""

from __future__ import annotations

from pressmon._detect import fold
from pressmon._detect._terms import Matcher


def _found(matcher: Matcher, text: str) -> list[tuple[int, str]]:
    return [(hit.group, text[hit.start : hit.end]) for hit in matcher.find(fold(text))]


def test_terms_match_whole_words_without_case_or_accents() -> None:
    """'Etats-Unis' finds États-Unis, ETATS UNIS and États‑Unis, never inside a longer word."""
    matcher = Matcher([(0, "États-Unis", False, False), (1, "plan", False, False)])
    assert _found(matcher, "Alpine vise les ETATS UNIS.") == [(0, "ETATS UNIS")]
    assert _found(matcher, "aux États\u2011Unis") == [(0, "États\u2011Unis")]
    assert _found(matcher, "planning and airplane") == []
    assert _found(matcher, "the plan.") == [(1, "plan")]


def test_elision_apostrophes_and_hyphens_are_word_boundaries() -> None:
    """l'Alpine, d’Alpine and Alpine-Chef all contain the word Alpine."""
    matcher = Matcher([(0, "Alpine", False, False)])
    for text in ("l'Alpine", "d’Alpine", "Alpine-Chef", "(Alpine)", "qu’Alpine"):
        assert _found(matcher, text) == [(0, "Alpine")], text


def test_wildcard_matches_the_rest_of_a_word() -> None:
    """'lanc*' finds lance, lancement and lancera; '*' only completes the word."""
    matcher = Matcher([(0, "lanc*", False, False), (1, "marché* américain*", False, False)])
    text = "Le lancement, la marque lancera ses ventes sur les marchés américains."
    assert _found(matcher, text) == [
        (0, "lancement"),
        (0, "lancera"),
        (1, "marchés américains"),
    ]


def test_exact_terms_keep_their_case() -> None:
    """'US' (exact) is the country; 'us' the pronoun does not count; accents still fold."""
    matcher = Matcher([(0, "US", True, False), (0, "EE.UU.", True, False)])
    assert _found(matcher, "Let us talk about the US launch") == [(0, "US")]
    assert _found(matcher, "llegará a EE.UU. en 2027") == [(0, "EE.UU.")]
    assert _found(matcher, "ee.uu.") == []


def test_longest_term_of_a_group_wins_and_groups_are_independent() -> None:
    """One group counts 'marché américain' once; another group still sees 'américain' in it."""
    matcher = Matcher(
        [
            (0, "marché américain", False, False),
            (0, "américain", False, False),
            (1, "américain", False, False),
        ]
    )
    assert _found(matcher, "le marché américain") == [(0, "marché américain"), (1, "américain")]


def test_ignore_phrases_cancel_the_terms_inside_them() -> None:
    """'Alpine Linux' (ignore) hides the Alpine inside it, not the Alpine elsewhere."""
    matcher = Matcher([(0, "Alpine", True, False), (0, "Alpine Linux", False, True)])
    text = "Alpine Linux runs at Alpine."
    assert [(group, term) for group, term in _found(matcher, text)] == [(0, "Alpine")]
    (hit,) = matcher.find(fold(text))
    assert hit.start == text.rindex("Alpine")


def test_unspaced_scripts_match_inside_runs() -> None:
    """Japanese terms match inside a run of characters with no spaces."""
    matcher = Matcher([(0, "アルピーヌ", False, False), (1, "米国", False, False)])
    assert _found(matcher, "アルピーヌ、米国市場への参入を延期") == [(0, "アルピーヌ"), (1, "米国")]


def test_latin_words_end_where_chinese_begins() -> None:
    """'Alpine推迟' holds the word Alpine: a CJK character is not part of a Latin word."""
    matcher = Matcher([(0, "Alpine", True, False), (1, "美国", False, False)])
    assert _found(matcher, "Alpine推迟进入美国市场") == [(0, "Alpine"), (1, "美国")]


def test_offsets_point_into_the_original_text() -> None:
    """Hits are offsets into the unfolded text, across characters that fold to two."""
    matcher = Matcher([(0, "Markteinführung", False, False)])
    text = "Die große Markteinführung"
    (hit,) = matcher.find(fold(text))
    assert text[hit.start : hit.end] == "Markteinführung"

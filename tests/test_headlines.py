"""Headlines as copies share them: folding, the aggregator's outlet, anchors, both rules."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pressmon._headlines import Headline, headline_of, same_story_nearly

CORPUS = Path(__file__).resolve().parent / "data" / "headlines"


def head(title: str, summary: str = "", outlet: str | None = None) -> Headline:
    headline = headline_of(title, summary, outlet)
    assert headline is not None
    return headline


def test_case_accents_punctuation_and_spacing_are_folded() -> None:
    """Two ways of writing one French headline give the same words."""
    a = head("Alpine arrive aux États-Unis : l'annonce")
    b = head("« alpine  arrive aux Etats Unis » – L’annonce!")
    assert a.exact_key == b.exact_key
    assert a.title == ("alpine", "arrive", "aux", "etats", "unis", "l", "annonce")


def test_google_news_suffix_and_summary_leave_the_headline_alone() -> None:
    """`Title - Outlet` with a summary repeating title and outlet is the bare title, whatever
    the outlet and its separator."""
    plain = head("Alpine et AutoNation s'associent")
    news = head(
        "Alpine et AutoNation s'associent - Les Échos",
        "Alpine et AutoNation s'associent\u00a0\u00a0Les Échos",
        "Les Échos",
    )
    piped = head("Alpine et AutoNation s’associent | Le Figaro", "", "Le Figaro")
    assert news.exact_key == plain.exact_key == piped.exact_key
    assert news.summary == ()


def test_a_trailing_segment_that_does_not_name_the_outlet_stays() -> None:
    """Only a suffix naming the item's outlet (or a part of its name) is removed: a dash in
    the headline itself is kept."""
    kept = head("Alpine A290 - the first drive", "", "Reuters")
    assert kept.title[-3:] == ("the", "first", "drive")
    partial = head("Alpine enters the US - Le Monde", "", "Le Monde.fr - Actualités")
    assert partial.title == ("alpine", "enters", "the", "us")


def test_anchors_are_numbers_dates_names_and_negations() -> None:
    """Capitalized words, numbers, month names and negations are anchors; articles are not,
    even capitalized at the start."""
    headline = head("Le groupe Renault ne lancera pas Alpine en mai 2027, deux modèles")
    assert headline.anchors == ("2027", "alpine", "deux", "mai", "ne", "pas", "renault")


@pytest.mark.parametrize(
    ("first", "second", "near"),
    [
        ("Alpine to enter the US market in 2027", "Alpine to enter the US market in 2028", False),
        ("Alpine confirms its US launch with AutoNation", "Alpine postpones its US launch with AutoNation", False),
        ("Alpine will launch its SUV in the US", "Alpine will not launch its SUV in the US", False),
        ("Alpine opens its new store in Texas", "Alpine opens its new store in Florida", False),
        ("Alpine launches its electric SUV in Texas", "Alpine launched its electric SUV in Texas", True),
        ("Alpine reporte son arrivée aux États-Unis", "Alpine reportera son arrivée aux États-Unis", True),
        ("Alpine unveils its electric SUV for America", "Alpine unveils electric SUV for America", True),
        ("Alpine plans US", "Alpine planned US", False),  # too short to be joined nearly
    ],
)  # fmt: skip
def test_the_near_rule(first: str, second: str, near: bool) -> None:
    """Near: one word's ending or an article may change; a year, a verb, a place, a
    negation may not; short titles are only joined exactly. Exact never joins these."""
    a, b = head(first), head(second)
    assert same_story_nearly(a, b) is near
    assert same_story_nearly(b, a) is near
    assert a.exact_key != b.exact_key


def test_a_headline_survives_the_store() -> None:
    """What the store keeps reads back as the same headline."""
    headline = head("Renault bestätigt den US-Marktstart für 2027", "Ein Händlernetz", "FAZ")
    assert Headline.decode(headline.encode()) == headline
    assert headline_of("", "a summary") is None


_WORDS = st.sampled_from(
    "alpine Renault launches launched the its US market electric SUV in 2027 2028 "
    "not Texas plans planned le son arrivée reporte reportera".split()
)


@given(st.lists(_WORDS, min_size=1, max_size=9), st.lists(_WORDS, min_size=1, max_size=9))
def test_every_near_pair_shares_the_index_key(left: list[str], right: list[str]) -> None:
    """The index finds every pair the near rule joins: two headlines `same_story_nearly`
    joins always have the same `near_key`."""
    a, b = head(" ".join(left)), head(" ".join(right))
    if same_story_nearly(a, b):
        assert a.near_key == b.near_key


def _corpus(name: str) -> list[tuple[str, str, str, Headline]]:
    rows = []
    for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
        group, language, kind, title, summary, outlet = line.split("\t")
        rows.append((group, language, kind, head(title, summary, outlet)))
    return rows


def test_no_false_merge_on_the_corpus_of_distinct_headlines() -> None:
    """On 2,250 headlines of different stories in five languages (thousands of pairs one
    word or phrase apart), neither rule joins two of them."""
    rows = _corpus("distinct.tsv")
    assert len(rows) >= 2000 and len({language for _, language, _, _ in rows}) == 5
    headlines = [headline for *_, headline in rows]
    exact = Counter(headline.exact_key for headline in headlines)
    assert max(exact.values()) == 1
    by_anchors: dict[tuple[str, ...], list[Headline]] = {}
    for headline in headlines:
        by_anchors.setdefault(headline.anchors, []).append(headline)
    joined = [
        (a.title, b.title)
        for group in by_anchors.values()
        for i, a in enumerate(group)
        for b in group[i + 1 :]
        if same_story_nearly(a, b)
    ]
    assert joined == []


def test_copies_are_joined_to_their_story() -> None:
    """An aggregator's suffix, case, accents and punctuation: joined by both rules; an
    article dropped: joined nearly; no copy is joined to another story."""
    stories = {group: headline for group, _, _, headline in _corpus("distinct.tsv")}
    for group, _, kind, copy in _corpus("copies.tsv"):
        original = stories[group]
        others = [h for g, h in stories.items() if g != group and h.anchors == copy.anchors]
        assert not any(same_story_nearly(copy, other) for other in others), (group, kind)
        if kind in ("outlet suffix", "case, accents, punctuation"):
            assert copy.exact_key == original.exact_key, (group, kind)
        if kind == "article dropped":
            assert same_story_nearly(copy, original), (group, kind)

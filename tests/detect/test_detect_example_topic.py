"""The example topic in examples/: another brand's US launch, with the same engine."""

from __future__ import annotations

import pytest
from conftest import ROOT

from pressmon import Article, detect, load_topic

TOPIC = load_topic(ROOT / "examples" / "cupra-us-launch.toml")


@pytest.mark.parametrize(
    "article",
    [
        Article(title="Cupra delays its U.S. market entry"),
        Article(title="Cupra confirma su llegada a Estados Unidos en 2027"),
        Article(title="Cupra verschiebt die Markteinführung in den USA"),
        Article(
            title="Cupra's American plan",
            summary="The Spanish brand will sell the Formentor and Terramar to US customers "
            "through its own dealers from 2028.",
        ),
    ],
    ids=["en", "es", "de", "summary"],
)
def test_cupra_us_news_is_flagged(article: Article) -> None:
    """News of Cupra's US launch is flagged by the example topic, in several languages."""
    assert [flag.topic for flag in detect(article, [TOPIC])] == ["cupra-us-launch"]


@pytest.mark.parametrize(
    "article",
    [
        Article(title="Alpine delays its U.S. launch"),
        Article(title="Cupra Formentor review: fast and practical"),
        Article(title="Cupra opens a new showroom in Madrid"),
        Article(title="Cupra extends FC Barcelona deal for the club's US tour"),
        Article(title="Cupra Tavascan launches in Mexico and Latin America"),
    ],
    ids=["alpine", "review", "spain", "football", "latin-america"],
)
def test_lookalikes_are_not_flagged(article: Article) -> None:
    """Another brand's US launch, Cupra's home news and football sponsorship do not count."""
    assert detect(article, [TOPIC]) == []


def test_the_example_and_the_builtin_topic_do_not_interfere() -> None:
    """Detecting both topics at once gives each article to its own topic only."""
    cupra = Article(title="Cupra delays its U.S. market entry")
    alpine = Article(title="Alpine delays its U.S. market entry")
    both = [TOPIC, "alpine-us-expansion"]
    assert [flag.topic for flag in detect(cupra, both)] == ["cupra-us-launch"]
    assert [flag.topic for flag in detect(alpine, both)] == ["alpine-us-expansion"]

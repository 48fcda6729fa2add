"""detect(): the contract the rest of pressmon relies on, on the seed and obvious look-alikes."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressmon import Article, TopicError, detect, read_path

TOPIC = "alpine-us-expansion"


def test_seed_is_flagged_with_evidence_about_autonation_or_the_us_market(seed_path: Path) -> None:
    """The seed is flagged; its evidence quotes the AutoNation / American-market sentences."""
    (article,) = read_path(seed_path)
    flags = detect(article)
    assert [flag.topic for flag in flags] == [TOPIC]
    flag = flags[0]
    assert 0.5 <= flag.score <= 1.0
    quoted = " ".join(evidence.text for evidence in flag.evidence)
    assert "AutoNation" in quoted or "marché américain" in quoted


def test_evidence_offsets_point_into_the_original_field(seed_path: Path) -> None:
    """Evidence and term offsets slice the original (unfolded) field text exactly."""
    (article,) = read_path(seed_path)
    for evidence in detect(article)[0].evidence:
        field = article.field_text(evidence.field)
        assert field[evidence.start : evidence.end] == evidence.text
        for match in evidence.matches:
            assert field[match.start : match.end] == match.term
            assert evidence.start <= match.start < match.end <= evidence.end


@pytest.mark.parametrize(
    "lookalike",
    [
        Article(
            title="F1 : Gasly septième à Miami, Alpine marque des points",
            summary="L’écurie Alpine a profité du Grand Prix de Miami, aux États-Unis, "
            "pour marquer des points.",
        ),
        Article(
            title="Ski alpin : les Américaines dominent le slalom",
            text="L'équipe des États-Unis de ski alpin a signé un doublé à Killington.",
        ),
        Article(
            title="Alpine Linux 3.20 released",
            text="The Alpine Linux project released version 3.20; US mirrors are in sync.",
        ),
    ],
    ids=["f1-race", "alpine-skiing", "alpine-linux"],
)
def test_obvious_lookalikes_are_not_flagged(lookalike: Article) -> None:
    """An Alpine F1 race report, Alpine skiing and Alpine Linux are not Alpine's US expansion."""
    assert detect(lookalike) == []


def test_article_without_text_is_not_flagged() -> None:
    """An empty article is simply not flagged."""
    assert detect(Article(title="")) == []


def test_topics_can_be_selected_by_name(seed_path: Path) -> None:
    """Asking for the topic by name gives the same flag; an unknown name is an error."""
    (article,) = read_path(seed_path)
    assert [flag.topic for flag in detect(article, [TOPIC])] == [TOPIC]
    with pytest.raises(TopicError, match="unknown topic 'no-such-topic'"):
        detect(article, ["no-such-topic"])

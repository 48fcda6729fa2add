"""The built-in topic on each look-alike category, in several languages, and on true cases.

These articles are written for this test (they are not in the labelled sets), one
or two per category and language, so a regression names the category it breaks.
"""

from __future__ import annotations

import pytest

from pressmon import Article, detect, explain

TOPIC = "alpine-us-expansion"

LOOKALIKES = {
    "f1-en": Article(
        title="Gasly takes a point for Alpine at the United States Grand Prix in Austin"
    ),
    "f1-fr": Article(
        title="GP de Las Vegas : week-end difficile pour Alpine",
        summary="Les deux Alpine ont terminé hors des points aux États-Unis.",
    ),
    "f1-de": Article(title="Formel 1 in Miami: Alpine holt mit Colapinto einen Punkt in den USA"),
    "f1-es": Article(title="Colapinto y Alpine, sin puntos en el Gran Premio de Estados Unidos"),
    "f1-investors": Article(title="US investors buy a stake in Alpine's Formula 1 team"),
    "ski-en": Article(title="U.S. Alpine team names World Cup squad; Shiffrin leads"),
    "ski-fr": Article(title="Ski alpin : les Américaines s'imposent en slalom aux États-Unis"),
    "ski-de": Article(title="Alpine Ski-WM: US-Läuferin gewinnt die Abfahrt"),
    "linux": Article(title="Alpine Linux 3.22 released; US mirrors are in sync"),
    "linux-docker": Article(
        title="Alpine vs Debian for Docker images",
        text="Alpine is tiny, but musl can surprise you. Our US clusters moved to Debian images.",
    ),
    "electronics": Article(
        title="Alpine Electronics of America shows new receivers",
        summary="The car audio maker will sell the head units through US dealers this spring.",
    ),
    "electronics-de": Article(title="Alpine bringt neue Autoradios und Verstärker in die USA"),
    "town-tx": Article(title="Alpine, Texas prepares for record tourism season in the US"),
    "town-ut": Article(title="Alpine city council in Utah approves new park for residents"),
    "bank": Article(title="Alpine Bank expands across the U.S. West with new branches"),
    "plants": Article(title="Alpine plants bloom earlier across the US Rockies as climate warms"),
    "cupra-en": Article(title="Cupra delays its U.S. launch until 2030"),
    "cupra-es": Article(title="Cupra retrasa su llegada a Estados Unidos"),
    "alfa-it": Article(title="Alfa Romeo prepara il rilancio negli Stati Uniti"),
    "peugeot-fr": Article(title="Peugeot envisage un retour aux États-Unis"),
    "lancia": Article(title="Lancia rules out a US launch"),
    "china": Article(title="Alpine to launch in China with Geely's help"),
    "japan-fr": Article(title="Alpine s'installe au Japon"),
    "uk": Article(title="Alpine A390 order books open in the UK; prices from 60,000 pounds"),
    "argentina": Article(title="Alpine desembarca en Argentina y apuesta por América Latina"),
    "history": Article(
        title="The Alpine A310 story",
        text="Renault sold cars in America through AMC in the 1980s, but the Alpine A310 "
        "was never offered there.",
    ),
    "us-pronoun": Article(title="Alpine tells us about the A290's launch in Europe"),
}

POSITIVES = {
    "en-title": Article(title="Alpine delays its U.S. launch as tariffs bite - Reuters"),
    "en-summary": Article(
        summary="Renault's sports car brand will enter the United States in 2027, "
        "selling through AutoNation dealerships."
    ),
    "fr-title": Article(title="Alpine reporte son arrivée aux États-Unis"),
    "fr-elision": Article(title="Le projet américain d’Alpine mis en pause"),
    "de-title": Article(title="Alpine verschiebt den US-Start"),
    "es-title": Article(title="Alpine llegará a EE.UU. en 2027"),
    "it-title": Article(title="Alpine rinvia lo sbarco negli Stati Uniti"),
    "pt-title": Article(title="Alpine adia chegada aos EUA"),
    "f1-with-market-talk": Article(
        title="AutoNation sponsors Alpine's F1 team in Miami",
        summary="The deal is a first step before AutoNation dealers sell Alpine road cars "
        "in the US.",
    ),
    "one-sentence-in-group-story": Article(
        title="Renault reports first-half results",
        text="Renault's margin rose thanks to Dacia. Costs were cut across the group.\n\n"
        "Alpine's planned launch in the United States has been postponed, the CFO said.\n\n"
        "The shares rose.",
    ),
    "headline-subject": Article(
        title="Interview: Alpine's chief executive on the brand's future",
        text="We met Philippe Krief in Dieppe. Asked about new markets, he was clear.\n\n"
        "The brand will go to the United States after Japan, with dealers in big cities.",
    ),
}


@pytest.mark.parametrize("name", sorted(LOOKALIKES))
def test_lookalikes_are_not_flagged(name: str) -> None:
    """Another Alpine, another brand, another market: not Alpine's US expansion."""
    article = LOOKALIKES[name]
    assert detect(article, [TOPIC]) == [], explain(article, TOPIC).reason


@pytest.mark.parametrize("name", sorted(POSITIVES))
def test_true_cases_are_flagged_with_evidence(name: str) -> None:
    """Titles, summaries and full texts about the US plan are flagged, with evidence."""
    article = POSITIVES[name]
    flags = detect(article, [TOPIC])
    assert [flag.topic for flag in flags] == [TOPIC], explain(article, TOPIC).reason
    flag = flags[0]
    assert flag.threshold is not None and flag.score >= flag.threshold
    assert flag.evidence
    groups = {group.group for group in flag.groups}
    assert {"brand", "market"} <= groups
    for evidence in flag.evidence:
        field = article.field_text(evidence.field)
        assert field[evidence.start : evidence.end] == evidence.text
        for match in evidence.matches:
            assert field[match.start : match.end] == match.term

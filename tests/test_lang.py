"""Languages: declared ones normalized to ISO 639-1, the others detected or left unknown."""

from __future__ import annotations

import pytest

from pressmon._lang import detect_language, normalize_language


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

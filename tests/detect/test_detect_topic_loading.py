"""Topics as data: loading TOML, validation errors that name the file, the key and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressmon import Article, Topic, TopicError, builtin_topics, detect, load_topic
from pressmon._detect import resolve_topics

_VALID = """
name = "tiny"
threshold = 0.5
[rule]
all = ["brand", "market"]
[groups.brand.exact]
common = ["Cupra"]
[groups.market.terms]
en = ["United States"]
[groups.expansion]
weight = 1.5
[groups.expansion.terms]
en = ["launch*"]
"""


def _write(tmp_path: Path, text: str, name: str = "topic.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_loads_and_detects(tmp_path: Path) -> None:
    """A small topic file is all the engine needs to flag an article."""
    topic = load_topic(_write(tmp_path, _VALID))
    assert isinstance(topic, Topic) and topic.name == "tiny"
    flags = detect(Article(title="Cupra launches in the United States"), [topic])
    assert [flag.topic for flag in flags] == ["tiny"]
    assert detect(Article(title="Cupra launches in Spain"), [topic]) == []


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (("threshold = 0.5", "threshold = 1.5"), "threshold", "less than 1"),
        (
            ('all = ["brand", "market"]', 'all = ["brand", "markt"]'),
            "rule.all.1",
            "unknown group 'markt'",
        ),
        (
            ('en = ["launch*"]', 'en = ["la*nch"]'),
            "groups.expansion.terms.en.0",
            "may only end a word",
        ),
        (
            ('en = ["launch*"]', 'english = ["launch"]'),
            "groups.expansion.terms",
            "not a language key",
        ),
        (
            ("[groups.expansion]\nweight = 1.5", "[groups.expansion]\nwieght = 1.5"),
            "groups.expansion.wieght",
            "unknown key (allowed here: description, exact, ignore, scope, terms, weight)",
        ),
        (('name = "tiny"', 'name = "Tiny Topic"'), "name", "lower-case"),
        (('common = ["Cupra"]', 'common = ["Cup*"]'), "groups.brand.exact.common.0", "not allowed"),
    ],
    ids=["threshold", "dangling-group", "wildcard", "language", "typo", "name", "exact-wildcard"],
)
def test_errors_name_the_file_the_key_and_the_problem(
    tmp_path: Path, change: tuple[str, str], key: str, words: str
) -> None:
    """Each mistake gives a TopicError with .path, the dotted .key and a readable message."""
    path = _write(tmp_path, _VALID.replace(*change))
    with pytest.raises(TopicError) as caught:
        load_topic(path)
    error = caught.value
    assert error.path == str(path)
    assert error.key is not None and error.key.startswith(key)
    assert words in str(error)
    assert str(path) in str(error)


def test_unknown_key_lists_the_allowed_ones(tmp_path: Path) -> None:
    """A typo in a key is answered with the keys allowed there."""
    path = _write(tmp_path, _VALID.replace("[rule]", "[rule]\nwindw = 3"))
    with pytest.raises(TopicError, match="allowed here: all, any, focus, headline, window"):
        load_topic(path)


def test_invalid_toml_missing_file_and_missing_keys(tmp_path: Path) -> None:
    """Broken TOML, a missing file and a missing required key are TopicErrors too."""
    with pytest.raises(TopicError, match="invalid TOML"):
        load_topic(_write(tmp_path, "name = 'x'\n[rule\n"))
    with pytest.raises(TopicError, match="no such topic file"):
        load_topic(tmp_path / "missing.toml")
    with pytest.raises(TopicError) as caught:
        load_topic(_write(tmp_path, 'name = "x"\n[groups.a.terms]\nen = ["a"]\n'))
    assert caught.value.key == "rule" and "required" in str(caught.value)


def test_a_group_without_terms_is_refused(tmp_path: Path) -> None:
    """A concept group needs at least one term."""
    text = _VALID + "\n[groups.empty]\nweight = 1.0\n"
    with pytest.raises(TopicError) as caught:
        load_topic(_write(tmp_path, text))
    assert caught.value.key == "groups.empty"


def test_resolve_topics_accepts_names_paths_and_objects(tmp_path: Path) -> None:
    """Names, .toml paths and Topic objects resolve; an unknown name is a TopicError."""
    path = _write(tmp_path, _VALID)
    builtin = builtin_topics()["alpine-us-expansion"]
    topics = resolve_topics(["alpine-us-expansion", str(path), path, builtin])
    assert [topic.name for topic in topics] == ["alpine-us-expansion", "tiny"]
    assert [topic.name for topic in resolve_topics(None)] == sorted(builtin_topics())
    with pytest.raises(TopicError, match=r"unknown topic 'nope'.*alpine-us-expansion"):
        resolve_topics(["nope"])
    with pytest.raises(TopicError, match="no such topic file"):
        resolve_topics([str(tmp_path / "other.toml")])


def test_two_different_topics_with_one_name_are_refused(tmp_path: Path) -> None:
    """Two topic files that share a name but differ cannot be used together."""
    first = _write(tmp_path, _VALID, "a.toml")
    second = _write(tmp_path, _VALID.replace("0.5", "0.6"), "b.toml")
    with pytest.raises(TopicError, match="two different topics are named 'tiny'"):
        resolve_topics([first, second])


def test_topics_can_be_written_in_python() -> None:
    """A Topic built in Python is frozen and works like a file."""
    topic = Topic(
        name="py",
        rule={"all": ["brand"]},
        groups={"brand": {"exact": {"common": ["Cupra"]}}},
        scoring={"bias": -1.0},
    )
    with pytest.raises(ValueError, match="frozen"):
        topic.name = "other"  # type: ignore[misc]  # the point of the test
    assert detect(Article(title="Cupra"), [topic])[0].topic == "py"


def test_builtin_topics_are_package_data() -> None:
    """The built-in topic is read from the package and describes itself."""
    topic = builtin_topics()["alpine-us-expansion"]
    assert {"en", "fr", "de", "es", "it"} <= set(topic.languages)
    assert topic.baseline and topic.description

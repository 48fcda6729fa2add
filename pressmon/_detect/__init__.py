"""Topic detection: which monitored topics an article mentions, with the evidence.

A topic is data ([`Topic`][pressmon.Topic], written in TOML or Python): concept groups of
terms per language, a rule saying which groups must meet within a window of
sentences, exclusions, field weights and a calibrated score. The engine
matches every term of every topic in one pass over folded text, then windows,
excludes and scores each topic; [`explain`][pressmon.explain] shows the whole analysis.

    >>> import pressmon
    >>> article = pressmon.Article(title="Alpine confirms its U.S. launch for 2027")
    >>> [flag.topic for flag in pressmon.detect(article)]
    ['alpine-us-expansion']

See `docs/topics.md` for how detection works and how to write a topic.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Union

from pressmon._detect._engine import Engine
from pressmon._detect._fold import fold
from pressmon._detect._sentences import split_sentences
from pressmon._detect._topic import Topic, load_topic, topic_from_mapping
from pressmon.exceptions import TopicError
from pressmon.models import Article, Explanation, Flag

__all__ = [
    "Topic",
    "TopicSpec",
    "builtin_topics",
    "detect",
    "explain",
    "fold",
    "load_topic",
    "resolve_topics",
    "split_sentences",
    "topic_from_mapping",
]

TopicSpec = Union[str, "os.PathLike[str]", Topic]
"""A topic as callers name it: a built-in name, the path of a TOML file, or a Topic."""

_ENGINES: dict[tuple[str, ...], Engine] = {}
_FILES: dict[tuple[str, int, int], Topic] = {}


@cache
def _builtins() -> dict[str, Topic]:
    folder = resources.files("pressmon._detect") / "topics"
    topics: dict[str, Topic] = {}
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".toml"):
            topic = load_topic(Path(str(entry)))
            topics[topic.name] = topic
    return topics


def builtin_topics() -> dict[str, Topic]:
    """The topics that ship with pressmon, by name.

    Returns:
        A new dict from each built-in topic's name (`alpine-us-expansion`, ...)
        to its [`Topic`][pressmon.Topic]; changing it changes nothing in pressmon.
    """
    return dict(_builtins())


def _looks_like_path(spec: str) -> bool:
    return spec.endswith(".toml") or "/" in spec or os.sep in spec


def _load_file(path: str | os.PathLike[str]) -> Topic:
    shown = os.fspath(path)
    try:
        stat = os.stat(shown)
    except OSError:
        return load_topic(shown)  # raises the right TopicError
    key = (os.path.abspath(shown), stat.st_mtime_ns, stat.st_size)
    topic = _FILES.get(key)
    if topic is None:
        topic = load_topic(shown)
        if len(_FILES) > 256:
            _FILES.clear()
        _FILES[key] = topic
    return topic


def resolve_topics(specs: Iterable[TopicSpec] | TopicSpec | None = None) -> list[Topic]:
    """Turn topic names, topic file paths and Topic objects into Topics.

    Args:
        specs: built-in names (`"alpine-us-expansion"`), paths of topic TOML
            files (anything ending in `.toml` or holding a `/`), Topic
            objects, or a mix; one of them alone; None for every built-in topic.

    Returns:
        The topics, in the order given, each name once.

    Raises:
        TopicError: an unknown name, a topic file that cannot be read or is
            invalid, or two different topics with the same name.
    """
    builtins = _builtins()
    if specs is None:
        return list(builtins.values())
    if isinstance(specs, (str, Topic, os.PathLike)):
        specs = [specs]
    resolved: list[Topic] = []
    by_name: dict[str, Topic] = {}
    for spec in specs:
        if isinstance(spec, Topic):
            topic = spec
        elif isinstance(spec, os.PathLike):
            topic = _load_file(spec)
        elif isinstance(spec, str):
            if spec in builtins and not _looks_like_path(spec):
                topic = builtins[spec]
            elif _looks_like_path(spec) or os.path.isfile(spec):
                topic = _load_file(spec)
            else:
                raise TopicError(
                    f"unknown topic {spec!r} (built-in topics: {', '.join(sorted(builtins))}; "
                    "or give the path of a topic .toml file)"
                )
        else:
            raise TypeError(f"a topic is a name, a path or a Topic, not {type(spec).__name__}")
        previous = by_name.get(topic.name)
        if previous is not None:
            if previous.fingerprint != topic.fingerprint:
                raise TopicError(
                    f"two different topics are named {topic.name!r}; rename one of them",
                    key="name",
                )
            continue
        by_name[topic.name] = topic
        resolved.append(topic)
    return resolved


def _engine_for(topics: list[Topic]) -> Engine:
    key = tuple(topic.fingerprint for topic in topics)
    engine = _ENGINES.get(key)
    if engine is None:
        engine = Engine(topics)
        if len(_ENGINES) > 32:
            _ENGINES.clear()
        _ENGINES[key] = engine
    return engine


def detect(article: Article, topics: Iterable[TopicSpec] | TopicSpec | None = None) -> list[Flag]:
    """Return the topics an article is flagged for, strongest first.

    Args:
        article: the article to read (title, summary and text).
        topics: built-in topic names, paths of topic TOML files, or Topic
            objects; every built-in topic when None.

    Returns:
        One [`Flag`][pressmon.Flag] per topic whose score reaches its threshold, with the
        evidence sentences and the terms of each group that matched.

    Raises:
        TopicError: an unknown topic name or an invalid topic file.
    """
    selected = resolve_topics(topics)
    if not selected:
        return []
    flags = _engine_for(selected).flags(article)
    flags.sort(key=lambda flag: -flag.score)
    return flags


def explain(article: Article, topic: TopicSpec) -> Explanation:
    """The full analysis of an article for one topic, flagged or not.

    It lists the groups found and their terms, the groups the rule needs that
    are missing, the exclusions that fired, every window where the rule's
    groups meet (with its weight and strength), each field's contribution,
    and the score against the threshold.

    Args:
        article: the article to analyse.
        topic: a built-in topic name, the path of a topic `.toml` file, or a
            [`Topic`][pressmon.Topic].

    Returns:
        The [`Explanation`][pressmon.Explanation]; `str()` of it is what
        `pressmon explain` prints.

    Raises:
        TopicError: an unknown topic name or an invalid topic file.
    """
    (selected,) = resolve_topics([topic])
    (explanation,) = _engine_for([selected]).analyze(article)
    return explanation

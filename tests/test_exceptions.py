"""The exception tree: one root, context attached, and errors that survive pickling."""

from __future__ import annotations

import pickle

import pytest

from pressmon import exceptions
from pressmon.exceptions import (
    ConfigError,
    FetchError,
    NotAFeedError,
    ParseError,
    PressmonError,
    SourceError,
    StateConnectionError,
    StateCorruptError,
    TopicError,
)

EXAMPLES = [
    SourceError("feeds/a.xml", "empty file"),
    ParseError("feed", "not a feed", url="https://x.test/f"),
    NotAFeedError("feed", "an HTML page", url="https://x.test/", feeds=["https://x.test/rss"]),
    FetchError("https://x.test/f", "timeout", "no answer within 30 s"),
    TopicError("groups.market.terms must not be empty", path="t.toml", key="groups.market.terms"),
    ConfigError("expected a list", path="c.toml", key="feeds.2.url"),
    StateCorruptError("not a pressmon database", path="state.db"),
    StateConnectionError("cannot connect", path="postgresql://pressmon@db.example/pressmon"),
]


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda error: type(error).__name__)
def test_errors_pickle_with_their_context(error: PressmonError) -> None:
    """Errors cross process boundaries (process pools) with their message and attributes."""
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes, just written
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert vars(copy) == vars(error)


def test_every_exception_derives_from_the_root() -> None:
    """Every exception class the module defines is a PressmonError."""
    classes = [
        value
        for value in vars(exceptions).values()
        if isinstance(value, type) and issubclass(value, BaseException)
    ]
    assert classes and all(issubclass(cls, PressmonError) for cls in classes)


def test_located_errors_name_the_file_and_the_key() -> None:
    """Topic and config errors say which file and which key are wrong."""
    error = ConfigError("must be an http(s) URL", path="monitor.toml", key="feeds.2.url")
    assert str(error) == "monitor.toml, key 'feeds.2.url': must be an http(s) URL"
    assert (error.path, error.key) == ("monitor.toml", "feeds.2.url")

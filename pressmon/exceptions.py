"""The exceptions pressmon raises.

Every exception pressmon raises on purpose derives from [`PressmonError`][pressmon.PressmonError],
so `except pressmon.PressmonError` catches all of them and nothing else.
Each carries the context needed to act on it (the source, URL, file or key)
as attributes, and its message names that context too::

    PressmonError
    ├── SourceError            a local source (file, directory, stdin) cannot be read   .source
    │   └── ParseError         bytes that are not a document pressmon can read          .source .url
    │       └── NotAFeedError  an HTML page where a feed was expected                   .feeds
    ├── FetchError             an HTTP fetch failed (kind: timeout, too_large, ...)      .url .kind
    ├── ExtractionError        a page's main text could not be extracted                .url
    ├── TopicError             a topic file or definition is invalid                    .path .key
    ├── ConfigError            the monitor's configuration is invalid                   .path .key
    └── StoreError             the state database cannot be used                        .path
        ├── StateCorruptError  the state file is not a pressmon database or is damaged
        ├── StateVersionError  the state was written by a newer pressmon
        ├── StateLockedError   another run holds the state
        └── StateConnectionError
                               the state server (PostgreSQL) cannot be reached or used

Library calls that process many inputs at once (`fetch`, `scan`) do not
raise for one bad input: they report it in their result and go on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "ConfigError",
    "ExtractionError",
    "FetchError",
    "NotAFeedError",
    "ParseError",
    "PressmonError",
    "SourceError",
    "StateConnectionError",
    "StateCorruptError",
    "StateLockedError",
    "StateVersionError",
    "StoreError",
    "TopicError",
]


class PressmonError(Exception):
    """The root of every exception pressmon raises on purpose."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Subclasses take their context (source, url, key, ...) as arguments that
        # Exception's default pickling, cls(*self.args), would lose. Rebuild from
        # the instance's state instead, so errors cross process pools intact.
        return (_restore, (type(self), self.args, self.__dict__))


def _restore(cls: type[PressmonError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class SourceError(PressmonError):
    """A local source cannot be read.

    Attributes:
        source: the path (or `-` for standard input) that failed.
        reason: the human explanation, without the source.
    """

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class ParseError(SourceError):
    """Bytes that are not a document pressmon can read (feed, page, JSON).

    Attributes:
        url: the URL the bytes came from, when known.
    """

    def __init__(self, source: str, reason: str, *, url: str | None = None) -> None:
        super().__init__(source, reason)
        self.url = url


class NotAFeedError(ParseError):
    """An HTML page was given where a feed was expected.

    Attributes:
        feeds: the feed URLs the page advertises with `<link rel="alternate">`,
            so the caller can switch to one of them.
    """

    def __init__(
        self, source: str, reason: str, *, url: str | None = None, feeds: Sequence[str] = ()
    ) -> None:
        super().__init__(source, reason, url=url)
        self.feeds = tuple(feeds)


class FetchError(PressmonError):
    """An HTTP fetch failed.

    Attributes:
        url: the URL that was requested.
        kind: one of `timeout`, `too_large`, `http_status`, `redirect_loop`,
            `too_many_redirects`, `connection`, `tls`, `not_a_feed`,
            `parse`, `blocked`, `gone`.
    """

    def __init__(self, url: str, kind: str, message: str) -> None:
        self.url = url
        self.kind = kind
        self.message = message
        super().__init__(f"{url}: {message}")


class ExtractionError(PressmonError):
    """A page's main text could not be extracted.

    Attributes:
        url: the page URL, when known.
    """

    def __init__(self, message: str, *, url: str | None = None) -> None:
        self.url = url
        super().__init__(f"{url}: {message}" if url else message)


class _LocatedError(PressmonError):
    """An error in a file of settings: names the file, the key and the fix."""

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None) -> None:
        self.path = path
        self.key = key
        self.message = message
        where = ", ".join(part for part in (path, f"key {key!r}" if key else None) if part)
        super().__init__(f"{where}: {message}" if where else message)


class TopicError(_LocatedError):
    """A topic file or definition is invalid.

    Attributes:
        path: the topic file, when the topic came from one.
        key: the dotted key that is wrong (`groups.market.terms.fr`), when known.
    """


class ConfigError(_LocatedError):
    """The monitor's configuration is invalid.

    Attributes:
        path: the configuration file.
        key: the dotted key that is wrong (`feeds.2.url`), when known.
    """


class StoreError(PressmonError):
    """The state database cannot be used.

    Attributes:
        path: the database file, or the server's URL (never with a password).
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class StateCorruptError(StoreError):
    """The state file is not a pressmon database, or it is damaged."""


class StateVersionError(StoreError):
    """The state was written by a newer pressmon than this one."""


class StateLockedError(StoreError):
    """Another run holds the state and did not release it in time."""


class StateConnectionError(StoreError):
    """The state server (PostgreSQL) cannot be reached, refused the login, or dropped the
    connection; the message names the server and what to check."""

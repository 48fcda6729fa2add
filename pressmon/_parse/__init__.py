"""Feed bytes -> [`ParsedFeed`][pressmon.ParsedFeed].

The parsers in this package only turn bytes into raw records (`._raw`);
`._normalize` makes articles of them. [`parse_feed`][pressmon.parse_feed] picks
the parser from the bytes themselves (JSON Feed or XML), refuses HTML pages
with the list of feeds they advertise, and always hands XML parsers a
document without DOCTYPE (`._xmlsafety`).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from datetime import datetime
from typing import Literal

from pressmon._parse._alternates import advertised_feeds
from pressmon._parse._feedparser import parse_with_feedparser
from pressmon._parse._jsonfeed import parse_json_feed
from pressmon._parse._normalize import normalize_feed
from pressmon._parse._raw import RawFeed
from pressmon._parse._sniff import sniff
from pressmon._parse._xmlsafety import make_xml_safe
from pressmon.exceptions import NotAFeedError, ParseError
from pressmon.models import ParsedFeed

__all__ = ["ParserChoice", "parse_feed", "parse_raw", "use_parser"]

ParserChoice = Literal["auto", "feedparser", "fast"]
_PARSER: ContextVar[ParserChoice] = ContextVar("pressmon_parser", default="auto")


@contextlib.contextmanager
def use_parser(choice: ParserChoice) -> Iterator[None]:
    """Choose the XML parse path inside a `with` block (tests and benchmarks).

    `auto` (the default) tries the fast lxml path and falls back to
    feedparser when it is unsure; `feedparser` always uses feedparser;
    `fast` uses only the fast path and lets its `Unsure` escape.
    """
    token = _PARSER.set(choice)
    try:
        yield
    finally:
        _PARSER.reset(token)


def _lower_keys(headers: Mapping[str, str] | None) -> dict[str, str]:
    return {str(name).lower(): str(value) for name, value in (headers or {}).items()}


def parse_raw(
    data: bytes, *, url: str | None = None, headers: Mapping[str, str] | None = None
) -> RawFeed:
    """Parse feed bytes into a raw feed, without normalizing.

    Raises:
        NotAFeedError: the bytes are an HTML page (`.feeds` lists what it advertises).
        ParseError: the bytes are empty, binary, or not a feed.
    """
    source = url or "feed"
    kind = sniff(data)
    if kind == "empty":
        raise ParseError(source, "empty document", url=url)
    if kind == "binary":
        raise ParseError(source, "binary data, not a feed", url=url)
    if kind == "json":
        return parse_json_feed(data, source=source)
    if kind == "html":
        feeds = advertised_feeds(data, url)
        hint = f"; it advertises {len(feeds)} feed(s): {', '.join(feeds)}" if feeds else ""
        raise NotAFeedError(source, f"an HTML page, not a feed{hint}", url=url, feeds=feeds)
    safe = make_xml_safe(data)
    headers = _lower_keys(headers)
    if _PARSER.get() != "feedparser":
        from pressmon._parse._fast import Unsure, parse_fast

        try:
            raw = parse_fast(safe, url=url, headers=headers)
        except Unsure:
            if _PARSER.get() == "fast":
                raise
        else:
            if safe.warnings:
                raw = dataclasses.replace(raw, warnings=safe.warnings + raw.warnings)
            return raw
    try:
        raw, recognized = parse_with_feedparser(safe, url=url, headers=headers)
    except RecursionError:
        raise ParseError(source, "document nested too deeply", url=url) from None
    except Exception as error:  # feedparser's loose parser can fail on anything hostile
        raise ParseError(
            source, f"cannot parse: {type(error).__name__}: {error}", url=url
        ) from None
    if not recognized:
        detail = f" ({raw.warnings[0]})" if raw.warnings else ""
        raise ParseError(source, f"not a feed: no RSS, Atom or RDF content found{detail}", url=url)
    if safe.warnings:
        raw = dataclasses.replace(raw, warnings=safe.warnings + raw.warnings)
    return raw


def parse_feed(
    data: bytes,
    *,
    url: str | None = None,
    headers: Mapping[str, str] | None = None,
    fetched_at: datetime | None = None,
) -> ParsedFeed:
    """Parse a feed (RSS 0.9x/1.0/2.0, Atom, JSON Feed 1.0/1.1) from its bytes.

    The character encoding comes from `headers` (``Content-Type: ...;
    charset=``), the XML declaration or the byte order mark, in that order.
    No entity declared in the document is ever expanded and nothing outside
    the bytes is ever read.

    Args:
        data: the document's raw bytes.
        url: where the bytes came from: the feed URL of the articles, and the
            base for relative links.
        headers: the HTTP response headers, if the bytes came over HTTP.
        fetched_at: the time to stamp on the articles (default: now).

    Returns:
        The feed's metadata and its normalized articles.

    Raises:
        NotAFeedError: the bytes are an HTML page; `.feeds` lists the feeds it advertises.
        ParseError: the bytes are empty, binary, or no feed at all.
        TypeError: `data` is not bytes (a `str` has lost the encoding the feed declares).

    Examples:
        >>> feed = parse_feed(b'<rss version="2.0"><channel><title>Demo</title>'
        ...                   b'<item><title>Hello</title></item></channel></rss>')
        >>> feed.version, [article.title for article in feed.articles]
        ('rss20', ['Hello'])
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(
            f"parse_feed takes the feed's bytes, not {type(data).__name__}: pass the bytes "
            "as read or received (response.content, Path.read_bytes()), so that the encoding "
            "the feed declares is honoured"
        )
    headers = _lower_keys(headers)
    raw = parse_raw(bytes(data), url=url, headers=headers)
    return normalize_feed(raw, url=url, headers=headers, fetched_at=fetched_at)

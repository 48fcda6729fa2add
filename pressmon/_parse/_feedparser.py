"""The reference parse path: feedparser, for RSS 0.9x/1.0/2.0, Atom and every ill-formed feed.

feedparser is always given a byte stream (never a string, which it would try
to open as a file name or fetch as a URL) from which the DOCTYPE was removed
(see `._xmlsafety`). Its HTML sanitizer and relative-URI rewriting are
turned off because pressmon never keeps HTML: every text construct is reduced
to plain text by `_text`, which drops scripts and styles.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from pressmon._dates import from_struct_time
from pressmon._parse._raw import RawDate, RawEntry, RawFeed, RawText

__all__ = ["build_raw_feed", "parse_with_feedparser"]


def _text(detail: Any, fallback: Any = None) -> RawText | None:
    """Read a feedparser text construct (`title_detail`, `summary_detail`, a content item)."""
    if detail:
        value = detail.get("value")
        if value is None:
            return None
        content_type = (detail.get("type") or "").lower()
        return RawText(
            value=str(value),
            is_html="html" in content_type,
            language=detail.get("language") or None,
        )
    if fallback:
        return RawText(value=str(fallback))
    return None


def _date(entry: Mapping[str, Any], name: str) -> RawDate | None:
    # dict.get, not entry.get: FeedParserDict answers "updated" with the
    # published date (and a DeprecationWarning) when there is no update date.
    text = dict.get(entry, name)  # type: ignore[call-overload]
    parsed = from_struct_time(dict.get(entry, f"{name}_parsed"))  # type: ignore[call-overload]
    if not text and parsed is None:
        return None
    # The fast path's own reading of this very text, when it made one.
    read = dict.get(entry, f"{name} read")  # type: ignore[call-overload]
    if not (isinstance(read, tuple) and read[0] == text):
        read = None
    return RawDate(text=str(text) if text else None, parsed=parsed, read=read[1] if read else None)


def _authors(entry: Mapping[str, Any]) -> tuple[str, ...]:
    names: list[str] = []
    for author in entry.get("authors") or ():
        name = author.get("name") if isinstance(author, Mapping) else None
        if name:
            names.append(str(name))
    if not names and entry.get("author"):
        names.append(str(entry["author"]))
    return tuple(names)


def _tags(entry: Mapping[str, Any]) -> tuple[str, ...]:
    tags: list[str] = []
    for tag in entry.get("tags") or ():
        if isinstance(tag, Mapping):
            term = tag.get("label") or tag.get("term")
            if term:
                tags.append(str(term))
    return tuple(tags)


def _image(entry: Mapping[str, Any]) -> str | None:
    for item in entry.get("media_content") or ():
        medium = (item.get("medium") or "").lower()
        kind = (item.get("type") or "").lower()
        if item.get("url") and (medium == "image" or kind.startswith("image/")):
            return str(item["url"])
    for item in entry.get("media_thumbnail") or ():
        if item.get("url"):
            return str(item["url"])
    for link in entry.get("links") or ():
        kind = (link.get("type") or "").lower()
        if link.get("rel") == "enclosure" and kind.startswith("image/") and link.get("href"):
            return str(link["href"])
    image = entry.get("image")
    if isinstance(image, Mapping) and image.get("href"):
        return str(image["href"])
    return None


def _entry(entry: Mapping[str, Any], *, is_rss: bool) -> RawEntry:
    content = tuple(
        text for item in entry.get("content") or () if (text := _text(item)) is not None
    )
    title = _text(entry.get("title_detail"), entry.get("title"))
    summary = _text(entry.get("summary_detail"), entry.get("summary"))
    source = entry.get("source")
    source_name = source_url = None
    if isinstance(source, Mapping):
        source_name = source.get("title") or None
        source_url = source.get("href") or None
    link = entry.get("link") or None
    guid = entry.get("id") or entry.get("guid") or None
    language = next(
        (text.language for text in (title, summary, *content) if text and text.language), None
    )
    published = _date(entry, "published")
    updated = _date(entry, "updated")
    if is_rss and published is None:
        # feedparser files Dublin Core's dc:date under "updated"; in RSS it is
        # the date the item was published (RSS 1.0 has no other).
        published, updated = updated, None
    return RawEntry(
        guid=str(guid).strip() if guid else None,
        link=str(link).strip() if link else None,
        title=title,
        summary=summary,
        content=content,
        authors=_authors(entry),
        published=published,
        updated=updated,
        tags=_tags(entry),
        language=language,
        image=_image(entry),
        source_name=str(source_name) if source_name else None,
        source_url=str(source_url) if source_url else None,
    )


def _self_link(feed: Mapping[str, Any]) -> str | None:
    for link in feed.get("links") or ():
        if link.get("rel") == "self" and link.get("href"):
            return str(link["href"])
    return None


def _site_link(feed: Mapping[str, Any]) -> str | None:
    for link in feed.get("links") or ():
        if link.get("rel") == "alternate" and link.get("href"):
            return str(link["href"])
    link = feed.get("link")
    return str(link) if link else None


def parse_with_feedparser(
    data: bytes, *, url: str | None = None, headers: Mapping[str, str] | None = None
) -> tuple[RawFeed, bool]:
    """Parse feed bytes with feedparser.

    Args:
        data: the document, already made safe (no DOCTYPE).
        url: where it came from, used to resolve relative links.
        headers: the HTTP response headers, lower-cased names (charset, language).

    Returns:
        The parsed feed, and whether feedparser recognized a feed at all.
    """
    import feedparser

    response_headers = dict(headers or {})
    if url and "content-location" not in response_headers:
        response_headers["content-location"] = url
    result = feedparser.parse(
        io.BytesIO(data),
        response_headers=response_headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    warnings: list[str] = []
    if result.get("bozo"):
        exception = result.get("bozo_exception")
        message = str(exception) if exception is not None else "not well-formed"
        kind = type(exception).__name__
        if kind == "CharacterEncodingOverride":
            warnings.append(f"encoding: {message}")
        elif kind == "NonXMLContentType":
            # Only meaningful over HTTP: a local file has no Content-Type to get wrong.
            if "content-type" in response_headers:
                warnings.append(f"content type: {message}")
        else:
            warnings.append(f"feed is not well-formed XML: {message}")
    feed = result.get("feed") or {}
    version = str(result.get("version") or "")
    recognized = bool(version) or bool(result.get("entries"))
    raw = build_raw_feed(feed, result.get("entries") or (), version, tuple(warnings))
    return raw, recognized


def build_raw_feed(
    feed: Mapping[str, Any],
    entries: Iterable[Mapping[str, Any]],
    version: str,
    warnings: tuple[str, ...],
    *,
    parser: str = "feedparser",
) -> RawFeed:
    """Turn feedparser-shaped dictionaries (feed, entries) into a `RawFeed`.

    The fast path (`._fast`) builds the same dictionaries and goes through
    here too, so both paths map feedparser's keys to raw records one way.
    """
    is_rss = version.startswith("rss")
    return RawFeed(
        version=version,
        title=_text(feed.get("title_detail"), feed.get("title")),
        link=_site_link(feed),
        self_url=_self_link(feed),
        subtitle=_text(feed.get("subtitle_detail"), feed.get("subtitle")),
        language=feed.get("language") or None,
        updated=_date(feed, "updated"),
        entries=tuple(_entry(entry, is_rss=is_rss) for entry in entries),
        warnings=warnings,
        parser=parser,
    )

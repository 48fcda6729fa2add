"""Parsed entries -> [`Article`][pressmon.Article]: one code path for every format.

Here, and only here, a raw entry becomes an article: links are resolved and
canonicalized, HTML is reduced to plain text, dates are read with their
precision, the language is taken from the declarations or detected, and the
stable id is derived.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from pressmon._dates import is_decided_here, parse_date
from pressmon._lang import detect_language, normalize_language
from pressmon._parse._raw import RawDate, RawEntry, RawFeed, RawText
from pressmon._text import plain_text
from pressmon._urls import canonicalize_url, is_http_url
from pressmon.models import Article, DatePrecision, ParsedFeed, Source, make_article_id

__all__ = ["FeedContext", "normalize_entry", "normalize_feed", "read_date", "unique"]


@dataclass(frozen=True)
class FeedContext:
    """What every entry of one feed shares."""

    feed_url: str | None
    site_url: str | None
    name: str | None
    language: str | None

    @functools.cached_property
    def source(self) -> Source:
        """The source of the entries that do not name their own publisher (built once)."""
        return Source(name=self.name, url=self.site_url, feed_url=self.feed_url)


def read_date(raw: RawDate | None) -> tuple[datetime | None, DatePrecision | None]:
    """Return a raw date as UTC with its precision; (None, None) when it cannot be trusted."""
    if raw is None:
        return None, None
    if raw.read is not None and raw.parsed is None:
        # What parse_date(raw.text) gives: the parser read the text with it already.
        return raw.read
    if raw.text:
        parsed = parse_date(raw.text, other_formats=raw.parsed is None)
        if parsed is not None:
            return parsed
        if is_decided_here(raw.text):
            return None, None  # an impossible ISO date is dropped, not rolled over
    if raw.parsed is not None:
        return raw.parsed.astimezone(timezone.utc), "second"
    return None, None


def _plain(raw: RawText | None, seen: dict[tuple[str, bool], str] | None = None) -> str:
    if raw is None:
        return ""
    if seen is None:
        return plain_text(raw.value, is_html=raw.is_html)
    # Feeds often repeat one fragment (the summary is the content, or content
    # comes twice): reduce each distinct fragment to text once per entry.
    key = (raw.value, raw.is_html)
    text = seen.get(key)
    if text is None:
        text = seen[key] = plain_text(raw.value, is_html=raw.is_html)
    return text


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """Return the non-empty values, stripped, without duplicates, in their first order."""
    seen: dict[str, str] = {}  # casefolded -> first spelling
    for value in values:
        cleaned = " ".join(value.split())
        if cleaned and cleaned.casefold() not in seen:
            seen[cleaned.casefold()] = cleaned
    return tuple(seen.values())


def normalize_entry(entry: RawEntry, context: FeedContext, *, fetched_at: datetime) -> Article:
    """Turn one parsed entry into an article."""
    base = context.feed_url or context.site_url
    seen: dict[tuple[str, bool], str] = {}
    title = _plain(entry.title)
    summary = _plain(entry.summary, seen)
    # Feeds may carry several content versions (HTML and plain text): the
    # longest plain text is the most complete one.
    text = max((_plain(content, seen) for content in entry.content), key=len, default="")
    url = canonicalize_url(entry.link, base)
    if url is None and entry.guid and is_http_url(entry.guid):
        url = canonicalize_url(entry.guid)
    published, precision = read_date(entry.published)
    updated, _ = read_date(entry.updated)
    language = normalize_language(entry.language) or context.language
    if language is None:
        language = detect_language(f"{title}\n{summary}\n{text}")
    if entry.source_name:
        source = Source(
            name=entry.source_name,
            url=canonicalize_url(entry.source_url),
            feed_url=context.feed_url,
        )
    else:
        source = context.source
    image = canonicalize_url(entry.image, base) if entry.image else None
    # The id keys on the feed, not on the per-entry publisher: a story keeps its
    # id even when the feed names another outlet in its <source>.
    feed_key = context.feed_url or context.site_url or context.name or ""
    return Article(
        id=make_article_id(feed_key, entry.guid, url, title, text or summary),
        guid=entry.guid,
        url=url,
        title=title,
        summary=summary,
        text=text,
        authors=unique(plain_text(author) for author in entry.authors),
        published=published,
        published_precision=precision,
        updated=updated,
        language=language,
        source=source,
        tags=unique(plain_text(tag) for tag in entry.tags),
        image=image,
        fetched_at=fetched_at,
    )


def normalize_feed(
    raw: RawFeed,
    *,
    url: str | None,
    headers: Mapping[str, str] | None = None,
    fetched_at: datetime | None = None,
) -> ParsedFeed:
    """Turn a parsed feed into a [`ParsedFeed`][pressmon.ParsedFeed] of normalized articles."""
    fetched_at = fetched_at or datetime.now(timezone.utc)
    header_language = normalize_language((headers or {}).get("content-language", "").split(",")[0])
    feed_url = canonicalize_url(url) if url else canonicalize_url(raw.self_url)
    site_url = canonicalize_url(raw.link, feed_url)
    title = _plain(raw.title)
    context = FeedContext(
        feed_url=feed_url,
        site_url=site_url,
        name=title or None,
        language=normalize_language(raw.language) or header_language,
    )
    updated, _ = read_date(raw.updated)
    return ParsedFeed(
        url=feed_url,
        title=title,
        link=site_url,
        description=_plain(raw.subtitle),
        language=context.language,
        version=raw.version,
        updated=updated,
        articles=tuple(
            normalize_entry(entry, context, fetched_at=fetched_at) for entry in raw.entries
        ),
        warnings=raw.warnings,
    )

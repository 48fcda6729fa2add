"""Scan sources: read each one, detect topics in every article, report per source.

This is the library behind `pressmon scan`: it never raises for one bad
source; each source gets a [`ScanResult`][pressmon.ScanResult] with its
articles and flags, or the reason it could not be read.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, BinaryIO

from pressmon._detect import TopicSpec, detect, resolve_topics
from pressmon._enrich import Enricher, FullTextMode, PageProgress, full_text_mode
from pressmon._sources import LoadedSource, iter_path, read_bytes
from pressmon._sync import run_sync
from pressmon._urls import is_http_url
from pressmon.exceptions import SourceError
from pressmon.models import ScannedArticle, ScanResult

if TYPE_CHECKING:
    from pressmon._fetch._fetcher import Progress
    from pressmon.models import FetchResult

__all__ = ["scan"]

STDIN = "-"


def _from_fetch(source: str, result: FetchResult) -> LoadedSource:
    loaded = LoadedSource(name=source, warnings=list(result.warnings))
    if result.error is not None:
        reason = result.error.message
        if result.retry_after is not None:
            reason += f" (the server asks to wait {result.retry_after:.0f} s before retrying)"
        loaded.error = SourceError(source, reason)
    else:
        loaded.articles.extend(result.articles)
    return loaded


async def _aload(
    names: list[str],
    stdin: BinaryIO | None,
    options: Mapping[str, Any] | None,
    progress: Progress | None,
    full_text: FullTextMode | None,
    allow_private_pages: bool,
    page_progress: PageProgress | None,
) -> list[LoadedSource]:
    """Fetch the URLs, read the other sources, then enrich every article: one fetcher for all."""
    from pressmon._fetch import Fetcher  # here, not at the top: httpx only when needed

    urls = list(dict.fromkeys(name for name in names if is_http_url(name)))
    async with Fetcher(**(options or {})) as fetcher:
        results = await fetcher.fetch(urls, progress=progress) if urls else []
        fetched = dict(zip(urls, results, strict=True))
        loaded = [item for name in names for item in _load(name, stdin, fetched)]
        if full_text is not None:
            enricher = Enricher(fetcher, mode=full_text, allow_private_pages=allow_private_pages)
            flat = [article for item in loaded for article in item.articles]
            enriched = iter(await enricher.enrich(flat, progress=page_progress))
            for item in loaded:
                item.articles = [next(enriched) for _ in item.articles]
    return loaded


def _load(
    source: str, stdin: BinaryIO | None, fetched: Mapping[str, FetchResult]
) -> Iterator[LoadedSource]:
    if source == STDIN:
        stream = stdin if stdin is not None else sys.stdin.buffer
        yield read_bytes(stream.read(), name=STDIN)
    elif source in fetched:
        yield _from_fetch(source, fetched[source])
    else:
        yield from iter_path(source)


def scan(
    sources: Iterable[str | os.PathLike[str]],
    *,
    topics: Iterable[TopicSpec] | None = None,
    stdin: BinaryIO | None = None,
    fetch_options: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    full_text: bool | str = False,
    allow_private_pages: bool = False,
    page_progress: PageProgress | None = None,
) -> list[ScanResult]:
    """Read every source and flag its articles.

    Args:
        sources: files, directories (one result per file inside), `-` for
            standard input, http(s) feed URLs (fetched all at once, see
            [`fetch`][pressmon.fetch]).
        topics: the topics to detect (built-in names, topic file paths or Topic
            objects); all built-in topics when None, none when empty.
        stdin: the stream `-` reads (default: the process's standard input).
        fetch_options: [`Fetcher`][pressmon.Fetcher] options for the URLs
            (`timeout`, `deadline`, `concurrency`, ...).
        progress: called as `progress(done, total, result)` as each URL is fetched.
        full_text: follow the links of thin articles (True or `"thin"`) or of
            every article (`"all"`) and detect on their page's text (see
            [`enrich`][pressmon.enrich]); the feeds' own text is kept when a page
            cannot be read.
        allow_private_pages: with `full_text`, follow links to loopback,
            private and link-local addresses too (refused by default).
        page_progress: called as `progress(done, total, article)` as each
            article's page is read.

    Returns:
        One result per file read, in the order given; a failed source has
        `error` set and no items.

    Examples:
        >>> result, = scan(["seeds/000_bbe417a4b73ce4ce.txt"])
        >>> [flag.topic for flag in result.items[0].flags]
        ['alpine-us-expansion']
    """
    resolved = resolve_topics(topics) if topics is not None else None
    mode = full_text_mode(full_text)
    names = [os.fspath(source) for source in sources]
    if mode is not None or any(is_http_url(name) for name in names):
        everything = run_sync(
            _aload(
                names,
                stdin,
                fetch_options,
                progress,
                mode,
                allow_private_pages,
                page_progress,
            )
        )
    else:
        everything = [loaded for name in names for loaded in _load(name, stdin, {})]
    results = []
    for loaded in everything:
        if loaded.error is not None:
            results.append(
                ScanResult(
                    source=loaded.name,
                    error=loaded.error.reason,
                    warnings=tuple(loaded.warnings),
                )
            )
            continue
        items = tuple(
            ScannedArticle(
                article=article,
                flags=tuple(detect(article, resolved)) if resolved != [] else (),
            )
            for article in loaded.articles
        )
        results.append(ScanResult(source=loaded.name, items=items, warnings=tuple(loaded.warnings)))
    return results

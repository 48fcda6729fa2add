"""Parse many feeds at once, on several cores when that pays (see docs/performance.md)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone

from pressmon.exceptions import NotAFeedError, ParseError
from pressmon.models import ParsedFeed

__all__ = ["parse_feeds"]

FeedInput = tuple[str | None, bytes] | tuple[str | None, bytes, Mapping[str, str] | None]

# Below this much input, starting worker processes costs more than it saves.
_MIN_BYTES_FOR_POOL = 4_000_000


# A ParseError crosses the process boundary as its parts (exceptions with
# keyword-only context do not pickle): (source, reason, url, feeds or None).
_ErrorParts = tuple[str, str, "str | None", "tuple[str, ...] | None"]


def _parse_chunk(
    chunk: Sequence[tuple[int, FeedInput]], fetched_at: datetime
) -> list[tuple[int, ParsedFeed | _ErrorParts]]:
    from pressmon._parse import parse_feed

    results: list[tuple[int, ParsedFeed | _ErrorParts]] = []
    for position, (url, data, *rest) in chunk:
        headers = rest[0] if rest else None
        try:
            results.append(
                (position, parse_feed(data, url=url, headers=headers, fetched_at=fetched_at))
            )
        except NotAFeedError as error:
            results.append((position, (error.source, error.reason, error.url, error.feeds)))
        except ParseError as error:
            results.append((position, (error.source, error.reason, error.url, None)))
    return results


def _result(value: ParsedFeed | _ErrorParts) -> ParsedFeed | ParseError:
    if isinstance(value, ParsedFeed):
        return value
    source, reason, url, feeds = value
    if feeds is not None:
        return NotAFeedError(source, reason, url=url, feeds=feeds)
    return ParseError(source, reason, url=url)


def parse_feeds(
    feeds: Iterable[FeedInput],
    *,
    workers: int | None = None,
    fetched_at: datetime | None = None,
) -> list[ParsedFeed | ParseError]:
    """Parse many feeds, in worker processes when there is enough work for them.

    Args:
        feeds: `(url, data)` or `(url, data, headers)` tuples, as for
            [`parse_feed`][pressmon.parse_feed].
        workers: how many processes to use; default: the number of cores. With
            one worker, or little input (under 4 MB in all), everything runs in
            this process, which is then faster than starting workers.
        fetched_at: the time stamped on every article (default: now).

    Returns:
        One result per feed, in input order: the [`ParsedFeed`][pressmon.ParsedFeed],
        or the [`ParseError`][pressmon.ParseError] that feed raised (one bad feed does
        not stop the others).

    Examples:
        >>> feed = b"<rss version='2.0'><channel><title>A</title></channel></rss>"
        >>> parse_feeds([("https://a.test/rss", feed)], workers=1)[0].title
        'A'
    """
    items = list(enumerate(feeds))
    stamp = fetched_at or datetime.now(timezone.utc)
    count = min(workers if workers is not None else (os.cpu_count() or 1), len(items))
    total = sum(len(item[1]) for _, item in items)
    if count <= 1 or total < _MIN_BYTES_FOR_POOL:
        return [_result(result) for _, result in _parse_chunk(items, stamp)]
    from concurrent.futures import ProcessPoolExecutor

    # Interleaved chunks, one task per worker: big and small feeds spread evenly.
    chunks = [items[start::count] for start in range(count)]
    ordered: list[ParsedFeed | ParseError | None] = [None] * len(items)
    with ProcessPoolExecutor(max_workers=count) as pool:
        for part in pool.map(_parse_chunk, chunks, [stamp] * count):
            for position, result in part:
                ordered[position] = _result(result)
    return [result for result in ordered if result is not None]

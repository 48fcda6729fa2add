"""Scan sources: read each one, detect topics in every article, report per source.

This is the library behind ``pressmon scan``: it never raises for one bad
source; each source gets a :class:`~pressmon.models.ScanResult` with its
articles and flags, or the reason it could not be read.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from pressmon._sources import LoadedSource, iter_path, read_bytes
from pressmon._urls import is_http_url
from pressmon.detect import TopicSpec, detect, resolve_topics
from pressmon.exceptions import SourceError
from pressmon.models import ScannedArticle, ScanResult

__all__ = ["scan"]

STDIN = "-"


def _load(source: str, stdin: BinaryIO | None) -> Iterator[LoadedSource]:
    if source == STDIN:
        stream = stdin if stdin is not None else sys.stdin.buffer
        yield read_bytes(stream.read(), name=STDIN)
    elif is_http_url(source):
        yield LoadedSource(
            name=source,
            error=SourceError(source, "http(s) sources need the fetcher, which this version lacks"),
        )
    else:
        yield from iter_path(source)


def scan(
    sources: Iterable[str | os.PathLike[str]],
    *,
    topics: Iterable[TopicSpec] | None = None,
    stdin: BinaryIO | None = None,
) -> list[ScanResult]:
    """Read every source and flag its articles.

    Args:
        sources: files, directories (one result per file inside), ``-`` for
            standard input.
        topics: the topics to detect (built-in names, topic file paths or Topic
            objects); all built-in topics when None, none when empty.
        stdin: the stream ``-`` reads (default: the process's standard input).

    Returns:
        One result per file read, in the order given; a failed source has
        ``error`` set and no items.

    Example:
        >>> result, = scan(["seeds/000_bbe417a4b73ce4ce.txt"])
        >>> [flag.topic for flag in result.items[0].flags]
        ['alpine-us-expansion']
    """
    resolved = resolve_topics(topics) if topics is not None else None
    results = []
    for source in sources:
        for loaded in _load(os.fspath(source), stdin):
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
            results.append(
                ScanResult(source=loaded.name, items=items, warnings=tuple(loaded.warnings))
            )
    return results

"""Fetching over HTTP: many feeds at once, polite, bounded, conditional; feed discovery.

See [`Fetcher`][pressmon.Fetcher] for the limits and `docs/fetching.md` for the whole story.
"""

from __future__ import annotations

from typing import Any

from pressmon._fetch._fetcher import Fetcher, afetch, fetch, run_sync
from pressmon._fetch._google import google_news_url

__all__ = ["Fetcher", "afetch", "discover_feeds", "fetch", "google_news_url"]


def discover_feeds(page_url: str, *, verify: bool = True, **options: Any) -> list[str]:
    """Find the feeds of a site from one of its pages.

    Looks at the page's `<link rel="alternate">` feed links, then, when they
    give nothing, at the usual paths on the site's root (`/feed`, `/rss`,
    `/rss.xml`, `/atom.xml`, `/feed.xml`, `/index.xml`). Each
    candidate is fetched and kept only if it parses as a feed. When the URL is
    itself a feed, it is the answer.

    Args:
        page_url: a page of the site (its home page, usually), or a feed URL.
        verify: fetch the advertised feeds to check them (the usual paths are
            always checked).
        **options: [`Fetcher`][pressmon.Fetcher] options (`client`, `timeout`, ...).

    Returns:
        Feed URLs, the page's own order first; empty when none was found.

    Raises:
        FetchError: the page could not be fetched and no usual path is a feed.

    Examples:
        >>> pressmon.discover_feeds("https://example.org/")  # doctest: +SKIP
        ['https://example.org/feed.xml']
    """

    async def run() -> list[str]:
        async with Fetcher(**options) as fetcher:
            return await fetcher.discover(page_url, verify=verify)

    return run_sync(run())

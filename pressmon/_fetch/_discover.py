"""Find a site's feeds: what its page advertises, then the usual feed paths, each verified."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from pressmon._parse import parse_feed
from pressmon._parse._alternates import advertised_feeds
from pressmon._parse._sniff import sniff
from pressmon.exceptions import FetchError, ParseError
from pressmon.models import FetchResult, PageResponse

__all__ = ["COMMON_PATHS", "FeedFinder", "discover"]

COMMON_PATHS = ("/feed", "/rss", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml")
"""Where sites usually put their feed, tried when the page advertises none."""


class FeedFinder(Protocol):
    """What discovery needs: GET a page, fetch and parse feeds (the `Fetcher` does both)."""

    async def get(self, url: str, *, allow_private: bool = False) -> PageResponse:
        """GET a page."""
        ...

    async def fetch(self, feeds: Iterable[str]) -> Sequence[FetchResult]:
        """Fetch and parse feeds, one result each, in order."""
        ...


def _is_feed(data: bytes, url: str, headers: Mapping[str, str]) -> bool:
    try:
        parse_feed(data, url=url, headers={k: v for k, v in headers.items() if k == "content-type"})
    except ParseError:
        return False
    return True


async def _verified(fetcher: FeedFinder, candidates: list[str]) -> list[str]:
    """Keep the candidates that really are feeds, once each (by the URL that answered)."""
    found: dict[str, str] = {}
    for result in await fetcher.fetch(candidates):
        if result.feed is None:
            continue
        url = result.permanent_redirect or result.url
        found.setdefault(result.final_url or url, url)
    return list(dict.fromkeys(found.values()))


async def discover(fetcher: FeedFinder, page_url: str, *, verify: bool = True) -> list[str]:
    """Return the feeds of the site at `page_url`.

    1. The page itself, when it is a feed.
    2. The feeds its `<link rel="alternate">` tags advertise (verified by
       fetching them unless `verify` is False).
    3. When that finds nothing: `COMMON_PATHS` on the site's root, verified.

    Raises:
        FetchError: the page could not be fetched and no usual path is a feed.
    """
    page = await fetcher.get(page_url, allow_private=True)
    base = page.final_url if page.ok else page_url
    if page.ok and page.content:
        kind = sniff(page.content)
        if kind in ("xml", "json") and _is_feed(page.content, page.final_url, page.headers):
            return [page.permanent_redirect or page.url]
        if kind == "html":
            advertised = list(advertised_feeds(page.content, base))
            if advertised:
                found = await _verified(fetcher, advertised) if verify else advertised
                if found:
                    return found
    parts = urlsplit(base)
    root = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    found = await _verified(fetcher, [root + path for path in COMMON_PATHS])
    if not found and page.error is not None:
        raise FetchError(page_url, page.error.kind, page.error.message)
    return found

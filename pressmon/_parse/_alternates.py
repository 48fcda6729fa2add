"""The feeds an HTML page advertises with `<link rel="alternate" type="...">`."""

from __future__ import annotations

from pressmon._text import parse_html
from pressmon._urls import canonicalize_url

__all__ = ["FEED_TYPES", "advertised_feeds"]

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",
        "text/xml",
        "application/xml",
    }
)


def advertised_feeds(page: bytes | str, base_url: str | None = None) -> tuple[str, ...]:
    """Return the absolute URLs of the feeds a page links to, in page order, without duplicates.

    Only `<link rel="alternate">` elements whose `type` is a feed type count;
    `application/json` counts only when the link says it is a feed (JSON Feed
    1.0 sites often used it before `application/feed+json` existed).
    """
    root = parse_html(page)
    if root is None:
        return ()
    found: dict[str, None] = {}
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" not in rel or kind not in FEED_TYPES:
            continue
        if kind == "application/json" and "feed" not in (link.get("title") or "").lower():
            continue
        href = link.get("href")
        url = canonicalize_url(href, base_url) if href else None
        if url:
            found[url] = None
    return tuple(found)

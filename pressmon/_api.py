"""The one-call functions: fetch feeds, read their articles' pages, find a site's feeds.

Each composes the steps once, above them: a [`Fetcher`][pressmon.Fetcher]
(`_fetch`) fetches and parses, an `Enricher` (`_enrich`) reads pages through that
same fetcher, so feeds and pages share one client and one set of limits. The
async functions are the real ones; the sync ones run them with `run_sync`
(which also works inside a running event loop).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pressmon._enrich import Enricher, FullTextMode, PageCache, PageProgress, full_text_mode
from pressmon._fetch import Fetcher
from pressmon._fetch._fetcher import Progress
from pressmon._sync import run_sync
from pressmon.models import Article, FeedRequest, FetchResult

if TYPE_CHECKING:
    import httpx

    from pressmon._extract import EngineName

__all__ = ["aenrich", "afetch", "discover_feeds", "enrich", "fetch"]


async def afetch(
    feeds: Iterable[str | FeedRequest],
    *,
    client: httpx.AsyncClient | None = None,
    progress: Progress | None = None,
    full_text: bool | str = False,
    allow_private_pages: bool = False,
    **options: Any,
) -> list[FetchResult]:
    """Fetch and parse many feeds concurrently (async); one result per feed, in order.

    Never raises for a feed that fails: its result has `error` set.

    Args:
        feeds: URLs and/or [`FeedRequest`][pressmon.FeedRequest] objects (with the
            previous ETag / Last-Modified for conditional requests).
        client: an `httpx.AsyncClient` to use (left open); by default one is
            made and closed.
        progress: called as `progress(done, total, result)` per finished feed.
        full_text: follow the links of thin articles (True or `"thin"`) or of
            every article (`"all"`) and give them their page's text (see
            [`enrich`][pressmon.enrich]); each page is fetched once, within the
            same limits as the feeds.
        allow_private_pages: with `full_text`, follow links to loopback,
            private and link-local addresses too (refused by default).
        **options: any [`Fetcher`][pressmon.Fetcher] option (`timeout`,
            `deadline`, `max_bytes`, `concurrency`, `per_host`,
            `retries`, `user_agent`, ...).

    Returns:
        One [`FetchResult`][pressmon.FetchResult] per feed, in the order given.

    Examples:
        >>> results = await pressmon.afetch(["https://example.org/feed.xml"])  # doctest: +SKIP
    """
    mode = full_text_mode(full_text)  # a bad value fails before any request
    async with Fetcher(client, **options) as fetcher:
        results = await fetcher.fetch(feeds, progress=progress)
        if mode is None:
            return results
        enricher = Enricher(fetcher, mode=mode, allow_private_pages=allow_private_pages)
        return await enricher.enrich_results(results)


def fetch(
    feeds: Iterable[str | FeedRequest],
    *,
    client: httpx.AsyncClient | None = None,
    progress: Progress | None = None,
    full_text: bool | str = False,
    allow_private_pages: bool = False,
    **options: Any,
) -> list[FetchResult]:
    """Fetch and parse many feeds concurrently; one result per feed, in the order given.

    The synchronous face of [`afetch`][pressmon.afetch] (same arguments), for
    scripts. Never raises for a feed that fails: its result has `error` set
    with a `kind` and a message. With `full_text=True` the articles come
    back enriched with their page's text (see [`enrich`][pressmon.enrich]).

    Args:
        feeds: URLs and/or [`FeedRequest`][pressmon.FeedRequest] objects.
        client: an `httpx.AsyncClient` to use (left open).
        progress: called as `progress(done, total, result)` per finished feed.
        full_text: `False`, `True` / `"thin"` or `"all"`, as for
            [`afetch`][pressmon.afetch].
        allow_private_pages: with `full_text`, follow links to private addresses.
        **options: any [`Fetcher`][pressmon.Fetcher] option.

    Returns:
        One [`FetchResult`][pressmon.FetchResult] per feed, in the order given.

    Examples:
        >>> for result in pressmon.fetch(["https://example.org/feed.xml"]):  # doctest: +SKIP
        ...     print(result.url, result.error or len(result.articles))
    """
    return run_sync(
        afetch(
            feeds,
            client=client,
            progress=progress,
            full_text=full_text,
            allow_private_pages=allow_private_pages,
            **options,
        )
    )


async def aenrich(
    articles: Iterable[Article],
    *,
    mode: FullTextMode = "thin",
    allow_private_pages: bool = False,
    cache: PageCache | None = None,
    engine: EngineName | None = None,
    fetcher: Fetcher | None = None,
    client: httpx.AsyncClient | None = None,
    progress: PageProgress | None = None,
    **options: Any,
) -> list[Article]:
    """Give thin articles the text of their web page (async); see [`enrich`][pressmon.enrich].

    Takes the same arguments as [`enrich`][pressmon.enrich], and also `fetcher`:
    a [`Fetcher`][pressmon.Fetcher] already in use (for example the one that
    fetched the feeds), so that the pages share its limits and connections
    (then give no `client` nor fetcher options).

    Args:
        articles: the articles to enrich (give only new ones).
        mode: `"thin"` or `"all"`.
        allow_private_pages: follow links to private addresses.
        cache: a [`PageCache`][pressmon.PageCache] (default: a new in-memory one).
        engine: the extraction engine (`"bs4"`, `"trafilatura"`, None: automatic).
        fetcher: a [`Fetcher`][pressmon.Fetcher] to share; its client and limits are used.
        client: an `httpx.AsyncClient` to send requests with (left open).
        progress: called as `progress(done, total, article)` per article looked at.
        **options: [`Fetcher`][pressmon.Fetcher] options, when no `fetcher` is given.

    Returns:
        The articles in the order given; the ones not looked at are unchanged.

    Raises:
        ValueError: both a `fetcher` and a `client` or fetcher options were given.

    Examples:
        >>> async with pressmon.Fetcher() as fetcher:  # doctest: +SKIP
        ...     results = await fetcher.fetch(["https://example.org/feed.xml"])
        ...     articles = await pressmon.aenrich(results[0].articles, fetcher=fetcher)
    """
    if fetcher is not None:
        if client is not None or options:
            raise ValueError("give either a fetcher or fetcher options (client, timeout, ...)")
        enricher = Enricher(
            fetcher, mode=mode, allow_private_pages=allow_private_pages, cache=cache, engine=engine
        )
        return await enricher.enrich(articles, progress=progress)
    async with Fetcher(client, **options) as own:
        enricher = Enricher(
            own, mode=mode, allow_private_pages=allow_private_pages, cache=cache, engine=engine
        )
        return await enricher.enrich(articles, progress=progress)


def enrich(
    articles: Iterable[Article],
    *,
    mode: FullTextMode = "thin",
    allow_private_pages: bool = False,
    cache: PageCache | None = None,
    engine: EngineName | None = None,
    client: httpx.AsyncClient | None = None,
    progress: PageProgress | None = None,
    **options: Any,
) -> list[Article]:
    """Give thin articles the text of their web page: follow each link, extract the main text.

    Each article that needs it (`mode="thin"`: its text and summary are both
    under 500 characters; `mode="all"`: every article with a link) has its
    link fetched, within the fetcher's limits and bounds, and its page read
    by [`extract_article`][pressmon.extract_article]. The article that comes back keeps
    its id, URL, title and summary from the feed, takes the page's text and
    language, and fills its missing date, authors and image from the page;
    `article.extraction` says what happened (`ok`, `not_article`,
    `failed`, `skipped`). A page that cannot be read leaves the feed's
    text as it was. Each page is fetched once (`cache`). Articles already
    read from a page (`extraction` set) are returned as they are.

    Links to loopback, private and link-local addresses (a cloud metadata
    service, the machine's own services) are not followed unless
    `allow_private_pages=True`: they come back `skipped`. Google News
    links (`news.google.com`) are `skipped` too: they reach the article
    only with JavaScript.

    Args:
        articles: the articles to enrich (give only new ones).
        mode: `"thin"` or `"all"`.
        allow_private_pages: follow links to private addresses.
        cache: a [`PageCache`][pressmon.PageCache] (default: a new in-memory one).
        engine: the extraction engine (`"bs4"`, `"trafilatura"`, None: automatic).
        client: an `httpx.AsyncClient` to send requests with (left open).
        progress: called as `progress(done, total, article)` per article looked at.
        **options: [`Fetcher`][pressmon.Fetcher] options (`timeout`, `deadline`,
            `max_bytes`, `concurrency`, `per_host`, ...).

    Returns:
        The articles in the order given; the ones not looked at are unchanged.

    Examples:
        >>> (result,) = pressmon.fetch(["https://example.org/feed.xml"])  # doctest: +SKIP
        >>> for article in pressmon.enrich(result.articles):  # doctest: +SKIP
        ...     print(article.title, article.extraction and article.extraction.status)
    """
    return run_sync(
        aenrich(
            articles,
            mode=mode,
            allow_private_pages=allow_private_pages,
            cache=cache,
            engine=engine,
            client=client,
            progress=progress,
            **options,
        )
    )


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

"""Reading: the due feeds, then the article pages full text asks for, through one fetcher.

Feeds first, all at once; then, for feeds with `full_text`, the pages of the new
items that need one (`needs_page`: the thin ones, or all), and the pages that
failed in earlier runs for a reason that may pass (`pages_to_retry`). Pages an
earlier run read come from the state (`StatePageCache`), so no page is read twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pressmon._enrich import Enricher, MemoryPageCache, needs_page
from pressmon._fetch import Fetcher
from pressmon._monitor._decisions import DueFeed
from pressmon._monitor._progress import Progress
from pressmon._store import Store
from pressmon.config import FeedConfig, FetchConfig, MonitorConfig
from pressmon.models import Article, FeedRequest, FetchResult

__all__ = ["FetchFunction", "Reading", "StatePageCache", "pages_to_retry", "read"]

FetchFunction = Callable[
    [Sequence[FeedRequest], FetchConfig, Callable[..., object] | None],
    Awaitable[Sequence[FetchResult]],
]
"""`fetch(requests, fetch_config, progress)`: fetch feeds another way than the run's
`Fetcher` (one result per request, in order)."""


class StatePageCache:
    """The page cache of a monitor run: this run's pages in memory, earlier runs' from
    the state.

    A page an earlier run read lives in the state as the article that read it (its
    text, language, metadata and `extraction`), kept as long as that article
    (`retention_days`); no page is stored twice. Only pages that were read (`ok`
    or `not_article`) are taken from the state: a page that failed is tried again
    when a new item links to it.
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        self._run = MemoryPageCache()

    def get(self, url: str) -> Article | None:
        """This run's page for `url`, else the last stored article that read it, else None."""
        page = self._run.get(url)
        if page is not None:
            return page
        for article in self._store.articles_with_url(url):
            extraction = article.extraction
            if extraction is not None and extraction.status in ("ok", "not_article"):
                return article
        return None

    def put(self, url: str, page: Article) -> None:
        """Keep a page for the rest of the run (the state keeps it with its article)."""
        self._run.put(url, page)


def pages_to_retry(
    config: MonitorConfig,
    feeds: Mapping[str, FeedConfig],
    store: Store,
    now: datetime,
) -> list[Article]:
    """Stored articles whose page could not be read, still young enough to try again.

    Only articles of configured feeds with `full_text` on, first seen within
    `full_text_retry_hours`: a page that timed out or answered 503 gets another
    chance on the next runs, so its story is not judged on its title alone.

    Args:
        config: the monitor configuration.
        feeds: the configured feeds by the URLs their articles carry (`feeds_by_url`).
        store: the state.
        now: the run's time.

    Returns:
        The articles to read again, oldest first.
    """
    # The cheap tests first: most runs have no full text, or no failed page to retry.
    if not config.full_text_retry_hours:
        return []
    enabled = {url for url, feed in feeds.items() if config.full_text_for(feed)}
    if not enabled:
        return []
    failed = store.failed_pages(now - timedelta(hours=config.full_text_retry_hours))
    return [article for article in failed if article.source.feed_url in enabled and article.url]


@dataclass
class Reading:
    """What a run read: one result per due feed, and the pages tried again."""

    results: list[FetchResult]
    """One per due feed, in order; a feed's articles carry their page's text when full
    text read it."""
    retried: list[Article] = field(default_factory=list)
    """The stored articles whose page was tried again, as they came back."""


async def read(
    fetcher: Fetcher,
    due: Sequence[DueFeed],
    config: MonitorConfig,
    store: Store,
    progress: Progress,
    *,
    retries: Sequence[Article] = (),
    fetch: FetchFunction | None = None,
) -> Reading:
    """Fetch the due feeds, then read the pages full text wants, with one fetcher.

    Args:
        fetcher: the run's fetcher (feeds and pages share its client and limits).
        due: the feeds to fetch.
        config: the monitor configuration.
        store: the state (which items are new; pages read before).
        progress: where progress goes.
        retries: stored articles whose page is tried again (`pages_to_retry`).
        fetch: fetch the feeds with this instead of `fetcher` (tests).

    Returns:
        The feeds' results (articles enriched in place) and the retried articles.
    """
    requests = [feed.request for feed in due]
    progress.start(len(requests))
    try:
        if fetch is not None:
            results = list(await fetch(requests, config.fetch, progress.advance))
        else:
            results = await fetcher.fetch(requests, progress=progress.advance)
    finally:
        progress.finish()
    return await _read_pages(fetcher, due, results, config, store, progress, retries)


def _new_items_needing_pages(
    due: Sequence[DueFeed],
    results: Sequence[FetchResult],
    config: MonitorConfig,
    store: Store,
) -> list[tuple[int, int, Article]]:
    """(feed position in `due`, item position, article) of each new item whose page is
    read: only items the state has not seen, of feeds with full text, by its mode."""
    wanted = []
    for position, (feed, result) in enumerate(zip(due, results, strict=True)):
        mode = config.full_text_for(feed.feed)
        if mode is None or result.error is not None or result.not_modified:
            continue
        for offset, article in enumerate(result.articles):
            if needs_page(article, mode) and store.find_article(article.id) is None:
                wanted.append((position, offset, article))
    return wanted


async def _read_pages(
    fetcher: Fetcher,
    due: Sequence[DueFeed],
    results: list[FetchResult],
    config: MonitorConfig,
    store: Store,
    progress: Progress,
    retries: Sequence[Article],
) -> Reading:
    places = _new_items_needing_pages(due, results, config, store)
    # A retried article goes back without its failed extraction, so the enricher
    # reads its page again instead of returning it as already looked at.
    pending = [article for _, _, article in places]
    pending.extend(article.model_copy(update={"extraction": None}) for article in retries)
    if not pending:
        return Reading(results)
    enricher = Enricher(
        fetcher,
        mode="all",  # the thin rule was applied above, feed by feed
        allow_private_pages=config.fetch.allow_private_pages,
        cache=StatePageCache(store),
    )
    progress.start(len(pending), "pages")
    try:
        enriched = await enricher.enrich(pending, progress=progress.advance)
    finally:
        progress.finish()
    new, retried = enriched[: len(places)], enriched[len(places) :]
    changed: dict[int, list[Article]] = {}
    for (position, offset, _), article in zip(places, new, strict=True):
        changed.setdefault(position, list(results[position].articles))[offset] = article
    for position, articles in changed.items():
        results[position] = _with_articles(results[position], articles)
    for label, articles in (("new item(s)", new), ("earlier item(s) tried again", retried)):
        if articles:
            progress.info(f"full text of {len(articles)} {label}: {_outcomes(articles, progress)}")
    return Reading(results, retried)


def _with_articles(result: FetchResult, articles: Sequence[Article]) -> FetchResult:
    update: dict[str, Any] = {"articles": tuple(articles)}
    if result.feed is not None:
        update["feed"] = result.feed.model_copy(update={"articles": tuple(articles)})
    return result.model_copy(update=update)


def _outcomes(articles: Sequence[Article], progress: Progress) -> str:
    """Count the enrichment outcomes (and log each one that is not `ok`)."""
    counts: dict[str, int] = {}
    for article in articles:
        extraction = article.extraction
        status = extraction.status if extraction is not None else "skipped"
        counts[status] = counts.get(status, 0) + 1
        if extraction is not None and status != "ok":
            progress.detail(
                f"{article.url or article.id}: full text {status.replace('_', ' ')}: "
                f"{extraction.message}"
            )
    return ", ".join(
        f"{counts[status]} {status.replace('_', ' ')}"
        for status in ("ok", "not_article", "failed", "skipped")
        if counts.get(status)
    )

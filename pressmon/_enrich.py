"""Full-text enrichment: follow a feed item's link and give the article its page's text.

Many feeds carry a title and a one-line teaser (Google News carries titles
only); the sentence that matters sits in the article page. `Enricher`
decides which articles need their page (the *thin* rule, `is_thin`),
fetches each page once through a `PageFetcher` (the `Fetcher`'s
limits, bounds, retries and private-address refusal), reads it with
[`extract_article`][pressmon.extract_article] and returns new articles built by
`merge`: the page's text, the feed's own title, summary, URL and id,
missing metadata filled from the page, and the outcome in
`article.extraction`. Nothing here raises for one page: a page that cannot
be read leaves the feed's text as it was and says why.

The user-facing description is in `docs/full-text.md`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable
from urllib.parse import urlsplit

from pressmon._urls import canonicalize_url, is_http_url
from pressmon.models import Article, Extraction, FetchResult

if TYPE_CHECKING:
    from pressmon._extract import EngineName
    from pressmon.models import PageResponse

__all__ = [
    "THIN_CHARS",
    "Enricher",
    "FullTextMode",
    "MemoryPageCache",
    "PageCache",
    "PageFetcher",
    "PageProgress",
    "full_text_mode",
    "is_google_news_link",
    "is_thin",
    "merge",
    "needs_page",
]

THIN_CHARS = 500
"""An article whose text and summary are both shorter than this (in characters) is thin."""

FullTextMode = Literal["thin", "all"]
"""Which articles get their page read: the thin ones, or all of them."""

PageProgress = Callable[[int, int, Article], object]
"""`progress(done, total, article)`: called once per article looked at, in completion order."""

# Pages whose extracted text belongs to the article even though the page is
# not a whole article: a paywall teaser shows the story's first lines, a brief
# is short. Home and section pages, error pages and login walls never give text.
# The prefixes are those of the verdicts in pressmon/_extract/_verdict.py
# (tests/test_enrich.py checks that they still match).
_OWN_TEXT_VERDICTS = ("a paywall teaser", "too little text")

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_UNTYPED = frozenset({"application/octet-stream", "binary/octet-stream"})
_PRIVATE_HINT = "; pass allow_private=True to fetch it"

GOOGLE_NEWS_MESSAGE = (
    "a Google News link: it leads to a news.google.com page that reaches the article only "
    "with JavaScript, so it is not followed; the title and publisher come from the feed"
)


class PageFetcher(Protocol):
    """What enrichment needs to read pages: something that GETs a URL within its limits.

    [`Fetcher.get`][pressmon.Fetcher] is the implementation: timeouts, size bounds,
    retries, per-host politeness and the refusal of private addresses all live there,
    so enrichment never talks HTTP itself.
    """

    async def get(self, url: str, *, allow_private: bool = False) -> PageResponse:
        """GET `url`; never raise for a network or HTTP problem (`PageResponse.error`)."""
        ...


@runtime_checkable
class PageCache(Protocol):
    """Where read pages are kept so that a page is fetched once.

    The key is the link's canonical URL (the article's `url`); the value is
    the page as [`extract_article`][pressmon.extract_article] read it (an
    [`Article`][pressmon.Article] whose `extraction` says what happened), or,
    when it could not be fetched, an article carrying only the failed or
    skipped `extraction`. Implement these two methods to keep pages across
    runs (in a database, for example); [`MemoryPageCache`][pressmon.MemoryPageCache] is the default.
    """

    def get(self, url: str) -> Article | None:
        """Return the page read for `url` before, or None.

        Args:
            url: the article's link, as followed.
        """

    def put(self, url: str, page: Article) -> None:
        """Keep the page read for `url`.

        Args:
            url: the article's link, as followed.
            page: what was read there (its `extraction` says how it went).
        """


class MemoryPageCache:
    """A [`PageCache`][pressmon.PageCache] in memory: pages are kept as long as the object lives.

    Give the same one to several [`enrich`][pressmon.enrich] calls to read each
    page only once over all of them.
    """

    def __init__(self) -> None:
        self._pages: dict[str, Article] = {}

    def get(self, url: str) -> Article | None:
        """Return the page read for `url` before, or None.

        Args:
            url: the article's link, as followed.
        """
        return self._pages.get(url)

    def put(self, url: str, page: Article) -> None:
        """Keep the page read for `url`.

        Args:
            url: the article's link, as followed.
            page: what was read there (its `extraction` says how it went).
        """
        self._pages[url] = page

    def __len__(self) -> int:
        return len(self._pages)

    def __contains__(self, url: object) -> bool:
        return url in self._pages


def full_text_mode(value: bool | str | None) -> FullTextMode | None:
    """Read a `full_text` option: False/None (off), True or `"thin"`, or `"all"`.

    Raises:
        ValueError: any other value.
    """
    if value is None or value is False:
        return None
    if value is True or value == "thin":
        return "thin"
    if value == "all":
        return "all"
    raise ValueError(f"full_text must be True, False, 'thin' or 'all', got {value!r}")


def is_thin(article: Article) -> bool:
    """True when the feed gave too little text to judge the story: it needs its page.

    Thin means no text and no summary of `THIN_CHARS` characters or more
    (a title only, a one-line teaser, a truncated excerpt).
    """
    return len(article.text.strip()) < THIN_CHARS and len(article.summary.strip()) < THIN_CHARS


def needs_page(article: Article, mode: FullTextMode) -> bool:
    """Whether full text in `mode` reads this article's page: in `"thin"` mode the thin
    ones (`is_thin`), in `"all"` mode every one; never one already read or looked at
    (`extraction` set)."""
    if article.extraction is not None:
        return False
    return mode == "all" or is_thin(article)


def is_google_news_link(url: str) -> bool:
    """True for a `news.google.com` link (an item of a Google News feed)."""
    host = (urlsplit(url).hostname or "").lower()
    return host == "news.google.com"


def _skipped(url: str | None, message: str) -> Article:
    return Article(
        url=url,
        extraction=Extraction(status="skipped", url=url, message=message),
    )


def _failed(url: str, message: str, *, temporary: bool = False) -> Article:
    return Article(
        url=url,
        extraction=Extraction(status="failed", url=url, message=message, temporary=temporary),
    )


_TEMPORARY_KINDS = frozenset({"timeout", "connection"})
_TEMPORARY_STATUSES = frozenset({408, 429})


def _is_temporary(response: PageResponse) -> bool:
    """Whether a failed page may answer later (worth another try on a later run)."""
    if response.error is None:
        return False
    if response.error.kind in _TEMPORARY_KINDS:
        return True
    status = response.status
    return (
        response.error.kind == "http_status"
        and status is not None
        and (status >= 500 or status in _TEMPORARY_STATUSES)
    )


def _blocked_message(message: str) -> str:
    reason = message.removeprefix("refused: ").removesuffix(_PRIVATE_HINT)
    return (
        f"not followed: {reason}; links found in feeds never reach private addresses "
        "unless allowed (allow_private_pages = true, or --allow-private-pages)"
    )


def _page_article(response: PageResponse, engine: EngineName | None) -> Article:
    """Turn a fetched page into the page's article (or a failed/skipped one)."""
    from pressmon._extract import extract_article

    if response.error is not None:
        if response.error.kind == "blocked":
            return _skipped(response.url, _blocked_message(response.error.message))
        return _failed(response.url, response.error.message, temporary=_is_temporary(response))
    content_type = response.content_type
    if content_type is not None and content_type not in _HTML_TYPES | _UNTYPED:
        return _failed(
            response.url,
            f"the link leads to a {content_type} document, not a web page",
        )
    return extract_article(
        response.content, url=response.final_url, headers=response.headers, engine=engine
    )


def merge(article: Article, page: Article) -> Article:
    """Return `article` with what its page adds; the feed's identity is kept.

    * `ok`: the text is the page's, and so is the language when the page
      has one (it describes the text); the title, summary, URL, id, guid,
      source and tags stay the feed's (an empty title or summary takes the
      page's); published, updated, authors and image come from the page only
      where the feed gave none.
    * `not_article`: a paywall teaser or a short brief gives its text when
      it is longer than what the feed gave; any other page (home, section,
      error page, login wall) gives nothing.
    * `failed` and `skipped`: the feed's text is kept as it was.

    In every case `extraction` records the outcome.
    """
    extraction = page.extraction
    updates: dict[str, Any] = {"extraction": extraction}
    status = extraction.status if extraction is not None else "failed"
    own_text = (
        status == "not_article"
        and extraction is not None
        and (extraction.message or "").startswith(_OWN_TEXT_VERDICTS)
        and len(page.text) > max(len(article.text), len(article.summary))
    )
    if status == "ok" or own_text:
        updates["text"] = page.text
        if not article.title:
            updates["title"] = page.title
        if not article.summary:
            updates["summary"] = page.summary
        if article.published is None and page.published is not None:
            updates["published"] = page.published
            updates["published_precision"] = page.published_precision
        if article.updated is None and page.updated is not None:
            updates["updated"] = page.updated
        if not article.authors:
            updates["authors"] = page.authors
        if page.language is not None:
            # The language describes the text, which is now the page's (a feed's
            # language is usually its channel's, wrong for aggregated items).
            updates["language"] = page.language
        if article.image is None:
            updates["image"] = page.image
    return article.model_copy(update=updates)


class Enricher:
    """Read the pages of articles through one page fetcher, each page once.

    Args:
        fetcher: what GETs the pages (a [`Fetcher`][pressmon.Fetcher]: its limits,
            bounds and retries are shared by every page request).
        mode: `"thin"` (only articles `is_thin` says need it) or
            `"all"` (every article with a link).
        allow_private_pages: follow links to loopback, private and link-local
            addresses (refused by default: links come from third-party feeds).
        cache: where pages are kept (default: a new [`MemoryPageCache`][pressmon.MemoryPageCache]).
        engine: the extraction engine (see [`extract_article`][pressmon.extract_article]).
    """

    def __init__(
        self,
        fetcher: PageFetcher,
        *,
        mode: FullTextMode = "thin",
        allow_private_pages: bool = False,
        cache: PageCache | None = None,
        engine: EngineName | None = None,
    ) -> None:
        if mode not in ("thin", "all"):
            raise ValueError(f"mode must be 'thin' or 'all', got {mode!r}")
        if engine is not None:
            from pressmon._extract import _engine

            _engine(engine)  # an unknown or missing engine fails now, not per page
        self.fetcher = fetcher
        self.mode: FullTextMode = mode
        self.allow_private_pages = allow_private_pages
        self.cache: PageCache = cache if cache is not None else MemoryPageCache()
        self.engine: EngineName | None = engine
        self._in_flight: dict[str, asyncio.Future[Article]] = {}
        self.requests = 0
        """Pages requested so far (cache hits and shared requests excluded)."""

    def wants(self, article: Article) -> bool:
        """True when `article` is one this enricher looks at (`needs_page` in its mode)."""
        return needs_page(article, self.mode)

    async def page(self, url: str) -> Article:
        """Return the page at `url` as read, from the cache, a request in flight, or the web."""
        cached = self.cache.get(url)
        if cached is not None:
            return cached
        pending = self._in_flight.get(url)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Article] = asyncio.get_running_loop().create_future()
        self._in_flight[url] = future
        try:
            page = await self._read(url)
            self.cache.put(url, page)
            future.set_result(page)
            return page
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # retrieved: no "never retrieved" warning when nobody waits
            raise
        finally:
            del self._in_flight[url]

    async def _read(self, url: str) -> Article:
        self.requests += 1
        response = await self.fetcher.get(url, allow_private=self.allow_private_pages)
        try:
            return _page_article(response, self.engine)
        except Exception as error:  # never let one page break a batch
            return _failed(url, f"the page could not be read: {type(error).__name__}: {error}")

    async def enrich_one(self, article: Article) -> Article:
        """Return `article` with its page's text, or unchanged when it is not looked at."""
        if not self.wants(article):
            return article
        url = canonicalize_url(article.url) if is_http_url(article.url) else None
        if url is None:
            return merge(article, _skipped(article.url, "the item has no http(s) link to follow"))
        if is_google_news_link(url):
            return merge(article, _skipped(url, GOOGLE_NEWS_MESSAGE))
        return merge(article, await self.page(url))

    async def enrich(
        self, articles: Iterable[Article], *, progress: PageProgress | None = None
    ) -> list[Article]:
        """Enrich many articles concurrently; return them in the order given.

        Args:
            articles: the articles to look at (give only new ones: every thin
                one costs a request unless its page is cached).
            progress: called as `progress(done, total, article)` for each
                article looked at (the ones `wants`).
        """
        given = list(articles)
        chosen = [index for index, article in enumerate(given) if self.wants(article)]
        total = len(chosen)
        done = 0
        result = list(given)

        async def run(index: int) -> None:
            nonlocal done
            result[index] = await self.enrich_one(given[index])
            done += 1
            if progress is not None:
                progress(done, total, result[index])

        await asyncio.gather(*(run(index) for index in chosen))
        return result

    async def enrich_results(
        self, results: Sequence[FetchResult], *, progress: PageProgress | None = None
    ) -> list[FetchResult]:
        """Enrich the articles of fetch results (all at once); return new results."""
        flat = [article for result in results for article in result.articles]
        enriched = iter(await self.enrich(flat, progress=progress))
        out = []
        for result in results:
            if not result.articles:
                out.append(result)
                continue
            articles = tuple(next(enriched) for _ in result.articles)
            update: dict[str, Any] = {"articles": articles}
            if result.feed is not None:
                update["feed"] = result.feed.model_copy(update={"articles": articles})
            out.append(result.model_copy(update=update))
        return out

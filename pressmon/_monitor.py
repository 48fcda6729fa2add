"""One monitor run: config -> fetch -> full text -> dedup -> detect -> store + outbox -> sinks.

The order is what makes alerts reliable (at least once, never twice where the sink
can tell):

1. Take the run lock (one run per state file; a second run waits).
2. Fetch the feeds that are due, with the validators (ETag, Last-Modified) the state
   remembers; a failing feed backs off, Retry-After and Cache-Control are respected.
   Then, for feeds with `full_text`, the new items (those the state has not seen)
   get their article page's text (`enrich_new_articles`), and the pages that
   failed in earlier runs are tried again (`pages_to_retry`, for
   `full_text_retry_hours`).
3. In **one transaction**: the feeds' new state, every new article with its story and
   flags, and an outbox entry for every new flagged story. A crash before the commit
   leaves the state as it was (the feeds are fetched again, without validators' help
   lost); after it, the alerts wait in the outbox.
4. Each sink gets the outbox entries it has not received; each delivery is recorded
   after the sink took it. A crash between the two makes the next run deliver again:
   the JSONL sink skips ids already in its file, the webhook sends the same
   `Idempotency-Key`.
5. Old articles are pruned (`retention_days`) and a [`RunReport`][pressmon.RunReport] is returned.

`run_monitor` takes the fetch and detect functions as parameters (defaulting to
pressmon's), which is the seam the tests use.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol, TextIO

from pressmon._crash import crash_point
from pressmon._dedup import SimilarityIndex, fingerprint, match_story
from pressmon._store import FeedState, RunLock, SQLiteStore, Store
from pressmon.config import FeedConfig, FetchConfig, GithubSinkConfig, MonitorConfig, load_config
from pressmon.exceptions import StateCorruptError
from pressmon.models import Alert, Article, FeedReport, Flag, RunReport, StoryCopy
from pressmon.sinks import DeliveryContext, DeliveryFailed, ScheduledSink, Sink, build_sink

__all__ = [
    "FeedRequestLike",
    "FetchResultLike",
    "Progress",
    "StatePageCache",
    "alert_id",
    "enrich_new_articles",
    "fetcher_options",
    "redact",
    "run_monitor",
]

_FIRST_BACKOFF = 120.0  # seconds before retrying a feed after its first failure


class FetchFailureLike(Protocol):
    """What the monitor reads from a fetch failure."""

    @property
    def kind(self) -> str: ...
    @property
    def message(self) -> str: ...


class FetchResultLike(Protocol):
    """What the monitor reads from one fetch result (`pressmon.FetchResult`)."""

    @property
    def url(self) -> str: ...
    @property
    def status(self) -> int | None: ...
    @property
    def not_modified(self) -> bool: ...
    @property
    def etag(self) -> str | None: ...
    @property
    def last_modified(self) -> str | None: ...
    @property
    def permanent_redirect(self) -> str | None: ...
    @property
    def gone(self) -> bool: ...
    @property
    def retry_after(self) -> float | None: ...
    @property
    def max_age(self) -> float | None: ...
    @property
    def articles(self) -> Sequence[Article]: ...
    @property
    def error(self) -> FetchFailureLike | None: ...
    @property
    def feed(self) -> Any: ...


@dataclass(frozen=True)
class FeedRequestLike:
    """A feed to fetch, with the validators of the last answer."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    name: str | None = None


ProgressCallback = Callable[..., None]
FetchFunction = Callable[
    [Sequence[FeedRequestLike], FetchConfig, ProgressCallback | None],
    Coroutine[Any, Any, Sequence[FetchResultLike]],
]
DetectFunction = Callable[[Article, Sequence[str] | None], Sequence[Flag]]


async def default_fetch(
    requests: Sequence[FeedRequestLike], config: FetchConfig, progress: ProgressCallback | None
) -> Sequence[FetchResultLike]:
    """Fetch with pressmon's [`Fetcher`][pressmon.Fetcher] (conditional requests, bounded)."""
    from pressmon._fetch import Fetcher
    from pressmon.models import FeedRequest

    feeds = [
        FeedRequest(
            url=request.url,
            etag=request.etag,
            last_modified=request.last_modified,
            name=request.name,
        )
        for request in requests
    ]
    async with Fetcher(**fetcher_options(config)) as fetcher:
        results: Sequence[FetchResultLike] = await fetcher.fetch(feeds, progress=progress)
    return results


def fetcher_options(config: FetchConfig) -> dict[str, Any]:
    """The [`Fetcher`][pressmon.Fetcher] options of a `[fetch]` table (feeds and pages alike)."""
    options: dict[str, Any] = {
        "timeout": config.timeout,
        "deadline": config.deadline,
        "max_bytes": config.max_bytes,
        "concurrency": config.concurrency,
        "per_host": config.per_host,
        "retries": config.retries,
    }
    if config.user_agent:
        options["user_agent"] = config.user_agent
    return options


def default_detect(article: Article, topics: Sequence[str] | None) -> Sequence[Flag]:
    """Detect with [`detect`][pressmon.detect]."""
    from pressmon._detect import detect

    return detect(article, topics)


class Progress:
    """How a run talks to people: a progress bar on a terminal, plain log lines otherwise.

    Everything goes to `stream` (standard error), so standard output holds only what
    the sinks print.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        quiet: bool = False,
        verbose: bool = False,
        secrets: Sequence[str] = (),
    ) -> None:
        import sys

        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.verbose = verbose
        self.secrets = tuple(secrets)
        isatty = getattr(self.stream, "isatty", None)
        self.bar = bool(isatty and isatty()) and not quiet and os.environ.get("TERM") != "dumb"
        self._total = 0
        self._done = 0
        self._what = "feeds"

    def _write(self, line: str) -> None:
        self.stream.write(redact(line, self.secrets) + "\n")
        self.stream.flush()

    def info(self, message: str) -> None:
        """A line for a normal run."""
        if not self.quiet:
            self._write(f"pressmon: {message}")

    def detail(self, message: str) -> None:
        """A line for `--verbose` only."""
        if self.verbose and not self.quiet:
            self._write(f"pressmon: {message}")

    def warning(self, message: str) -> None:
        """A problem that did not stop the run (shown even with `--quiet`)."""
        self._write(f"pressmon: warning: {message}")

    def error(self, message: str) -> None:
        """A failure (shown even with `--quiet`)."""
        self._write(f"pressmon: error: {message}")

    def start(self, total: int, what: str = "feeds") -> None:
        """Feeds (or, with `what="pages"`, article pages) are about to be fetched."""
        self._total, self._done, self._what = total, 0, what
        if self.bar and total:
            self._draw()

    def advance(self, *args: object, **kwargs: object) -> None:
        """One feed (or page) was fetched (the fetcher's or the enricher's progress callback)."""
        self._done = min(self._done + 1, self._total)
        if self.bar:
            self._draw()

    def finish(self) -> None:
        """Fetching is over."""
        if self.bar and self._total:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def _draw(self) -> None:
        width = max(10, min(40, shutil.get_terminal_size((80, 24)).columns - 40))
        filled = int(width * self._done / max(1, self._total))
        self.stream.write(
            f"\rpressmon: {'reading' if self._what == 'pages' else 'fetching'} "
            f"[{'#' * filled}{'.' * (width - filled)}] {self._done}/{self._total} {self._what}"
        )
        self.stream.flush()


class StatePageCache:
    """The page cache of full-text enrichment in a monitor run: this run's pages in memory,
    earlier runs' pages from the state.

    A page an earlier run read lives in the state as the article that read it (its
    text, language, metadata and `extraction`), kept as long as that article
    (`retention_days`); no page is stored twice. Only pages that were read (`ok`
    or `not_article`) are taken from the state: a page that failed is tried again
    when a new item links to it.
    """

    def __init__(self, store: Store) -> None:
        from pressmon._enrich import MemoryPageCache

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


def _full_text_mode(config: MonitorConfig, feed: FeedConfig) -> str | None:
    from pressmon._enrich import full_text_mode

    return full_text_mode(feed.full_text if feed.full_text is not None else config.full_text)


def _feeds_by_url(config: MonitorConfig, store: Store) -> dict[str, FeedConfig]:
    """The configured feeds by the URLs their articles may carry: as written, canonical,
    and where the feed moved to (a 301/308 the state remembers)."""
    from pressmon._urls import canonicalize_url

    feeds: dict[str, FeedConfig] = {}
    for feed in config.all_feeds():
        state = store.feed_state(feed.url)
        moved = state.moved_to if state is not None else None
        for url in (feed.url, moved):
            if url:
                feeds.setdefault(url, feed)
                feeds.setdefault(canonicalize_url(url) or url, feed)
    return feeds


def pages_to_retry(config: MonitorConfig, store: Store, now: datetime) -> list[Article]:
    """Stored articles whose page could not be read, still young enough to try again.

    Only articles of feeds that are in the configuration with `full_text` on, first
    seen within `full_text_retry_hours`: a page that timed out or answered 503 gets
    another chance on the next runs, so its story is not judged on its title alone.
    """
    # The cheap tests first: most runs have no full text, or no failed page to retry.
    if not config.full_text_retry_hours:
        return []
    if not any(_full_text_mode(config, feed) for feed in config.all_feeds()):
        return []
    failed = store.failed_pages(now - timedelta(hours=config.full_text_retry_hours))
    if not failed:
        return []
    enabled = {
        url for url, feed in _feeds_by_url(config, store).items() if _full_text_mode(config, feed)
    }
    return [article for article in failed if article.source.feed_url in enabled and article.url]


@dataclass
class EnrichedArticles:
    """What full-text enrichment gave a run."""

    by_feed: dict[int, list[Article]] = field(default_factory=dict)
    """For each position in the due feeds whose articles changed, the feed's articles
    with the enriched ones in place."""
    retried: list[Article] = field(default_factory=list)
    """The stored articles whose page was tried again, as they came back."""


def enrich_new_articles(
    config: MonitorConfig,
    store: Store,
    feeds: Sequence[FeedConfig],
    results: Sequence[FetchResultLike],
    progress: Progress,
    retries: Sequence[Article] = (),
) -> EnrichedArticles:
    """Give the new items of full-text feeds their page's text (before detection).

    Only items the state has not seen are looked at, and of those the thin ones
    (or all, with `full_text = "all"`), plus `retries` (see `pages_to_retry`).
    Pages are fetched with the `[fetch]` limits (once the feeds are fetched) and
    read once (`StatePageCache`).
    """
    from pressmon._enrich import Enricher, is_thin
    from pressmon._fetch import Fetcher

    places: list[tuple[int, int]] = []
    pending: list[Article] = []
    for position, (feed, result) in enumerate(zip(feeds, results, strict=True)):
        mode = _full_text_mode(config, feed)
        if mode is None or result.error is not None or result.not_modified:
            continue
        for offset, article in enumerate(result.articles):
            wanted = article.extraction is None and (mode == "all" or is_thin(article))
            if wanted and store.find_article(article.id) is None:
                places.append((position, offset))
                pending.append(article)
    new_count = len(pending)
    # A retried article goes back without its failed extraction, so the enricher
    # reads its page again instead of returning it as already looked at.
    pending.extend(article.model_copy(update={"extraction": None}) for article in retries)
    if not pending:
        return EnrichedArticles()

    async def read() -> list[Article]:
        async with Fetcher(**fetcher_options(config.fetch)) as fetcher:
            enricher = Enricher(
                fetcher,
                mode="all",  # the thin rule was applied above, feed by feed
                allow_private_pages=config.fetch.allow_private_pages,
                cache=StatePageCache(store),
            )
            return await enricher.enrich(pending, progress=progress.advance)

    progress.start(len(pending), "pages")
    try:
        enriched = asyncio.run(read())
    finally:
        progress.finish()
    outcome = EnrichedArticles(retried=enriched[new_count:])
    for (position, offset), article in zip(places, enriched[:new_count], strict=True):
        outcome.by_feed.setdefault(position, list(results[position].articles))[offset] = article
    for label, articles in (
        ("new item(s)", enriched[:new_count]),
        ("earlier item(s) tried again", outcome.retried),
    ):
        if articles:
            progress.info(f"full text of {len(articles)} {label}: {_outcomes(articles, progress)}")
    return outcome


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


def redact(text: str, secrets: Sequence[str]) -> str:
    """Replace every secret value (webhook URLs, header values) in a text by `***`."""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def _secrets(config: MonitorConfig) -> list[str]:
    return config.secrets()


def alert_id(story_id: str) -> str:
    """The stable id of a story's alert (24 hex characters)."""
    return hashlib.sha256(f"alert\x00{story_id}".encode()).hexdigest()[:24]


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class _Candidate:
    story_id: str
    article: Article
    flags: tuple[Flag, ...]


@dataclass
class _Tally:
    new_articles: int = 0
    duplicates: int = 0
    candidates: dict[str, _Candidate] = field(default_factory=dict)


def _named(article: Article, feed: FeedConfig) -> Article:
    """The article with the configured feed name as its source name (its id is unchanged)."""
    if not feed.name or article.source.name == feed.name:
        return article
    return article.model_copy(
        update={"source": article.source.model_copy(update={"name": feed.name})}
    )


def _next_check(
    now: datetime, config: MonitorConfig, result: FetchResultLike | None, errors: int
) -> datetime:
    wait = config.min_interval
    if result is not None and result.max_age:
        wait = max(wait, min(result.max_age, config.max_backoff))
    if errors:
        wait = max(wait, min(config.max_backoff, _FIRST_BACKOFF * 2 ** (errors - 1)))
    if result is not None and result.retry_after:
        wait = max(wait, min(result.retry_after, config.max_backoff))
    return now + timedelta(seconds=wait)


class _Run:
    def __init__(
        self,
        config: MonitorConfig,
        store: SQLiteStore,
        progress: Progress,
        detect: DetectFunction,
        now: datetime,
    ) -> None:
        self.config = config
        self.store = store
        self.progress = progress
        self.detect = detect
        self.now = now
        self.tally = _Tally()
        self.index = SimilarityIndex(store, now - timedelta(days=config.dedup.window_days))

    # ------------------------------------------------------------ feeds

    def record_feed(
        self,
        feed: FeedConfig,
        previous: FeedState | None,
        result: FetchResultLike,
        articles: Sequence[Article] | None = None,
    ) -> FeedReport:
        """Update a feed's state and store its new articles (inside the run's transaction).

        `articles` replaces `result.articles` (the feed's articles after full-text
        enrichment)."""
        previous = previous or FeedState(url=feed.url)
        moved = result.permanent_redirect or previous.moved_to
        if result.error is not None or result.gone:
            errors = previous.consecutive_errors + 1
            message = (
                f"{result.error.kind}: {result.error.message}"
                if result.error is not None
                else "HTTP 410 Gone"
            )
            state = FeedState(
                url=feed.url,
                etag=previous.etag,
                last_modified=previous.last_modified,
                last_success=previous.last_success,
                last_attempt=self.now,
                consecutive_errors=errors,
                next_check=_next_check(self.now, self.config, result, errors),
                last_error=message,
                moved_to=moved,
                gone=result.gone,
                title=previous.title,
            )
            self.store.save_feed_state(state)
            return FeedReport(
                url=feed.url,
                name=feed.name,
                status="gone" if result.gone else "failed",
                error=message,
                next_check=state.next_check,
                moved_to=moved,
            )
        title = getattr(result.feed, "title", None) or previous.title
        state = FeedState(
            url=feed.url,
            etag=result.etag or (previous.etag if result.not_modified else None),
            last_modified=result.last_modified
            or (previous.last_modified if result.not_modified else None),
            last_success=self.now,
            last_attempt=self.now,
            consecutive_errors=0,
            next_check=_next_check(self.now, self.config, result, 0),
            last_error=None,
            moved_to=moved,
            gone=False,
            title=title,
        )
        self.store.save_feed_state(state)
        if result.not_modified:
            self.store.touch_feed([url for url in (feed.url, moved) if url], self.now)
            return FeedReport(
                url=feed.url,
                name=feed.name,
                status="not_modified",
                next_check=state.next_check,
                moved_to=moved,
            )
        new = self.record_articles(feed, result.articles if articles is None else articles)
        return FeedReport(
            url=feed.url,
            name=feed.name,
            status="ok",
            articles=len(result.articles),
            new_articles=new,
            next_check=state.next_check,
            moved_to=moved,
        )

    def record_articles(self, feed: FeedConfig, articles: Sequence[Article]) -> int:
        topics = feed.topics if feed.topics is not None else self.config.topics
        dedup = self.config.dedup
        seen: list[str] = []
        new = 0
        for original in articles:
            article = _named(original, feed)
            match = match_story(
                self.store,
                article,
                min_words=dedup.min_words,
                now=self.now,
                max_distance=dedup.max_distance,
                window_days=dedup.window_days,
                index=self.index,
            )
            if match.kind == "seen":
                seen.append(article.id)
                continue
            print_ = match.fingerprint
            new += 1
            self.tally.new_articles += 1
            if match.kind != "new":
                self.tally.duplicates += 1
                self.progress.detail(
                    f"{article.url or article.id}: a copy of story {match.story_id} "
                    f"(same {match.kind})"
                )
            alerted = match.story_id in self.tally.candidates or self.store.story_alerted(
                match.story_id
            )
            flags = () if alerted else tuple(self.detect(article, topics))
            self.store.add_article(
                article,
                story_id=match.story_id,
                fingerprint=print_,
                flags=flags,
                seen=self.now,
                match=None if match.kind == "new" else match.kind,
            )
            if print_ is not None:
                self.index.add(article.id, print_)
            if flags:
                self.tally.candidates[match.story_id] = _Candidate(match.story_id, article, flags)
        if seen:
            self.store.touch_articles(seen, self.now)
        return new

    def record_retried(self, articles: Sequence[Article]) -> None:
        """Store what the pages tried again gave; detect again where the text changed."""
        if not articles:
            return
        feeds = _feeds_by_url(self.config, self.store)
        for article in articles:
            stored = self.store.find_article(article.id)
            before = self.store.article(article.id)
            if stored is None or before is None:
                continue  # pruned since
            if article.text == before.text:
                # Still no page text: record the latest outcome, keep the rest.
                self.store.update_article(article, fingerprint=stored.fingerprint, flags=None)
                continue
            feed = feeds.get(article.source.feed_url or "")
            topics = feed.topics if feed is not None and feed.topics is not None else None
            alerted = stored.story_id in self.tally.candidates or self.store.story_alerted(
                stored.story_id
            )
            flags = () if alerted else tuple(self.detect(article, topics or self.config.topics))
            print_ = fingerprint(article, self.config.dedup.min_words)
            self.store.update_article(article, fingerprint=print_, flags=None if alerted else flags)
            if print_ is not None:
                self.index.add(article.id, print_)
            if flags:
                self.tally.candidates[stored.story_id] = _Candidate(stored.story_id, article, flags)

    def make_alerts(self) -> list[Alert]:
        """Turn this run's flagged new stories into outbox entries (same transaction)."""
        alerts = []
        for candidate in self.tally.candidates.values():
            copies = []
            for stored in self.store.story_articles(candidate.story_id):
                if stored.id == candidate.article.id:
                    continue
                article = self.store.article(stored.id)
                if article is None:
                    continue
                copies.append(
                    StoryCopy(
                        article_id=stored.id,
                        url=article.url,
                        title=article.title,
                        source=article.source,
                        first_seen=stored.first_seen,
                        match=stored.match if stored.match in ("url", "guid", "text") else None,
                    )
                )
            alert = Alert(
                id=alert_id(candidate.story_id),
                story_id=candidate.story_id,
                created=self.now,
                article=candidate.article,
                flags=candidate.flags,
                copies=tuple(copies),
            )
            self.store.add_alert(alert)
            alerts.append(alert)
        return alerts

    # ------------------------------------------------------------ delivery

    def deliver(self, sinks: Sequence[Sink], context: DeliveryContext) -> tuple[int, list[str]]:
        errors = []
        for sink in sinks:
            pending = self.store.pending_alerts(sink.key)
            if isinstance(sink, ScheduledSink):
                pending = list(sink.due(pending, context))
            if not pending and not sink.always:
                continue
            try:
                sink.deliver(pending, context)
            except DeliveryFailed as error:
                if error.delivered:
                    self.store.mark_delivered(error.delivered, sink.key, _now())
                errors.append(f"{sink.key}: {error}")
                continue
            except Exception as error:
                errors.append(f"{sink.key}: {type(error).__name__}: {error}")
                continue
            crash_point("after_delivery_before_mark")
            self.store.mark_delivered([alert.id for alert in pending], sink.key, _now())
        completed = self.store.complete_alerts([sink.key for sink in sinks], _now())
        return completed, errors


def _sinks(config: MonitorConfig, stdout: TextIO | None) -> list[Sink]:
    configs: list[Any] = list(config.sinks)
    if config.github_enabled() and not any(isinstance(c, GithubSinkConfig) for c in configs):
        configs.append(GithubSinkConfig(type="github"))
    return [build_sink(sink, stdout=stdout) for sink in configs]


def _move_aside(path: Path, now: datetime) -> Path:
    target = path.with_name(f"{path.name}.broken-{now:%Y%m%dT%H%M%S}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            os.replace(source, Path(f"{target}{suffix}"))
    return target


def _open_store(
    config: MonitorConfig, progress: Progress, rebuild: bool, now: datetime
) -> SQLiteStore:
    try:
        return SQLiteStore(config.state)
    except StateCorruptError:
        if not rebuild:
            raise
    moved = _move_aside(config.state, now)
    progress.warning(f"{config.state}: damaged state moved to {moved}; starting a new state")
    return SQLiteStore(config.state)


def run_monitor(
    config: MonitorConfig | str | os.PathLike[str],
    *,
    force: bool = False,
    rebuild_state: bool = False,
    progress: Progress | None = None,
    stdout: TextIO | None = None,
    fetch: FetchFunction | None = None,
    detect: DetectFunction | None = None,
    now: datetime | None = None,
) -> RunReport:
    """Run the monitor once: fetch the due feeds, alert on new flagged stories, once each.

    Args:
        config: a [`MonitorConfig`][pressmon.MonitorConfig] or the path of its TOML file.
        force: fetch every feed now, even those not due yet (backing off, or fresh per
            Cache-Control) or gone.
        rebuild_state: when the state file is damaged, move it aside and start a new one.
        progress: where progress and log lines go (default: standard error, normal level).
        stdout: where the console and GitHub sinks print (default: standard output).
        fetch: the fetch function (default: [`Fetcher`][pressmon.Fetcher]); for tests.
        detect: the detect function (default: [`detect`][pressmon.detect]); for tests.
        now: the run's time (default: now); for tests.

    Returns:
        What the run did.

    Raises:
        ConfigError: the configuration is invalid.
        StateLockedError: another run held the state longer than `lock_timeout`.
        StateCorruptError: the state file is damaged (see `docs/monitor.md` to rebuild it).
        StateVersionError: the state was written by a newer pressmon.

    Examples:
        >>> report = run_monitor("monitor.toml")  # doctest: +SKIP
        >>> [alert.article.title for alert in report.alerts]  # doctest: +SKIP
    """
    if not isinstance(config, MonitorConfig):
        config = load_config(config)
    progress = progress or Progress(secrets=_secrets(config))
    if not progress.secrets:
        progress.secrets = tuple(_secrets(config))
    fetch_function: FetchFunction = fetch or default_fetch
    detect_function: DetectFunction = detect or default_detect
    feeds = config.all_feeds()
    sinks = _sinks(config, stdout)
    with RunLock(config.state, config.lock_timeout) as lock:
        if lock.waited >= 1:
            progress.info(f"waited {lock.waited:.0f} s for another run to finish")
        started = now or _now()
        store = _open_store(config, progress, rebuild_state, started)
        try:
            return _run(
                config,
                store,
                feeds,
                sinks,
                progress,
                fetch_function,
                detect_function,
                started,
                force,
            )
        finally:
            store.close()


def _run(
    config: MonitorConfig,
    store: SQLiteStore,
    feeds: Sequence[FeedConfig],
    sinks: Sequence[Sink],
    progress: Progress,
    fetch: FetchFunction,
    detect: DetectFunction,
    now: datetime,
    force: bool,
) -> RunReport:
    run = _Run(config, store, progress, detect, now)
    reports: dict[int, FeedReport] = {}
    due: list[tuple[int, FeedConfig, FeedState | None]] = []
    for index, feed in enumerate(feeds):
        state = store.feed_state(feed.url)
        if state is not None and not force:
            if state.gone:
                reports[index] = FeedReport(
                    url=feed.url, name=feed.name, status="skipped", error="gone (HTTP 410)"
                )
                continue
            if state.next_check is not None and state.next_check > now:
                reports[index] = FeedReport(
                    url=feed.url, name=feed.name, status="skipped", next_check=state.next_check
                )
                continue
        due.append((index, feed, state))

    requests = [
        FeedRequestLike(
            url=(state.moved_to if state and state.moved_to else feed.url),
            etag=state.etag if state else None,
            last_modified=state.last_modified if state else None,
            name=feed.name,
        )
        for _, feed, state in due
    ]
    progress.start(len(requests))
    try:
        results: Sequence[FetchResultLike] = (
            asyncio.run(fetch(requests, config.fetch, progress.advance)) if requests else []
        )
    finally:
        progress.finish()

    enriched = enrich_new_articles(
        config,
        store,
        [feed for _, feed, _ in due],
        results,
        progress,
        retries=pages_to_retry(config, store, now),
    )

    with store.transaction():
        # Retried articles first: they are older than this run's items, so a story
        # told by both is alerted with its first article.
        run.record_retried(enriched.retried)
        for position, ((index, feed, state), result) in enumerate(zip(due, results, strict=True)):
            reports[index] = run.record_feed(feed, state, result, enriched.by_feed.get(position))
        alerts = run.make_alerts()
    crash_point("after_store")

    ordered = [reports[index] for index in range(len(feeds))]
    for feed_report in ordered:
        label = feed_report.name or feed_report.url
        if feed_report.status == "failed":
            progress.warning(f"{label}: {feed_report.error}")
        elif feed_report.status == "gone":
            progress.warning(
                f"{label}: the feed is gone (HTTP 410): remove it from the configuration"
            )
        else:
            new = (
                f", {feed_report.new_articles} new article(s)" if feed_report.status == "ok" else ""
            )
            progress.detail(f"{label}: {feed_report.status.replace('_', ' ')}{new}")
        if feed_report.moved_to and feed_report.status != "failed":
            progress.warning(
                f"{label}: moved permanently to {feed_report.moved_to}: update the configuration"
            )

    notes = [
        f"{report.name or report.url}: {report.error}"
        for report in ordered
        if report.status in ("failed", "gone")
    ]
    context = DeliveryContext(
        started=now,
        daily_counts=store.daily_counts(now - timedelta(days=366)),
        feeds_checked=len(due),
        feeds_failed=sum(1 for report in ordered if report.status in ("failed", "gone")),
        notes=tuple(notes),
    )
    delivered, sink_errors = run.deliver(sinks, context)
    for message in sink_errors:
        progress.error(f"sink {message} (kept in the outbox; the next run retries)")
    pruned = store.prune(now - timedelta(days=config.retention_days))
    report = RunReport(
        started=now,
        finished=_now(),
        feeds=tuple(ordered),
        new_articles=run.tally.new_articles,
        duplicates=run.tally.duplicates,
        alerts=tuple(alerts),
        delivered=delivered,
        pending=store.count_pending(),
        sink_errors=tuple(redact(message, progress.secrets) for message in sink_errors),
        pruned=pruned,
    )
    progress.info(summary_line(report))
    return report


def summary_line(report: RunReport) -> str:
    """One line that says what a run did."""
    counts: Mapping[str, int] = {
        status: sum(1 for feed in report.feeds if feed.status == status)
        for status in ("ok", "not_modified", "failed", "gone", "skipped")
    }
    feeds = ", ".join(
        f"{count} {status.replace('_', ' ')}" for status, count in counts.items() if count
    )
    alerts = len(report.alerts)
    return (
        f"{len(report.feeds)} feed(s) ({feeds or 'none'}); "
        f"{report.new_articles} new article(s), {report.duplicates} duplicate(s); "
        f"{alerts} new alert(s), {report.delivered} delivered, {report.pending} pending"
    )

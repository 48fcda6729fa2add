"""Recording: the feeds' new states, every new article with its story and flags, the outbox.

Each batch of feeds is recorded in one exclusive transaction (`Recorder` is used by
`_run` within `store.transaction(exclusive=True)`), so a crash leaves a batch's
feeds as they were, or with every article of the batch and its alerts in the
outbox.

An article, new or read again (a page that failed earlier), goes through one
function, `Recorder.record_article`: find its story (`_dedup`), detect its
topics unless its story was already alerted, store it, and remember the story as
a candidate for an alert. The topics are resolved once per run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pressmon._dedup import HeadlineIndex, SimilarityIndex, fingerprint, match_story
from pressmon._detect import Topic, TopicSpec, resolve_topics
from pressmon._monitor._decisions import DueFeed, feed_outcome
from pressmon._monitor._progress import Progress
from pressmon._store import Store, StoredArticle
from pressmon.config import FeedConfig, MonitorConfig
from pressmon.models import Alert, Article, FeedReport, FetchResult, Flag, StoryCopy

__all__ = ["DetectFunction", "Recorder", "alert_id"]

DetectFunction = Callable[[Article, Sequence[TopicSpec] | None], Sequence[Flag]]
"""`detect(article, topics)`: the topics an article is flagged for (`pressmon.detect`)."""


_MATCH_KINDS = ("url", "guid", "text", "headline")


def alert_id(story_id: str) -> str:
    """The stable id of a story's alert (24 hex characters): the same story gives the same
    id in every run, even from a rebuilt state, which is what lets sinks drop repeats."""
    return hashlib.sha256(f"alert\x00{story_id}".encode()).hexdigest()[:24]


@dataclass
class _Candidate:
    """A story this run flagged, and the article it was first flagged on."""

    story_id: str
    article: Article
    flags: tuple[Flag, ...]


@dataclass
class Tally:
    """What a run counted while recording."""

    new_articles: int = 0
    duplicates: int = 0
    candidates: dict[str, _Candidate] = field(default_factory=dict)


def _named(article: Article, feed: FeedConfig, feed_title: str | None) -> Article:
    """The article with the configured feed name as its source name, in place of the feed's
    own title (its id is unchanged); an item that names its own publisher (an
    aggregator's `<source>`) keeps that name."""
    name = article.source.name
    if not feed.name or name == feed.name or (name and name != feed_title):
        return article
    return article.model_copy(
        update={"source": article.source.model_copy(update={"name": feed.name})}
    )


class Recorder:
    """Stores one run's outcome; call it inside the store's transaction.

    Args:
        config: the monitor configuration.
        store: the state.
        detect: the detect function.
        now: the run's time.
        progress: where log lines go.
    """

    def __init__(
        self,
        config: MonitorConfig,
        store: Store,
        detect: DetectFunction,
        now: datetime,
        progress: Progress,
    ) -> None:
        self.config = config
        self.store = store
        self.detect = detect
        self.now = now
        self.progress = progress
        self.tally = Tally()
        window = now - timedelta(days=config.dedup.window_days)
        self.index = SimilarityIndex(store, window)
        mode = config.dedup.headlines
        self.headlines = None if mode == "off" else HeadlineIndex(store, window, mode)
        self._topics: dict[tuple[str, ...] | None, list[Topic]] = {}

    def topics(self, feed: FeedConfig | None) -> list[Topic]:
        """The topics detected in a feed's articles, resolved once per run (topic files
        are read once); the top-level topics for an article of no configured feed."""
        specs = self.config.topics_for(feed) if feed is not None else self.config.topics
        topics = self._topics.get(specs)
        if topics is None:
            topics = self._topics[specs] = resolve_topics(specs)
        return topics

    def refresh(self) -> None:
        """Catch up with what other workers stored since this run's last batch (inside the
        exclusive transaction, before recording a batch)."""
        self.index.refresh()
        if self.headlines is not None:
            self.headlines.refresh()

    # ------------------------------------------------------------ feeds

    def record_feed(self, due: DueFeed, result: FetchResult) -> FeedReport:
        """Store a feed's new state and its new articles; return the feed's report."""
        feed = due.feed
        outcome = feed_outcome(feed, due.state, result, self.now, self.config)
        self.store.save_feed_state(outcome.state)
        report = FeedReport(
            url=feed.url,
            name=feed.name,
            status=outcome.status,
            error=outcome.error,
            next_check=outcome.state.next_check,
            moved_to=outcome.state.moved_to,
        )
        if outcome.status == "not_modified":
            urls = [url for url in (feed.url, outcome.state.moved_to) if url]
            self.store.touch_feed(urls, self.now)
        if outcome.status != "ok":
            return report
        topics = self.topics(feed)
        seen: list[str] = []
        new = 0
        feed_title = result.feed.title if result.feed is not None else None
        for article in result.articles:
            if self.record_article(_named(article, feed, feed_title), topics):
                new += 1
            else:
                seen.append(article.id)
        if seen:
            self.store.touch_articles(seen, self.now)
        return report.model_copy(update={"articles": len(result.articles), "new_articles": new})

    # ------------------------------------------------------------ articles

    def record_article(
        self, article: Article, topics: Sequence[Topic], *, stored: StoredArticle | None = None
    ) -> bool:
        """Store an article and flag its story; return False for an article already stored.

        A new article joins its story (`_dedup.match_story`); an article given with
        its `stored` row (its page read again) keeps its story and replaces its
        stored content. Either way its topics are detected, unless its story was
        alerted already, and a flagged story becomes a candidate for an alert.
        """
        if stored is None:
            dedup = self.config.dedup
            match = match_story(
                self.store,
                article,
                min_words=dedup.min_words,
                now=self.now,
                max_distance=dedup.max_distance,
                window_days=dedup.window_days,
                index=self.index,
                headlines=self.headlines,
            )
            if match.kind == "seen":
                return False
            story_id, print_ = match.story_id, match.fingerprint
            joined = None if match.kind == "new" else match.kind
            head = match.headline
            self.tally.new_articles += 1
            if match.kind != "new":
                self.tally.duplicates += 1
                self.progress.detail(
                    f"{article.url or article.id}: a copy of story {story_id} (same {match.kind})"
                )
        else:
            story_id = stored.story_id
            print_ = fingerprint(article, self.config.dedup.min_words)
        alerted = story_id in self.tally.candidates or self.store.story_alerted(story_id)
        flags = () if alerted else tuple(self.detect(article, topics))
        if stored is None:
            self.store.add_article(
                article,
                story_id=story_id,
                fingerprint=print_,
                flags=flags,
                seen=self.now,
                match=joined,
                headline=head.encode() if head is not None else None,
            )
            if head is not None and self.headlines is not None:
                self.headlines.add(article.id, head)
        else:
            self.store.update_article(article, fingerprint=print_, flags=None if alerted else flags)
        if print_ is not None:
            self.index.add(article.id, print_)
        if flags:
            self.tally.candidates[story_id] = _Candidate(story_id, article, flags)
        return True

    def record_retried(self, articles: Sequence[Article], feeds: dict[str, FeedConfig]) -> None:
        """Store what the pages tried again gave; detect again where the text changed.

        Args:
            articles: the stored articles, their page read again.
            feeds: the configured feeds by the URLs their articles carry.
        """
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
            self.record_article(article, self.topics(feed), stored=stored)

    # ------------------------------------------------------------ the outbox

    def make_alerts(self) -> list[Alert]:
        """Turn the stories flagged since the last call into outbox entries, each listing
        every other stored copy of its story."""
        alerts = []
        for candidate in self.tally.candidates.values():
            alert = Alert(
                id=alert_id(candidate.story_id),
                story_id=candidate.story_id,
                created=self.now,
                article=candidate.article,
                flags=candidate.flags,
                copies=tuple(self._copies(candidate)),
            )
            self.store.add_alert(alert)
            alerts.append(alert)
        self.tally.candidates.clear()  # the next batch makes its own
        return alerts

    def _copies(self, candidate: _Candidate) -> list[StoryCopy]:
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
                    match=stored.match if stored.match in _MATCH_KINDS else None,
                )
            )
        return copies

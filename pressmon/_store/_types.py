"""The records a store keeps and the `Store` protocol the monitor programs against."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from pressmon.models import Alert, Article, Flag

__all__ = ["FeedState", "Store", "StoredArticle"]


@dataclass(frozen=True)
class FeedState:
    """What the store remembers about one feed between runs."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_success: datetime | None = None
    last_attempt: datetime | None = None
    consecutive_errors: int = 0
    next_check: datetime | None = None
    last_error: str | None = None
    moved_to: str | None = None
    gone: bool = False
    title: str | None = None


@dataclass(frozen=True)
class StoredArticle:
    """An article row, without its JSON (read it with `Store.article`)."""

    id: str
    story_id: str
    feed_url: str | None
    url: str | None
    guid: str | None
    fingerprint: int | None
    first_seen: datetime
    match: str | None = None


class Store(Protocol):
    """What the monitor needs from a state backend.

    Writes happen inside `transaction`; a transaction either commits whole or leaves
    nothing behind (a crash included).
    """

    def transaction(self) -> AbstractContextManager[None]:
        """Group writes: all are kept, or none."""
        ...

    def close(self) -> None:
        """Release the backend."""
        ...

    # feeds
    def feed_state(self, url: str) -> FeedState | None:
        """The remembered state of a feed, or None for a feed never fetched."""
        ...

    def save_feed_state(self, state: FeedState) -> None:
        """Remember a feed's state (replaces the previous one)."""
        ...

    # articles and stories
    def find_article(self, article_id: str) -> StoredArticle | None:
        """The article with this id."""
        ...

    def find_by_url(self, url: str) -> StoredArticle | None:
        """The first-seen article with this canonical URL."""
        ...

    def find_by_guid(self, guid: str) -> StoredArticle | None:
        """The first-seen article with this guid."""
        ...

    def find_similar(
        self, fingerprint: int, *, since: datetime, max_distance: int
    ) -> list[tuple[StoredArticle, int]]:
        """Articles first seen since `since` whose fingerprint is within `max_distance` bits,
        closest first, with the distance."""
        ...

    def fingerprints(self, since: datetime) -> list[tuple[str, int]]:
        """(article id, fingerprint) of the articles first seen since a time, oldest first."""
        ...

    def headlines(self, since: datetime) -> list[tuple[str, str]]:
        """(article id, stored headline) of the short items first seen since a time, oldest
        first."""
        ...

    def add_article(
        self,
        article: Article,
        *,
        story_id: str,
        fingerprint: int | None,
        flags: Sequence[Flag],
        seen: datetime,
        match: str | None = None,
        headline: str | None = None,
    ) -> None:
        """Store a new article (`match`: why it joined an existing story; `headline`: a
        short item's `Headline.encode()`)."""
        ...

    def update_article(
        self, article: Article, *, fingerprint: int | None, flags: Sequence[Flag] | None
    ) -> None:
        """Replace a stored article's content after its page was read again (`flags=None`
        keeps the stored flags)."""
        ...

    def failed_pages(self, since: datetime) -> list[Article]:
        """The articles first seen since a time whose page could not be read for a reason
        that may pass (`failed` and `temporary`), oldest first."""
        ...

    def touch_articles(self, article_ids: Iterable[str], seen: datetime) -> None:
        """Record that these articles are still in their feeds (retention counts from there)."""
        ...

    def touch_feed(self, feed_urls: Sequence[str], seen: datetime) -> None:
        """Record that a feed is unchanged (HTTP 304): its articles are all still in it."""
        ...

    def story_articles(self, story_id: str) -> list[StoredArticle]:
        """Every stored copy of a story, first seen first."""
        ...

    def article(self, article_id: str) -> Article | None:
        """The stored article."""
        ...

    def articles_with_url(self, url: str) -> list[Article]:
        """The stored articles with this canonical URL, last seen first."""
        ...

    # the outbox
    def story_alerted(self, story_id: str) -> bool:
        """Whether an alert was already made for this story."""
        ...

    def add_alert(self, alert: Alert) -> None:
        """Put an alert in the outbox."""
        ...

    def pending_alerts(self, sink: str) -> list[Alert]:
        """Undelivered alerts that the sink has not received yet, oldest first."""
        ...

    def mark_delivered(self, alert_ids: Iterable[str], sink: str, when: datetime) -> None:
        """Record that a sink received these alerts."""
        ...

    def complete_alerts(self, sinks: Sequence[str], when: datetime) -> int:
        """Mark delivered the alerts every sink has received; return how many."""
        ...

    def count_pending(self) -> int:
        """Alerts not yet delivered to every sink."""
        ...

    def daily_counts(self, since: datetime) -> list[tuple[str, str, int]]:
        """Alerts made since a time, as (UTC day, source name, count)."""
        ...

    def prune(self, before: datetime) -> int:
        """Remove articles last seen before a time (and old delivered alerts); return the count
        of articles removed."""
        ...


def iter_chunks(values: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """Cut a sequence in chunks (SQLite limits the parameters of one statement)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]

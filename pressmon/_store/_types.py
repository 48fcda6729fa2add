"""The records a store keeps and the `Store` protocol the monitor programs against."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from pressmon.models import Alert, Article, Flag

__all__ = [
    "COPIED_TABLES",
    "FeedState",
    "Store",
    "StoredArticle",
    "TableCounts",
    "new_worker_id",
]


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


COPIED_TABLES: dict[str, tuple[str, ...]] = {
    "feeds": (
        "url",
        "etag",
        "last_modified",
        "last_success",
        "last_attempt",
        "consecutive_errors",
        "next_check",
        "last_error",
        "moved_to",
        "gone",
        "title",
    ),
    "articles": (
        "id",
        "story_id",
        "feed_url",
        "guid",
        "url",
        "fingerprint",
        "first_seen",
        "last_seen",
        "article",
        "flags",
        "match",
        "headline",
        "changed",
    ),
    "outbox": ("alert_id", "story_id", "created", "source", "alert", "delivered_at"),
    "deliveries": ("alert_id", "sink", "delivered_at"),
}
"""The tables `pressmon state copy` moves, in the order it writes them, and their columns.
A row travels as a dict: times as UTC datetimes, `gone` as a bool, fingerprints as the
signed 64-bit integers both backends store, JSON as its text. Feed leases and alert
claims are not copied: they belong to the workers running at that moment."""


@dataclass(frozen=True)
class TableCounts:
    """How many rows of each kind a state holds."""

    feeds: int
    articles: int
    stories: int
    alerts: int
    pending: int
    deliveries: int

    def empty(self) -> bool:
        """Whether the state holds nothing that a copy would replace."""
        return not (self.feeds or self.articles or self.alerts or self.deliveries)


def new_worker_id() -> str:
    """A worker name for leases and claims, unique to this process: `host:pid:random`.

    Two processes must never share a name: a worker takes back its own leases at once.
    """
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class Store(Protocol):
    """What the monitor needs from a state backend.

    Writes happen inside `transaction`; a transaction either commits whole or leaves
    nothing behind (a crash included).

    Many workers can share one state (PostgreSQL; SQLite behaves the same within one
    machine): each claims due feeds with `claim_feeds` (a lease, released when it saves
    the feed's new state or when it expires), records what it fetched in
    `transaction(exclusive=True)`, then claims each sink's pending alerts with
    `claim_alerts` and records the delivery with `mark_delivered`. Times given as `now`
    come from the workers' clocks, which must agree (NTP) to well within `lease_seconds`.
    """

    def transaction(self, *, exclusive: bool = False) -> AbstractContextManager[None]:
        """Group writes: all are kept, or none (nested calls join the outer transaction).

        `exclusive=True` also keeps every other exclusive transaction and every other write
        of articles and alerts, by any worker, waiting until this one ends, so that what it
        reads stays true until it commits. The monitor records a batch of feeds (dedup,
        articles, outbox) this way, so two workers storing copies of one story at the same
        moment cannot both create it. Inside, re-read whatever was cached before: lookups
        (`find_by_url`, `find_by_guid`, `story_alerted`) read the store, and the fingerprints
        other workers stored since a cursor come from `fingerprints_after`.
        """
        ...

    def close(self) -> None:
        """Release the backend."""
        ...

    # feeds
    def feed_state(self, url: str) -> FeedState | None:
        """The remembered state of a feed, or None for a feed never fetched."""
        ...

    def feed_states(self, urls: Iterable[str]) -> dict[str, FeedState]:
        """The remembered states of these feeds, by URL (feeds never fetched are absent): one
        query for a batch, such as the feeds a worker just claimed."""
        ...

    def save_feed_state(self, state: FeedState) -> None:
        """Remember a feed's state (replaces the previous one) and release its lease, whoever
        holds it (its new `next_check` keeps it from being due again too soon)."""
        ...

    def claim_feeds(
        self,
        urls: Sequence[str],
        *,
        worker: str,
        now: datetime,
        lease_seconds: float,
        limit: int | None = None,
        force: bool = False,
    ) -> list[str]:
        """Lease the given feeds that are due to `worker` until `now + lease_seconds`.

        A feed is due when nobody else holds an unexpired lease on it and, unless `force`,
        it is not gone and its `next_check` has passed (or it was never fetched). The state
        is read again after the lease is taken, so a feed another worker saved meanwhile is
        not due any more: a feed is fetched once per interval while leases do not expire.
        At most `limit` feeds are taken, those never fetched first, then by `next_check`,
        then by URL, and returned in that order. A worker's own unexpired lease is taken
        again (and extended). The lease ends when the feed's state is saved, when
        `release_feeds` gives it back, or when it expires (a worker that died)."""
        ...

    def start_worker(self, worker: str) -> int:
        """Announce a live worker, and release the feed leases and alert claims of workers
        that are gone (killed, crashed), so that their feeds and alerts are taken at once
        instead of when their leases expire; return how many were released.

        On PostgreSQL a worker is alive while its connection is (a session advisory lock
        marks it). An SQLite state has one run at a time (the run lock): every lease or
        claim of another worker is a dead run's."""
        ...

    def release_feeds(self, urls: Iterable[str], *, worker: str) -> int:
        """Give back `worker`'s leases on these feeds without saving a state (a fetch that
        will not happen); return how many it held."""
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

    def headlines_after(self, cursor: int, *, since: datetime) -> tuple[list[tuple[str, str]], int]:
        """(article id, stored headline) of the short items first seen since `since` stored
        after `cursor` (the cursor of `fingerprints_after`), and the next cursor."""
        ...

    def change_cursor(self) -> int:
        """The cursor of `fingerprints_after` and `headlines_after` as of now. Read it before
        `fingerprints(since)`: what is stored between the two reads comes again from
        `fingerprints_after(cursor)` (twice in an index, which is harmless), so nothing
        falls between."""
        ...

    def fingerprints_after(
        self, cursor: int, *, since: datetime
    ) -> tuple[list[tuple[str, int]], int]:
        """(article id, fingerprint) of the articles first seen since `since` whose
        fingerprint was stored or changed (`add_article`, `update_article`) after `cursor`,
        in that order, and the cursor to give next time. Cursor 0 reads the whole window.

        Nothing is skipped: article writes are serialized and numbered in commit order, so
        a write still in progress comes with a later call. Outside `transaction(exclusive=True)`
        the answer may be out of date as soon as it is returned; inside, no other worker
        stores or changes an article until the transaction ends."""
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

    def claim_alerts(
        self,
        sink: str,
        *,
        worker: str,
        now: datetime,
        lease_seconds: float,
        limit: int | None = None,
    ) -> list[Alert]:
        """Claim for `worker`, until `now + lease_seconds`, the alerts the sink has not
        received that no other worker holds an unexpired claim on for this sink; oldest
        first, at most `limit`. Two workers never hold one alert for one sink at the same
        time. A claim ends with `mark_delivered`, `release_alerts`, or its expiry (a worker
        that died: another worker then delivers the alert). A worker's own unexpired claims
        are returned again (and extended)."""
        ...

    def release_alerts(self, alert_ids: Iterable[str], sink: str, *, worker: str) -> int:
        """Give back `worker`'s claims on these alerts for a sink that did not take them, so
        that the next claim gets them at once; return how many it held."""
        ...

    def mark_delivered(self, alert_ids: Iterable[str], sink: str, when: datetime) -> None:
        """Record that a sink received these alerts (and end their claims for that sink)."""
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

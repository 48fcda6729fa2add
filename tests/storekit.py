"""What the store tests share: a fixed time, small articles and alerts, where a state lives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pressmon._store import PostgresStore, SQLiteStore, open_store
from pressmon.models import Alert, Article, Source

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=timezone.utc)

AnyStore = SQLiteStore | PostgresStore


@dataclass(frozen=True)
class Backend:
    """Where a test's state lives, and a way to open it again (another worker)."""

    name: str
    location: str | Path

    def open(self) -> AnyStore:
        return open_store(self.location)


def article(n: int, *, feed: str = "https://news.example/feed", **fields: Any) -> Article:
    """A small article, number `n`, of one feed."""
    return Article(
        title=f"story {n}",
        url=f"https://news.example/{n}",
        source=Source(name="News", feed_url=feed),
        **fields,
    )


def alert_for(item: Article, created: datetime = NOW) -> Alert:
    """The alert of a story whose first article is `item`."""
    return Alert(id=f"alert-{item.id}", story_id=item.id, created=created, article=item, flags=())

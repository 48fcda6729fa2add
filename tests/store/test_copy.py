"""`pressmon state copy SRC DST`: a state moved from SQLite to PostgreSQL and back loses
nothing (rows identical, pending alerts still pending), a copy is whole or nothing, and a
destination that holds a state is replaced only with --force."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import RunPressmon
from storekit import NOW, AnyStore, alert_for, article

from pressmon import Extraction, Flag
from pressmon._store import FeedState, PostgresStore, SQLiteStore, open_store
from pressmon._store._copy import copy_state
from pressmon._store._types import COPIED_TABLES
from pressmon.exceptions import StoreError

SINKS = ("jsonl:alerts.jsonl", "webhook:0123456789ab")


def _fill(store: AnyStore) -> None:
    """A state with a bit of everything a monitor leaves: feeds in every condition, stories
    with copies, flags, fingerprints (high bit set), a retried page, alerts delivered to all
    sinks, to one sink, to none."""
    flag = Flag(topic="alpine-us-expansion", score=0.87, threshold=0.5)
    with store.transaction(exclusive=True):
        store.save_feed_state(
            FeedState(
                url="https://news.example/feed",
                etag='W/"v7"',
                last_modified="Mon, 02 Jun 2025 11:00:00 GMT",
                last_success=NOW.replace(microsecond=654321),
                last_attempt=NOW,
                next_check=NOW + timedelta(minutes=15),
                title="Les Nouvelles",
            )
        )
        store.save_feed_state(
            FeedState(
                url="https://broken.example/rss",
                last_attempt=NOW,
                consecutive_errors=4,
                next_check=NOW + timedelta(hours=1),
                last_error="timeout: no answer within 20 s",
            )
        )
        store.save_feed_state(FeedState(url="https://old.example/feed", gone=True))
        store.save_feed_state(
            FeedState(url="https://moved.example/a", moved_to="https://moved.example/b")
        )
        for n in range(1, 7):
            item = article(n, text=f"Texte n° {n} — « Zürich » 🚗", summary="…")
            seen = NOW - timedelta(hours=n)
            story = article(1).id if n in (1, 2) else item.id
            store.add_article(
                item,
                story_id=story,
                fingerprint=(1 << 63) + n if n % 2 else n,
                flags=(flag,) if n != 2 else (),
                seen=seen,
                match="text" if n == 2 else None,
            )
        retried = article(6).model_copy(
            update={"extraction": Extraction(status="failed", message="HTTP 503", temporary=True)}
        )
        store.update_article(retried, fingerprint=None, flags=None)
        store.touch_articles([article(3).id], NOW)
        for n in (1, 3, 4, 5):
            store.add_alert(alert_for(article(n), NOW - timedelta(minutes=n)))
    store.mark_delivered([alert_for(article(n)).id for n in (1, 3)], SINKS[0], NOW)
    store.mark_delivered([alert_for(article(1)).id], SINKS[1], NOW)
    store.complete_alerts(SINKS, NOW)


def _rows(store: Any) -> dict[str, list[dict[str, Any]]]:
    with store.read_snapshot():
        return {table: list(store.export_rows(table)) for table in COPIED_TABLES}


# Articles and alerts keep their insertion order (it breaks ties of one run); feeds and
# delivery records have none that means anything (a saved feed state is a new row).
_ORDER = {"feeds": "url", "articles": "rowid", "outbox": "rowid", "deliveries": "alert_id, sink"}


def _sqlite_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The raw rows of a state file, as SQLite holds them (times as their stored text)."""
    connection = sqlite3.connect(path)
    try:
        return {
            table: connection.execute(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY {_ORDER[table]}"  # noqa: S608 - constants
            ).fetchall()
            for table, columns in COPIED_TABLES.items()
        }
    finally:
        connection.close()


def test_sqlite_to_postgresql_and_back_gives_identical_rows(
    tmp_path: Path, postgres_url: str
) -> None:
    """Every row of every table survives SQLite -> PostgreSQL -> SQLite unchanged (the stored
    text of times and JSON included, in the same order); PostgreSQL holds the same values;
    each sink's pending alerts are still pending, in order; the copy continues to work."""
    original, back = tmp_path / "state.db", tmp_path / "back.db"
    with SQLiteStore(original) as store:
        _fill(store)
        pending = {sink: store.pending_alerts(sink) for sink in SINKS}
        expected = _rows(store)
    with SQLiteStore(original) as source, PostgresStore(postgres_url) as target:
        result = copy_state(source, target)
        assert _rows(target) == expected
        assert {sink: target.pending_alerts(sink) for sink in SINKS} == pending
        retried = target.failed_pages(NOW - timedelta(days=1))
        assert [item.id for item in retried] == [article(6).id]
    counts = result.counts
    assert (counts.feeds, counts.articles, counts.stories) == (4, 6, 5)
    assert (counts.alerts, counts.pending, counts.deliveries) == (4, 3, 3)
    with PostgresStore(postgres_url) as source, SQLiteStore(back) as target:
        assert copy_state(source, target).counts == counts
        assert {sink: target.pending_alerts(sink) for sink in SINKS} == pending
        items, cursor = target.fingerprints_after(0, since=NOW - timedelta(days=1))
        target.add_article(article(9), story_id="new", fingerprint=9, flags=(), seen=NOW)
        assert target.fingerprints_after(cursor, since=NOW - timedelta(days=1))[0] == [
            (article(9).id, 9)
        ]
    original_rows, back_rows = _sqlite_rows(original), _sqlite_rows(back)
    back_rows["articles"] = back_rows["articles"][:-1]  # without article 9, added above
    assert back_rows == original_rows
    assert len(items) == 5  # the retried page lost its fingerprint


def test_a_destination_with_a_state_is_replaced_only_when_forced(
    tmp_path: Path, postgres_url: str
) -> None:
    """Copying into a state that holds anything is refused (and it is left as it was) unless
    `force`, which replaces it whole."""
    with SQLiteStore(tmp_path / "state.db") as source, PostgresStore(postgres_url) as target:
        _fill(source)
        target.add_article(article(42), story_id="x", fingerprint=None, flags=(), seen=NOW)
        with pytest.raises(StoreError, match=r"already holds a state.*--force"):
            copy_state(source, target)
        assert target.count_articles() == 1
        result = copy_state(source, target, force=True)
        assert result.replaced is not None and result.replaced.articles == 1
        assert target.find_article(article(42).id) is None
        assert _rows(target) == _rows(source)


def test_a_copy_that_does_not_add_up_writes_nothing(tmp_path: Path, postgres_url: str) -> None:
    """When the destination's counts differ from the source's at the end, the copy raises
    and the destination stays empty (one transaction)."""

    class Lossy(PostgresStore):
        def import_rows(self, table: str, rows: Iterable[dict[str, Any]]) -> int:
            kept = [row for number, row in enumerate(rows) if table != "articles" or number]
            return super().import_rows(table, kept)

    with SQLiteStore(tmp_path / "state.db") as source, Lossy(postgres_url) as target:
        _fill(source)
        with pytest.raises(StoreError, match=r"does not match its source.*nothing was written"):
            copy_state(source, target)
        assert target.table_counts().empty()


def test_the_command_copies_both_ways_and_prints_the_counts(
    tmp_path: Path, postgres_url: str, run_pressmon: RunPressmon
) -> None:
    """`pressmon state copy` moves a state file into PostgreSQL and back, printing the checked
    counts; a second copy into the same database is refused (exit 4) until --force."""
    with SQLiteStore(tmp_path / "state.db") as store:
        _fill(store)
    there = run_pressmon("state", "copy", "state.db", postgres_url)
    assert there.returncode == 0, there.stderr
    assert there.stdout.splitlines() == [
        f"copied state.db to {postgres_url}",
        "  feeds       4",
        "  articles    6 (stories: 5)",
        "  alerts      4 (pending: 3)",
        "  deliveries  3",
        "checked: the destination holds as many of each",
    ]
    again = run_pressmon("state", "copy", "state.db", postgres_url)
    assert again.returncode == 4 and "--force" in again.stderr and again.stdout == ""
    forced = run_pressmon("state", "copy", "--force", "state.db", postgres_url)
    assert forced.returncode == 0 and "replaced" in forced.stdout
    back = run_pressmon("state", "copy", postgres_url, "back.db")
    assert back.returncode == 0, back.stderr
    assert _sqlite_rows(tmp_path / "back.db") == _sqlite_rows(tmp_path / "state.db")


def test_the_command_refuses_what_would_lose_or_leak(
    tmp_path: Path, run_pressmon: RunPressmon
) -> None:
    """A missing SRC is an error (and is not created), SRC = DST is refused, and a URL with a
    password is refused without echoing it."""
    missing = run_pressmon("state", "copy", "typo.db", "copy.db")
    assert missing.returncode == 4 and "no such state file" in missing.stderr
    assert not (tmp_path / "typo.db").exists() and not (tmp_path / "copy.db").exists()
    with open_store(tmp_path / "state.db"):
        pass
    same = run_pressmon("state", "copy", "state.db", str(tmp_path / "state.db"))
    assert same.returncode == 2 and "the same state" in same.stderr
    leaky = run_pressmon("state", "copy", "state.db", "postgresql://u:hunter2@db.example/x")
    assert leaky.returncode == 2 and "PGPASSWORD" in leaky.stderr
    assert "hunter2" not in leaky.stderr + leaky.stdout

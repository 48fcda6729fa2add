"""The SQLite state: migrations, refusals, corruption, the outbox's bookkeeping."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pressmon._store import FeedState, RunLock, SQLiteStore
from pressmon._store._schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from pressmon.exceptions import StateCorruptError, StateLockedError, StateVersionError
from pressmon.models import Alert, Article, Source

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=timezone.utc)


def article(n: int) -> Article:
    return Article(
        title=f"story {n}",
        url=f"https://news.example/{n}",
        source=Source(name="News", feed_url="https://news.example/feed"),
    )


def alert_for(item: Article) -> Alert:
    return Alert(id=f"alert-{item.id}", story_id=item.id, created=NOW, article=item, flags=())


def test_migration_from_version_1_keeps_the_data(tmp_path: Path) -> None:
    """A version-1 database with a feed, an article and a pending alert is migrated in place:
    the data is still there and the new columns work."""
    path = tmp_path / "old.db"
    connection = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](connection)
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.execute("PRAGMA user_version = 1")
    item = article(1)
    connection.execute(
        "INSERT INTO feeds (url, etag, consecutive_errors) VALUES ('https://news.example/feed',"
        " '\"v1\"', 2)"
    )
    connection.execute(
        "INSERT INTO articles (id, story_id, feed_url, url, fingerprint, first_seen, last_seen,"
        " article) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            item.id,
            item.id,
            item.source.feed_url,
            item.url,
            -5,
            NOW.isoformat(),
            NOW.isoformat(),
            item.model_dump_json(),
        ),
    )
    connection.execute(
        "INSERT INTO outbox (alert_id, story_id, created, alert) VALUES (?, ?, ?, ?)",
        (f"alert-{item.id}", item.id, NOW.isoformat(), alert_for(item).model_dump_json()),
    )
    connection.close()
    with SQLiteStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        state = store.feed_state("https://news.example/feed")
        assert state is not None and state.etag == '"v1"' and state.consecutive_errors == 2
        assert state.moved_to is None and not state.gone
        assert store.find_by_url(item.url or "") is not None
        assert [a.id for a in store.pending_alerts("jsonl:x")] == [f"alert-{item.id}"]
        store.save_feed_state(FeedState(url="https://news.example/feed", moved_to="https://x/"))
        assert store.feed_state("https://news.example/feed").moved_to == "https://x/"  # type: ignore[union-attr]


def test_new_database_uses_wal_and_the_current_version(tmp_path: Path) -> None:
    """A new state file is created at the current schema version, in WAL mode, marked as
    pressmon's."""
    with SQLiteStore(tmp_path / "sub" / "state.db"):
        pass
    connection = sqlite3.connect(tmp_path / "sub" / "state.db")
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    connection.close()


def test_newer_version_is_refused(tmp_path: Path) -> None:
    """A database from a newer pressmon raises StateVersionError naming the versions."""
    with SQLiteStore(tmp_path / "state.db"):
        pass
    connection = sqlite3.connect(tmp_path / "state.db")
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(StateVersionError, match="newer pressmon"):
        SQLiteStore(tmp_path / "state.db")


def test_other_sqlite_database_and_garbage_are_refused(tmp_path: Path) -> None:
    """Another program's SQLite file, or a file that is not SQLite, raises StateCorruptError
    with the way to rebuild; neither is modified."""
    other = tmp_path / "other.db"
    connection = sqlite3.connect(other)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    with pytest.raises(StateCorruptError, match="not pressmon's") as caught:
        SQLiteStore(other)
    assert "--rebuild-state" in str(caught.value) and caught.value.path == str(other)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"\x00garbage" * 1000)
    with pytest.raises(StateCorruptError, match="not a pressmon database"):
        SQLiteStore(garbage)
    assert garbage.read_bytes() == b"\x00garbage" * 1000


def test_damaged_pages_are_reported(tmp_path: Path) -> None:
    """A pressmon database whose pages were overwritten raises StateCorruptError on open."""
    path = tmp_path / "state.db"
    with SQLiteStore(path) as store, store.transaction():
        for n in range(300):
            store.add_article(article(n), story_id=str(n), fingerprint=None, flags=(), seen=NOW)
    data = bytearray(path.read_bytes())
    for offset in range(8192, len(data) - 4096, 4096):
        data[offset : offset + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    with pytest.raises(StateCorruptError):
        SQLiteStore(path)


def test_outbox_bookkeeping_per_sink(tmp_path: Path) -> None:
    """An alert stays pending until every sink took it; each sink sees only what it lacks."""
    with SQLiteStore(tmp_path / "state.db") as store:
        item = article(1)
        store.add_article(item, story_id=item.id, fingerprint=None, flags=(), seen=NOW)
        store.add_alert(alert_for(item))
        assert store.story_alerted(item.id)
        store.mark_delivered([f"alert-{item.id}"], "a", NOW)
        assert store.pending_alerts("a") == [] and len(store.pending_alerts("b")) == 1
        assert store.complete_alerts(["a", "b"], NOW) == 0 and store.count_pending() == 1
        store.mark_delivered([f"alert-{item.id}"], "b", NOW)
        assert store.complete_alerts(["a", "b"], NOW) == 1 and store.count_pending() == 0
        assert store.daily_counts(NOW - timedelta(days=1)) == [("2025-06-02", "News", 1)]


def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    """An exception inside a transaction rolls back every write made in it."""
    with SQLiteStore(tmp_path / "state.db") as store:

        def fail_midway() -> None:
            with store.transaction():
                store.add_article(article(1), story_id="s", fingerprint=None, flags=(), seen=NOW)
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            fail_midway()
        assert store.count_articles() == 0


def test_run_lock_times_out_with_a_clear_error(tmp_path: Path) -> None:
    """A second lock on the same state waits, then raises StateLockedError; released, it works."""
    state = tmp_path / "state.db"
    with (
        RunLock(state, timeout=5),
        pytest.raises(StateLockedError, match="another pressmon run"),
    ):
        RunLock(state, timeout=0.3, poll=0.05).acquire()
    with RunLock(state, timeout=0.3) as lock:
        assert lock.waited < 0.3


def test_pages_to_try_again_and_their_update(tmp_path: Path) -> None:
    """`failed_pages` lists only articles whose page failed for a temporary reason, first seen
    since the given time (an article quoting the marker in its text is not fooled into it);
    `update_article` replaces the article and keeps the stored flags when given None."""
    from pressmon import Extraction, Flag

    def with_page(n: int, extraction: Extraction | None, text: str = "") -> Article:
        return article(n).model_copy(update={"extraction": extraction, "text": text})

    temporary = Extraction(status="failed", message="HTTP 503", temporary=True)
    final = Extraction(status="failed", message="HTTP 404")
    flag = Flag(topic="t", score=0.9, threshold=0.5)
    with SQLiteStore(tmp_path / "state.db") as store, store.transaction():
        rows = [
            (with_page(1, temporary), NOW - timedelta(hours=1)),
            (with_page(2, temporary), NOW - timedelta(days=3)),
            (with_page(3, final), NOW - timedelta(hours=1)),
            (with_page(4, None, 'a quote: "temporary":true'), NOW - timedelta(hours=1)),
        ]
        for item, seen in rows:
            store.add_article(item, story_id=item.id, fingerprint=None, flags=(flag,), seen=seen)
        assert [a.title for a in store.failed_pages(NOW - timedelta(days=1))] == ["story 1"]

        read = with_page(1, Extraction(status="ok"), "Alpine will sell cars in the US.")
        store.update_article(read, fingerprint=7, flags=None)
        assert store.article(read.id) == read
        stored = store.find_article(read.id)
        assert stored is not None and stored.fingerprint == 7
        assert store.failed_pages(NOW - timedelta(days=1)) == []
        flags = store._one("SELECT flags FROM articles WHERE id = ?", (read.id,))
        assert flags is not None and '"topic":"t"' in flags[0].replace(" ", "")


def _open_at_once(path: Path, count: int) -> tuple[list[int], list[BaseException]]:
    """Open one state from `count` threads at the same moment: the versions seen, the errors."""
    barrier = threading.Barrier(count, timeout=60)
    versions: list[int] = []
    errors: list[BaseException] = []

    def open_one() -> None:
        barrier.wait()
        try:
            with SQLiteStore(path) as store:
                versions.append(store.schema_version)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=open_one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return versions, errors


def test_connections_opening_a_new_file_at_once_all_succeed(tmp_path: Path) -> None:
    """Six workers opening a state file that does not exist yet, at the same moment, all get
    it, migrated once (none mistakes the half-made file for another program's, or the switch
    to WAL for damage). Repeated, since it is a race."""
    for round_ in range(20):
        versions, errors = _open_at_once(tmp_path / f"state-{round_}.db", 6)
        assert errors == [] and versions == [SCHEMA_VERSION] * 6

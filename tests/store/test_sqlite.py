"""The SQLite state only: migrations of its files, refusals, corruption, the run lock. What
both backends do alike is in test_store.py."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from storekit import NOW, alert_for, article

from pressmon._store import FeedState, RunLock, SQLiteStore, new_worker_id
from pressmon._store._schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION
from pressmon.exceptions import StateCorruptError, StateLockedError, StateVersionError, StoreError
from pressmon.models import Article, Source


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


def _version_2_database(path: Path) -> None:
    """A state file as pressmon wrote it at schema version 2, holding a little of everything."""
    connection = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](connection)
    MIGRATIONS[1](connection)
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.execute("PRAGMA user_version = 2")
    connection.execute(
        "INSERT INTO feeds (url, etag, consecutive_errors, next_check, gone, title) VALUES"
        " ('https://news.example/feed', '\"v2\"', 0, ?, 0, 'News')",
        ((NOW - timedelta(minutes=1)).isoformat(timespec="microseconds"),),
    )
    for n in (1, 2):
        item = article(n)
        connection.execute(
            "INSERT INTO articles (id, story_id, feed_url, url, fingerprint, first_seen,"
            " last_seen, article, match) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                item.id,
                article(1).id,
                item.source.feed_url,
                item.url,
                -5 * n,
                NOW.isoformat(timespec="microseconds"),
                NOW.isoformat(timespec="microseconds"),
                item.model_dump_json(),
                None if n == 1 else "url",
            ),
        )
    connection.execute(
        "INSERT INTO outbox (alert_id, story_id, created, source, alert) VALUES (?, ?, ?, ?, ?)",
        (
            f"alert-{article(1).id}",
            article(1).id,
            NOW.isoformat(timespec="microseconds"),
            "News",
            alert_for(article(1)).model_dump_json(),
        ),
    )
    connection.close()


def test_migration_from_version_2_adds_leases_claims_and_change_numbers(tmp_path: Path) -> None:
    """A version-2 file with a feed, two articles of one story and a pending alert is migrated
    to the current version in place (through version 3, the headlines of short items): the
    rows are kept, the articles are numbered in insertion order for
    `fingerprints_after`, and feed leases and alert claims work on the old rows."""
    path = tmp_path / "v2.db"
    _version_2_database(path)
    with SQLiteStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 4
        state = store.feed_state("https://news.example/feed")
        assert state is not None and state.etag == '"v2"' and state.title == "News"
        assert [a.match for a in store.story_articles(article(1).id)] == [None, "url"]
        window = NOW - timedelta(days=1)
        items, cursor = store.fingerprints_after(0, since=window)
        assert [item_id for item_id, _ in items] == [article(1).id, article(2).id]
        assert cursor == 2 and store.fingerprints_after(cursor, since=window) == ([], 2)
        worker = new_worker_id()
        claimed = store.claim_feeds(
            ["https://news.example/feed"], worker=worker, now=NOW, lease_seconds=60
        )
        assert claimed == ["https://news.example/feed"]
        alerts = store.claim_alerts("jsonl:a", worker=worker, now=NOW, lease_seconds=60)
        assert [alert.id for alert in alerts] == [f"alert-{article(1).id}"]
        store.add_article(article(3), story_id=article(3).id, fingerprint=1, flags=(), seen=NOW)
        assert store.fingerprints_after(cursor, since=window)[0] == [(article(3).id, 1)]


def test_a_url_is_not_a_file() -> None:
    """SQLiteStore refuses a PostgreSQL URL instead of creating a file named after it."""
    with pytest.raises(StoreError, match="open_store"):
        SQLiteStore("postgresql://pressmon@db.example/pressmon")


def test_a_missing_file_is_refused_when_not_creating(tmp_path: Path) -> None:
    """With `create=False` (the source of a copy), a missing file is an error and is not
    created."""
    with pytest.raises(StoreError, match="no such state file"):
        SQLiteStore(tmp_path / "typo.db", create=False)
    assert not (tmp_path / "typo.db").exists()


def test_an_exclusive_transaction_keeps_other_writers_waiting(tmp_path: Path) -> None:
    """While one connection holds an exclusive transaction, another cannot start writing: it
    waits (here, past a short busy_timeout, it gives up with StateLockedError)."""
    path = tmp_path / "state.db"
    with SQLiteStore(path) as first, SQLiteStore(path, busy_timeout=0.05) as second:
        with first.transaction(exclusive=True):
            first.add_article(article(1), story_id="s", fingerprint=None, flags=(), seen=NOW)
            with pytest.raises(StateLockedError), second.transaction(exclusive=True):
                pass
        with second.transaction(exclusive=True):
            assert second.find_article(article(1).id) is not None


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


def test_migration_from_version_2_gives_stored_articles_their_headline(tmp_path: Path) -> None:
    """A version-2 database is migrated to keep headlines: every stored article gets the
    headline computed from its title, summary and outlet, so a copy arriving after the
    upgrade still finds its story."""
    from pressmon._headlines import Headline, headline_of

    path = tmp_path / "v2.db"
    connection = sqlite3.connect(path, isolation_level=None)
    MIGRATIONS[0](connection)
    MIGRATIONS[1](connection)
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.execute("PRAGMA user_version = 2")
    item = Article(
        title="Alpine et AutoNation s'associent - Les Échos",
        summary="Alpine et AutoNation s'associent  Les Échos",
        url="https://news.example/1",
        source=Source(name="Les Échos", feed_url="https://news.example/feed"),
    )
    connection.execute(
        "INSERT INTO articles (id, story_id, feed_url, url, first_seen, last_seen, article)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (item.id, item.id, item.source.feed_url, item.url, NOW.isoformat(), NOW.isoformat(),
         item.model_dump_json()),
    )  # fmt: skip
    connection.close()
    with SQLiteStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        ((article_id, stored),) = store.headlines(NOW - timedelta(days=1))
    assert article_id == item.id
    assert Headline.decode(stored) == headline_of("Alpine et AutoNation s'associent")

"""The PostgreSQL state only: its versioned schema and migrations under an advisory lock,
refusals (newer schema, another application's database), connection errors that name the
server but never a password, the exclusive transaction's lock. Runs against the session's
own server (tests/pgserver.py)."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pgserver
import psycopg
import pytest
from storekit import NOW, alert_for, article

from pressmon._store import PostgresStore, new_worker_id, open_store
from pressmon._store._pg_schema import (
    LOCK_NAMESPACE,
    MIGRATE_LOCK,
    MIGRATIONS,
    SCHEMA_VERSION,
    create_version_table,
)
from pressmon.exceptions import (
    StateConnectionError,
    StateCorruptError,
    StateVersionError,
    StoreError,
)


@contextmanager
def admin(url: str) -> Iterator[psycopg.Connection[Any]]:
    """A plain autocommit connection to the test database, to set up or look."""
    with psycopg.connect(url, autocommit=True) as connection:
        yield connection


def _wait_for_lock_wait(url: str, application: str = "pressmon") -> None:
    """Until a session of the application waits for an advisory lock (a condition the test
    needs, not a timing assertion: it fails only if that never happens within a minute)."""
    deadline = time.monotonic() + 60
    with admin(url) as connection:
        while time.monotonic() < deadline:
            row = connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s"
                " AND wait_event_type = 'Lock' AND wait_event = 'advisory'",
                (application,),
            ).fetchone()
            if row is not None and row[0]:
                return
            time.sleep(0.01)
    raise AssertionError("no session ever waited for the advisory lock")


def test_migration_from_version_2_keeps_the_data(postgres_url: str) -> None:
    """A version-2 database with a feed, two articles of one story and a pending alert is
    migrated to the current version in one transaction: the rows are kept (times, JSON,
    signed fingerprints), the articles get change numbers in insertion order, and leases
    and claims work."""
    first, second = article(1), article(2)
    with admin(postgres_url) as connection, connection.cursor() as cursor:
        create_version_table(cursor)
        for step in MIGRATIONS[:2]:
            step(cursor)
        cursor.execute("UPDATE pressmon_schema SET version = 2")
        cursor.execute(
            "INSERT INTO feeds (url, etag, next_check, gone, title)"
            " VALUES ('https://news.example/feed', '\"v2\"', %s, false, 'News')",
            (NOW,),
        )
        for item in (first, second):
            cursor.execute(
                "INSERT INTO articles (id, story_id, feed_url, url, fingerprint, first_seen,"
                " last_seen, article, match) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (
                    item.id,
                    first.id,
                    item.source.feed_url,
                    item.url,
                    -(1 << 63),
                    NOW,
                    NOW,
                    item.model_dump_json(),
                    None if item is first else "text",
                ),
            )
        cursor.execute(
            "INSERT INTO outbox (alert_id, story_id, created, source, alert)"
            " VALUES (%s, %s, %s, 'News', %s)",
            (f"alert-{first.id}", first.id, NOW, alert_for(first).model_dump_json()),
        )
    with PostgresStore(postgres_url) as store:
        assert store.schema_version == SCHEMA_VERSION == 4
        state = store.feed_state("https://news.example/feed")
        assert state is not None and state.etag == '"v2"' and state.next_check == NOW
        assert store.article(first.id) == first
        stored = store.find_article(second.id)
        assert stored is not None and stored.fingerprint == 1 << 63 and stored.match == "text"
        window = NOW - timedelta(days=1)
        items, cursor_ = store.fingerprints_after(0, since=window)
        assert [item_id for item_id, _ in items] == [first.id, second.id] and cursor_ == 2
        store.add_article(article(3), story_id="new", fingerprint=3, flags=(), seen=NOW)
        assert store.fingerprints_after(cursor_, since=window) == ([(article(3).id, 3)], 3)
        worker = new_worker_id()
        alerts = store.claim_alerts("jsonl:a", worker=worker, now=NOW, lease_seconds=60)
        assert [alert.id for alert in alerts] == [f"alert-{first.id}"]
        feeds = store.claim_feeds([state.url], worker=worker, now=NOW, lease_seconds=60)
        assert feeds == [state.url]


def test_migration_from_version_2_gives_short_items_their_headline(postgres_url: str) -> None:
    """Version 3 computes the headline of every stored short item (no fingerprint) from its
    title, summary and outlet, as SQLite's migration does; long articles get none."""
    from pressmon._headlines import Headline, headline_of
    from pressmon.models import Article, Source

    short = Article(
        title="Alpine et AutoNation s'associent - Les Échos",
        summary="Alpine et AutoNation s'associent  Les Échos",
        url="https://news.example/short",
        source=Source(name="Les Échos", feed_url="https://news.example/feed"),
    )
    long_one = article(1)
    with admin(postgres_url) as connection, connection.cursor() as cursor:
        create_version_table(cursor)
        for step in MIGRATIONS[:2]:
            step(cursor)
        cursor.execute("UPDATE pressmon_schema SET version = 2")
        for item, fingerprint in ((short, None), (long_one, 7)):
            cursor.execute(
                "INSERT INTO articles (id, story_id, feed_url, url, fingerprint, first_seen,"
                " last_seen, article) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                (item.id, item.id, item.source.feed_url, item.url, fingerprint, NOW, NOW,
                 item.model_dump_json()),
            )  # fmt: skip
    with PostgresStore(postgres_url) as store:
        ((article_id, stored),) = store.headlines(NOW - timedelta(days=1))
    assert article_id == short.id
    assert Headline.decode(stored) == headline_of("Alpine et AutoNation s'associent")


def test_a_newer_schema_is_refused(postgres_url: str) -> None:
    """A database written by a newer pressmon raises StateVersionError naming both versions,
    and is left as it is."""
    with PostgresStore(postgres_url):
        pass
    with admin(postgres_url) as connection:
        connection.execute("UPDATE pressmon_schema SET version = %s", (SCHEMA_VERSION + 1,))
    with pytest.raises(StateVersionError, match=f"version {SCHEMA_VERSION + 1}.*newer pressmon"):
        PostgresStore(postgres_url)
    with admin(postgres_url) as connection:
        row = connection.execute("SELECT version FROM pressmon_schema").fetchone()
    assert row == (SCHEMA_VERSION + 1,)


def test_another_applications_database_is_refused_untouched(postgres_url: str) -> None:
    """A database whose schema holds other tables is not taken over: StateCorruptError names
    a table and says to give pressmon its own database, and nothing is created; the same
    for a `pressmon_schema` table that another program wrote."""
    with admin(postgres_url) as connection:
        connection.execute("CREATE TABLE invoices (id integer)")
    with pytest.raises(StateCorruptError, match=r"invoices.*database of its own") as caught:
        PostgresStore(postgres_url)
    assert caught.value.path == postgres_url
    with admin(postgres_url) as connection:
        tables = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
        assert tables == [("invoices",)]
        connection.execute("DROP TABLE invoices")
        connection.execute(
            "CREATE TABLE pressmon_schema (application text, version integer);"
            " INSERT INTO pressmon_schema VALUES ('someone-else', 1)"
        )
    with pytest.raises(StateCorruptError, match="not pressmon's"):
        PostgresStore(postgres_url)


def test_a_schema_of_its_own_through_the_search_path(postgres_url: str) -> None:
    """`?options=-csearch_path%3DX` puts the state in schema X, beside other tables of the
    database; a schema that does not exist is a clear error."""
    with admin(postgres_url) as connection:
        connection.execute("CREATE TABLE invoices (id integer); CREATE SCHEMA monitor")
    with PostgresStore(f"{postgres_url}?options=-csearch_path%3Dmonitor") as store:
        store.add_article(article(1), story_id="s", fingerprint=None, flags=(), seen=NOW)
    with admin(postgres_url) as connection:
        row = connection.execute("SELECT count(*) FROM monitor.articles").fetchone()
    assert row == (1,)
    with pytest.raises(StoreError, match="CREATE SCHEMA"):
        PostgresStore(f"{postgres_url}?options=-csearch_path%3Dnowhere")


def test_workers_opening_a_new_database_at_once_migrate_it_once(postgres_url: str) -> None:
    """While one worker holds the migration lock, another opening the state waits for it; six
    workers opening a new database together all succeed, on one version-3 schema."""
    with admin(postgres_url) as holder:
        holder.execute("BEGIN")
        holder.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_NAMESPACE, MIGRATE_LOCK))
        opened: list[int] = []
        errors: list[BaseException] = []

        def open_one() -> None:
            try:
                with PostgresStore(postgres_url) as store:
                    opened.append(store.schema_version)
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=open_one) for _ in range(6)]
        for thread in threads:
            thread.start()
        _wait_for_lock_wait(postgres_url)
        assert opened == []  # they wait for the lock the holder has
        holder.execute("COMMIT")
        for thread in threads:
            thread.join()
    assert errors == [] and opened == [SCHEMA_VERSION] * 6


def test_an_exclusive_transaction_makes_the_next_one_wait_and_see_its_writes(
    postgres_url: str,
) -> None:
    """A second worker's exclusive transaction starts only after the first one commits, so a
    lookup it makes first sees the story the first one stored (no second "new" story)."""
    seen: list[object] = []
    with PostgresStore(postgres_url) as first, PostgresStore(postgres_url) as second:

        def look() -> None:
            with second.transaction(exclusive=True):
                seen.append(second.find_by_url(article(1).url or ""))

        with first.transaction(exclusive=True):
            first.add_article(article(1), story_id="s", fingerprint=None, flags=(), seen=NOW)
            thread = threading.Thread(target=look)
            thread.start()
            _wait_for_lock_wait(postgres_url)
            assert seen == []
        thread.join()
    assert len(seen) == 1 and getattr(seen[0], "story_id", None) == "s"


def test_a_server_that_does_not_answer_is_named_without_the_password(
    postgres_server: pgserver.PostgresServer,
) -> None:
    """Connecting to a port where nothing listens raises StateConnectionError: the message
    names the server and what to check, never the password given in the URL."""
    port = pgserver._free_port()
    url = f"postgresql://pressmon:s3cret-pw@127.0.0.1:{port}/pressmon?password=other-pw"
    with pytest.raises(StateConnectionError) as caught:
        PostgresStore(url)
    message = str(caught.value)
    assert f"postgresql://pressmon@127.0.0.1:{port}/pressmon" in message
    assert "PGPASSWORD" in message and "~/.pgpass" in message
    assert "s3cret-pw" not in message and "other-pw" not in message
    assert "s3cret-pw" not in repr(caught.value.__dict__)


def test_a_refused_login_is_a_connection_error(postgres_server: pgserver.PostgresServer) -> None:
    """A user the server does not know is reported as a connection problem to check."""
    with pytest.raises(StateConnectionError, match="nobody"):
        PostgresStore(postgres_server.url(user="nobody"))


def test_a_lost_connection_is_reported_as_such(postgres_url: str) -> None:
    """When the server ends the session (a restart, a failover), the next call raises
    StateConnectionError, not a raw driver error."""
    with PostgresStore(postgres_url) as store, admin(postgres_url) as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'pressmon'"
        )
        with pytest.raises(StateConnectionError, match="lost the connection"):
            store.find_article("x")


def test_a_user_without_create_rights_is_told_what_to_grant(postgres_url: str) -> None:
    """A login that may not create tables gets a StoreError saying what to grant."""
    with admin(postgres_url) as connection:
        connection.execute("DROP ROLE IF EXISTS reader")
        connection.execute("CREATE ROLE reader LOGIN")
        connection.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    reader = postgres_url.replace("postgres@", "reader@", 1)
    try:
        with pytest.raises(StoreError, match="GRANT CREATE ON SCHEMA"):
            PostgresStore(reader)
    finally:
        with admin(postgres_url) as connection:
            connection.execute("DROP OWNED BY reader; DROP ROLE reader")


def test_a_missing_state_is_not_created_when_asked_not_to(postgres_url: str) -> None:
    """With `create=False` (a copy's source), an empty database is an error, left empty."""
    with pytest.raises(StoreError, match="holds no pressmon state"):
        open_store(postgres_url, create=False)
    with admin(postgres_url) as connection:
        row = connection.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert row.fetchone() == (0,)


def test_a_malformed_url_is_refused_clearly() -> None:
    """A URL libpq cannot read raises StoreError with the form to use."""
    with pytest.raises(StoreError, match="postgresql://user@host:5432/dbname"):
        PostgresStore("postgresql://host/db?no_such_option=1")


def test_without_psycopg_the_error_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the `postgres` extra, opening a PostgreSQL state says to install it."""
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(StoreError, match=r'pip install "pressmon\[postgres\]"'):
        open_store("postgresql://pressmon@db.example/pressmon")

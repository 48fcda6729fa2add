"""The SQLite schema, one migration function per version step.

`PRAGMA user_version` holds the schema version and `PRAGMA application_id` marks
the file as pressmon's. Opening a database runs, in one transaction, every
migration from its version to `SCHEMA_VERSION`; a database with a higher
version was written by a newer pressmon and is refused.

To change the schema: append a function `_vN(connection)` that takes version N-1
to N (create, alter, backfill), add it to `MIGRATIONS`, and add a test that
opens a database of version N-1 holding data.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

from pressmon._headlines import headline_of

__all__ = ["APPLICATION_ID", "MIGRATIONS", "SCHEMA_VERSION", "to_signed", "to_unsigned"]

APPLICATION_ID = 0x50524D4E  # "PRMN"


def to_signed(value: int) -> int:
    """A 64-bit unsigned fingerprint as SQLite's signed INTEGER."""
    return value - (1 << 64) if value >= 1 << 63 else value


def to_unsigned(value: int) -> int:
    """The inverse of `to_signed`."""
    return value + (1 << 64) if value < 0 else value


def _script(connection: sqlite3.Connection, script: str) -> None:
    """Run statements one by one (`executescript` would commit the migration's transaction)."""
    for statement in script.split(";"):
        if statement.strip():
            connection.execute(statement)


def _v1(connection: sqlite3.Connection) -> None:
    """The first layout: feeds, articles (with a 64-bit text fingerprint), the outbox."""
    _script(
        connection,
        """
        CREATE TABLE feeds (
            url TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            last_success TEXT,
            last_attempt TEXT,
            consecutive_errors INTEGER NOT NULL DEFAULT 0,
            next_check TEXT,
            last_error TEXT
        );
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            story_id TEXT NOT NULL,
            feed_url TEXT,
            guid TEXT,
            url TEXT,
            fingerprint INTEGER,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            article TEXT NOT NULL,
            flags TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX articles_url ON articles (url);
        CREATE INDEX articles_guid ON articles (guid);
        CREATE INDEX articles_story ON articles (story_id);
        CREATE INDEX articles_last_seen ON articles (last_seen);
        CREATE TABLE outbox (
            alert_id TEXT PRIMARY KEY,
            story_id TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            alert TEXT NOT NULL,
            delivered_at TEXT
        );
        CREATE INDEX outbox_pending ON outbox (delivered_at, created);
        CREATE TABLE deliveries (
            alert_id TEXT NOT NULL REFERENCES outbox (alert_id) ON DELETE CASCADE,
            sink TEXT NOT NULL,
            delivered_at TEXT NOT NULL,
            PRIMARY KEY (alert_id, sink)
        );
        """,
    )


def _v2(connection: sqlite3.Connection) -> None:
    """Remember a feed's permanent move, its disappearance (410) and its title; why an article
    joined its story (`url`, `guid`, `text`; unknown for older rows); index the articles
    by first sight (the near-duplicate window)."""
    _script(
        connection,
        """
        ALTER TABLE feeds ADD COLUMN moved_to TEXT;
        ALTER TABLE feeds ADD COLUMN gone INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE feeds ADD COLUMN title TEXT;
        ALTER TABLE articles ADD COLUMN match TEXT;
        CREATE INDEX articles_first_seen ON articles (first_seen);
        """,
    )


def _v3(connection: sqlite3.Connection) -> None:
    """Keep each short item's headline as copies share it (`pressmon._headlines`), for the
    dedup rule of short items; computed for the short items already stored (those
    without a fingerprint)."""
    connection.execute("ALTER TABLE articles ADD COLUMN headline TEXT")
    rows = connection.execute(
        "SELECT id, article FROM articles WHERE fingerprint IS NULL"
    ).fetchall()
    for article_id, text in rows:
        data = json.loads(text)
        headline = headline_of(
            data.get("title") or "",
            data.get("summary") or "",
            (data.get("source") or {}).get("name"),
        )
        if headline is not None:
            connection.execute(
                "UPDATE articles SET headline = ? WHERE id = ?", (headline.encode(), article_id)
            )


def _v4(connection: sqlite3.Connection) -> None:
    """Many workers on one state: a lease per feed (`feed_leases`, a row per feed ever
    claimed) and per alert and sink (`alert_claims`), and a change counter on the articles
    (`articles.changed`, from `article_changes`) so a worker can read the fingerprints stored
    or changed since its last read. Existing articles are numbered in insertion order."""
    _script(
        connection,
        """
        CREATE TABLE feed_leases (
            url TEXT PRIMARY KEY,
            worker TEXT,
            expires TEXT
        );
        CREATE TABLE alert_claims (
            alert_id TEXT NOT NULL REFERENCES outbox (alert_id) ON DELETE CASCADE,
            sink TEXT NOT NULL,
            worker TEXT,
            expires TEXT,
            PRIMARY KEY (alert_id, sink)
        );
        ALTER TABLE articles ADD COLUMN changed INTEGER NOT NULL DEFAULT 0;
        UPDATE articles SET changed = rowid;
        CREATE INDEX articles_changed ON articles (changed);
        CREATE TABLE article_changes (
            one INTEGER PRIMARY KEY CHECK (one = 1),
            last INTEGER NOT NULL
        );
        INSERT INTO article_changes (one, last) SELECT 1, coalesce(max(changed), 0) FROM articles;
        """,
    )


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1, _v2, _v3, _v4)
"""`MIGRATIONS[n]` takes a database from version n to n + 1."""

SCHEMA_VERSION = len(MIGRATIONS)
"""The version this pressmon writes."""

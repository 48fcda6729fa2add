"""The embedded state backend: one SQLite file, WAL, explicit transactions.

Every connection sets `journal_mode=WAL` (readers never block the writer),
`synchronous=FULL` (a committed alert survives a crash of the machine, not only of
the process) and `busy_timeout` (another process's short write makes this one wait,
never fail with "database is locked"). Transactions start with `BEGIN IMMEDIATE`
so two writers queue instead of deadlocking; every transaction is therefore already
exclusive (`transaction(exclusive=True)` is the same), and feed leases and alert claims
need no row locks.

A file that is not a pressmon database, or is damaged, raises
[`StateCorruptError`][pressmon.StateCorruptError] with the way to rebuild it; a file
written by a newer pressmon raises [`StateVersionError`][pressmon.StateVersionError].
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from pressmon._store._schema import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    to_signed,
    to_unsigned,
)
from pressmon._store._types import (
    COPIED_TABLES,
    FeedState,
    StoredArticle,
    TableCounts,
    iter_chunks,
)
from pressmon._store._url import is_postgres_url
from pressmon.exceptions import StateCorruptError, StateLockedError, StateVersionError, StoreError
from pressmon.models import Alert, Article, Flag

__all__ = ["REBUILD_HINT", "SQLiteStore"]

REBUILD_HINT = (
    "move it aside (or run `pressmon run CONFIG --rebuild-state`, which does so) and run "
    "again: a new state is created, and the stories still in the feeds are alerted once more"
)


def _iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _flags_json(flags: Sequence[Flag]) -> str:
    return json.dumps([flag.model_dump(mode="json") for flag in flags], ensure_ascii=False)


def _later(now: datetime, seconds: float) -> str:
    return _iso(now + timedelta(seconds=seconds))


def _stored(row: sqlite3.Row) -> StoredArticle:
    fingerprint = row["fingerprint"]
    return StoredArticle(
        id=row["id"],
        story_id=row["story_id"],
        feed_url=row["feed_url"],
        url=row["url"],
        guid=row["guid"],
        fingerprint=None if fingerprint is None else to_unsigned(fingerprint),
        first_seen=datetime.fromisoformat(row["first_seen"]),
        match=row["match"],
    )


_ARTICLE_COLUMNS = "id, story_id, feed_url, url, guid, fingerprint, first_seen, match"


def _feed_state(row: sqlite3.Row) -> FeedState:
    return FeedState(
        url=row["url"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_success=_time(row["last_success"]),
        last_attempt=_time(row["last_attempt"]),
        consecutive_errors=row["consecutive_errors"],
        next_check=_time(row["next_check"]),
        last_error=row["last_error"],
        moved_to=row["moved_to"],
        gone=bool(row["gone"]),
        title=row["title"],
    )


# An article stored or changed takes the next value of a counter that never goes back (the
# largest `changed` could, when the newest article is pruned); both run in one transaction.
_NEXT_CHANGE = "(SELECT last + 1 FROM article_changes)"
_COUNT_CHANGE = "UPDATE article_changes SET last = last + 1"


class SQLiteStore:
    """The state in one SQLite file (created, or migrated to the current schema, on open).

    Args:
        path: the database file; its directory is created when missing.
        busy_timeout: seconds to wait for another connection's write.
        check: run `PRAGMA quick_check` on open (finds damaged pages early).
        any_thread: allow use from another thread than the one that opened it, one
            thread at a time (a monitor run moves between its event loop and a
            worker thread).
        create: create the file when it does not exist (else raise `StoreError`).

    Raises:
        StateCorruptError: not a pressmon database, or damaged.
        StateVersionError: written by a newer pressmon.
        StoreError: a PostgreSQL URL was given (use `open_store`), or the file is missing
            and `create` is false.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        busy_timeout: float = 30.0,
        check: bool = True,
        any_thread: bool = False,
        create: bool = True,
    ) -> None:
        if is_postgres_url(path):
            raise StoreError(
                "a PostgreSQL URL is not a file: open it with pressmon._store.open_store"
            )
        self.path = Path(path)
        self._depth = 0
        if not create and not self.path.is_file():
            raise StoreError(
                "no such state file: check the path (a state file is created by `pressmon run`)",
                path=str(self.path),
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(
                self.path,
                timeout=busy_timeout,
                isolation_level=None,
                check_same_thread=not any_thread,
            )
        except sqlite3.Error as error:
            raise StoreError(f"cannot open the state file ({error})", path=str(self.path)) from None
        self._db.row_factory = sqlite3.Row
        try:
            self._open(busy_timeout, check)
        except BaseException:
            self._db.close()
            raise

    # ------------------------------------------------------------------ opening

    def _corrupt(self, reason: str) -> StateCorruptError:
        return StateCorruptError(f"{reason}: {REBUILD_HINT}", path=str(self.path))

    def _open(self, busy_timeout: float, check: bool) -> None:
        try:
            self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            # One statement, one snapshot: read apart, a new file that another connection is
            # creating right now could show version 0 and already some tables.
            version, application, tables = self._db.execute(
                "SELECT (SELECT user_version FROM pragma_user_version),"
                " (SELECT application_id FROM pragma_application_id),"
                " (SELECT count(*) FROM sqlite_master)"
            ).fetchone()
        except sqlite3.OperationalError as error:
            if "locked" in str(error):
                raise StateLockedError(
                    "the state file stayed locked by another process", path=str(self.path)
                ) from None
            raise self._corrupt(f"the state file cannot be read ({error})") from None
        except sqlite3.DatabaseError as error:
            raise self._corrupt(f"the state file is not a pressmon database ({error})") from None
        if application != APPLICATION_ID and (version or tables):
            raise self._corrupt("the state file is an SQLite database, but not pressmon's")
        if version > SCHEMA_VERSION:
            raise StateVersionError(
                f"the state has schema version {version}, written by a newer pressmon; this one "
                f"reads up to version {SCHEMA_VERSION}: upgrade pressmon (pip install -U "
                "pressmon), or use another state file",
                path=str(self.path),
            )
        try:
            self._use_wal(busy_timeout)
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.execute("PRAGMA foreign_keys = ON")
            if check and version:
                result = self._db.execute("PRAGMA quick_check").fetchone()[0]
                if result != "ok":
                    raise self._corrupt(f"the state file is damaged ({result})")
            if version < SCHEMA_VERSION:
                self._migrate(version)
        except sqlite3.DatabaseError as error:
            raise self._corrupt(f"the state file is damaged ({error})") from None

    def _use_wal(self, busy_timeout: float) -> None:
        """Put the file in WAL mode (once per file; a no-op after).

        The switch needs the file to itself, and SQLite answers "database is locked" at once,
        without its busy handler, while another connection is creating the same new file: that
        is retried (tenacity) for up to `busy_timeout`."""
        if self._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            return
        from tenacity import (
            Retrying,
            retry_if_exception,
            stop_after_delay,
            wait_random_exponential,
        )

        for attempt in Retrying(
            retry=retry_if_exception(
                lambda error: isinstance(error, sqlite3.OperationalError) and "locked" in str(error)
            ),
            stop=stop_after_delay(busy_timeout),
            wait=wait_random_exponential(multiplier=0.01, max=0.5),
            reraise=True,
        ):
            with attempt:
                self._db.execute("PRAGMA journal_mode = WAL")

    def _migrate(self, version: int) -> None:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while this one waited for the write lock.
            current = self._db.execute("PRAGMA user_version").fetchone()[0]
            for step in MIGRATIONS[current:]:
                step(self._db)
            self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        """The schema version of the open database."""
        version: int = self._db.execute("PRAGMA user_version").fetchone()[0]
        return version

    def close(self) -> None:
        """Close the database (checkpointing the WAL when this is the last connection)."""
        self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ helpers

    @contextmanager
    def transaction(self, *, exclusive: bool = False) -> Iterator[None]:
        """Group writes: all are kept, or none (nested calls join the outer transaction).

        Every transaction takes SQLite's write lock when it starts (`BEGIN IMMEDIATE`), so it
        is always exclusive: another connection's writes wait for it (up to
        `busy_timeout`). `exclusive` is accepted for the `Store` protocol, where it matters
        on PostgreSQL; inside, re-read what was cached before (see `Store.transaction`).
        """
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        with self._errors():
            self._db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._depth = 0
            self._db.execute("ROLLBACK")
            raise
        self._depth = 0
        with self._errors():
            self._db.execute("COMMIT")

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise StateLockedError(
                    "the state file stayed locked by another process", path=str(self.path)
                ) from None
            raise StoreError(
                f"the state file cannot be used ({error})", path=str(self.path)
            ) from None
        except sqlite3.DatabaseError as error:
            raise self._corrupt(f"the state file is damaged ({error})") from None

    def _all(self, sql: str, parameters: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._errors():
            return self._db.execute(sql, parameters).fetchall()

    def _one(self, sql: str, parameters: Sequence[Any] = ()) -> sqlite3.Row | None:
        with self._errors():
            row: sqlite3.Row | None = self._db.execute(sql, parameters).fetchone()
            return row

    def _write(self, sql: str, parameters: Sequence[Any] = ()) -> int:
        with self._errors(), self.transaction():
            return self._db.execute(sql, parameters).rowcount

    # ------------------------------------------------------------------ feeds

    def feed_state(self, url: str) -> FeedState | None:
        """The remembered state of a feed, or None for a feed never fetched."""
        row = self._one("SELECT * FROM feeds WHERE url = ?", (url,))
        return None if row is None else _feed_state(row)

    def feed_states(self, urls: Iterable[str]) -> dict[str, FeedState]:
        """The remembered states of these feeds, by URL (feeds never fetched are absent)."""
        found: dict[str, FeedState] = {}
        for chunk in iter_chunks(sorted(set(urls))):
            marks = ",".join("?" * len(chunk))
            for row in self._all(f"SELECT * FROM feeds WHERE url IN ({marks})", chunk):
                found[row["url"]] = _feed_state(row)
        return found

    def save_feed_state(self, state: FeedState) -> None:
        """Remember a feed's state (replaces the previous one) and release its lease, whoever
        holds it (its new `next_check` keeps it from being due again too early)."""
        with self.transaction():
            self._write(
                "INSERT OR REPLACE INTO feeds (url, etag, last_modified, last_success,"
                " last_attempt, consecutive_errors, next_check, last_error, moved_to, gone, title)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    state.url,
                    state.etag,
                    state.last_modified,
                    _iso(state.last_success) if state.last_success else None,
                    _iso(state.last_attempt) if state.last_attempt else None,
                    state.consecutive_errors,
                    _iso(state.next_check) if state.next_check else None,
                    state.last_error,
                    state.moved_to,
                    int(state.gone),
                    state.title,
                ),
            )
            self._write(
                "UPDATE feed_leases SET worker = NULL, expires = NULL WHERE url = ?", (state.url,)
            )

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
        """Lease the given feeds that are due to `worker` (see `Store.claim_feeds`).

        The whole claim is one write transaction: another connection's claim waits for it,
        then sees its leases."""
        wanted = sorted(set(urls))
        if not wanted or (limit is not None and limit <= 0):
            return []
        moment = _iso(now)
        candidates: list[tuple[bool, str, str]] = []
        with self._errors(), self.transaction():
            self._db.executemany(
                "INSERT OR IGNORE INTO feed_leases (url) VALUES (?)", [(url,) for url in wanted]
            )
            for chunk in iter_chunks(wanted):
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    "SELECT l.url, f.next_check FROM feed_leases l"
                    " LEFT JOIN feeds f ON f.url = l.url"
                    f" WHERE l.url IN ({marks})"
                    " AND (l.worker IS NULL OR l.expires <= ? OR l.worker = ?)"
                    " AND (? OR f.url IS NULL"
                    " OR ((f.next_check IS NULL OR f.next_check <= ?) AND NOT f.gone))",
                    (*chunk, moment, worker, int(force), moment),
                ).fetchall()
                candidates.extend(
                    (row["next_check"] is not None, row["next_check"] or "", row["url"])
                    for row in rows
                )
            candidates.sort()
            claimed = [url for _, _, url in candidates[:limit]]
            expires = _later(now, lease_seconds)
            self._db.executemany(
                "UPDATE feed_leases SET worker = ?, expires = ? WHERE url = ?",
                [(worker, expires, url) for url in claimed],
            )
        return claimed

    def release_feeds(self, urls: Iterable[str], *, worker: str) -> int:
        """Give back `worker`'s leases on these feeds; return how many it held."""
        released = 0
        with self.transaction():
            for chunk in iter_chunks(sorted(set(urls))):
                marks = ",".join("?" * len(chunk))
                released += self._write(
                    "UPDATE feed_leases SET worker = NULL, expires = NULL"
                    f" WHERE worker = ? AND url IN ({marks})",
                    (worker, *chunk),
                )
        return released

    # ------------------------------------------------------------------ articles

    def find_article(self, article_id: str) -> StoredArticle | None:
        """The article with this id."""
        row = self._one(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,))
        return None if row is None else _stored(row)

    def find_by_url(self, url: str) -> StoredArticle | None:
        """The first-seen article with this canonical URL."""
        row = self._one(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE url = ? "
            "ORDER BY first_seen, rowid LIMIT 1",
            (url,),
        )
        return None if row is None else _stored(row)

    def find_by_guid(self, guid: str) -> StoredArticle | None:
        """The first-seen article with this guid."""
        row = self._one(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE guid = ? "
            "ORDER BY first_seen, rowid LIMIT 1",
            (guid,),
        )
        return None if row is None else _stored(row)

    def find_similar(
        self, fingerprint: int, *, since: datetime, max_distance: int
    ) -> list[tuple[StoredArticle, int]]:
        """Articles first seen since `since` whose fingerprint is within `max_distance` bits,
        closest first (then oldest first), with the distance."""
        rows = self._all(
            "SELECT id, fingerprint FROM articles WHERE first_seen >= ? "
            "AND fingerprint IS NOT NULL",
            (_iso(since),),
        )
        close = []
        for row in rows:
            distance = (to_unsigned(row["fingerprint"]) ^ fingerprint).bit_count()
            if distance <= max_distance:
                close.append((row["id"], distance))
        found = []
        for article_id, distance in close:
            stored = self.find_article(article_id)
            if stored is not None:
                found.append((stored, distance))
        found.sort(key=lambda item: (item[1], item[0].first_seen))
        return found

    def fingerprints(self, since: datetime) -> list[tuple[str, int]]:
        """(article id, fingerprint) of the articles first seen since a time."""
        rows = self._all(
            "SELECT id, fingerprint FROM articles WHERE first_seen >= ? "
            "AND fingerprint IS NOT NULL ORDER BY first_seen, rowid",
            (_iso(since),),
        )
        return [(row["id"], to_unsigned(row["fingerprint"])) for row in rows]

    def headlines(self, since: datetime) -> list[tuple[str, str]]:
        """(article id, stored headline) of the short items first seen since a time, oldest
        first."""
        rows = self._all(
            "SELECT id, headline FROM articles WHERE first_seen >= ? AND headline IS NOT NULL"
            " ORDER BY first_seen, rowid",
            (_iso(since),),
        )
        return [(row["id"], row["headline"]) for row in rows]

    def headlines_after(self, cursor: int, *, since: datetime) -> tuple[list[tuple[str, str]], int]:
        """(article id, stored headline) of the short items first seen since `since` stored
        after `cursor`, and the next cursor (see `Store.headlines_after`)."""
        last = max(cursor, self.change_cursor())
        rows = self._all(
            "SELECT id, headline FROM articles WHERE changed > ? AND changed <= ?"
            " AND first_seen >= ? AND headline IS NOT NULL ORDER BY changed",
            (cursor, last, _iso(since)),
        )
        return [(row["id"], row["headline"]) for row in rows], last

    def change_cursor(self) -> int:
        """The cursor of `fingerprints_after` as of now (see `Store.change_cursor`)."""
        row = self._one("SELECT coalesce(max(changed), 0) FROM articles")
        return int(row[0]) if row else 0

    def fingerprints_after(
        self, cursor: int, *, since: datetime
    ) -> tuple[list[tuple[str, int]], int]:
        """(article id, fingerprint) of the articles first seen since `since` whose fingerprint
        was stored or changed after `cursor`, in that order, and the next cursor (see
        `Store.fingerprints_after`)."""
        last = max(cursor, self.change_cursor())
        rows = self._all(
            "SELECT id, fingerprint FROM articles WHERE changed > ? AND changed <= ?"
            " AND first_seen >= ? AND fingerprint IS NOT NULL ORDER BY changed",
            (cursor, last, _iso(since)),
        )
        return [(row["id"], to_unsigned(row["fingerprint"])) for row in rows], last

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
        """Store a new article (an article id already stored is left as it is)."""
        with self.transaction():
            inserted = self._write(
                "INSERT OR IGNORE INTO articles (id, story_id, feed_url, guid, url, fingerprint,"
                " first_seen, last_seen, article, flags, match, headline, changed)"
                f" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {_NEXT_CHANGE})",
                (
                    article.id,
                    story_id,
                    article.source.feed_url,
                    article.guid,
                    article.url,
                    None if fingerprint is None else to_signed(fingerprint),
                    _iso(seen),
                    _iso(seen),
                    article.model_dump_json(),
                    _flags_json(flags),
                    match,
                    headline,
                ),
            )
            if inserted:
                self._write(_COUNT_CHANGE)

    def update_article(
        self, article: Article, *, fingerprint: int | None, flags: Sequence[Flag] | None
    ) -> None:
        """Replace a stored article's content after its page was read again (its story,
        first and last sight stay; `flags=None` keeps the stored flags)."""
        with self.transaction():
            updated = self._write(
                "UPDATE articles SET article = ?, fingerprint = ?, flags = coalesce(?, flags),"
                f" changed = {_NEXT_CHANGE} WHERE id = ?",
                (
                    article.model_dump_json(),
                    None if fingerprint is None else to_signed(fingerprint),
                    None if flags is None else _flags_json(flags),
                    article.id,
                ),
            )
            if updated:
                self._write(_COUNT_CHANGE)

    def failed_pages(self, since: datetime) -> list[Article]:
        """The articles first seen since a time whose page could not be read for a reason
        that may pass (`failed` and `temporary`)."""
        # instr() keeps the JSON parse to the few candidate rows; the extraction is then
        # checked on the parsed article (the text could contain those characters).
        rows = self._all(
            "SELECT article FROM articles WHERE first_seen >= ? "
            "AND instr(article, '\"temporary\":true') > 0 ORDER BY first_seen, rowid",
            (_iso(since),),
        )
        articles = [Article.model_validate_json(row["article"]) for row in rows]
        return [
            article
            for article in articles
            if article.extraction is not None
            and article.extraction.status == "failed"
            and article.extraction.temporary
        ]

    def touch_articles(self, article_ids: Iterable[str], seen: datetime) -> None:
        """Record that these articles are still in their feeds (retention counts from there)."""
        ids = list(article_ids)
        with self.transaction():
            for chunk in iter_chunks(ids):
                marks = ",".join("?" * len(chunk))
                self._write(
                    f"UPDATE articles SET last_seen = ? WHERE id IN ({marks})", (_iso(seen), *chunk)
                )

    def touch_feed(self, feed_urls: Sequence[str], seen: datetime) -> None:
        """Record that a feed is unchanged (HTTP 304): its articles are all still in it."""
        marks = ",".join("?" * len(feed_urls))
        self._write(
            f"UPDATE articles SET last_seen = ? WHERE feed_url IN ({marks})",
            (_iso(seen), *feed_urls),
        )

    def story_articles(self, story_id: str) -> list[StoredArticle]:
        """Every stored copy of a story, first seen first."""
        rows = self._all(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE story_id = ? "
            "ORDER BY first_seen, rowid",
            (story_id,),
        )
        return [_stored(row) for row in rows]

    def article(self, article_id: str) -> Article | None:
        """The stored article."""
        row = self._one("SELECT article FROM articles WHERE id = ?", (article_id,))
        return None if row is None else Article.model_validate_json(row["article"])

    def articles_with_url(self, url: str) -> list[Article]:
        """The stored articles with this canonical URL, last seen first (several feeds may
        carry one URL)."""
        rows = self._all(
            "SELECT article FROM articles WHERE url = ? ORDER BY last_seen DESC, rowid DESC",
            (url,),
        )
        return [Article.model_validate_json(row["article"]) for row in rows]

    def count_articles(self) -> int:
        """How many articles are stored."""
        row = self._one("SELECT count(*) FROM articles")
        return int(row[0]) if row else 0

    # ------------------------------------------------------------------ outbox

    def story_alerted(self, story_id: str) -> bool:
        """Whether an alert was already made for this story."""
        return self._one("SELECT 1 FROM outbox WHERE story_id = ?", (story_id,)) is not None

    def add_alert(self, alert: Alert) -> None:
        """Put an alert in the outbox (an alert id already there is left as it is)."""
        self._write(
            "INSERT OR IGNORE INTO outbox (alert_id, story_id, created, source, alert)"
            " VALUES (?, ?, ?, ?, ?)",
            (
                alert.id,
                alert.story_id,
                _iso(alert.created),
                alert.article.source.name or alert.article.source.feed_url or "",
                alert.model_dump_json(),
            ),
        )

    def pending_alerts(self, sink: str) -> list[Alert]:
        """Undelivered alerts that the sink has not received yet, oldest first."""
        rows = self._all(
            "SELECT alert FROM outbox WHERE delivered_at IS NULL AND NOT EXISTS"
            " (SELECT 1 FROM deliveries d WHERE d.alert_id = outbox.alert_id AND d.sink = ?)"
            " ORDER BY created, rowid",
            (sink,),
        )
        return [Alert.model_validate_json(row["alert"]) for row in rows]

    def claim_alerts(
        self,
        sink: str,
        *,
        worker: str,
        now: datetime,
        lease_seconds: float,
        limit: int | None = None,
    ) -> list[Alert]:
        """Claim for `worker` the alerts the sink has not received that no other worker holds
        (see `Store.claim_alerts`); oldest first. One write transaction."""
        if limit is not None and limit <= 0:
            return []
        moment = _iso(now)
        with self._errors(), self.transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO alert_claims (alert_id, sink)"
                " SELECT alert_id, ? FROM outbox o WHERE delivered_at IS NULL AND NOT EXISTS"
                " (SELECT 1 FROM deliveries d WHERE d.alert_id = o.alert_id AND d.sink = ?)",
                (sink, sink),
            )
            rows = self._db.execute(
                "SELECT o.alert_id, o.alert FROM alert_claims c"
                " JOIN outbox o ON o.alert_id = c.alert_id"
                " WHERE c.sink = ? AND (c.worker IS NULL OR c.expires <= ? OR c.worker = ?)"
                " AND o.delivered_at IS NULL AND NOT EXISTS"
                " (SELECT 1 FROM deliveries d WHERE d.alert_id = o.alert_id AND d.sink = ?)"
                " ORDER BY o.created, o.rowid LIMIT ?",
                (sink, moment, worker, sink, -1 if limit is None else limit),
            ).fetchall()
            expires = _later(now, lease_seconds)
            self._db.executemany(
                "UPDATE alert_claims SET worker = ?, expires = ? WHERE alert_id = ? AND sink = ?",
                [(worker, expires, row["alert_id"], sink) for row in rows],
            )
        return [Alert.model_validate_json(row["alert"]) for row in rows]

    def start_worker(self, worker: str) -> int:
        """Release every lease and claim of another worker (see `Store.start_worker`: one
        run at a time holds an SQLite state, so they are a dead run's); return how many."""
        with self.transaction():
            released = self._write(
                "UPDATE feed_leases SET worker = NULL, expires = NULL"
                " WHERE worker IS NOT NULL AND worker != ?",
                (worker,),
            )
            released += self._write("DELETE FROM alert_claims WHERE worker != ?", (worker,))
        return released

    def release_alerts(self, alert_ids: Iterable[str], sink: str, *, worker: str) -> int:
        """Give back `worker`'s claims on these alerts for a sink; return how many it held."""
        released = 0
        with self.transaction():
            for chunk in iter_chunks(sorted(set(alert_ids))):
                marks = ",".join("?" * len(chunk))
                released += self._write(
                    "DELETE FROM alert_claims WHERE sink = ? AND worker = ?"
                    f" AND alert_id IN ({marks})",
                    (sink, worker, *chunk),
                )
        return released

    def mark_delivered(self, alert_ids: Iterable[str], sink: str, when: datetime) -> None:
        """Record that a sink received these alerts (and end their claims for that sink); an
        alert no longer in the outbox is skipped."""
        ids = sorted(set(alert_ids))
        with self._errors(), self.transaction():
            self._db.executemany(
                "INSERT OR IGNORE INTO deliveries (alert_id, sink, delivered_at)"
                " SELECT alert_id, ?, ? FROM outbox WHERE alert_id = ?",
                [(sink, _iso(when), alert_id) for alert_id in ids],
            )
            self._db.executemany(
                "DELETE FROM alert_claims WHERE alert_id = ? AND sink = ?",
                [(alert_id, sink) for alert_id in ids],
            )

    def complete_alerts(self, sinks: Sequence[str], when: datetime) -> int:
        """Mark delivered the alerts every sink has received; return how many."""
        marks = ",".join("?" * len(sinks))
        return self._write(
            "UPDATE outbox SET delivered_at = ? WHERE delivered_at IS NULL AND"
            f" (SELECT count(DISTINCT sink) FROM deliveries d WHERE d.alert_id = outbox.alert_id"
            f" AND d.sink IN ({marks})) = ?",
            (_iso(when), *sinks, len(set(sinks))),
        )

    def count_pending(self) -> int:
        """Alerts not yet delivered to every sink."""
        row = self._one("SELECT count(*) FROM outbox WHERE delivered_at IS NULL")
        return int(row[0]) if row else 0

    def daily_counts(self, since: datetime) -> list[tuple[str, str, int]]:
        """Alerts made since a time, as (UTC day, source name, count), by day then source."""
        rows = self._all(
            "SELECT substr(created, 1, 10) AS day, source, count(*) AS n FROM outbox"
            " WHERE created >= ? GROUP BY day, source ORDER BY day, source",
            (_iso(since),),
        )
        return [(row["day"], row["source"], int(row["n"])) for row in rows]

    def prune(self, before: datetime) -> int:
        """Remove articles last seen before a time (and old delivered alerts); return the count
        of articles removed. Articles of a story whose alert is still pending are kept."""
        cutoff = _iso(before)
        with self.transaction():
            removed = self._write(
                "DELETE FROM articles WHERE last_seen < ? AND story_id NOT IN"
                " (SELECT story_id FROM outbox WHERE delivered_at IS NULL)",
                (cutoff,),
            )
            self._write(
                "DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ?"
                " AND story_id NOT IN (SELECT story_id FROM articles)",
                (cutoff,),
            )
        return removed

    # ------------------------------------------------------------------ copying

    @contextmanager
    def read_snapshot(self) -> Iterator[None]:
        """A read transaction that sees one moment of the state (other connections may keep
        writing: WAL)."""
        if self._depth:
            raise StoreError("read_snapshot() cannot run inside a transaction", path=str(self.path))
        with self._errors():
            self._db.execute("BEGIN DEFERRED")
        self._depth = 1
        try:
            yield
        finally:
            self._depth = 0
            self._db.execute("COMMIT")

    def table_counts(self) -> TableCounts:
        """How many rows of each kind the state holds."""
        row = self._one(
            "SELECT (SELECT count(*) FROM feeds) AS feeds,"
            " (SELECT count(*) FROM articles) AS articles,"
            " (SELECT count(DISTINCT story_id) FROM articles) AS stories,"
            " (SELECT count(*) FROM outbox) AS alerts,"
            " (SELECT count(*) FROM outbox WHERE delivered_at IS NULL) AS pending,"
            " (SELECT count(*) FROM deliveries) AS deliveries"
        )
        assert row is not None  # an aggregate always returns its row
        return TableCounts(**{key: int(row[key]) for key in row.keys()})  # noqa: SIM118 - a Row

    def export_rows(self, table: str) -> Generator[dict[str, Any], None, None]:
        """The rows of a copied table in their portable form (times as UTC datetimes, JSON
        as its text), in insertion order; streamed (call inside `read_snapshot`)."""
        columns = COPIED_TABLES[table]
        with self._errors():
            cursor = self._db.execute(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY {_COPY_ORDER[table]}"
            )
            for row in cursor:
                yield {column: _from_sqlite(column, row[column]) for column in columns}

    def import_rows(self, table: str, rows: Iterable[dict[str, Any]]) -> int:
        """Write portable rows into a table (inside a transaction); return how many."""
        columns = COPIED_TABLES[table]
        statement = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        )
        count = 0
        with self._errors(), self.transaction():
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(tuple(_to_sqlite(column, row[column]) for column in columns))
                if len(batch) == 1000:
                    self._db.executemany(statement, batch)
                    count += len(batch)
                    batch.clear()
            self._db.executemany(statement, batch)
            count += len(batch)
            if table == "articles":
                self._db.execute(
                    "UPDATE article_changes SET last ="
                    " max(last, (SELECT coalesce(max(changed), 0) FROM articles))"
                )
        return count

    def clear_state(self) -> None:
        """Remove every feed, article, alert, delivery, lease and claim (inside a
        transaction)."""
        with self.transaction():
            for table in ("deliveries", "alert_claims", "outbox", "articles", "feeds"):
                self._write(f"DELETE FROM {table}")
            self._write("DELETE FROM feed_leases")


_TIME_COLUMNS = frozenset(
    {
        "last_success",
        "last_attempt",
        "next_check",
        "first_seen",
        "last_seen",
        "created",
        "delivered_at",
    }
)
_COPY_ORDER = {
    "feeds": "url",
    "articles": "rowid",
    "outbox": "rowid",
    "deliveries": "alert_id, sink",
}


def _from_sqlite(column: str, value: Any) -> Any:
    if column in _TIME_COLUMNS:
        return _time(value)
    if column == "gone":
        return bool(value)
    return value


def _to_sqlite(column: str, value: Any) -> Any:
    if column in _TIME_COLUMNS:
        return None if value is None else _iso(value)
    if column == "gone":
        return int(value)
    return value

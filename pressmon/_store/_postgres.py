"""The server state backend: PostgreSQL through psycopg 3 (`pip install "pressmon[postgres]"`).

One connection per store, in autocommit mode, with explicit transactions. It keeps
the same rows as `SQLiteStore` (the schema is in `_pg_schema`), so a state copied
from one backend to the other reads the same.

Many workers share one database:

- **Feed leases**: `claim_feeds` locks the lease rows of due feeds with
  `SELECT ... FOR UPDATE SKIP LOCKED` (a worker never waits for another's claim),
  reads the feeds' state again once it holds them, and writes the lease (owner,
  expiry). Saving a feed's state releases its lease.
- **Writes are serialized**: every write of feed states, articles and alerts, and
  every `transaction(exclusive=True)`, first takes one transaction-scoped advisory
  lock (`pg_advisory_xact_lock`). Two workers recording copies of one story in
  exclusive transactions therefore see each other's stories, and rows are never
  locked by two writers in different orders (no deadlocks). Claims do not take it.
- **Alert claims**: `claim_alerts` locks `(alert, sink)` claim rows with SKIP LOCKED,
  as feed leases do; `mark_delivered` ends them.

PostgreSQL's text cannot hold the NUL character, which SQLite's can: one in a column
value (a guid of a hostile feed) is stored as U+FFFD, and looked up the same way, so
the store behaves alike; the article JSON keeps it exactly (JSON escapes it).

Connection problems raise [`StateConnectionError`][pressmon.StateConnectionError]
naming the server (never a password); a database holding other tables than
pressmon's raises [`StateCorruptError`][pressmon.StateCorruptError]; one written by a
newer pressmon raises [`StateVersionError`][pressmon.StateVersionError].
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta, timezone
from types import ModuleType
from typing import TYPE_CHECKING, Any

from pressmon._store._pg_schema import (
    APPLICATION,
    LOCK_NAMESPACE,
    MIGRATE_LOCK,
    MIGRATIONS,
    SCHEMA_VERSION,
    TABLES,
    WRITE_LOCK,
    create_version_table,
)
from pressmon._store._schema import to_signed, to_unsigned
from pressmon._store._types import COPIED_TABLES, FeedState, StoredArticle, TableCounts
from pressmon._store._url import redact_url
from pressmon.exceptions import (
    StateConnectionError,
    StateCorruptError,
    StateVersionError,
    StoreError,
)
from pressmon.models import Alert, Article, Flag

if TYPE_CHECKING:
    import psycopg
    from psycopg.rows import DictRow

__all__ = ["INSTALL_HINT", "PostgresStore"]

INSTALL_HINT = 'pip install "pressmon[postgres]"'

_CHECK_SERVER = (
    "check that the server runs and accepts connections at that host and port, the user and "
    "database names, and the password in PGPASSWORD or ~/.pgpass"
)

_ARTICLE_COLUMNS = "id, story_id, feed_url, url, guid, fingerprint, first_seen, match"


def _psycopg() -> ModuleType:
    """psycopg, imported on first use (`import pressmon` stays quick without it)."""
    try:
        import psycopg
    except ImportError as error:
        raise StoreError(
            f"a PostgreSQL state needs psycopg 3, which is not installed ({error}): {INSTALL_HINT}"
        ) from None
    return psycopg


def _utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


def _time(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(timezone.utc)


def _flags_json(flags: Sequence[Flag]) -> str:
    return json.dumps([flag.model_dump(mode="json") for flag in flags], ensure_ascii=False)


def _stored(row: DictRow) -> StoredArticle:
    fingerprint = row["fingerprint"]
    return StoredArticle(
        id=row["id"],
        story_id=row["story_id"],
        feed_url=row["feed_url"],
        url=row["url"],
        guid=row["guid"],
        fingerprint=None if fingerprint is None else to_unsigned(fingerprint),
        first_seen=_utc(row["first_seen"]),
        match=row["match"],
    )


def _feed_state(row: DictRow) -> FeedState:
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


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return "; ".join(lines[:2]) or type(error).__name__


class PostgresStore:
    """The state in a PostgreSQL database (created, or migrated to the current schema, on
    open).

    Args:
        url: a libpq URL, `postgresql://user@host:port/dbname` (`?options=-csearch_path%3DX`
            puts the tables in schema X). The password comes from `PGPASSWORD` or
            `~/.pgpass`, which libpq reads itself; `PGHOST`, `PGUSER`, ... fill what the
            URL leaves out.
        connect_timeout: seconds to wait for the server (unless the URL sets it).
        create: create pressmon's tables in a database that has none (else raise
            `StoreError`).

    Raises:
        StoreError: psycopg is not installed, the URL is not valid, the user may not create
            tables, or the database holds no state and `create` is false.
        StateConnectionError: the server cannot be reached or refused the login.
        StateCorruptError: the database (schema) holds tables that are not pressmon's.
        StateVersionError: written by a newer pressmon.
    """

    def __init__(self, url: str, *, connect_timeout: float = 10.0, create: bool = True) -> None:
        self.url = redact_url(url)
        """The server, user and database (never the password), for messages."""
        self._secrets = [secret for secret in _url_secrets(url) if secret]
        self._depth = 0
        self._write_locked = False
        self._pg = _psycopg()
        from psycopg.conninfo import conninfo_to_dict
        from psycopg.rows import dict_row

        try:
            params = conninfo_to_dict(url.strip())
        except self._pg.Error as error:
            raise StoreError(
                f"not a valid PostgreSQL URL ({self._scrub(_first_line(error))}): write it as "
                "postgresql://user@host:5432/dbname",
                path=self.url,
            ) from None
        extra: dict[str, Any] = {}
        if "connect_timeout" not in params:
            extra["connect_timeout"] = max(1, round(connect_timeout))
        if "application_name" not in params:
            extra["application_name"] = "pressmon"
        try:
            self._db: psycopg.Connection[DictRow] = self._pg.connect(
                url.strip(), autocommit=True, row_factory=dict_row, **extra
            )
        except self._pg.Error as error:
            raise StateConnectionError(
                f"cannot connect to the state server ({self._scrub(_first_line(error))}): "
                f"{_CHECK_SERVER}",
                path=self.url,
            ) from None
        try:
            with self._errors():
                self._db.execute("SET TIME ZONE 'UTC'")
            self._open(create)
        except BaseException:
            self._db.close()
            raise

    # ------------------------------------------------------------------ opening

    def _scrub(self, message: str) -> str:
        for secret in self._secrets:
            message = message.replace(secret, "***")
        return message

    def _open(self, create: bool) -> None:
        errors = self._pg.errors
        try:
            with self.transaction():
                self._execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_NAMESPACE, MIGRATE_LOCK)
                )
                schema = self._scalar("SELECT current_schema()")
                if schema is None:
                    raise StoreError(
                        "no schema of the search_path exists: create it (CREATE SCHEMA ...) or "
                        "correct the URL's options=-csearch_path",
                        path=self.url,
                    )
                tables = {
                    row["tablename"]
                    for row in self._all(
                        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                    )
                }
                version = self._version(tables, str(schema), create)
                if version > SCHEMA_VERSION:
                    raise StateVersionError(
                        f"the state has schema version {version}, written by a newer pressmon; "
                        f"this one reads up to version {SCHEMA_VERSION}: upgrade pressmon "
                        "(pip install -U pressmon), or use another database",
                        path=self.url,
                    )
                if version < SCHEMA_VERSION:
                    with self._errors(), self._db.cursor() as cursor:
                        for step in MIGRATIONS[version:]:
                            step(cursor)
                    self._execute("UPDATE pressmon_schema SET version = %s", (SCHEMA_VERSION,))
        except StoreError as error:
            cause = error.__cause__
            if isinstance(cause, errors.InsufficientPrivilege):
                raise StoreError(
                    f"the user may not create pressmon's tables ({_first_line(cause)}): make it "
                    "the database's owner, or GRANT CREATE ON SCHEMA to it",
                    path=self.url,
                ) from None
            raise

    def _version(self, tables: set[str], schema: str, create: bool) -> int:
        if "pressmon_schema" in tables:
            row = self._one("SELECT application, version FROM pressmon_schema")
            if row is None or row["application"] != APPLICATION:
                raise StateCorruptError(
                    f"the table {schema}.pressmon_schema is not pressmon's: give pressmon a "
                    "database of its own",
                    path=self.url,
                )
            return int(row["version"])
        if tables:
            others = ", ".join(sorted(tables - set(TABLES))[:5]) or ", ".join(sorted(tables))
            raise StateCorruptError(
                f"schema {schema} holds tables that are not a pressmon state ({others}): give "
                "pressmon a database of its own (CREATE DATABASE ... OWNER ...), or a schema "
                "of its own (?options=-csearch_path%3Dpressmon in the URL)",
                path=self.url,
            )
        if not create:
            raise StoreError(
                f"schema {schema} holds no pressmon state: check the database name",
                path=self.url,
            )
        with self._errors(), self._db.cursor() as cursor:
            create_version_table(cursor)
        return 0

    @property
    def schema_version(self) -> int:
        """The schema version of the open database."""
        return int(self._scalar("SELECT version FROM pressmon_schema") or 0)

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ------------------------------------------------------------------ helpers

    @contextmanager
    def transaction(self, *, exclusive: bool = False) -> Iterator[None]:
        """Group writes: all are kept, or none (nested calls join the outer transaction).

        `exclusive=True` takes pressmon's advisory write lock first: every other exclusive
        transaction, and every write of feed states, articles and alerts by any worker,
        waits until this one ends (see `Store.transaction`). Claims do not wait for it.
        """
        if self._depth:
            self._depth += 1
            try:
                if exclusive:
                    self._lock_writes()
                yield
            finally:
                self._depth -= 1
            return
        self._execute("BEGIN")
        self._depth = 1
        try:
            if exclusive:
                self._lock_writes()
            yield
        except BaseException:
            self._finish("ROLLBACK")
            raise
        self._finish("COMMIT")

    def _finish(self, command: str) -> None:
        self._depth = 0
        self._write_locked = False
        if command == "COMMIT":
            self._execute("COMMIT")
        elif not self._db.broken and not self._db.closed:
            # The error being raised says more than a failed ROLLBACK would.
            with suppress(self._pg.Error):
                self._db.execute("ROLLBACK")

    def _lock_writes(self) -> None:
        """Take the advisory write lock for the rest of the current transaction."""
        if not self._write_locked:
            self._execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_NAMESPACE, WRITE_LOCK))
            self._write_locked = True

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A transaction (or the current one) holding the write lock."""
        with self.transaction():
            self._lock_writes()
            yield

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except self._pg.Error as error:
            raise self._translate(error) from error

    def _translate(self, error: Exception) -> StoreError:
        message = self._scrub(_first_line(error))
        if self._db.broken or self._db.closed or isinstance(error, self._pg.InterfaceError):
            return StateConnectionError(
                f"lost the connection to the state server ({message}): {_CHECK_SERVER}; "
                "what was not committed is done again by the next run",
                path=self.url,
            )
        code = getattr(error, "sqlstate", None) or "?"
        return StoreError(
            f"the state database refused an operation ({code}: {message}): check the server's "
            "log; the next run starts again from what was committed",
            path=self.url,
        )

    def _execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> int:
        with self._errors():
            return self._db.execute(sql, _without_nul(parameters)).rowcount

    def _all(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> list[DictRow]:
        with self._errors():
            return self._db.execute(sql, _without_nul(parameters)).fetchall()

    def _one(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> DictRow | None:
        with self._errors():
            return self._db.execute(sql, _without_nul(parameters)).fetchone()

    def _scalar(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = self._one(sql, parameters)
        return None if row is None else next(iter(row.values()))

    def _write(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> int:
        with self._writing():
            return self._execute(sql, parameters)

    # ------------------------------------------------------------------ feeds

    def feed_state(self, url: str) -> FeedState | None:
        """The remembered state of a feed, or None for a feed never fetched."""
        row = self._one("SELECT * FROM feeds WHERE url = %s", (url,))
        return None if row is None else _feed_state(row)

    def feed_states(self, urls: Iterable[str]) -> dict[str, FeedState]:
        """The remembered states of these feeds, by URL (feeds never fetched are absent)."""
        rows = self._all("SELECT * FROM feeds WHERE url = ANY(%s)", (sorted(set(urls)),))
        return {row["url"]: _feed_state(row) for row in rows}

    def save_feed_state(self, state: FeedState) -> None:
        """Remember a feed's state (replaces the previous one) and release its lease, whoever
        holds it (its new `next_check` keeps it from being due again too early)."""
        with self._writing():
            self._execute(
                "INSERT INTO feeds (url, etag, last_modified, last_success, last_attempt,"
                " consecutive_errors, next_check, last_error, moved_to, gone, title)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (url) DO UPDATE SET etag = EXCLUDED.etag,"
                " last_modified = EXCLUDED.last_modified, last_success = EXCLUDED.last_success,"
                " last_attempt = EXCLUDED.last_attempt,"
                " consecutive_errors = EXCLUDED.consecutive_errors,"
                " next_check = EXCLUDED.next_check, last_error = EXCLUDED.last_error,"
                " moved_to = EXCLUDED.moved_to, gone = EXCLUDED.gone, title = EXCLUDED.title",
                (
                    state.url,
                    state.etag,
                    state.last_modified,
                    _time(state.last_success),
                    _time(state.last_attempt),
                    state.consecutive_errors,
                    _time(state.next_check),
                    state.last_error,
                    state.moved_to,
                    state.gone,
                    state.title,
                ),
            )
            self._execute(
                "UPDATE feed_leases SET worker = NULL, expires = NULL"
                " WHERE url = %s AND worker IS NOT NULL",
                (state.url,),
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

        Three short steps, none waiting for another worker's claim: lease rows for feeds
        never claimed (`ON CONFLICT DO NOTHING`, in URL order so two workers inserting
        the same rows cannot deadlock, committed at once); then, in one transaction, lock
        the due ones with `FOR UPDATE SKIP LOCKED`, read their state again (a worker that
        saved one after this statement's snapshot has made it not due), and write the
        leases."""
        wanted = sorted(set(urls))
        if not wanted or (limit is not None and limit <= 0):
            return []
        moment = _utc(now)
        with self.transaction():
            self._execute(
                "INSERT INTO feed_leases (url) SELECT u FROM unnest(%s::text[]) AS u"
                " WHERE NOT EXISTS (SELECT 1 FROM feed_leases l WHERE l.url = u)"
                " ORDER BY u ON CONFLICT DO NOTHING",
                (wanted,),
            )
        due = (
            "(%(force)s OR f.url IS NULL"
            " OR ((f.next_check IS NULL OR f.next_check <= %(now)s) AND NOT f.gone))"
        )
        parameters = {"urls": wanted, "now": moment, "worker": worker, "force": force}
        with self.transaction():
            locked = [
                row["url"]
                for row in self._all(
                    "SELECT l.url FROM feed_leases l LEFT JOIN feeds f ON f.url = l.url"
                    " WHERE l.url = ANY(%(urls)s)"
                    " AND (l.worker IS NULL OR l.expires <= %(now)s OR l.worker = %(worker)s)"
                    f' AND {due} ORDER BY f.next_check NULLS FIRST, l.url COLLATE "C"'
                    " LIMIT %(limit)s"
                    " FOR UPDATE OF l SKIP LOCKED",
                    {**parameters, "limit": limit},
                )
            ]
            if not locked:
                return []
            claimed = [
                row["url"]
                for row in self._all(
                    "SELECT u.url FROM unnest(%(locked)s::text[]) WITH ORDINALITY AS u (url, n)"
                    f" LEFT JOIN feeds f ON f.url = u.url WHERE {due} ORDER BY u.n",
                    {**parameters, "locked": locked},
                )
            ]
            self._execute(
                "UPDATE feed_leases SET worker = %s, expires = %s WHERE url = ANY(%s)",
                (worker, moment + timedelta(seconds=lease_seconds), claimed),
            )
        return claimed

    def start_worker(self, worker: str) -> int:
        """Mark `worker` alive for as long as this connection lasts (a session advisory lock
        on the hash of its id), then release the leases and claims of workers whose mark is
        gone (see `Store.start_worker`); return how many."""
        self._scalar("SELECT pg_try_advisory_lock(%s, hashtext(%s))", (LOCK_NAMESPACE, worker))
        # pg_locks shows a two-key advisory lock as (classid, objid) = the keys as oids,
        # objsubid 2; hashtext() is signed, an oid is not.
        alive = (
            "EXISTS (SELECT 1 FROM pg_locks k WHERE k.locktype = 'advisory' AND k.granted"
            " AND k.objsubid = 2 AND k.classid::bigint = %(namespace)s"
            " AND k.objid::bigint = (hashtext(x.worker)::bigint & 4294967295))"
        )
        parameters = {"namespace": LOCK_NAMESPACE}
        with self.transaction():
            released = self._execute(
                "UPDATE feed_leases x SET worker = NULL, expires = NULL"
                f" WHERE x.worker IS NOT NULL AND NOT {alive}",
                parameters,
            )
            released += self._execute(
                f"DELETE FROM alert_claims x WHERE x.worker IS NOT NULL AND NOT {alive}",
                parameters,
            )
        return released

    def release_feeds(self, urls: Iterable[str], *, worker: str) -> int:
        """Give back `worker`'s leases on these feeds; return how many it held."""
        return self._execute(
            "UPDATE feed_leases SET worker = NULL, expires = NULL"
            " WHERE worker = %s AND url = ANY(%s)",
            (worker, sorted(set(urls))),
        )

    # ------------------------------------------------------------------ articles

    def find_article(self, article_id: str) -> StoredArticle | None:
        """The article with this id."""
        row = self._one(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = %s", (article_id,))
        return None if row is None else _stored(row)

    def find_by_url(self, url: str) -> StoredArticle | None:
        """The first-seen article with this canonical URL."""
        row = self._one(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE url = %s "
            "ORDER BY first_seen, seq LIMIT 1",
            (url,),
        )
        return None if row is None else _stored(row)

    def find_by_guid(self, guid: str) -> StoredArticle | None:
        """The first-seen article with this guid."""
        row = self._one(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE guid = %s "
            "ORDER BY first_seen, seq LIMIT 1",
            (guid,),
        )
        return None if row is None else _stored(row)

    def find_similar(
        self, fingerprint: int, *, since: datetime, max_distance: int
    ) -> list[tuple[StoredArticle, int]]:
        """Articles first seen since `since` whose fingerprint is within `max_distance` bits,
        closest first (then oldest first), with the distance."""
        rows = self._all(
            "SELECT id, fingerprint FROM articles WHERE first_seen >= %s "
            "AND fingerprint IS NOT NULL",
            (_utc(since),),
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
            "SELECT id, fingerprint FROM articles WHERE first_seen >= %s "
            "AND fingerprint IS NOT NULL ORDER BY first_seen, seq",
            (_utc(since),),
        )
        return [(row["id"], to_unsigned(row["fingerprint"])) for row in rows]

    def headlines(self, since: datetime) -> list[tuple[str, str]]:
        """(article id, stored headline) of the short items first seen since a time, oldest
        first."""
        rows = self._all(
            "SELECT id, headline FROM articles WHERE first_seen >= %s AND headline IS NOT NULL"
            " ORDER BY first_seen, seq",
            (_utc(since),),
        )
        return [(row["id"], row["headline"]) for row in rows]

    def headlines_after(self, cursor: int, *, since: datetime) -> tuple[list[tuple[str, str]], int]:
        """(article id, stored headline) of the short items first seen since `since` stored
        after `cursor`, and the next cursor (see `Store.headlines_after`)."""
        last = max(cursor, self.change_cursor())
        rows = self._all(
            "SELECT id, headline FROM articles WHERE changed > %s AND changed <= %s"
            " AND first_seen >= %s AND headline IS NOT NULL ORDER BY changed",
            (cursor, last, _utc(since)),
        )
        return [(row["id"], row["headline"]) for row in rows], last

    def change_cursor(self) -> int:
        """The cursor of `fingerprints_after` as of now (see `Store.change_cursor`)."""
        return int(self._scalar("SELECT coalesce(max(changed), 0) FROM articles"))

    def fingerprints_after(
        self, cursor: int, *, since: datetime
    ) -> tuple[list[tuple[str, int]], int]:
        """(article id, fingerprint) of the articles first seen since `since` whose fingerprint
        was stored or changed after `cursor`, in that order, and the next cursor (see
        `Store.fingerprints_after`). Change numbers come from a sequence and every article
        write holds the write lock, so they are committed in order."""
        last = max(cursor, self.change_cursor())
        rows = self._all(
            "SELECT id, fingerprint FROM articles WHERE changed > %s AND changed <= %s"
            " AND first_seen >= %s AND fingerprint IS NOT NULL ORDER BY changed",
            (cursor, last, _utc(since)),
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
        self._write(
            "INSERT INTO articles (id, story_id, feed_url, guid, url, fingerprint,"
            " first_seen, last_seen, article, flags, match, headline)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (id) DO NOTHING",
            (
                article.id,
                story_id,
                article.source.feed_url,
                article.guid,
                article.url,
                None if fingerprint is None else to_signed(fingerprint),
                _utc(seen),
                _utc(seen),
                article.model_dump_json(),
                _flags_json(flags),
                match,
                headline,
            ),
        )

    def update_article(
        self, article: Article, *, fingerprint: int | None, flags: Sequence[Flag] | None
    ) -> None:
        """Replace a stored article's content after its page was read again (its story,
        first and last sight stay; `flags=None` keeps the stored flags)."""
        self._write(
            "UPDATE articles SET article = %s, fingerprint = %s,"
            " flags = coalesce(%s::json, flags), changed = nextval('article_changes')"
            " WHERE id = %s",
            (
                article.model_dump_json(),
                None if fingerprint is None else to_signed(fingerprint),
                None if flags is None else _flags_json(flags),
                article.id,
            ),
        )

    def failed_pages(self, since: datetime) -> list[Article]:
        """The articles first seen since a time whose page could not be read for a reason
        that may pass (`failed` and `temporary`)."""
        rows = self._all(
            "SELECT article::text AS article FROM articles WHERE first_seen >= %s"
            " AND strpos(article::text, '\"temporary\":true') > 0 ORDER BY first_seen, seq",
            (_utc(since),),
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
        ids = sorted(set(article_ids))
        if ids:
            self._write("UPDATE articles SET last_seen = %s WHERE id = ANY(%s)", (_utc(seen), ids))

    def touch_feed(self, feed_urls: Sequence[str], seen: datetime) -> None:
        """Record that a feed is unchanged (HTTP 304): its articles are all still in it."""
        self._write(
            "UPDATE articles SET last_seen = %s WHERE feed_url = ANY(%s)",
            (_utc(seen), list(feed_urls)),
        )

    def story_articles(self, story_id: str) -> list[StoredArticle]:
        """Every stored copy of a story, first seen first."""
        rows = self._all(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE story_id = %s ORDER BY first_seen, seq",
            (story_id,),
        )
        return [_stored(row) for row in rows]

    def article(self, article_id: str) -> Article | None:
        """The stored article."""
        text = self._scalar("SELECT article::text FROM articles WHERE id = %s", (article_id,))
        return None if text is None else Article.model_validate_json(text)

    def articles_with_url(self, url: str) -> list[Article]:
        """The stored articles with this canonical URL, last seen first (several feeds may
        carry one URL)."""
        rows = self._all(
            "SELECT article::text AS article FROM articles WHERE url = %s"
            " ORDER BY last_seen DESC, seq DESC",
            (url,),
        )
        return [Article.model_validate_json(row["article"]) for row in rows]

    def count_articles(self) -> int:
        """How many articles are stored."""
        return int(self._scalar("SELECT count(*) FROM articles") or 0)

    # ------------------------------------------------------------------ outbox

    def story_alerted(self, story_id: str) -> bool:
        """Whether an alert was already made for this story."""
        return self._one("SELECT 1 FROM outbox WHERE story_id = %s", (story_id,)) is not None

    def add_alert(self, alert: Alert) -> None:
        """Put an alert in the outbox (an alert id, or a story, already there is left as it
        is)."""
        self._write(
            "INSERT INTO outbox (alert_id, story_id, created, source, alert)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (
                alert.id,
                alert.story_id,
                _utc(alert.created),
                alert.article.source.name or alert.article.source.feed_url or "",
                alert.model_dump_json(),
            ),
        )

    def pending_alerts(self, sink: str) -> list[Alert]:
        """Undelivered alerts that the sink has not received yet, oldest first."""
        rows = self._all(
            "SELECT alert::text AS alert FROM outbox WHERE delivered_at IS NULL AND NOT EXISTS"
            " (SELECT 1 FROM deliveries d WHERE d.alert_id = outbox.alert_id AND d.sink = %s)"
            " ORDER BY created, seq",
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
        (see `Store.claim_alerts`); oldest first.

        As `claim_feeds`: claim rows for pending alerts (committed at once, in id order),
        then one transaction locks free ones with `FOR UPDATE SKIP LOCKED`, reads again
        which are still undelivered to the sink, and writes the claims."""
        if limit is not None and limit <= 0:
            return []
        moment = _utc(now)
        with self.transaction():
            self._execute(
                "INSERT INTO alert_claims (alert_id, sink)"
                " SELECT o.alert_id, %(sink)s FROM outbox o WHERE o.delivered_at IS NULL"
                " AND NOT EXISTS (SELECT 1 FROM deliveries d"
                " WHERE d.alert_id = o.alert_id AND d.sink = %(sink)s)"
                " AND NOT EXISTS (SELECT 1 FROM alert_claims c"
                " WHERE c.alert_id = o.alert_id AND c.sink = %(sink)s)"
                " ORDER BY o.alert_id ON CONFLICT DO NOTHING",
                {"sink": sink},
            )
        with self.transaction():
            locked = [
                row["alert_id"]
                for row in self._all(
                    "SELECT c.alert_id FROM alert_claims c JOIN outbox o ON o.alert_id = c.alert_id"
                    " WHERE c.sink = %(sink)s"
                    " AND (c.worker IS NULL OR c.expires <= %(now)s OR c.worker = %(worker)s)"
                    " AND o.delivered_at IS NULL ORDER BY o.created, o.seq LIMIT %(limit)s"
                    " FOR UPDATE OF c SKIP LOCKED",
                    {"sink": sink, "now": moment, "worker": worker, "limit": limit},
                )
            ]
            if not locked:
                return []
            rows = self._all(
                "SELECT o.alert_id, o.alert::text AS alert FROM outbox o"
                " WHERE o.alert_id = ANY(%(ids)s) AND o.delivered_at IS NULL"
                " AND NOT EXISTS (SELECT 1 FROM deliveries d"
                " WHERE d.alert_id = o.alert_id AND d.sink = %(sink)s)"
                " ORDER BY o.created, o.seq",
                {"ids": locked, "sink": sink},
            )
            self._execute(
                "UPDATE alert_claims SET worker = %s, expires = %s"
                " WHERE sink = %s AND alert_id = ANY(%s)",
                (
                    worker,
                    moment + timedelta(seconds=lease_seconds),
                    sink,
                    [row["alert_id"] for row in rows],
                ),
            )
        return [Alert.model_validate_json(row["alert"]) for row in rows]

    def release_alerts(self, alert_ids: Iterable[str], sink: str, *, worker: str) -> int:
        """Give back `worker`'s claims on these alerts for a sink; return how many it held."""
        return self._execute(
            "DELETE FROM alert_claims WHERE sink = %s AND worker = %s AND alert_id = ANY(%s)",
            (sink, worker, sorted(set(alert_ids))),
        )

    def mark_delivered(self, alert_ids: Iterable[str], sink: str, when: datetime) -> None:
        """Record that a sink received these alerts (and end their claims for that sink); an
        alert no longer in the outbox is skipped."""
        ids = sorted(set(alert_ids))
        if not ids:
            return
        with self._writing():
            self._execute(
                "INSERT INTO deliveries (alert_id, sink, delivered_at)"
                " SELECT o.alert_id, %s, %s FROM outbox o WHERE o.alert_id = ANY(%s)"
                " ORDER BY o.alert_id ON CONFLICT DO NOTHING",
                (sink, _utc(when), ids),
            )
            self._execute(
                "DELETE FROM alert_claims WHERE sink = %s AND alert_id = ANY(%s)", (sink, ids)
            )

    def complete_alerts(self, sinks: Sequence[str], when: datetime) -> int:
        """Mark delivered the alerts every sink has received; return how many."""
        return self._write(
            "UPDATE outbox SET delivered_at = %s WHERE delivered_at IS NULL AND"
            " (SELECT count(DISTINCT sink) FROM deliveries d WHERE d.alert_id = outbox.alert_id"
            " AND d.sink = ANY(%s)) = %s",
            (_utc(when), list(sinks), len(set(sinks))),
        )

    def count_pending(self) -> int:
        """Alerts not yet delivered to every sink."""
        return int(self._scalar("SELECT count(*) FROM outbox WHERE delivered_at IS NULL") or 0)

    def daily_counts(self, since: datetime) -> list[tuple[str, str, int]]:
        """Alerts made since a time, as (UTC day, source name, count), by day then source."""
        rows = self._all(
            "SELECT to_char(created AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, source,"
            " count(*) AS n FROM outbox WHERE created >= %s"
            ' GROUP BY day, source ORDER BY day, source COLLATE "C"',
            (_utc(since),),
        )
        return [(row["day"], row["source"], int(row["n"])) for row in rows]

    def prune(self, before: datetime) -> int:
        """Remove articles last seen before a time (and old delivered alerts); return the count
        of articles removed. Articles of a story whose alert is still pending are kept."""
        cutoff = _utc(before)
        with self._writing():
            removed = self._execute(
                "DELETE FROM articles WHERE last_seen < %s AND story_id NOT IN"
                " (SELECT story_id FROM outbox WHERE delivered_at IS NULL)",
                (cutoff,),
            )
            self._execute(
                "DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < %s"
                " AND story_id NOT IN (SELECT story_id FROM articles)",
                (cutoff,),
            )
        return removed

    # ------------------------------------------------------------------ copying

    @contextmanager
    def read_snapshot(self) -> Iterator[None]:
        """A read-only transaction that sees one moment of the state (REPEATABLE READ)."""
        if self._depth:
            raise StoreError("read_snapshot() cannot run inside a transaction", path=self.url)
        self._execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._finish("ROLLBACK")
            raise
        self._finish("COMMIT")

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
        return TableCounts(**{key: int(value) for key, value in row.items()})

    def export_rows(self, table: str) -> Generator[dict[str, Any], None, None]:
        """The rows of a copied table in their portable form (times as UTC datetimes, JSON
        as its text), in insertion order; streamed (call inside `read_snapshot`)."""
        columns = COPIED_TABLES[table]
        select = ", ".join(
            f"{column}::text AS {column}" if column in _JSON_COLUMNS else column
            for column in columns
        )
        order = _COPY_ORDER[table]
        with self._errors(), self._db.cursor(name=f"pressmon_export_{table}") as cursor:
            cursor.itersize = 1000
            cursor.execute(f"SELECT {select} FROM {table} ORDER BY {order}")
            for row in cursor:
                yield {
                    column: _time(value) if isinstance(value, datetime) else value
                    for column, value in row.items()
                }

    def import_rows(self, table: str, rows: Iterable[dict[str, Any]]) -> int:
        """Write portable rows into a table (inside a transaction), with `COPY`; return how
        many."""
        columns = COPIED_TABLES[table]
        count = 0
        with self._writing(), self._errors(), self._db.cursor() as cursor:
            statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row([_text(row[column]) for column in columns])
                    count += 1
            if table == "articles":
                cursor.execute(
                    "SELECT setval('article_changes', greatest("
                    " (SELECT coalesce(max(changed), 0) FROM articles),"
                    " (SELECT last_value FROM article_changes)))"
                )
        return count

    def clear_state(self) -> None:
        """Remove every feed, article, alert, delivery, lease and claim (inside a
        transaction)."""
        with self._writing():
            for table in ("deliveries", "alert_claims", "outbox", "articles", "feeds"):
                self._execute(f"DELETE FROM {table}")
            self._execute("DELETE FROM feed_leases")


def _text(value: Any) -> Any:
    """A value PostgreSQL can store: its text holds no NUL character, so one in a string (a
    guid from a hostile feed) becomes U+FFFD, for writes and lookups alike. JSON is not
    touched by this: its encoder escapes the character."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list) and any(isinstance(item, str) and "\x00" in item for item in value):
        return [_text(item) for item in value]
    return value


def _without_nul(parameters: Sequence[Any] | dict[str, Any]) -> Sequence[Any] | dict[str, Any]:
    if isinstance(parameters, dict):
        return {name: _text(value) for name, value in parameters.items()}
    return [_text(value) for value in parameters]


_JSON_COLUMNS = frozenset({"article", "flags", "alert"})
_COPY_ORDER = {"feeds": "url", "articles": "seq", "outbox": "seq", "deliveries": "alert_id, sink"}


def _url_secrets(url: str) -> list[str]:
    """The password strings a URL carries, to keep them out of messages."""
    found = re.findall(r"(?:^|&|\?)password=([^&]*)", url)
    userinfo = url.partition("://")[2].split("/", 1)[0].rpartition("@")[0]
    if ":" in userinfo:
        found.append(userinfo.partition(":")[2])
    return found

"""The monitor's state: what each feed said last, every article seen, the alert outbox.

`Store` is the interface the monitor uses; `SQLiteStore` (the stdlib `sqlite3`, one
file) is the embedded default and `PostgresStore` (psycopg 3, the `postgres` extra)
the server one, for many workers on one monitor. `open_store` picks the backend from
the configuration's `state`. The schemas and their migrations are in `_schema`
(SQLite) and `_pg_schema` (PostgreSQL), version for version the same.
"""

from __future__ import annotations

import os
from pathlib import Path

from pressmon._store._lock import RunLock
from pressmon._store._postgres import PostgresStore
from pressmon._store._sqlite import SQLiteStore
from pressmon._store._types import FeedState, Store, StoredArticle, TableCounts, new_worker_id
from pressmon._store._url import is_postgres_url

__all__ = [
    "FeedState",
    "PostgresStore",
    "RunLock",
    "SQLiteStore",
    "Store",
    "StoredArticle",
    "TableCounts",
    "is_postgres_url",
    "new_worker_id",
    "open_store",
]


def open_store(
    state: str | os.PathLike[str], *, create: bool = True
) -> SQLiteStore | PostgresStore:
    """Open a state: a `postgresql://` (or `postgres://`) URL is a PostgreSQL database, anything
    else the path of an SQLite file.

    Args:
        state: the configuration's `state` (`MonitorConfig.state_location()`).
        create: create the state when it does not exist yet (else raise `StoreError`).

    Returns:
        The open store, migrated to the current schema; close it when done.

    Raises:
        StoreError: the state cannot be opened (see `SQLiteStore` and `PostgresStore` for
            the subclasses and what they mean).
    """
    if isinstance(state, str) and is_postgres_url(state):
        return PostgresStore(state, create=create)
    return SQLiteStore(Path(state), create=create)

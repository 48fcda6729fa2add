"""The monitor's state: what each feed said last, every article seen, the alert outbox.

`Store` is the interface the monitor uses; `SQLiteStore` (the stdlib
`sqlite3`, one file) is the embedded default. Another backend implements the same
protocol. The schema and its migrations are in `_schema`.
"""

from __future__ import annotations

from pressmon._store._lock import RunLock
from pressmon._store._sqlite import SQLiteStore
from pressmon._store._types import FeedState, Store, StoredArticle

__all__ = ["FeedState", "RunLock", "SQLiteStore", "Store", "StoredArticle"]

"""Opening a run's state: an SQLite file (one run at a time, by its lock; a new file in place
of a damaged one) or a PostgreSQL database (any number of workers)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

from pressmon._monitor._progress import Progress
from pressmon._store import PostgresStore, RunLock, SQLiteStore
from pressmon.config import MonitorConfig
from pressmon.exceptions import StateCorruptError

__all__ = ["open_state", "run_lock"]


def _move_aside(path: Path, now: datetime) -> Path:
    target = path.with_name(f"{path.name}.broken-{now:%Y%m%dT%H%M%S}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            os.replace(source, Path(f"{target}{suffix}"))
    return target


@contextlib.asynccontextmanager
async def run_lock(config: MonitorConfig, progress: Progress) -> AsyncIterator[None]:
    """Hold the run lock of an SQLite state (waiting up to `lock_timeout` for another run);
    a PostgreSQL state has none: its workers share the feeds by leases.

    Args:
        config: the monitor configuration.
        progress: where a line about the wait goes.

    Raises:
        StateLockedError: another run held the SQLite state longer than `lock_timeout`.
    """
    if isinstance(config.state, str):
        yield
        return
    lock = RunLock(config.state, config.lock_timeout)
    await lock.acquire_async()
    try:
        if lock.waited >= 1:
            progress.info(f"waited {lock.waited:.0f} s for another run to finish")
        yield
    finally:
        lock.release()


def open_state(
    config: MonitorConfig, progress: Progress, *, rebuild: bool, now: datetime
) -> SQLiteStore | PostgresStore:
    """Open the configured state; with `rebuild`, move a damaged SQLite file aside and start
    anew (a PostgreSQL database is never replaced).

    Args:
        config: the monitor configuration (`state`).
        progress: where the warning about a rebuilt state goes.
        rebuild: replace a damaged SQLite file instead of failing.
        now: the run's time (names the damaged file kept aside).

    Returns:
        The store, usable from the run's worker thread as well as its event loop.

    Raises:
        StateCorruptError: the state is damaged and `rebuild` is off.
        StateVersionError: the state was written by a newer pressmon.
        StateConnectionError: the PostgreSQL server cannot be reached.
    """
    if isinstance(config.state, str):
        return PostgresStore(config.state)
    try:
        return SQLiteStore(config.state, any_thread=True)
    except StateCorruptError:
        if not rebuild:
            raise
    moved = _move_aside(config.state, now)
    progress.warning(f"{config.state}: damaged state moved to {moved}; starting a new state")
    return SQLiteStore(config.state, any_thread=True)

"""Opening a run's state: the SQLite file, or a new one in place of a damaged file."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from pressmon._monitor._progress import Progress
from pressmon._store import SQLiteStore
from pressmon.config import MonitorConfig
from pressmon.exceptions import StateCorruptError

__all__ = ["open_state"]


def _move_aside(path: Path, now: datetime) -> Path:
    target = path.with_name(f"{path.name}.broken-{now:%Y%m%dT%H%M%S}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            os.replace(source, Path(f"{target}{suffix}"))
    return target


def open_state(
    config: MonitorConfig, progress: Progress, *, rebuild: bool, now: datetime
) -> SQLiteStore:
    """Open the configured state; with `rebuild`, move a damaged file aside and start anew.

    Args:
        config: the monitor configuration (`state`).
        progress: where the warning about a rebuilt state goes.
        rebuild: replace a damaged state instead of failing.
        now: the run's time (names the damaged file kept aside).

    Returns:
        The store, usable from the run's worker thread as well as its event loop.

    Raises:
        StateCorruptError: the state is damaged and `rebuild` is off.
        StateVersionError: the state was written by a newer pressmon.
    """
    try:
        return SQLiteStore(config.state, any_thread=True)
    except StateCorruptError:
        if not rebuild:
            raise
    moved = _move_aside(config.state, now)
    progress.warning(f"{config.state}: damaged state moved to {moved}; starting a new state")
    return SQLiteStore(config.state, any_thread=True)

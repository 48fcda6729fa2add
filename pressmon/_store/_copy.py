"""Copy a state from one backend to another (`pressmon state copy SRC DST`).

The source is read in one snapshot (a run may keep writing to it: the copy is of one
moment); the destination is written in one transaction, checked, and committed only when
it holds as many feeds, articles, stories, alerts, pending alerts and deliveries as the
source: a copy is whole or nothing. Rows keep every column (times to the microsecond,
JSON byte for byte, fingerprints, flags, first and last sight, delivery records), and
articles and alerts keep their order. Feed leases and alert claims are not copied: they
belong to the workers running at that moment, so copy with the workers stopped.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterable
from contextlib import AbstractContextManager, closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pressmon._store._types import COPIED_TABLES, TableCounts
from pressmon._store._url import is_postgres_url, redact_url
from pressmon.exceptions import StoreError

__all__ = ["CopyResult", "copy_state", "describe", "same_state", "state_name"]


class _Copyable(Protocol):
    """What both stores offer for copying (besides the `Store` protocol)."""

    def read_snapshot(self) -> AbstractContextManager[None]: ...

    def transaction(self, *, exclusive: bool = False) -> AbstractContextManager[None]: ...

    def table_counts(self) -> TableCounts: ...

    def export_rows(self, table: str) -> Generator[dict[str, Any], None, None]: ...

    def import_rows(self, table: str, rows: Iterable[dict[str, Any]]) -> int: ...

    def clear_state(self) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class CopyResult:
    """What a copy moved, as counted in the source and checked in the destination."""

    counts: TableCounts
    replaced: TableCounts | None = None
    """What the destination held before (`force`), or None when it was empty."""


def state_name(state: str | os.PathLike[str]) -> str:
    """A state as messages show it (a URL without its password)."""
    return redact_url(state) if isinstance(state, str) and is_postgres_url(state) else str(state)


def same_state(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> bool:
    """Whether two states name the same place (the same file, or the same URL)."""
    if isinstance(source, str) and is_postgres_url(source):
        return isinstance(target, str) and source.strip() == target.strip()
    if isinstance(target, str) and is_postgres_url(target):
        return False
    return Path(source).resolve() == Path(target).resolve()


def copy_state(
    source: _Copyable, target: _Copyable, *, force: bool = False, target_name: str | None = None
) -> CopyResult:
    """Copy every feed state, article, alert and delivery record from one open store into
    another.

    Args:
        source: the store to read (left as it is).
        target: the store to write; it must hold no feed, article or alert, unless `force`.
        force: replace what the target holds.
        target_name: how errors name the target (its path, or its URL without password).

    Returns:
        The counts copied (and what was replaced).

    Raises:
        StoreError: the target is not empty (without `force`), or the counts written differ
            from the counts read (nothing is written then).
    """
    with source.read_snapshot():
        counts = source.table_counts()
        with target.transaction(exclusive=True):
            before = target.table_counts()
            if not before.empty():
                if not force:
                    raise StoreError(
                        f"the destination already holds a state ({describe(before)}): copy into "
                        "a new file or an empty database, or give --force to replace it",
                        path=target_name,
                    )
                target.clear_state()
            for table in COPIED_TABLES:
                with closing(source.export_rows(table)) as rows:
                    target.import_rows(table, rows)
            copied = target.table_counts()
            if copied != counts:
                raise StoreError(
                    f"the copy does not match its source (read {describe(counts)}, wrote "
                    f"{describe(copied)}): nothing was written; run the copy again with the "
                    "runs and workers stopped",
                    path=target_name,
                )
    return CopyResult(counts=counts, replaced=None if before.empty() else before)


def describe(counts: TableCounts) -> str:
    """The counts in words, for messages."""
    return (
        f"{counts.feeds} feed(s), {counts.articles} article(s) of {counts.stories} "
        f"story(ies), {counts.alerts} alert(s) ({counts.pending} pending), "
        f"{counts.deliveries} delivery record(s)"
    )

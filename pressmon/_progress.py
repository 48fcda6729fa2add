"""A one-line progress bar on standard error, for ``pressmon scan`` over many feeds."""

from __future__ import annotations

import time
from typing import TextIO

from pressmon.models import FetchResult

__all__ = ["MIN_FEEDS", "ProgressBar"]

MIN_FEEDS = 10
"""Below this many feeds the bar is not worth drawing."""


class ProgressBar:
    """Draw ``fetching [#####     ] 120/500 feeds, 3 failed`` on one line, redrawn in place.

    Call it as the fetcher's ``progress(done, total, result)``; call
    :meth:`close` at the end to clear the line.
    """

    def __init__(self, stream: TextIO, *, width: int = 30, interval: float = 0.1) -> None:
        self._stream = stream
        self._width = width
        self._interval = interval
        self._failed = 0
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int, result: FetchResult) -> None:
        if not result.ok:
            self._failed += 1
        now = time.monotonic()
        if done < total and now - self._last < self._interval:
            return
        self._last = now
        filled = self._width * done // max(total, 1)
        bar = "#" * filled + " " * (self._width - filled)
        failed = f", {self._failed} failed" if self._failed else ""
        self._stream.write(f"\rfetching [{bar}] {done}/{total} feeds{failed}\x1b[K")
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Erase the bar (the lines printed after it start clean)."""
        if self._drawn:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._drawn = False

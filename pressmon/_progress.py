"""A one-line progress bar on standard error, for `pressmon scan` over many feeds and pages."""

from __future__ import annotations

import time
from typing import TextIO

from pressmon.models import Article, FetchResult

__all__ = ["MIN_FEEDS", "MIN_PAGES", "ProgressBar"]

MIN_FEEDS = 10
"""Below this many feeds the bar is not worth drawing."""
MIN_PAGES = 10
"""Below this many article pages the bar is not worth drawing."""


class ProgressBar:
    """Draw `fetching [#####     ] 120/500 feeds, 3 failed` on one line, redrawn in place.

    Call it as the fetcher's `progress(done, total, result)`, and its
    `page` as full-text enrichment's `progress(done, total, article)`
    (`reading [###       ] 40/300 pages, 2 failed`); call `close` at the
    end to clear the line.
    """

    def __init__(self, stream: TextIO, *, width: int = 30, interval: float = 0.1) -> None:
        self._stream = stream
        self._width = width
        self._interval = interval
        self._failed = 0
        self._pages_failed = 0
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int, result: FetchResult) -> None:
        if not result.ok:
            self._failed += 1
        self._draw("fetching", "feeds", done, total, self._failed)

    def page(self, done: int, total: int, article: Article) -> None:
        """Count one article whose page was looked at (drawn from `MIN_PAGES` pages)."""
        extraction = article.extraction
        if extraction is not None and extraction.status == "failed":
            self._pages_failed += 1
        if total >= MIN_PAGES:
            self._draw("reading", "pages", done, total, self._pages_failed)

    def _draw(self, verb: str, noun: str, done: int, total: int, failed: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < self._interval:
            return
        self._last = now
        filled = self._width * done // max(total, 1)
        bar = "#" * filled + " " * (self._width - filled)
        failures = f", {failed} failed" if failed else ""
        self._stream.write(f"\r{verb} [{bar}] {done}/{total} {noun}{failures}\x1b[K")
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Erase the bar (the lines printed after it start clean)."""
        if self._drawn:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._drawn = False

"""How a run talks to people: progress on a terminal, log lines, the summary line.

Everything goes to standard error, so standard output holds only what the sinks
print; every line passes through `redact`, so no secret of the configuration is
ever written.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from pressmon.models import FeedReport, RunReport

__all__ = ["Progress", "log_feeds", "redact", "summary_line"]


class Progress:
    """How a run talks to people: a progress bar on a terminal, plain log lines otherwise.

    Everything goes to `stream` (standard error), so standard output holds only what
    the sinks print.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        quiet: bool = False,
        verbose: bool = False,
        secrets: Sequence[str] = (),
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.verbose = verbose
        self.secrets = tuple(secrets)
        isatty = getattr(self.stream, "isatty", None)
        self.bar = bool(isatty and isatty()) and not quiet and os.environ.get("TERM") != "dumb"
        self._total = 0
        self._done = 0
        self._what = "feeds"

    def _write(self, line: str) -> None:
        self.stream.write(redact(line, self.secrets) + "\n")
        self.stream.flush()

    def info(self, message: str) -> None:
        """A line for a normal run."""
        if not self.quiet:
            self._write(f"pressmon: {message}")

    def detail(self, message: str) -> None:
        """A line for `--verbose` only."""
        if self.verbose and not self.quiet:
            self._write(f"pressmon: {message}")

    def warning(self, message: str) -> None:
        """A problem that did not stop the run (shown even with `--quiet`)."""
        self._write(f"pressmon: warning: {message}")

    def error(self, message: str) -> None:
        """A failure (shown even with `--quiet`)."""
        self._write(f"pressmon: error: {message}")

    def start(self, total: int, what: str = "feeds") -> None:
        """Feeds (or, with `what="pages"`, article pages) are about to be fetched."""
        self._total, self._done, self._what = total, 0, what
        if self.bar and total:
            self._draw()

    def advance(self, *args: object, **kwargs: object) -> None:
        """One feed (or page) was fetched (the fetcher's or the enricher's progress callback)."""
        self._done = min(self._done + 1, self._total)
        if self.bar:
            self._draw()

    def finish(self) -> None:
        """Fetching is over."""
        if self.bar and self._total:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def _draw(self) -> None:
        width = max(10, min(40, shutil.get_terminal_size((80, 24)).columns - 40))
        filled = int(width * self._done / max(1, self._total))
        self.stream.write(
            f"\rpressmon: {'reading' if self._what == 'pages' else 'fetching'} "
            f"[{'#' * filled}{'.' * (width - filled)}] {self._done}/{self._total} {self._what}"
        )
        self.stream.flush()


def redact(text: str, secrets: Sequence[str]) -> str:
    """Replace every secret value (webhook URLs, header values) in a text by `***`."""
    for secret in sorted(secrets, key=len, reverse=True):
        if len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def summary_line(report: RunReport) -> str:
    """One line that says what a run did."""
    counts: Mapping[str, int] = {
        status: sum(1 for feed in report.feeds if feed.status == status)
        for status in ("ok", "not_modified", "failed", "gone", "skipped")
    }
    feeds = ", ".join(
        f"{count} {status.replace('_', ' ')}" for status, count in counts.items() if count
    )
    alerts = len(report.alerts)
    return (
        f"{len(report.feeds)} feed(s) ({feeds or 'none'}); "
        f"{report.new_articles} new article(s), {report.duplicates} duplicate(s); "
        f"{alerts} new alert(s), {report.delivered} delivered, {report.pending} pending"
    )


def log_feeds(progress: Progress, reports: Sequence[FeedReport]) -> None:
    """One line per feed: a warning for a failed, gone or moved feed, a detail otherwise."""
    for report in reports:
        label = report.name or report.url
        if report.status == "failed":
            progress.warning(f"{label}: {report.error}")
        elif report.status == "gone":
            progress.warning(
                f"{label}: the feed is gone (HTTP 410): remove it from the configuration"
            )
        else:
            new = f", {report.new_articles} new article(s)" if report.status == "ok" else ""
            progress.detail(f"{label}: {report.status.replace('_', ' ')}{new}")
        if report.moved_to and report.status != "failed":
            progress.warning(
                f"{label}: moved permanently to {report.moved_to}: update the configuration"
            )

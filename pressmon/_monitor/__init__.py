"""The monitor: a scheduled run that fetches feeds, remembers what it has seen, and alerts
once per new story.

One run goes through these rooms, in this order (`_run.arun_monitor` composes them):

=================  ===============================================================
`_decisions`       which feeds are due; a feed's next state after its answer (pure)
`_reading`         the due feeds, then the pages full text wants, through one fetcher
`_recording`       a batch in one transaction: feed states, articles and stories, outbox
`_delivery`        the outbox's pending alerts to each sink, each delivery recorded
`_state`           the run lock (SQLite) and opening the state (SQLite or PostgreSQL)
`_progress`        progress, log lines and the summary, with secrets redacted
=================  ===============================================================

Every step below (`_fetch`, `_enrich`, `_dedup`, `_detect`, `_store`, `sinks`) is
called from here; none of them calls back.
"""

from __future__ import annotations

from pressmon._monitor._progress import Progress, redact, summary_line
from pressmon._monitor._recording import alert_id
from pressmon._monitor._run import arun_monitor, run_monitor

__all__ = ["Progress", "alert_id", "arun_monitor", "redact", "run_monitor", "summary_line"]

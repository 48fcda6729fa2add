"""One monitor run, in order. The steps are in the modules beside this one."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, TextIO

from pressmon._crash import crash_point
from pressmon._detect import detect as default_detect
from pressmon._fetch import Fetcher
from pressmon._monitor._decisions import feeds_by_url, plan_feeds
from pressmon._monitor._delivery import build_sinks, context_for, deliver
from pressmon._monitor._progress import Progress, log_feeds, redact, summary_line
from pressmon._monitor._reading import FetchFunction, pages_to_retry, read
from pressmon._monitor._recording import DetectFunction, Recorder
from pressmon._monitor._state import open_state
from pressmon._store import RunLock, Store
from pressmon._sync import run_sync
from pressmon.config import FeedConfig, MonitorConfig, load_config
from pressmon.models import Alert, FeedReport, RunReport
from pressmon.sinks import Sink

if TYPE_CHECKING:
    import httpx

__all__ = ["arun_monitor", "run_monitor"]


async def arun_monitor(
    config: MonitorConfig | str | os.PathLike[str],
    *,
    force: bool = False,
    rebuild_state: bool = False,
    progress: Progress | None = None,
    stdout: TextIO | None = None,
    client: httpx.AsyncClient | None = None,
    fetch: FetchFunction | None = None,
    detect: DetectFunction | None = None,
    now: datetime | None = None,
) -> RunReport:
    """Run the monitor once (async): fetch the due feeds, alert on new flagged stories, once each.

    The run, in order:

    1. **Lock** the state (one run per state; a second run waits `lock_timeout`).
    2. **Plan**: which feeds are due (gone feeds and feeds backing off or fresh per
       Cache-Control wait; `force` fetches all).
    3. **Read**, with one [`Fetcher`][pressmon.Fetcher]: the due feeds with their
       stored validators, then the pages full text asks for (new thin items, and
       pages that failed earlier for a reason that may pass).
    4. **Record**, in one transaction: the feeds' new states, every new article with
       its story and flags, an outbox entry per newly flagged story. A crash before
       the commit leaves the state as it was; after it, the alerts wait in the outbox.
    5. **Deliver**: each sink gets the outbox's alerts it has not received.
    6. **Prune** articles older than `retention_days`, and report.

    Fetching runs on the event loop; recording and delivery (SQLite, detection,
    sinks) run in a worker thread, so a caller's event loop stays responsive.

    Args:
        config: a [`MonitorConfig`][pressmon.MonitorConfig] or the path of its TOML file.
        force: fetch every feed now, even those not due yet (backing off, or fresh per
            Cache-Control) or gone.
        rebuild_state: when the state file is damaged, move it aside and start a new one.
        progress: where progress and log lines go (default: standard error, normal level).
        stdout: where the console and GitHub sinks print (default: standard output).
        client: an `httpx.AsyncClient` for every request of the run (left open); by
            default the run makes one and closes it.
        fetch: fetch the feeds with this function instead (tests).
        detect: the detect function (default: [`detect`][pressmon.detect]); for tests.
        now: the run's time (default: now); for tests.

    Returns:
        What the run did.

    Raises:
        ConfigError: the configuration is invalid.
        StateLockedError: another run held the state longer than `lock_timeout`.
        StateCorruptError: the state file is damaged (see `docs/monitor.md` to rebuild it).
        StateVersionError: the state was written by a newer pressmon.

    Examples:
        >>> report = await arun_monitor("monitor.toml")  # doctest: +SKIP
    """
    if not isinstance(config, MonitorConfig):
        config = load_config(config)
    if progress is None:
        progress = Progress(secrets=config.secrets())
    elif not progress.secrets:
        progress.secrets = tuple(config.secrets())
    feeds = config.all_feeds()  # the feeds file is read once per run
    sinks = build_sinks(config, stdout)
    lock = RunLock(config.state, config.lock_timeout)
    await lock.acquire_async()
    try:
        if lock.waited >= 1:
            progress.info(f"waited {lock.waited:.0f} s for another run to finish")
        started = now or _now()
        store = open_state(config, progress, rebuild=rebuild_state, now=started)
        try:
            return await _run(
                config, store, feeds, sinks, progress, client, fetch, detect, started, force
            )
        finally:
            store.close()
    finally:
        lock.release()


async def _run(
    config: MonitorConfig,
    store: Store,
    feeds: Sequence[FeedConfig],
    sinks: Sequence[Sink],
    progress: Progress,
    client: httpx.AsyncClient | None,
    fetch: FetchFunction | None,
    detect: DetectFunction | None,
    now: datetime,
    force: bool,
) -> RunReport:
    states = {feed.url: store.feed_state(feed.url) for feed in feeds}
    plan = plan_feeds(feeds, states, now, force=force)
    configured = feeds_by_url(feeds, states)

    async with Fetcher(client, **config.fetch.fetcher_options()) as fetcher:
        reading = await read(
            fetcher,
            plan.due,
            config,
            store,
            progress,
            retries=pages_to_retry(config, configured, store, now),
            fetch=fetch,
        )

    recorder = Recorder(config, store, detect or default_detect, now, progress)

    def record() -> tuple[list[FeedReport], list[Alert]]:
        with store.transaction():
            # Retried articles first: they are older than this run's items, so a story
            # told by both is alerted with its first article.
            recorder.record_retried(reading.retried, configured)
            reports = dict(plan.skipped)
            for due, result in zip(plan.due, reading.results, strict=True):
                reports[due.position] = recorder.record_feed(due, result)
            alerts = recorder.make_alerts()
        return [reports[position] for position in range(len(feeds))], alerts

    ordered, alerts = await asyncio.to_thread(record)
    crash_point("after_store")
    log_feeds(progress, ordered)

    context = context_for(store, now, ordered)
    delivered, sink_errors = await asyncio.to_thread(deliver, store, sinks, context)
    for message in sink_errors:
        progress.error(f"sink {message} (kept in the outbox; the next run retries)")
    pruned = store.prune(now - timedelta(days=config.retention_days))
    report = RunReport(
        started=now,
        finished=_now(),
        feeds=tuple(ordered),
        new_articles=recorder.tally.new_articles,
        duplicates=recorder.tally.duplicates,
        alerts=tuple(alerts),
        delivered=delivered,
        pending=store.count_pending(),
        sink_errors=tuple(redact(message, progress.secrets) for message in sink_errors),
        pruned=pruned,
    )
    progress.info(summary_line(report))
    return report


def run_monitor(
    config: MonitorConfig | str | os.PathLike[str],
    *,
    force: bool = False,
    rebuild_state: bool = False,
    progress: Progress | None = None,
    stdout: TextIO | None = None,
    client: httpx.AsyncClient | None = None,
    fetch: FetchFunction | None = None,
    detect: DetectFunction | None = None,
    now: datetime | None = None,
) -> RunReport:
    """Run the monitor once: fetch the due feeds, alert on new flagged stories, once each.

    The synchronous face of [`arun_monitor`][pressmon.arun_monitor] (same arguments and
    order of work); it also works inside a running event loop (a notebook).

    Args:
        config: a [`MonitorConfig`][pressmon.MonitorConfig] or the path of its TOML file.
        force: fetch every feed now, even those not due yet (backing off, or fresh per
            Cache-Control) or gone.
        rebuild_state: when the state file is damaged, move it aside and start a new one.
        progress: where progress and log lines go (default: standard error, normal level).
        stdout: where the console and GitHub sinks print (default: standard output).
        client: an `httpx.AsyncClient` for every request of the run (left open).
        fetch: fetch the feeds with this function instead (tests).
        detect: the detect function (default: [`detect`][pressmon.detect]); for tests.
        now: the run's time (default: now); for tests.

    Returns:
        What the run did.

    Raises:
        ConfigError: the configuration is invalid.
        StateLockedError: another run held the state longer than `lock_timeout`.
        StateCorruptError: the state file is damaged (see `docs/monitor.md` to rebuild it).
        StateVersionError: the state was written by a newer pressmon.

    Examples:
        >>> report = run_monitor("monitor.toml")  # doctest: +SKIP
        >>> [alert.article.title for alert in report.alerts]  # doctest: +SKIP
    """
    return run_sync(
        arun_monitor(
            config,
            force=force,
            rebuild_state=rebuild_state,
            progress=progress,
            stdout=stdout,
            client=client,
            fetch=fetch,
            detect=detect,
            now=now,
        )
    )


def _now() -> datetime:
    return datetime.now(timezone.utc)

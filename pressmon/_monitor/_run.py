"""One monitor run, in order. The steps are in the modules beside this one."""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, TextIO

from pressmon._crash import crash_point
from pressmon._detect import detect as default_detect
from pressmon._fetch import Fetcher
from pressmon._monitor._decisions import (
    DueFeed,
    batch,
    feeds_by_url,
    left_to_others,
    plan_feeds,
)
from pressmon._monitor._delivery import build_sinks, context_for, deliver
from pressmon._monitor._progress import Progress, log_feeds, redact, summary_line
from pressmon._monitor._reading import FetchFunction, Reading, pages_to_retry, read
from pressmon._monitor._recording import DetectFunction, Recorder
from pressmon._monitor._state import open_state, run_lock
from pressmon._store import Store, new_worker_id
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

    1. **Lock** an SQLite state (one run per file; a second run waits `lock_timeout`);
       a PostgreSQL state is shared by any number of workers instead.
    2. **Plan and claim**: which feeds are due (gone feeds and feeds backing off or fresh
       per Cache-Control wait; `force` fetches all), and of those the ones no other
       worker holds, leased to this run (`lease_timeout`) so that no two workers fetch
       a feed in one interval.
    3. **Read**, with one [`Fetcher`][pressmon.Fetcher]: the due feeds with their
       stored validators, then the pages full text asks for (new thin items, and
       pages that failed earlier for a reason that may pass).
    4. **Record**, in one exclusive transaction (one worker at a time): the feeds' new
       states (which frees their leases), every new article with its story and flags,
       an outbox entry per newly flagged story. A crash before the commit leaves the
       state as it was (the leases of a dead worker are taken back by the next one);
       after it, the alerts wait in the outbox.
    5. **Deliver**: each sink gets the outbox's alerts it has not received and no other
       worker is delivering.
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
    async with run_lock(config, progress):
        started = now or _now()
        store = open_state(config, progress, rebuild=rebuild_state, now=started)
        try:
            return await _run(
                config, store, feeds, sinks, progress, client, fetch, detect, started, force
            )
        finally:
            store.close()


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
    worker = new_worker_id()
    lease = config.lease_timeout
    if store.start_worker(worker):
        progress.detail("took back the feeds and alerts of a worker that is gone")
    states = store.feed_states([feed.url for feed in feeds])
    plan = plan_feeds(feeds, states, now, force=force)
    configured = feeds_by_url(feeds, states)
    recorder = Recorder(config, store, detect or default_detect, now, progress)
    retries = pages_to_retry(config, configured, store, now)
    reports: dict[int, FeedReport] = dict(plan.skipped)
    alerts: list[Alert] = []

    def record(due: Sequence[DueFeed], reading: Reading) -> None:
        # Exclusive: with many workers, one records at a time, so two copies of a story
        # stored at the same moment by two workers cannot both start a new story.
        with store.transaction(exclusive=True):
            recorder.refresh()
            # Retried articles first: they are older than this run's items, so a story
            # told by both is alerted with its first article.
            recorder.record_retried(reading.retried, configured)
            for feed, result in zip(due, reading.results, strict=True):
                reports[feed.position] = recorder.record_feed(feed, result)
            alerts.extend(recorder.make_alerts())

    # Batch by batch: take the due feeds nobody holds (a lease), fetch, record.
    remaining = list(plan.due)
    async with Fetcher(client, **config.fetch.fetcher_options()) as fetcher:
        while remaining or retries:
            claimed = store.claim_feeds(
                [feed.feed.url for feed in remaining], worker=worker, now=_now(),
                lease_seconds=lease, limit=config.claim_batch, force=force,
            )  # fmt: skip
            crash_point("after_claim")
            due, remaining = batch(remaining, set(claimed), store.feed_states(claimed))
            if not due and not retries:
                break
            try:
                reading = await read(
                    fetcher, due, config, store, progress, retries=retries, fetch=fetch
                )
                await asyncio.to_thread(record, due, reading)
            except BaseException:
                # Saving a feed's state gives its lease back; the feeds of this batch not
                # saved are given back here, for the next worker, not when the lease ends.
                store.release_feeds(claimed, worker=worker)
                raise
            retries = []
    reports.update(left_to_others(remaining))
    ordered = [reports[position] for position in range(len(feeds))]
    crash_point("after_store")
    log_feeds(progress, ordered)

    context = context_for(store, now, ordered)
    delivered, sink_errors = await asyncio.to_thread(
        functools.partial(deliver, worker=worker, lease_seconds=lease), store, sinks, context
    )
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

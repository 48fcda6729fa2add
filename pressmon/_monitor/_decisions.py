"""The monitor's decisions about feeds, with no I/O: which are due, and what each answer
means for the feed's next state (backoff, Retry-After, Cache-Control, moved, gone).

Everything here is a pure function of its arguments (the time included), so each rule
is unit-tested without a server or a state file (`tests/monitor/test_decisions.py`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from pressmon._store import FeedState
from pressmon._urls import canonicalize_url
from pressmon.config import FeedConfig, MonitorConfig
from pressmon.models import FeedReport, FeedRequest, FetchResult

__all__ = [
    "FIRST_BACKOFF",
    "DueFeed",
    "FeedOutcome",
    "Plan",
    "batch",
    "feed_outcome",
    "feeds_by_url",
    "left_to_others",
    "next_check",
    "plan_feeds",
]

FIRST_BACKOFF = 120.0
"""Seconds before a feed is tried again after its first failure; each further failure
doubles the wait, up to `max_backoff`."""


@dataclass(frozen=True)
class DueFeed:
    """A feed this run fetches."""

    position: int
    """Its place in the configuration (reports keep that order)."""
    feed: FeedConfig
    state: FeedState | None
    """What the state remembers of it (None: never fetched)."""

    @property
    def request(self) -> FeedRequest:
        """The request to send: to where the feed moved, with the stored validators."""
        state = self.state
        return FeedRequest(
            url=state.moved_to if state is not None and state.moved_to else self.feed.url,
            etag=state.etag if state is not None else None,
            last_modified=state.last_modified if state is not None else None,
            name=self.feed.name,
        )


@dataclass(frozen=True)
class Plan:
    """Which feeds a run fetches, and the reports of those it leaves alone."""

    due: tuple[DueFeed, ...]
    skipped: Mapping[int, FeedReport]
    """Reports of the feeds not fetched (gone, or not due yet), by position."""


def plan_feeds(
    feeds: Sequence[FeedConfig],
    states: Mapping[str, FeedState | None],
    now: datetime,
    *,
    force: bool = False,
) -> Plan:
    """Decide which feeds are fetched now.

    A feed is skipped when it is gone (HTTP 410) or its `next_check` is still in the
    future (backing off, Retry-After, Cache-Control, `min_interval`); `force`
    fetches every feed.

    Args:
        feeds: the configured feeds, in order.
        states: the stored state of each feed by its configured URL.
        now: the run's time.
        force: fetch every feed, due or not.

    Returns:
        The feeds to fetch and the reports of the others.
    """
    due: list[DueFeed] = []
    skipped: dict[int, FeedReport] = {}
    for position, feed in enumerate(feeds):
        state = states.get(feed.url)
        if state is not None and not force:
            if state.gone:
                skipped[position] = FeedReport(
                    url=feed.url, name=feed.name, status="skipped", error="gone (HTTP 410)"
                )
                continue
            if state.next_check is not None and state.next_check > now:
                skipped[position] = FeedReport(
                    url=feed.url, name=feed.name, status="skipped", next_check=state.next_check
                )
                continue
        due.append(DueFeed(position, feed, state))
    return Plan(tuple(due), skipped)


def batch(
    due: Sequence[DueFeed], claimed: Collection[str], states: Mapping[str, FeedState | None]
) -> tuple[list[DueFeed], list[DueFeed]]:
    """Split the feeds a worker still has to fetch by what its last claim gave it.

    Args:
        due: the due feeds not fetched yet, in configuration order.
        claimed: the configured URLs the claim leased to this worker.
        states: the claimed feeds' states as read after the claim (another worker may
            have saved one since the plan was made).

    Returns:
        The claimed feeds with their fresh states (to fetch now), and the rest.
    """
    now = [
        DueFeed(f.position, f.feed, states.get(f.feed.url)) for f in due if f.feed.url in claimed
    ]
    return now, [f for f in due if f.feed.url not in claimed]


def left_to_others(due: Sequence[DueFeed]) -> dict[int, FeedReport]:
    """Reports of the due feeds this worker could not claim: another worker holds them, or
    has just fetched them.

    Args:
        due: the feeds left.

    Returns:
        A `skipped` report for each, by position.
    """
    return {
        feed.position: FeedReport(
            url=feed.feed.url,
            name=feed.feed.name,
            status="skipped",
            error="taken by another worker",
        )
        for feed in due
    }


def feeds_by_url(
    feeds: Sequence[FeedConfig],
    states: Mapping[str, FeedState | None],
) -> dict[str, FeedConfig]:
    """The configured feeds by every URL their articles may carry as `source.feed_url`:
    as written, canonical, and where the feed moved to (a 301/308 the state remembers).

    Args:
        feeds: the configured feeds (the first of two with one URL wins).
        states: the stored state of each feed by its configured URL.

    Returns:
        A feed for each URL.
    """
    found: dict[str, FeedConfig] = {}
    for feed in feeds:
        state = states.get(feed.url)
        for url in (feed.url, state.moved_to if state is not None else None):
            if url:
                found.setdefault(url, feed)
                found.setdefault(canonicalize_url(url) or url, feed)
    return found


def next_check(
    now: datetime, config: MonitorConfig, result: FetchResult | None, errors: int
) -> datetime:
    """When a feed is due again.

    At least `min_interval`; longer when the server says so (Cache-Control max-age,
    Retry-After) or after failures (`FIRST_BACKOFF`, doubled per consecutive error);
    never longer than `max_backoff`.

    Args:
        now: the run's time.
        config: the monitor configuration (`min_interval`, `max_backoff`).
        result: the feed's answer this run (None when there was none).
        errors: consecutive failures including this run's.

    Returns:
        The time of the next check.
    """
    wait = config.min_interval
    if result is not None and result.max_age:
        wait = max(wait, min(result.max_age, config.max_backoff))
    if errors:
        wait = max(wait, min(config.max_backoff, FIRST_BACKOFF * 2 ** (errors - 1)))
    if result is not None and result.retry_after:
        wait = max(wait, min(result.retry_after, config.max_backoff))
    return now + timedelta(seconds=wait)


@dataclass(frozen=True)
class FeedOutcome:
    """What one answer means for a feed."""

    state: FeedState
    """The feed's new state, to store."""
    status: Literal["ok", "not_modified", "failed", "gone"]
    """What the feed's report says."""
    error: str | None = None
    """Why it failed, for `failed` and `gone`."""


def feed_outcome(
    feed: FeedConfig,
    previous: FeedState | None,
    result: FetchResult,
    now: datetime,
    config: MonitorConfig,
) -> FeedOutcome:
    """The feed's next state after this run's answer.

    * a failure or 410 counts one more consecutive error and backs off, keeping the
      validators and the last success;
    * a 304 keeps the stored validators unless the server sent new ones;
    * a success takes the answer's validators and title and clears the errors;
    * a permanent redirect (301/308) is remembered as `moved_to` in every case.

    Args:
        feed: the configured feed.
        previous: its stored state (None: never fetched).
        result: this run's answer.
        now: the run's time.
        config: the monitor configuration (intervals and backoff).

    Returns:
        The new state, the feed's status and its error.
    """
    previous = previous or FeedState(url=feed.url)
    moved = result.permanent_redirect or previous.moved_to
    if result.error is not None or result.gone:
        errors = previous.consecutive_errors + 1
        message = (
            f"{result.error.kind}: {result.error.message}"
            if result.error is not None
            else "HTTP 410 Gone"
        )
        state = FeedState(
            url=feed.url,
            etag=previous.etag,
            last_modified=previous.last_modified,
            last_success=previous.last_success,
            last_attempt=now,
            consecutive_errors=errors,
            next_check=next_check(now, config, result, errors),
            last_error=message,
            moved_to=moved,
            gone=result.gone,
            title=previous.title,
        )
        return FeedOutcome(state, "gone" if result.gone else "failed", message)
    keep = result.not_modified  # a 304 may omit the validators: the stored ones still hold
    state = FeedState(
        url=feed.url,
        etag=result.etag or (previous.etag if keep else None),
        last_modified=result.last_modified or (previous.last_modified if keep else None),
        last_success=now,
        last_attempt=now,
        consecutive_errors=0,
        next_check=next_check(now, config, result, 0),
        last_error=None,
        moved_to=moved,
        gone=False,
        title=(result.feed.title if result.feed is not None else None) or previous.title,
    )
    return FeedOutcome(state, "not_modified" if result.not_modified else "ok")

"""Delivery: the outbox's pending alerts go to each sink, and each delivery is recorded.

Each sink gets the alerts it has not received and no other worker is delivering (a
`ScheduledSink` first says which of them are due); its delivery is recorded after it
took them. A crash between the two
makes the next run deliver again, which the sinks that can tell make harmless (the
JSONL sink skips ids already in its file, the webhook sends the same
`Idempotency-Key`). A sink that fails keeps its alerts pending; the next run retries.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, TextIO

from pressmon._crash import crash_point
from pressmon._store import Store
from pressmon.config import GithubSinkConfig, MonitorConfig
from pressmon.models import FeedReport
from pressmon.sinks import DeliveryContext, DeliveryFailed, ScheduledSink, Sink, build_sink

__all__ = ["build_sinks", "context_for", "deliver"]


def build_sinks(config: MonitorConfig, stdout: TextIO | None) -> list[Sink]:
    """The configured sinks, plus the GitHub Actions sink when the run is in GitHub Actions.

    Args:
        config: the monitor configuration.
        stdout: where printing sinks write.

    Returns:
        The sinks, in configuration order.
    """
    configs: list[Any] = list(config.sinks)
    if config.github_enabled() and not any(isinstance(c, GithubSinkConfig) for c in configs):
        configs.append(GithubSinkConfig(type="github"))
    return [build_sink(sink, stdout=stdout) for sink in configs]


def context_for(store: Store, now: datetime, reports: Sequence[FeedReport]) -> DeliveryContext:
    """What the sinks are told about the run: the feeds checked and failed, the last
    year's alert counts per day and source (for the digests' chart).

    Args:
        store: the state.
        now: the run's time.
        reports: the run's feed reports.

    Returns:
        The delivery context.
    """
    failed = [report for report in reports if report.status in ("failed", "gone")]
    return DeliveryContext(
        started=now,
        daily_counts=store.daily_counts(now - timedelta(days=366)),
        feeds_checked=sum(1 for report in reports if report.status != "skipped"),
        feeds_failed=len(failed),
        notes=tuple(f"{report.name or report.url}: {report.error}" for report in failed),
    )


def deliver(
    store: Store,
    sinks: Sequence[Sink],
    context: DeliveryContext,
    *,
    worker: str,
    lease_seconds: float,
) -> tuple[int, list[str]]:
    """Deliver the pending alerts to every sink.

    For each sink the worker claims the alerts nobody has delivered to it and no other
    worker holds (`Store.claim_alerts`), so with many workers an alert reaches a sink
    through one of them; what the sink took is recorded, what it did not is given back.

    Args:
        store: the state (its outbox).
        sinks: where alerts go.
        context: what the sinks may want to know about the run.
        worker: this run's worker id.
        lease_seconds: how long the claims hold if this worker dies.

    Returns:
        How many alerts every sink has now received, and one message per sink that failed.
    """
    errors = []
    for sink in sinks:
        claimed = store.claim_alerts(
            sink.key, worker=worker, now=_now(), lease_seconds=lease_seconds
        )
        pending = list(sink.due(claimed, context)) if isinstance(sink, ScheduledSink) else claimed
        waiting = {alert.id for alert in claimed} - {alert.id for alert in pending}
        if waiting:  # not due yet: free for the run that finds them due
            store.release_alerts(waiting, sink.key, worker=worker)
        if not pending and not sink.always:
            continue
        ids = [alert.id for alert in pending]
        try:
            sink.deliver(pending, context)
        except DeliveryFailed as error:
            if error.delivered:
                store.mark_delivered(error.delivered, sink.key, _now())
            store.release_alerts(set(ids) - set(error.delivered), sink.key, worker=worker)
            errors.append(f"{sink.key}: {error}")
            continue
        except Exception as error:  # one sink's failure never stops the others
            store.release_alerts(ids, sink.key, worker=worker)
            errors.append(f"{sink.key}: {type(error).__name__}: {error}")
            continue
        crash_point("after_delivery_before_mark")
        store.mark_delivered(ids, sink.key, _now())
    completed = store.complete_alerts([sink.key for sink in sinks], _now())
    return completed, errors


def _now() -> datetime:
    return datetime.now(timezone.utc)

"""Where alerts go: one module per sink, all behind the small `Sink` protocol.

A sink receives the alerts that it has not received yet and raises when it could
not take them; the monitor then keeps them in the outbox and the next run tries
again. So a sink sees an alert at least once: the JSONL sink (which skips ids
already in its file) and the webhook sink (`Idempotency-Key` header) make sure
that a reader sees it only once.

=============  ==========================================================
`console`    a table of new alerts on standard output
`jsonl`      one JSON object per alert, appended; never the same id twice
`markdown`   a digest of the run's new alerts (the file is replaced)
`html`       the same, self-contained, with a per-day chart by source
`webhook`    a JSON (or Slack) POST per alert, retried, idempotent
`github`     a job summary and `::notice` annotations in GitHub Actions
=============  ==========================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TextIO

from pressmon.models import Alert

__all__ = ["DeliveryContext", "DeliveryFailed", "Sink", "build_sink"]


@dataclass(frozen=True)
class DeliveryContext:
    """What a sink may want to know besides the alerts."""

    started: datetime
    """When the run started (UTC)."""
    daily_counts: Sequence[tuple[str, str, int]] = ()
    """Alerts of the last days, as (UTC day `YYYY-MM-DD`, source name, count)."""
    feeds_checked: int = 0
    """Feeds fetched by this run."""
    feeds_failed: int = 0
    """Feeds that failed in this run."""
    notes: Sequence[str] = field(default_factory=tuple)
    """Short remarks for the digest (failing feeds, moved feeds)."""


class DeliveryFailed(Exception):
    """A sink could not take every alert.

    Attributes:
        delivered: ids of the alerts it did take before failing (they are not sent again).
    """

    def __init__(self, message: str, delivered: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.delivered = tuple(delivered)


class Sink(Protocol):
    """A place alerts are delivered to."""

    key: str
    """The sink's identity in the state file (the delivery records); never a secret."""
    always: bool
    """Call `deliver` even when there is no new alert (digests say "nothing new")."""

    def deliver(self, alerts: Sequence[Alert], context: DeliveryContext) -> None:
        """Deliver the alerts, or raise (`DeliveryFailed` to report a partial delivery)."""
        ...


def build_sink(config: object, *, stdout: TextIO | None = None) -> Sink:
    """Make the sink a `[[sinks]]` table describes."""
    from pressmon.config import (
        ConsoleSinkConfig,
        GithubSinkConfig,
        HtmlSinkConfig,
        JsonlSinkConfig,
        MarkdownSinkConfig,
        WebhookSinkConfig,
    )

    if isinstance(config, ConsoleSinkConfig):
        from pressmon.sinks._console import ConsoleSink

        return ConsoleSink(config, stdout)
    if isinstance(config, JsonlSinkConfig):
        from pressmon.sinks._jsonl import JsonlSink

        return JsonlSink(config)
    if isinstance(config, MarkdownSinkConfig):
        from pressmon.sinks._markdown import MarkdownSink

        return MarkdownSink(config)
    if isinstance(config, HtmlSinkConfig):
        from pressmon.sinks._html import HtmlSink

        return HtmlSink(config)
    if isinstance(config, WebhookSinkConfig):
        from pressmon.sinks._webhook import WebhookSink

        return WebhookSink(config)
    if isinstance(config, GithubSinkConfig):
        from pressmon.sinks._github import GithubSink

        return GithubSink(config, stdout)
    raise TypeError(f"not a sink configuration: {type(config).__name__}")

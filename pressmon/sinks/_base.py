"""What every sink shares: the `Sink` protocol, the delivery context, the failure it raises.

A sink module imports from here (never from the `pressmon.sinks` package, which
imports the sink modules), so the package and its sinks form no import cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from pressmon.models import Alert

__all__ = ["DeliveryContext", "DeliveryFailed", "ScheduledSink", "Sink"]


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
    """A place alerts are delivered to.

    A sink class takes its configuration and, as a keyword, the stream the run
    prints to: `SinkClass(config, stdout=stream)` (sinks that do not print ignore it).
    """

    key: str
    """The sink's identity in the state file (the delivery records); never a secret."""
    always: bool
    """Call `deliver` even when there is no new alert (digests say "nothing new")."""

    def deliver(self, alerts: Sequence[Alert], context: DeliveryContext) -> None:
        """Deliver the alerts, or raise (`DeliveryFailed` to report a partial delivery)."""
        ...


@runtime_checkable
class ScheduledSink(Sink, Protocol):
    """A sink that chooses when to deliver (a daily digest, say).

    Before each delivery the monitor asks it which of the pending alerts are due;
    the others stay in the outbox, pending for this sink, until a later run.
    """

    def due(self, alerts: Sequence[Alert], context: DeliveryContext) -> Sequence[Alert]:
        """The alerts to deliver now (a subset of `alerts`, in their order)."""
        ...

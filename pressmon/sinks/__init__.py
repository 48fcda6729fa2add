"""Where alerts go: one module per sink, all behind the small `Sink` protocol (`._base`).

A sink receives the alerts that it has not received yet and raises when it could
not take them; the monitor then keeps them in the outbox and the next run tries
again. So a sink sees an alert at least once: the JSONL sink (which skips ids
already in its file) and the webhook sink (`Idempotency-Key` header) make sure
that a reader sees it only once; the email sink's `Message-ID` is derived from the
alert ids, so a message sent again is recognisable.

=============  ==========================================================
`console`    a table of new alerts on standard output
`jsonl`      one JSON object per alert, appended; never the same id twice
`markdown`   a digest of the run's new alerts (the file is replaced)
`html`       the same, self-contained, with a per-day chart by source
`webhook`    a JSON (or Slack) POST per alert, retried, idempotent
`github`     a job summary and `::notice` annotations in GitHub Actions
`email`      one message per run (or a daily digest) over SMTP, HTML and text
`apprise`    one notification per run to chat services (`pressmon[apprise]`)
=============  ==========================================================

To add a sink: write its module here (a class taking `(config, *, stdout=None)`
with `key`, `always` and `deliver`), its configuration class in
`pressmon/config.py` (a `type` literal, added to `SinkConfig`), and one line in
`SINK_CLASSES` below; `tests/sinks/test_sinks_builtin.py` checks the two lists agree.
"""

from __future__ import annotations

import importlib
from typing import Any, TextIO

from pressmon.sinks._base import DeliveryContext, DeliveryFailed, ScheduledSink, Sink

__all__ = [
    "SINK_CLASSES",
    "DeliveryContext",
    "DeliveryFailed",
    "ScheduledSink",
    "Sink",
    "build_sink",
]

SINK_CLASSES: dict[str, str] = {
    "console": "pressmon.sinks._console:ConsoleSink",
    "jsonl": "pressmon.sinks._jsonl:JsonlSink",
    "markdown": "pressmon.sinks._markdown:MarkdownSink",
    "html": "pressmon.sinks._html:HtmlSink",
    "webhook": "pressmon.sinks._webhook:WebhookSink",
    "github": "pressmon.sinks._github:GithubSink",
    "email": "pressmon.sinks._email:EmailSink",
    "apprise": "pressmon.sinks._apprise:AppriseSink",
}
"""Each `[[sinks]] type` and the class that delivers it (imported when first built)."""


def build_sink(config: Any, *, stdout: TextIO | None = None) -> Sink:
    """Make the sink a `[[sinks]]` table describes.

    Args:
        config: one of the sink configurations of `pressmon.config` (its `type` picks
            the class).
        stdout: where sinks that print (console, GitHub annotations) write.

    Returns:
        The sink, ready to deliver.

    Raises:
        TypeError: `config` is not a sink configuration.
    """
    kind = getattr(config, "type", None)
    target = SINK_CLASSES.get(kind) if isinstance(kind, str) else None
    if target is None:
        raise TypeError(f"not a sink configuration: {type(config).__name__}")
    module_name, _, class_name = target.partition(":")
    sink_class = getattr(importlib.import_module(module_name), class_name)
    sink: Sink = sink_class(config, stdout=stdout)
    return sink

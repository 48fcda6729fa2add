"""The GitHub Actions sink: a job summary and one `::notice` annotation per alert.

The summary (Markdown) is appended to the file `$GITHUB_STEP_SUMMARY` names; the
annotations are workflow commands on standard output, escaped as the Actions
runner expects (`%`, CR and LF in messages; also `:` and `,` in properties),
so a title from a feed can never inject a command.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TextIO

from pressmon.config import GithubSinkConfig
from pressmon.models import Alert
from pressmon.sinks._base import DeliveryContext
from pressmon.sinks._common import source_label, title_of
from pressmon.sinks._markdown import render_markdown

__all__ = ["GithubSink", "escape_data", "escape_property", "notice"]


def escape_data(text: str) -> str:
    """Escape a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value (`title=...`)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def notice(alert: Alert) -> str:
    """The `::notice` line for one alert."""
    title = f"{', '.join(alert.topics)}: {title_of(alert.article, limit=120)}"
    message = f"{source_label(alert.article)}"
    if alert.article.url:
        message += f" {alert.article.url}"
    if alert.copies:
        message += (
            f" (also in {len(alert.copies)} other source{'s' if len(alert.copies) > 1 else ''})"
        )
    return f"::notice title={escape_property(title)}::{escape_data(message)}"


class GithubSink:
    """Report alerts to GitHub Actions."""

    always = True

    def __init__(self, config: GithubSinkConfig, *, stdout: TextIO | None = None) -> None:
        self.key = config.key()
        self.stream = stdout if stdout is not None else sys.stdout
        self.annotations = config.annotations
        self.summary = config.summary

    def deliver(self, alerts: Sequence[Alert], context: DeliveryContext) -> None:
        """Append the job summary and print the annotations."""
        summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
        if self.summary and summary_path:
            with open(summary_path, "a", encoding="utf-8") as handle:
                handle.write(render_markdown(alerts, context, "pressmon: new stories") + "\n")
        if self.annotations:
            for alert in alerts:
                self.stream.write(notice(alert) + "\n")
            self.stream.flush()

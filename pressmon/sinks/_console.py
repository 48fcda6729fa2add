"""The console sink: new alerts as a readable table on standard output."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from typing import TextIO

from pressmon._render import Style
from pressmon.config import ConsoleSinkConfig
from pressmon.models import Alert
from pressmon.sinks._base import DeliveryContext
from pressmon.sinks._common import date_label, evidence_segments, source_label, title_of

__all__ = ["ConsoleSink", "format_table"]


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def format_table(alerts: Sequence[Alert], style: Style, width: int = 100) -> str:
    """The alerts as a table (date, source, topics, title), each with its link and evidence."""
    if not alerts:
        return "No new alerts."
    rows = [
        (
            date_label(alert),
            source_label(alert.article) + (f" +{len(alert.copies)}" if alert.copies else ""),
            ", ".join(alert.topics),
            title_of(alert.article),
        )
        for alert in alerts
    ]
    headers = ("date", "source", "topics", "title")
    widths = [
        min(max(len(row[i]) for row in [headers, *rows]), cap)
        for i, cap in enumerate((20, 24, 24, 200))
    ]
    widths[3] = max(20, width - sum(widths[:3]) - 6)
    lines = [
        style.strong(
            "  ".join(_cut(h, w).ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()
        )
    ]
    lines.append("  ".join("─" * w for w in widths))
    for alert, row in zip(alerts, rows, strict=True):
        lines.append(
            "  ".join(_cut(cell, w).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        )
        indent = " " * (sum(widths[:3]) + 6)
        if alert.article.url:
            lines.append(indent + style.dim(_cut(alert.article.url, widths[3])))
        if alert.flags and alert.flags[0].evidence:
            evidence = "".join(
                style.mark(text) if marked else text
                for text, marked in evidence_segments(alert.flags[0].evidence[0], limit=160)
            )
            lines.append(indent + evidence)
        if alert.copies:
            also = ", ".join(source_label(copy) for copy in alert.copies)
            lines.append(indent + style.dim(f"also in: {also}"))
    count = len(alerts)
    lines.append(f"{count} new alert{'s' if count != 1 else ''}.")
    return "\n".join(lines)


class ConsoleSink:
    """Print the new alerts as a table."""

    always = False

    def __init__(self, config: ConsoleSinkConfig, *, stdout: TextIO | None = None) -> None:
        self.key = config.key()
        self.stream = stdout if stdout is not None else sys.stdout
        self.color = config.color

    def deliver(self, alerts: Sequence[Alert], context: DeliveryContext) -> None:
        """Write the table."""
        style = Style(color=self.color) if self.color is not None else Style.for_stream(self.stream)
        width = shutil.get_terminal_size((100, 24)).columns
        self.stream.write(format_table(alerts, style, width=width) + "\n")
        self.stream.flush()

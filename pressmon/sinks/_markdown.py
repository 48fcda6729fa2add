"""The Markdown digest: the run's new alerts, with highlighted evidence and links.

Also the body of the GitHub Actions job summary.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from pressmon.config import MarkdownSinkConfig
from pressmon.models import Alert
from pressmon.sinks._base import DeliveryContext
from pressmon.sinks._common import date_label, evidence_segments, source_label, title_of

__all__ = ["MarkdownSink", "escape", "render_alert", "render_alert_line", "render_markdown"]

_SPACES = re.compile(r"\s+")
# Only what is special inside a line: text never starts a Markdown line here (it
# follows "## ", "- " or "**"), and "(" only matters right after an escaped "]".
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def escape(text: str) -> str:
    """Escape Markdown's special characters, so text from a feed is shown as it is."""
    return _SPECIAL.sub(r"\\\1", _SPACES.sub(" ", text))


def _url(url: str) -> str:
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


def _link(text: str, url: str | None) -> str:
    return f"[{escape(text)}]({_url(url)})" if url else escape(text)


def render_alert(alert: Alert, heading: str = "##") -> str:
    """One alert as a Markdown section."""
    article = alert.article
    lines = [f"{heading} {_link(title_of(article), article.url)}", ""]
    lines.append(
        f"**{escape(source_label(article))}** · {escape(date_label(alert))}"
        + (f" · {escape(article.language)}" if article.language else "")
    )
    lines.append("")
    for flag in alert.flags:
        lines.append(f"- `{flag.topic}` score {flag.score:.2f}")
        for evidence in flag.evidence[:3]:
            text = "".join(
                f"**{escape(piece)}**" if marked else escape(piece)
                for piece, marked in evidence_segments(evidence)
            )
            lines.append(f"  - {evidence.field}: {text}")
    if alert.copies:
        also = ", ".join(_link(source_label(copy), copy.url) for copy in alert.copies)
        lines.extend(["", f"Also in: {also}"])
    return "\n".join(lines)


def render_alert_line(alert: Alert) -> str:
    """One alert as a list item: the linked title and the source."""
    article = alert.article
    return f"- {_link(title_of(article), article.url)} ({escape(source_label(article))})"


def render_markdown(
    alerts: Sequence[Alert], context: DeliveryContext, title: str = "pressmon digest"
) -> str:
    """A digest of the alerts as one Markdown document."""
    count = len(alerts)
    when = context.started.strftime("%Y-%m-%d %H:%M UTC")
    summary = f"{count} new stor{'ies' if count != 1 else 'y'}" if count else "No new stories"
    lines = [f"# {escape(title)}", "", f"_{when}: {summary}._", ""]
    lines.extend(f"- {escape(note)}" for note in context.notes)
    if context.notes:
        lines.append("")
    for alert in alerts:
        lines.extend([render_alert(alert), ""])
    return "\n".join(lines).rstrip() + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Replace a file's content all at once (readers never see half a digest)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


class MarkdownSink:
    """Write the run's digest as Markdown (the file is replaced each run)."""

    always = True

    def __init__(self, config: MarkdownSinkConfig, *, stdout: TextIO | None = None) -> None:
        self.key = config.key()
        self.path = config.path
        self.title = config.title

    def deliver(self, alerts: Sequence[Alert], context: DeliveryContext) -> None:
        """Write the digest."""
        write_atomically(self.path, render_markdown(alerts, context, self.title))

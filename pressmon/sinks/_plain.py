"""Alerts as plain text: the email's text part and the apprise sink's `text` body.

Matched terms are marked `*like this*`; links are written out in full, so every
mail client and chat service shows them as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pressmon.models import Alert
from pressmon.sinks._common import date_label, evidence_segments, source_label, title_of

__all__ = ["render_alert_line", "render_alert_text", "render_text"]

_SPACES = re.compile(r"\s+")


def _line(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def render_alert_text(alert: Alert, indent: str = "") -> str:
    """One alert: title, link, source and date, topics with evidence, the other sources."""
    article = alert.article
    lines = [_line(title_of(article))]
    if article.url:
        lines.append(article.url)
    lines.append(
        " · ".join(
            _line(part)
            for part in (source_label(article), date_label(alert), article.language or "")
            if part
        )
    )
    for flag in alert.flags:
        lines.append(f"{flag.topic} (score {flag.score:.2f})")
        for evidence in flag.evidence[:3]:
            text = "".join(
                f"*{piece}*" if marked else piece for piece, marked in evidence_segments(evidence)
            )
            lines.append(f"  {evidence.field}: {_line(text)}")
    if alert.copies:
        lines.append("Also in:")
        for copy in alert.copies:
            label = _line(source_label(copy))
            lines.append(f"  - {label}: {copy.url}" if copy.url else f"  - {label}")
    return "\n".join(indent + line if index else line for index, line in enumerate(lines))


def render_alert_line(alert: Alert) -> str:
    """One alert on one line: the title, the source and the link."""
    article = alert.article
    line = f"- {_line(title_of(article))} ({_line(source_label(article))})"
    return f"{line} {article.url}" if article.url else line


def render_text(
    alerts: Sequence[Alert],
    *,
    title: str,
    summary: str,
    notes: Sequence[str] = (),
    footer: str = "",
) -> str:
    """The alerts as one plain-text document, numbered."""
    lines = [_line(title), _line(summary), ""]
    if notes:
        lines.extend(f"- {_line(note)}" for note in notes)
        lines.append("")
    width = len(str(len(alerts)))
    for number, alert in enumerate(alerts, start=1):
        label = f"{number}.".ljust(width + 2)
        lines.extend([label + render_alert_text(alert, indent=" " * len(label)), ""])
    if footer:
        lines.extend(["-- ", footer])
    return "\n".join(lines).rstrip() + "\n"

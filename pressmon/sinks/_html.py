"""The HTML digest: one self-contained file, readable offline and safe to open.

Inline CSS and an inline SVG chart, no script, no external resource: a
`Content-Security-Policy` meta tag forbids the page to load anything, so opening
it never makes a network request (the links to the articles are only followed
when clicked). Every text from a feed is escaped. Evidence is shown with the
matched terms in `<mark>`, from the offsets detection gave.

The same alert markup makes the email sink's HTML part (`render_html_email`):
there each element carries its style inline (mail clients drop style sheets),
without the chart (they drop SVG too), and still without script or resource.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import TextIO

from pressmon.config import HtmlSinkConfig
from pressmon.models import Alert
from pressmon.sinks._base import DeliveryContext
from pressmon.sinks._common import (
    count_label,
    date_label,
    evidence_segments,
    source_label,
    title_of,
)
from pressmon.sinks._markdown import write_atomically

__all__ = ["HtmlSink", "render_alert_html", "render_chart", "render_html", "render_html_email"]

_PALETTE = ("#3b6fb6", "#d9822b", "#2f9e6e", "#c23c3c", "#7c5cbf", "#8c6d46", "#d45fa8", "#6b7b8c")

_CSS = """
:root { color-scheme: light; --ink: #1d232b; --muted: #5d6875; --line: #dfe3e8; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  max-width: 58rem; margin: 2rem auto; padding: 0 1rem; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
header p, .meta, .copies, .legend, .empty { color: var(--muted); }
section.chart { border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem;
  margin: 1.5rem 0; }
section.chart h2 { font-size: 1rem; margin: 0 0 .5rem; }
svg { width: 100%; height: auto; display: block; }
.legend { list-style: none; padding: 0; margin: .5rem 0 0; display: flex; flex-wrap: wrap;
  gap: .25rem 1rem; font-size: .85rem; }
.legend span { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px;
  margin-right: .3rem; vertical-align: -1px; }
article.alert { border-top: 1px solid var(--line); padding: 1rem 0; }
article.alert h2 { font-size: 1.15rem; margin: 0 0 .25rem; }
article.alert h2 a { color: inherit; }
.flag { margin: .5rem 0 .25rem; font-size: .9rem; }
.flag code { background: #eef2f7; padding: 0 .3rem; border-radius: 3px; }
blockquote.evidence { margin: .25rem 0 .5rem; padding: .25rem .75rem;
  border-left: 3px solid #f0c040; background: #fffbea; }
blockquote.evidence .field { color: var(--muted); font-size: .8rem; text-transform: uppercase; }
mark { background: #ffe066; padding: 0 .1rem; border-radius: 2px; }
"""


def _days(end: date, count: int) -> list[str]:
    return [(end - timedelta(days=offset)).isoformat() for offset in range(count - 1, -1, -1)]


def render_chart(counts: Sequence[tuple[str, str, int]], end: date, days: int = 14) -> str:
    """An inline SVG bar chart: flagged stories per day, stacked by source."""
    labels = _days(end, days)
    sources = sorted({source for _, source, _ in counts}, key=lambda name: name.casefold())
    colors = {source: _PALETTE[index % len(_PALETTE)] for index, source in enumerate(sources)}
    per_day: dict[str, list[tuple[str, int]]] = {day: [] for day in labels}
    for day, source, count in counts:
        if day in per_day:
            per_day[day].append((source, count))
    peak = max([sum(n for _, n in items) for items in per_day.values()] + [1])
    width, height, top, bottom, left = 640, 180, 12, 28, 28
    slot = (width - left) / days
    bar = max(4.0, slot * 0.7)
    scale = (height - top - bottom) / peak
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Flagged stories per day and source, last {days} days">'
    ]
    baseline = height - bottom
    parts.append(
        f'<line x1="{left}" y1="{baseline}" x2="{width}" y2="{baseline}" stroke="#9aa4af"/>'
    )
    parts.append(
        f'<text x="{left - 6}" y="{top + 4}" font-size="10" text-anchor="end">{peak}</text>'
    )
    parts.append(f'<text x="{left - 6}" y="{baseline}" font-size="10" text-anchor="end">0</text>')
    for index, day in enumerate(labels):
        x = left + index * slot + (slot - bar) / 2
        y = float(baseline)
        for source, count in sorted(per_day[day], key=lambda item: item[0].casefold()):
            h = count * scale
            y -= h
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colors[source]}" data-day="{day}" data-source="{escape(source)}" '
                f'data-count="{count}"><title>{day} · {escape(source)}: {count}</title></rect>'
            )
        if days <= 16 or index % max(1, days // 8) == 0 or index == days - 1:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - 10}" font-size="10" '
                f'text-anchor="middle">{day[5:]}</text>'
            )
    parts.append("</svg>")
    legend = "".join(
        f'<li><span style="background:{colors[source]}"></span>{escape(source)}</li>'
        for source in sources
    )
    if legend:
        parts.append(f'<ul class="legend">{legend}</ul>')
    return "".join(parts)


_INK, _MUTED, _LINE = "#1d232b", "#5d6875", "#dfe3e8"

# Each part of an alert: its class in the digest page (styled by _CSS; None: styled
# through its parent), and its inline style in an email.
_PARTS: dict[str, tuple[str | None, str]] = {
    "alert": ("alert", f"margin:0;padding:16px 0;border-top:1px solid {_LINE};"),
    "headline": (None, "margin:0 0 4px;font-size:18px;line-height:1.3;"),
    "headline-link": (None, f"color:{_INK};"),
    "link": (None, "color:#3b6fb6;"),
    "meta": ("meta", f"margin:0;color:{_MUTED};font-size:14px;"),
    "flag": ("flag", "margin:8px 0 4px;font-size:14px;"),
    "topic": (
        None,
        "background:#eef2f7;padding:0 4px;border-radius:3px;"
        "font-family:Menlo,Consolas,monospace;font-size:13px;",
    ),
    "evidence": (
        "evidence",
        "margin:4px 0 8px;padding:4px 12px;border-left:3px solid #f0c040;background:#fffbea;",
    ),
    "field": ("field", f"color:{_MUTED};font-size:12px;text-transform:uppercase;"),
    "mark": (None, "background:#ffe066;color:inherit;padding:0 2px;border-radius:2px;"),
    "copies": ("copies", f"margin:4px 0 0;color:{_MUTED};font-size:14px;"),
}


@dataclass(frozen=True)
class Look:
    """How the parts of an alert are styled: by class (the digest page, with its style
    sheet) or inline (an email)."""

    inline: bool = False

    def __call__(self, part: str) -> str:
        """The attribute (` class="..."` or ` style="..."`, maybe none) for a part."""
        css_class, style = _PARTS[part]
        if self.inline:
            return f' style="{style}"'
        return f' class="{css_class}"' if css_class else ""


PAGE, INLINE = Look(inline=False), Look(inline=True)


def _evidence_html(alert: Alert, look: Look) -> str:
    parts = []
    for flag in alert.flags:
        parts.append(
            f"<p{look('flag')}><code{look('topic')}>{escape(flag.topic)}</code> "
            f"score {flag.score:.2f}</p>"
        )
        for evidence in flag.evidence[:3]:
            text = "".join(
                f"<mark{look('mark')}>{escape(piece)}</mark>" if marked else escape(piece)
                for piece, marked in evidence_segments(evidence)
            )
            parts.append(
                f"<blockquote{look('evidence')}><span{look('field')}>{evidence.field}</span> "
                f"{text}</blockquote>"
            )
    return "".join(parts)


def _link(text: str, url: str | None, look: Look = PAGE, part: str = "link") -> str:
    if url and url.lower().startswith(("http://", "https://")):
        return f'<a href="{escape(url)}" rel="noreferrer noopener"{look(part)}>{escape(text)}</a>'
    return escape(text)


def render_alert_html(alert: Alert, look: Look = PAGE) -> str:
    """One alert: its title linked to the article, source and date, the topics with the
    evidence (matched terms in `<mark>`), the other sources linked."""
    article = alert.article
    meta = " · ".join(
        escape(part)
        for part in (source_label(article), date_label(alert), article.language or "")
        if part
    )
    copies = ""
    if alert.copies:
        links = ", ".join(_link(source_label(copy), copy.url, look) for copy in alert.copies)
        copies = f"<p{look('copies')}>Also in: {links}</p>"
    tag = "div" if look.inline else "article"
    return (
        f'<{tag}{look("alert")} id="alert-{escape(alert.id)}">'
        f"<h2{look('headline')}>{_link(title_of(article), article.url, look, 'headline-link')}"
        f"</h2><p{look('meta')}>{meta}</p>{_evidence_html(alert, look)}{copies}</{tag}>"
    )


def render_html(
    alerts: Sequence[Alert],
    context: DeliveryContext,
    title: str = "pressmon digest",
    days: int = 14,
) -> str:
    """A digest of the alerts as one self-contained HTML page."""
    when = context.started.strftime("%Y-%m-%d %H:%M UTC")
    summary = count_label(len(alerts))
    body = [
        "<header>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{when}: {summary}.</p>",
        "</header>",
        '<section class="chart">',
        f"<h2>Flagged stories per day, by source (last {days} days)</h2>",
        render_chart(context.daily_counts, context.started.date(), days),
        "</section>",
    ]
    if context.notes:
        body.append('<ul class="notes">')
        body.extend(f"<li>{escape(note)}</li>" for note in context.notes)
        body.append("</ul>")
    if not alerts:
        body.append('<p class="empty">Nothing new since the last run.</p>')
    body.extend(render_alert_html(alert) for alert in alerts)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>\n"
        "<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


_EMAIL_FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"


def render_html_email(
    alerts: Sequence[Alert],
    *,
    title: str,
    summary: str,
    notes: Sequence[str] = (),
    footer: str = "",
) -> str:
    """The alerts as the HTML part of an email: every style inline, layout in tables (as
    mail clients expect), no script, no style sheet, no image, nothing to load."""
    parts = [
        f'<h1 style="margin:0 0 4px;font-size:24px;line-height:1.25;">{escape(title)}</h1>',
        f'<p style="margin:0 0 12px;color:{_MUTED};">{escape(summary)}</p>',
    ]
    if notes:
        items = "".join(f'<li style="margin:0 0 2px;">{escape(note)}</li>' for note in notes)
        parts.append(
            f'<ul style="margin:0 0 12px;padding-left:20px;color:{_MUTED};font-size:14px;">'
            f"{items}</ul>"
        )
    parts.extend(render_alert_html(alert, INLINE) for alert in alerts)
    if footer:
        parts.append(
            f'<p style="margin:16px 0 0;padding-top:8px;border-top:1px solid {_LINE};'
            f'color:{_MUTED};font-size:12px;">{escape(footer)}</p>'
        )
    table = 'role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"'
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head>\n"
        '<body style="margin:0;padding:0;background:#f4f5f7;">\n'
        f'<table {table} style="background:#f4f5f7;"><tr><td align="center" '
        'style="padding:16px 8px;">\n'
        f'<table {table} style="max-width:640px;background:#ffffff;'
        f'border:1px solid {_LINE};border-radius:8px;"><tr>'
        f'<td style="padding:16px 24px;{_EMAIL_FONT}font-size:16px;line-height:1.5;'
        f'color:{_INK};text-align:left;">\n' + "\n".join(parts) + "\n</td></tr></table>\n"
        "</td></tr></table>\n</body></html>\n"
    )


class HtmlSink:
    """Write the run's digest as a self-contained HTML page (replaced each run)."""

    always = True

    def __init__(self, config: HtmlSinkConfig, *, stdout: TextIO | None = None) -> None:
        self.key = config.key()
        self.path = config.path
        self.title = config.title
        self.days = config.days

    def deliver(self, alerts: Sequence[Alert], context: DeliveryContext) -> None:
        """Write the digest."""
        write_atomically(self.path, render_html(alerts, context, self.title, self.days))

"""Render articles and flags for people (terminal text) and for programs (JSON).

Shared by `pressmon scan`, `pressmon demo` and the console sink so that an
article looks the same wherever it is shown.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from pressmon.models import Article, Evidence, Explanation, Flag

__all__ = [
    "Style",
    "article_record",
    "explanation_record",
    "format_article",
    "format_explanation",
    "highlight",
    "snippet",
]

_SNIPPET_CHARS = 320


@dataclass(frozen=True)
class Style:
    """How to mark things up in terminal text: ANSI colors, or plain brackets."""

    color: bool = False

    @classmethod
    def for_stream(cls, stream: TextIO) -> Style:
        """Colors only on a terminal, and never when `NO_COLOR` is set (https://no-color.org)."""
        if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
            return cls(color=False)
        isatty = getattr(stream, "isatty", None)
        return cls(color=bool(isatty and isatty()))

    def mark(self, text: str) -> str:
        """Highlight a matched term."""
        return f"\x1b[1;33m{text}\x1b[0m" if self.color else f"[{text}]"

    def strong(self, text: str) -> str:
        """Emphasize a title."""
        return f"\x1b[1m{text}\x1b[0m" if self.color else text

    def dim(self, text: str) -> str:
        """De-emphasize details."""
        return f"\x1b[2m{text}\x1b[0m" if self.color else text


def highlight(evidence: Evidence, style: Style) -> str:
    """Return the evidence sentence with its matched terms marked."""
    parts = []
    cursor = evidence.start
    for match in sorted(evidence.matches, key=lambda item: (item.start, -item.end)):
        if match.start < cursor:  # overlaps an earlier mark
            continue
        parts.append(evidence.text[cursor - evidence.start : match.start - evidence.start])
        parts.append(
            style.mark(evidence.text[match.start - evidence.start : match.end - evidence.start])
        )
        cursor = match.end
    parts.append(evidence.text[cursor - evidence.start :])
    return " ".join("".join(parts).split())


def snippet(evidence: Evidence, style: Style, limit: int = _SNIPPET_CHARS) -> str:
    """Return a one-line, highlighted evidence snippet, cut around the matches when long."""
    if len(evidence.text) <= limit or not evidence.matches:
        return highlight(evidence, style)
    first = min(match.start for match in evidence.matches) - evidence.start
    begin = max(0, first - limit // 3)
    end = min(len(evidence.text), begin + limit)
    window = evidence.model_copy(
        update={
            "text": evidence.text[begin:end],
            "start": evidence.start + begin,
            "end": evidence.start + end,
            "matches": tuple(
                match
                for match in evidence.matches
                if evidence.start + begin <= match.start and match.end <= evidence.start + end
            ),
        }
    )
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(evidence.text) else ""
    return f"{prefix}{highlight(window, style)}{suffix}"


def display_title(article: Article, limit: int = 100) -> str:
    """The title, or the first words of the text for an untitled article."""
    if article.title:
        return article.title
    body = " ".join((article.summary or article.text).split())
    if not body:
        return "(untitled)"
    return body if len(body) <= limit else body[: limit - 1].rsplit(" ", 1)[0] + " …"


def format_article(article: Article, flags: Sequence[Flag], style: Style) -> str:
    """Render one article and its flags as a few lines of terminal text."""
    details = [
        article.source.name or article.source.feed_url or "unknown source",
        article.published_label or "undated",
        article.language or "language unknown",
    ]
    lines = [style.strong(display_title(article)), "  " + style.dim(" · ".join(details))]
    if article.url:
        lines.append("  " + style.dim(article.url))
    for flag in flags:
        lines.append(f"  ⚑ {flag.topic}  score {flag.score:.2f}")
        lines.extend(
            f"    {evidence.field}: {snippet(evidence, style)}" for evidence in flag.evidence[:3]
        )
    return "\n".join(lines)


def article_record(article: Article, flags: Iterable[Flag]) -> dict[str, Any]:
    """The JSON object of `scan --format json/jsonl`: the Article fields plus `flags`."""
    record = article.model_dump(mode="json")
    record["flags"] = [flag.model_dump(mode="json") for flag in flags]
    return record


def dumps(record: Any) -> str:
    """Serialize one record as compact UTF-8 JSON on one line."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def format_explanation(article: Article, explanations: Sequence[Explanation], style: Style) -> str:
    """Render why each topic flags an article or not, for `pressmon explain`."""
    details = [
        article.source.name or article.source.feed_url or "unknown source",
        article.published_label or "undated",
        article.language or "language unknown",
    ]
    lines = [style.strong(display_title(article)), "  " + style.dim(" · ".join(details))]
    for explanation in explanations:
        verdict = "FLAGGED" if explanation.flagged else "not flagged"
        lines.append(
            f"  ⚑ {explanation.topic}  score {explanation.score:.2f} "
            f"(threshold {explanation.threshold:.2f})  {verdict}"
        )
        lines.append("    " + style.dim(explanation.reason))
        for group in explanation.groups:
            shown = ", ".join(group.terms[:6]) + (" …" if len(group.terms) > 6 else "")
            lines.append(f"    group {group.group:<14} ×{group.count:<3} {shown}")
        if explanation.missing:
            lines.append("    missing: " + ", ".join(explanation.missing))
        for hit in explanation.exclusions:
            where = "the article" if hit.scope != "window" else f"{hit.cancelled} window(s)"
            lines.append(f"    exclusion {hit.name} cancelled {where}: {', '.join(hit.terms[:6])}")
        if explanation.contributions:
            parts = ", ".join(f"{name} {value:.2f}" for name, value in explanation.contributions)
            lines.append(
                f"    evidence {explanation.evidence_total:.2f} ({parts}); "
                f"context {explanation.context:.2f}; logit {explanation.logit:.2f}"
            )
        shown_windows = [w for w in explanation.windows if w.counted] or list(
            explanation.windows[:2]
        )
        for window in shown_windows[:3]:
            tag = f"cancelled by {window.cancelled_by}" if window.cancelled_by else "counted"
            lines.append(
                f"    window strength {window.strength:.2f} (weight {window.weight:.2f}, {tag}): "
                + ", ".join(window.groups)
            )
            lines.extend(
                f"      {evidence.field}: {snippet(evidence, style)}"
                for evidence in window.evidence
            )
    return "\n".join(lines)


def explanation_record(article: Article, explanations: Iterable[Explanation]) -> dict[str, Any]:
    """The JSON object of `explain --format json/jsonl`: the Article plus `explanations`."""
    record = article.model_dump(mode="json")
    record["explanations"] = [explanation.model_dump(mode="json") for explanation in explanations]
    return record

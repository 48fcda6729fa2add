"""What every sink shows about an alert, independent of the output format."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime, tzinfo

from pressmon._render import display_title
from pressmon.models import Alert, Article, Evidence, StoryCopy

__all__ = [
    "copy_label",
    "count_label",
    "date_label",
    "evidence_segments",
    "headline",
    "source_label",
    "title_of",
    "topics_of",
]

_SNIPPET_CHARS = 320
_SPACES = re.compile(r"\s+")


def title_of(article: Article, limit: int = 140) -> str:
    """The title, or the first words of the body for an untitled article."""
    return display_title(article, limit)


def source_label(article: Article | StoryCopy) -> str:
    """The publication's name, else its host."""
    source = article.source
    if source.name:
        return source.name
    from urllib.parse import urlsplit

    for url in (source.url, source.feed_url, article.url):
        if url:
            return urlsplit(url).hostname or url
    return "unknown source"


def date_label(alert: Alert) -> str:
    """The publication date at its real precision, else the day the alert was made."""
    return alert.article.published_label or alert.created.strftime("%Y-%m-%d")


def copy_label(copy: StoryCopy) -> str:
    """How a copy is named in a list of "also in"."""
    return source_label(copy)


def evidence_segments(
    evidence: Evidence, limit: int = _SNIPPET_CHARS
) -> Iterator[tuple[str, bool]]:
    """The evidence sentence as (text, is_a_matched_term) pieces, cut around the matches when
    it is long, whitespace collapsed. Offsets come from the evidence (`TermMatch.start`)."""
    text = evidence.text
    begin, end = 0, len(text)
    if len(text) > limit and evidence.matches:
        first = min(match.start for match in evidence.matches) - evidence.start
        begin = max(0, first - limit // 3)
        end = min(len(text), begin + limit)
    if begin > 0:
        yield "… ", False
    cursor = begin
    for match in sorted(evidence.matches, key=lambda item: (item.start, -item.end)):
        start, stop = match.start - evidence.start, match.end - evidence.start
        if start < cursor or stop > end:
            continue
        if start > cursor:
            yield _SPACES.sub(" ", text[cursor:start]), False
        yield text[start:stop], True
        cursor = stop
    if cursor < end:
        yield _SPACES.sub(" ", text[cursor:end]), False
    if end < len(text):
        yield " …", False


def count_label(count: int) -> str:
    """ "1 new story", "3 new stories", "No new stories"."""
    if not count:
        return "No new stories"
    return f"{count} new stor{'ies' if count != 1 else 'y'}"


def topics_of(alerts: Sequence[Alert]) -> list[str]:
    """The topics of the alerts, the most frequent first (then by name)."""
    counts: dict[str, int] = {}
    for alert in alerts:
        for topic in dict.fromkeys(alert.topics):
            counts[topic] = counts.get(topic, 0) + 1
    return sorted(counts, key=lambda topic: (-counts[topic], topic))


def headline(template: str, alerts: Sequence[Alert], *, now: datetime, zone: tzinfo) -> str:
    """An email subject or a notification title: the template (placeholders of
    `pressmon.config.HEADLINE_FIELDS`) filled for these alerts, on one line.

    `{topics}` names three topics at most (`a, b, c +2`); `{date}` is the day of the
    newest alert (else of `now`) in `zone`.
    """
    count = len(alerts)
    topics = topics_of(alerts)
    shown = ", ".join(topics[:3]) + (f" +{len(topics) - 3}" if len(topics) > 3 else "")
    newest = max((alert.created for alert in alerts), default=now)
    text = template.format_map(
        {
            "count": count,
            "stories": "story" if count == 1 else "stories",
            "topics": shown or "no topic",
            "date": newest.astimezone(zone).date().isoformat(),
        }
    )
    return _SPACES.sub(" ", text).strip()

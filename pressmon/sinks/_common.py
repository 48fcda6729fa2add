"""What every sink shows about an alert, independent of the output format."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pressmon._render import display_title
from pressmon.models import Alert, Article, Evidence, StoryCopy

__all__ = ["copy_label", "date_label", "evidence_segments", "source_label", "title_of"]

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

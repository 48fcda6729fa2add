"""What a parser produced, before pressmon normalized it.

Each parser (feedparser, the JSON Feed reader, later a fast lxml path) turns
bytes into these plain records and stops there: no URL canonicalization, no
HTML-to-text, no date interpretation beyond what the format itself defines.
`._normalize` turns them into [`Article`][pressmon.Article].
Keeping the two apart lets parsers be compared field by field and lets
normalization be one piece of code for every format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pressmon._dates import ParsedDate


@dataclass(frozen=True, slots=True)
class RawText:
    """A text construct as the format carries it: a value and whether it is HTML."""

    value: str
    is_html: bool = False
    language: str | None = None


@dataclass(frozen=True, slots=True)
class RawDate:
    """A date as written in the source, and the instant the parser read in it, if any."""

    text: str | None = None
    parsed: datetime | None = None
    # pressmon's own reading of `text` (pressmon._dates.parse_date), when the
    # parser already made it: normalizing then does not parse the text again.
    read: ParsedDate | None = None


@dataclass(frozen=True, slots=True)
class RawEntry:
    """One feed entry, as parsed."""

    guid: str | None = None
    link: str | None = None
    title: RawText | None = None
    summary: RawText | None = None
    content: tuple[RawText, ...] = ()
    authors: tuple[str, ...] = ()
    published: RawDate | None = None
    updated: RawDate | None = None
    tags: tuple[str, ...] = ()
    language: str | None = None
    image: str | None = None
    # The entry's own publisher when it differs from the feed's: RSS <source>,
    # which Google News uses to name the outlet behind each item.
    source_name: str | None = None
    source_url: str | None = None


@dataclass(frozen=True, slots=True)
class RawFeed:
    """A whole feed, as parsed."""

    version: str
    title: RawText | None = None
    link: str | None = None
    self_url: str | None = None
    subtitle: RawText | None = None
    language: str | None = None
    updated: RawDate | None = None
    entries: tuple[RawEntry, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    # Which parser produced it: "feedparser" (the reference) or "lxml" (the fast path).
    parser: str = "feedparser"

"""Recognising copies of one story: the same URL, the same guid, near-identical text, or,
for short items, the same headline.

Four rules, tried in order, for an article the store has not seen under its own id:

1. **The same canonical URL** (tracking parameters, fragments and host case are
   already removed by [`canonicalize_url`][pressmon.canonicalize_url]): the same article.
2. **The same guid**, when the guid is globally unique by its form (an `http(s)`
   URL, a `urn:` or a `tag:`): the same article. Short guids (`1001`) are only
   unique within one feed, and the article id already covers that case.
3. **Near-identical text** (`._simhash`): a syndicated (agency) copy on another
   outlet, usually with its own title, a dateline, a trimmed last paragraph or a few
   edited words. The fingerprint is a 64-bit **SimHash** over the word 2-shingles
   (pairs of consecutive words) of the article's body (its text, else its summary),
   after folding case and accents and dropping punctuation. Two articles are the
   same story when their fingerprints differ in at most `max_distance` bits
   (default **8**). `benchmarks/dedup_threshold.py` measures the distances of edited
   copies and of distinct articles; `docs/monitor.md` gives the figures. Texts
   shorter than `min_words` words (default 40) have no fingerprint: two different
   one-line stories ("Alpine to enter the US in 2027" / "... in 2028") share most of
   their shingles.
4. **The same headline** (`pressmon._headlines`, `._headline_index`), for short
   items (too few words for a fingerprint; only theirs are kept): headlines and teasers that
   agencies and aggregators repeat with other links and guids. `exact`: the same
   title and summary words, case, accents and punctuation folded, an aggregator's
   ` - Outlet` and the outlet's name in the summary removed. `near` (the default):
   also a word whose ending changed, or an article or possessive added or dropped,
   provided every number, date, proper name and negation is the same.
   `benchmarks/dedup_headlines.py` measures both (`docs/monitor.md`).

Every rule looks back `window_days` (the URL and guid rules at everything stored).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from pressmon._dedup._headline_index import HeadlineIndex, HeadlineMode
from pressmon._dedup._simhash import (
    SimilarityIndex,
    fingerprint,
    hamming,
    normalize_words,
    simhash,
)
from pressmon._headlines import Headline, headline_of
from pressmon._store import Store, StoredArticle
from pressmon.models import Article

__all__ = [
    "HeadlineIndex",
    "HeadlineMode",
    "SimilarityIndex",
    "StoryMatch",
    "fingerprint",
    "hamming",
    "headline",
    "is_global_guid",
    "match_story",
    "normalize_words",
    "simhash",
]

_GLOBAL_GUID = re.compile(r"^(?:https?://|urn:|tag:)", re.IGNORECASE)

MatchKind = Literal["seen", "url", "guid", "text", "headline", "new"]


def is_global_guid(guid: str | None) -> bool:
    """Whether a guid names an entry globally (a URL, `urn:` or `tag:`), not per feed."""
    return bool(guid and _GLOBAL_GUID.match(guid.strip()))


def headline(article: Article) -> Headline | None:
    """The article's headline as copies share it (its source's name is the outlet)."""
    return headline_of(article.title, article.summary, article.source.name)


@dataclass(frozen=True)
class StoryMatch:
    """Where a new article belongs."""

    kind: MatchKind
    """`seen` (this very article is stored), `url`/`guid`/`text`/`headline` (a copy of a
    known story, and why), or `new` (a new story)."""
    story_id: str
    """The story it belongs to (its own id for a new story)."""
    existing: StoredArticle | None = None
    """The stored article that matched."""
    distance: int | None = None
    """The fingerprint distance, for a `text` match."""
    fingerprint: int | None = None
    """The article's fingerprint (computed for every kind but `seen`; None when the
    body is too short)."""
    headline: Headline | None = None
    """The headline of a short item (no fingerprint; computed for every kind but `seen`;
    None without a title)."""


def match_story(
    store: Store,
    article: Article,
    *,
    min_words: int = 40,
    now: datetime,
    max_distance: int = 8,
    window_days: int = 30,
    index: SimilarityIndex | None = None,
    headlines: HeadlineIndex | None = None,
) -> StoryMatch:
    """Find the story an article belongs to, by the rules in this module's docstring.

    The fingerprint (and, for a short item, the headline) is computed only for an
    article not stored yet (a run sees mostly known articles). `index` (one per run)
    makes the near-duplicate lookup read the state once; `headlines` (one per run)
    turns on the headline rule.

    Args:
        store: the state.
        article: the article.
        min_words: the fewest body words that give a fingerprint.
        now: the run's time (the text rule's window ends there without an `index`).
        max_distance: the text rule's largest fingerprint distance.
        window_days: how far back the text rule looks without an `index`.
        index: the run's fingerprint index.
        headlines: the run's headline index (None: no headline rule).

    Returns:
        Where the article belongs, with its fingerprint or its headline.
    """
    same = store.find_article(article.id)
    if same is not None:
        return StoryMatch("seen", same.story_id, same)
    print_ = fingerprint(article, min_words)
    head = headline(article) if print_ is None else None
    found = _known_copy(
        store, article, print_, head, now, max_distance, window_days, index, headlines
    )
    if found is None:
        return StoryMatch("new", article.id, fingerprint=print_, headline=head)
    kind, existing, distance = found
    return StoryMatch(kind, existing.story_id, existing, distance, print_, head)


def _known_copy(
    store: Store,
    article: Article,
    print_: int | None,
    head: Headline | None,
    now: datetime,
    max_distance: int,
    window_days: int,
    index: SimilarityIndex | None,
    headlines: HeadlineIndex | None,
) -> tuple[MatchKind, StoredArticle, int | None] | None:
    """The first rule that finds a stored copy: (the rule, the copy, the text distance)."""
    if article.url:
        by_url = store.find_by_url(article.url)
        if by_url is not None:
            return "url", by_url, None
    if is_global_guid(article.guid):
        assert article.guid is not None
        by_guid = store.find_by_guid(article.guid)
        if by_guid is not None:
            return "guid", by_guid, None
    if print_ is not None and index is not None:
        nearest = index.nearest(print_, max_distance)
        if nearest is not None:
            closest = store.find_article(nearest[0])
            if closest is not None:
                return "text", closest, nearest[1]
    elif print_ is not None:
        similar = store.find_similar(
            print_, since=now - timedelta(days=window_days), max_distance=max_distance
        )
        if similar:
            return "text", similar[0][0], similar[0][1]
    if head is not None and headlines is not None:
        article_id = headlines.find(head)
        copy = store.find_article(article_id) if article_id is not None else None
        if copy is not None:
            return "headline", copy, None
    return None

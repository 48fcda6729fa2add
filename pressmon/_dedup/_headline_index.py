"""The headlines of the dedup window, read once per run and kept in memory.

Like `SimilarityIndex` for fingerprints: a run compares each new article's headline
with the window's, so the window is read from the state once (not once per
article) and indexed by `Headline.exact_key` and, for the near rule, by
`Headline.near_key`; a lookup verifies the few headlines that share its key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pressmon._headlines import Headline, same_story_nearly
from pressmon._store import Store

__all__ = ["HeadlineIndex", "HeadlineMode"]

HeadlineMode = Literal["exact", "near"]
"""`exact`: same title and summary words; `near`: also one word's ending changed."""


class HeadlineIndex:
    """Find a stored article whose headline tells the same story.

    The rule is for short items: two articles that both have a long body (a
    fingerprint) are left to the text rule, so a headline match needs at least one
    of the two to be short.

    Args:
        store: the state.
        since: the start of the dedup window (articles first seen since then).
        mode: the rule (`exact` or `near`).
    """

    def __init__(self, store: Store, since: datetime, mode: HeadlineMode) -> None:
        self._store = store
        self._since = since
        self.mode: HeadlineMode = mode
        self._items: list[tuple[str, Headline, bool]] | None = None
        self._exact: dict[str, list[int]] = {}
        self._near: dict[tuple[object, ...], list[int]] = {}

    def _window(self) -> list[tuple[str, Headline, bool]]:
        if self._items is None:
            self._items = []
            for article_id, text, long in self._store.headlines(self._since):
                self._index(article_id, Headline.decode(text), long)
        return self._items

    def _index(self, article_id: str, headline: Headline, long: bool) -> None:
        assert self._items is not None
        position = len(self._items)
        self._items.append((article_id, headline, long))
        self._exact.setdefault(headline.exact_key, []).append(position)
        if self.mode == "near" and headline.near_key is not None:
            self._near.setdefault(headline.near_key, []).append(position)

    def find(self, headline: Headline, *, long: bool) -> str | None:
        """The oldest article of the window with the same headline (exactly, else nearly
        in `near` mode), or None.

        Args:
            headline: the new article's headline.
            long: whether the new article has a long body (a fingerprint).

        Returns:
            The matching article's id.
        """
        items = self._window()
        for position in self._exact.get(headline.exact_key, ()):
            article_id, _, other_long = items[position]
            if not (long and other_long):
                return article_id
        if self.mode == "near" and headline.near_key is not None:
            for position in self._near.get(headline.near_key, ()):
                article_id, other, other_long = items[position]
                if not (long and other_long) and same_story_nearly(headline, other):
                    return article_id
        return None

    def add(self, article_id: str, headline: Headline, *, long: bool) -> None:
        """Include an article stored during this run.

        Args:
            article_id: its id.
            headline: its headline.
            long: whether it has a long body (a fingerprint).
        """
        if self._items is None:
            return  # not read yet: the store has it, the first read will include it
        self._index(article_id, headline, long)

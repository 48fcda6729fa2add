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
    """Find a stored short item whose headline tells the same story.

    The rule is for short items (too few words for a fingerprint): only their
    headlines are stored and looked up; longer articles are left to the text rule.

    Args:
        store: the state.
        since: the start of the dedup window (articles first seen since then).
        mode: the rule (`exact` or `near`).
    """

    def __init__(self, store: Store, since: datetime, mode: HeadlineMode) -> None:
        self._store = store
        self._since = since
        self.mode: HeadlineMode = mode
        # (article id, stored headline): the window, oldest first. The tables map the
        # hash of a key to positions in it; a headline is decoded again only to verify
        # a near candidate, so the window costs one string per short item.
        self._items: list[tuple[str, str]] | None = None
        self._known: set[str] = set()
        self._cursor = 0
        self._exact: dict[int, list[int]] = {}
        self._near: dict[int, list[int]] = {}

    def _window(self) -> list[tuple[str, str]]:
        if self._items is None:
            self._cursor = self._store.change_cursor()  # before the read: see SimilarityIndex
            self._items = []
            for article_id, text in self._store.headlines(self._since):
                self._index(article_id, Headline.decode(text), text)
        return self._items

    def refresh(self) -> None:
        """Include what other workers stored since the window was read (call it inside the
        store's exclusive transaction, before matching)."""
        if self._items is None:
            return
        found, self._cursor = self._store.headlines_after(self._cursor, since=self._since)
        for article_id, text in found:
            self._index(article_id, Headline.decode(text), text)

    def _index(self, article_id: str, headline: Headline, text: str) -> None:
        assert self._items is not None
        if article_id in self._known:
            return
        self._known.add(article_id)
        position = len(self._items)
        self._items.append((article_id, text))
        self._exact.setdefault(hash(headline.exact_key), []).append(position)
        if self.mode == "near" and headline.near_key is not None:
            self._near.setdefault(hash(headline.near_key), []).append(position)

    def find(self, headline: Headline) -> str | None:
        """The oldest short item of the window with the same headline (exactly, else
        nearly in `near` mode), or None.

        Args:
            headline: the new short item's headline.

        Returns:
            The matching article's id.
        """
        items = self._window()
        key = headline.exact_key
        for position in self._exact.get(hash(key), ()):
            article_id, text = items[position]
            if Headline.decode(text).exact_key == key:  # not a hash collision
                return article_id
        if self.mode == "near" and headline.near_key is not None:
            for position in self._near.get(hash(headline.near_key), ()):
                article_id, text = items[position]
                if same_story_nearly(headline, Headline.decode(text)):
                    return article_id
        return None

    def add(self, article_id: str, headline: Headline) -> None:
        """Include a short item stored during this run.

        Args:
            article_id: its id.
            headline: its headline.
        """
        if self._items is None:
            return  # not read yet: the store has it, the first read will include it
        self._index(article_id, headline, headline.encode())

"""SimHash fingerprints of article bodies, and the per-run index that finds near ones."""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime

from pressmon._store import Store
from pressmon.models import Article

__all__ = ["SHINGLE", "SimilarityIndex", "fingerprint", "hamming", "normalize_words", "simhash"]

SHINGLE = 2
"""Words per shingle."""

_WORD = re.compile(r"\w+")


def normalize_words(text: str) -> list[str]:
    """The words of a text, case- and accent-folded, without punctuation."""
    decomposed = unicodedata.normalize("NFKD", text)
    if not decomposed.isascii():
        # Remove every combining character: each distinct one, with str.replace (a
        # text has a handful of distinct marks; testing each character is slower).
        for mark in {char for char in set(decomposed) if unicodedata.combining(char)}:
            decomposed = decomposed.replace(mark, "")
    return _WORD.findall(decomposed.casefold())


def _digest(shingle: str) -> bytes:
    return hashlib.blake2b(shingle.encode("utf-8", "surrogatepass"), digest_size=8).digest()


def _hash(shingle: str) -> int:
    return int.from_bytes(_digest(shingle), "big")


_LANE_ONE = (1).to_bytes(8, "big")


def simhash(words: Sequence[str], shingle: int = SHINGLE) -> int:
    """The 64-bit SimHash of a word sequence's shingles (each distinct shingle weighs 1)."""
    shingles = {" ".join(words[i : i + shingle]) for i in range(max(1, len(words) - shingle + 1))}
    # The shingles' 64-bit hashes side by side in one integer, one 64-bit lane each:
    # shifting it by `bit` and keeping the lowest bit of every lane leaves one bit
    # per hash that has `bit` set, so a popcount counts them, for all hashes at
    # once (instead of 64 Python passes over the hashes).
    lanes = int.from_bytes(b"".join(_digest(item) for item in shingles), "big")
    lowest = int.from_bytes(_LANE_ONE * len(shingles), "big")
    half = len(shingles) / 2
    value = 0
    for bit in range(64):
        if ((lanes >> bit) & lowest).bit_count() > half:
            value |= 1 << bit
    return value


def fingerprint(article: Article, min_words: int = 40) -> int | None:
    """The article body's SimHash, or None when the body has fewer than `min_words` words."""
    words = normalize_words(article.text or article.summary)
    if len(words) < min_words:
        return None
    return simhash(words)


def hamming(a: int, b: int) -> int:
    """The number of bits two fingerprints differ in."""
    return (a ^ b).bit_count()


class _Bands:
    """A table per band of the 64 bits, for finding fingerprints within `max_distance` bits.

    Split the 64 bits into `max_distance + 1` bands: two fingerprints that differ
    in at most `max_distance` bits have at least one band in common, whole (the
    differing bits cannot touch every band). So the only candidates for a query
    are the fingerprints that share one of its bands exactly, a small part of the
    window, instead of all of it.
    """

    def __init__(self, max_distance: int) -> None:
        count = max_distance + 1
        edges = [64 * band // count for band in range(count + 1)]
        # One (shift, mask, table) per band; a table maps the band's bits to the
        # positions (in the index's list) of the fingerprints that have them.
        self._bands: list[tuple[int, int, dict[int, list[int]]]] = [
            (low, (1 << (high - low)) - 1, {}) for low, high in itertools.pairwise(edges)
        ]

    def add(self, position: int, value: int) -> None:
        for shift, mask, table in self._bands:
            table.setdefault((value >> shift) & mask, []).append(position)

    def candidates(self, value: int) -> set[int]:
        found: set[int] = set()
        for shift, mask, table in self._bands:
            found.update(table.get((value >> shift) & mask, ()))
        return found


class SimilarityIndex:
    """The fingerprints of the dedup window, read once per run and kept in memory.

    A run compares every new article with the window. The window is read from the
    state once (not once per article) and indexed by bands (`_Bands`), so a query
    costs an XOR and a popcount for the few fingerprints that share a band with it,
    not for every fingerprint of the window (see `docs/performance.md`).
    """

    def __init__(self, store: Store, since: datetime) -> None:
        self._store = store
        self._since = since
        self._items: list[tuple[str, int]] | None = None
        self._known: set[str] = set()
        self._values: set[int] = set()
        self._cursor = 0
        self._bands: dict[int, _Bands] = {}

    def _window(self) -> list[tuple[str, int]]:
        if self._items is None:
            # The cursor first: what is stored while the window is read comes again
            # with the next `refresh` (and is then skipped as known).
            self._cursor = self._store.change_cursor()
            self._items = []
            for article_id, value in self._store.fingerprints(self._since):
                self._append(article_id, value)
        return self._items

    def _append(self, article_id: str, value: int) -> None:
        assert self._items is not None
        if article_id in self._known:
            return
        self._known.add(article_id)
        if value in self._values:
            # The oldest article with this fingerprint always wins (ties go to the
            # oldest), so a later one is never the answer: leave it out of the buckets,
            # which syndicated copies with identical text would otherwise crowd.
            return
        self._values.add(value)
        self._items.append((article_id, value))
        for bands in self._bands.values():
            bands.add(len(self._items) - 1, value)

    def refresh(self) -> None:
        """Include what other workers stored since the window was read (call it inside the
        store's exclusive transaction, before matching)."""
        if self._items is None:
            return  # not read yet: the first read will see everything
        found, self._cursor = self._store.fingerprints_after(self._cursor, since=self._since)
        for article_id, value in found:
            self._append(article_id, value)

    def nearest(self, value: int, max_distance: int) -> tuple[str, int] | None:
        """The closest (oldest on ties) article id within `max_distance`, with the distance."""
        items = self._window()
        bands = self._bands.get(max_distance)
        if bands is None:
            bands = self._bands[max_distance] = _Bands(max_distance)
            for position, (_, other) in enumerate(items):
                bands.add(position, other)
        best: tuple[int, int] | None = None  # (distance, position): the oldest wins ties
        for position in bands.candidates(value):
            distance = (value ^ items[position][1]).bit_count()
            if distance <= max_distance and (best is None or (distance, position) < best):
                best = (distance, position)
        return None if best is None else (items[best[1]][0], best[0])

    def add(self, article_id: str, value: int) -> None:
        """Include an article stored during this run."""
        if self._items is None:
            return  # not read yet: the store has it, the first read will include it
        self._append(article_id, value)

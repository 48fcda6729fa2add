"""Story fingerprints: copies are close, different stories are far, short texts never merge."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from monitor_support import AGENCY_BODY, F1_BODY, OTHER_BODY

from pressmon._dedup import (
    SimilarityIndex,
    fingerprint,
    hamming,
    is_global_guid,
    normalize_words,
    simhash,
)
from pressmon.models import Article, Source


def test_syndicated_copy_is_within_the_threshold() -> None:
    """A dateline, a credit and an edited word keep the agency text within 8 bits; other
    stories on the same subject are further than that."""
    original = simhash(normalize_words(AGENCY_BODY))
    copy = simhash(
        normalize_words(
            "PARIS (AFP) — " + AGENCY_BODY.replace("Tuesday", "Wednesday") + " (With Reuters)"
        )
    )
    assert hamming(original, copy) <= 8
    for other in (OTHER_BODY, F1_BODY):
        assert hamming(original, simhash(normalize_words(other))) > 8


def test_folding_ignores_case_accents_and_punctuation() -> None:
    """Typography does not change the fingerprint."""
    assert normalize_words("L'Amérique, ÉTATS-UNIS !") == ["l", "amerique", "etats", "unis"]
    base = AGENCY_BODY
    assert simhash(normalize_words(base)) == simhash(normalize_words(base.upper() + " !!"))


def test_short_texts_have_no_fingerprint() -> None:
    """Below min_words words there is no fingerprint, so one-line items never merge by text."""
    short = Article(title="Alpine to enter the US in 2027", summary="Alpine to enter the US.")
    assert fingerprint(short) is None
    assert fingerprint(Article(title="x", text=AGENCY_BODY)) is not None


def test_global_guids() -> None:
    """URL, urn: and tag: guids are global; short per-feed guids are not."""
    assert is_global_guid("https://x.example/a") and is_global_guid("urn:uuid:1")
    assert is_global_guid("tag:x.example,2025:1")
    assert not is_global_guid("1001") and not is_global_guid(None)


def _words_char_by_char(text: str) -> list[str]:
    """normalize_words' rule, written plainly: drop each combining character one by one."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.findall(r"\w+", stripped.casefold())


def _simhash_bit_by_bit(words: list[str], shingle: int = 2) -> int:
    """simhash's rule, written plainly: for each bit, count the shingle hashes that set it."""
    count = max(1, len(words) - shingle + 1)
    shingles = {" ".join(words[i : i + shingle]) for i in range(count)}
    hashes = [
        int.from_bytes(hashlib.blake2b(item.encode(), digest_size=8).digest(), "big")
        for item in shingles
    ]
    value = 0
    for bit in range(64):
        if sum((item >> bit) & 1 for item in hashes) > len(hashes) / 2:
            value |= 1 << bit
    return value


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=300),
        st.lists(st.sampled_from(["Alpine", "États-Unis", "naïve", "ﬁn", "e\u0301", "Ω", "x"])).map(
            " ".join
        ),
    )
)
def test_fingerprints_are_the_plain_rules(text: str) -> None:
    """Words (accents dropped distinct mark by distinct mark) and SimHash (all 64 bit counts
    at once, over packed hashes) are exactly what the plain per-character and per-bit rules
    give, so fingerprints already in a state file keep matching."""
    words = normalize_words(text)
    assert words == _words_char_by_char(text)
    assert simhash(words) == _simhash_bit_by_bit(words)
    assert simhash(words, 3) == _simhash_bit_by_bit(words, 3)


class _Window:
    """The store methods the similarity index reads: the window's fingerprints (and the
    change cursor, which no other worker moves here)."""

    def __init__(self, items: list[tuple[str, int]]) -> None:
        self.items = items
        self.reads = 0

    def change_cursor(self) -> int:
        return 0

    def fingerprints(self, since: datetime) -> list[tuple[str, int]]:
        self.reads += 1
        return list(self.items)


def _nearest_by_scan(
    items: list[tuple[str, int]], value: int, max_distance: int
) -> tuple[str, int] | None:
    """The rule, plainly: the smallest distance within the bound, the oldest on ties."""
    best: tuple[str, int] | None = None
    for article_id, other in items:
        distance = hamming(value, other)
        if distance <= max_distance and (best is None or distance < best[1]):
            best = (article_id, distance)
    return best


def _near(value: int, bits: list[int]) -> int:
    for bit in bits:
        value ^= 1 << bit
    return value


@settings(max_examples=200, deadline=None)
@given(
    bases=st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=30),
    flips=st.lists(st.lists(st.integers(0, 63), max_size=12), min_size=1, max_size=60),
    max_distance=st.integers(0, 16),
)
def test_banded_index_finds_what_a_full_scan_finds(
    bases: list[int], flips: list[list[int]], max_distance: int
) -> None:
    """The banded near-duplicate index returns exactly the full scan's answer (closest
    fingerprint within the bound, oldest on ties) for stored and added fingerprints, for
    every threshold the config allows; the window is read from the store once."""
    stored = [(f"a{n}", _near(bases[n % len(bases)], bits)) for n, bits in enumerate(flips)]
    half = len(stored) // 2
    window = _Window(stored[:half])
    index = SimilarityIndex(window, datetime(2025, 1, 1, tzinfo=timezone.utc))  # type: ignore[arg-type]
    seen = stored[:half]
    for article_id, value in stored[half:]:
        assert index.nearest(value, max_distance) == _nearest_by_scan(seen, value, max_distance)
        index.add(article_id, value)
        seen = [*seen, (article_id, value)]
    for base in bases:
        for distance in (max_distance, max_distance + 1):
            query = _near(base, list(range(0, 64, 64 // max(distance, 1)))[:distance])
            assert index.nearest(query, max_distance) == _nearest_by_scan(seen, query, max_distance)
    assert window.reads == 1


def test_the_headline_index_follows_its_mode_and_window(tmp_path: Path) -> None:
    """On a real SQLite state: a short item finds the stored copy of its headline; `exact`
    does not join a changed verb ending, `near` does; short items older than the window
    are not looked at."""
    from datetime import timedelta

    from pressmon._dedup import HeadlineIndex, headline
    from pressmon._store import SQLiteStore

    now = datetime(2025, 6, 2, tzinfo=timezone.utc)
    stored = Article(title="Alpine launches its electric SUV in Texas", url="https://a.example/1")
    old = Article(title="Alpine opens orders for the A390 crossover", url="https://a.example/3")
    with SQLiteStore(tmp_path / "state.db") as store:
        with store.transaction():
            for item, seen in ((stored, now), (old, now - timedelta(days=40))):
                head = headline(item)
                assert head is not None
                store.add_article(
                    item, story_id=item.id, fingerprint=None, flags=(), seen=seen,
                    headline=head.encode(),
                )  # fmt: skip
        window = now - timedelta(days=30)
        exact = HeadlineIndex(store, window, "exact")
        near = HeadlineIndex(store, window, "near")
        suffixed = Article(
            title="Alpine launches its electric SUV in Texas - Reuters",
            source=Source(name="Reuters"),
        )
        copy, changed, late = (
            headline(item)
            for item in (
                suffixed,
                Article(title="Alpine launched its electric SUV in Texas"),
                Article(title="Alpine opens orders for the A390 crossover"),
            )
        )
        assert copy is not None and changed is not None and late is not None
        assert exact.find(copy) == stored.id
        assert exact.find(changed) is None
        assert near.find(changed) == stored.id
        assert near.find(late) is None


def test_only_short_items_are_matched_by_headline(tmp_path: Path) -> None:
    """A long article (one with a fingerprint) gets no headline: the same title with a long
    body is left to the text rule, and a short item never joins it by its title alone."""
    from datetime import timedelta

    from pressmon._dedup import HeadlineIndex, match_story
    from pressmon._store import SQLiteStore

    now = datetime(2025, 6, 2, tzinfo=timezone.utc)
    title = "Alpine opens its first US dealer in Miami"
    long_article = Article(title=title, text=AGENCY_BODY, url="https://a.example/2")
    short = Article(title=title, url="https://b.example/2")
    with SQLiteStore(tmp_path / "state.db") as store:
        index = HeadlineIndex(store, now - timedelta(days=30), "near")
        first = match_story(store, long_article, now=now, headlines=index)
        assert first.kind == "new" and first.fingerprint is not None and first.headline is None
        with store.transaction():
            store.add_article(
                long_article, story_id=first.story_id, fingerprint=first.fingerprint,
                flags=(), seen=now,
            )  # fmt: skip
        second = match_story(store, short, now=now, headlines=index)
        assert second.kind == "new" and second.headline is not None

"""Measure the short-item dedup rules (``[dedup] headlines``) on the headline corpus.

Reads ``tests/data/headlines/`` (built by ``benchmarks/headline_corpus.py``): 2,250
headlines of different stories in five languages, most of them one word or phrase
away from another, and copies of 150 of them as other outlets write them. For each
rule it prints:

* **false merges**: pairs of different stories the rule makes one (must be 0);
* **recall**: the share of copies the rule joins to their own story, by kind of copy;
* copies joined to a wrong story.

Rules: ``exact`` and ``near`` (pressmon's), and, for reference, ``any word``: the
near rule without its restriction on the changed word (any one word may change,
every number, date, name and negation the same), which is the first rule one
would write. Also the cost per item of building a headline and of a lookup. Run::

    python benchmarks/dedup_headlines.py
"""

from __future__ import annotations

import itertools
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from _machine import machine
from _smoke import SMOKE

from pressmon._dedup import HeadlineIndex
from pressmon._headlines import DETERMINERS, Headline, headline_of, same_story_nearly

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "headlines"


def read(name: str) -> list[tuple[str, str, str, Headline]]:
    """(group, language, kind, headline) of each row of a corpus file."""
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        group, language, kind, title, summary, outlet = line.split("\t")
        headline = headline_of(title, summary, outlet)
        assert headline is not None, line
        rows.append((group, language, kind, headline))
    return rows


def _content(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(word for word in words if word not in DETERMINERS)


def any_one_word(a: Headline, b: Headline) -> bool:
    """The reference rule: articles aside, at most one word of the title (and one of the
    summary) changed, whatever the word; the anchors equal."""
    if a.anchors != b.anchors:
        return False
    for left, right in ((a.title, b.title), (a.summary, b.summary)):
        left, right = _content(left), _content(right)
        if len(left) != len(right) or sum(x != y for x, y in zip(left, right, strict=True)) > 1:
            return False
    return len(_content(a.title)) >= 4


def false_merges(
    headlines: list[Headline], same: Callable[[Headline, Headline], bool]
) -> list[tuple[int, int]]:
    """Pairs of different stories `same` joins, checked over every pair whose anchors
    are the same (no other pair can be joined by these rules)."""
    by_anchors: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for position, headline in enumerate(headlines):
        by_anchors[headline.anchors].append(position)
    found = []
    for positions in by_anchors.values():
        for i, j in itertools.combinations(positions, 2):
            if same(headlines[i], headlines[j]):
                found.append((i, j))
    return found


class _Window:
    """A stand-in for the store's `headlines(since)`: every distinct story, short."""

    def __init__(self, rows: list[tuple[str, str, str, Headline]]) -> None:
        self.rows = rows

    def change_cursor(self) -> int:
        return 0

    def headlines(self, since: datetime) -> list[tuple[str, str]]:
        return [(group, headline.encode()) for group, _, _, headline in self.rows]


def main() -> int:
    print(machine())
    distinct = read("distinct.tsv")
    copies = read("copies.tsv")
    if SMOKE:
        distinct, copies = distinct[:200], [row for row in copies if row[0] < "en-200"]
        print("smoke run (PRESSMON_BENCHMARK_SMOKE=1): a tiny workload; the figures mean nothing")
    languages = Counter(language for _, language, _, _ in distinct)
    per_language = ", ".join(f"{count} {language}" for language, count in languages.items())
    stories = len({row[0] for row in copies})
    print(f"{len(distinct)} distinct stories ({per_language}), {len(copies)} copies of {stories}")
    headlines = [row[3] for row in distinct]
    rules: dict[str, Callable[[Headline, Headline], bool]] = {
        "exact": lambda a, b: a.exact_key == b.exact_key,
        "near": lambda a, b: a.exact_key == b.exact_key or same_story_nearly(a, b),
        "any word": lambda a, b: a.exact_key == b.exact_key or any_one_word(a, b),
    }
    print("\nrule       false merges (pairs of different stories made one)")
    for name, same in rules.items():
        merged = false_merges(headlines, same)
        print(f"{name:<10} {len(merged)}")
        for i, j in merged[:3]:
            left, right = (" ".join(headlines[k].title) for k in (i, j))
            print(f"           e.g. {left!r} ~ {right!r}")

    kinds = sorted({kind for _, _, kind, _ in copies})
    print("\nrecall: copies joined to their own story, by kind")
    print(
        f"{'rule':<10} " + "  ".join(f"{kind:>26}" for kind in kinds) + "       all   wrong story"
    )
    since = datetime(2000, 1, 1, tzinfo=timezone.utc)
    for mode in ("exact", "near"):
        index = HeadlineIndex(_Window(distinct), since, mode)  # type: ignore[arg-type]
        found = dict.fromkeys(kinds, 0)
        wrong = 0
        for group, _, kind, headline in copies:
            match = index.find(headline)
            if match == group:
                found[kind] += 1
            elif match is not None:
                wrong += 1
        totals = Counter(kind for _, _, kind, _ in copies)
        cells = "  ".join(f"{found[kind] / totals[kind]:>25.0%} " for kind in kinds)
        print(f"{mode:<10} {cells} {sum(found.values()) / len(copies):>8.0%} {wrong:>12}")

    rounds = 3 if not SMOKE else 1
    texts = [
        line.split("\t")[3:6] for line in (DATA / "distinct.tsv").read_text("utf-8").splitlines()
    ][: len(distinct)]
    best_build = best_find = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for title, summary, outlet in texts:
            headline_of(title, summary, outlet)
        best_build = min(best_build, (time.perf_counter() - started) / len(texts))
        index = HeadlineIndex(_Window(distinct), since, "near")  # type: ignore[arg-type]
        index.find(copies[0][3])  # read the window once
        started = time.perf_counter()
        for _, _, _, headline in copies:
            index.find(headline)
        best_find = min(best_find, (time.perf_counter() - started) / len(copies))
    print(
        f"\ncost: headline_of {best_build * 1e6:.1f} µs per item; a lookup in a window of "
        f"{len(distinct)} headlines {best_find * 1e6:.1f} µs (near rule; best of {rounds})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

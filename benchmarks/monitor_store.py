"""How the SQLite state scales: storing articles and the near-duplicate lookup.

`Store.find_similar` compares a new fingerprint with every fingerprint first
seen in the dedup window (a scan of one indexed range, XOR and popcount in
Python). This prints its cost per new article for stores of growing size, next
to the indexed exact-URL lookup the same store does first; then what a
monitor run does instead: read the window once into a banded index
(`pressmon._dedup.SimilarityIndex`) and query it per new article, next to a
full scan of the window in memory. Run::

    python benchmarks/monitor_store.py
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from _smoke import SMOKE

from pressmon._dedup import SimilarityIndex
from pressmon._store import SQLiteStore
from pressmon.models import Article, Source


def main() -> int:
    rng = random.Random(7)
    now = datetime(2025, 6, 2, tzinfo=timezone.utc)
    source = Source(name="bench", feed_url="https://bench.example/feed")
    print(
        f"{'articles':>9} {'store/article':>14} {'url lookup':>11} {'similar lookup':>15} "
        f"ratio {'read+index':>14} {'query':>12} {'full scan':>12}"
    )
    for size in (200,) if SMOKE else (1_000, 10_000, 50_000):
        with tempfile.TemporaryDirectory() as directory:
            store = SQLiteStore(Path(directory) / "state.db")
            articles = [
                Article(title=f"story {n}", url=f"https://bench.example/{n}", source=source)
                for n in range(size)
            ]
            started = time.perf_counter()
            with store.transaction():
                for n, article in enumerate(articles):
                    store.add_article(
                        article,
                        story_id=article.id,
                        fingerprint=rng.getrandbits(64),
                        flags=(),
                        seen=now - timedelta(minutes=n % 40_000),
                    )
            store_time = (time.perf_counter() - started) / size
            probes = 50
            started = time.perf_counter()
            for n in range(probes):
                store.find_by_url(f"https://bench.example/{n * 7}")
            url_time = (time.perf_counter() - started) / probes
            started = time.perf_counter()
            for _ in range(probes):
                store.find_similar(
                    rng.getrandbits(64), since=now - timedelta(days=30), max_distance=8
                )
            similar_time = (time.perf_counter() - started) / probes
            # What a run does: read the window and index it once (the first query),
            # then one query per new article; next to it, the full scan of the
            # window in memory that the index replaced.
            started = time.perf_counter()
            index = SimilarityIndex(store, now - timedelta(days=30))
            index.nearest(rng.getrandbits(64), 8)
            build_time = time.perf_counter() - started
            queries = [rng.getrandbits(64) for _ in range(probes * 20)]
            started = time.perf_counter()
            for query in queries:
                index.nearest(query, 8)
            banded_time = (time.perf_counter() - started) / len(queries)
            window = store.fingerprints(now - timedelta(days=30))
            started = time.perf_counter()
            for query in queries[:probes]:
                min(((query ^ other).bit_count(), n) for n, (_, other) in enumerate(window))
            scan_time = (time.perf_counter() - started) / probes
            store.close()
        print(
            f"{size:>9} {store_time * 1e6:>11.0f} µs {url_time * 1e6:>8.0f} µs "
            f"{similar_time * 1e3:>12.2f} ms {similar_time / url_time:>6.0f}x "
            f"{build_time * 1e3:>11.1f} ms {banded_time * 1e6:>9.1f} µs "
            f"{scan_time * 1e6:>9.0f} µs"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

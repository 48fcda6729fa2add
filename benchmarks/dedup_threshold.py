"""Measure the SimHash distances that choose the dedup threshold (``[dedup] max_distance``).

Reads the real article bodies of ``../shared/corpora/article-extraction-benchmark``
(when present) and, for each body, makes the copies a syndication network produces:
a dateline and an agency credit added, the last paragraph cut, 2 % of the words
edited, and all three at once. It prints, for thresholds 0-12, the share of copies
recognised (recall) and the share of pairs of *different* articles wrongly merged,
next to the named baseline "exact hash of the normalized text". Run::

    python benchmarks/dedup_threshold.py
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import statistics
import sys
import time
from pathlib import Path

from pressmon._dedup import hamming, normalize_words, simhash

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "article-extraction-benchmark"
if not CORPUS.exists():
    CORPUS = (
        Path(__file__).resolve().parents[3] / "shared" / "corpora" / "article-extraction-benchmark"
    )


def variants(body: str, rng: random.Random) -> dict[str, str]:
    paragraphs = [p for p in body.split("\n") if p.strip()]
    dateline = "PARIS (AFP) - " + body + "\n(With Reuters)"
    cut = "\n".join(paragraphs[:-1]) if len(paragraphs) >= 3 else body
    words = body.split(" ")
    edited_words = list(words)
    for index in rng.sample(range(len(words)), max(1, len(words) // 50)):
        edited_words[index] = rng.choice(["the", "said", "new", "its", "will"])
    edited = " ".join(edited_words)
    cut_words = cut.split(" ")
    for index in rng.sample(range(len(cut_words)), max(1, len(cut_words) // 50)):
        cut_words[index] = rng.choice(["the", "said", "new", "its", "will"])
    combined = "PARIS (AFP) - " + " ".join(cut_words) + "\n(With Reuters)"
    return {
        "dateline+credit": dateline,
        "last paragraph cut": cut,
        "2% words edited": edited,
        "all three": combined,
    }


def main() -> int:
    truth = CORPUS / "ground-truth.json"
    if not truth.exists():
        print(f"corpus not found at {CORPUS}; nothing measured")
        return 0
    bodies = [
        entry["articleBody"]
        for entry in json.loads(truth.read_text(encoding="utf-8")).values()
        if len(normalize_words(entry["articleBody"])) >= 40
    ]
    rng = random.Random(20250601)
    started = time.perf_counter()
    originals = [simhash(normalize_words(body)) for body in bodies]
    elapsed = time.perf_counter() - started
    words = [len(normalize_words(body)) for body in bodies]
    print(
        f"{len(bodies)} article bodies of >= 40 words (median {statistics.median(words):.0f} words)"
    )
    print(f"fingerprint time: {elapsed / len(bodies) * 1000:.2f} ms per article (median body)")

    copies: dict[str, list[int]] = {}
    exact: dict[str, int] = {}
    for body, original in zip(bodies, originals, strict=True):
        for kind, text in variants(body, rng).items():
            copies.setdefault(kind, []).append(hamming(original, simhash(normalize_words(text))))
            same = (
                hashlib.sha256(" ".join(normalize_words(text)).encode()).digest()
                == hashlib.sha256(" ".join(normalize_words(body)).encode()).digest()
            )
            exact[kind] = exact.get(kind, 0) + int(same)
    distinct = [hamming(a, b) for a, b in itertools.combinations(originals, 2)]

    print(
        f"\ndistinct article pairs: {len(distinct)}; smallest distance {min(distinct)}, "
        f"1st percentile {sorted(distinct)[len(distinct) // 100]}, "
        f"median {statistics.median(distinct):.0f}"
    )
    header = "threshold  " + "  ".join(f"{kind:>20}" for kind in copies) + "  false merges"
    print("\nshare of copies recognised (recall) and of distinct pairs merged, by threshold")
    print(header)
    for threshold in range(13):
        recall = "  ".join(
            f"{sum(d <= threshold for d in values) / len(values):>20.1%}"
            for values in copies.values()
        )
        merged = sum(d <= threshold for d in distinct)
        print(f"{threshold:>9}  {recall}  {merged:>6} ({merged / len(distinct):.3%})")
    baseline = "  ".join(f"{exact[kind] / len(bodies):>20.1%}" for kind in copies)
    print(f"{'exact':>9}  {baseline}  {0:>6} (baseline: exact hash of the normalized text)")
    for kind, values in copies.items():
        print(f"{kind}: median distance {statistics.median(values):.0f}, max {max(values)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

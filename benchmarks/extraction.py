"""Article extraction quality and speed, on the article extraction benchmark.

Runs every available engine of :func:`pressmon.extract_article` over the 181
real pages of the article extraction benchmark (scrapinghub's, MIT licence)
and prints F1, precision, recall and the median time per page, beside the
figures published for trafilatura, readability-lxml, newspaper4k and goose3
on the same pages.

The metric is the benchmark's own, re-implemented here from its README:
tokens are ``\\w+`` runs, each text becomes a multiset of 4-token shingles,
per page the true positives, false positives and false negatives are the
shingle-count overlaps; precision and recall are the means over pages of
``tp / (tp + fp)`` and ``tp / (tp + fn)`` (pages without predicted or without
true shingles are left out of the respective mean) and F1 is computed from
those two means.

The corpus is read where it lies (never copied into the repository):
``--corpus PATH``, else ``$PRESSMON_EXTRACTION_CORPUS``, else
``shared/corpora/article-extraction-benchmark`` beside the repository (or
beside its parent directory, for a git worktree). When it is absent the
script says so and exits 0.

Usage::

    python benchmarks/extraction.py                  # every engine
    python benchmarks/extraction.py --engine bs4     # one engine
    python benchmarks/extraction.py --worst 10       # also list the 10 worst pages per engine

Each page is timed ``--repeat`` times (3) and its best time kept, so that a
busy machine does not inflate the median; the scores come from the last run.
Besides the published figures, trafilatura itself (``trafilatura.extract`` on
the page bytes, comments excluded) is measured in the same run as a peer.
The exit code is 1 when an engine misses the issue's target.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS_NAME = Path("shared") / "corpora" / "article-extraction-benchmark"

# Published figures on these 181 pages (F1, precision, recall, median ms per page),
# as the corpus README gives them.
PUBLISHED = {
    "trafilatura 2.3": (0.960, 0.942, 0.978, 11.0),
    "readability-lxml": (0.955, 0.935, 0.975, 11.0),
    "newspaper4k": (0.938, 0.964, 0.913, 53.0),
    "goose3": (0.875, 0.931, 0.825, 42.0),
}
# The targets: F1 and (for the default engine) median ms per page.
TARGETS = {"bs4": (0.93, 15.0), "trafilatura": (0.96, None)}

_TOKEN = re.compile(r"\w+", re.UNICODE)
_SHINGLE = 4


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The multiset of 4-token shingles of a text (a shorter text is one shingle)."""
    tokens = _TOKEN.findall(text or "")
    count = max(1, len(tokens) - _SHINGLE + 1)
    return Counter(shingle for i in range(count) if (shingle := tuple(tokens[i : i + _SHINGLE])))


def page_scores(expected: str, predicted: str) -> tuple[float, float, float]:
    """True positives, false positives and false negatives of one page, normalized to sum 1."""
    truth, guess = shingles(expected), shingles(predicted)
    tp = fp = fn = 0
    for key in truth.keys() | guess.keys():
        t, g = truth.get(key, 0), guess.get(key, 0)
        tp += min(t, g)
        fp += max(0, g - t)
        fn += max(0, t - g)
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


@dataclass
class Result:
    """One engine's figures over the corpus."""

    engine: str
    precision: float
    recall: float
    f1: float
    median_ms: float
    pages: int
    not_article: int
    per_page: list[tuple[str, float, float]]  # (id, precision, recall)


def find_corpus(explicit: str | None) -> Path | None:
    """The corpus directory, or None when it is not on this machine."""
    candidates = []
    if explicit:
        candidates.append(Path(explicit))
    elif os.environ.get("PRESSMON_EXTRACTION_CORPUS"):
        candidates.append(Path(os.environ["PRESSMON_EXTRACTION_CORPUS"]))
    else:
        candidates += [ROOT.parent / CORPUS_NAME, ROOT.parent.parent / CORPUS_NAME]
    for candidate in candidates:
        if (candidate / "ground-truth.json").is_file() and (candidate / "html").is_dir():
            return candidate
    return None


def load_corpus(corpus: Path) -> list[tuple[str, str | None, bytes, str]]:
    """(id, url, page bytes, expected text) for every page of the corpus."""
    truth = json.loads((corpus / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth):
        path = corpus / "html" / f"{page_id}.html.gz"
        if not path.is_file():
            continue
        record = truth[page_id]
        pages.append(
            (page_id, record.get("url"), gzip.decompress(path.read_bytes()), record["articleBody"])
        )
    return pages


def _pressmon(engine: str) -> Callable[[bytes, str | None], tuple[str, bool]]:
    import pressmon

    def extract(data: bytes, url: str | None) -> tuple[str, bool]:
        article = pressmon.extract_article(data, url=url, engine=engine)  # type: ignore[arg-type]
        ok = article.extraction is None or article.extraction.status == "ok"
        return article.text, ok

    return extract


def _trafilatura_direct(data: bytes, url: str | None) -> tuple[str, bool]:
    """The peer: trafilatura itself, on the page bytes, with its default settings."""
    import trafilatura

    return trafilatura.extract(data, url=url, include_comments=False) or "", True


def run_engine(
    engine: str,
    pages: list[tuple[str, str | None, bytes, str]],
    repeat: int = 3,
    extract: Callable[[bytes, str | None], tuple[str, bool]] | None = None,
) -> Result:
    """Extract every page with one engine; score it, and time it (best of ``repeat`` runs)."""
    extract = extract or _pressmon(engine)
    # Warm up: imports and lazily built tables are not part of a page's time.
    extract(pages[0][2], pages[0][1])
    scores, per_page, times = [], [], []
    not_article = 0
    for page_id, url, data, expected in pages:
        best = float("inf")
        for _ in range(max(1, repeat)):
            started = time.perf_counter()
            text, ok = extract(data, url)
            best = min(best, (time.perf_counter() - started) * 1000)
        times.append(best)
        if not ok:
            not_article += 1
        tp, fp, fn = page_scores(expected, text)
        scores.append((tp, fp, fn))
        precision = tp / (tp + fp) if tp + fp > 0 else float("nan")
        recall = tp / (tp + fn) if tp + fn > 0 else float("nan")
        per_page.append((page_id, precision, recall))
    precisions = [tp / (tp + fp) for tp, fp, _ in scores if tp + fp > 0]
    recalls = [tp / (tp + fn) for tp, _, fn in scores if tp + fn > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Result(
        engine=engine,
        precision=precision,
        recall=recall,
        f1=f1,
        median_ms=statistics.median(times),
        pages=len(pages),
        not_article=not_article,
        per_page=per_page,
    )


def available_engines() -> list[str]:
    """The engines this environment can run (trafilatura needs ``pressmon[fulltext]``)."""
    engines = ["bs4"]
    try:
        import trafilatura  # noqa: F401 - only probing whether the extra is installed
    except ImportError:
        print("trafilatura is not installed (pip install 'pressmon[fulltext]'): engine skipped")
    else:
        engines.append("trafilatura")
    return engines


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", help="the corpus directory (ground-truth.json, html/)")
    parser.add_argument("--engine", choices=["bs4", "trafilatura"], action="append")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages per engine")
    parser.add_argument(
        "--repeat", type=int, default=3, help="time each page N times and keep the best (3)"
    )
    args = parser.parse_args(argv)

    corpus = find_corpus(args.corpus)
    if corpus is None:
        where = args.corpus or os.environ.get("PRESSMON_EXTRACTION_CORPUS")
        looked = where or f"{CORPUS_NAME} beside the repository"
        print(
            f"article extraction benchmark: corpus not found at {looked} (it needs "
            "ground-truth.json and html/; give its directory with --corpus or "
            "PRESSMON_EXTRACTION_CORPUS); nothing measured."
        )
        return 0
    pages = load_corpus(corpus)
    if not pages:
        print(f"article extraction benchmark: no pages under {corpus}; nothing measured.")
        return 0
    engines = args.engine or available_engines()
    print(f"corpus: {corpus} ({len(pages)} pages)")
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print()
    results = [run_engine(engine, pages, args.repeat) for engine in engines]
    peers = []
    if "trafilatura" in engines:
        peers.append(run_engine("trafilatura", pages, args.repeat, extract=_trafilatura_direct))

    header = f"{'extractor':<28} {'F1':>6} {'prec.':>6} {'recall':>6} {'ms/page':>8}"
    print(header)
    print("-" * len(header))
    for result in results:
        label = f"pressmon engine={result.engine}"
        print(
            f"{label:<28} {result.f1:>6.3f} {result.precision:>6.3f} {result.recall:>6.3f} "
            f"{result.median_ms:>8.1f}"
        )
    for peer in peers:
        label = "trafilatura.extract (here)"
        print(
            f"{label:<28} {peer.f1:>6.3f} {peer.precision:>6.3f} {peer.recall:>6.3f} "
            f"{peer.median_ms:>8.1f}"
        )
    for name, (f1, precision, recall, ms) in PUBLISHED.items():
        label = f"{name} (published)"
        print(f"{label:<28} {f1:>6.3f} {precision:>6.3f} {recall:>6.3f} {ms:>8.1f}")
    print()
    for peer in peers:
        for result in results:
            print(
                f"engine={result.engine}: {result.median_ms / peer.median_ms:.2f}x the median "
                "time of trafilatura.extract on this machine, in this run"
            )
    failed = False
    for result in results:
        target_f1, target_ms = TARGETS.get(result.engine, (None, None))
        checks = []
        if target_f1 is not None:
            ok = result.f1 >= target_f1
            failed |= not ok
            checks.append(f"F1 {result.f1:.3f} {'>=' if ok else '<'} {target_f1:.2f}")
        if target_ms is not None:
            ok = result.median_ms <= target_ms
            failed |= not ok
            checks.append(f"median {result.median_ms:.1f} ms {'<=' if ok else '>'} {target_ms:.0f}")
        print(
            f"engine={result.engine}: {'; '.join(checks) or 'no target'}; "
            f"{result.not_article} of {result.pages} pages reported as not articles"
        )
    for result in results:
        if args.worst:
            print(f"\nworst pages for engine={result.engine} (F1, precision, recall, id):")
            ranked = sorted(
                result.per_page,
                key=lambda row: _f1(row[1], row[2]),
            )
            for page_id, precision, recall in ranked[: args.worst]:
                f1 = _f1(precision, recall)
                print(f"  {f1:.3f} {precision:.3f} {recall:.3f} {page_id}")
    return 1 if failed else 0


def _f1(precision: float, recall: float) -> float:
    if precision != precision or recall != recall or precision + recall == 0:  # NaN or zero
        return 0.0
    return 2 * precision * recall / (precision + recall)


if __name__ == "__main__":
    sys.exit(main())

"""Detection speed: every built-in topic over 10,000 articles of about 4 KB, on one core.

    python benchmarks/detect.py [--articles 10000] [--size 4000] [--repeat 3]

The articles are cut from real news text (the article-extraction benchmark's
ground truth under ../shared/, when present; otherwise a generated multilingual
text) with, in one article out of twenty, a sentence about Alpine's US plans
or a look-alike (F1, skiing, Linux, another brand) inserted, so that the
windows, exclusions and scoring really run. Printed: MB of text per second for

- ``pressmon.detect``: fold, one pass of the compiled matcher, windows and scores,
  for every built-in topic (the figure the issue asks for: >= 10 MB/s); most
  articles are dismissed by the gate (no term of a required group);
- the same when every article names the brand in its title, so that no article
  is dismissed early by the first gate;
- the same when every article names the brand **and** the market in its first
  sentence, so that no article is dismissed at all: matching, sentences, windows
  and scores run on every one (the worst case);
- its parts: folding alone, folding + matching alone;
- two peers in the same run: the topic's naive keyword query (one regular
  expression per term, as a news alert would do it), and the "one regular
  expression per term per article" approach over all the topic's terms.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

from _smoke import shrink

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent.parent / "shared" / "corpora" / "article-extraction-benchmark"
SHARED_CANDIDATES = [
    SHARED,
    ROOT.parent / "shared" / "corpora" / "article-extraction-benchmark",
    Path("/work/shared/corpora/article-extraction-benchmark"),
]

INSERTS = [
    "Alpine will enter the United States in 2027, selling its cars through AutoNation dealers.",
    "La marque Alpine reporte son arrivée aux États-Unis à cause des droits de douane.",
    "Alpine verschiebt den US-Start, sagte Finanzchef Duncan Minto.",
    "Gasly scored points for Alpine at the United States Grand Prix in Austin.",
    "Mikaela Shiffrin won again as the U.S. Alpine team celebrated in Killington.",
    "Alpine Linux images are popular in US container registries.",
    "Cupra delays its US launch to the end of the decade.",
    "Alpine llegará a Estados Unidos con un SUV eléctrico y la nueva A110.",
]


def _corpus() -> tuple[str, str]:
    for folder in SHARED_CANDIDATES:
        truth = folder / "ground-truth.json"
        if truth.is_file():
            data = json.loads(truth.read_text(encoding="utf-8"))
            text = "\n\n".join(item["articleBody"] for item in data.values())
            return text, f"real news text from {folder} ({len(text) / 1e6:.2f} MB, recycled)"
    rng = random.Random(7)
    words = (
        "the market company said year new will would people government also after first "
        "plans États-Unis marché voiture Markt Händler mercado coche mercato società "
        "launch sales Renault dealers election prices team season report growth"
    ).split()
    sentences = [
        " ".join(rng.choice(words) for _ in range(rng.randint(8, 25))).capitalize() + "."
        for _ in range(20000)
    ]
    return " ".join(sentences), "generated text (the shared corpus is absent)"


def _articles(count: int, size: int) -> tuple[list[object], int, str]:
    from pressmon import Article

    text, origin = _corpus()
    rng = random.Random(42)
    articles = []
    total = 0
    for index in range(count):
        start = rng.randrange(0, max(1, len(text) - size))
        body = text[start : start + size]
        title = body[:80].split("\n")[0]
        if index % 20 == 0:
            cut = rng.randrange(0, len(body))
            body = body[:cut] + " " + rng.choice(INSERTS) + " " + body[cut:]
        articles.append(Article(title=title, text=body))
        total += len(title.encode()) + len(body.encode())
    return articles, total, origin


def _time(function: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - began)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=4_000, help="characters of text per article")
    parser.add_argument("--repeat", type=int, default=3)
    args = shrink(parser.parse_args(), articles=40, repeat=1)

    import pressmon
    from pressmon._detect import _engine, builtin_topics, fold
    from pressmon._detect._engine import reading_fields
    from pressmon.evaluate import compile_query

    articles, total, origin = _articles(args.articles, args.size)
    megabytes = total / 1e6
    print(f"python {platform.python_version()} on {platform.machine()}, one core")
    print(f"{len(articles)} articles, {megabytes:.1f} MB of text: {origin}")
    topics = list(builtin_topics().values())
    pressmon.detect(articles[0])  # compile the topics once, outside the timing
    engine = _engine.Engine(topics)

    flagged = sum(1 for article in articles if pressmon.detect(article))  # type: ignore[arg-type]

    def run_detect() -> None:
        for article in articles:
            pressmon.detect(article)  # type: ignore[arg-type]

    def run_fold() -> None:
        for article in articles:
            for _, text in reading_fields(article):  # type: ignore[arg-type]
                fold(text)

    def run_match() -> None:
        for article in articles:
            for _, text in reading_fields(article):  # type: ignore[arg-type]
                engine.matcher.find(fold(text))

    from pressmon import Article

    every = [
        Article(title=f"Alpine {article.title}", text=article.text)  # type: ignore[attr-defined]
        for article in articles
    ]

    def run_detect_every() -> None:
        for article in every:
            pressmon.detect(article)

    both = [
        Article(
            title=article.title,  # type: ignore[attr-defined]
            text=f"Alpine will sell cars in the United States. {article.text}",  # type: ignore[attr-defined]
        )
        for article in articles
    ]

    def run_detect_both() -> None:
        for article in both:
            pressmon.detect(article)

    query = compile_query(topics[0].baseline)

    def run_query() -> None:
        for article in articles:
            query(fold(f"{article.title}\n{article.text}").text)  # type: ignore[attr-defined]

    terms = sorted(
        {term for group in topics[0].groups.values() for term, _, _ in group.all_terms()}
    )
    patterns = [re.compile(rf"(?<!\w){re.escape(fold(term).text)}(?!\w)") for term in terms]
    sample = articles[: max(1, len(articles) // 20)]
    sample_mb = sum(len(a.title) + len(a.text) for a in sample) / 1e6  # type: ignore[attr-defined]

    def run_per_term() -> None:
        for article in sample:
            folded = fold(f"{article.title}\n{article.text}").text  # type: ignore[attr-defined]
            for pattern in patterns:
                pattern.search(folded)

    rows = [
        ("pressmon.detect (all built-in topics)", _time(run_detect, args.repeat), megabytes),
        (
            "pressmon.detect, 'Alpine' in every title",
            _time(run_detect_every, args.repeat),
            megabytes,
        ),
        (
            "pressmon.detect, worst case: brand and market in every article",
            _time(run_detect_both, args.repeat),
            sum(len(a.title.encode()) + len(a.text.encode()) for a in both) / 1e6,
        ),
        ("  fold only", _time(run_fold, args.repeat), megabytes),
        ("  fold + one-pass matcher", _time(run_match, args.repeat), megabytes),
        ("peer: naive keyword query (topic baseline)", _time(run_query, args.repeat), megabytes),
        (
            f"peer: one regex per term per article ({len(patterns)} terms, 1/20 sample)",
            _time(run_per_term, 1),
            sample_mb,
        ),
    ]
    reference = megabytes / rows[0][1]
    flagged_both = sum(1 for article in both if pressmon.detect(article))
    print(f"{flagged} articles flagged ({flagged_both} with brand and market in every one)\n")
    print(
        f"{'pressmon.detect, brand and market in every article':<62} "
        f"{_time(run_detect_both, 1) / len(both) * 1e6:>8.0f} us per article"
    )
    print(f"{'':<62} {'seconds':>8} {'MB/s':>7} {'vs detect':>9}")
    for name, seconds, size in rows:
        speed = size / seconds
        print(f"{name:<62} {seconds:>8.2f} {speed:>7.1f} {speed / reference:>8.2f}x")


if __name__ == "__main__":
    main()

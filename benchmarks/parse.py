"""Parse throughput: pressmon (parse + normalize + detect) against ``feedparser.parse`` alone.

Generates, deterministically, 60 feeds of 50 items (French and English, RSS 2.0
and Atom, ~3 KB HTML bodies with realistic markup), then times on the same
bytes, in the same run, best of ``--repeat`` rounds:

(a) ``feedparser.parse`` alone (what feedparser-based tools such as reader pay);
(b) ``pressmon.parse_feed`` (fast path first) + ``pressmon.detect`` on every article;
(c) ``pressmon.parse_feed`` forced through feedparser + ``pressmon.detect``;
(d) ``pressmon.parse_feed`` alone (fast path), without detection;
(e) ``pressmon.parse_feeds`` (the same as (d), in a process pool, feeds returned);
(f) (d) in a process pool whose results stay in the workers (the pool's ceiling).

The contenders take turns within each round (a, b, c, d, e, f, then again), so
that a change in the machine's load between rounds weighs on all of them alike;
each keeps its best round. The load average before and after is printed.

With ``--corpus text`` the feeds are text-heavy instead (``benchmarks/_textfeeds.py``:
light HTML, ``<p>`` only, ~3 KB of plain French or English text per item, languages
declared by the RSS half only), and ``--topical SHARE`` of the items name Alpine and
the US market (0.1: one in ten; 1.0: every item, as on a Grand Prix weekend in Miami).

Run:  python benchmarks/parse.py [--repeat 3] [--profile] [--corpus text --topical 0.1]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape

from _machine import machine
from _smoke import SMOKE, shrink

FEEDS = 60
ITEMS = 50

FR_WORDS = (
    "le groupe Renault confirme que la marque Alpine prépare son arrivée sur le marché "
    "américain avec un réseau de concessionnaires et une gamme électrique dès 2027 selon "
    "la direction qui a présenté ses résultats aux analystes lors d'une conférence à Paris "
    "où les journalistes ont interrogé les dirigeants sur les ventes en Europe et en Chine"
).split()
EN_WORDS = (
    "the company said its sports car brand will enter the United States market with a "
    "dealer network and an electric lineup as early as 2027 according to executives who "
    "presented the results to analysts during a conference where reporters asked about "
    "sales in Europe and China and the outlook for the coming quarters of the year"
).split()


def _sentence(rng: random.Random, words: list[str]) -> str:
    chosen = [rng.choice(words) for _ in range(rng.randint(12, 24))]
    chosen[0] = chosen[0].capitalize()
    return " ".join(chosen) + "."


def _body(rng: random.Random, words: list[str]) -> str:
    parts: list[str] = []
    while sum(map(len, parts)) < 3000:
        kind = rng.random()
        if kind < 0.6:
            sentences = " ".join(_sentence(rng, words) for _ in range(rng.randint(2, 4)))
            target = f"https://news.test/{rng.randint(1, 9999)}?utm_source=rss"
            link = f'<a href="{target}">{rng.choice(words)}</a>'
            parts.append(f"<p>{sentences} <strong>{rng.choice(words)}</strong> {link}.</p>")
        elif kind < 0.7:
            parts.append(f"<h2>{_sentence(rng, words)}</h2>")
        elif kind < 0.8:
            items = "".join(f"<li>{_sentence(rng, words)}</li>" for _ in range(3))
            parts.append(f"<ul>{items}</ul>")
        elif kind < 0.9:
            parts.append(
                f'<figure><img src="/img/{rng.randint(1, 999)}.jpg" alt="photo" '
                f'width="640" height="360"><figcaption>{_sentence(rng, words)}'
                "</figcaption></figure>"
            )
        else:
            parts.append(
                f"<blockquote><p>« {_sentence(rng, words)} »</p></blockquote>"
                "<script>window.dataLayer=window.dataLayer||[];</script>"
            )
    return "".join(parts)


def make_feeds(seed: int = 7) -> list[tuple[str, bytes]]:
    """Return ``(url, bytes)`` for FEEDS feeds of ITEMS items each."""
    rng = random.Random(seed)
    start = datetime(2024, 5, 6, 12, 0, tzinfo=timezone.utc)
    feeds = []
    for number in range(FEEDS):
        french = number % 2 == 0
        words = FR_WORDS if french else EN_WORDS
        site = f"https://{'journal' if french else 'herald'}{number}.test"
        if number % 3 == 2:
            entries = []
            for item in range(ITEMS):
                when = (start - timedelta(minutes=37 * item)).strftime("%Y-%m-%dT%H:%M:%SZ")
                body = _body(rng, words)
                entries.append(
                    f"<entry><title>{escape(_sentence(rng, words))}</title>"
                    f'<link rel="alternate" type="text/html" '
                    f'href="{site}/a/{item}.html?utm_medium=feed"/>'
                    f"<id>tag:{site[8:]},2024:{item}</id><updated>{when}</updated>"
                    f"<published>{when}</published><author><name>Staff Writer</name></author>"
                    f'<category term="auto"/><summary type="html">{escape(body[:400])}</summary>'
                    f'<content type="html">{escape(body)}</content></entry>'
                )
            document = (
                '<?xml version="1.0" encoding="utf-8"?>'
                f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{"fr" if french else "en"}">'
                f'<title>Feed {number}</title><link href="{site}/"/><id>{site}/</id>'
                f"<updated>{start:%Y-%m-%dT%H:%M:%SZ}</updated>{''.join(entries)}</feed>"
            )
        else:
            items = []
            for item in range(ITEMS):
                when = (start - timedelta(minutes=37 * item)).strftime(
                    "%a, %d %b %Y %H:%M:%S +0000"
                )
                body = _body(rng, words)
                summary = body if item % 4 == 0 else body[: body.find("</p>") + 4]
                items.append(
                    f"<item><title>{escape(_sentence(rng, words))}</title>"
                    f"<link>{site}/article/{item}.html?utm_source=rss&amp;utm_medium=feed</link>"
                    f'<guid isPermaLink="false">{site[8:]}-{item}</guid><pubDate>{when}</pubDate>'
                    f"<dc:creator>Rédaction</dc:creator><category>Auto</category>"
                    f'<media:content url="{site}/img/{item}.jpg" medium="image" type="image/jpeg"/>'
                    f"<description><![CDATA[{summary}]]></description>"
                    f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
                )
            document = (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">'
                f"<channel><title>Feed {number}</title><link>{site}/</link>"
                f"<description>News</description><language>{'fr' if french else 'en'}</language>"
                f"{''.join(items)}</channel></rss>"
            )
        feeds.append((f"{site}/feed.xml", document.encode("utf-8")))
    return feeds


def _parse_chunk(chunk: list[tuple[str, bytes]], fetched: datetime) -> int:
    import pressmon

    return sum(
        len(pressmon.parse_feed(data, url=url, fetched_at=fetched).articles) for url, data in chunk
    )


def _interleaved(
    rounds: int, contenders: dict[str, Callable[[], int]]
) -> dict[str, tuple[float, int]]:
    """Best time and count of each contender, the contenders taking turns in each round."""
    best: dict[str, tuple[float, int]] = {}
    for _ in range(rounds):
        for key, work in contenders.items():
            started = time.perf_counter()
            count = work()
            elapsed = time.perf_counter() - started
            if key not in best or elapsed < best[key][0]:
                best[key] = (elapsed, count)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary of (b)")
    parser.add_argument(
        "--corpus",
        choices=("markup", "text"),
        default="markup",
        help="markup-heavy bodies (default) or light HTML around plain text",
    )
    parser.add_argument(
        "--topical",
        type=float,
        default=0.1,
        metavar="SHARE",
        help="with --corpus text: the share of items naming Alpine and the US market",
    )
    args = shrink(parser.parse_args(), repeat=1)
    if SMOKE:
        global FEEDS, ITEMS
        FEEDS, ITEMS = 3, 5

    import feedparser

    import pressmon
    from pressmon._parse import parse_raw, use_parser

    if args.corpus == "text":
        from _textfeeds import make_text_feeds

        feeds = make_text_feeds(FEEDS, ITEMS, topical=args.topical)
    else:
        feeds = make_feeds()
    total_bytes = sum(len(data) for _, data in feeds)
    fetched = datetime(2024, 5, 6, tzinfo=timezone.utc)
    paths = {parse_raw(data, url=url).parser for url, data in feeds}
    # Warm up: imports, compiled patterns, topic compilation.
    pressmon.detect(pressmon.parse_feed(feeds[0][1], url=feeds[0][0]).articles[0])

    def feedparser_alone() -> int:
        return sum(
            len(
                feedparser.parse(
                    io.BytesIO(data), response_headers={"content-location": url}
                ).entries
            )
            for url, data in feeds
        )

    def pressmon_full() -> int:
        count = 0
        for url, data in feeds:
            for article in pressmon.parse_feed(data, url=url, fetched_at=fetched).articles:
                pressmon.detect(article)
                count += 1
        return count

    def pressmon_via_feedparser() -> int:
        with use_parser("feedparser"):
            return pressmon_full()

    def pressmon_parse_only() -> int:
        return sum(
            len(pressmon.parse_feed(data, url=url, fetched_at=fetched).articles)
            for url, data in feeds
        )

    contenders: dict[str, Callable[[], int]] = {
        "a": feedparser_alone,
        "b": pressmon_full,
        "c": pressmon_via_feedparser,
        "d": pressmon_parse_only,
    }
    workers = os.cpu_count() or 1
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        chunks = [feeds[index::workers] for index in range(workers)]

        def pooled() -> int:
            results = pressmon.parse_feeds(feeds, workers=workers, fetched_at=fetched)
            return sum(
                len(feed.articles) for feed in results if isinstance(feed, pressmon.ParsedFeed)
            )

        def pooled_counts_only() -> int:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                return sum(pool.map(_parse_chunk, chunks, [fetched] * workers))

        contenders["e"] = pooled
        contenders["f"] = pooled_counts_only

    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    results = _interleaved(args.repeat, contenders)
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    print(f"machine: {machine()}")
    print(f"load average (1 min): {load_before:.2f} before, {load_after:.2f} after")
    corpus = (
        f"text-heavy, {args.topical:.0%} of items topical" if args.corpus == "text" else "markup"
    )
    print(
        f"input: {FEEDS} feeds x {ITEMS} items ({corpus}), {total_bytes / 1e6:.1f} MB; "
        f"parse paths used: {sorted(paths)}; best of {args.repeat} interleaved rounds"
    )
    flagged = sum(
        1
        for url, data in feeds
        for article in pressmon.parse_feed(data, url=url, fetched_at=fetched).articles
        if pressmon.detect(article)
    )
    print(f"articles flagged: {flagged}")
    labels = {
        "a": "(a) feedparser.parse alone",
        "b": "(b) pressmon parse_feed + detect (fast path)",
        "c": "(c) pressmon parse_feed + detect (feedparser path)",
        "d": "(d) pressmon parse_feed alone (fast path)",
        "e": f"(e) pressmon.parse_feeds, {workers} processes",
        "f": f"(f) (d) in a pool of {workers}, results left there",
    }
    for key, (seconds, count) in results.items():
        print(
            f"{labels[key]:55} {count:5d} entries  {seconds * 1000:8.1f} ms  "
            f"{count / seconds:8.0f} entries/s"
        )
    base = results["a"][0]
    print(
        f"ratio (b)/(a), pressmon full pipeline vs feedparser alone: {base / results['b'][0]:.2f}x"
    )
    print(
        f"ratio (c)/(a), feedparser path vs feedparser alone:       {base / results['c'][0]:.2f}x"
    )
    print(
        f"ratio (d)/(a), pressmon parse+normalize vs feedparser:    {base / results['d'][0]:.2f}x"
    )
    if "e" in results:
        print(
            "ratio (e)/(d), process pool vs one process:               "
            f"{results['d'][0] / results['e'][0]:.2f}x"
        )
        print(
            "ratio (f)/(d), pool without returning the feeds:          "
            f"{results['d'][0] / results['f'][0]:.2f}x"
        )

    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(pressmon_full)
        stats = pstats.Stats(profile)
        stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()

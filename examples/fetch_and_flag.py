"""Fetch feeds and print the articles flagged for a topic, with their evidence.

python examples/fetch_and_flag.py                      # the default feeds below
python examples/fetch_and_flag.py https://example.org/feed.xml ...
"""

from __future__ import annotations

import sys

import pressmon

FEEDS = [
    "https://news.google.com/rss/search?q=Alpine+AutoNation&hl=en-US&gl=US&ceid=US:en",
    "https://news.google.com/rss/search?q=Alpine+%C3%89tats-Unis&hl=fr&gl=FR&ceid=FR:fr",
]


def main(urls: list[str]) -> int:
    results = pressmon.fetch(urls, timeout=20)
    flagged = 0
    for result in results:
        if result.error is not None:
            print(f"{result.url}: {result.error.kind}: {result.error.message}", file=sys.stderr)
            continue
        for article in result.articles:
            for flag in pressmon.detect(article, ["alpine-us-expansion"]):
                flagged += 1
                print(f"{article.title}\n  {article.url}\n  {flag.topic} {flag.score:.2f}")
                print(f"  evidence: {flag.evidence[0].text}\n")
    print(f"{flagged} flagged article(s) in {len(results)} feed(s)")
    return 0 if any(result.error is None for result in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or FEEDS))

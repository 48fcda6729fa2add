"""Monitor your own topic: load a topic file, fetch feeds, print what it flags.

    python examples/custom_topic.py [--topic TOPIC.toml] [FEED_URL ...]

The default topic is ``examples/cupra-us-launch.toml`` (another brand's US launch,
written in the same format as the built-in topics; see docs/topics.md). A topic
file can also go straight into a monitor configuration: ``topics = ["my-topic.toml"]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pressmon

DEFAULT_TOPIC = Path(__file__).resolve().parent / "cupra-us-launch.toml"
FEEDS = [
    "https://news.google.com/rss/search?q=Cupra+United+States&hl=en-US&gl=US&ceid=US:en",
    "https://news.google.com/rss/search?q=Cupra+Estados+Unidos&hl=es&gl=ES&ceid=ES:es",
]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topic", type=Path, default=DEFAULT_TOPIC, help="a topic TOML file")
    parser.add_argument("feeds", nargs="*", default=FEEDS, help="feed URLs")
    args = parser.parse_args(argv)
    try:
        topic = pressmon.load_topic(args.topic)
    except pressmon.TopicError as error:  # names the file, the key and what is wrong
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"topic {topic.name}: {topic.title}")
    flagged = 0
    for result in pressmon.fetch(args.feeds, timeout=20):
        if result.error is not None:
            print(f"{result.url}: {result.error.kind}: {result.error.message}", file=sys.stderr)
            continue
        for article in result.articles:
            for flag in pressmon.detect(article, [topic]):
                flagged += 1
                print(f"{flag.score:.2f}  {article.title}\n      {flag.evidence[0].text}")
    print(f"{flagged} article(s) flagged for {topic.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

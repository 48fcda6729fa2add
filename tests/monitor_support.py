"""Feeds and configurations for the monitor tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

AGENCY_BODY = (
    "Alpine, the sports car brand of the Renault group, will enter the United States market "
    "in 2027 with an electric SUV, its chief executive said on Tuesday. The cars will be sold "
    "through a network of AutoNation dealers in about a dozen large cities, starting on the "
    "East Coast and in California. The brand left the American market decades ago and has "
    "since focused on Europe, where it sells the A110 coupe. Analysts expect tariffs and the "
    "cost of building a dealer network to weigh on the plan, which the group will detail at "
    "its capital markets day in the spring."
)
OTHER_BODY = (
    "The French brand Alpine confirmed that its launch in the United States is postponed to "
    "the end of the decade. Its managing director told reporters that import tariffs and the "
    "price of a new distribution network in North America made the earlier date impossible, "
    "and that the electric sports car range would first grow in Europe and Japan. Dealers of "
    "the AutoNation group had been preparing showrooms for the arrival of the brand, and will "
    "now wait for a new calendar to be announced next year."
)
F1_BODY = (
    "Pierre Gasly finished seventh at the Miami Grand Prix on Sunday and scored points for the "
    "Alpine Formula One team, which had struggled since the start of the season. The team "
    "principal praised the strategy and the pit stops, and said the upgrades brought to Florida "
    "worked as expected on the long straights of the circuit. The next race is in Imola in two "
    "weeks, where the team hopes to confirm its progress in qualifying."
)


@dataclass
class Item:
    """One feed item."""

    guid: str
    title: str
    body: str
    link: str
    published: datetime = datetime(2025, 6, 2, 8, 0, tzinfo=timezone.utc)


def rss(title: str, items: Sequence[Item], link: str = "https://news.example/") -> bytes:
    """An RSS 2.0 feed."""
    entries = "".join(
        f"<item><title>{escape(item.title)}</title><link>{escape(item.link)}</link>"
        f'<guid isPermaLink="false">{escape(item.guid)}</guid>'
        f"<pubDate>{format_datetime(item.published)}</pubDate>"
        f"<description>{escape(item.body)}</description></item>"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<description>test feed</description>{entries}</channel></rss>"
    ).encode()


def wire_items() -> list[Item]:
    """A wire feed: one relevant story, one look-alike (F1)."""
    return [
        Item(
            "wire-1",
            "Alpine to enter the US with AutoNation in 2027",
            AGENCY_BODY,
            "https://wire.example/alpine-us?utm_source=rss",
        ),
        Item("wire-2", "Gasly scores at Miami", F1_BODY, "https://wire.example/f1-miami"),
    ]


def daily_items() -> list[Item]:
    """A daily paper carrying the agency story (another title, a dateline) and its own story."""
    return [
        Item(
            "daily-7",
            "Renault's Alpine heads for America",
            "PARIS (AFP) - " + AGENCY_BODY + " (With Reuters)",
            "https://daily.example/2025/alpine-america",
        ),
        Item(
            "daily-8",
            "Alpine postpones its US launch",
            OTHER_BODY,
            "https://daily.example/2025/alpine-postponed",
        ),
    ]


def write_config(
    directory: Path,
    feeds: Sequence[str],
    *,
    extra: str = "",
    sinks: str = '[[sinks]]\ntype = "jsonl"\npath = "alerts.jsonl"\n',
) -> Path:
    """A monitor configuration in ``directory`` (state and sinks beside it)."""
    lines = [
        'state = "state.db"',
        'topics = ["alpine-us-expansion"]',
        "lock_timeout = 30",
        extra,
        "[fetch]\nretries = 0\ntimeout = 10\n",
    ]
    lines.extend(f'[[feeds]]\nurl = "{url}"\n' for url in feeds)
    lines.append(sinks)
    path = directory / "monitor.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def jsonl_ids(path: Path) -> list[str]:
    """The alert ids in a JSONL sink file, in order, duplicates kept."""
    import json

    if not path.exists():
        return []
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]

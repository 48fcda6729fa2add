"""One alert per story for short items: the same headline and teaser on two feeds, with
other links and guids, on a loopback feed server and a real SQLite state, in process and
as `pressmon run` subprocesses (killed, and started two at once)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from httpserver import FeedRoute, TestServer
from monitor_support import Item, jsonl_ids, rss, write_config

from pressmon._monitor import Progress, run_monitor
from pressmon.models import RunReport

FR_TITLE = "Alpine confirme son arrivée aux États-Unis avec AutoNation"
FR_TEASER = (
    "La marque sportive du groupe Renault vendra ses voitures aux États-Unis dans le réseau "
    "de concessionnaires AutoNation dès 2027."
)
EN_TITLE = "Alpine to enter the US market with AutoNation dealers in 2027"
EN_TEASER = "Renault's sports-car brand will sell its cars in the United States through AutoNation."
WHEN = datetime(2025, 6, 2, 8, 0, tzinfo=timezone.utc)


def french(outlet: str, number: int, *, year: int = 2027) -> Item:
    """The French agency item as `outlet` carries it: its own link and guid."""
    return Item(
        f"{outlet}-{number}",
        FR_TITLE if year == 2027 else f"{FR_TITLE} en {year}",
        FR_TEASER.replace("2027", str(year)),
        f"https://{outlet}.example/{number}",
        WHEN,
    )


def english() -> Item:
    return Item("wire-en", EN_TITLE, EN_TEASER, "https://wire.example/en", WHEN)


@pytest.fixture
def outlets(http_server: TestServer) -> TestServer:
    """Two outlets carrying the French item; the first also carries the English story."""
    http_server.routes["/a.xml"] = FeedRoute(rss("Agence", [french("agence", 1), english()]))
    http_server.routes["/b.xml"] = FeedRoute(rss("Quotidien", [french("quotidien", 7)]))
    return http_server


def _config(tmp_path: Path, server: TestServer, mode: str | None = None) -> Path:
    config = write_config(tmp_path, [server.url("/a.xml"), server.url("/b.xml")])
    if mode:
        config.write_text(f'{config.read_text()}\n[dedup]\nheadlines = "{mode}"\n')
    return config


def _run(config: Path, **options: object) -> RunReport:
    return run_monitor(config, progress=Progress(io.StringIO()), stdout=io.StringIO(), **options)  # type: ignore[arg-type]


def test_the_same_short_item_on_two_feeds_is_one_alert_listing_both_copies(
    outlets: TestServer, tmp_path: Path
) -> None:
    """In one run, the French item on two feeds is one story: one alert whose article is one
    copy and whose `copies` lists the other (joined by its headline); the English story is
    another alert."""
    report = _run(_config(tmp_path, outlets))
    assert report.new_articles == 3 and report.duplicates == 1
    assert sorted(alert.article.title for alert in report.alerts) == sorted([FR_TITLE, EN_TITLE])
    fr = next(alert for alert in report.alerts if alert.article.title == FR_TITLE)
    assert [copy.url for copy in fr.copies] == ["https://quotidien.example/7"]
    assert fr.copies[0].match == "headline"
    lines = (tmp_path / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["id"] != json.loads(lines[1])["id"]


def test_a_copy_arriving_in_a_later_run_is_not_alerted_again(
    outlets: TestServer, tmp_path: Path
) -> None:
    """A third outlet publishing the item a day later joins the known story: no alert."""
    config = _config(tmp_path, outlets)
    first = _run(config, now=WHEN)
    outlets.routes["/b.xml"] = FeedRoute(
        rss("Quotidien", [french("quotidien", 7), french("hebdo", 3)])
    )
    later = _run(config, now=WHEN + timedelta(days=1))
    assert len(first.alerts) == 2
    assert later.new_articles == 1 and later.duplicates == 1 and later.alerts == ()
    assert len(jsonl_ids(tmp_path / "alerts.jsonl")) == 2


def test_another_year_is_another_story(outlets: TestServer, tmp_path: Path) -> None:
    """The same headline and teaser with 2028 instead of 2027 is alerted apart."""
    outlets.routes["/b.xml"] = FeedRoute(rss("Quotidien", [french("quotidien", 7, year=2028)]))
    report = _run(_config(tmp_path, outlets))
    titles = sorted(alert.article.title for alert in report.alerts)
    assert titles == sorted([FR_TITLE, f"{FR_TITLE} en 2028", EN_TITLE])
    assert report.duplicates == 0


def test_headlines_off_alerts_each_copy(outlets: TestServer, tmp_path: Path) -> None:
    """With `[dedup] headlines = "off"` the two copies are two stories (the rule is what
    joins them)."""
    report = _run(_config(tmp_path, outlets, "off"))
    assert len(report.alerts) == 3 and report.duplicates == 0


def _pressmon(config: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pressmon", "run", str(config)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        timeout=120,
        check=False,
    )


def _together(config: Path) -> None:
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "pressmon", "run", str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        for _ in range(2)
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert "Traceback" not in err


def test_the_issue_scenario_through_kills_and_concurrent_runs(
    outlets: TestServer, tmp_path: Path
) -> None:
    """As a scheduled job: 2 alerts (the French story on two feeds, the English one), 0 on an
    unchanged rerun, 1 for one new item; a new copied item with the run killed between
    storing and delivering, then rerun; another with two runs at once: 5 alerts in all, each
    once."""
    config = _config(tmp_path, outlets)
    alerts = tmp_path / "alerts.jsonl"
    assert _pressmon(config).returncode == 0 and len(jsonl_ids(alerts)) == 2
    assert _pressmon(config).returncode == 0 and len(jsonl_ids(alerts)) == 2

    def publish(*items: Item) -> None:
        outlets.routes["/a.xml"] = FeedRoute(
            rss("Agence", [*items, french("agence", 1), english()])
        )

    postponed = Item(
        "agence-2",
        "Alpine reporte son arrivée aux États-Unis",
        "La marque du groupe Renault repousse son lancement américain avec AutoNation.",
        "https://agence.example/2",
        WHEN,
    )
    publish(postponed)
    assert _pressmon(config).returncode == 0 and len(jsonl_ids(alerts)) == 3

    killed_story = Item(
        "agence-3",
        "Alpine ouvre un premier showroom AutoNation en Floride",
        "La marque sportive du groupe Renault prépare ses ventes aux États-Unis.",
        "https://agence.example/3",
        WHEN,
    )
    publish(killed_story, postponed)
    outlets.routes["/b.xml"] = FeedRoute(
        rss("Quotidien", [french("quotidien", 7), _copy(killed_story, "quotidien", 8)])
    )
    crashed = _pressmon(config, {"PRESSMON_TEST_CRASH_AT": "after_store"})
    assert crashed.returncode == -signal.SIGKILL
    assert _pressmon(config).returncode == 0 and len(jsonl_ids(alerts)) == 4

    together_story = Item(
        "agence-4",
        "Alpine fixe le prix de l'A390 pour le marché américain",
        "La marque du groupe Renault vendra son SUV électrique aux États-Unis via AutoNation.",
        "https://agence.example/4",
        WHEN,
    )
    publish(together_story, killed_story, postponed)
    outlets.routes["/b.xml"] = FeedRoute(
        rss("Quotidien", [_copy(together_story, "quotidien", 9), french("quotidien", 7)])
    )
    _together(config)
    ids = jsonl_ids(alerts)
    assert len(ids) == 5 and len(set(ids)) == 5
    assert _pressmon(config).returncode == 0 and jsonl_ids(alerts) == ids


def _copy(item: Item, outlet: str, number: int) -> Item:
    """The same item on another outlet: its own link and guid."""
    return Item(
        f"{outlet}-{number}",
        item.title,
        item.body,
        f"https://{outlet}.example/{number}",
        item.published,
    )


def _news_feed(items: list[tuple[str, str, str]]) -> bytes:
    """A Google News-shaped feed: `Title - Outlet`, the summary repeating both, `<source>`."""
    from xml.sax.saxutils import escape

    entries = "".join(
        f"<item><title>{escape(f'{title} - {outlet}')}</title><link>{escape(link)}</link>"
        f'<guid isPermaLink="false">{escape(link)}</guid>'
        f"<description>{escape(f'{title}  {outlet}')}</description>"
        f'<source url="https://{outlet.lower()}.example">{escape(outlet)}</source></item>'
        for title, outlet, link in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Actualités</title><link>https://news.example/</link>{entries}</channel></rss>"
    ).encode()


def test_aggregator_copies_with_other_outlets_are_one_story_under_a_feed_name(
    http_server: TestServer, tmp_path: Path
) -> None:
    """Two aggregator searches (each a configured feed with a `name`) carry the item as
    `Title - Outlet` from two outlets: one alert, and each copy keeps its outlet as its
    source (the feed's name replaces only the feed's own title)."""
    http_server.routes["/one.xml"] = FeedRoute(
        _news_feed([(FR_TITLE, "Lechos", "https://news.example/a1")])
    )
    http_server.routes["/two.xml"] = FeedRoute(
        _news_feed([(FR_TITLE, "Figaro", "https://news.example/b1")])
    )
    config = write_config(tmp_path, [])
    config.write_text(
        config.read_text()
        + "".join(
            f'\n[[feeds]]\nurl = "{http_server.url(path)}"\nname = "Search {n}"\n'
            for n, path in ((1, "/one.xml"), (2, "/two.xml"))
        ),
        encoding="utf-8",
    )
    report = _run(config)
    assert len(report.alerts) == 1 and report.duplicates == 1
    (alert,) = report.alerts
    assert alert.article.source.name == "Lechos"
    assert [(copy.source.name, copy.match) for copy in alert.copies] == [("Figaro", "headline")]

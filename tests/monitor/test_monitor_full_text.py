"""The monitor with full text: title-only feeds on a loopback server, the article pages
behind them, a real SQLite state, and `pressmon run` as a scheduled job runs it."""

from __future__ import annotations

import io
import json
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from conftest import RunPressmon
from enrichsite import RELEVANT, article_page, serve_site, site_feed
from httpserver import TestServer, make_rss, static_route, status_route

from pressmon._monitor import Progress, run_monitor
from pressmon.config import load_config
from pressmon.exceptions import ConfigError
from pressmon.models import Article, RunReport

TOPIC = "alpine-us-expansion"


def _config(
    directory: Path,
    feeds: list[str],
    *,
    feed_keys: str = "full_text = true\n",
    top: str = "",
    fetch: str = "allow_private_pages = true\n",
) -> Path:
    """A monitor configuration with a JSONL sink, the given feeds and full-text keys."""
    lines = ['state = "state.db"', f'topics = ["{TOPIC}"]', "lock_timeout = 30", top]
    lines.append(f"[fetch]\nretries = 0\ntimeout = 5\ndeadline = 5\n{fetch}")
    lines.extend(f'[[feeds]]\nurl = "{url}"\n{feed_keys}' for url in feeds)
    lines.append('[[sinks]]\ntype = "jsonl"\npath = "alerts.jsonl"\n')
    path = directory / "monitor.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _run(config: Path, log: io.StringIO | None = None, **options: Any) -> RunReport:
    progress = Progress(log if log is not None else io.StringIO(), verbose=True)
    return run_monitor(config, progress=progress, stdout=io.StringIO(), **options)


def _alerts(directory: Path) -> list[dict[str, Any]]:
    path = directory / "alerts.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _page_hits(server: TestServer) -> int:
    return sum(1 for request in server.requests if not request.path.endswith(".xml"))


def test_pressmon_run_alerts_stories_told_only_in_the_page(
    run_pressmon: RunPressmon, http_server: TestServer, tmp_path: Path
) -> None:
    """`pressmon run` on a title-only feed with `full_text = true` alerts the English and French
    stories whose relevance is only in their page, not the look-alikes; the failures keep the
    feed's text; a second run reads no page again and alerts nothing new."""
    items = serve_site(http_server)
    feed = site_feed(http_server, items["relevant"] + items["lookalike"] + items["broken"])
    relevant = sorted(item["title"] for item in items["relevant"])

    plain = _config(tmp_path, [feed], feed_keys="")
    first = run_pressmon("run", plain)
    assert first.returncode == 0, first.stderr
    assert _alerts(tmp_path) == []  # titles alone say nothing
    assert _page_hits(http_server) == 0
    (tmp_path / "state.db").unlink()

    config = _config(tmp_path, [feed])
    result = run_pressmon("run", config)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "full text of 8 new item(s): 5 ok, 1 not article, 2 failed" in result.stderr
    alerts = _alerts(tmp_path)
    assert sorted(alert["article"]["title"] for alert in alerts) == relevant
    for alert in alerts:
        assert alert["article"]["extraction"]["status"] == "ok"
        assert any(e["field"] == "text" for e in alert["flags"][0]["evidence"])
    gone = _stored(tmp_path / "state.db")["Dealer network news"]
    assert gone.extraction is not None and gone.extraction.status == "failed"
    assert gone.summary == "A short teaser the feed gives." and gone.text == ""
    hits = _page_hits(http_server)
    assert hits == 8

    again = run_pressmon("run", config)
    assert again.returncode == 0, again.stderr
    assert _page_hits(http_server) == hits  # no item is new: no page is read
    assert len(_alerts(tmp_path)) == len(relevant)


def _stored(state: Path) -> dict[str, Article]:
    """Every article in the state file, by title."""
    with closing(sqlite3.connect(state)) as connection:
        rows = connection.execute("SELECT article FROM articles").fetchall()
    articles = [Article.model_validate_json(row[0]) for row in rows]
    return {article.title: article for article in articles}


def test_a_page_read_by_an_earlier_run_is_not_fetched_again(
    http_server: TestServer, tmp_path: Path
) -> None:
    """A new item in another feed linking to a page an earlier run read takes the page's text
    from the state, without a request, and is recognised as a copy of the known story."""
    items = serve_site(http_server)
    wire = site_feed(http_server, items["relevant"][:1], path="/wire.xml")
    config = _config(tmp_path, [wire])
    first = _run(config)
    assert [alert.article.title for alert in first.alerts] == [items["relevant"][0]["title"]]
    assert http_server.hits(RELEVANT[0].path) == 1

    link = items["relevant"][0]["link"] + "?utm_source=daily"
    daily = site_feed(http_server, [{"title": "Also on the daily", "link": link}], "/daily.xml")
    config = _config(tmp_path, [wire, daily])
    second = _run(config)

    assert http_server.hits(RELEVANT[0].path) == 1
    assert second.new_articles == 1 and second.duplicates == 1 and second.alerts == ()
    copy = _stored(tmp_path / "state.db")["Also on the daily"]
    assert copy.extraction is not None and copy.extraction.status == "ok"
    assert "AutoNation" in copy.text


def test_a_page_that_failed_is_read_once_for_its_item_and_a_new_one(
    http_server: TestServer, tmp_path: Path
) -> None:
    """A page that failed in an earlier run is not taken from the state: the next run asks for
    it again, once for the earlier item (tried again) and a new item linking to it, and the
    story is alerted with its first article, the new one as a copy."""
    story = RELEVANT[0]
    link = http_server.sequence(
        story.path,
        [status_route(503), static_route(article_page(story), content_type="text/html")],
    )
    first_feed = site_feed(http_server, [{"title": "First", "link": link}], "/first.xml")
    first = _run(_config(tmp_path, [first_feed]))
    assert first.alerts == () and http_server.hits(story.path) == 1

    second_feed = site_feed(http_server, [{"title": "Second", "link": link}], "/second.xml")
    second = _run(_config(tmp_path, [first_feed, second_feed]))
    assert http_server.hits(story.path) == 2
    assert [alert.article.title for alert in second.alerts] == ["First"]
    assert [copy.title for copy in second.alerts[0].copies] == ["Second"]


def test_a_page_that_failed_for_a_while_is_tried_again_on_the_next_run(
    http_server: TestServer, tmp_path: Path
) -> None:
    """An item whose page answered 503 is stored with the feed's text, marked temporary; the
    next run (the feed unchanged: 304) reads the page again, detects on its text, alerts the
    story once and stores the text; a third run asks for nothing more."""
    story = RELEVANT[0]
    link = http_server.sequence(
        story.path,
        [status_route(503), static_route(article_page(story), content_type="text/html")],
    )
    feed = site_feed(http_server, [{"title": story.feed_title, "link": link}])
    config = _config(tmp_path, [feed])
    log = io.StringIO()

    first = _run(config)
    assert first.alerts == () and first.new_articles == 1
    (stored,) = _stored(tmp_path / "state.db").values()
    assert stored.extraction is not None
    assert (stored.extraction.status, stored.extraction.temporary) == ("failed", True)

    second = _run(config, log)
    assert [alert.article.title for alert in second.alerts] == [story.feed_title]
    assert second.new_articles == 0 and http_server.hits(story.path) == 2
    assert "full text of 1 earlier item(s) tried again: 1 ok" in log.getvalue()
    (stored,) = _stored(tmp_path / "state.db").values()
    assert stored.extraction is not None and stored.extraction.status == "ok"
    assert "AutoNation" in stored.text
    assert [alert["article"]["title"] for alert in _alerts(tmp_path)] == [story.feed_title]

    third = _run(config)
    assert third.alerts == () and http_server.hits(story.path) == 2
    assert len(_alerts(tmp_path)) == 1


def test_a_failed_page_of_a_moved_feed_is_tried_again(
    http_server: TestServer, tmp_path: Path
) -> None:
    """When the configured feed URL moved for good (301), its items carry the new URL; their
    failed pages are still tried again on the next run."""
    story = RELEVANT[0]
    link = http_server.sequence(
        story.path,
        [status_route(503), static_route(article_page(story), content_type="text/html")],
    )
    moved = site_feed(http_server, [{"title": story.feed_title, "link": link}], "/new.xml")
    old = http_server.redirect("/old.xml", moved)
    config = _config(tmp_path, [old])

    first = _run(config)
    assert first.alerts == () and first.feeds[0].moved_to == moved
    second = _run(config)
    assert [alert.article.title for alert in second.alerts] == [story.feed_title]
    assert http_server.hits(story.path) == 2


@pytest.mark.parametrize(
    ("route", "top", "later", "temporary"),
    [
        pytest.param(status_route(404), "", timedelta(hours=1), False, id="404-is-final"),
        pytest.param(status_route(503), "", timedelta(hours=25), True, id="older-than-a-day"),
        pytest.param(
            status_route(503), "full_text_retry_hours = 0", timedelta(hours=1), True, id="off"
        ),
    ],
)
def test_pages_not_tried_again(
    http_server: TestServer,
    tmp_path: Path,
    route: Any,
    top: str,
    later: timedelta,
    temporary: bool,
) -> None:
    """A page that answered 404 is not asked for again, nor a page that failed when its item
    is older than `full_text_retry_hours` (24 by default), nor any page when it is 0."""
    story = RELEVANT[0]
    link = http_server.route(story.path, route)
    feed = site_feed(http_server, [{"title": story.feed_title, "link": link}])
    config = _config(tmp_path, [feed], top=top)
    start = datetime(2025, 6, 2, 8, 0, tzinfo=timezone.utc)
    _run(config, now=start)
    (stored,) = _stored(tmp_path / "state.db").values()
    assert stored.extraction is not None and stored.extraction.temporary is temporary

    again = _run(config, now=start + later)
    assert again.alerts == () and http_server.hits(story.path) == 1


def test_links_to_loopback_are_not_followed_unless_allowed(
    http_server: TestServer, tmp_path: Path
) -> None:
    """Without `allow_private_pages`, the monitor does not follow item links to 127.0.0.1:
    no page request, the items are stored as skipped, no alert."""
    items = serve_site(http_server)
    feed = site_feed(http_server, items["relevant"])
    log = io.StringIO()
    report = _run(_config(tmp_path, [feed], fetch=""), log)
    assert report.alerts == () and report.new_articles == 2
    assert _page_hits(http_server) == 0
    assert "full text of 2 new item(s): 2 skipped" in log.getvalue()
    assert "allow_private_pages = true" in log.getvalue()  # the verbose detail says how


def test_top_level_full_text_and_a_feed_that_opts_out(
    http_server: TestServer, tmp_path: Path
) -> None:
    """A top-level `full_text = "all"` applies to every feed, even to items with a long
    summary; a feed with `full_text = false` is left alone."""
    items = serve_site(http_server)
    long = [{**items["relevant"][0], "description": "A long summary of the day. " * 30}]
    reading = site_feed(http_server, long, "/reading.xml")
    ignored = site_feed(http_server, items["relevant"][1:], "/ignored.xml")
    path = tmp_path / "monitor.toml"
    path.write_text(
        f'state = "state.db"\ntopics = ["{TOPIC}"]\nfull_text = "all"\n'
        "[fetch]\nretries = 0\nallow_private_pages = true\n"
        f'[[feeds]]\nurl = "{reading}"\n'
        f'[[feeds]]\nurl = "{ignored}"\nfull_text = false\n'
        '[[sinks]]\ntype = "jsonl"\npath = "alerts.jsonl"\n',
        encoding="utf-8",
    )
    report = _run(path)
    assert [alert.article.title for alert in report.alerts] == [long[0]["title"]]
    assert http_server.hits(RELEVANT[0].path) == 1 and http_server.hits(RELEVANT[1].path) == 0


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('full_text = "sometimes"\n[[feeds]]\nurl = "https://a.example/f"\n', "full_text"),
        ('[[feeds]]\nurl = "https://a.example/f"\nfull_text = 3\n', "feeds.0.full_text"),
        (
            '[fetch]\nallow_private_pages = "perhaps"\n[[feeds]]\nurl = "https://a.example/f"\n',
            "fetch.allow_private_pages",
        ),
    ],
)
def test_bad_full_text_keys_name_the_key(tmp_path: Path, text: str, key: str) -> None:
    """A wrong full_text or allow_private_pages value is a ConfigError naming the key."""
    path = tmp_path / "monitor.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == key
    if "full_text" in key:
        assert '"all"' in str(caught.value)


def test_feed_file_entries_take_the_top_level_full_text(tmp_path: Path) -> None:
    """Feeds listed in `feeds_file` have no keys of their own: the top-level full_text applies."""
    (tmp_path / "feeds.txt").write_text("https://a.example/feed.xml\n", encoding="utf-8")
    path = tmp_path / "monitor.toml"
    path.write_text('full_text = true\nfeeds_file = "feeds.txt"\n', encoding="utf-8")
    config = load_config(path)
    (feed,) = config.all_feeds()
    assert feed.full_text is None and config.full_text is True


def test_unchanged_feed_reads_no_page(http_server: TestServer, tmp_path: Path) -> None:
    """A feed answering 304 on the next run gives no article, so no page is read."""
    items = serve_site(http_server)
    http_server.static("/etag.xml", make_rss("Daily", items["relevant"]), etag='"v1"')
    config = _config(tmp_path, [http_server.url("/etag.xml")])
    first = _run(config)
    assert len(first.alerts) == 2
    hits = _page_hits(http_server)
    second = _run(config)
    assert [feed.status for feed in second.feeds] == ["not_modified"]
    assert _page_hits(http_server) == hits


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_pages_on_the_progress_bar(
    http_server: TestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal, reading the pages shows its own bar after the feeds' one, erased after."""
    monkeypatch.delenv("TERM", raising=False)
    items = serve_site(http_server)
    feed = site_feed(http_server, items["relevant"] + items["lookalike"])
    terminal = _Terminal()
    run_monitor(_config(tmp_path, [feed]), progress=Progress(terminal), stdout=io.StringIO())
    shown = terminal.getvalue()
    assert "\rpressmon: fetching [" in shown and "1/1 feeds" in shown
    assert "\rpressmon: reading [" in shown and "5/5 pages" in shown
    assert shown.index("1/1 feeds") < shown.index("5/5 pages")
    assert "\r\x1b[K" in shown[shown.index("5/5 pages") :]

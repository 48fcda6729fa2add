"""The monitor, run in-process against a loopback feed server and a real SQLite file."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from httpserver import FeedRoute, TestServer
from monitor_support import (
    AGENCY_BODY,
    Item,
    daily_items,
    jsonl_ids,
    rss,
    wire_items,
    write_config,
)

from pressmon._monitor import Progress, alert_id, run_monitor
from pressmon._store import SQLiteStore
from pressmon.config import load_config
from pressmon.models import RunReport


def run(config: Path, **options: Any) -> RunReport:
    progress = Progress(io.StringIO(), verbose=True)
    return run_monitor(config, progress=progress, stdout=io.StringIO(), **options)


def test_first_run_alerts_each_story_once_listing_the_syndicated_copy(
    feed_server: TestServer, tmp_path: Path
) -> None:
    """Two relevant stories give two alerts; the agency copy on the daily is listed, not
    alerted; the F1 look-alike is not alerted."""
    config = write_config(tmp_path, [feed_server.url("/wire.xml"), feed_server.url("/daily.xml")])
    report = run(config)
    assert [feed.status for feed in report.feeds] == ["ok", "ok"]
    assert report.new_articles == 4 and report.duplicates == 1
    titles = sorted(alert.article.title for alert in report.alerts)
    assert titles == [
        "Alpine postpones its US launch",
        "Alpine to enter the US with AutoNation in 2027",
    ]
    agency = next(alert for alert in report.alerts if "2027" in alert.article.title)
    assert [copy.url for copy in agency.copies] == ["https://daily.example/2025/alpine-america"]
    assert agency.copies[0].match == "text"
    assert jsonl_ids(tmp_path / "alerts.jsonl") == [alert.id for alert in report.alerts]
    record = json.loads((tmp_path / "alerts.jsonl").read_text().splitlines()[0])
    assert record["flags"][0]["evidence"] and record["article"]["url"]
    assert report.delivered == 2 and report.pending == 0


def test_second_run_on_unchanged_feeds_alerts_nothing_and_gets_304(
    feed_server: TestServer, tmp_path: Path
) -> None:
    """The second run sends the stored validators, gets 304 for both feeds, alerts nothing."""
    config = write_config(tmp_path, [feed_server.url("/wire.xml"), feed_server.url("/daily.xml")])
    first = run(config)
    second = run(config)
    assert [feed.status for feed in second.feeds] == ["not_modified", "not_modified"]
    assert second.alerts == () and second.new_articles == 0
    last = feed_server.requests_to("/wire.xml")[-1]
    assert last.status == 304 and last.headers.get("if-none-match")
    assert jsonl_ids(tmp_path / "alerts.jsonl") == [alert.id for alert in first.alerts]


def test_one_new_item_gives_exactly_one_alert(feed_server: TestServer, tmp_path: Path) -> None:
    """A relevant item added to a feed is alerted once; the rest of the feed is not re-alerted."""
    config = write_config(tmp_path, [feed_server.url("/wire.xml"), feed_server.url("/daily.xml")])
    run(config)
    body = AGENCY_BODY.replace("2027", "2028").replace("Tuesday", "Friday")
    fresh = Item(
        "wire-3",
        "Alpine names the head of its US operations",
        "Alpine appointed a former AutoNation executive to lead its United States "
        "launch, the brand said, as it prepares dealers for the American market. " + OTHER_TEXT,
        "https://wire.example/alpine-us-head",
    )
    feed_server.routes["/wire.xml"] = FeedRoute(rss("Wire", [*wire_items(), fresh]))
    report = run(config)
    assert [alert.article.title for alert in report.alerts] == [fresh.title]
    assert len(jsonl_ids(tmp_path / "alerts.jsonl")) == 3
    assert body  # the edited agency text is not needed: the new item has its own text


OTHER_TEXT = (
    "The appointment follows months of talks with dealer groups across the country, and the "
    "executive will report to the chief executive in Dieppe. A first showroom should open in "
    "Miami next year, ahead of the electric SUV that leads the range."
)


def test_same_url_with_tracking_parameters_is_the_same_article(
    feed_server: TestServer, tmp_path: Path
) -> None:
    """A second feed listing the wire's URL with other utm_ parameters is a copy (by URL)."""
    item = wire_items()[0]
    repost = Item(
        "other-1",
        "Alpine: the US plan",
        "Short teaser.",
        "https://wire.example/alpine-us?utm_medium=social&fbclid=x",
    )
    feed_server.routes["/repost.xml"] = FeedRoute(rss("Repost", [repost]))
    config = write_config(tmp_path, [feed_server.url("/wire.xml"), feed_server.url("/repost.xml")])
    report = run(config)
    assert len(report.alerts) == 1 and report.alerts[0].article.title == item.title
    assert [(copy.match, copy.title) for copy in report.alerts[0].copies] == [("url", repost.title)]


def test_short_texts_are_not_merged_by_content(feed_server: TestServer, tmp_path: Path) -> None:
    """Two one-line items that differ only by a year stay two stories (two alerts)."""
    items = [
        Item(
            "a",
            "Alpine to enter the US market with AutoNation dealers in 2027",
            "",
            "https://a.example/1",
        ),
        Item(
            "b",
            "Alpine to enter the US market with AutoNation dealers in 2028",
            "",
            "https://b.example/2",
        ),
    ]
    feed_server.routes["/short.xml"] = FeedRoute(rss("Short", items))
    config = write_config(tmp_path, [feed_server.url("/short.xml")])
    assert len(run(config).alerts) == 2


def test_failing_feed_backs_off_and_recovers(feed_server: TestServer, tmp_path: Path) -> None:
    """A failing feed is reported, skipped until its backoff ends, then fetched again; when
    every feed fails the report says so."""
    feed_server.routes["/broken.xml"] = FeedRoute(b"", status=503)
    config = write_config(tmp_path, [feed_server.url("/broken.xml")])
    now = datetime(2025, 6, 2, 12, 0, tzinfo=timezone.utc)
    first = run(config, now=now)
    assert first.feeds[0].status == "failed" and first.all_feeds_failed
    assert first.feeds[0].next_check is not None and first.feeds[0].next_check > now
    soon = run(config, now=now + timedelta(seconds=30))
    assert soon.feeds[0].status == "skipped" and not soon.all_feeds_failed
    assert len(feed_server.requests_to("/broken.xml")) == 1
    feed_server.routes["/broken.xml"] = FeedRoute(rss("Wire", wire_items()))
    later = run(config, now=now + timedelta(hours=1))
    assert later.feeds[0].status == "ok" and len(later.alerts) == 1
    with SQLiteStore(tmp_path / "state.db") as store:
        state = store.feed_state(feed_server.url("/broken.xml"))
    assert state is not None and state.consecutive_errors == 0


def test_retry_after_and_max_age_set_the_next_check(
    feed_server: TestServer, tmp_path: Path
) -> None:
    """Cache-Control max-age keeps a healthy feed from being fetched too early; Retry-After on a
    429 pushes the next attempt back by at least that long."""
    feed_server.routes["/wire.xml"].headers["Cache-Control"] = "max-age=3600"
    feed_server.routes["/busy.xml"] = FeedRoute(b"", status=429, headers={"Retry-After": "7200"})
    config = write_config(tmp_path, [feed_server.url("/wire.xml"), feed_server.url("/busy.xml")])
    now = datetime(2025, 6, 2, 12, 0, tzinfo=timezone.utc)
    report = run(config, now=now)
    wire, busy = report.feeds
    assert wire.next_check == now + timedelta(seconds=3600)
    assert busy.next_check is not None and busy.next_check >= now + timedelta(seconds=7200)
    again = run(config, now=now + timedelta(minutes=30))
    assert [feed.status for feed in again.feeds] == ["skipped", "skipped"]
    forced = run(config, now=now + timedelta(minutes=31), force=True)
    assert forced.feeds[0].status == "not_modified"


def test_alert_ids_are_stable_across_state_rebuilds(
    feed_server: TestServer, tmp_path: Path
) -> None:
    """The alert id derives from the story: a fresh state alerts the same stories under the same
    ids (so the JSONL sink does not write them again)."""
    config = write_config(tmp_path, [feed_server.url("/wire.xml"), feed_server.url("/daily.xml")])
    first = run(config)
    (tmp_path / "state.db").unlink()
    second = run(config)
    assert sorted(alert.id for alert in first.alerts) == sorted(alert.id for alert in second.alerts)
    assert all(alert.id == alert_id(alert.story_id) for alert in first.alerts)
    assert len(jsonl_ids(tmp_path / "alerts.jsonl")) == 2


def test_retention_prunes_articles_no_longer_in_the_feeds(
    feed_server: TestServer, tmp_path: Path
) -> None:
    """Articles not seen for retention_days are removed; those still in a feed are kept."""
    config = write_config(
        tmp_path,
        [feed_server.url("/wire.xml"), feed_server.url("/daily.xml")],
        extra="retention_days = 10",
    )
    now = datetime(2025, 6, 2, 12, 0, tzinfo=timezone.utc)
    run(config, now=now)
    feed_server.routes["/daily.xml"] = FeedRoute(rss("Daily", daily_items()[:1]))
    feed_server.routes["/wire.xml"] = FeedRoute(rss("Wire", wire_items()))
    report = run(config, now=now + timedelta(days=11))
    assert report.pruned == 1  # the daily's second story left its feed 11 days ago
    with SQLiteStore(tmp_path / "state.db") as store:
        assert store.count_articles() == 3


def test_sink_failure_keeps_alerts_pending_until_a_later_run(
    feed_server: TestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A webhook answering 500 leaves its alerts in the outbox (the JSONL sink still gets them);
    the next run delivers them with the same Idempotency-Key."""
    monkeypatch.setenv("HOOK_URL", feed_server.url("/hook"))
    feed_server.routes["/hook"] = FeedRoute(b"ok", status=500, validators=False)
    sinks = (
        '[[sinks]]\ntype = "jsonl"\npath = "alerts.jsonl"\n'
        '[[sinks]]\ntype = "webhook"\nurl = "${HOOK_URL}"\nretries = 1\nbackoff = 0\n'
    )
    config = write_config(tmp_path, [feed_server.url("/wire.xml")], sinks=sinks)
    first = run(config)
    assert len(first.alerts) == 1 and first.pending == 1 and first.sink_errors
    assert "HTTP 500" in first.sink_errors[0]
    assert len(feed_server.requests_to("/hook")) == 2  # one retry
    feed_server.routes["/hook"] = FeedRoute(b"ok", status=200, validators=False)
    second = run(config)
    assert second.delivered == 1 and second.pending == 0 and not second.sink_errors
    keys = {hit.headers["idempotency-key"] for hit in feed_server.requests_to("/hook")}
    assert keys == {first.alerts[0].id}
    assert json.loads(feed_server.requests_to("/hook")[-1].body)["id"] == first.alerts[0].id
    assert jsonl_ids(tmp_path / "alerts.jsonl") == [first.alerts[0].id]


def test_secrets_never_reach_logs_digests_or_the_state(
    feed_server: TestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A webhook URL and token from the environment appear in no log line, digest, error or
    state byte, even when the webhook fails."""
    secret_path = "/hooks/T000-s3cr3t-path"
    token = "tok-9f8e7d6c5b4a"
    monkeypatch.setenv("SECRET_HOOK", feed_server.url(secret_path))
    monkeypatch.setenv("SECRET_TOKEN", token)
    feed_server.routes[secret_path] = FeedRoute(b"", status=503, validators=False)
    sinks = (
        '[[sinks]]\ntype = "markdown"\npath = "digest.md"\n'
        '[[sinks]]\ntype = "html"\npath = "digest.html"\n'
        '[[sinks]]\ntype = "webhook"\nurl = "${SECRET_HOOK}"\nretries = 0\n'
        'headers = { Authorization = "Bearer ${SECRET_TOKEN}" }\n'
    )
    config = write_config(tmp_path, [feed_server.url("/wire.xml")], sinks=sinks)
    log = io.StringIO()
    report = run_monitor(
        config,
        stdout=io.StringIO(),
        progress=Progress(log, verbose=True, secrets=()),
    )
    assert report.sink_errors
    assert feed_server.requests_to(secret_path)[0].headers["authorization"] == f"Bearer {token}"
    texts = [
        log.getvalue(),
        " ".join(report.sink_errors),
        repr(load_config(config)),
        (tmp_path / "digest.md").read_text(),
        (tmp_path / "digest.html").read_text(),
    ]
    state = b"".join(path.read_bytes() for path in tmp_path.glob("state.db*"))
    for secret in ("s3cr3t", token):
        assert all(secret not in text for text in texts)
        assert secret.encode() not in state


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_plain_lines_otherwise(
    feed_server: TestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal the fetch shows a progress bar that is erased afterwards; elsewhere only
    plain `pressmon:` lines; --quiet keeps only warnings."""
    monkeypatch.delenv("TERM", raising=False)
    config = write_config(tmp_path, [feed_server.url("/wire.xml"), feed_server.url("/daily.xml")])
    terminal = _Terminal()
    run_monitor(config, progress=Progress(terminal), stdout=io.StringIO())
    assert "\rpressmon: fetching [" in terminal.getvalue() and "2/2 feeds" in terminal.getvalue()
    plain = io.StringIO()
    run_monitor(config, progress=Progress(plain), stdout=io.StringIO(), force=True)
    assert "\r" not in plain.getvalue()
    assert all(line.startswith("pressmon: ") for line in plain.getvalue().splitlines())
    quiet = io.StringIO()
    feed_server.routes["/daily.xml"] = FeedRoute(b"", status=500)
    run_monitor(
        config,
        progress=Progress(quiet, quiet=True),
        stdout=io.StringIO(),
        force=True,
    )
    daily = feed_server.url("/daily.xml")
    assert quiet.getvalue().splitlines() == [
        f"pressmon: warning: {daily}: http_status: HTTP 500 Internal Server Error"
    ]


def test_console_sink_honours_no_color(
    feed_server: TestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console table is colored on a terminal, and not when NO_COLOR is set."""
    config = write_config(
        tmp_path, [feed_server.url("/wire.xml")], sinks='[[sinks]]\ntype = "console"\n'
    )
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    colored = _Terminal()
    run_monitor(config, progress=Progress(io.StringIO()), stdout=colored)
    assert "\x1b[" in colored.getvalue()
    (tmp_path / "state.db").unlink()
    monkeypatch.setenv("NO_COLOR", "1")
    plain = _Terminal()
    run_monitor(config, progress=Progress(io.StringIO()), stdout=plain)
    assert "\x1b[" not in plain.getvalue() and "[Alpine]" in plain.getvalue()


def test_topic_files_and_per_feed_topics(feed_server: TestServer, tmp_path: Path) -> None:
    """A topic file named in the configuration (relative to it) is detected; a feed's own
    topics replace the top-level ones for that feed only."""
    import shutil

    from conftest import ROOT

    shutil.copy(ROOT / "examples" / "cupra-us-launch.toml", tmp_path / "cupra.toml")
    cupra = Item(
        "c1",
        "Cupra will launch in the United States in 2027",
        "Cupra, the sporty brand of SEAT, confirmed that it will enter the United States "
        "market in 2027, sold through a new network of dealers.",
        "https://wire.example/cupra-us",
    )
    feed_server.routes["/mixed.xml"] = FeedRoute(rss("Mixed", [cupra, *wire_items()]))
    config = tmp_path / "monitor.toml"
    config.write_text(
        'state = "state.db"\ntopics = ["cupra.toml"]\n'
        f'[[feeds]]\nurl = "{feed_server.url("/mixed.xml")}"\n'
        f'[[feeds]]\nurl = "{feed_server.url("/daily.xml")}"\ntopics = ["alpine-us-expansion"]\n'
        '[[sinks]]\ntype = "jsonl"\npath = "alerts.jsonl"\n'
    )
    report = run(config)
    topics = sorted((alert.topics[0], alert.article.title) for alert in report.alerts)
    assert topics == [
        ("alpine-us-expansion", "Alpine postpones its US launch"),
        ("alpine-us-expansion", "Renault's Alpine heads for America"),
        ("cupra-us-launch", cupra.title),
    ]

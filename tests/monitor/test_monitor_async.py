"""The monitor from async code and with an injected client: one event loop, one HTTP client
per run; and the delivery step's handling of sinks that choose when to deliver."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from enrichsite import RELEVANT, serve_site, site_feed
from httpserver import TestServer
from monitor_support import AGENCY_BODY, Item, jsonl_ids, rss, write_config

import pressmon
from pressmon._monitor import Progress
from pressmon._monitor._delivery import deliver
from pressmon._store import SQLiteStore
from pressmon.models import Alert, Article, Source
from pressmon.sinks import DeliveryContext, ScheduledSink

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=timezone.utc)


def _quiet() -> dict[str, Any]:
    return {"progress": Progress(io.StringIO()), "stdout": io.StringIO()}


def test_run_monitor_works_inside_a_running_event_loop(
    feed_server: TestServer, tmp_path: Path
) -> None:
    """The sync `run_monitor`, called from code already inside an event loop (a notebook, an
    async app), runs instead of failing with "asyncio.run() cannot be called from a running
    event loop"."""
    config = write_config(tmp_path, [feed_server.url("/wire.xml")])

    async def app() -> pressmon.RunReport:
        return pressmon.run_monitor(config, **_quiet())

    report = asyncio.run(app())
    assert [feed.status for feed in report.feeds] == ["ok"]
    assert len(report.alerts) == 1
    assert jsonl_ids(tmp_path / "alerts.jsonl") == [report.alerts[0].id]


def test_arun_monitor_leaves_the_event_loop_free_while_it_works(
    feed_server: TestServer, tmp_path: Path
) -> None:
    """`await pressmon.arun_monitor(...)` runs in the caller's loop and lets its other tasks
    run meanwhile (the feed answers slowly; a ticker task keeps ticking)."""
    feed_server.routes["/wire.xml"].delay = 0.5  # type: ignore[attr-defined]
    config = write_config(tmp_path, [feed_server.url("/wire.xml")])
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.02)
            ticks += 1

    async def app() -> pressmon.RunReport:
        task = asyncio.create_task(ticker())
        try:
            return await pressmon.arun_monitor(config, **_quiet())
        finally:
            task.cancel()

    report = asyncio.run(app())
    assert len(report.alerts) == 1
    assert ticks >= 10  # half a second of waiting for the feed, ticked through


def test_one_http_client_serves_the_feeds_and_the_pages_of_a_run(
    http_server: TestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run with full text fetches its feed and then its article pages over a single
    `httpx.AsyncClient` (one connection pool, one set of limits), and closes it."""
    items = serve_site(http_server)
    feed = site_feed(http_server, items["relevant"])
    config = write_config(tmp_path, [feed], extra="full_text = true")
    config.write_text(
        config.read_text().replace("[fetch]\n", "[fetch]\nallow_private_pages = true\n"),
        encoding="utf-8",
    )
    made: list[httpx.AsyncClient] = []
    original = httpx.AsyncClient.__init__

    def counting(self: httpx.AsyncClient, *args: Any, **kwargs: Any) -> None:
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(httpx.AsyncClient, "__init__", counting)
    report = pressmon.run_monitor(config, **_quiet())
    pages = [request for request in http_server.requests if not request.path.endswith(".xml")]
    assert len(pages) == len(RELEVANT) and report.alerts
    assert len(made) == 1 and made[0].is_closed


def test_an_injected_client_carries_every_request_and_stays_open(tmp_path: Path) -> None:
    """`run_monitor(client=...)` sends the run's requests through the caller's client (here
    an `httpx.MockTransport`), makes no client of its own, and leaves it open."""
    story = Item(
        "m-1", "Alpine to enter the US with AutoNation in 2027", AGENCY_BODY, "https://m.example/1"
    )
    body = rss("Mock wire", [story])
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, content=body, headers={"Content-Type": "application/rss+xml"})

    config = write_config(tmp_path, ["https://mock.example/feed.xml"])

    async def app() -> tuple[pressmon.RunReport, httpx.AsyncClient]:
        client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
        report = await pressmon.arun_monitor(config, client=client, **_quiet())
        assert not client.is_closed
        await client.aclose()
        return report, client

    report, _ = asyncio.run(app())
    assert seen == ["https://mock.example/feed.xml"]
    assert [alert.article.title for alert in report.alerts] == [story.title]


class _Later:
    """A sink that takes nothing until it is told alerts are due."""

    key = "later"
    always = False

    def __init__(self) -> None:
        self.open = False
        self.received: list[list[str]] = []

    def due(self, alerts: Sequence[Alert], context: DeliveryContext) -> Sequence[Alert]:
        return list(alerts) if self.open else []

    def deliver(self, alerts: Sequence[Alert], context: DeliveryContext) -> None:
        self.received.append([alert.id for alert in alerts])


def _alert(number: int) -> Alert:
    article = Article(title=f"story {number}", source=Source(name="Wire"))
    return Alert(id=f"a{number}", story_id=f"s{number}", created=NOW, article=article, flags=())


def test_a_scheduled_sink_gets_only_what_it_says_is_due(tmp_path: Path) -> None:
    """Delivery asks a `ScheduledSink` which pending alerts are due: the others stay pending
    for it (and only for it) and come, once, on the delivery where it says they are due."""
    later = _Later()
    assert isinstance(later, ScheduledSink)
    context = DeliveryContext(started=NOW)
    with SQLiteStore(tmp_path / "state.db") as store:
        with store.transaction():
            store.add_alert(_alert(1))
            store.add_alert(_alert(2))
        assert deliver(store, [later], context, worker="w1", lease_seconds=60) == (0, [])
        assert later.received == [] and store.count_pending() == 2
        later.open = True
        assert deliver(store, [later], context, worker="w1", lease_seconds=60) == (2, [])
        assert later.received == [["a1", "a2"]]
        assert deliver(store, [later], context, worker="w1", lease_seconds=60) == (0, [])
        assert later.received == [["a1", "a2"]] and store.count_pending() == 0


def test_a_run_reads_its_feeds_file_once(
    feed_server: TestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The feeds of `feeds_file` are read once per run (planning, full text and recording
    all use that one reading), even with full text on."""
    import pressmon.config

    (tmp_path / "feeds.txt").write_text(feed_server.url("/wire.xml") + "\n", encoding="utf-8")
    config = write_config(tmp_path, [], extra='feeds_file = "feeds.txt"\nfull_text = true')
    reads: list[object] = []
    original = pressmon.config.read_feeds_file

    def counting(path: Any) -> Any:
        reads.append(path)
        return original(path)

    monkeypatch.setattr(pressmon.config, "read_feeds_file", counting)
    loaded = pressmon.load_config(config)
    reads.clear()
    report = pressmon.run_monitor(loaded, **_quiet())
    assert [feed.status for feed in report.feeds] == ["ok"] and len(report.alerts) == 1
    assert len(reads) == 1

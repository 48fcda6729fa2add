"""Many workers on one monitor: `pressmon run` processes sharing a PostgreSQL state and one
feed list on a loopback server. Each feed is fetched by one worker per interval, each story
alerted once, and a worker that dies leaves its feeds and alerts to the others."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from httpserver import FeedRoute, TestServer
from monitor_support import OTHER_BODY, Item, jsonl_ids, rss

import pressmon
from pressmon._monitor import Progress

FEEDS = 200
STORY_EVERY = 10  # one feed in ten carries a story of its own about Alpine's US plans
SYNDICATED = 3  # ... and one story is on three feeds, with other links and guids


def _serve(server: TestServer, feeds: int, delay: float) -> tuple[list[str], int]:
    """`feeds` feeds on the server; return their URLs and the number of distinct stories."""
    urls = []
    stories = 0
    for number in range(feeds):
        site = f"https://n{number}.example"
        items = [Item(f"f{number}-filler", f"Daily market report {number}", "Prices moved.", site)]
        if number % STORY_EVERY == 0:
            stories += 1
            title = f"Alpine to open its dealer number {number} in the US with AutoNation"
            body = (  # a teaser: each story its own, none long enough to be matched by text
                f"Renault's sports-car brand will open showroom {number} in the United "
                f"States with AutoNation in {2030 + number}."
            )
            items.append(Item(f"f{number}-story", title, body, f"{site}/s"))
        if number < SYNDICATED:  # the same agency item, another outlet
            title = "Alpine postpones its US launch"
            items.append(Item(f"f{number}-wire", title, OTHER_BODY, f"{site}/w"))
        path = f"/feed/{number}.xml"
        server.routes[path] = FeedRoute(rss(f"Outlet {number}", items), delay=delay)
        urls.append(server.url(path))
    return urls, stories + 1  # the syndicated story


def _config(tmp_path: Path, state: str, urls: list[str], **extra: str) -> Path:
    (tmp_path / "feeds.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    lines = [
        f'state = "{state}"',
        'feeds_file = "feeds.txt"',
        'topics = ["alpine-us-expansion"]',
        "min_interval = 3600",  # one fetch per feed for the whole test
        *(f"{key} = {value}" for key, value in extra.items()),
        "[fetch]\nretries = 0\ntimeout = 10\nper_host = 4",
        '[[sinks]]\ntype = "jsonl"\npath = "alerts.jsonl"',
    ]
    path = tmp_path / "monitor.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _hits(server: TestServer) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    for request in server.requests:
        times.setdefault(request.path, []).append(request.received)
    return times


def test_two_workers_share_one_feed_list_without_fetching_or_alerting_twice(
    http_server: TestServer, postgres_url: str, tmp_path: Path
) -> None:
    """Two runs at once on one PostgreSQL state, taking the feeds ten at a time: every feed
    is fetched by one of them, once; each story is alerted once, the syndicated one
    included."""
    urls, stories = _serve(http_server, 40, delay=0.05)
    config = pressmon.load_config(_config(tmp_path, postgres_url, urls, claim_batch="10"))

    async def both() -> list[pressmon.RunReport]:
        runs = [
            pressmon.arun_monitor(config, progress=Progress(io.StringIO()), stdout=io.StringIO())
            for _ in range(2)
        ]
        return list(await asyncio.gather(*runs))

    first, second = asyncio.run(both())
    fetched = [
        [feed.url for feed in report.feeds if feed.status == "ok"] for report in (first, second)
    ]
    assert sorted(fetched[0] + fetched[1]) == sorted(urls)  # each feed by one worker
    assert fetched[0] and fetched[1]  # and both worked
    assert all(len(times) == 1 for times in _hits(http_server).values())
    ids = jsonl_ids(tmp_path / "alerts.jsonl")
    assert len(ids) == stories == len(set(ids))
    assert len(first.alerts) + len(second.alerts) == stories


def _run(config: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pressmon", "run", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
    )


def test_a_dead_workers_feeds_are_taken_by_the_next_worker(
    http_server: TestServer, postgres_url: str, tmp_path: Path
) -> None:
    """A worker killed right after leasing its feeds holds them no longer than it lives:
    the next worker (its lease far from expired) fetches them and alerts their stories."""
    urls, stories = _serve(http_server, 20, delay=0.0)
    config = _config(tmp_path, postgres_url, urls, lease_timeout="3600")
    killed = _run(config, {"PRESSMON_TEST_CRASH_AT": "after_claim"})
    killed.communicate(timeout=120)
    assert killed.returncode == -signal.SIGKILL
    assert http_server.requests == []  # it died holding every feed, before fetching
    survivor = _run(config)
    _, err = survivor.communicate(timeout=120)
    assert survivor.returncode == 0, err
    assert "20 ok" in err
    assert len(jsonl_ids(tmp_path / "alerts.jsonl")) == stories


@pytest.mark.slow
def test_four_workers_killed_and_restarted_at_random(
    http_server: TestServer, postgres_url: str, tmp_path: Path
) -> None:
    """Four `pressmon run` workers on one config and 200 feeds, killed at random moments and
    started again, then left to finish: every story is in the JSONL sink exactly once, and a
    feed is fetched a second time only after the worker that first fetched it was killed
    (its result was lost with it), never while that worker lived."""
    urls, stories = _serve(http_server, FEEDS, delay=0.02)
    config = _config(tmp_path, postgres_url, urls, claim_batch="20")
    rng = random.Random(14)
    kills: list[float] = []
    for _ in range(4):
        workers = [_run(config) for _ in range(4)]
        time.sleep(rng.uniform(0.5, 2.5))
        for worker in rng.sample(workers, 2):
            if worker.poll() is None:
                kills.append(time.monotonic())
                worker.send_signal(signal.SIGKILL)
        for worker in workers:
            _, err = worker.communicate(timeout=180)
            assert worker.returncode in (0, -signal.SIGKILL), err
            assert "Traceback" not in err
    while True:  # until no feed is left unfetched
        final = _run(config)
        _, err = final.communicate(timeout=180)
        assert final.returncode == 0, err
        if f"{FEEDS} skipped" in err:
            break
    ids = jsonl_ids(tmp_path / "alerts.jsonl")
    assert len(ids) == len(set(ids)) == stories
    for path, times in _hits(http_server).items():
        for earlier, later in itertools.pairwise(times):
            assert any(earlier < kill <= later for kill in kills), (path, times, kills)
    records = [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    syndicated = [r for r in records if r["article"]["title"] == "Alpine postpones its US launch"]
    assert len(syndicated) == 1  # its copies, on feeds of other batches, joined its story

"""The adaptive per-host limit: it grows while a host keeps up, halves on 429/503 or a slow
answer, and holds every request to a host during its Retry-After."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from httpserver import Exchange, TestServer, static_route

import pressmon
from pressmon._fetch._hostlimit import HostLimit

FAST: dict[str, Any] = {"backoff": 0.01, "backoff_max": 0.05, "timeout": 2.0, "deadline": 5.0}


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_limit_grows_by_one_per_round_of_quick_answers_up_to_the_ceiling() -> None:
    """From 2, each run of as many quick answers as the limit adds one, never past 8."""
    limit = HostLimit(2, 8, clock=_Clock())
    seen = [limit.limit]
    for _ in range(60):
        limit.observe(0.1, 200, None)
        seen.append(limit.limit)
    assert seen[:3] == [2, 2, 3]  # two quick answers at 2 make it 3
    assert seen.index(4) == 2 + 3 and seen.index(5) == 2 + 3 + 4
    assert max(seen) == limit.limit == 8


@pytest.mark.parametrize("status", [429, 503])
def test_a_429_or_503_halves_the_limit_at_once(status: int) -> None:
    """A 429 or 503 halves the limit (never below one) and starts the count again."""
    limit = HostLimit(2, 8, clock=_Clock())
    for _ in range(30):
        limit.observe(0.1, 200, None)
    assert limit.limit == 8
    limit.observe(0.1, status, None)
    assert limit.limit == 4
    for _ in range(3):
        limit.observe(0.1, status, None)
    assert limit.limit == 1


def test_a_slow_answer_or_no_answer_halves_the_limit() -> None:
    """Much slower than the host's quickest answer, or no answer at all (a timeout, a
    reset): the limit halves; a little slower is not slow."""
    limit = HostLimit(8, 8, clock=_Clock())
    limit.observe(0.1, 200, None)
    limit.observe(0.6, 200, None)  # 3 x 0.1 + 0.5 is the bound
    assert limit.limit == 8
    limit.observe(2.0, 200, None)
    assert limit.limit == 4
    limit.observe(0.1, None, None)
    assert limit.limit == 2


def test_requests_wait_their_turn_and_a_retry_after_holds_them() -> None:
    """At most `limit` slots are taken; waiters get them first come, first served; after
    a 429 with Retry-After, nobody gets one until that time has passed."""
    clock = _Clock()
    limit = HostLimit(2, 2, clock=clock)
    order: list[int] = []

    async def request(number: int) -> None:
        await limit.acquire()
        order.append(number)

    async def scenario() -> None:
        await limit.acquire()
        await limit.acquire()
        waiting = [asyncio.create_task(request(number)) for number in range(3)]
        await asyncio.sleep(0)
        assert order == [] and limit.in_flight == 2
        limit.observe(0.1, 429, 30.0)  # limit 1, and nothing for 30 s
        limit.release()
        limit.release()
        await asyncio.sleep(0.01)
        assert order == [] and limit.in_flight == 0
        clock.now += 31
        limit.wake()  # what the timer set for the end of the pause does
        await asyncio.sleep(0.01)
        assert order == [0] and limit.in_flight == 1  # the limit is 1 now
        limit.release()
        await asyncio.sleep(0.01)
        assert order == [0, 1]
        limit.release()
        await asyncio.gather(*waiting)
        assert order == [0, 1, 2] and limit.peak == 2

    asyncio.run(scenario())


def test_a_cancelled_wait_takes_no_slot() -> None:
    """A request cancelled while it waits for its host leaves no slot taken."""
    limit = HostLimit(1, 1, clock=_Clock())

    async def scenario() -> None:
        await limit.acquire()
        waiter = asyncio.create_task(limit.acquire())
        await asyncio.sleep(0)
        waiter.cancel()
        await asyncio.sleep(0)
        limit.release()
        assert limit.in_flight == 0 and limit.idle
        await limit.acquire()
        assert limit.in_flight == 1

    asyncio.run(scenario())


def test_a_quick_loopback_host_gets_more_and_a_429_holds_it(data_dir: Path) -> None:
    """Against a real loopback server: 30 feeds of one quick host get more than the 2
    requests at a time the fetcher starts with (never more than per_host_max); a 429
    with Retry-After: 1 holds every request to that host for that second, then all
    feeds are read."""
    body = (data_dir / "feeds" / "rss20_fr.xml").read_bytes()
    with TestServer(latency=0.05) as server:
        urls = [server.static(f"/f{index}", body) for index in range(30)]
        results = pressmon.fetch(urls, per_host=2, per_host_max=5, concurrency=16, **FAST)
    assert all(result.ok for result in results)
    assert 2 < server.max_in_flight_total <= 5

    arrivals: list[float] = []
    answered_429: list[float] = []
    lock = threading.Lock()
    feed = static_route(body)

    def route(exchange: Exchange) -> None:
        with lock:
            arrivals.append(time.monotonic())
            first = len(arrivals) == 3
        if first:
            answered_429.append(time.monotonic())
            exchange.respond(429, b"", {"Retry-After": "1"})
            return
        feed(exchange)

    with TestServer(latency=0.05) as server:
        urls = [server.route(f"/g{index}", route) for index in range(12)]
        results = pressmon.fetch(urls, per_host=2, per_host_max=5, concurrency=16, **FAST)
    assert all(result.ok for result in results)
    (held_from,) = answered_429
    # Requests already on their way may arrive just after the 429; none in the second after.
    held = [when for when in arrivals if held_from + 0.2 < when < held_from + 0.95]
    assert held == []
    assert max(arrivals) > held_from + 1.0

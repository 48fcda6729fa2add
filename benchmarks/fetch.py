"""Benchmark: fetch and parse N feeds from a loopback server with latency, side by side.

Contenders, each in its own subprocess (so peak memory is its own):

* ``pressmon``        -- ``pressmon.fetch(urls)`` with its default limits;
* ``pressmon-thread`` -- the same, parsing in a worker thread (``parse_in_thread=True``);
* ``pressmon-procs``  -- the same, parsing in one worker process per CPU (``parse_workers``);
* ``pressmon-get``    -- the fetching layer alone: ``Fetcher.get`` of every URL, no parsing;
* ``reader``          -- the ``reader`` library: ``add_feed`` each URL into a fresh
  temporary database, then ``update_feeds(workers=16)``;
* ``naive``           -- ``asyncio.gather`` of ``httpx.AsyncClient.get`` for every URL,
  then ``feedparser.parse`` of each body.

The feeds (RSS 2.0, ``--items`` items each, realistic titles and summaries)
are served by a separate process from ``--hosts`` loopback addresses
(127.0.0.2, 127.0.0.3, ...): a press monitor reads many publishers, and
pressmon's per-host politeness limit applies per publisher. Every response
waits ``--latency`` seconds first.

Run (nothing is installed by this script; ``pip install -e ".[bench]"``)::

    python benchmarks/fetch.py                     # 500 feeds x 30 items, 100 ms, 50 hosts
    python benchmarks/fetch.py --feeds 100 --contenders pressmon,naive
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _machine import machine
from _smoke import shrink

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

CONTENDERS = ("pressmon", "pressmon-procs", "pressmon-thread", "pressmon-get", "reader", "naive")

_WORDS = (
    "Alpine Renault AutoNation market launch dealers electric sports car United States "
    "plan executives strategy investment Europe network sales brand model production "
    "announcement year première arrivée marché américain voiture sportive concession"
).split()


def feed_bytes(number: int, items: int) -> bytes:
    """A deterministic RSS 2.0 feed of ``items`` items, about 12 KB for 30 items."""
    from httpserver import make_rss

    entries = []
    for index in range(items):
        words = [_WORDS[(number * 7 + index * 3 + k) % len(_WORDS)] for k in range(40)]
        entries.append(
            {
                "title": f"{' '.join(words[:9]).capitalize()} ({number}-{index})",
                "link": f"https://publisher{number % 97}.example/news/{number}/{index}"
                "?utm_source=rss",
                "guid": f"https://publisher{number % 97}.example/news/{number}/{index}",
                "description": f"<p>{' '.join(words)}.</p>",
                "pubDate": f"Mon, {index % 28 + 1:02d} May 2023 {index % 24:02d}:00:00 GMT",
            }
        )
    return make_rss(f"Publisher {number}", entries, link=f"https://publisher{number}.example/")


# ---------------------------------------------------------------- the server process


class _Responder:
    """A minimal HTTP/1.1 keep-alive responder: GET of a known path, after ``latency`` seconds.

    The benchmark measures the clients, so the server must cost as little as
    possible: each response is prepared once and written by the event loop
    after a timer, with no thread per connection.
    """

    def __init__(self, bodies: dict[str, bytes], latency: float) -> None:
        self.responses = {
            path: b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=utf-8\r\n"
            + f'ETag: "{index}"\r\nContent-Length: {len(body)}\r\n\r\n'.encode()
            + body
            for index, (path, body) in enumerate(bodies.items())
        }
        self.latency = latency
        self.hits: dict[str, int] = {}
        """Requests per path (benchmarks/workers.py checks no feed is fetched twice)."""

    async def handle(self, reader: Any, writer: Any) -> None:
        import asyncio

        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1].decode()
                self.hits[path] = self.hits.get(path, 0) + 1
                await asyncio.sleep(self.latency)
                writer.write(
                    self.responses.get(path)
                    or b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, IndexError):
            pass
        finally:
            writer.close()


def serve(feeds: int, items: int, hosts: int, latency: float, ready: Any, stop: Any) -> None:
    """Serve the feeds from ``hosts`` loopback addresses until ``stop`` is set."""
    import asyncio

    async def run() -> None:
        addresses = [f"127.0.0.{2 + index}" for index in range(hosts)]
        bodies = {f"/feed/{number}.xml": feed_bytes(number, items) for number in range(feeds)}
        responder = _Responder(bodies, latency)
        servers = [
            await asyncio.start_server(responder.handle, address, 0, backlog=512)
            for address in addresses
        ]
        ports = [server.sockets[0].getsockname()[1] for server in servers]
        urls = [
            f"http://{addresses[number % hosts]}:{ports[number % hosts]}/feed/{number}.xml"
            for number in range(feeds)
        ]
        ready.send(urls)
        while not stop.is_set():
            await asyncio.sleep(0.1)
        for server in servers:
            server.close()

    asyncio.run(run())


# ---------------------------------------------------------------- contenders


def run_pressmon(urls: list[str], **options: Any) -> dict[str, Any]:
    import pressmon

    started = time.perf_counter()
    results = pressmon.fetch(urls, **options)
    seconds = time.perf_counter() - started
    failed = [result for result in results if not result.ok]
    return {
        "seconds": seconds,
        "ok": len(results) - len(failed),
        "articles": sum(len(result.articles) for result in results),
        "bytes": sum(result.bytes_received for result in results),
        "errors": sorted({result.error.kind for result in failed if result.error}),
    }


def run_pressmon_get(urls: list[str]) -> dict[str, Any]:
    """The fetching layer alone: Fetcher.get for every URL, no parsing."""
    import asyncio

    from pressmon import Fetcher

    async def go() -> list[Any]:
        async with Fetcher() as fetcher:
            return await asyncio.gather(*(fetcher.get(url, allow_private=True) for url in urls))

    started = time.perf_counter()
    pages = asyncio.run(go())
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "ok": sum(1 for page in pages if page.ok),
        "articles": 0,
        "bytes": sum(page.bytes_received for page in pages),
        "errors": sorted({page.error.kind for page in pages if page.error}),
    }


def run_reader(urls: list[str], workers: int) -> dict[str, Any]:
    from reader import make_reader

    with tempfile.TemporaryDirectory() as directory:
        reader = make_reader(os.path.join(directory, "db.sqlite"))
        for url in urls:
            reader.add_feed(url)
        started = time.perf_counter()
        reader.update_feeds(workers=workers)
        seconds = time.perf_counter() - started
        counts = reader.get_entry_counts()
        errors = sum(1 for feed in reader.get_feeds() if feed.last_exception is not None)
        reader.close()
    return {
        "seconds": seconds,
        "ok": len(urls) - errors,
        "articles": counts.total,
        "bytes": None,
        "errors": [],
    }


def run_naive(urls: list[str]) -> dict[str, Any]:
    import asyncio

    import feedparser
    import httpx

    async def go() -> list[tuple[int, int]]:
        # No pool timeout: every request waits for a connection of the default pool.
        async with httpx.AsyncClient(timeout=httpx.Timeout(30.0, pool=None)) as client:

            async def one(url: str) -> tuple[int, int]:
                response = await client.get(url)
                parsed = feedparser.parse(response.content)
                return len(parsed.entries), len(response.content)

            return await asyncio.gather(*(one(url) for url in urls))

    started = time.perf_counter()
    counts = asyncio.run(go())
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "ok": sum(1 for entries, _ in counts if entries),
        "articles": sum(entries for entries, _ in counts),
        "bytes": sum(size for _, size in counts),
        "errors": [],
    }


def contender_main(name: str, urls_file: str, workers: int) -> None:
    """Run one contender (in its own process) and print its figures as JSON."""
    urls = json.loads(Path(urls_file).read_text())
    if name == "pressmon":
        figures = run_pressmon(urls)
    elif name == "pressmon-thread":
        figures = run_pressmon(urls, parse_in_thread=True)
    elif name == "pressmon-procs":
        figures = run_pressmon(urls, parse_workers=os.cpu_count() or 1)
    elif name == "pressmon-get":
        figures = run_pressmon_get(urls)
    elif name == "reader":
        figures = run_reader(urls, workers)
    elif name == "naive":
        figures = run_naive(urls)
    else:
        raise SystemExit(f"unknown contender {name!r}")
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # Worker processes (pressmon-procs): the peak of the largest one.
    figures["children_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps(figures))


# ---------------------------------------------------------------- driver


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per response")
    parser.add_argument("--hosts", type=int, default=50, help="loopback addresses serving")
    parser.add_argument("--workers", type=int, default=16, help="reader's update_feeds workers")
    parser.add_argument("--contenders", default=",".join(CONTENDERS))
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds of every contender (best run kept)"
    )
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--urls-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.run:
        args = shrink(args, feeds=6, items=3, latency=0.0, hosts=2, repeat=1)
    if args.run:
        contender_main(args.run, args.urls_file, args.workers)
        return 0

    contenders = [name.strip() for name in args.contenders.split(",") if name.strip()]
    receive, send = multiprocessing.Pipe(duplex=False)
    stop = multiprocessing.Event()
    server = multiprocessing.Process(
        target=serve,
        args=(args.feeds, args.items, args.hosts, args.latency, send, stop),
        daemon=True,
    )
    server.start()
    # A server that dies while starting (a missing helper module, a port
    # refused) must end the benchmark, not leave it waiting forever.
    if not receive.poll(60):
        server.terminate()
        print("the feed server did not start; see the traceback above", file=sys.stderr)
        return 1
    urls = receive.recv()
    print(f"machine: {machine()}")
    print(
        f"{args.feeds} feeds x {args.items} items, {args.latency * 1000:.0f} ms latency, "
        f"{args.hosts} hosts; reader workers={args.workers}"
    )
    rows: dict[str, dict[str, Any]] = {}
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(urls, handle)
        # Rounds interleave the contenders, so a burst of load from elsewhere on
        # the machine does not fall on one contender's every run.
        failed: set[str] = set()
        for _ in range(args.repeat):
            for name in contenders:
                if name in failed:
                    continue
                completed = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--run",
                        name,
                        "--urls-file",
                        handle.name,
                        "--workers",
                        str(args.workers),
                    ],
                    capture_output=True,
                    text=True,
                    check=False,
                    timeout=600,
                )
                if completed.returncode != 0:
                    print(f"{name}: failed\n{completed.stderr}", file=sys.stderr)
                    failed.add(name)
                    continue
                figures = json.loads(completed.stdout.strip().splitlines()[-1])
                if name not in rows or figures["seconds"] < rows[name]["seconds"]:
                    rows[name] = figures
    finally:
        os.unlink(handle.name)
        stop.set()
        server.join(timeout=10)

    header = (
        f"{'contender':<16}{'seconds':>9}{'feeds/s':>10}{'articles/s':>12}"
        f"{'feeds ok':>10}{'articles':>10}{'MB recv':>9}{'peak MB':>9}"
    )
    print(f"load average after the runs: {os.getloadavg()[0]:.2f}")
    print(header)
    for name, row in rows.items():
        received = f"{row['bytes'] / 1e6:.1f}" if row["bytes"] is not None else "-"
        print(
            f"{name:<16}{row['seconds']:>9.2f}{args.feeds / row['seconds']:>10.1f}"
            f"{row['articles'] / row['seconds']:>12.0f}{row['ok']:>10}{row['articles']:>10}"
            f"{received:>9}{row['peak_mb']:>9.0f}"
            + (f"  (+ workers, {row['children_mb']:.0f} MB each)" if row["children_mb"] else "")
            + (f"  errors: {','.join(row['errors'])}" if row["errors"] else "")
        )
    if "pressmon" in rows:
        for peer in ("reader", "naive"):
            for ours in ("pressmon", "pressmon-thread", "pressmon-procs"):
                if peer in rows and ours in rows:
                    ratio = rows[peer]["seconds"] / rows[ours]["seconds"]
                    print(f"{ours} vs {peer}: {ratio:.2f}x as fast")
    return 0


if __name__ == "__main__":
    sys.exit(main())

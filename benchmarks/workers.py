"""Many workers on one monitor: feeds per second with 1, 2 and 4 `pressmon run` processes
sharing one PostgreSQL state, next to one process on an SQLite file, on the same feeds.

A separate process serves ``--feeds`` RSS feeds (``--items`` items each, the text of
``benchmarks/monitor_memory.py``: real news text, one item in twenty about Alpine's US
plans or a look-alike) from ``--hosts`` loopback addresses, each response after
``--latency`` seconds, and counts the requests per feed. For each setup the workers start
together on a fresh state (a new PostgreSQL database, or a new SQLite file) with
``min_interval = 3600``, so every feed is due once; the time is from their start to the
last one's exit. Reported: feeds per second, feeds fetched more than once (must be 0),
alerts in the JSONL sink more than once (must be 0), and the alerts and stories found.

PostgreSQL: ``--postgres URL`` (a server you run, its user allowed to create databases),
or, by default, a throw-away server started here with ``initdb`` and ``pg_ctl`` as the
test suite does (``tests/pgserver.py``; Debian's ``postgresql`` package). Run::

    python benchmarks/workers.py                         # 2000 feeds x 10 items
    python benchmarks/workers.py --feeds 500 --workers 1,4
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(HERE.parent / "tests"))  # pgserver.py: the throw-away server

from _machine import machine  # noqa: E402 - a sibling module of the benchmarks
from _smoke import shrink  # noqa: E402 - a sibling module of the benchmarks
from fetch import _Responder  # noqa: E402  (a sibling benchmark: its loopback responder)
from monitor_memory import feed_documents  # noqa: E402  (the same feeds as that benchmark)


def serve(
    documents: list[bytes], hosts: int, latency: float, pipe: Any, stop: Any
) -> None:  # pragma: no cover - runs in the server process
    """Serve the feeds until `stop` is set; then send the request counts back."""
    import asyncio

    async def run() -> None:
        addresses = [f"127.0.0.{2 + index}" for index in range(hosts)]
        responder = _Responder(
            {f"/feed/{number}.xml": body for number, body in enumerate(documents)}, latency
        )
        servers = [
            await asyncio.start_server(responder.handle, address, 0, backlog=1024)
            for address in addresses
        ]
        ports = [server.sockets[0].getsockname()[1] for server in servers]
        pipe.send(
            [
                f"http://{addresses[number % hosts]}:{ports[number % hosts]}/feed/{number}.xml"
                for number in range(len(documents))
            ]
        )
        while not stop.is_set():
            await asyncio.sleep(0.05)
        pipe.send(dict(responder.hits))
        for server in servers:
            server.close()

    asyncio.run(run())


@contextlib.contextmanager
def postgres(url: str | None) -> Iterator[Any]:
    """A function making a new, empty database's URL: on `url`'s server, or on a throw-away
    server started for the benchmark."""
    if url:
        import psycopg

        def on_given() -> str:
            name = f"pressmon_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(url, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{name}"')
            return url.rsplit("/", 1)[0] + f"/{name}"

        yield on_given
        return
    import pgserver

    problem = pgserver.problem()
    if problem is not None:
        raise SystemExit(f"no PostgreSQL to measure: {problem} (or give --postgres URL)")
    bindir = pgserver.find_bindir()
    assert bindir is not None
    server = pgserver.PostgresServer(bindir)
    server.start()
    try:
        yield lambda: server.url(server.create_database())
    finally:
        server.stop()


def run_setup(
    documents: list[bytes], args: argparse.Namespace, state: str, workers: int
) -> dict[str, Any]:
    """Serve the feeds, run `workers` workers at once on `state`, and measure them."""
    receive, send = multiprocessing.Pipe()
    stop = multiprocessing.Event()
    server = multiprocessing.Process(
        target=serve, args=(documents, args.hosts, args.latency, send, stop), daemon=True
    )
    server.start()
    urls = receive.recv()
    try:
        with tempfile.TemporaryDirectory() as directory:
            folder = Path(directory)
            (folder / "feeds.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
            if not state.startswith("postgres"):
                state = str(folder / "state.db")
            config = folder / "monitor.toml"
            config.write_text(
                f'state = "{state}"\nfeeds_file = "feeds.txt"\nmin_interval = 3600\n'
                f"claim_batch = {args.batch}\nlock_timeout = 600\n"
                '[[sinks]]\ntype = "jsonl"\npath = "alerts.jsonl"\n',
                encoding="utf-8",
            )
            started = time.perf_counter()
            processes = [
                subprocess.Popen(
                    [sys.executable, "-m", "pressmon", "run", str(config)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                    cwd=folder,
                )
                for _ in range(workers)
            ]
            errors = [process.communicate()[1] for process in processes]
            seconds = time.perf_counter() - started
            for process, err in zip(processes, errors, strict=True):
                if process.returncode not in (0, 1):
                    raise SystemExit(f"a worker failed (exit {process.returncode}):\n{err}")
            lines = (folder / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
            ids = Counter(json.loads(line)["id"] for line in lines)
    finally:
        stop.set()
        hits: dict[str, int] = receive.recv()
        server.join(timeout=10)
    return {
        "seconds": seconds,
        "feeds_per_second": len(urls) / seconds,
        "fetched": len(hits),
        "fetched_twice": sum(1 for count in hits.values() if count > 1),
        "alerts": len(ids),
        "alerted_twice": sum(1 for count in ids.values() if count > 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--hosts", type=int, default=50, help="loopback addresses serving")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per response")
    parser.add_argument("--workers", default="1,2,4", help="worker counts on PostgreSQL")
    parser.add_argument("--batch", type=int, default=100, help="claim_batch of the config")
    parser.add_argument("--postgres", help="a PostgreSQL server URL (default: start one)")
    args = shrink(parser.parse_args(), feeds=6, items=2, hosts=2, latency=0.0, workers="1,2")
    counts = [int(count) for count in args.workers.split(",")]
    documents = feed_documents(args.feeds, args.items)
    print(f"machine: {machine()}")
    print(
        f"{args.feeds} feeds x {args.items} items from {args.hosts} loopback hosts, "
        f"{args.latency * 1000:.0f} ms a response, claim_batch {args.batch}; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"{'setup':<22} {'seconds':>8} {'feeds/s':>8} {'fetched':>8} {'twice':>6} "
          f"{'alerts':>7} {'twice':>6}")  # fmt: skip
    rows = [("SQLite, 1 process", "sqlite", 1)]
    rows += [(f"PostgreSQL, {n} worker{'s' * (n > 1)}", "postgres", n) for n in counts]
    with postgres(args.postgres) as new_database:
        for label, backend, workers in rows:
            state = new_database() if backend == "postgres" else "sqlite"
            figures = run_setup(documents, args, state, workers)
            print(
                f"{label:<22} {figures['seconds']:>8.2f} {figures['feeds_per_second']:>8.0f} "
                f"{figures['fetched']:>8} {figures['fetched_twice']:>6} "
                f"{figures['alerts']:>7} {figures['alerted_twice']:>6}"
            )
    print(json.dumps({"load_after": round(os.getloadavg()[0], 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

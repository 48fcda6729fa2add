"""Memory and throughput of one monitor run over feeds that hold 10,000 articles in all.

A separate process serves ``--feeds`` RSS feeds of ``--items`` items each
(10,000 articles by default) from loopback addresses, every response after
``--latency`` seconds. Then ``python -m pressmon run`` runs once, in its own
process, on a fresh temporary state (SQLite), with every built-in topic and a
JSONL sink: it fetches, parses and normalizes every feed, stores and
deduplicates every article, detects topics and writes the alerts. Its peak
resident memory is the child's own ``ru_maxrss`` (``os.wait4``), so neither
this script nor the server counts. ``--runs 2`` runs it a second time on the
same state (feeds unchanged: conditional requests, nothing new).

The articles' text is cut from the real news text of the article-extraction
benchmark's ground truth (``../shared/``, read in place, recycled; generated
text when it is absent); one article in twenty carries a sentence about
Alpine's US plans or a look-alike, so that detection, dedup and alerts
really run.

Run::

    python benchmarks/monitor_memory.py            # 200 feeds x 50 items
    python benchmarks/monitor_memory.py --runs 2 --latency 0.1
    python benchmarks/monitor_memory.py --runs 2 --short   # headlines and teasers
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from _machine import machine  # noqa: E402 - a sibling module of the benchmarks
from _smoke import shrink  # noqa: E402 - a sibling module of the benchmarks
from detect import INSERTS, _corpus  # noqa: E402  (a sibling benchmark: its text and inserts)
from fetch import _Responder  # noqa: E402  (a sibling benchmark: its loopback responder)


def feed_documents(feeds: int, items: int, seed: int = 11, short: bool = False) -> list[bytes]:
    """``feeds`` RSS 2.0 documents of ``items`` items each, deterministic.

    With ``short``, every item is a headline and a one-sentence teaser (too short for a
    fingerprint), and three in ten repeat an item of another feed with their own link
    and guid (a syndicated headline), so the headline rule does the dedup."""
    text, _ = _corpus()
    rng = random.Random(seed)
    start = datetime(2025, 6, 2, 12, 0, tzinfo=timezone.utc)
    documents = []
    syndicated: list[str] = []
    for number in range(feeds):
        site = f"https://publisher{number}.example"
        entries = []
        for index in range(items):
            cut = rng.randrange(0, max(1, len(text) - 3000))
            body = text[cut : cut + (rng.randint(120, 200) if short else rng.randint(600, 2400))]
            if rng.random() < 0.05:
                position = rng.randrange(0, len(body) + 1)
                body = f"{body[:position]} {rng.choice(INSERTS)} {body[position:]}"
            if short:
                body = " ".join(body.split())
                if syndicated and rng.random() < 0.3:
                    body = rng.choice(syndicated)
                else:
                    syndicated.append(body)
            paragraphs = "".join(
                f"<p>{escape(paragraph)}</p>" for paragraph in body.split("\n") if paragraph
            )
            title = " ".join(body.split()[:12])
            when = format_datetime(start - timedelta(minutes=17 * index + number))
            link = f"{site}/{number}/{index}.html?utm_source=rss"
            entries.append(
                f"<item><title>{escape(title)}</title><link>{escape(link)}</link>"
                f'<guid isPermaLink="false">{number}-{index}</guid><pubDate>{when}</pubDate>'
                f"<description><![CDATA[{paragraphs}]]></description></item>"
            )
        documents.append(
            (
                '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                f"<title>Publisher {number}</title><link>{site}/</link>"
                f"<description>News</description><language>en</language>"
                f"{''.join(entries)}</channel></rss>"
            ).encode()
        )
    return documents


def serve(
    feeds: int, items: int, hosts: int, latency: float, short: bool, ready: Any, stop: Any
) -> None:  # pragma: no cover - runs in the server process
    """Serve the feeds from ``hosts`` loopback addresses until ``stop`` is set."""
    import asyncio

    async def run() -> None:
        addresses = [f"127.0.0.{2 + index}" for index in range(hosts)]
        documents = feed_documents(feeds, items, short=short)
        bodies = {f"/feed/{number}.xml": body for number, body in enumerate(documents)}
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
        ready.send((urls, sum(len(body) for body in documents)))
        while not stop.is_set():
            await asyncio.sleep(0.1)
        for server in servers:
            server.close()

    asyncio.run(run())


def run_monitor(config: Path, log: Path) -> dict[str, Any]:
    """One ``pressmon run`` in its own process: seconds, exit code, peak RSS in MB."""
    with log.open("wb") as output:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "pressmon", "run", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=output,
            cwd=str(config.parent),
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
    return {
        "seconds": seconds,
        "exit": child.returncode,
        "peak_mb": usage.ru_maxrss / 1024,  # KiB on Linux
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--hosts", type=int, default=20, help="loopback addresses serving")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per response")
    parser.add_argument("--runs", type=int, default=1, help="runs on the same state")
    parser.add_argument(
        "--short",
        action="store_true",
        help="headline-and-teaser items, three in ten syndicated on other feeds",
    )
    args = shrink(parser.parse_args(), feeds=4, items=5, hosts=2, latency=0.0, runs=1)

    if not hasattr(os, "wait4"):
        print("this benchmark needs os.wait4 (Linux, macOS)")
        return 0
    receive, send = multiprocessing.Pipe(duplex=False)
    stop = multiprocessing.Event()
    server = multiprocessing.Process(
        target=serve,
        args=(args.feeds, args.items, args.hosts, args.latency, args.short, send, stop),
        daemon=True,
    )
    server.start()
    urls, total_bytes = receive.recv()
    articles = args.feeds * args.items
    print(f"machine: {machine()}")
    print(
        f"{args.feeds} feeds x {args.items} items = {articles} articles, "
        f"{total_bytes / 1e6:.1f} MB of feeds, {args.latency * 1000:.0f} ms latency, "
        f"{args.hosts} hosts; load average {os.getloadavg()[0]:.2f}"
    )
    try:
        with tempfile.TemporaryDirectory() as directory:
            folder = Path(directory)
            (folder / "feeds.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
            config = folder / "monitor.toml"
            config.write_text(
                'state = "state.db"\nfeeds_file = "feeds.txt"\n\n'
                '[[sinks]]\ntype = "jsonl"\npath = "alerts.jsonl"\n',
                encoding="utf-8",
            )
            for number in range(1, args.runs + 1):
                figures = run_monitor(config, folder / f"run{number}.log")
                log = (folder / f"run{number}.log").read_text(encoding="utf-8", errors="replace")
                if figures["exit"] not in (0, 1):
                    print(f"run {number} failed (exit {figures['exit']}):\n{log}", file=sys.stderr)
                    return 1
                alerts_file = folder / "alerts.jsonl"
                alerts = (
                    len(alerts_file.read_text(encoding="utf-8").splitlines())
                    if alerts_file.exists()
                    else 0
                )
                state_mb = (folder / "state.db").stat().st_size / 1e6
                summary = [line for line in log.splitlines() if line.strip()][-1:]
                print(
                    f"run {number}: {figures['seconds']:.2f} s, "
                    f"{articles / figures['seconds']:.0f} articles/s, "
                    f"peak RSS {figures['peak_mb']:.0f} MB, alerts in the sink {alerts}, "
                    f"state {state_mb:.1f} MB"
                )
                if summary:
                    print(f"  pressmon: {summary[0].strip()}")
        print(
            json.dumps({"articles": articles, "load_after": round(os.getloadavg()[0], 2)}),
        )
    finally:
        stop.set()
        server.join(timeout=5)
    return 0


if __name__ == "__main__":
    sys.exit(main())

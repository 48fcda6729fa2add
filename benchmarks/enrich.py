"""Benchmark: full-text enrichment of N title-only articles whose pages sit on a loopback server.

Contenders, each in its own subprocess (so peak memory is its own):

* ``pressmon``      -- ``pressmon.enrich(articles)`` with its default limits and
  the automatic engine (trafilatura when ``pressmon[fulltext]`` is installed);
* ``pressmon-bs4``  -- the same with the built-in engine (``engine="bs4"``);
* ``naive``         -- ``asyncio.gather`` of ``httpx.AsyncClient.get`` for every
  link, then ``trafilatura.extract`` of each page: what one writes without
  limits, bounds or a cache.

The pages are the real pages of the article-extraction benchmark, found as
``benchmarks/extraction.py`` finds them (``--corpus PATH``,
``$PRESSMON_EXTRACTION_CORPUS``, or ``shared/corpora/...`` beside the
repository), read where they lie and never copied; they are repeated under
distinct paths up to ``--pages``. Every fourth article links to the same
page as the one before it (one story in two feeds), which pressmon fetches
once. They are served by a separate process
from ``--hosts`` loopback addresses, each response after ``--latency``
seconds; the server counts the requests and how many each host had in
flight at once (the politeness figure).

Run (``pip install -e ".[test]"`` for trafilatura)::

    python benchmarks/enrich.py                        # 600 articles, 100 ms, 20 hosts
    python benchmarks/enrich.py --pages 200 --contenders pressmon,naive
"""

from __future__ import annotations

import argparse
import gzip
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import machine
from _smoke import shrink
from extraction import find_corpus  # the benchmark beside this one finds the corpus

CONTENDERS = ("pressmon", "pressmon-bs4", "naive")


# ---------------------------------------------------------------- the server process


class _Responder:
    """A minimal HTTP/1.1 keep-alive responder that counts requests in flight per host."""

    def __init__(self, bodies: list[bytes], latency: float) -> None:
        self.responses = [
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
            for body in bodies
        ]
        self.latency = latency
        self.in_flight: dict[tuple[str, str], int] = {}
        self.requests: dict[str, int] = {}
        self.peak: dict[tuple[str, str], int] = {}

    def handler(self, host: str) -> Any:
        import asyncio

        async def handle(reader: Any, writer: Any) -> None:
            try:
                while True:
                    head = await reader.readuntil(b"\r\n\r\n")
                    path = head.split(b" ", 2)[1].decode()
                    # /<run>/<page number>/<copy>
                    _, run, number, _ = path.split("/", 3)
                    key = (run, host)
                    self.requests[run] = self.requests.get(run, 0) + 1
                    self.in_flight[key] = self.in_flight.get(key, 0) + 1
                    self.peak[key] = max(self.peak.get(key, 0), self.in_flight[key])
                    try:
                        await asyncio.sleep(self.latency)
                        writer.write(self.responses[int(number) % len(self.responses)])
                        await writer.drain()
                    finally:
                        self.in_flight[key] -= 1
            except (asyncio.IncompleteReadError, ConnectionError, IndexError, ValueError):
                pass
            finally:
                writer.close()

        return handle


def serve(corpus: str, hosts: int, latency: float, ready: Any, commands: Any) -> None:
    """Serve the corpus pages from ``hosts`` loopback addresses; answer ``peak RUN`` queries."""
    import asyncio

    async def run() -> None:
        pages = sorted((Path(corpus) / "html").glob("*.html.gz"))
        bodies = [gzip.decompress(path.read_bytes()) for path in pages]
        responder = _Responder(bodies, latency)
        addresses = [f"127.0.0.{2 + index}" for index in range(hosts)]
        servers = [
            await asyncio.start_server(responder.handler(address), address, 0, backlog=512)
            for address in addresses
        ]
        bases = [
            f"http://{address}:{server.sockets[0].getsockname()[1]}"
            for address, server in zip(addresses, servers, strict=True)
        ]
        ready.send((bases, len(bodies)))
        loop = asyncio.get_running_loop()
        while True:
            command = await loop.run_in_executor(None, commands.recv)
            if command == "stop":
                break
            peaks = [value for (run, _), value in responder.peak.items() if run == command]
            commands.send((max(peaks, default=0), responder.requests.get(command, 0)))
        for server in servers:
            server.close()

    asyncio.run(run())


def links(bases: list[str], corpus: int, pages: int, run: str) -> list[str]:
    """``pages`` links over the hosts; every fourth one repeats the link before it."""
    urls: list[str] = []
    for index in range(pages):
        if index % 4 == 3:
            urls.append(urls[-1])
            continue
        urls.append(f"{bases[index % len(bases)]}/{run}/{index % corpus}/{index}")
    return urls


# ---------------------------------------------------------------- contenders


def run_pressmon(urls: list[str], engine: str | None) -> dict[str, Any]:
    import pressmon

    articles = [pressmon.Article(title=f"Item {index}", url=url) for index, url in enumerate(urls)]
    started = time.perf_counter()
    enriched = pressmon.enrich(articles, allow_private_pages=True, engine=engine)  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    statuses: dict[str, int] = {}
    for article in enriched:
        status = article.extraction.status if article.extraction else "none"
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "seconds": seconds,
        "with_text": sum(1 for article in enriched if article.text),
        "chars": sum(len(article.text) for article in enriched),
        "statuses": statuses,
    }


def run_naive(urls: list[str]) -> dict[str, Any]:
    import asyncio

    import httpx
    import trafilatura

    async def go() -> list[str]:
        async with httpx.AsyncClient(timeout=httpx.Timeout(30.0, pool=None)) as client:

            async def one(url: str) -> str:
                response = await client.get(url)
                return trafilatura.extract(response.text) or ""

            return await asyncio.gather(*(one(url) for url in urls))

    started = time.perf_counter()
    texts = asyncio.run(go())
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "with_text": sum(1 for text in texts if text),
        "chars": sum(len(text) for text in texts),
        "statuses": {},
    }


def contender_main(name: str, urls_file: str) -> None:
    """Run one contender (in its own process) and print its figures as JSON."""
    urls = json.loads(Path(urls_file).read_text())
    if name == "pressmon":
        figures = run_pressmon(urls, None)
    elif name == "pressmon-bs4":
        figures = run_pressmon(urls, "bs4")
    elif name == "naive":
        figures = run_naive(urls)
    else:
        raise SystemExit(f"unknown contender {name!r}")
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


# ---------------------------------------------------------------- driver


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=600, help="articles to enrich")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per response")
    parser.add_argument("--hosts", type=int, default=20, help="loopback addresses serving")
    parser.add_argument("--contenders", default=",".join(CONTENDERS))
    parser.add_argument("--corpus", help="the article-extraction-benchmark directory")
    parser.add_argument("--repeat", type=int, default=1, help="rounds (best run kept)")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--urls-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.run:
        args = shrink(args, pages=8, latency=0.0, hosts=2, repeat=1)
    if args.run:
        contender_main(args.run, args.urls_file)
        return 0
    corpus_dir = find_corpus(args.corpus)
    if corpus_dir is None:
        print(
            "the article-extraction-benchmark corpus is not here (--corpus PATH); nothing measured."
        )
        return 0

    contenders = [name.strip() for name in args.contenders.split(",") if name.strip()]
    receive, send = multiprocessing.Pipe(duplex=False)
    commands, server_end = multiprocessing.Pipe()
    server = multiprocessing.Process(
        target=serve,
        args=(str(corpus_dir), args.hosts, args.latency, send, server_end),
        daemon=True,
    )
    server.start()
    bases, corpus = receive.recv()
    print(f"machine: {machine()}")
    print(
        f"{args.pages} title-only articles ({corpus} distinct pages, every 4th link shared), "
        f"{args.latency * 1000:.0f} ms latency, {args.hosts} hosts"
    )
    rows: dict[str, dict[str, Any]] = {}
    try:
        for round_ in range(args.repeat):
            for name in contenders:
                run = f"{name}-{round_}"
                with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
                    json.dump(links(bases, corpus, args.pages, run), handle)
                try:
                    completed = subprocess.run(
                        [sys.executable, __file__, "--run", name, "--urls-file", handle.name],
                        capture_output=True,
                        text=True,
                        check=False,
                        timeout=900,
                    )
                finally:
                    os.unlink(handle.name)
                if completed.returncode != 0:
                    print(f"{name}: failed\n{completed.stderr}", file=sys.stderr)
                    continue
                figures = json.loads(completed.stdout.strip().splitlines()[-1])
                commands.send(run)
                figures["per_host_peak"], figures["requests"] = commands.recv()
                if name not in rows or figures["seconds"] < rows[name]["seconds"]:
                    rows[name] = figures
    finally:
        commands.send("stop")
        server.join(timeout=10)

    print(f"load average after the runs: {os.getloadavg()[0]:.2f}")
    print(
        f"{'contender':<14}{'seconds':>9}{'articles/s':>12}{'requests':>10}{'with text':>11}"
        f"{'Mchars':>8}{'per host':>10}{'peak MB':>9}  statuses"
    )
    for name, row in rows.items():
        print(
            f"{name:<14}{row['seconds']:>9.2f}{args.pages / row['seconds']:>12.1f}"
            f"{row['requests']:>10}{row['with_text']:>11}{row['chars'] / 1e6:>8.2f}"
            f"{row['per_host_peak']:>10}"
            f"{row['peak_mb']:>9.0f}  {json.dumps(row['statuses'])}"
        )
    for ours in ("pressmon", "pressmon-bs4"):
        if ours in rows and "naive" in rows:
            ratio = rows["naive"]["seconds"] / rows[ours]["seconds"]
            print(f"{ours} vs naive: {ratio:.2f}x as fast")
    return 0


if __name__ == "__main__":
    sys.exit(main())

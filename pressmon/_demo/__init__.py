"""`pressmon demo`: the real monitor, offline, on the bundled seed and sample feeds.

The demo serves the sample feeds, and the seed article as the one item of a small
generated RSS feed, from an HTTP server on 127.0.0.1 (a port the system picks),
runs `pressmon run` on them twice with a temporary state, prints the digest of
the first run and shows that the second run alerts nothing.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape

__all__ = ["demo_sources", "run_demo", "seed_feed", "seed_path"]

SEED_NAME = "000_bbe417a4b73ce4ce.txt"
_TYPES = {
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".json": "application/feed+json; charset=utf-8",
    ".xml": "application/rss+xml; charset=utf-8",
}


def seed_path() -> Path:
    """The bundled seed: in the package when installed from a wheel, else in the repository."""
    packaged = Path(str(resources.files("pressmon"))) / "_seeds" / SEED_NAME
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "seeds" / SEED_NAME


def demo_sources() -> list[Path]:
    """The seed, then the sample feeds, in a fixed order."""
    feeds = Path(__file__).resolve().parent / "feeds"
    return [seed_path(), *sorted(path for path in feeds.iterdir() if not path.name.startswith("."))]


def seed_feed(base_url: str) -> bytes:
    """An RSS feed whose one item is the seed article (its text, title and date)."""
    from pressmon._sources import read_path

    (article,) = read_path(seed_path())
    title = article.title or " ".join(article.text.split()[:12]) + " …"
    date = ""
    if article.published is not None:
        # Dublin Core's W3C date keeps the seed's real precision (2023-05), which
        # an RSS pubDate, always a full timestamp, would invent.
        partial = article.published_precision in ("year", "month", "day")
        written = article.published_label if partial else article.published.isoformat()
        date = f"<dc:date>{written}</dc:date>"
    paragraphs = article.text.split("\n\n")
    body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<title>Seed (pressmon demo)</title>"
        f"<link>{escape(base_url)}/</link><description>The seed article</description>"
        "<language>fr</language><item>"
        f"<title>{escape(title)}</title><link>{escape(base_url)}/seed/{SEED_NAME}</link>"
        f'<guid isPermaLink="false">{SEED_NAME}</guid>{date}'
        f"<description>{escape(paragraphs[0])}</description>"
        f"<content:encoded>{escape(body)}</content:encoded>"
        "</item></channel></rss>\n"
    ).encode()


@contextmanager
def serve(files: Mapping[str, tuple[bytes, str]]) -> Iterator[str]:
    """Serve `{path: (body, content type)}` on 127.0.0.1 with ETags; yield the base URL."""
    import hashlib

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return  # quiet: the demo prints its own lines

        def do_GET(self) -> None:
            found = files.get(self.path)
            if found is None:
                self.send_error(404)
                return
            body, content_type = found
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}"
    finally:
        server.shutdown()
        server.server_close()


def run_demo(out: TextIO) -> int:
    """Run the monitor twice on the bundled feeds served from loopback; print the digest."""
    import io

    from pressmon._monitor import Progress, run_monitor, summary_line
    from pressmon.config import config_from_dict

    feeds_dir = Path(__file__).resolve().parent / "feeds"
    samples = sorted(path for path in feeds_dir.iterdir() if path.suffix in _TYPES)
    with (
        tempfile.TemporaryDirectory(prefix="pressmon-demo-") as temporary,
        serve(_files(samples)) as base,
    ):
        directory = Path(temporary)
        feeds = [{"url": f"{base}/seed.xml", "name": "Seed"}]
        feeds += [{"url": f"{base}/feeds/{path.name}"} for path in samples]
        config = config_from_dict(
            {
                "state": str(directory / "state.db"),
                "feeds": feeds,
                "sinks": [
                    {"type": "jsonl", "path": str(directory / "alerts.jsonl")},
                    {
                        "type": "markdown",
                        "path": str(directory / "digest.md"),
                        "title": "pressmon demo digest",
                    },
                ],
            },
            path=directory / "demo.toml",
        )
        out.write(
            f"pressmon demo: serving the seed and {len(samples)} sample feeds on {base} "
            "(offline), monitoring them with a temporary state\n\n"
        )
        log = io.StringIO()
        first = run_monitor(config, progress=Progress(log), stdout=out)
        out.write(f"first run: {summary_line(first)}\n\n")
        out.write((directory / "digest.md").read_text(encoding="utf-8") + "\n")
        second = run_monitor(config, progress=Progress(log), stdout=out)
        out.write(f"second run: {summary_line(second)}\n")
        out.write(
            "Nothing is alerted twice: the second run sent the stored validators, the server "
            "answered 304 Not Modified, and no story was new.\n"
            if not second.alerts
            else "The second run alerted again: this is a bug, please report it.\n"
        )
    return 0 if not first.all_feeds_failed and not second.alerts else 1


def _files(samples: list[Path]) -> dict[str, tuple[bytes, str]]:
    files = {f"/feeds/{path.name}": (path.read_bytes(), _TYPES[path.suffix]) for path in samples}
    # The seed feed's links point at the server; its address is only known once it runs,
    # but the links only name the article, so a fixed host is enough.
    files["/seed.xml"] = (seed_feed("https://seed.pressmon.example"), _TYPES[".rss"])
    return files

"""A loopback HTTP server for monitor tests: serves feeds with ETag and Last-Modified,
answers 304 to conditional requests, and records every request it gets."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """What one path answers."""

    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    validators: bool = True
    statuses: list[int] = field(default_factory=list)  # consumed first, one per request

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass
class Seen:
    """A request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int


class FeedServer:
    """Serve ``routes`` on 127.0.0.1 in a background thread."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                route = outer.routes.get(self.path)
                status = 404 if route is None else route.status
                if route is not None and route.statuses:
                    status = route.statuses.pop(0)
                if route is not None and route.delay:
                    time.sleep(route.delay)
                headers = {} if route is None else dict(route.headers)
                payload = b"not found" if route is None else route.body
                if route is not None and status == 200 and route.validators:
                    headers["ETag"] = route.etag
                    headers["Last-Modified"] = formatdate(1_700_000_000, usegmt=True)
                    if self.headers.get("If-None-Match") == route.etag:
                        status, payload = 304, b""
                if status != 200 and status != 304:
                    payload = payload if route is None else b"error"
                with outer._lock:
                    outer.requests.append(
                        Seen(self.command, self.path, dict(self.headers.items()), body, status)
                    )
                self.send_response(status)
                if route is not None and status == 200:
                    self.send_header("Content-Type", route.content_type)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = _answer
            do_POST = _answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def start(self) -> FeedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def hits(self, path: str) -> list[Seen]:
        with self._lock:
            return [seen for seen in self.requests if seen.path == path]

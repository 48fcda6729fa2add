"""A real HTTP server on 127.0.0.1 for tests: routes added per test, hostile endpoints included.

It runs ``http.server.ThreadingHTTPServer`` in a daemon thread, speaks
HTTP/1.1 with keep-alive, and records every request. Tests get a fresh one
from the ``http_server`` fixture (``tests/conftest.py``) and add routes::

    def test_something(http_server):
        http_server.static("/feed.xml", rss_bytes, etag='"v1"')
        http_server.status("/missing", 404)
        http_server.sequence("/flaky", [status_route(500), static_route(rss_bytes)])
        url = http_server.url("/feed.xml")
        ...
        assert http_server.hits("/flaky") == 2

A route is any callable taking an :class:`Exchange` (the request, and the
means to answer it: a whole response, a head then dribbled bytes, or a
connection reset). The ``*_route`` factories make the common ones; the
server's methods of the same names register them. Hostile endpoints:
``drip`` (one byte at a time), ``gzip_bomb`` (a real 256 MiB bomb),
``reset`` (TCP reset), redirect loops; hostile documents:
:data:`BILLION_LAUGHS` and :func:`xxe_document`; :func:`make_rss` builds
feeds in any encoding.
"""

from __future__ import annotations

import email.utils
import functools
import gzip
import hashlib
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

__all__ = [
    "BILLION_LAUGHS",
    "Exchange",
    "FeedRoute",
    "RecordedRequest",
    "Route",
    "TestServer",
    "drip_route",
    "gzip_bomb",
    "gzip_bomb_route",
    "make_rss",
    "redirect_route",
    "reset_route",
    "sequence_route",
    "static_route",
    "status_route",
    "xxe_document",
]


@dataclass
class RecordedRequest:
    """A request the server received."""

    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    """Header names lower-cased."""
    client_port: int
    """The client's port: requests on one keep-alive connection share it."""
    body: bytes = b""
    """The request body (a POST's)."""
    target: str = ""
    """The request line's target as sent (a proxy request's is a whole URL)."""
    received: float = 0.0
    """When it arrived (`time.monotonic()`)."""
    status: int | None = None
    """The status the server answered with (None: no answer, a reset)."""


class Exchange:
    """One request, and the ways to answer it."""

    def __init__(self, handler: _Handler, hit: int, record: RecordedRequest) -> None:
        self._handler = handler
        self._record = record
        parts = urlsplit(handler.path)
        self.method: str = handler.command
        self.path: str = parts.path
        self.query: str = parts.query
        self.headers: Message = handler.headers
        self.hit = hit
        """How many requests this path has received, this one included (1 for the first)."""
        self.body: bytes = record.body
        """The request body (a POST's)."""

    def respond(
        self, status: int = 200, body: bytes = b"", headers: Mapping[str, str] | None = None
    ) -> None:
        """Send a whole response with its Content-Length (the connection stays open)."""
        self._record.status = status
        self._handler.send_response(status)
        names = {name.lower() for name in headers or {}}
        for name, value in (headers or {}).items():
            self._handler.send_header(name, value)
        if "content-length" not in names:
            self._handler.send_header("Content-Length", str(len(body)))
        self._handler.end_headers()
        if self.method != "HEAD" and status not in (204, 304):
            self._handler.wfile.write(body)

    def start(self, status: int = 200, headers: Mapping[str, str] | None = None) -> None:
        """Send the status line and headers only; the body follows with :meth:`write`.

        The connection is closed after the exchange (the body has no declared end
        unless a Content-Length is given).
        """
        self._record.status = status
        self._handler.close_connection = True
        self._handler.send_response(status)
        for name, value in (headers or {}).items():
            self._handler.send_header(name, value)
        self._handler.send_header("Connection", "close")
        self._handler.end_headers()

    def write(self, data: bytes) -> bool:
        """Send body bytes now; return False when the client has gone away."""
        try:
            self._handler.wfile.write(data)
            self._handler.wfile.flush()
        except OSError:
            return False
        return True

    def reset(self) -> None:
        """Abort the connection with a TCP reset (SO_LINGER 0, then close)."""
        connection = self._handler.connection
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._handler.close_connection = True
        connection.close()


Route = Callable[[Exchange], None]
"""Answers one request."""


# ---------------------------------------------------------------- route factories


def _http_date(when: float) -> str:
    return email.utils.formatdate(when, usegmt=True)


def static_route(
    body: bytes,
    *,
    content_type: str = "application/rss+xml; charset=utf-8",
    etag: str | None = None,
    last_modified: float | str | None = None,
    headers: Mapping[str, str] | None = None,
    gzipped: bool = False,
    status: int = 200,
) -> Route:
    """Serve fixed bytes; answer 304 when the request's validators match.

    Args:
        body: the document.
        content_type: its Content-Type.
        etag: an ETag (quoted, as sent), matched against If-None-Match.
        last_modified: a POSIX time or an HTTP date, matched against If-Modified-Since.
        headers: more response headers.
        gzipped: send the body with ``Content-Encoding: gzip``.
        status: the status of a full response.
    """
    modified = (
        _http_date(last_modified) if isinstance(last_modified, float | int) else last_modified
    )
    payload = gzip.compress(body) if gzipped else body

    def route(exchange: Exchange) -> None:
        validators: dict[str, str] = {}
        if etag is not None:
            validators["ETag"] = etag
        if modified is not None:
            validators["Last-Modified"] = modified
        if_none_match = exchange.headers.get("If-None-Match")
        if_modified_since = exchange.headers.get("If-Modified-Since")
        if etag is not None and if_none_match is not None:
            if etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match == "*":
                exchange.respond(304, headers=validators)
                return
        elif modified is not None and if_modified_since is not None:
            try:
                since = email.utils.parsedate_to_datetime(if_modified_since)
                changed = email.utils.parsedate_to_datetime(modified)
            except (TypeError, ValueError):
                since = changed = None
            if since is not None and changed is not None and changed <= since:
                exchange.respond(304, headers=validators)
                return
        response = {"Content-Type": content_type, **validators, **(headers or {})}
        if gzipped:
            response["Content-Encoding"] = "gzip"
        exchange.respond(status, payload, response)

    return route


@dataclass
class FeedRoute:
    """A feed that changes during a test: fixed bytes with validators derived from them.

    With `validators`, a 200 carries an ETag (a hash of the body) and a Last-Modified,
    and a request whose If-None-Match matches gets 304. `statuses` are answered
    first, one per request, before `status`; `delay` waits before answering. Change
    its fields (or assign a new route) between runs to change the feed.
    """

    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    validators: bool = True
    statuses: list[int] = field(default_factory=list)

    @property
    def etag(self) -> str:
        """The body's ETag."""
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'

    def __call__(self, exchange: Exchange) -> None:
        status = self.statuses.pop(0) if self.statuses else self.status
        if self.delay:
            time.sleep(self.delay)
        headers = dict(self.headers)
        payload = self.body if status == 200 else b"error"
        if status == 200:
            headers["Content-Type"] = self.content_type
            if self.validators:
                headers["ETag"] = self.etag
                headers["Last-Modified"] = _http_date(1_700_000_000)
                if exchange.headers.get("If-None-Match") == self.etag:
                    status, payload = 304, b""
        exchange.respond(status, payload, headers)


def status_route(
    status: int, *, body: bytes = b"", headers: Mapping[str, str] | None = None
) -> Route:
    """Answer every request with this status (and body and headers)."""

    def route(exchange: Exchange) -> None:
        exchange.respond(status, body, {"Content-Type": "text/plain", **(headers or {})})

    return route


def redirect_route(to: str, status: int = 301) -> Route:
    """Redirect to ``to`` (a path on this server or a full URL) with this status."""
    return status_route(status, headers={"Location": to})


def sequence_route(routes: Sequence[Route]) -> Route:
    """Answer the n-th request with the n-th route; the last one answers the rest."""
    if not routes:
        raise ValueError("sequence_route needs at least one route")

    def route(exchange: Exchange) -> None:
        routes[min(exchange.hit, len(routes)) - 1](exchange)

    return route


def drip_route(
    *, interval: float = 0.2, size: int = 100_000, limit: float = 30.0, first: bytes = b"<"
) -> Route:
    """Promise ``size`` bytes, then send one byte every ``interval`` seconds.

    Each byte arrives well within any read timeout, so only a total deadline
    stops the client. The server gives up after ``limit`` seconds or when the
    client goes away.
    """

    def route(exchange: Exchange) -> None:
        exchange.start(200, {"Content-Type": "application/rss+xml", "Content-Length": str(size)})
        started = time.monotonic()
        data = first + b" " * size
        for index in range(size):
            if not exchange.write(data[index : index + 1]):
                return
            if time.monotonic() - started > limit:
                return
            time.sleep(interval)

    return route


@functools.lru_cache(maxsize=4)
def gzip_bomb(size: int) -> bytes:
    """Return a real gzip stream of ``<rss>`` and ``size`` spaces (compressed 1 MiB at a time)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b" " * (1024 * 1024)
    parts = [compressor.compress(b"<rss>")]
    parts.extend(compressor.compress(block) for _ in range(size // len(block)))
    parts.append(compressor.flush())
    return b"".join(parts)


def gzip_bomb_route(size: int = 256 * 1024 * 1024) -> Route:
    """Serve a small gzip body that decompresses to ``size`` bytes (256 MiB by default)."""

    def route(exchange: Exchange) -> None:
        payload = gzip_bomb(size)
        exchange.respond(
            200,
            payload,
            {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"},
        )

    return route


def reset_route() -> Route:
    """Read the request, then reset the connection without a byte of answer."""
    return Exchange.reset


def make_rss(
    title: str,
    items: Iterable[Mapping[str, str]],
    *,
    encoding: str = "utf-8",
    link: str = "https://example.org/",
    language: str | None = None,
) -> bytes:
    """Build an RSS 2.0 document in ``encoding`` (declared in its XML prolog).

    Each item is a mapping with any of ``title``, ``link``, ``guid``,
    ``description``, ``pubDate``.
    """
    parts = [
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>',
        f"<title>{escape(title)}</title><link>{escape(link)}</link>",
        f"<description>{escape(title)}</description>",
    ]
    if language:
        parts.append(f"<language>{escape(language)}</language>")
    for item in items:
        parts.append("<item>")
        parts.extend(f"<{name}>{escape(value)}</{name}>" for name, value in item.items())
        parts.append("</item>")
    parts.append("</channel></rss>\n")
    return "".join(parts).encode(encoding)


# ---------------------------------------------------------------- hostile documents

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Laughs</title>
<item><title>Bomb &lol9;</title><description>&lol9;</description></item>
</channel></rss>
"""


def xxe_document(secret_path: Path) -> bytes:
    """An RSS document whose external entity (XXE) points at a local file."""
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret_path}">]>\n'
        '<rss version="2.0"><channel><title>XXE</title>'
        "<item><title>Leak &xxe;</title><description>&xxe;</description></item>"
        "</channel></rss>\n"
    ).encode()


# ---------------------------------------------------------------- the server


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def _dispatch(self) -> None:
        owner = self.server.owner
        path = urlsplit(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        hit, record = owner._record(self, path, body)
        try:
            if owner.latency:
                time.sleep(owner.latency)
            route = owner._routes.get(path)
            exchange = Exchange(self, hit, record)
            if route is None:
                exchange.respond(404, b"no such route", {"Content-Type": "text/plain"})
            else:
                route(exchange)
        finally:
            owner._done(path)

    do_GET = _dispatch
    do_HEAD = _dispatch
    do_POST = _dispatch

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    owner: TestServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that go away mid-answer are expected here; say nothing."""


class TestServer:
    """An HTTP/1.1 server on 127.0.0.1 (a free port) with routes you add.

    Args:
        latency: seconds to wait before answering each request.
        host: the loopback address to listen on.
    """

    __test__ = False  # not a test class, whatever pytest thinks of the name

    def __init__(self, *, latency: float = 0.0, host: str = "127.0.0.1") -> None:
        self.latency = latency
        self._routes: dict[str, Route] = {}
        self._lock = threading.Lock()
        self._hits: dict[str, int] = {}
        self._in_flight: dict[str, int] = {}
        self._max_in_flight: dict[str, int] = {}
        self._in_flight_total = 0
        self.max_in_flight_total = 0
        """The most requests answered at the same time, over all paths."""
        self.requests: list[RecordedRequest] = []
        """Every request received, in order."""
        self._server = _Server((host, 0), _Handler)
        self._server.owner = self
        self.host = host
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # lifecycle
    def start(self) -> TestServer:
        """Start serving in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> TestServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # bookkeeping
    def _record(self, handler: _Handler, path: str, body: bytes) -> tuple[int, RecordedRequest]:
        parts = urlsplit(handler.path)
        request = RecordedRequest(
            method=handler.command,
            path=path,
            query=parts.query,
            headers={name.lower(): value for name, value in handler.headers.items()},
            client_port=int(handler.client_address[1]),
            body=body,
            target=handler.path,
            received=time.monotonic(),
        )
        with self._lock:
            self.requests.append(request)
            self._hits[path] = self._hits.get(path, 0) + 1
            self._in_flight[path] = self._in_flight.get(path, 0) + 1
            self._max_in_flight[path] = max(self._max_in_flight.get(path, 0), self._in_flight[path])
            self._in_flight_total += 1
            self.max_in_flight_total = max(self.max_in_flight_total, self._in_flight_total)
            return self._hits[path], request

    def _done(self, path: str) -> None:
        with self._lock:
            self._in_flight[path] -= 1
            self._in_flight_total -= 1

    def hits(self, path: str) -> int:
        """How many requests ``path`` has received."""
        with self._lock:
            return self._hits.get(path, 0)

    def max_in_flight(self, path: str) -> int:
        """The most requests to ``path`` answered at the same time."""
        with self._lock:
            return self._max_in_flight.get(path, 0)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        """The requests ``path`` received, in order."""
        with self._lock:
            return [request for request in self.requests if request.path == path]

    # routes
    @property
    def routes(self) -> dict[str, Route]:
        """The routes by path; assign to one to change what it answers mid-test."""
        return self._routes

    def url(self, path: str = "/") -> str:
        """The absolute URL of ``path`` on this server."""
        return f"http://{self.host}:{self.port}{path}"

    def route(self, path: str, route: Route) -> str:
        """Answer requests to ``path`` with ``route``; return the path's URL."""
        self._routes[path] = route
        return self.url(path)

    def static(self, path: str, body: bytes, **options: Any) -> str:
        """Serve fixed bytes at ``path`` (see :func:`static_route`); return its URL."""
        return self.route(path, static_route(body, **options))

    def status(self, path: str, status: int, **options: Any) -> str:
        """Answer ``path`` with a status (see :func:`status_route`); return its URL."""
        return self.route(path, status_route(status, **options))

    def redirect(self, path: str, to: str, status: int = 301) -> str:
        """Redirect ``path`` to ``to``; return the URL of ``path``."""
        return self.route(path, redirect_route(to, status))

    def sequence(self, path: str, routes: Sequence[Route]) -> str:
        """Answer the n-th request to ``path`` with the n-th route; return its URL."""
        return self.route(path, sequence_route(routes))

    def drip(self, path: str, **options: Any) -> str:
        """A slow-drip body at ``path`` (see :func:`drip_route`); return its URL."""
        return self.route(path, drip_route(**options))

    def gzip_bomb(self, path: str, size: int = 256 * 1024 * 1024) -> str:
        """A gzip bomb at ``path`` (see :func:`gzip_bomb_route`); return its URL."""
        return self.route(path, gzip_bomb_route(size))

    def reset(self, path: str) -> str:
        """A connection reset at ``path``; return its URL."""
        return self.route(path, reset_route())

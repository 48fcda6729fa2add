"""The fetcher: many feeds at once over one `httpx.AsyncClient`, politely and within bounds.

One [`Fetcher`][pressmon.Fetcher] owns (or borrows) an `httpx.AsyncClient` and applies,
to every request it sends:

* a global limit on requests in flight and a per-host limit (both semaphores,
  held only while a request is on the wire, never during a retry wait);
* connect/read timeouts (httpx) and a total deadline per request
  (`asyncio.wait_for`) that stops a server dripping one byte a second;
* a maximum body size, counted on the decompressed bytes while they stream
  (`._body`), so a gzip bomb is cut after `max_bytes`;
* its own redirect following (httpx's is off): at most `max_redirects`
  hops, loops detected, a chain of 301/308 reported as the URL to store;
* bounded retries with exponential backoff and jitter (tenacity) on
  connection errors, 408, 429 and 5xx, honouring `Retry-After` up to a cap.

Nothing raised by one feed or page escapes: every outcome is a
[`FetchResult`][pressmon.FetchResult] or [`PageResponse`][pressmon.PageResponse].
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import ssl
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_result,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)

from pressmon._fetch import _defaults as defaults
from pressmon._fetch._addresses import refuse_private
from pressmon._fetch._body import BodyTooLarge, BoundedDecoder, CorruptBody, supported_encoding
from pressmon._fetch._discover import discover
from pressmon._fetch._headers import parse_max_age, parse_retry_after
from pressmon._fetch._hostlimit import HostLimit
from pressmon._parse import parse_feed
from pressmon._urls import is_http_url
from pressmon._version import __version__
from pressmon.exceptions import NotAFeedError, ParseError
from pressmon.models import (
    FeedRequest,
    FetchFailure,
    FetchFailureKind,
    FetchResult,
    PageResponse,
    ParsedFeed,
)

__all__ = [
    "FEED_ACCEPT",
    "PAGE_ACCEPT",
    "USER_AGENT",
    "Fetcher",
    "Progress",
]

MiB = defaults.MiB

USER_AGENT = f"pressmon/{__version__} (+https://github.com/pressmon/pressmon)"
"""What pressmon calls itself in the `User-Agent` header."""
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, "
    "application/json;q=0.8, */*;q=0.5"
)
"""The `Accept` header sent for feeds."""
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
"""The `Accept` header sent by `Fetcher.get` unless told otherwise."""

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_RETRY_STATUSES = frozenset({408, 429})
# Headers that describe the transfer, not the document: the parser gets decoded bytes.
_TRANSFER_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})

Progress = Callable[[int, int, FetchResult], object]
"""`progress(done, total, result)`: called once per feed as soon as its result is ready."""


@dataclass
class _Hop:
    """One request's outcome: a response (body, redirect, status) or a failure."""

    url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""
    raw_bytes: int = 0
    location: str | None = None
    failure: FetchFailure | None = None
    retryable: bool = False
    retry_after: float | None = None
    attempts: int = 0


def _failure(kind: FetchFailureKind, message: str) -> FetchFailure:
    return FetchFailure(kind=kind, message=message)


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{(parts.hostname or '').lower()}:{port}"


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _is_tls_error(error: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    text = str(error)
    return "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text


def _describe(error: BaseException) -> str:
    text = str(error).strip()
    return text or type(error).__name__


def _transport_failure(error: httpx.HTTPError, timeout: float) -> tuple[FetchFailure, bool]:
    """Map an httpx exception to a failure and whether it is worth retrying."""
    if isinstance(error, httpx.ConnectTimeout):
        return _failure("timeout", f"timed out connecting (after {timeout:g} s)"), True
    if isinstance(error, httpx.TimeoutException):
        return _failure("timeout", f"timed out: no data for {timeout:g} s"), False
    if isinstance(error, httpx.UnsupportedProtocol):
        return _failure("connection", f"unsupported URL: {_describe(error)}"), False
    if isinstance(error, httpx.ConnectError) and _is_tls_error(error):
        return _failure("tls", f"TLS handshake failed: {_describe(error)}"), False
    if isinstance(error, httpx.ConnectError):
        return _failure("connection", f"cannot connect: {_describe(error)}"), True
    if isinstance(error, httpx.DecodingError):
        return _failure("parse", f"cannot decode the body: {_describe(error)}"), False
    if isinstance(error, httpx.ReadError | httpx.WriteError | httpx.RemoteProtocolError):
        # Reset, or closed before the response was complete: the server may recover.
        detail = str(error).strip()
        return _failure(
            "connection",
            "the connection was reset or closed before the response was complete"
            + (f" ({detail})" if detail else ""),
        ), True
    if isinstance(error, httpx.TransportError):
        return _failure("connection", f"connection failed: {_describe(error)}"), True
    return _failure("connection", f"request failed: {_describe(error)}"), False


def _size(count: int) -> str:
    """`10 MiB`, `512 KiB`, `300 bytes`."""
    for unit, scale in (("MiB", MiB), ("KiB", 1024)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count} bytes"


def _status_failure(status: int, reason: str) -> FetchFailure:
    if status == 410:
        return _failure("gone", "HTTP 410 Gone: the feed was removed; stop fetching it")
    text = f"HTTP {status} {reason}".strip()
    if status in (401, 403):
        text += " (the server refuses access)"
    return _failure("http_status", text)


def _headers_of(response: httpx.Response) -> dict[str, str]:
    return {name: ", ".join(response.headers.get_list(name)) for name in response.headers}


def _default_client(timeout: float, concurrency: int, per_host: int) -> httpx.AsyncClient:
    """The fetcher's own client: a pool per host, unless the environment names a proxy."""
    import urllib.request

    proxies = urllib.request.getproxies()
    if any(scheme in proxies for scheme in ("http", "https", "all")):
        # httpx applies HTTP(S)_PROXY only to its default transport: keep it.
        return httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(
                max_connections=concurrency,
                max_keepalive_connections=concurrency,
                keepalive_expiry=30.0,
            ),
            follow_redirects=False,
        )
    from pressmon._fetch._transport import HostPools

    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout),
        transport=HostPools(per_host=per_host, max_idle_hosts=concurrency),
        follow_redirects=False,
    )


def _as_request(feed: str | FeedRequest) -> FeedRequest:
    if isinstance(feed, FeedRequest):
        return feed
    if isinstance(feed, str):
        return FeedRequest(url=feed.strip())
    raise TypeError(f"expected a URL string or a FeedRequest, got {type(feed).__name__}")


class Fetcher:
    """Fetch feeds and pages concurrently, politely and within bounds.

    Use it as an async context manager; it closes the client it created (a
    client given by the caller is left open)::

        async with Fetcher(concurrency=16) as fetcher:
            results = await fetcher.fetch(["https://example.org/feed.xml"])

    A fetcher belongs to the event loop that first uses it.

    Args:
        client: an `httpx.AsyncClient` to send requests with (your transport,
            proxy, headers, TLS settings); its redirect following is bypassed.
            By default the fetcher makes one with a connection pool sized for
            `concurrency` and HTTP/1.1 keep-alive.
        timeout: seconds to connect, and seconds without a byte while reading.
        deadline: seconds for one whole request (connection, headers, body);
            stops a server that drips one byte a second.
        max_bytes: the largest body accepted, counted after decompression.
        concurrency: requests in flight at once, over all hosts.
        per_host: requests in flight at once to one `host:port` at first.
        per_host_max: the most requests in flight to one `host:port`: the limit
            grows from `per_host` while the host answers quickly and without
            429 or 503, and halves at once on either (a `Retry-After` then
            holds every request to that host). Give `per_host` again for a
            fixed limit.
        retries: retries after the first attempt for connection errors, 408,
            429 and 5xx (never for other 4xx).
        backoff: the first retry wait in seconds; it doubles each retry, plus
            random jitter up to `backoff`.
        backoff_max: the longest backoff wait.
        retry_after_cap: the longest `Retry-After` the fetcher waits for; when
            a server asks for longer, it stops retrying and reports `retry_after`.
        max_redirects: redirects followed before giving up.
        user_agent: the `User-Agent` header; by default pressmon's own, unless
            the given client already sets one of its own.
        parse_in_thread: parse feeds in a worker thread instead of on the event
            loop (see `docs/performance.md`: it does not make fetching faster).
        parse_workers: parse feeds in this many worker processes (0, the
            default: on the event loop). Parsing is CPU-bound; on a machine with
            several cores, worker processes let it run in parallel with the
            network and with each other. The workers start with the first
            feed and stop with the fetcher; a script that uses them must guard
            its entry point with `if __name__ == "__main__":`.
    """

    def __init__(
        self,
        client: httpx.AsyncClient | None = None,
        *,
        timeout: float = defaults.TIMEOUT,
        deadline: float = defaults.DEADLINE,
        max_bytes: int = defaults.MAX_BYTES,
        concurrency: int = defaults.CONCURRENCY,
        per_host: int = defaults.PER_HOST,
        per_host_max: int = defaults.PER_HOST_MAX,
        retries: int = defaults.RETRIES,
        backoff: float = defaults.BACKOFF,
        backoff_max: float = defaults.BACKOFF_MAX,
        retry_after_cap: float = defaults.RETRY_AFTER_CAP,
        max_redirects: int = defaults.MAX_REDIRECTS,
        user_agent: str | None = None,
        parse_in_thread: bool = False,
        parse_workers: int = 0,
    ) -> None:
        for name, value in (
            ("timeout", timeout),
            ("deadline", deadline),
            ("max_bytes", max_bytes),
            ("concurrency", concurrency),
            ("per_host", per_host),
            ("per_host_max", per_host_max),
        ):
            if value <= 0:
                raise ValueError(f"{name} must be positive, got {value!r}")
        for name, value in (
            ("retries", retries),
            ("backoff", backoff),
            ("backoff_max", backoff_max),
            ("retry_after_cap", retry_after_cap),
            ("max_redirects", max_redirects),
            ("parse_workers", parse_workers),
        ):
            if value < 0:
                raise ValueError(f"{name} must be zero or more, got {value!r}")
        self.timeout = float(timeout)
        self.deadline = float(deadline)
        self.max_bytes = int(max_bytes)
        self.concurrency = int(concurrency)
        self.per_host = int(per_host)
        self.per_host_max = max(int(per_host_max), self.per_host)
        self.retries = int(retries)
        self.backoff = float(backoff)
        self.backoff_max = float(backoff_max)
        self.retry_after_cap = float(retry_after_cap)
        self.max_redirects = int(max_redirects)
        self.parse_in_thread = parse_in_thread
        self.parse_workers = int(parse_workers)
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._owns_client = client is None
        if client is None:
            client = _default_client(self.timeout, self.concurrency, self.per_host_max)
        self._client = client
        if user_agent is None:
            current = client.headers.get("user-agent", "")
            user_agent = USER_AGENT if not current or current.startswith("python-httpx/") else None
        self.user_agent = user_agent
        self._slots = asyncio.Semaphore(self.concurrency)
        self._hosts: dict[str, HostLimit] = {}
        # backoff, 2 x backoff, 4 x backoff... (at most backoff_max), plus 0..backoff of jitter.
        self._backoff_wait = wait_exponential(
            multiplier=self.backoff, max=self.backoff_max
        ) + wait_random(0, self.backoff)

    # ------------------------------------------------------------ lifecycle

    @property
    def client(self) -> httpx.AsyncClient:
        """The `httpx.AsyncClient` the fetcher sends requests with."""
        return self._client

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the client if the fetcher created it (a client you gave stays open)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._owns_client:
            await self._client.aclose()

    # ------------------------------------------------------------ one request

    @contextlib.asynccontextmanager
    async def _slot(self, url: str) -> AsyncIterator[HostLimit]:
        key = _host_key(url)
        host = self._hosts.get(key)
        if host is None:
            host = self._hosts[key] = HostLimit(self.per_host, self.per_host_max)
        try:
            # The host first: a request waiting for its host holds no global slot.
            await host.acquire()
            try:
                async with self._slots:
                    yield host
            finally:
                host.release()
        finally:
            # Forget hosts nobody is using (and no Retry-After holds), so a long-lived
            # fetcher stays small; the next request to it starts at `per_host` again.
            if host.idle and self._hosts.get(key) is host:
                del self._hosts[key]

    def _base_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        merged = {"Accept-Encoding": "gzip, deflate"}
        if self.user_agent is not None:
            merged["User-Agent"] = self.user_agent
        merged.update(headers)
        return merged

    async def _exchange(
        self, url: str, headers: Mapping[str, str], max_bytes: int, drop: frozenset[str]
    ) -> _Hop:
        """Send one GET and read its answer within the limits."""
        try:
            request = self._client.build_request("GET", url, headers=headers, timeout=self.timeout)
            for name in drop:
                request.headers.pop(name, None)
            response = await self._client.send(request, stream=True, follow_redirects=False)
        except httpx.InvalidURL as error:
            return _Hop(url, failure=_failure("connection", f"invalid URL: {_describe(error)}"))
        except httpx.HTTPError as error:
            failure, retryable = _transport_failure(error, self.timeout)
            return _Hop(url, failure=failure, retryable=retryable)
        hop = _Hop(url, status=response.status_code, headers=_headers_of(response))
        try:
            status = response.status_code
            location = response.headers.get("location")
            if status in _REDIRECTS and location:
                hop.location = urljoin(str(response.url), location.strip()).split("#", 1)[0]
                return hop
            if status == 304:
                return hop
            if not 200 <= status < 300:
                hop.failure = _status_failure(status, response.reason_phrase)
                hop.retryable = status in _RETRY_STATUSES or 500 <= status < 600
                if status in (429, 503):
                    hop.retry_after = parse_retry_after(response.headers.get("retry-after"))
                return hop
            hop.content = await self._read_body(response, max_bytes)
            hop.raw_bytes = response.num_bytes_downloaded
        except BodyTooLarge:
            hop.failure = _failure(
                "too_large",
                f"the body is larger than the {_size(max_bytes)} limit (counted after "
                "decompression); raise max_bytes if this document is really that big",
            )
            hop.raw_bytes = response.num_bytes_downloaded
        except CorruptBody as error:
            encoding = response.headers.get("content-encoding", "")
            hop.failure = _failure("parse", f"corrupt {encoding} body: {error}")
        except httpx.HTTPError as error:
            hop.failure, hop.retryable = _transport_failure(error, self.timeout)
        finally:
            await response.aclose()
        return hop

    async def _read_body(self, response: httpx.Response, max_bytes: int) -> bytes:
        encoding = response.headers.get("content-encoding")
        declared = response.headers.get("content-length", "")
        identity = (encoding or "identity").strip().lower() == "identity"
        if identity and declared.isdigit() and int(declared) > max_bytes:
            raise BodyTooLarge
        if response.is_stream_consumed:
            # A response built in memory (httpx.MockTransport): the body is already there.
            if len(response.content) > max_bytes:
                raise BodyTooLarge
            return response.content
        chunks: list[bytes] = []
        if supported_encoding(encoding):
            decoder = BoundedDecoder(encoding, max_bytes)
            chunks.extend([decoder.decode(raw) async for raw in response.aiter_raw()])
            chunks.append(decoder.flush())
        else:
            # An encoding we did not ask for (br, zstd...): httpx decodes, we count.
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise BodyTooLarge
                chunks.append(chunk)
        return b"".join(chunks)

    async def _attempt(
        self, url: str, headers: Mapping[str, str], max_bytes: int, drop: frozenset[str]
    ) -> _Hop:
        async with self._slot(url) as host:
            started = time.monotonic()
            try:
                hop = await asyncio.wait_for(
                    self._exchange(url, headers, max_bytes, drop), timeout=self.deadline
                )
            except asyncio.TimeoutError:
                hop = _Hop(
                    url,
                    failure=_failure(
                        "timeout",
                        f"timed out: no complete response within the {self.deadline:g} s deadline",
                    ),
                )
            # What the host's limit learns from: the time, a 429/503, a Retry-After.
            host.observe(time.monotonic() - started, hop.status, hop.retry_after)
            return hop

    def _should_retry(self, hop: _Hop) -> bool:
        if not hop.retryable:
            return False
        return hop.retry_after is None or hop.retry_after <= self.retry_after_cap

    def _wait(self, state: RetryCallState) -> float:
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            hop: _Hop = outcome.result()
            if hop.retry_after is not None:
                return hop.retry_after
        return float(self._backoff_wait(state))

    async def _with_retries(
        self, url: str, headers: Mapping[str, str], max_bytes: int, drop: frozenset[str]
    ) -> _Hop:
        attempts = 0

        async def attempt() -> _Hop:
            nonlocal attempts
            attempts += 1
            return await self._attempt(url, headers, max_bytes, drop)

        retrying = AsyncRetrying(
            sleep=asyncio.sleep,
            stop=stop_after_attempt(self.retries + 1),
            wait=self._wait,
            retry=retry_if_result(self._should_retry),
            retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
            reraise=True,
        )
        hop: _Hop = await retrying(attempt)
        hop.attempts = attempts
        return hop

    async def _follow(
        self,
        url: str,
        headers: Mapping[str, str],
        *,
        allow_private: bool,
        max_bytes: int,
    ) -> PageResponse:
        """GET `url`, following redirects ourselves, and describe the outcome."""
        started = time.monotonic()
        current = url
        request_headers = self._base_headers(headers)
        visited = {url}
        redirects: list[str] = []
        permanent_so_far = True
        permanent_target: str | None = None
        drop: frozenset[str] = frozenset()

        def outcome(hop: _Hop | None = None, failure: FetchFailure | None = None) -> PageResponse:
            hop = hop or _Hop(current)
            failure = failure or hop.failure
            status = hop.status
            return PageResponse(
                url=url,
                final_url=current,
                status=status,
                headers=hop.headers,
                content=hop.content if failure is None else b"",
                not_modified=status == 304 and failure is None,
                etag=hop.headers.get("etag"),
                last_modified=hop.headers.get("last-modified"),
                permanent_redirect=permanent_target,
                redirects=tuple(redirects),
                gone=status == 410,
                retry_after=hop.retry_after,
                max_age=parse_max_age(hop.headers.get("cache-control")),
                bytes_received=hop.raw_bytes,
                elapsed=time.monotonic() - started,
                attempts=hop.attempts,
                error=failure,
            )

        while True:
            if not is_http_url(current):
                return outcome(
                    failure=_failure(
                        "connection",
                        f"unsupported URL {current!r}: give an http:// or https:// URL "
                        "with a host name",
                    )
                )
            if not allow_private:
                parts = urlsplit(current)
                try:
                    reason = await refuse_private(
                        parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
                    )
                except OSError as error:
                    return outcome(
                        failure=_failure(
                            "connection",
                            f"cannot resolve {parts.hostname}: {error.strerror or error}",
                        )
                    )
                if reason is not None:
                    return outcome(failure=_failure("blocked", f"refused: {reason}"))
            hop = await self._with_retries(current, request_headers, max_bytes, drop)
            if hop.location is None:
                return outcome(hop)
            target = hop.location
            if hop.status in _PERMANENT and permanent_so_far:
                permanent_target = target
            else:
                permanent_so_far = False
            redirects.append(target)
            if target in visited:
                chain = " -> ".join([url, *redirects])
                permanent_target = None
                return outcome(hop, _failure("redirect_loop", f"redirect loop: {chain}"))
            if len(redirects) > self.max_redirects:
                permanent_target = None
                return outcome(
                    hop,
                    _failure(
                        "too_many_redirects",
                        f"more than {self.max_redirects} redirects (last to {target})",
                    ),
                )
            if _origin(target) != _origin(url):
                # Credentials set for the site asked for are not sent to another one.
                drop = frozenset({"authorization", "proxy-authorization"})
            else:
                drop = frozenset()
            visited.add(target)
            current = target

    # ------------------------------------------------------------ public

    async def get(
        self,
        url: str,
        *,
        accept: str = PAGE_ACCEPT,
        headers: Mapping[str, str] | None = None,
        allow_private: bool = False,
        max_bytes: int | None = None,
    ) -> PageResponse:
        """GET a URL within the fetcher's limits and return its raw body and headers.

        The body is not parsed. Same timeouts, deadline, size limit, retries,
        redirect handling and per-host politeness as feeds. Never raises for a
        network or HTTP problem: the response's `error` says what went wrong.

        Args:
            url: an http(s) URL.
            accept: the `Accept` header.
            headers: more request headers (for example `If-None-Match`).
            allow_private: fetch URLs whose host resolves to a loopback, private,
                link-local or reserved address (refused by default, with the
                failure kind `blocked`: links found in third-party feeds must
                not reach the machine's own network). Every redirect is checked too.
            max_bytes: the size limit for this request (default: the fetcher's).

        Returns:
            The [`PageResponse`][pressmon.PageResponse]: status, final URL,
            headers and body, or `error`.
        """
        merged = {"Accept": accept, **(headers or {})}
        try:
            return await self._follow(
                url.strip(),
                merged,
                allow_private=allow_private,
                max_bytes=self.max_bytes if max_bytes is None else max_bytes,
            )
        except Exception as error:  # never let one URL break a batch
            return PageResponse(
                url=url,
                final_url=url,
                error=_failure(
                    "connection", f"unexpected error: {type(error).__name__}: {_describe(error)}"
                ),
            )

    async def fetch_one(self, feed: str | FeedRequest) -> FetchResult:
        """Fetch and parse one feed; never raises for a network, HTTP or parse problem.

        Args:
            feed: a URL, or a [`FeedRequest`][pressmon.FeedRequest] with the previous
                validators (sent as `If-None-Match` / `If-Modified-Since`).

        Returns:
            Its [`FetchResult`][pressmon.FetchResult], with `error` set on failure.
        """
        request = _as_request(feed)
        started = time.monotonic()
        headers = {"Accept": FEED_ACCEPT}
        if request.etag:
            headers["If-None-Match"] = request.etag
        if request.last_modified:
            headers["If-Modified-Since"] = request.last_modified
        page = await self.get(request.url, headers=headers, allow_private=True)
        fields: dict[str, Any] = {
            "url": request.url,
            "final_url": page.final_url,
            "name": request.name,
            "status": page.status,
            "etag": page.etag,
            "last_modified": page.last_modified,
            "permanent_redirect": page.permanent_redirect,
            "gone": page.gone,
            "retry_after": page.retry_after,
            "max_age": page.max_age,
            "bytes_received": page.bytes_received,
            "attempts": page.attempts,
        }
        warnings: list[str] = []
        if page.permanent_redirect:
            warnings.append(
                f"moved permanently to {page.permanent_redirect}: update the stored URL"
            )
        if page.error is not None:
            return FetchResult(
                **fields,
                error=page.error,
                warnings=tuple(warnings),
                elapsed=time.monotonic() - started,
            )
        if page.not_modified:
            fields["etag"] = page.etag or request.etag
            fields["last_modified"] = page.last_modified or request.last_modified
            return FetchResult(
                **fields,
                not_modified=True,
                warnings=tuple(warnings),
                elapsed=time.monotonic() - started,
            )
        parse_headers = {
            name: value for name, value in page.headers.items() if name not in _TRANSFER_HEADERS
        }
        # The feed's identity (and its articles' ids) follow the stored URL: the
        # requested one, or the new one after a permanent redirect.
        feed_url = page.permanent_redirect or request.url
        try:
            parsed = await self._parse(page.content, feed_url, parse_headers)
        except NotAFeedError as error:
            return FetchResult(
                **fields,
                error=_failure("not_a_feed", error.reason),
                alternates=error.feeds,
                warnings=tuple(warnings),
                elapsed=time.monotonic() - started,
            )
        except ParseError as error:
            return FetchResult(
                **fields,
                error=_failure("parse", error.reason),
                warnings=tuple(warnings),
                elapsed=time.monotonic() - started,
            )
        return FetchResult(
            **fields,
            feed=parsed,
            articles=parsed.articles,
            warnings=tuple(warnings) + parsed.warnings,
            elapsed=time.monotonic() - started,
        )

    async def _parse(self, data: bytes, url: str, headers: Mapping[str, str]) -> ParsedFeed:
        if self.parse_workers:
            if self._pool is None:
                import multiprocessing

                methods = multiprocessing.get_all_start_methods()
                context = multiprocessing.get_context(
                    "forkserver" if "forkserver" in methods else "spawn"
                )
                self._pool = concurrent.futures.ProcessPoolExecutor(
                    max_workers=self.parse_workers, mp_context=context
                )
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._pool, _parse, data, url, dict(headers))
        if self.parse_in_thread:
            return await asyncio.to_thread(_parse, data, url, headers)
        return _parse(data, url, headers)

    async def _safe_fetch_one(self, feed: FeedRequest) -> FetchResult:
        try:
            return await self.fetch_one(feed)
        except Exception as error:  # one feed never breaks the batch
            return FetchResult(
                url=feed.url,
                name=feed.name,
                error=_failure("parse", f"unexpected error: {type(error).__name__}: {error}"),
            )

    async def fetch(
        self, feeds: Iterable[str | FeedRequest], *, progress: Progress | None = None
    ) -> list[FetchResult]:
        """Fetch many feeds concurrently; return one result per feed, in the order given.

        Args:
            feeds: URLs and/or [`FeedRequest`][pressmon.FeedRequest] objects.
            progress: called as `progress(done, total, result)` each time a
                feed is finished (in completion order).

        Returns:
            One [`FetchResult`][pressmon.FetchResult] per feed, in the order given.
        """
        requests = [_as_request(feed) for feed in feeds]
        total = len(requests)
        results: list[FetchResult | None] = [None] * total
        done = 0

        async def run(index: int, request: FeedRequest) -> None:
            nonlocal done
            result = await self._safe_fetch_one(request)
            results[index] = result
            done += 1
            if progress is not None:
                progress(done, total, result)

        await asyncio.gather(*(run(index, request) for index, request in enumerate(requests)))
        return [result for result in results if result is not None]

    async def discover(self, page_url: str, *, verify: bool = True) -> list[str]:
        """Find the feeds of a site; see [`discover_feeds`][pressmon.discover_feeds].

        Args:
            page_url: the site's home page, or any page of it.
            verify: fetch each advertised feed and keep only real feeds (the
                usual paths are always verified).

        Returns:
            The page itself if it is a feed; else the feeds it advertises; else
            those of the usual paths (`/feed`, `/rss.xml`, ...) that are feeds.

        Raises:
            FetchError: the page could not be fetched and no usual path is a feed.
        """
        return await discover(self, page_url, verify=verify)


def _parse(data: bytes, url: str, headers: Mapping[str, str]) -> ParsedFeed:
    # A module-level function, so that worker processes can receive it.
    return parse_feed(data, url=url, headers=headers)

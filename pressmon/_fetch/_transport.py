"""An httpx transport with one small connection pool per host.

httpx's default transport keeps every connection in one pool and, for each
request, walks all of them (checking each idle socket with a system call)
to find one for the request's host. With connections to many publishers
open at once that walk is most of the CPU a fetch costs: measured on 500
feeds from 50 hosts, one shared pool takes about 1.0 s of CPU, a pool per
host 0.5 s (`docs/performance.md`).

This transport is httpx's own `AsyncHTTPTransport`, one per
`(scheme, host, port)`, each holding at most `per_host` connections,
all sharing one TLS context. The pools of hosts with nothing in flight are
closed, least recently used first, when more than `max_idle_hosts` are
open, so idle sockets stay bounded however many publishers a run reads.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator

import httpx

__all__ = ["HostPools"]

_Key = tuple[bytes, bytes, int | None]


class _TrackedStream(httpx.AsyncByteStream):
    """A response body that tells its pool when it is closed."""

    def __init__(self, stream: httpx.AsyncByteStream, owner: HostPools, key: _Key) -> None:
        self._stream = stream
        self._owner = owner
        self._key = key
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            if not self._closed:
                self._closed = True
                await self._owner._release(self._key)


class HostPools(httpx.AsyncBaseTransport):
    """Send each request through a connection pool of its own host.

    Args:
        per_host: connections kept per host (the fetcher's per-host limit).
        max_idle_hosts: pools kept open while nothing is in flight to their host.
        keepalive_expiry: seconds an idle connection is kept.
    """

    def __init__(
        self, *, per_host: int, max_idle_hosts: int, keepalive_expiry: float = 30.0
    ) -> None:
        self._per_host = per_host
        self._max_idle_hosts = max_idle_hosts
        self._keepalive_expiry = keepalive_expiry
        self._tls = httpx.create_ssl_context()
        self._pools: OrderedDict[_Key, httpx.AsyncHTTPTransport] = OrderedDict()
        self._busy: dict[_Key, int] = {}

    @property
    def hosts(self) -> int:
        """How many host pools are open."""
        return len(self._pools)

    def _pool(self, key: _Key) -> httpx.AsyncHTTPTransport:
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = httpx.AsyncHTTPTransport(
                verify=self._tls,
                limits=httpx.Limits(
                    max_connections=self._per_host,
                    max_keepalive_connections=self._per_host,
                    keepalive_expiry=self._keepalive_expiry,
                ),
            )
        self._pools.move_to_end(key)
        return pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        key = (url.raw_scheme, url.raw_host, url.port)
        pool = self._pool(key)
        self._busy[key] = self._busy.get(key, 0) + 1
        try:
            response = await pool.handle_async_request(request)
        except BaseException:
            await self._release(key)
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _TrackedStream(response.stream, self, key)
        return response

    async def _release(self, key: _Key) -> None:
        self._busy[key] -= 1
        if self._busy[key] == 0:
            del self._busy[key]
        idle = [name for name in self._pools if name not in self._busy]
        for name in idle[: max(0, len(idle) - self._max_idle_hosts)]:
            await self._pools.pop(name).aclose()

    async def aclose(self) -> None:
        pools = list(self._pools.values())
        self._pools.clear()
        for pool in pools:
            await pool.aclose()

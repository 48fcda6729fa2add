"""Loaded at start-up (through PYTHONPATH) by the processes that run the docs' examples.

The documentation shows real-looking feed URLs (``https://journal-auto.example/rss.xml``).
When ``PRESSMON_DOCS_SERVER`` is set, requests to the hosts listed in
``PRESSMON_DOCS_HOSTS`` are sent to that local test server instead (path
prefixed with the host), and those names resolve to a public address so the
fetcher's private-address policy treats them as the internet they stand for.
Nothing else changes: the examples run the real ``pressmon`` code, offline.
Test-only: this file is never installed.
"""

from __future__ import annotations

import os
import socket
from typing import Any

_SERVER = os.environ.get("PRESSMON_DOCS_SERVER", "").rstrip("/")
_HOSTS = frozenset(host for host in os.environ.get("PRESSMON_DOCS_HOSTS", "").split(",") if host)
# example.com's address: public, so the policy for third-party links applies as it would.
_PUBLIC_ADDRESS = "93.184.215.14"


def _install() -> None:
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, bytes):
            host = host.decode("ascii", "replace")
        if isinstance(host, str) and host.lower() in _HOSTS:
            host = _PUBLIC_ADDRESS
        return real_getaddrinfo(host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo

    import httpx

    def local(request: httpx.Request) -> httpx.URL | None:
        if request.url.host.lower() not in _HOSTS:
            return None
        original = request.url
        target = f"{_SERVER}/{original.host}{original.raw_path.decode('ascii')}"
        request.url = httpx.URL(target)
        return original

    real_async = httpx.AsyncHTTPTransport.handle_async_request
    real_sync = httpx.HTTPTransport.handle_request

    async def handle_async_request(
        self: httpx.AsyncHTTPTransport, request: httpx.Request
    ) -> httpx.Response:
        original = local(request)
        try:
            return await real_async(self, request)
        finally:
            if original is not None:
                request.url = original  # responses and redirects see the URL as written

    def handle_request(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        original = local(request)
        try:
            return real_sync(self, request)
        finally:
            if original is not None:
                request.url = original

    httpx.AsyncHTTPTransport.handle_async_request = handle_async_request  # type: ignore[method-assign]
    httpx.HTTPTransport.handle_request = handle_request  # type: ignore[method-assign]


if _SERVER and _HOSTS:
    _install()

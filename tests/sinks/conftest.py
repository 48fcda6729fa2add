"""Fixtures of the alert-sink tests: a loopback SMTP server, certificates for its TLS, a
loopback HTTP receiver for apprise, and a record of every network call."""

from __future__ import annotations

import ssl
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from httpserver import FeedRoute, TestServer

from sinks.alert_support import Certificates
from sinks.smtpserver import SMTPServer


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    """A plain SMTP server on 127.0.0.1 that accepts every message (until told to fail)."""
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def certificates(tmp_path: Path) -> Certificates:
    """A throw-away CA (its certificate in a file, for `ca_file`) and a server context."""
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    ca_file = tmp_path / "test-ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    return Certificates(ca_file, context)


@pytest.fixture
def receiver() -> Iterator[TestServer]:
    """A loopback HTTP server standing in for a chat service: `/notify` answers 200."""
    server = TestServer().start()
    server.routes["/notify"] = FeedRoute(b"{}", content_type="application/json", validators=False)
    yield server
    server.stop()


# ---------------------------------------------------------------- network record

_RECORDS: list[list[tuple[str, tuple[Any, ...]]]] = []
_WATCHED = {
    "socket.connect",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyaddr",
    "socket.sendto",
    "socket.sendmsg",
}
_hooked = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _RECORDS and event in _WATCHED:
        for record in _RECORDS:
            record.append((event, args))


@pytest.fixture
def network_calls() -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """Every connect, name lookup and datagram of the process while the test runs (from
    Python's audit events: nothing that opens a socket through Python escapes it)."""
    global _hooked
    if not _hooked:
        sys.addaudithook(_audit)  # audit hooks cannot be removed: it idles when no test records
        _hooked = True
    record: list[tuple[str, tuple[Any, ...]]] = []
    _RECORDS.append(record)
    yield record
    _RECORDS.remove(record)

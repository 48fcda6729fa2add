"""Sample alerts and small helpers shared by the alert-sink tests (fixtures are in
conftest.py)."""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from httpserver import TestServer
from monitor_support import AGENCY_BODY

from pressmon._detect import detect
from pressmon.models import Alert, Article, Source, StoryCopy
from pressmon.sinks import DeliveryContext

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=timezone.utc)
CONTEXT = DeliveryContext(started=NOW)


def make_alert(
    n: int = 1,
    title: str = "Alpine <b>to enter</b> the US with AutoNation",
    created: datetime = NOW,
) -> Alert:
    """A flagged alert with one copy elsewhere; `n` makes its id and links distinct."""
    article = Article(
        title=f"{title} #{n}",
        summary=AGENCY_BODY,
        url=f"https://wire.example/alpine-{n}",
        source=Source(name="Wire & Co", feed_url="https://wire.example/feed"),
    )
    flags = tuple(detect(article, ["alpine-us-expansion"]))
    assert flags, "the sample must be flagged"
    copy = StoryCopy(
        article_id=f"c{n}",
        url=f"https://daily.example/copy-{n}",
        title="copy",
        source=Source(name="Daily"),
        first_seen=created,
        match="text",
    )
    return Alert(
        id=f"alert{n:04d}",
        story_id=f"s{n}",
        created=created,
        article=article,
        flags=flags,
        copies=(copy,),
    )


@dataclass
class Certificates:
    """A test CA and a server certificate for 127.0.0.1 signed by it."""

    ca_file: Path
    server: ssl.SSLContext


def json_url(server: TestServer, path: str = "/notify") -> str:
    """An apprise `json://` URL that posts to a path of a loopback server."""
    host, port = server.host, server.port
    return f"json://{host!s}:{port}{path}"


def notifications(server: TestServer, path: str = "/notify") -> list[dict[str, Any]]:
    """The JSON bodies apprise posted to a path (title, message, ...)."""
    return [json.loads(hit.body) for hit in server.requests_to(path)]


def off_loopback(calls: list[tuple[str, tuple[Any, ...]]]) -> list[str]:
    """The recorded calls that went anywhere but 127.0.0.1."""
    wrong = []
    for event, args in calls:
        if event == "socket.connect":
            address = args[1]
            host = address[0] if isinstance(address, tuple) else str(address)
        elif event in ("socket.sendto", "socket.sendmsg"):
            host = str(args[-1][0]) if args and isinstance(args[-1], tuple) else "?"
        else:
            host = str(args[0])
        if host not in ("127.0.0.1", "localhost"):
            wrong.append(f"{event} {host}")
    return wrong

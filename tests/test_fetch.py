"""The fetcher against a real HTTP server on 127.0.0.1: formats, validators, redirects,
errors, retries, limits and hostile servers."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest
from httpserver import (
    BILLION_LAUGHS,
    TestServer,
    make_rss,
    static_route,
    status_route,
    xxe_document,
)

import pressmon
from pressmon import FeedRequest, Fetcher, FetchResult

# Short waits so retries and timeouts cost milliseconds, not seconds.
FAST: dict[str, Any] = {"backoff": 0.01, "backoff_max": 0.05, "timeout": 2.0, "deadline": 3.0}

FRENCH_TITLE = "L’Alpine arrive aux États-Unis : première étape à Détroit"
FRENCH_SUMMARY = "Alpine prépare son arrivée sur le marché américain, déjà « très attendue »."


def _fetch_one(url: str | FeedRequest, **options: Any) -> FetchResult:
    (result,) = pressmon.fetch([url], **{**FAST, **options})
    return result


def _expected_titles(data_dir: Path, name: str) -> list[str | None]:
    """The titles the expected file lists (None where it does not pin the title)."""
    expected = json.loads((data_dir / "feeds" / name).read_text(encoding="utf-8"))
    return [article.get("title") for article in expected["articles"]]


def _titles(result: FetchResult, like: list[str | None]) -> list[str | None]:
    return [
        article.title if pinned is not None else None
        for article, pinned in zip(result.articles, like, strict=True)
    ]


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("rss20_fr.xml", "application/rss+xml", "rss20_fr.expected.json"),
        ("atom10_en.atom", "application/atom+xml", "atom10_en.expected.json"),
        ("jsonfeed11.json", "application/feed+json", "jsonfeed11.expected.json"),
        # UTF-16 with a byte order mark, served without a charset: the BOM decides.
        ("utf16_atom.xml", "application/atom+xml", "utf16_atom.expected.json"),
    ],
)
def test_feed_formats_over_http(
    http_server: TestServer, data_dir: Path, name: str, content_type: str, expected: str
) -> None:
    """RSS, Atom and JSON Feed served over HTTP come out as the same articles as from a file."""
    url = http_server.static(
        f"/{name}", (data_dir / "feeds" / name).read_bytes(), content_type=content_type
    )
    result = _fetch_one(url)
    assert result.ok, result.error
    assert result.status == 200 and result.final_url == url
    titles = _expected_titles(data_dir, expected)
    assert _titles(result, titles) == titles
    assert result.feed is not None and result.feed.articles == result.articles
    assert all(article.source.feed_url == url for article in result.articles)
    assert result.bytes_received > 0 and result.elapsed > 0


def test_sends_pressmon_user_agent_and_accepts_feeds(
    http_server: TestServer, data_dir: Path
) -> None:
    """Requests name pressmon, its version and project URL, and ask for feed types and gzip."""
    url = http_server.static("/feed", (data_dir / "feeds" / "rss20_fr.xml").read_bytes())
    _fetch_one(url)
    (request,) = http_server.requests_to("/feed")
    agent = request.headers["user-agent"]
    assert agent.startswith(f"pressmon/{pressmon.__version__}") and "github.com/pressmon" in agent
    assert "application/rss+xml" in request.headers["accept"]
    assert "gzip" in request.headers["accept-encoding"]


def test_gzip_body_is_decoded(http_server: TestServer, data_dir: Path) -> None:
    """A gzip-compressed feed is decompressed; bytes_received counts the compressed bytes."""
    body = (data_dir / "feeds" / "rss20_fr.xml").read_bytes()
    url = http_server.static("/gz", body, gzipped=True)
    result = _fetch_one(url)
    assert result.ok, result.error
    assert [a.title for a in result.articles] == _expected_titles(
        data_dir, "rss20_fr.expected.json"
    )
    assert 0 < result.bytes_received < len(body)


# ---------------------------------------------------------------- conditional GET


def test_etag_round_trip_gives_304(http_server: TestServer, data_dir: Path) -> None:
    """The ETag of a first fetch, given back, yields 304: not_modified, no articles, no parse."""
    url = http_server.static(
        "/feed", (data_dir / "feeds" / "rss20_fr.xml").read_bytes(), etag='"v7"'
    )
    first = _fetch_one(url)
    assert first.etag == '"v7"' and first.articles
    second = _fetch_one(FeedRequest(url=url, etag=first.etag))
    assert second.ok and second.not_modified and second.status == 304
    assert second.articles == () and second.feed is None
    assert second.etag == '"v7"'
    assert http_server.requests_to("/feed")[1].headers["if-none-match"] == '"v7"'


def test_last_modified_round_trip_gives_304(http_server: TestServer, data_dir: Path) -> None:
    """Last-Modified given back as If-Modified-Since yields 304; the validator is kept."""
    stamp = "Tue, 02 May 2023 10:00:00 GMT"
    url = http_server.static(
        "/feed", (data_dir / "feeds" / "rss20_fr.xml").read_bytes(), last_modified=stamp
    )
    first = _fetch_one(url)
    assert first.last_modified == stamp and first.articles
    second = _fetch_one(FeedRequest(url=url, last_modified=first.last_modified))
    assert second.not_modified and second.last_modified == stamp and second.articles == ()
    assert http_server.requests_to("/feed")[1].headers["if-modified-since"] == stamp


# ---------------------------------------------------------------- redirects


@pytest.mark.parametrize("status", [301, 308])
def test_permanent_redirect_is_reported(
    http_server: TestServer, data_dir: Path, status: int
) -> None:
    """A 301/308 is followed and reported, so the caller can store the new URL."""
    new = http_server.static("/new", (data_dir / "feeds" / "rss20_fr.xml").read_bytes())
    old = http_server.redirect("/old", "/new", status)
    result = _fetch_one(old)
    assert result.ok and result.articles
    assert result.url == old and result.final_url == new
    assert result.permanent_redirect == new
    assert any("moved permanently" in warning for warning in result.warnings)


def test_temporary_redirect_is_not_permanent(http_server: TestServer, data_dir: Path) -> None:
    """A 302 is followed, but the stored URL stays: no permanent_redirect."""
    new = http_server.static("/new", (data_dir / "feeds" / "rss20_fr.xml").read_bytes())
    old = http_server.redirect("/old", "/new", 302)
    result = _fetch_one(old)
    assert result.ok and result.final_url == new and result.permanent_redirect is None


def test_redirect_loop_is_detected(http_server: TestServer) -> None:
    """A -> B -> A stops at once with redirect_loop, naming the chain."""
    a = http_server.redirect("/a", "/b", 302)
    http_server.redirect("/b", "/a", 302)
    result = _fetch_one(a)
    assert result.error is not None and result.error.kind == "redirect_loop"
    assert "/a" in result.error.message and "/b" in result.error.message
    assert http_server.hits("/a") == 1 and http_server.hits("/b") == 1


def test_too_many_redirects(http_server: TestServer) -> None:
    """More than max_redirects hops (no loop) fails with too_many_redirects."""
    for index in range(10):
        http_server.redirect(f"/r{index}", f"/r{index + 1}", 302)
    result = _fetch_one(http_server.url("/r0"), max_redirects=3)
    assert result.error is not None and result.error.kind == "too_many_redirects"
    assert http_server.hits("/r4") == 0


# ---------------------------------------------------------------- statuses and retries


def test_404_is_not_retried(http_server: TestServer) -> None:
    """A 404 fails with http_status after a single request."""
    result = _fetch_one(http_server.status("/missing", 404))
    assert result.error is not None and result.error.kind == "http_status"
    assert "404" in result.error.message
    assert result.status == 404 and http_server.hits("/missing") == 1


def test_410_is_gone(http_server: TestServer) -> None:
    """A 410 is reported as gone, not retried."""
    result = _fetch_one(http_server.status("/removed", 410))
    assert result.gone and result.error is not None and result.error.kind == "gone"
    assert http_server.hits("/removed") == 1


def test_500_then_200_is_retried(http_server: TestServer, data_dir: Path) -> None:
    """A 500 is retried with backoff; the second answer is read."""
    body = (data_dir / "feeds" / "rss20_fr.xml").read_bytes()
    url = http_server.sequence("/flaky", [status_route(500), static_route(body)])
    result = _fetch_one(url)
    assert result.ok and result.articles and result.attempts == 2
    assert http_server.hits("/flaky") == 2


def test_persistent_503_gives_up_after_the_retries(http_server: TestServer) -> None:
    """A 5xx that never recovers costs 1 + retries requests, then http_status."""
    result = _fetch_one(http_server.status("/down", 503), retries=2)
    assert result.error is not None and result.error.kind == "http_status"
    assert http_server.hits("/down") == 3 and result.attempts == 3


def test_429_honours_retry_after(http_server: TestServer, data_dir: Path) -> None:
    """A 429 with Retry-After: 1 is retried after waiting that second, then read."""
    body = (data_dir / "feeds" / "rss20_fr.xml").read_bytes()
    url = http_server.sequence(
        "/busy", [status_route(429, headers={"Retry-After": "1"}), static_route(body)]
    )
    result = _fetch_one(url)
    assert result.ok and result.articles and http_server.hits("/busy") == 2
    assert result.elapsed >= 0.9  # the wait asked for was kept


def test_retry_after_beyond_the_cap_is_reported_not_waited(http_server: TestServer) -> None:
    """A Retry-After longer than the cap ends the retries; the wait is reported."""
    url = http_server.status("/later", 429, headers={"Retry-After": "3600"})
    result = _fetch_one(url, retry_after_cap=5)
    assert result.error is not None and result.error.kind == "http_status"
    assert result.retry_after == 3600 and http_server.hits("/later") == 1


def test_403_is_not_retried(http_server: TestServer) -> None:
    """4xx other than 408/429 is never retried."""
    result = _fetch_one(http_server.status("/forbidden", 403))
    assert result.error is not None and "403" in result.error.message
    assert http_server.hits("/forbidden") == 1


def test_connection_reset_is_a_connection_error(http_server: TestServer) -> None:
    """A reset connection is retried, then reported as a connection failure."""
    result = _fetch_one(http_server.reset("/reset"), retries=1)
    assert result.error is not None and result.error.kind == "connection"
    assert http_server.hits("/reset") == 2


def test_refused_connection_is_a_connection_error() -> None:
    """Nothing listening: connection failure, after retries."""
    with TestServer() as server:
        url = server.url("/feed")
    result = _fetch_one(url, retries=1)
    assert result.error is not None and result.error.kind == "connection"


# ---------------------------------------------------------------- bounds


def test_slow_drip_hits_the_deadline(http_server: TestServer) -> None:
    """One byte every 0.1 s never trips the read timeout; the total deadline stops it."""
    url = http_server.drip("/drip", interval=0.1)
    started = time.monotonic()
    result = _fetch_one(url, timeout=1.0, deadline=1.0)
    assert result.error is not None and result.error.kind == "timeout"
    assert "deadline" in result.error.message
    assert time.monotonic() - started < 5
    assert http_server.hits("/drip") == 1  # a timeout is not retried


def test_body_over_the_cap_is_too_large(http_server: TestServer) -> None:
    """A body over max_bytes fails with too_large, declared length or not."""
    big = b"<rss>" + b" " * 50_000 + b"</rss>"
    url = http_server.static("/big", big)
    result = _fetch_one(url, max_bytes=10_000)
    assert result.error is not None and result.error.kind == "too_large"

    def undeclared(exchange: Any) -> None:
        exchange.start(200, {"Content-Type": "application/rss+xml"})
        exchange.write(big)

    result = _fetch_one(http_server.route("/chunked", undeclared), max_bytes=10_000)
    assert result.error is not None and result.error.kind == "too_large"


def test_gzip_bomb_is_cut_off_early(http_server: TestServer) -> None:
    """256 MiB of gzip'd spaces stop at the 10 MiB cap after a fraction of the compressed body."""
    url = http_server.gzip_bomb("/bomb")
    result = _fetch_one(url)
    assert result.error is not None and result.error.kind == "too_large"
    assert result.bytes_received < 200_000  # the whole bomb is ~260 kB compressed


def test_html_page_is_not_a_feed_with_alternates(http_server: TestServer) -> None:
    """An HTML page: not_a_feed, and the feeds it advertises are listed."""
    page = (
        b"<!doctype html><html><head><title>News</title>"
        b'<link rel="alternate" type="application/rss+xml" href="/rss.xml">'
        b'<link rel="alternate" type="application/atom+xml" href="https://other.test/atom">'
        b'<link rel="alternate" type="application/feed+json" href="feed.json">'
        b"</head><body><p>Hello</p></body></html>"
    )
    url = http_server.static("/news/", page, content_type="text/html; charset=utf-8")
    result = _fetch_one(url)
    assert result.error is not None and result.error.kind == "not_a_feed"
    assert result.alternates == (
        http_server.url("/rss.xml"),
        "https://other.test/atom",
        http_server.url("/news/feed.json"),
    )


# ---------------------------------------------------------------- decoding


def test_latin1_feed_from_http_charset(http_server: TestServer) -> None:
    """A Latin-1 feed whose charset is only in the HTTP header keeps its accents."""
    body = make_rss(
        "Presse", [{"title": "Détroit", "description": "Arrivée à l’été"}], encoding="utf-8"
    )
    latin1 = (
        body.replace(b' encoding="utf-8"', b"").decode("utf-8").replace("’", "'").encode("latin-1")
    )
    url = http_server.static(
        "/latin1", latin1, content_type="application/rss+xml; charset=iso-8859-1"
    )
    result = _fetch_one(url)
    assert result.ok, result.error
    (article,) = result.articles
    assert article.title == "Détroit" and article.summary == "Arrivée à l'été"


def test_cp1252_feed_from_xml_prolog(http_server: TestServer, data_dir: Path) -> None:
    """A windows-1252 feed declared in its prolog (no HTTP charset) keeps quotes, accents and €."""
    body = (data_dir / "feeds" / "cp1252_fr.xml").read_bytes()
    url = http_server.static("/cp1252", body, content_type="application/rss+xml")
    result = _fetch_one(url)
    assert result.ok, result.error
    expected = json.loads((data_dir / "feeds" / "cp1252_fr.expected.json").read_text("utf-8"))
    assert [(a.title, a.summary) for a in result.articles] == [
        (item["title"], item["summary"]) for item in expected["articles"]
    ]


# ---------------------------------------------------------------- XML attacks


def test_billion_laughs_does_not_expand(http_server: TestServer) -> None:
    """Entity expansion never happens: the text stays small and no 'lollol' appears."""
    result = _fetch_one(http_server.static("/laughs", BILLION_LAUGHS))
    texts = " ".join(f"{a.title} {a.summary}" for a in result.articles)
    assert "lollol" not in texts and len(texts) < 1000
    if result.error is not None:
        assert result.error.kind in ("parse", "not_a_feed")


def test_xxe_does_not_read_local_files(http_server: TestServer, tmp_path: Path) -> None:
    """An external entity naming a local file is never resolved: its content appears nowhere."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7c1f", encoding="utf-8")
    result = _fetch_one(http_server.static("/xxe", xxe_document(secret)))
    assert "TOP-SECRET-7c1f" not in result.model_dump_json()


# ---------------------------------------------------------------- concurrency, API


def test_per_host_and_global_limits_hold(data_dir: Path) -> None:
    """A fixed per-host limit (per_host_max = per_host) holds: no more requests reach one
    host at once, and connections are reused."""
    body = (data_dir / "feeds" / "rss20_fr.xml").read_bytes()
    with TestServer(latency=0.05) as server:
        urls = [server.static(f"/f{index}", body) for index in range(12)]
        results = pressmon.fetch(urls, per_host=3, per_host_max=3, concurrency=10, **FAST)
    assert all(result.ok for result in results)
    assert server.max_in_flight_total <= 3
    assert server.max_in_flight_total >= 2  # and it is concurrent
    ports = {request.client_port for request in server.requests}
    assert len(ports) <= 3  # keep-alive: 12 requests over at most 3 connections


def test_global_limit_across_hosts(data_dir: Path) -> None:
    """The global limit caps requests in flight over several hosts."""
    body = (data_dir / "feeds" / "rss20_fr.xml").read_bytes()
    servers = [TestServer(latency=0.05).start() for _ in range(3)]
    try:
        urls = [s.static(f"/f{index}", body) for s in servers for index in range(4)]
        results = pressmon.fetch(urls, per_host=4, concurrency=2, **FAST)
    finally:
        for server in servers:
            server.stop()
    assert all(result.ok for result in results)
    assert sum(server.max_in_flight_total for server in servers) <= 2 * len(servers)
    assert max(server.max_in_flight_total for server in servers) <= 2


def test_results_keep_input_order_and_one_failure_never_raises(
    http_server: TestServer, data_dir: Path
) -> None:
    """Results come back in input order; bad URLs become failed results, not exceptions."""
    good = http_server.static("/good", (data_dir / "feeds" / "rss20_fr.xml").read_bytes())
    inputs = ["not a url", good, "ftp://example.org/feed", FeedRequest(url=good, name="named")]
    seen: list[tuple[int, int]] = []
    results = pressmon.fetch(
        inputs, progress=lambda done, total, _: seen.append((done, total)), **FAST
    )
    assert [result.url for result in results] == ["not a url", good, "ftp://example.org/feed", good]
    assert [result.ok for result in results] == [False, True, False, True]
    assert results[0].error is not None and results[0].error.kind == "connection"
    assert "give an http:// or https:// URL" in results[0].error.message
    assert results[3].name == "named"
    assert sorted(seen) == [(done, 4) for done in range(1, 5)]


def test_afetch_and_injected_client(http_server: TestServer, data_dir: Path) -> None:
    """afetch works in a running loop with the caller's client, whose own User-Agent is kept."""
    import httpx

    url = http_server.static("/feed", (data_dir / "feeds" / "rss20_fr.xml").read_bytes())

    async def run() -> list[FetchResult]:
        async with httpx.AsyncClient(headers={"User-Agent": "my-monitor/1.0"}) as client:
            results = await pressmon.afetch([url], client=client, **FAST)
            assert not client.is_closed  # a borrowed client stays open
            return results

    (result,) = asyncio.run(run())
    assert result.ok and result.articles
    assert http_server.requests_to("/feed")[0].headers["user-agent"] == "my-monitor/1.0"


def test_sync_fetch_inside_a_running_loop(http_server: TestServer, data_dir: Path) -> None:
    """The sync face also works when called from async code (it runs on its own loop)."""
    url = http_server.static("/feed", (data_dir / "feeds" / "rss20_fr.xml").read_bytes())

    async def run() -> list[FetchResult]:
        return pressmon.fetch([url], **FAST)

    (result,) = asyncio.run(run())
    assert result.ok and result.articles


def test_get_returns_raw_page_and_refuses_private_addresses(http_server: TestServer) -> None:
    """Fetcher.get gives raw bytes + headers; by default it refuses loopback without a request."""
    url = http_server.static(
        "/page", b"<html><body>Bonjour</body></html>", content_type="text/html"
    )

    async def run() -> tuple[Any, Any]:
        async with Fetcher(**FAST) as fetcher:
            refused = await fetcher.get(url)
            allowed = await fetcher.get(url, allow_private=True)
            return refused, allowed

    refused, allowed = asyncio.run(run())
    assert refused.error is not None and refused.error.kind == "blocked"
    assert "127.0.0.1" in refused.error.message
    assert allowed.ok and allowed.content == b"<html><body>Bonjour</body></html>"
    assert allowed.content_type == "text/html" and allowed.status == 200
    assert http_server.hits("/page") == 1


def test_parse_workers_give_the_same_articles(http_server: TestServer, data_dir: Path) -> None:
    """Parsing in worker processes gives exactly the articles parsing in-process gives."""
    url = http_server.static("/feed", (data_dir / "feeds" / "rss20_fr.xml").read_bytes())
    (inline,) = pressmon.fetch([url], **FAST)
    (pooled,) = pressmon.fetch([url], parse_workers=1, **FAST)
    assert pooled.ok and [a.model_dump(exclude={"fetched_at"}) for a in pooled.articles] == [
        a.model_dump(exclude={"fetched_at"}) for a in inline.articles
    ]


def test_invalid_options_are_refused() -> None:
    """A zero limit is a programming error, refused at once with the option's name."""
    with pytest.raises(ValueError, match="per_host"):
        Fetcher(per_host=0)


def test_idle_host_pools_are_closed_beyond_the_bound(data_dir: Path) -> None:
    """The fetcher's own transport keeps a pool per host but closes idle ones past its bound."""
    import httpx

    from pressmon._fetch._transport import HostPools

    body = (data_dir / "feeds" / "rss20_fr.xml").read_bytes()
    servers = [TestServer().start() for _ in range(4)]
    transport = HostPools(per_host=2, max_idle_hosts=2)

    async def run() -> list[FetchResult]:
        async with httpx.AsyncClient(transport=transport) as client:
            results = await pressmon.afetch(
                [s.static("/feed", body) for s in servers], client=client, **FAST
            )
            assert transport.hosts <= 2
            return results

    try:
        results = asyncio.run(run())
    finally:
        for server in servers:
            server.stop()
    assert all(result.ok and result.articles for result in results)

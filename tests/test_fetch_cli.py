"""URLs through ``pressmon scan`` and ``pressmon discover``, run as a user would, against a
loopback server; feed discovery; the progress bar; and the whole hostile scenario at once."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import RunPressmon
from httpserver import (
    BILLION_LAUGHS,
    TestServer,
    make_rss,
    static_route,
    status_route,
    xxe_document,
)

import pressmon
from pressmon._progress import ProgressBar
from pressmon.models import FetchFailure, FetchResult

ALPINE_FR = [
    {
        "title": "Alpine arrive aux États-Unis avec AutoNation",
        "link": "https://presse.test/alpine-etats-unis",
        "description": "Alpine, la marque sportive de Renault, prépare son arrivée sur le "
        "marché américain avec le distributeur AutoNation. « Une étape décisive », déclare "
        "son directeur général.",
    },
    {
        "title": "Le ski alpin à Courchevel",
        "link": "https://presse.test/ski",
        "description": "Les pistes ouvrent en décembre, été comme hiver on y skie.",
    },
]
ALPINE_EN = [
    {
        "title": "Alpine confirms U.S. launch plans with AutoNation dealers",
        "link": "https://wire.test/alpine-us",
        "description": "Renault's Alpine brand will enter the American market through "
        "AutoNation dealerships, its CEO said.",
    }
]


def _page(*links: str) -> bytes:
    tags = "".join(f'<link rel="alternate" type="application/rss+xml" href="{h}">' for h in links)
    return f"<!doctype html><html><head>{tags}</head><body><p>Site</p></body></html>".encode()


# ---------------------------------------------------------------- scan


def test_scan_urls_and_sources_file(
    run_pressmon: RunPressmon, http_server: TestServer, tmp_path: Path
) -> None:
    """URLs on the command line and in --sources are fetched; a 404 gets one error line; exit 1."""
    good = http_server.static(
        "/fr.xml",
        make_rss("Presse", ALPINE_FR, encoding="iso-8859-1"),
        content_type="application/rss+xml; charset=iso-8859-1",
    )
    missing = http_server.status("/missing.xml", 404)
    sources = tmp_path / "sources.txt"
    sources.write_text(f"# my feeds\n\n{missing}\n", encoding="utf-8")
    result = run_pressmon("scan", good, "--sources", sources, "--format", "jsonl", "--timeout", "5")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"pressmon: error: {missing}: HTTP 404 Not Found"]
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["title"] for record in records] == [item["title"] for item in ALPINE_FR]
    assert records[0]["source"]["feed_url"] == good
    assert [flag["topic"] for flag in records[0]["flags"]] == ["alpine-us-expansion"]
    assert records[1]["flags"] == []


def test_scan_all_urls_ok_exits_0(run_pressmon: RunPressmon, http_server: TestServer) -> None:
    """When every URL is read the exit code is 0 and standard error stays empty."""
    url = http_server.static("/en.xml", make_rss("Wire", ALPINE_EN))
    result = run_pressmon("scan", url, "--concurrency", "4")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "1 article(s) from 1 source(s), 1 flagged" in result.stdout


def test_scan_with_parse_workers(run_pressmon: RunPressmon, http_server: TestServer) -> None:
    """--parse-workers parses in worker processes: same articles, and the command runs once."""
    urls = [http_server.static(f"/{n}.xml", make_rss(f"Wire {n}", ALPINE_EN)) for n in range(3)]
    result = run_pressmon("scan", *urls, "--parse-workers", "2", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["source"]["feed_url"] for record in records] == urls
    assert all(http_server.hits(f"/{n}.xml") == 1 for n in range(3))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["scan"], "at least one SOURCE"),
        (["scan", "--sources", "no-such-file.txt"], "cannot read --sources no-such-file.txt"),
        (["scan", "x.xml", "--timeout", "0"], "must be more than 0"),
        (["scan", "x.xml", "--concurrency", "many"], "expected a whole number"),
        (["discover", "example.org"], "is not an http(s) URL"),
    ],
)
def test_usage_errors_exit_2(run_pressmon: RunPressmon, arguments: list[str], message: str) -> None:
    """Bad options are usage errors: exit 2, a clear message, no traceback."""
    result = run_pressmon(*arguments)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_scan_library_reports_url_errors_in_scan_results(http_server: TestServer) -> None:
    """pressmon.scan over URLs keeps the ScanResult shape; errors are the human message."""
    good = http_server.static("/en.xml", make_rss("Wire", ALPINE_EN))
    gone = http_server.status("/gone.xml", 410)
    first, second = pressmon.scan([good, gone], fetch_options={"backoff": 0.01})
    assert first.ok and first.source == good and len(first.items) == 1
    assert second.source == gone and second.error is not None and "410" in second.error


# ---------------------------------------------------------------- discovery


def test_discover_from_link_tags_keeps_only_real_feeds(http_server: TestServer) -> None:
    """Advertised feeds are verified: a dead link is dropped, the live one kept."""
    feed = http_server.static("/rss.xml", make_rss("Wire", ALPINE_EN))
    http_server.status("/dead.xml", 404)
    page = http_server.static("/", _page("/dead.xml", "/rss.xml"), content_type="text/html")
    assert pressmon.discover_feeds(page, backoff=0.01) == [feed]


def test_discover_falls_back_to_usual_paths(http_server: TestServer) -> None:
    """A page without feed links: the usual paths on the site's root are tried and verified."""
    feed = http_server.static("/index.xml", make_rss("Wire", ALPINE_EN))
    http_server.static("/feed", b"<html><body>not a feed</body></html>", content_type="text/html")
    page = http_server.static("/news/today", _page(), content_type="text/html")
    assert pressmon.discover_feeds(page, backoff=0.01) == [feed]
    assert http_server.hits("/rss.xml") == 1  # every usual path was tried once


def test_discover_a_feed_url_is_itself(http_server: TestServer) -> None:
    """Given a feed URL, discovery answers that URL."""
    feed = http_server.static("/atom", make_rss("Wire", ALPINE_EN))
    assert pressmon.discover_feeds(feed) == [feed]
    assert http_server.hits("/atom") == 1  # read once, not fetched again to verify


def test_discover_unreachable_site_raises_fetch_error() -> None:
    """A site that cannot be reached at all is a FetchError naming the URL."""
    with TestServer() as server:
        url = server.url("/")
    with pytest.raises(pressmon.FetchError) as caught:
        pressmon.discover_feeds(url, retries=0)
    assert caught.value.url == url and caught.value.kind == "connection"


def test_discover_command(run_pressmon: RunPressmon, http_server: TestServer) -> None:
    """`pressmon discover URL` prints the feeds, one per line; none found is exit 1."""
    feed = http_server.static("/feed.xml", make_rss("Wire", ALPINE_EN))
    page = http_server.static("/", _page("/feed.xml"), content_type="text/html")
    result = run_pressmon("discover", page)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [feed]
    with TestServer() as empty:
        bare = empty.static("/", _page(), content_type="text/html")
        result = run_pressmon("discover", bare)
    assert result.returncode == 1
    assert result.stderr.startswith(f"pressmon: error: {bare}: no feed found")


# ---------------------------------------------------------------- progress


def test_progress_bar_counts_and_clears() -> None:
    """The bar shows done/total and failures, then erases itself."""
    stream = io.StringIO()
    bar = ProgressBar(stream, interval=0)
    ok = FetchResult(url="https://a.test/")
    failed = FetchResult(url="https://b.test/", error=FetchFailure(kind="timeout", message="x"))
    bar(1, 2, ok)
    bar(2, 2, failed)
    bar.close()
    text = stream.getvalue()
    assert "1/2 feeds" in text and "2/2 feeds, 1 failed" in text
    assert text.endswith("\r\x1b[K")


# ---------------------------------------------------------------- the scenario


def test_scenario_good_and_hostile_feeds_in_one_scan(
    run_pressmon: RunPressmon, http_server: TestServer, data_dir: Path, tmp_path: Path
) -> None:
    """One `pressmon scan` over good feeds and every hostile endpoint: all good articles out
    with their accents, the 429 and 500 feeds retried and read, one error line per bad URL,
    nothing expanded or leaked, exit code 1."""
    feeds = data_dir / "feeds"
    latin1 = make_rss("Presse", ALPINE_FR, encoding="iso-8859-1")
    good = {
        http_server.static(
            "/fr-latin1.xml", latin1, content_type="application/rss+xml; charset=iso-8859-1"
        ): [i["title"] for i in ALPINE_FR],
        http_server.static(
            "/cp1252.xml", (feeds / "cp1252_fr.xml").read_bytes(), content_type="text/xml"
        ): ["L’Alpine A110 séduit l’Amérique"],
        http_server.static(
            "/atom", (feeds / "atom10_en.atom").read_bytes(), content_type="application/atom+xml"
        ): None,
        http_server.static(
            "/feed.json", (feeds / "jsonfeed11.json").read_bytes(), content_type="application/json"
        ): None,
        http_server.sequence(
            "/busy.xml",
            [
                status_route(429, headers={"Retry-After": "1"}),
                static_route(make_rss("W", ALPINE_EN)),
            ],
        ): [i["title"] for i in ALPINE_EN],
        http_server.sequence(
            "/flaky.xml", [status_route(500), static_route(make_rss("W", ALPINE_EN))]
        ): [i["title"] for i in ALPINE_EN],
    }
    new_home = http_server.static("/moved-to.xml", make_rss("W", ALPINE_EN))
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-51ab", encoding="utf-8")
    bad = {
        http_server.status("/404", 404): "HTTP 404",
        http_server.status("/410", 410): "410 Gone",
        http_server.drip("/drip", interval=0.2): "timed out",
        http_server.static("/huge", b"<rss>" + b" " * (11 * 1024 * 1024)): "larger than",
        http_server.gzip_bomb("/bomb"): "larger than",
        http_server.redirect("/loop-a", "/loop-b", 302): "redirect loop",
        http_server.reset("/reset"): "reset",
        http_server.static(
            "/home", _page("/fr-latin1.xml"), content_type="text/html"
        ): "an HTML page, not a feed",
    }
    http_server.redirect("/loop-b", "/loop-a", 302)
    moved = http_server.redirect("/moved.xml", "/moved-to.xml", 301)
    attacks = [
        http_server.static("/laughs.xml", BILLION_LAUGHS),
        http_server.static("/xxe.xml", xxe_document(secret)),
    ]
    sources = tmp_path / "sources.txt"
    sources.write_text("\n".join([*good, moved, *bad, *attacks]) + "\n", encoding="utf-8")

    result = run_pressmon(
        "scan", "--sources", sources, "--format", "jsonl", "--timeout", "3", peak_memory=True
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("pressmon: error: ")]
    for url, reason in bad.items():
        (line,) = [line for line in errors if line.startswith(f"pressmon: error: {url}: ")]
        assert reason in line, line
    assert not [
        line for line in errors if any(line.startswith(f"pressmon: error: {u}:") for u in good)
    ]
    records = [json.loads(line) for line in result.stdout.splitlines()]
    by_feed: dict[str, list[str]] = {}
    for record in records:
        by_feed.setdefault(record["source"]["feed_url"], []).append(record["title"])
    for url, titles in good.items():
        if titles is not None:
            assert by_feed[url] == titles, url
        else:
            assert by_feed[url], url
    # The 301 moved the feed: its articles belong to the new URL, and the user is told.
    assert by_feed[new_home] == [i["title"] for i in ALPINE_EN]
    assert f"pressmon: warning: {moved}: moved permanently to {new_home}" in result.stderr
    assert http_server.hits("/busy.xml") == 2 and http_server.hits("/flaky.xml") == 2
    everything = result.stdout + result.stderr
    assert "TOP-SECRET-51ab" not in everything
    assert "lollol" not in everything
    assert result.peak_rss_kib is not None
    assert result.peak_rss_kib < 300 * 1024

"""Full-text enrichment against a real loopback server: feeds whose items carry only titles,
the article pages behind them, and every way a page can fail."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from conftest import RunPressmon
from enrichsite import LOOKALIKE, RELEVANT, article_page, serve_site, site_feed
from httpserver import TestServer, make_rss

import pressmon
from pressmon import Article, Extraction, Source
from pressmon._enrich import THIN_CHARS, _page_article, is_thin, merge
from pressmon._progress import ProgressBar

FAST: dict[str, Any] = {"backoff": 0.01, "backoff_max": 0.05, "timeout": 2.0, "deadline": 3.0}
TOPIC = "alpine-us-expansion"


def _flagged(article: Article) -> bool:
    return any(flag.topic == TOPIC for flag in pressmon.detect(article))


def _by_title(articles: Any) -> dict[str, Article]:
    return {article.title: article for article in articles}


def _fetch_articles(url: str, **options: Any) -> list[Article]:
    (result,) = pressmon.fetch([url], **{**FAST, **options})
    assert result.ok, result.error
    return list(result.articles)


# ---------------------------------------------------------------- the whole story


def test_scan_full_text_flags_stories_told_only_in_the_page(
    run_pressmon: RunPressmon, http_server: TestServer
) -> None:
    """`pressmon scan URL --full-text --allow-private-pages --format jsonl` on a title-only feed
    flags the English and French stories whose relevance is only in their page, not the
    look-alikes; without --full-text nothing is flagged; failures keep the feed's text."""
    items = serve_site(http_server)
    feed = site_feed(http_server, items["relevant"] + items["lookalike"] + items["broken"])
    relevant = {item["title"] for item in items["relevant"]}
    everything = [item["title"] for kind in items.values() for item in kind]

    plain = run_pressmon("scan", feed, "--format", "jsonl")
    assert plain.returncode == 0, plain.stderr
    assert all(not json.loads(line)["flags"] for line in plain.stdout.splitlines())

    result = run_pressmon("scan", feed, "--full-text", "--allow-private-pages", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    records = {record["title"]: record for record in map(json.loads, result.stdout.splitlines())}
    assert sorted(records) == sorted(everything)  # every item, in the feed's own titles
    flagged = {title for title, record in records.items() if record["flags"]}
    assert flagged == relevant
    for title in relevant:
        record = records[title]
        assert record["extraction"]["status"] == "ok"
        # The evidence is the page's: its text (and its description, now the summary).
        fields = {evidence["field"] for evidence in record["flags"][0]["evidence"]}
        assert "text" in fields and "title" not in fields
        assert "AutoNation" in record["text"]
    assert records["Business briefs, Tuesday"]["language"] == "en"
    assert records["L'actualité économique du mardi"]["language"] == "fr"
    for item in items["lookalike"]:
        assert records[item["title"]]["extraction"]["status"] == "ok"
        assert records[item["title"]]["text"]
    gone = records["Dealer network news"]
    assert gone["extraction"]["status"] == "failed"
    assert "404" in gone["extraction"]["message"]
    assert gone["summary"] == "A short teaser the feed gives." and gone["text"] == ""
    front = records["Front page"]
    assert front["extraction"]["status"] == "not_article" and front["text"] == ""
    pdf = records["Annual report"]
    assert pdf["extraction"]["status"] == "failed"
    assert "application/pdf" in pdf["extraction"]["message"]


def test_scan_full_text_refuses_loopback_links_by_default(
    run_pressmon: RunPressmon, http_server: TestServer
) -> None:
    """Without --allow-private-pages, links to 127.0.0.1 found in a feed are not followed: no
    page request reaches the server, and each item says why (status skipped)."""
    items = serve_site(http_server)
    feed = site_feed(http_server, items["relevant"])

    result = run_pressmon("scan", feed, "--full-text", "--format", "jsonl")

    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(items["relevant"])
    for record in records:
        assert record["flags"] == []
        assert record["extraction"]["status"] == "skipped"
        assert "127.0.0.1" in record["extraction"]["message"]
        assert "--allow-private-pages" in record["extraction"]["message"]
    assert [request.path for request in http_server.requests] == ["/feed.xml"]


def test_private_and_metadata_addresses_are_skipped_without_a_request(
    http_server: TestServer,
) -> None:
    """Links to loopback, link-local (cloud metadata), private and IPv6 loopback addresses
    come back skipped by default, before any connection; the feed's text is untouched."""
    links = [
        http_server.url("/page"),
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://10.1.2.3/internal",
        "http://[::1]:8080/admin",
        "http://192.168.0.10/router",
    ]
    http_server.static("/page", article_page(RELEVANT[0]), content_type="text/html")
    articles = [
        Article(title=f"Item {index}", summary="Teaser.", url=link)
        for index, link in enumerate(links)
    ]

    enriched = pressmon.enrich(articles, **FAST)

    for before, after in zip(articles, enriched, strict=True):
        assert after.extraction is not None and after.extraction.status == "skipped"
        assert "allow_private_pages = true" in (after.extraction.message or "")
        assert after.text == "" and after.summary == "Teaser." and after.id == before.id
    assert http_server.hits("/page") == 0


def test_google_news_items_take_the_publisher_and_are_not_followed(
    run_pressmon: RunPressmon, http_server: TestServer, data_dir: Path
) -> None:
    """A Google-News-like feed served locally: the publisher comes from each item's <source>,
    news.google.com links are skipped (not followed: they need JavaScript), and an item
    linking straight to a publisher's page is read as usual."""
    story = http_server.static(
        RELEVANT[0].path, article_page(RELEVANT[0]), content_type="text/html"
    )
    document = (data_dir / "feeds" / "google_news.xml").read_text(encoding="utf-8")
    direct = (
        "<item><title>Business briefs - Example Daily</title>"
        f'<link>{story}</link><guid isPermaLink="false">CBMiDIRECT</guid>'
        '<source url="https://daily.example">Example Daily</source></item>'
    )
    feed = http_server.static(
        "/rss/search", document.replace("</channel>", direct + "</channel>").encode()
    )

    result = run_pressmon("scan", feed, "--full-text", "--allow-private-pages", "--format", "jsonl")

    assert result.returncode == 0, result.stderr
    google, publisher = (json.loads(line) for line in result.stdout.splitlines())
    assert google["source"]["name"] == "Les Échos Test"
    assert google["source"]["url"] == "https://www.lesechos.test/"
    assert google["extraction"]["status"] == "skipped"
    assert "Google News" in google["extraction"]["message"]
    assert google["summary"] and google["text"] == ""
    assert publisher["source"]["name"] == "Example Daily"
    assert publisher["extraction"]["status"] == "ok"
    assert publisher["flags"] and publisher["flags"][0]["topic"] == TOPIC
    assert http_server.hits(RELEVANT[0].path) == 1


# ---------------------------------------------------------------- what an enriched article is


def test_enriched_article_keeps_the_feed_identity_and_fills_what_is_missing(
    http_server: TestServer,
) -> None:
    """The id, guid, URL, title and source stay the feed's; the text and its language are the
    page's; summary, date, authors and image come from the page only where the feed gave none."""
    first, second = RELEVANT
    url_a = http_server.static(first.path, article_page(first), content_type="text/html")
    url_b = http_server.static(second.path, article_page(second), content_type="text/html")
    items = [
        {"title": "Bare item", "link": url_a, "guid": "item-a"},
        {
            "title": "Dated item",
            "link": url_b,
            "guid": "item-b",
            "description": "Le résumé du flux.",
            "pubDate": "Mon, 11 Mar 2024 08:00:00 GMT",
        },
    ]
    feed = http_server.static("/feed.xml", make_rss("Daily", items, language="de"))
    plain = _fetch_articles(feed)
    enriched = _fetch_articles(feed, full_text=True, allow_private_pages=True)

    for before, after in zip(plain, enriched, strict=True):
        for field in ("id", "guid", "url", "title", "source", "tags"):
            assert getattr(after, field) == getattr(before, field), field
        assert after.extraction is not None and after.extraction.status == "ok"
        assert before.text == "" and "AutoNation" in after.text
    bare, dated = enriched
    # A summary the feed gave is kept; an empty one takes the page's description.
    assert dated.summary == "Le résumé du flux."
    assert bare.summary == RELEVANT[0].paragraphs[0][:150]
    # Nothing in the feed: the page fills it.
    assert bare.published == datetime(2024, 3, 12, 9, 30, tzinfo=timezone.utc)
    assert bare.authors == ("Jane Doe",)
    assert bare.image == http_server.url("/images/lead.jpg")
    # The language describes the text: the page's, not the feed channel's "de".
    assert plain[0].language == "de"
    assert bare.language == "en" and dated.language == "fr"
    # The feed gave a date: it is kept.
    assert dated.published == datetime(2024, 3, 11, 8, 0, tzinfo=timezone.utc)
    assert dated.extraction is not None and dated.extraction.url == url_b


def test_fetch_results_and_their_feed_carry_the_same_enriched_articles(
    http_server: TestServer,
) -> None:
    """`pressmon.fetch(..., full_text=True)` returns results whose `articles` and
    `feed.articles` are both the enriched articles."""
    items = serve_site(http_server)
    feed = site_feed(http_server, items["relevant"])
    (result,) = pressmon.fetch([feed], full_text=True, allow_private_pages=True, **FAST)
    assert result.ok and result.feed is not None
    assert result.feed.articles == result.articles
    assert all(_flagged(article) for article in result.articles)


def test_redirected_link_reads_the_final_page_and_keeps_the_feed_url(
    http_server: TestServer,
) -> None:
    """A link that redirects is followed; extraction.url names the page read, the article
    keeps the link the feed gave."""
    target = http_server.static(
        RELEVANT[0].path, article_page(RELEVANT[0]), content_type="text/html"
    )
    link = http_server.redirect("/go/123", RELEVANT[0].path, 302)
    (article,) = pressmon.enrich(
        [Article(title="Short", url=link)], allow_private_pages=True, **FAST
    )
    assert article.url == link
    assert article.extraction is not None and article.extraction.status == "ok"
    assert article.extraction.url == target
    assert _flagged(article)


# ---------------------------------------------------------------- failures keep the feed's text


def test_each_failure_keeps_the_feed_text_and_says_why(http_server: TestServer) -> None:
    """A 404, a page too slow for the deadline, a page over the size limit, a page that is not
    an article and a connection refused: each keeps the feed's summary and records why."""
    http_server.status("/missing", 404)
    http_server.drip("/slow", interval=0.3)
    http_server.static("/huge", b"<html><body>" + b"<p>word</p>" * 20_000, content_type="text/html")
    items = serve_site(http_server)
    home = items["broken"][1]["link"]
    links = {
        "missing": (http_server.url("/missing"), "failed", "HTTP 404"),
        "slow": (http_server.url("/slow"), "failed", "timed out"),
        "huge": (http_server.url("/huge"), "failed", "larger than"),
        "home": (home, "not_article", "home or section page"),
        "refused": ("http://127.0.0.1:9/closed", "failed", "cannot connect"),
    }
    articles = [
        Article(title=name, summary=f"The feed's teaser for {name}.", url=link)
        for name, (link, _, _) in links.items()
    ]

    enriched = pressmon.enrich(
        articles,
        allow_private_pages=True,
        **{**FAST, "deadline": 1.0, "max_bytes": 100_000, "retries": 0},
    )

    for before, after in zip(articles, enriched, strict=True):
        _, status, words = links[before.title]
        assert after.extraction is not None, before.title
        assert after.extraction.status == status, (before.title, after.extraction)
        assert words in (after.extraction.message or ""), after.extraction.message
        assert (after.id, after.summary, after.text) == (before.id, before.summary, "")
        assert not _flagged(after)  # the home page's headlines are never taken as text


def test_teaser_page_gives_its_text_but_a_home_page_never_does() -> None:
    """Of the pages that are not whole articles, a paywall teaser or a short brief gives its
    text (the story's own first lines) when it is longer than the feed's; a home page does not."""
    article = Article(title="T", summary="Short.", url="https://news.test/a")
    teaser = Article(
        text="Alpine will sell cars in the US. " * 5,
        extraction=Extraction(status="not_article", message="a paywall teaser: 'abonnés' and"),
    )
    brief = teaser.model_copy(
        update={"extraction": Extraction(status="not_article", message="too little text: 165")}
    )
    home = teaser.model_copy(
        update={"extraction": Extraction(status="not_article", message="a home page: the root")}
    )
    assert merge(article, teaser).text == teaser.text
    assert merge(article, brief).text == teaser.text
    assert merge(article, home).text == ""
    longer = article.model_copy(update={"text": "x" * 400})
    assert merge(longer, teaser).text == longer.text  # the feed already said more


def test_own_text_verdicts_match_what_the_extractor_says(data_dir: Path) -> None:
    """The not-article verdicts whose text enrichment keeps (paywall teaser, too little text)
    are still worded as the extractor words them."""
    from pressmon._enrich import _OWN_TEXT_VERDICTS

    teaser = pressmon.extract_article(
        (data_dir / "pages" / "paywall_teaser.html").read_bytes(),
        url="https://www.quotidien.test/eco/alpine-coulisses-autonation",
    )
    brief = pressmon.extract_article(
        "<html><head><meta property='og:type' content='article'></head><body><article>"
        "<h1>Brief</h1><p>Alpine opens a showroom in Miami next month, the brand said.</p>"
        "</article></body></html>",
        url="https://news.test/2024/03/12/brief",
    )
    for page, prefix in ((teaser, _OWN_TEXT_VERDICTS[0]), (brief, _OWN_TEXT_VERDICTS[1])):
        assert page.extraction is not None and page.extraction.status == "not_article"
        assert (page.extraction.message or "").startswith(prefix), page.extraction.message


# ---------------------------------------------------------------- fetched once, politely


def test_the_same_page_linked_twice_is_fetched_once(http_server: TestServer) -> None:
    """Two feeds linking to one page (once with tracking parameters) cause one GET; both
    articles get its text."""
    story = RELEVANT[0]
    url = http_server.static(story.path, article_page(story), content_type="text/html")
    feed_a = http_server.static("/a.xml", make_rss("A", [{"title": "From A", "link": url}]))
    feed_b = http_server.static(
        "/b.xml", make_rss("B", [{"title": "From B", "link": url + "?utm_source=rss#top"}])
    )
    results = pressmon.fetch([feed_a, feed_b], full_text=True, allow_private_pages=True, **FAST)
    articles = [article for result in results for article in result.articles]
    assert len(articles) == 2 and articles[0].id != articles[1].id
    assert all(_flagged(article) for article in articles)
    assert http_server.hits(story.path) == 1


def test_a_shared_cache_reads_a_page_once_over_several_calls(http_server: TestServer) -> None:
    """One MemoryPageCache given to two enrich calls: the second is served from it."""
    url = http_server.static(RELEVANT[1].path, article_page(RELEVANT[1]), content_type="text/html")
    cache = pressmon.MemoryPageCache()
    first = pressmon.enrich(
        [Article(title="one", url=url)], cache=cache, allow_private_pages=True, **FAST
    )
    second = pressmon.enrich(
        [Article(title="two", url=url)], cache=cache, allow_private_pages=True, **FAST
    )
    assert first[0].text == second[0].text and "AutoNation" in first[0].text
    assert url in cache and isinstance(cache, pressmon.PageCache)
    assert http_server.hits(RELEVANT[1].path) == 1


def test_pages_respect_the_per_host_limit() -> None:
    """Pages share the fetcher's per-host limit: never more than `per_host_max` in flight."""
    story = LOOKALIKE[0]
    with TestServer(latency=0.1) as server:
        urls = [
            server.static(f"/story/{index}", article_page(story), content_type="text/html")
            for index in range(8)
        ]
        articles = [Article(title=str(index), url=url) for index, url in enumerate(urls)]
        enriched = pressmon.enrich(
            articles, allow_private_pages=True, per_host=2, per_host_max=2, concurrency=16, **FAST
        )
    assert all(a.extraction is not None and a.extraction.status == "ok" for a in enriched)
    assert server.max_in_flight_total == 2


def test_aenrich_shares_the_fetcher_that_read_the_feeds(http_server: TestServer) -> None:
    """`aenrich(fetcher=...)` sends page requests through the caller's fetcher (its client,
    its User-Agent) and leaves it open."""
    items = serve_site(http_server)
    feed = site_feed(http_server, items["relevant"])

    async def run() -> list[Article]:
        async with pressmon.Fetcher(user_agent="shared-agent/1", **FAST) as fetcher:
            (result,) = await fetcher.fetch([feed])
            enriched = await pressmon.aenrich(
                result.articles, fetcher=fetcher, allow_private_pages=True, engine="bs4"
            )
            assert not fetcher.client.is_closed
            return enriched

    enriched = asyncio.run(run())
    assert all(a.extraction is not None and a.extraction.engine == "bs4" for a in enriched)
    assert all(_flagged(article) for article in enriched)
    agents = {request.headers["user-agent"] for request in http_server.requests}
    assert agents == {"shared-agent/1"}


# ---------------------------------------------------------------- which articles


def test_thin_rule() -> None:
    """Thin: text and summary both under THIN_CHARS characters; a long text or summary is not."""
    assert is_thin(Article(title="Only a title"))
    assert is_thin(Article(title="T", summary="x" * (THIN_CHARS - 1)))
    assert not is_thin(Article(title="T", summary="x" * THIN_CHARS))
    assert not is_thin(Article(title="T", text="x" * THIN_CHARS))


def test_thin_mode_leaves_long_items_and_all_mode_reads_them(http_server: TestServer) -> None:
    """In "thin" mode an item with a long summary is not followed (no request); in "all" mode
    it is, and its page's text replaces the summary as the text."""
    url = http_server.static(RELEVANT[0].path, article_page(RELEVANT[0]), content_type="text/html")
    long = Article(title="Long", summary="A long summary. " * 40, url=url)
    (thin,) = pressmon.enrich([long], allow_private_pages=True, **FAST)
    assert thin == long and http_server.hits(RELEVANT[0].path) == 0
    (every,) = pressmon.enrich([long], mode="all", allow_private_pages=True, **FAST)
    assert every.extraction is not None and every.extraction.status == "ok"
    assert "AutoNation" in every.text and every.summary == long.summary


def test_articles_already_read_from_a_page_or_without_a_link(http_server: TestServer) -> None:
    """An article that already has an extraction record is returned as it is; one without an
    http(s) link is skipped with a reason; neither causes a request."""
    done = Article(
        title="Done", url=http_server.url("/x"), extraction=Extraction(status="ok", url="u")
    )
    unlinked = Article(title="No link", source=Source(name="file.txt"))
    kept, skipped = pressmon.enrich([done, unlinked], allow_private_pages=True, **FAST)
    assert kept == done
    assert skipped.extraction is not None and skipped.extraction.status == "skipped"
    assert "no http(s) link" in (skipped.extraction.message or "")
    assert http_server.requests == []


def test_scan_reads_pages_behind_a_local_feed_file(http_server: TestServer, tmp_path: Path) -> None:
    """`scan(..., full_text=True)` also follows the links of a feed read from a file."""
    items = serve_site(http_server)
    path = tmp_path / "saved.xml"
    path.write_bytes(make_rss("Saved", items["relevant"] + items["lookalike"]))
    (result,) = pressmon.scan([path], full_text=True, allow_private_pages=True, fetch_options=FAST)
    flagged = {item.article.title for item in result.items if item.flags}
    assert flagged == {item["title"] for item in items["relevant"]}


def test_bad_full_text_values_are_refused() -> None:
    """A full_text value other than True/False/"thin"/"all" is a ValueError before any request."""
    with pytest.raises(ValueError, match="full_text"):
        pressmon.fetch(["http://127.0.0.1:9/feed"], full_text="sometimes")
    with pytest.raises(ValueError, match="mode"):
        pressmon.enrich([], mode="most")  # type: ignore[arg-type]


# ---------------------------------------------------------------- command line, progress


def test_scan_text_output_counts_the_pages(
    run_pressmon: RunPressmon, http_server: TestServer
) -> None:
    """In text format, the summary line with --full-text counts the pages by outcome."""
    items = serve_site(http_server)
    feed = site_feed(http_server, items["relevant"] + items["lookalike"] + items["broken"])
    result = run_pressmon("scan", feed, "--full-text", "--allow-private-pages")
    assert result.returncode == 0, result.stderr
    last = result.stdout.rstrip().splitlines()[-1]
    assert last == (
        "8 article(s) from 1 source(s), 2 flagged; pages: 5 ok, 1 not an article, 2 failed"
    )


def test_explain_full_text_explains_the_page_text(
    run_pressmon: RunPressmon, http_server: TestServer
) -> None:
    """`pressmon explain URL --full-text --allow-private-pages` explains the article as enriched:
    the relevant story is flagged on its page's text, the look-alike is not."""
    items = serve_site(http_server)
    feed = site_feed(http_server, [items["relevant"][0], items["lookalike"][0]])
    result = run_pressmon(
        "explain", feed, "--full-text", "--allow-private-pages", "--format", "jsonl"
    )
    assert result.returncode == 0, result.stderr
    relevant, lookalike = (json.loads(line) for line in result.stdout.splitlines())
    assert relevant["extraction"]["status"] == "ok" and lookalike["extraction"]["status"] == "ok"
    assert [e["flagged"] for e in relevant["explanations"] if e["topic"] == TOPIC] == [True]
    assert [e["flagged"] for e in lookalike["explanations"] if e["topic"] == TOPIC] == [False]


def test_allow_private_pages_needs_full_text(run_pressmon: RunPressmon, seed_path: Path) -> None:
    """`--allow-private-pages` alone is a usage error that names the missing option."""
    result = run_pressmon("scan", seed_path, "--allow-private-pages")
    assert result.returncode == 2
    assert "--allow-private-pages applies to --full-text" in result.stderr


def test_progress_bar_counts_pages() -> None:
    """The bar shows pages read and failed; below ten pages it draws nothing."""
    stream = io.StringIO()
    bar = ProgressBar(stream, interval=0)
    failed = Article(title="x", extraction=Extraction(status="failed", message="404"))
    ok = Article(title="y", extraction=Extraction(status="ok"))
    bar.page(1, 3, ok)
    assert stream.getvalue() == ""
    bar.page(1, 12, failed)
    bar.page(12, 12, ok)
    bar.close()
    text = stream.getvalue()
    assert "reading [" in text and "1/12 pages, 1 failed" in text and "12/12 pages" in text
    assert text.endswith("\r\x1b[K")


@pytest.mark.parametrize(
    ("kind", "status", "temporary"),
    [
        ("timeout", None, True),
        ("connection", None, True),
        ("http_status", 503, True),
        ("http_status", 500, True),
        ("http_status", 429, True),
        ("http_status", 408, True),
        ("http_status", 404, False),
        ("http_status", 403, False),
        ("gone", 410, False),
        ("too_large", 200, False),
        ("tls", None, False),
        ("redirect_loop", 302, False),
    ],
)
def test_which_page_failures_are_temporary(kind: str, status: int | None, temporary: bool) -> None:
    """A page that timed out, could not connect, or answered 408, 429 or 5xx is `failed` but
    `temporary` (the monitor asks again later); a 404, a 410, a TLS failure, a redirect loop or
    a page too large are final."""
    response = pressmon.PageResponse(
        url="https://news.example/a",
        final_url="https://news.example/a",
        status=status,
        error=pressmon.FetchFailure(kind=kind, message="it went wrong"),  # type: ignore[arg-type]
    )
    page = _page_article(response, engine=None)
    assert page.extraction is not None
    assert page.extraction.status == "failed"
    assert page.extraction.temporary is temporary

"""Feed parsing: data-driven cases (sample feed + expected JSON), then hostile and broken input.

Each ``tests/data/feeds/NAME.expected.json`` lists the feed metadata and, per
article in feed order, the fields that case is about; ``given`` holds the
arguments passed to ``parse_feed`` (the feed URL, headers).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from pressmon import NotAFeedError, ParseError, parse_feed
from pressmon._parse import use_parser

FEEDS = Path(__file__).resolve().parent / "data" / "feeds"
CASES = sorted(path for path in FEEDS.glob("*.expected.json"))


def _input_for(expected_file: Path) -> Path:
    stem = expected_file.name.removesuffix(".expected.json")
    (match,) = [path for path in FEEDS.iterdir() if path.stem == stem and path != expected_file]
    return match


@pytest.mark.parametrize("expected_file", CASES, ids=lambda path: path.name.split(".")[0])
def test_sample_feed_matches_expected_json(expected_file: Path) -> None:
    """Each sample feed parses into the metadata and article fields its expected JSON states."""
    expected: dict[str, Any] = json.loads(expected_file.read_text(encoding="utf-8"))
    given = expected.pop("given", {})
    expected_articles = expected.pop("articles")
    feed = parse_feed(_input_for(expected_file).read_bytes(), **given)
    actual = feed.model_dump(mode="json")
    for key, value in expected.items():
        assert actual[key] == value, key
    assert len(feed.articles) == len(expected_articles)
    for article, wanted in zip(actual["articles"], expected_articles, strict=True):
        for key, value in wanted.items():
            assert article[key] == value, (article["title"], key)


def test_every_sample_feed_has_an_expected_file() -> None:
    """No sample feed sits in tests/data/feeds without its expected JSON."""
    inputs = {path.stem for path in FEEDS.iterdir() if not path.name.endswith(".expected.json")}
    expected = {path.name.removesuffix(".expected.json") for path in CASES}
    assert inputs == expected


def test_ids_are_stable_across_parses() -> None:
    """Parsing the same feed twice gives the same ids (fetch time does not enter them)."""
    data = (FEEDS / "rss20_fr.xml").read_bytes()
    first = parse_feed(data, url="https://a.test/rss")
    second = parse_feed(data, url="https://a.test/rss")
    assert [a.id for a in first.articles] == [a.id for a in second.articles]
    assert len({a.id for a in first.articles}) == len(first.articles)


def test_charset_from_http_headers_wins() -> None:
    """A Latin-1 feed whose charset only the HTTP header gives comes out with its accents right."""
    data = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Été</title>'
        "<item><title>Les Français à l’étranger</title></item></channel></rss>"
    ).encode("cp1252")
    feed = parse_feed(data, headers={"Content-Type": "application/rss+xml; charset=windows-1252"})
    assert feed.title == "Été"
    assert feed.articles[0].title == "Les Français à l’étranger"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
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
<rss version="2.0"><channel><title>laughs</title>
<item><title>&lol9;</title><description>&lol9;</description></item></channel></rss>"""


def test_entity_expansion_never_happens() -> None:
    """A billion-laughs document parses without expanding anything, and says what was removed."""
    feed = parse_feed(BILLION_LAUGHS)
    article = feed.articles[0]
    assert "lol" * 10 not in article.title + article.summary
    assert len(article.title) < 20
    assert any("DOCTYPE" in warning for warning in feed.warnings)


def test_external_entities_are_never_resolved(tmp_path: Path) -> None:
    """An XXE document that points at a local file does not leak the file's content."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    document = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">'
        f'<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>'
        "<rss version='2.0'><channel><title>&xxe;</title>"
        "<item><title>&xxe;</title><description>x &xxe; y</description></item></channel></rss>"
    ).encode()
    feed = parse_feed(document)
    dumped = feed.model_dump_json()
    assert "TOP-SECRET-CONTENT" not in dumped
    assert feed.articles[0].title == "&xxe;"


def test_utf16_document_with_doctype_is_made_safe() -> None:
    """DOCTYPE removal also works for UTF-16 documents, which cannot be scanned as bytes."""
    document = (
        '<?xml version="1.0" encoding="utf-16"?><!DOCTYPE r [<!ENTITY e "EXPANDED">]>'
        "<rss version='2.0'><channel><title>t</title>"
        "<item><title>&e;</title></item></channel></rss>"
    ).encode("utf-16")
    feed = parse_feed(document)
    assert "EXPANDED" not in feed.articles[0].title


def test_html_page_is_not_a_feed_and_lists_advertised_feeds() -> None:
    """An HTML page raises NotAFeedError with the absolute URLs of the feeds it advertises."""
    page = b"""<!DOCTYPE html><html><head><title>Site</title>
    <link rel="alternate" type="application/rss+xml" href="/rss.xml">
    <link rel="alternate" type="application/atom+xml" href="https://site.test/atom">
    <link rel="alternate" type="application/feed+json" href="feed.json">
    <link rel="stylesheet" href="/style.css"></head><body>Hello</body></html>"""
    with pytest.raises(NotAFeedError) as caught:
        parse_feed(page, url="https://site.test/news/")
    assert caught.value.feeds == (
        "https://site.test/rss.xml",
        "https://site.test/atom",
        "https://site.test/news/feed.json",
    )
    assert "HTML page" in str(caught.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"just some words", "not a feed"),
        (b"<note><to>x</to></note>", "not a feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1"}', "items"),
        (b'{"title": "no version"}', "not a JSON Feed"),
        (b"[1, 2, 3]", "not a JSON object"),
        (b"{ broken json", "invalid JSON"),
        (b"[" * 100000, "invalid JSON"),
        (b'<?xml version="1.0"?><!DOCTYPE x [ <!ENTITY a "never closed"', "DOCTYPE"),
    ],
)
def test_bad_input_raises_parse_error_with_a_reason(data: bytes, message: str) -> None:
    """Input that is not a feed raises ParseError whose message says why."""
    with pytest.raises(ParseError, match=message):
        parse_feed(data)


def test_text_instead_of_bytes_is_refused_with_a_clear_error() -> None:
    """A `str` (which has lost the encoding the feed declares) gets a TypeError saying to pass
    the bytes; bytearray and memoryview are bytes and parse like them."""
    data = (FEEDS / "rss20_fr.xml").read_bytes()
    with pytest.raises(TypeError, match="takes the feed's bytes, not str"):
        parse_feed(data.decode("utf-8"))  # type: ignore[arg-type]
    when = datetime(2025, 6, 2, tzinfo=timezone.utc)
    expected = parse_feed(data, fetched_at=when).articles
    assert parse_feed(bytearray(data), fetched_at=when).articles == expected  # type: ignore[arg-type]
    assert parse_feed(memoryview(data), fetched_at=when).articles == expected  # type: ignore[arg-type]


def test_truncated_feed_keeps_what_it_can() -> None:
    """A feed cut off mid-way gives the complete entries before the cut, with a warning."""
    data = (FEEDS / "rss20_fr.xml").read_bytes()
    cut = data[: data.index(b"<title>Essai")]
    feed = parse_feed(cut)
    assert feed.articles[0].title == "Alpine vise les États-Unis d’ici 2027"
    assert any("well-formed" in warning for warning in feed.warnings)


def test_relative_links_without_feed_url_stay_unresolved_not_invented() -> None:
    """Without any base URL a relative link cannot be made absolute, so the article has no URL."""
    feed = parse_feed(
        b"<rss version='2.0'><channel><title>t</title>"
        b"<item><title>x</title><link>/relative</link></item></channel></rss>"
    )
    assert feed.articles[0].url is None


def test_impossible_iso_dates_are_dropped_on_every_path() -> None:
    """An impossible ISO date in a feed is left empty, never rolled over to another day."""
    data = (
        b"<rss version='2.0'><channel><title>t</title><item><title>x</title>"
        b"<pubDate>2023-02-30T10:00:00Z</pubDate></item></channel></rss>"
    )
    for path in ("fast", "feedparser"):
        with use_parser(path):
            article = parse_feed(data).articles[0]
        assert article.published is None, path
        assert article.published_precision is None, path

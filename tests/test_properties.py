"""Property tests: arbitrary bytes and text never crash a loader, the parser or detect().

Every loader must answer arbitrary input with a result or a clear
PressmonError, never an unhandled exception.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pressmon import Article, ParseError, canonicalize_url, detect, parse_feed
from pressmon._sources import read_bytes
from pressmon._text import html_to_text

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Pieces of feeds, pages and JSON, so that generated documents reach deep into the parsers.
FRAGMENTS = st.sampled_from(
    [
        b'<?xml version="1.0" encoding="utf-8"?>', b'<?xml version="1.0" encoding="utf-16"?>',
        b"<rss version='2.0'>", b"</rss>", b"<channel>", b"</channel>", b"<item>", b"</item>",
        b"<title>", b"</title>", b"<link>", b"</link>", b"<description>", b"</description>",
        b'<feed xmlns="http://www.w3.org/2005/Atom">', b"</feed>", b"<entry>", b"</entry>",
        b"<![CDATA[", b"]]>", b"<!DOCTYPE x [", b'<!ENTITY e "&e;&e;">', b"]>", b"&e;", b"&amp;",
        b"<pubDate>", b"</pubDate>", b"Tue, 02 May 2023 10:00:00 +0200", b"2023-05",
        b"<html>", b"<body>", b"<p>", b"</p>", b"<script>", b"</script>",
        b'{"version": "https://jsonfeed.org/version/1.1", "items": [', b"{", b"}", b"[", b"]",
        b'"title": "Alpine"', b",", b"\xff\xfe", b"\xef\xbb\xbf", b"\x00", b"\xe9t\xe9",
        "Alpine arrive aux États-Unis avec AutoNation.".encode(),
    ]
)  # fmt: skip
DOCUMENTS = st.one_of(st.binary(max_size=2000), st.lists(FRAGMENTS, max_size=40).map(b"".join))


@PROPERTY_SETTINGS
@given(data=DOCUMENTS, kind=st.sampled_from([None, "text", "html", "xml", "json", "jsonl"]))
def test_read_bytes_answers_anything(data: bytes, kind: str | None) -> None:
    """Any bytes, read as any kind: articles or a SourceError naming the source, never a crash."""
    loaded = read_bytes(data, name="input", kind=kind)
    if loaded.error is not None:
        assert loaded.error.source == "input"
        assert loaded.error.reason
        assert loaded.articles == []
    else:
        assert all(isinstance(article, Article) for article in loaded.articles)


@PROPERTY_SETTINGS
@given(data=DOCUMENTS)
def test_parse_feed_answers_anything(data: bytes) -> None:
    """parse_feed returns a feed or raises ParseError, for any bytes."""
    try:
        feed = parse_feed(data, url="https://example.test/feed")
    except ParseError as error:
        # Either outcome is valid; an error must explain itself.
        assert error.reason  # noqa: PT017
    else:
        for article in feed.articles:
            assert "<script" not in article.title + article.summary + article.text


@PROPERTY_SETTINGS
@given(title=st.text(max_size=300), text=st.text(max_size=3000))
def test_detect_answers_any_text(title: str, text: str) -> None:
    """detect() accepts any text and returns flags whose offsets slice the original fields."""
    article = Article(title=title, text=text)
    for flag in detect(article):
        assert 0.0 <= flag.score <= 1.0
        for evidence in flag.evidence:
            field = article.field_text(evidence.field)
            assert field[evidence.start : evidence.end] == evidence.text


@pytest.mark.parametrize("suffix", ["", " Alpine veut conquérir les États-Unis via AutoNation."])
@PROPERTY_SETTINGS
@given(noise=st.text(max_size=500))
def test_detect_with_noise_around_a_relevant_sentence(noise: str, suffix: str) -> None:
    """Noise of any kind around a sentence never breaks detection or its offsets."""
    article = Article(text=noise + suffix)
    for flag in detect(article):
        for evidence in flag.evidence:
            assert article.text[evidence.start : evidence.end] == evidence.text


@PROPERTY_SETTINGS
@given(markup=st.text(max_size=1000))
def test_html_to_text_answers_any_text(markup: str) -> None:
    """HTML-to-text accepts any string and never returns control characters."""
    text = html_to_text(markup)
    assert "\x00" not in text


@PROPERTY_SETTINGS
@given(url=st.text(max_size=200))
def test_canonicalize_url_answers_any_text(url: str) -> None:
    """Any string gives None or an http(s) URL without fragment."""
    result = canonicalize_url(url)
    assert result is None or (result.startswith(("http://", "https://")) and "#" not in result)

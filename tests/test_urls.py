"""Canonical URLs: one article behind differently decorated links gets one URL."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressmon import canonicalize_url
from pressmon._urls import _read


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://Example.COM/a", "https://example.com/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/a?utm_source=rss&utm_medium=x&id=3", "https://example.com/a?id=3"),
        ("https://example.com/a?fbclid=1&gclid=2&msclkid=3", "https://example.com/a"),
        ("https://example.com/a?xtor=RSS-3208&p=2", "https://example.com/a?p=2"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?b=2&a=1"),
        ("https://user:secret@example.com/a", "https://example.com/a"),
        ("HTTPS://example.com/é té", "https://example.com/%C3%A9%20t%C3%A9"),
        ("  https://example.com/a \n", "https://example.com/a"),
    ],
)
def test_canonical_forms(given: str, expected: str) -> None:
    """Fragments, default ports, case of the host and tracking parameters never split an article."""
    assert canonicalize_url(given) == expected


def test_parameters_that_select_content_are_kept() -> None:
    """Only parameters known to track are dropped; order and the others are kept."""
    assert canonicalize_url("https://x.test/s?q=alpine&page=2&ref=home") == (
        "https://x.test/s?q=alpine&page=2&ref=home"
    )


def test_relative_links_resolve_against_the_base() -> None:
    """A relative link in a feed is resolved against the feed's URL."""
    assert canonicalize_url("../b?utm_term=x", "https://x.test/news/a/") == "https://x.test/news/b"


@pytest.mark.parametrize(
    "given",
    [
        None,
        "",
        "javascript:alert(1)",
        "mailto:a@b.c",
        "tag:x.test,2024:1",
        "https://",
        "http://[::1",
    ],
)
def test_non_web_urls_give_none(given: str | None) -> None:
    """Anything that is not an http(s) URL with a host is not an article URL."""
    assert canonicalize_url(given) is None


def test_canonicalization_is_idempotent() -> None:
    """Canonicalizing a canonical URL changes nothing."""
    once = canonicalize_url("https://EX.test:443/a/b?utm_x=1&k=v#f")
    assert once is not None
    assert canonicalize_url(once) == once


_HOSTS = [
    "example.com", "EXAMPLE.com.", "[::1]", "[::1", "127.0.0.1", "", ".", "ex ample",
    "éx.com", "a_b.test", "ＥＸ.com",
]  # fmt: skip
_URL_PIECES = st.tuples(
    st.sampled_from(["", " ", "\x01", "\t"]),
    st.sampled_from(["http", "HTTP", "hTTps", "ftp", "javascript", "", "httpſ", "mailto"]),
    st.sampled_from(["://", ":", ":/", ":///", "//", "://\n"]),
    st.sampled_from(["", "user@", "u:p@", "@"]),
    st.sampled_from(_HOSTS),
    st.sampled_from(["", ":", ":80", ":443", ":0", ":99999", ":08", ":٣", ":65536", ":x"]),
    st.sampled_from(["", "/", "/a/b", "//x", "/a b/é", "/a;b", "/a/b;", "/%7e/~", "a/b"]),
    st.sampled_from(["", "?", "?a=1", "?utm_source=x&id=3", "?a=1&&b=2", "?%75tm_source=z"]),
    st.sampled_from(["", "#", "#frag", "#x?y=1"]),
    st.sampled_from(["", " ", "\n"]),
).map("".join)
_BASES = st.sampled_from(
    [None, "", "http://feed.test/a/b", "HTTP://Y.test/p/", "https://f.test/a;b?c#d",
     "http://[bad/", "ftp://x/", "feed.test/x", "http:///x"]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    url=st.one_of(_URL_PIECES, st.text(max_size=30).map(lambda text: "http://" + text)),
    base=_BASES,
)
def test_the_quick_reading_of_plain_urls_is_urllibs(url: str, base: str | None) -> None:
    """Plain absolute links are read without urllib; every part read is urllib's own,
    for any URL and base (invalid ports, IPv6, credentials, ';', odd schemes)."""
    url = url.strip().replace("\t", "").replace("\n", "").replace("\r", "")
    assert _read(url, base) == _read(url, base, fast=False)

"""Unit tests of the fetcher's parts: header parsing, bounded decoding, address policy,
error mapping (through ``httpx.MockTransport``) and the Google News URL helper."""

from __future__ import annotations

import asyncio
import email.utils
import ssl
import zlib
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

import pressmon
from pressmon._fetch._addresses import is_public_address
from pressmon._fetch._body import BodyTooLarge, BoundedDecoder, CorruptBody
from pressmon._fetch._headers import parse_max_age, parse_retry_after
from pressmon.models import FetchResult

RSS = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
    b"<item><title>Un</title><link>https://example.org/1</link></item></channel></rss>"
)


def _with_transport(handler: httpx.MockTransport, url: str, **options: object) -> FetchResult:
    async def run() -> FetchResult:
        async with httpx.AsyncClient(transport=handler) as client:
            (result,) = await pressmon.afetch(
                [url], client=client, backoff=0.001, backoff_max=0.002, **options
            )
            return result

    return asyncio.run(run())


def test_retry_after_seconds_and_http_date() -> None:
    """Retry-After is read as seconds or as an HTTP date relative to now; junk is None."""
    assert parse_retry_after("120") == 120.0
    now = 1_700_000_000.0
    in_half_a_minute = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(in_half_a_minute, now=now) == 30.0
    assert parse_retry_after("Mon, 01 Jan 2001 00:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_cache_control_max_age() -> None:
    """max-age is read from Cache-Control; no-cache/no-store mean 0; absent means None."""
    assert parse_max_age("public, max-age=300") == 300.0
    assert parse_max_age("no-cache") == 0.0
    assert parse_max_age("private") is None
    assert parse_max_age(None) is None


def test_bounded_decoder_stops_a_bomb_within_the_limit() -> None:
    """A deflate stream that expands 1000:1 is cut as soon as the output passes the limit."""
    bomb = zlib.compress(b"\0" * 5_000_000, 9)
    decoder = BoundedDecoder("deflate", 100_000)
    with pytest.raises(BodyTooLarge):
        decoder.decode(bomb)
    assert decoder.size <= 100_001


def test_bounded_decoder_reads_raw_deflate_and_refuses_garbage() -> None:
    """'deflate' without the zlib header is accepted; a corrupt gzip body is refused."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    raw = compressor.compress(b"hello " * 100) + compressor.flush()
    decoder = BoundedDecoder("deflate", 10_000)
    assert decoder.decode(raw) + decoder.flush() == b"hello " * 100
    with pytest.raises(CorruptBody):
        BoundedDecoder("gzip", 10_000).decode(b"this is not gzip at all")


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.10", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),
        ("0.0.0.0", False),
        ("93.184.216.34", True),
        ("2606:4700::1111", True),
    ],
)
def test_public_address_policy(address: str, public: bool) -> None:
    """Loopback, private, link-local, mapped and unspecified addresses are not public."""
    assert is_public_address(address) is public


def test_tls_failure_is_its_own_kind() -> None:
    """A certificate failure maps to the tls kind, and is not retried."""
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectError(
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",
            request=request,
        ) from ssl.SSLCertVerificationError("certificate verify failed")

    result = _with_transport(httpx.MockTransport(handler), "https://bad-cert.example/feed")
    assert result.error is not None and result.error.kind == "tls"
    assert len(calls) == 1


def test_connect_timeout_is_retried_then_a_timeout() -> None:
    """A connect timeout is retried (the server may be briefly overloaded), then reported."""
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectTimeout("timed out", request=request)

    result = _with_transport(httpx.MockTransport(handler), "https://slow.example/feed", retries=2)
    assert result.error is not None and result.error.kind == "timeout"
    assert len(calls) == 3


def test_408_is_retried_and_max_age_reported() -> None:
    """408 is retried; Cache-Control max-age of the final answer is reported."""
    answers = iter(
        [
            httpx.Response(408),
            httpx.Response(
                200,
                content=RSS,
                headers={"Content-Type": "application/rss+xml", "Cache-Control": "max-age=900"},
            ),
        ]
    )
    result = _with_transport(
        httpx.MockTransport(lambda request: next(answers)), "https://example.org/feed"
    )
    assert result.ok and result.attempts == 2 and result.max_age == 900.0
    assert [article.title for article in result.articles] == ["Un"]


def test_redirect_to_another_site_drops_credentials() -> None:
    """Authorization set for one site is not sent to the site a redirect leads to."""
    seen: dict[str, str | None] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen[request.url.host] = request.headers.get("authorization")
        if request.url.host == "private.example":
            return httpx.Response(302, headers={"Location": "https://cdn.example/feed"})
        return httpx.Response(200, content=RSS)

    async def run() -> FetchResult:
        async with httpx.AsyncClient(
            transport=httpx.MockTransport(handler), headers={"Authorization": "Bearer x"}
        ) as client:
            (result,) = await pressmon.afetch(["https://private.example/feed"], client=client)
            return result

    result = asyncio.run(run())
    assert result.ok
    assert seen == {"private.example": "Bearer x", "cdn.example": None}


def test_google_news_url_editions() -> None:
    """The helper builds the RSS search URL for an edition: fr-FR and en-US, query encoded."""
    french = urlsplit(pressmon.google_news_url("Alpine AutoNation", language="fr", country="FR"))
    assert (french.scheme, french.netloc, french.path) == (
        "https",
        "news.google.com",
        "/rss/search",
    )
    assert parse_qs(french.query) == {
        "q": ["Alpine AutoNation"],
        "hl": ["fr"],
        "gl": ["FR"],
        "ceid": ["FR:fr"],
    }
    english = parse_qs(urlsplit(pressmon.google_news_url('"Alpine" US launch', when="7d")).query)
    assert english == {
        "q": ['"Alpine" US launch when:7d'],
        "hl": ["en-US"],
        "gl": ["US"],
        "ceid": ["US:en"],
    }


@pytest.mark.parametrize(
    "arguments",
    [{"query": "  "}, {"query": "x", "language": "French"}, {"query": "x", "country": "USA"}],
)
def test_google_news_url_refuses_malformed_input(arguments: dict[str, str]) -> None:
    """An empty query, or a language/country that is not a code, is a ValueError."""
    with pytest.raises(ValueError):  # noqa: PT011 - the three messages differ by design
        pressmon.google_news_url(**arguments)

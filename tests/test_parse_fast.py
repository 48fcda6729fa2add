"""The fast lxml parse path on its own: safety, its tables checked against feedparser, both paths.

The hostile documents are given to :func:`pressmon._parse._fast.parse_fast`
directly, DOCTYPE included (``parse_feed`` removes it first): the lxml
parser's own configuration must already refuse to expand entities, to read
files, or to reach the network.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
import test_parse
from feedcorpus import all_cases
from hypothesis import given, settings
from hypothesis import strategies as st

from pressmon import ParseError, parse_feed
from pressmon._parse import parse_raw, use_parser
from pressmon._parse._fast import (
    _C1_TO_CP1252,
    _NAMESPACES,
    _SCHEME_SLASHES,
    FEEDPARSER_HANDLERS,
    Unsure,
    _fix_text,
    _urljoin,
    parse_fast,
)

# ---------------------------------------------------------------- both paths, same expectations


@pytest.fixture(params=["auto", "feedparser"])
def parse_path(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the test under the default (fast-first) path and under the feedparser path."""
    with use_parser(request.param):
        yield request.param


@pytest.mark.parametrize(
    "expected_file", test_parse.CASES, ids=lambda path: path.name.split(".")[0]
)
def test_sample_feeds_match_expected_json_on_both_paths(
    parse_path: str, expected_file: Path
) -> None:
    """The data-driven sample feeds give their expected fields whichever path parses them."""
    test_parse.test_sample_feed_matches_expected_json(expected_file)


@pytest.mark.parametrize(
    "test",
    [
        test_parse.test_ids_are_stable_across_parses,
        test_parse.test_charset_from_http_headers_wins,
        test_parse.test_entity_expansion_never_happens,
        test_parse.test_utf16_document_with_doctype_is_made_safe,
        test_parse.test_html_page_is_not_a_feed_and_lists_advertised_feeds,
        test_parse.test_truncated_feed_keeps_what_it_can,
        test_parse.test_relative_links_without_feed_url_stay_unresolved_not_invented,
    ],
    ids=lambda test: test.__name__,
)
def test_parse_behaviours_hold_on_both_paths(parse_path: str, test: object) -> None:
    """The behaviours tests/test_parse.py pins hold on the fast path and on feedparser's."""
    assert callable(test)
    test()


def test_xxe_is_never_resolved_on_both_paths(parse_path: str, tmp_path: Path) -> None:
    """The XXE case of tests/test_parse.py holds on both paths."""
    test_parse.test_external_entities_are_never_resolved(tmp_path)


def test_sample_rss_takes_the_fast_path() -> None:
    """A plain well-formed RSS 2.0 sample is parsed by lxml, not by feedparser."""
    data = (test_parse.FEEDS / "rss20_fr.xml").read_bytes()
    assert parse_raw(data, url="https://a.test/rss").parser == "lxml"
    with use_parser("feedparser"):
        assert parse_raw(data, url="https://a.test/rss").parser == "feedparser"


# ---------------------------------------------------------------- tables against feedparser


def test_handler_names_match_installed_feedparser() -> None:
    """The list of elements feedparser handles is the installed feedparser's, so none is missed."""
    from feedparser.mixin import _FeedParserMixin

    names = {
        attribute.split("_", 2)[-1].lower()
        for attribute in dir(_FeedParserMixin)
        if attribute.startswith(("_start_", "_end_"))
    }
    assert names == set(FEEDPARSER_HANDLERS)


def test_namespace_table_matches_feedparser_for_handled_prefixes() -> None:
    """Every namespace whose elements feedparser handles is named as feedparser names it."""
    from feedparser.mixin import _FeedParserMixin

    handled_prefixes = {name.split("_", 1)[0] for name in FEEDPARSER_HANDLERS if "_" in name}
    for uri, prefix in _FeedParserMixin.namespaces.items():
        if prefix == "" or prefix.lower() in handled_prefixes | {"rdf", "xml"}:
            assert _NAMESPACES.get(uri.lower()) == prefix.lower(), uri


def test_cp1252_repair_table_matches_feedparser() -> None:
    """The C1-to-Windows-1252 repair is feedparser's."""
    from feedparser.html import _cp1252

    assert _cp1252 == _C1_TO_CP1252


# ---------------------------------------------------------------- safety of the lxml parser

BILLION_LAUGHS = test_parse.BILLION_LAUGHS


def test_fast_parser_never_expands_entities_even_with_a_doctype() -> None:
    """A billion-laughs document with its DOCTYPE: lxml expands nothing, the path defers."""
    with pytest.raises(Unsure):
        parse_fast(BILLION_LAUGHS)


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP server on 127.0.0.1 that records every connection it receives."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(0.5)
                try:
                    received.append(connection.recv(4096) or b"(connected)")
                except OSError:
                    received.append(b"(connected)")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], received
    finally:
        stop.set()
        thread.join(timeout=2)
        server.close()


def _hostile_documents(port: int, secret: Path) -> list[bytes]:
    remote = f"http://127.0.0.1:{port}"
    return [
        # External general entity pointing at a local file and at the network.
        (
            f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY file SYSTEM "file://{secret}">'
            f'<!ENTITY net SYSTEM "{remote}/entity">]>'
            "<rss version='2.0'><channel><title>&file;</title>"
            "<item><title>&net;</title><description>&file;</description></item></channel></rss>"
        ).encode(),
        # External DTD.
        (
            f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{remote}/external.dtd">'
            "<rss version='2.0'><channel><title>t</title><item><title>x</title></item>"
            "</channel></rss>"
        ).encode(),
        # Parameter entities fetching a remote DTD.
        (
            f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % remote SYSTEM "{remote}/p.dtd">'
            f'%remote;<!ENTITY % file SYSTEM "file://{secret}">%file;]>'
            "<rss version='2.0'><channel><title>t</title><item><title>x</title></item>"
            "</channel></rss>"
        ).encode(),
        # XInclude is not processed either.
        (
            '<rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude"><channel><title>t'
            f'</title><item><title>x</title><xi:include href="file://{secret}" parse="text"/>'
            f'<xi:include href="{remote}/inc" parse="text"/></item></channel></rss>'
        ).encode(),
    ]


def test_fast_parser_reads_no_file_and_no_network(
    tmp_path: Path, listener: tuple[int, list[bytes]]
) -> None:
    """XXE to a file and to a loopback port, external DTDs, parameter entities: nothing is read."""
    port, received = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("MARKER-7f3a", encoding="utf-8")
    for document in _hostile_documents(port, secret):
        try:
            raw = parse_fast(document)
        except Unsure:
            pass
        else:
            assert "MARKER-7f3a" not in repr(raw)
        dumped = parse_feed(document).model_dump_json()
        assert "MARKER-7f3a" not in dumped
    assert received == []


def test_huge_text_node_is_refused_by_the_fast_parser() -> None:
    """A text node over libxml2's safe limit is refused (huge_tree is off)."""
    document = (
        b"<rss version='2.0'><channel><title>" + b"a" * 11_000_000 + b"</title></channel></rss>"
    )
    with pytest.raises(Unsure):
        parse_fast(document)


def test_huge_attribute_is_refused_by_the_fast_parser() -> None:
    """An attribute value over libxml2's safe limit is refused by the fast parser."""
    document = (
        b"<rss version='2.0'><channel><title>t</title><item><enclosure url='"
        + b"a" * 11_000_000
        + b"'/></item></channel></rss>"
    )
    with pytest.raises(Unsure):
        parse_fast(document)


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    """Thousands of nested elements make the fast path defer, not crash."""
    depth = 5000
    document = (
        b"<rss version='2.0'><channel><title>t</title><item>"
        + b"<x>" * depth
        + b"</x>" * depth
        + b"</item></channel></rss>"
    )
    with pytest.raises(Unsure):
        parse_fast(document)


@pytest.mark.parametrize("case", all_cases(), ids=lambda case: case[0])
def test_no_script_handler_or_javascript_url_survives(
    case: tuple[str, bytes, str | None, dict[str, str]],
) -> None:
    """On either path, no script, event handler or javascript: URL of a corpus feed is kept."""
    _, data, url, headers = case
    try:
        feed = parse_feed(data, url=url, headers=headers)
    except ParseError:
        return  # not a feed at all: nothing to check (test_parse_differential covers the error)
    for article in feed.articles:
        for value in (article.title, article.summary, article.text, *article.authors):
            assert "alert(" not in value
            assert "steal()" not in value
            assert "evil()" not in value
            assert "onclick" not in value
            assert "<script" not in value
            assert "color:red" not in value
        for link in (article.url, article.image, article.source.url):
            assert link is None or link.startswith(("http://", "https://"))


# ---------------------------------------------------------------- many feeds at once


def test_parse_feeds_keeps_order_and_reports_bad_feeds(monkeypatch: pytest.MonkeyPatch) -> None:
    """parse_feeds gives one result per input, in order, through the pool, errors in place."""
    from pressmon import ParsedFeed, parse_feeds
    from pressmon._parse import _pool

    monkeypatch.setattr(_pool, "_MIN_BYTES_FOR_POOL", 0)  # use real worker processes
    good = (test_parse.FEEDS / "rss20_fr.xml").read_bytes()
    atom = (test_parse.FEEDS / "atom10_en.atom").read_bytes()
    inputs = [("https://a.test/1", good), ("https://a.test/2", b"not a feed"), (None, atom)]
    pooled = parse_feeds(inputs, workers=2)
    serial = parse_feeds(inputs, workers=1)
    assert [type(result).__name__ for result in pooled] == [
        "ParsedFeed",
        "ParseError",
        "ParsedFeed",
    ]
    first, _, third = pooled
    assert isinstance(first, ParsedFeed) and isinstance(third, ParsedFeed)
    assert first.articles[0].title == parse_feed(good, url="https://a.test/1").articles[0].title
    assert third.title == parse_feed(atom).title
    assert [getattr(result, "articles", None) is not None for result in serial] == [
        True,
        False,
        True,
    ]


# ---------------------------------------------------------------- quick paths, same answers

_LINKS = st.tuples(
    st.sampled_from(["http", "https", "HTTP", "ftp", ""]),
    st.sampled_from(["://", ":", ":///", "//"]),
    st.sampled_from(["", "u@", "[::1]", "[bad"]),
    st.sampled_from(["ex.com", "EX.com", "", "a b", "é.com", "ex.com:", "ex.com:80", "ex.com:x"]),
    st.sampled_from(["", "/", "/a/b", "//x", "/a;b", "/a/b;", "/é", "/a b", "/a\tb", "/\x01", "a"]),
    st.sampled_from(["", "?", "?a=1", "?a#", "?;"]),
    st.sampled_from(["", "#", "#f", "#f?x", "#a#b", "# "]),
).map("".join)
_BASES = st.sampled_from(
    ["", "http://feed.test/a/b", "https://x.test", "http://[bad/", "ftp://x/", "feed.test/x"]
)


def _reference_join(base: str, uri: str) -> str | None:
    if _SCHEME_SLASHES.match(uri):
        return None
    try:
        return urljoin(base, uri)
    except ValueError:
        return None


@settings(max_examples=400, deadline=None)
@given(
    uri=st.one_of(_LINKS, st.text(max_size=30).map(lambda text: "https://a.test/" + text)),
    base=_BASES,
)
def test_links_returned_as_they_are_are_what_urljoin_returns(uri: str, base: str) -> None:
    """The fast path hands back a plain absolute link without urljoin only when urljoin
    would return it unchanged; every other link gets urljoin's answer (or Unsure)."""
    try:
        joined: str | None = _urljoin(base, uri)
    except Unsure:
        joined = None
    assert joined == _reference_join(base, uri)


_C1 = re.compile("[\x80-\x9f]")
_MOJIBAKE_CANDIDATE = re.compile("[\xc2-\xf4][\x80-\xbf]")


@settings(max_examples=500, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("aé\x80\x9f\xa0\xbf\xc2\xc3\xe0\xe2\xf0\xf4\u2019«»x \ud800"),
        max_size=20,
    )
)
def test_text_repairs_are_feedparsers(value: str) -> None:
    """Mojibake and C1 characters are repaired exactly when and as feedparser's tests
    (a lead byte followed by a continuation byte; a C1 character) would repair them."""
    expected = value
    if not value.isascii():
        if _MOJIBAKE_CANDIDATE.search(value):
            with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
                expected = value.encode("iso-8859-1").decode("utf-8")
        if _C1.search(expected):
            expected = expected.translate(_C1_TO_CP1252)
    assert _fix_text(value) == expected


def test_dates_read_on_the_fast_path_are_what_normalizing_would_read() -> None:
    """The fast path hands its own reading of each date to normalization (which then does
    not parse the text again): it is exactly parse_date's reading of that text."""
    from pressmon._dates import parse_date

    shared = 0
    for _, data, url, headers in all_cases():
        try:
            raw = parse_raw(data, url=url, headers=headers)
        except ParseError:
            continue
        dates = [raw.updated] + [
            d for entry in raw.entries for d in (entry.published, entry.updated)
        ]
        for date in dates:
            if date is not None and date.read is not None:
                assert date.text is not None and date.parsed is None
                assert date.read == parse_date(date.text)
                shared += 1
    assert shared > 50

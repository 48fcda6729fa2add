"""What extract_article is given: bytes in any encoding, HTTP headers, hostile markup.

Encodings are found from the byte-order mark, the ``Content-Type`` header,
the page's own declaration, else UTF-8 or Windows-1252; and no input, however
broken, makes the extractor raise.
"""

from __future__ import annotations

import codecs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pressmon import extract_article
from pressmon._extract._encoding import content_type_charset, decode_page

ENGINES = ["bs4", "trafilatura"]
PARAGRAPH = (
    "<p>L’arrivée d’Alpine aux États-Unis coûtera plus de 100 millions d’euros, "
    "selon la direction, qui vise des ventes dès 2027 avec AutoNation.</p>"
)
EXPECTED = "L’arrivée d’Alpine aux États-Unis coûtera plus de 100 millions d’euros"


def _page(head: str = "") -> str:
    return f"<html><head>{head}<title>Alpine</title></head><body>{PARAGRAPH * 4}</body></html>"


@pytest.mark.parametrize(
    ("data", "headers"),
    [
        (_page().encode("cp1252"), None),
        (_page().encode("utf-8"), None),
        (_page('<meta charset="windows-1252">').encode("cp1252"), None),
        (_page('<meta charset="iso-8859-15">').replace("’", "'").encode("iso-8859-15"), None),
        (
            _page('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">').encode(),
            None,
        ),
        (_page().encode("cp1252"), {"Content-Type": "text/html; charset=windows-1252"}),
        (_page('<meta charset="utf-8">').encode("cp1252"), None),
        (_page('<meta charset="iso-8859-1">').encode("utf-8"), None),
        (codecs.BOM_UTF8 + _page('<meta charset="cp1252">').encode("utf-8"), None),
        (codecs.BOM_UTF16_LE + _page().encode("utf-16-le"), None),
        (_page().encode("utf-8"), {"content-type": "text/html; charset=no-such-codec"}),
    ],
    ids=[
        "cp1252-undeclared",
        "utf8-undeclared",
        "cp1252-declared",
        "latin9-declared",
        "utf8-http-equiv",
        "cp1252-header",
        "utf8-declared-but-cp1252",
        "latin1-declared-but-utf8",
        "bom-beats-declaration",
        "utf16-bom",
        "unknown-header-charset",
    ],
)
def test_page_bytes_are_decoded_right(data: bytes, headers: dict[str, str] | None) -> None:
    """Accents, typographic quotes and the euro sign survive every way a page declares (or not)."""
    text, _ = decode_page(data, headers)
    if "iso-8859-15" in text:
        assert "L'arrivée d'Alpine aux États-Unis" in text
    else:
        assert EXPECTED in text
    article = extract_article(data, headers=headers, engine="bs4")
    assert "Ã" not in article.text and "\ufffd" not in article.text


def test_header_charset_is_preferred_to_the_page_declaration() -> None:
    """The HTTP header is the more trusted declaration, as in browsers."""
    data = _page('<meta charset="utf-8">').encode("cp1252")
    text, encoding = decode_page(data, {"Content-Type": "text/html; charset=windows-1252"})
    assert encoding == "cp1252" and EXPECTED in text


def test_content_type_charset_reads_any_header_case() -> None:
    """Header names are case-insensitive; a missing charset gives None."""
    assert content_type_charset({"CONTENT-TYPE": 'text/html; Charset="UTF-8"'}) == "UTF-8"
    assert content_type_charset({"Content-Type": "text/html"}) is None
    assert content_type_charset(None) is None


def test_stray_bytes_in_utf8_do_not_turn_the_page_into_mojibake() -> None:
    """A UTF-8 page with one invalid byte keeps its accents; only the stray byte is lost."""
    data = _page().encode("utf-8").replace(b"2027", b"2027\xff")
    text, encoding = decode_page(data)
    assert encoding == "utf-8" and EXPECTED in text


FRAGMENTS = st.sampled_from(
    [
        "<html>", "</html>", "<head>", "<body>", "</body>", "<p>", "</p>", "<div class='content'>",
        "<div class='share'>", "</div>", "<article>", "<h1>", "</h1>", "<a href='/x'>", "</a>",
        "<script type='application/ld+json'>", "</script>", '{"@type": "NewsArticle",',
        '"datePublished": "2 mai 2023"', '"@graph": [', "]", "}", "<time datetime='x'>",
        "<meta charset='utf-16'>", "<meta property='og:type' content='website'>", "<br>",
        "<input type='password'>", "<pre>", "<table><tr><td>", "&amp;", "&#0;", "&#xD800;",
        "<!--", "-->", "<![CDATA[", "\x00", "\ufeff", "02/05/2023", "Publié le 31 février 2023",
        "Alpine arrive aux États-Unis avec AutoNation, dit la marque, qui vise 2027. ",
    ]
)  # fmt: skip
PAGES = st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=3000),
    st.lists(FRAGMENTS, max_size=60).map("".join),
    st.lists(FRAGMENTS, max_size=60).map(lambda parts: "".join(parts).encode("utf-8")),
)


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page=PAGES, url=st.one_of(st.none(), st.text(max_size=60)))
def test_any_input_gives_an_article_never_an_exception(
    engine: str, page: str | bytes, url: str | None
) -> None:
    """Arbitrary bytes or text, with any URL, give an Article with a status; nothing raises."""
    article = extract_article(page, url=url, engine=engine)  # type: ignore[arg-type]
    assert article.extraction is not None
    assert article.extraction.status in ("ok", "not_article", "failed")
    assert article.extraction.status == "ok" or article.extraction.message
    # "failed" is for pages with nothing in them, never for an engine that broke.
    assert "could not read" not in (article.extraction.message or "")
    assert "<script" not in article.text and "\x00" not in article.text


def test_content_language_header_is_used_when_the_page_declares_none() -> None:
    """A fetched page without lang attribute takes the Content-Language header's language."""
    page = "<html><body><article>" + PARAGRAPH.replace("’", "'") * 4 + "</article></body></html>"
    article = extract_article(page, headers={"Content-Language": "it"}, engine="bs4")
    assert article.language == "it"

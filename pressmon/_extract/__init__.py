"""Article pages -> [`Article`][pressmon.Article]: main text and metadata.

[`extract_article`][pressmon.extract_article] decodes the page (`._encoding`), parses it once
with lxml, reads the metadata every engine shares from that tree
(`._metadata`), looks at the page as a whole to tell whether it is an
article at all (`._verdict`), and asks an engine for the main text:
trafilatura (`._trafilatura`) when `pressmon[fulltext]` is installed,
else the built-in engine (`._bs4`).

The function takes the page's bytes or text, its URL and, when it was
fetched, the HTTP response headers, so full-text enrichment can hand it a
response as it came.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal, Protocol
from urllib.parse import urlsplit

from pressmon._extract._bs4 import Bs4Engine, MainText, polish
from pressmon._extract._encoding import decode_page
from pressmon._extract._metadata import PageMetadata, read_metadata
from pressmon._extract._verdict import PageSignals, judge, page_signals
from pressmon._lang import detect_language, normalize_language
from pressmon._text import clean_text, parse_html
from pressmon._urls import canonicalize_url
from pressmon.exceptions import ExtractionError
from pressmon.models import Article, Extraction, Source

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["ENGINES", "EngineName", "available_engines", "extract_article"]

EngineName = Literal["bs4", "trafilatura"]
ENGINES: tuple[EngineName, ...] = ("bs4", "trafilatura")
"""The engine names [`extract_article`][pressmon.extract_article] accepts."""


class _Engine(Protocol):
    name: str

    def extract(self, root: HtmlElement, *, url: str | None = None) -> MainText: ...


_engines: dict[str, _Engine] = {}


def available_engines() -> tuple[EngineName, ...]:
    """The engines this installation can run, the automatic choice first."""
    from pressmon._extract._trafilatura import trafilatura_available

    return ("trafilatura", "bs4") if trafilatura_available() else ("bs4",)


def _engine(name: str | None) -> _Engine:
    if name is None:
        name = available_engines()[0]
    cached = _engines.get(name)
    if cached is not None:
        return cached
    engine: _Engine
    if name == "bs4":
        engine = Bs4Engine()
    elif name == "trafilatura":
        from pressmon._extract._trafilatura import trafilatura_available

        if not trafilatura_available():
            raise ExtractionError(
                "the trafilatura engine is not installed: pip install 'pressmon[fulltext]', "
                "or use engine='bs4'"
            )
        from pressmon._extract._trafilatura import TrafilaturaEngine

        engine = TrafilaturaEngine()
    else:
        raise ValueError(f"unknown extraction engine {name!r}: use one of {', '.join(ENGINES)}")
    _engines[name] = engine
    return engine


def _site(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}/"


def extract_article(
    html: str | bytes,
    *,
    url: str | None = None,
    headers: Mapping[str, str] | None = None,
    engine: EngineName | None = None,
) -> Article:
    """Extract an article (main text and metadata) from an HTML page.

    Never raises on bad HTML: a page that is not an article (a home page, a
    login wall, a paywall teaser, an error page, too little text) comes back
    with `extraction.status == "not_article"` and a message saying why; its
    text is still the best guess at a main text. A page that cannot be parsed
    at all comes back with status `failed`.

    Args:
        html: the page, as text or bytes. Bytes are decoded by their byte-order
            mark, the `Content-Type` charset in `headers`, the charset the
            page declares, else as UTF-8 or Windows-1252.
        url: the page's URL: resolves relative links, gives a date when the
            path has one (`/2023/05/02/`), and is the fallback canonical URL.
        headers: the HTTP response headers, when the page was fetched.
        engine: `"bs4"` (built in), `"trafilatura"` (needs
            `pressmon[fulltext]`), or None for trafilatura when it is
            installed and bs4 otherwise.

    Returns:
        The article; `article.extraction` says what happened.

    Raises:
        ExtractionError: `engine="trafilatura"` was asked for but is not installed.
        ValueError: an unknown engine name.

    Examples:
        >>> page = "<html lang=fr><h1>Titre</h1><p>Un texte.</p></html>"
        >>> article = extract_article(page, url="https://example.org/a")
        >>> article.language, article.extraction.status
        ('fr', 'not_article')
    """
    chosen = _engine(engine)
    try:
        if isinstance(html, bytes):
            html, _ = decode_page(html, headers)
        root = parse_html(html)
        if root is None:
            return _failed(url, chosen.name, "the page is empty")
        metadata = read_metadata(root, url)
        signals = page_signals(root, url)
        text = chosen.extract(root, url=url).text
        return _article(metadata, signals, text, url, chosen.name, headers)
    except RecursionError:
        return _failed(url, chosen.name, "the page is nested too deeply to be read")
    except Exception as error:  # never raise on a page: report what happened
        return _failed(
            url,
            chosen.name,
            f"the {chosen.name} engine could not read the page: {type(error).__name__}: {error}",
        )


def _failed(url: str | None, engine: str, message: str) -> Article:
    canonical = canonicalize_url(url)
    return Article(
        url=canonical,
        source=Source(url=_site(canonical)),
        extraction=Extraction(status="failed", url=url, engine=engine, message=message),
    )


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value
    return None


def _article(
    metadata: PageMetadata,
    signals: PageSignals,
    text: str,
    url: str | None,
    engine: str,
    headers: Mapping[str, str] | None,
) -> Article:
    # In articleBody, a line break separates paragraphs.
    body = clean_text(metadata.json_ld_body.replace("\n", "\n\n"))
    if body and len(body) > 1.5 * len(text) and len(text) < 1500:
        # The page's own structured copy of the article is much longer than the
        # text found in the markup (a script-rendered page): trust the page.
        text = body
    text = polish(text, metadata.title)
    canonical = metadata.canonical_url or canonicalize_url(url)
    verdict = judge(metadata, signals, text)
    language = (
        metadata.language
        or normalize_language((_header(headers, "content-language") or "").split(",")[0])
        or detect_language(f"{metadata.title}\n{metadata.description}\n{text}")
    )
    return Article(
        url=canonical,
        title=metadata.title,
        summary=clean_text(metadata.description),
        text=text,
        authors=metadata.authors,
        published=metadata.published,
        published_precision=metadata.published_precision,
        updated=metadata.updated,
        language=language,
        source=Source(name=metadata.site_name, url=_site(canonical or url)),
        tags=metadata.tags,
        image=metadata.image,
        extraction=Extraction(
            status="ok" if verdict is None else "not_article",
            url=canonical or url,
            engine=engine,
            message=verdict,
        ),
    )

"""Article pages -> :class:`~pressmon.models.Article`: main text and metadata.

:func:`extract_article` reads the metadata every engine shares
(:mod:`._metadata`) and asks an engine for the main text. The default engine
is built on beautifulsoup4 (:mod:`._bs4`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pressmon._extract._bs4 import Bs4Engine
from pressmon._extract._metadata import read_metadata
from pressmon._lang import detect_language
from pressmon._text import clean_text, parse_html
from pressmon._urls import canonicalize_url
from pressmon.models import Article, Extraction, Source

__all__ = ["extract_article"]

# Below this many characters of main text a page is a teaser, a home page or a wall.
_MIN_ARTICLE_CHARS = 400


def _site(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def extract_article(html: str | bytes, *, url: str | None = None) -> Article:
    """Extract an article (main text and metadata) from an HTML page.

    Never raises on bad HTML: a page that yields no article text comes back
    with ``extraction.status == "not_article"``.

    Args:
        html: the page, as text or bytes (the encoding is read from the page).
        url: the page's URL, used to resolve relative links and as a fallback
            when the page declares no canonical URL.

    Returns:
        The article; ``extraction`` tells whether the page was an article.
    """
    engine = Bs4Engine()
    root = parse_html(html)
    metadata = read_metadata(root, url) if root is not None else None
    try:
        text = engine.main_text(html) if root is not None else ""
    except (ValueError, RecursionError):
        text = ""
    if metadata is not None and metadata.json_ld_body and len(metadata.json_ld_body) > len(text):
        text = clean_text(metadata.json_ld_body)
    canonical = (metadata.canonical_url if metadata else None) or canonicalize_url(url)
    title = metadata.title if metadata else ""
    description = clean_text(metadata.description) if metadata else ""
    if len(text) >= _MIN_ARTICLE_CHARS and not (metadata and metadata.is_article is False):
        status, message = "ok", None
    else:
        status = "not_article"
        message = (
            "the page says it is not an article"
            if metadata and metadata.is_article is False
            else f"only {len(text)} characters of main text"
        )
    language = (metadata.language if metadata else None) or detect_language(
        f"{title}\n{description}\n{text}"
    )
    return Article(
        url=canonical,
        title=title,
        summary=description,
        text=text,
        authors=metadata.authors if metadata else (),
        published=metadata.published if metadata else None,
        published_precision=metadata.published_precision if metadata else None,
        updated=metadata.updated if metadata else None,
        language=language,
        source=Source(name=metadata.site_name if metadata else None, url=_site(canonical or url)),
        image=metadata.image if metadata else None,
        extraction=Extraction(
            status=status, url=canonical or url, engine=engine.name, message=message
        ),
    )

"""Article metadata from a page's head: JSON-LD, Open Graph, meta tags, ``<time>``.

Shared by every extraction engine so that all of them report the same title,
dates, authors, canonical URL, language, image and site name for a page.
Works on an lxml tree (fast) and never raises on odd markup.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pressmon._dates import parse_date
from pressmon._lang import normalize_language
from pressmon._urls import canonicalize_url
from pressmon.models import DatePrecision

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["PageMetadata", "read_metadata"]

_ARTICLE_TYPES = frozenset(
    {"article", "newsarticle", "reportage", "analysisnewsarticle", "blogposting",
     "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "report",
     "scholarlyarticle", "techarticle", "liveblogposting", "posting", "socialmediaposting"}
)  # fmt: skip
_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datepublished",
    "publication_date", "publish_date", "pubdate", "date", "dc.date", "dc.date.issued",
    "dcterms.date", "dcterms.created", "sailthru.date", "parsely-pub-date",
)  # fmt: skip
_UPDATED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "last-modified",
)
_AUTHOR_META = (
    "author",
    "article:author",
    "dc.creator",
    "parsely-author",
    "sailthru.author",
    "byl",
)


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What a page says about itself."""

    title: str = ""
    description: str = ""
    published: datetime | None = None
    published_precision: DatePrecision | None = None
    updated: datetime | None = None
    authors: tuple[str, ...] = ()
    canonical_url: str | None = None
    language: str | None = None
    image: str | None = None
    site_name: str | None = None
    is_article: bool | None = None  # None: the page does not say
    json_ld_body: str = ""
    tags: tuple[str, ...] = ()
    accessible_for_free: bool | None = None  # None: the page does not say


def _meta(root: HtmlElement) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for element in root.iter("meta"):
        name = element.get("property") or element.get("name") or element.get("itemprop") or ""
        content = element.get("content")
        if name and content and content.strip():
            values.setdefault(name.strip().lower(), []).append(content.strip())
    return values


def _walk_json_ld(node: Any) -> Iterator[dict[str, Any]]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if graph is not None:
                stack.append(graph)


def _types(item: dict[str, Any]) -> set[str]:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(value).lower() for value in kinds if value}


def _json_ld_articles(root: HtmlElement) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in root.iter("script"):
        if (script.get("type") or "").lower().strip() != "application/ld+json" or not script.text:
            continue
        try:
            document = json.loads(script.text)
        except (ValueError, RecursionError):
            continue
        found.extend(item for item in _walk_json_ld(document) if _types(item) & _ARTICLE_TYPES)
    return found


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def _image_url(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        url = value.get("url") or value.get("contentUrl")
        return url if isinstance(url, str) else None
    if isinstance(value, list) and value:
        return _image_url(value[0])
    return None


def _first(values: dict[str, list[str]], names: tuple[str, ...]) -> str | None:
    for name in names:
        if name in values:
            return values[name][0]
    return None


def read_metadata(root: HtmlElement, url: str | None = None) -> PageMetadata:
    """Read a page's metadata from its lxml tree."""
    meta = _meta(root)
    articles = _json_ld_articles(root)
    ld: dict[str, Any] = articles[0] if articles else {}

    title = ""
    for candidate in (ld.get("headline"), _first(meta, ("og:title", "twitter:title"))):
        if isinstance(candidate, str) and candidate.strip():
            title = candidate
            break
    if not title:
        heading = next(root.iter("h1"), None)
        title_element = next(root.iter("title"), None)
        for element in (heading, title_element):
            if element is not None and element.text_content().strip():
                title = element.text_content()
                break

    published_text = ld.get("datePublished") if isinstance(ld.get("datePublished"), str) else None
    published_text = published_text or _first(meta, _PUBLISHED_META)
    if not published_text:
        time_element = next((t for t in root.iter("time") if t.get("datetime")), None)
        published_text = time_element.get("datetime") if time_element is not None else None
    published = parse_date(published_text) if published_text else None

    updated_text = ld.get("dateModified") if isinstance(ld.get("dateModified"), str) else None
    updated = parse_date(updated_text or _first(meta, _UPDATED_META))

    authors = _names(ld.get("author"))
    if not authors:
        authors = [
            value
            for name in _AUTHOR_META
            for value in meta.get(name, [])
            if not value.startswith("http")
        ]

    canonical = None
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            canonical = canonicalize_url(link.get("href"), url)
            break
    canonical = canonical or canonicalize_url(_first(meta, ("og:url",)), url)

    html_element = root if root.tag == "html" else next(root.iter("html"), None)
    language = normalize_language(html_element.get("lang") if html_element is not None else None)
    language = language or normalize_language(
        _first(meta, ("og:locale", "content-language", "language", "dc.language"))
    )
    if language is None and isinstance(ld.get("inLanguage"), str):
        language = normalize_language(ld["inLanguage"])

    image = _image_url(ld.get("image")) or _first(meta, ("og:image", "twitter:image"))
    publisher = ld.get("publisher")
    site_name = _first(meta, ("og:site_name", "application-name")) or (
        next(iter(_names(publisher)), None)
    )
    og_type = _first(meta, ("og:type",))
    is_article: bool | None = None
    if articles or (og_type and og_type.lower() == "article"):
        is_article = True
    elif og_type and og_type.lower() == "website":
        is_article = False
    body = ld.get("articleBody")
    return PageMetadata(
        title=" ".join(title.split()),
        description=_first(meta, ("description", "og:description", "twitter:description")) or "",
        published=published[0] if published else None,
        published_precision=published[1] if published else None,
        updated=updated[0] if updated else None,
        authors=tuple(" ".join(a.split()) for a in authors if a.strip()),
        canonical_url=canonical,
        language=language,
        image=canonicalize_url(image, url) if image else None,
        site_name=site_name,
        is_article=is_article,
        json_ld_body=body if isinstance(body, str) else "",
    )

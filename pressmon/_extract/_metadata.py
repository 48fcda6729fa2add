"""Article metadata from a page: JSON-LD, Open Graph, meta tags, `<time>`, the text, the URL.

Shared by every extraction engine so that all of them report the same title,
dates, authors, canonical URL, language, image, site name and tags for a page.
Works on the page's lxml tree, before any engine modifies it, and never
raises on odd markup or broken JSON.

Where each field comes from, most trusted first:

=============  ===================================================================
title          JSON-LD `headline`, `og:title` / `twitter:title`, `<h1>`, `<title>`
published      JSON-LD `datePublished`; `article:published_time` and the other
               date meta tags; an element marked `itemprop=datePublished`; the
               URL's date (`/2023/05/02/`), or a `<time datetime>` on the
               same day; a `<time>` element; a date written in a date-like
               element or after "Publié le", "Veröffentlicht am", ... in the text
updated        JSON-LD `dateModified`, `article:modified_time`, ...; "Mis à jour le"
authors        JSON-LD `author`, `author` meta tags, `rel=author`, `itemprop=author`
canonical URL  `<link rel=canonical>`, `og:url`
language       `<html lang>`, `og:locale` / `content-language` meta, JSON-LD
               `inLanguage` (detection from the text is the caller's last resort)
image          JSON-LD `image`, `og:image`, `twitter:image`
site name      `og:site_name`, JSON-LD `publisher`, `application-name`
=============  ===================================================================

A date that cannot be trusted (ambiguous like `03/04/2023` on an English
page, impossible, out of range) is left empty rather than guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pressmon._dates import ParsedDate, date_from_url, find_text_date, parse_date
from pressmon._lang import normalize_language
from pressmon._text import clean_text, plain_text
from pressmon._urls import canonicalize_url
from pressmon.models import DatePrecision

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["PageMetadata", "read_metadata"]

_ARTICLE_TYPES = frozenset(
    {"article", "newsarticle", "reportage", "analysisnewsarticle", "blogposting",
     "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "report",
     "scholarlyarticle", "techarticle", "liveblogposting", "posting", "socialmediaposting",
     "askpublicnewsarticle", "factcheck", "satiricalarticle", "medicalscholarlyarticle",
     "discussionforumposting", "review"}
)  # fmt: skip
_NOT_ARTICLE_TYPES = frozenset(
    {"website", "collectionpage", "itemlist", "searchresultspage", "profilepage"}
)
_PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datepublished",
    "article.published", "publication_date", "publish_date", "publish-date", "pubdate",
    "date", "dc.date", "dc.date.issued", "dc.date.created", "dcterms.date", "dcterms.issued",
    "dcterms.created", "sailthru.date", "parsely-pub-date", "article_date_original",
    "original-publish-date", "cxenseparse:recs:publishtime",
)  # fmt: skip
_UPDATED_META = (
    "article:modified_time", "og:updated_time", "datemodified", "article.updated",
    "dcterms.modified", "dc.date.modified", "last-modified", "lastmod",
)  # fmt: skip
_AUTHOR_META = (
    "author", "article:author", "dc.creator", "parsely-author", "sailthru.author", "byl",
)  # fmt: skip
_LANGUAGE_META = ("og:locale", "content-language", "language", "dc.language", "lang")
# Elements whose text is likely to hold the article's date (matched on class, id, itemprop).
_DATE_HOLDER = re.compile(
    r"date|time|fecha|datum|data|publi|posted|byline|dateline|article-?info|meta",
    re.IGNORECASE,
)
_PUBLISHED_CUE = re.compile(
    r"(?:published|posted|publié|publiée|mis en ligne|paru|veröffentlicht|erschienen|"
    r"publicado|publicada|pubblicato|pubblicata)(?:\s+(?:on|le|am|el|il|em|el día))?\s*:?\s*",
    re.IGNORECASE,
)
_UPDATED_CUE = re.compile(
    r"(?:updated|last updated|modified|mis à jour|modifié|actualisé|aktualisiert|geändert|"
    r"actualizado|actualizada|aggiornato|aggiornata|atualizado)"
    r"(?:\s+(?:on|le|am|el|il|em))?\s*:?\s*",
    re.IGNORECASE,
)
_VISIBLE_TEXT = ".//text()[not(ancestor::script) and not(ancestor::style)]"
_MAX_DATE_HOLDER_CHARS = 200
_MAX_TEXT_FOR_CUES = 30_000
_MAX_JSON_LD_NODES = 2000
_CDATA = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")
_HANDLE = re.compile(r"^(?:https?://|www\.|@)", re.IGNORECASE)


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
        name = (
            element.get("property")
            or element.get("name")
            or element.get("itemprop")
            or element.get("http-equiv")
            or ""
        )
        content = element.get("content")
        if name and content and content.strip():
            values.setdefault(name.strip().lower(), []).append(content.strip())
    return values


def _walk_json_ld(node: Any) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD document: top level, lists, `@graph`, nested values."""
    stack = [node]
    seen = 0
    while stack and seen < _MAX_JSON_LD_NODES:
        item = stack.pop()
        seen += 1
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            yield item
            for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
                child = item.get(key)
                if isinstance(child, (dict, list)):
                    stack.append(child)


def _types(item: dict[str, Any]) -> set[str]:
    kind = item.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    # "NewsArticle", "schema:NewsArticle", "https://schema.org/NewsArticle"
    return {re.split(r"[/:#]", str(value))[-1].lower() for value in kinds if value}


def _json_ld(root: HtmlElement) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in root.iter("script"):
        if (script.get("type") or "").lower().strip() != "application/ld+json":
            continue
        source = script.text
        if not source or not source.strip():
            continue
        source = _CDATA.sub("", source.strip())
        try:
            document = json.loads(source, strict=False)  # raw newlines in strings are common
        except (ValueError, RecursionError):
            continue
        found.extend(_walk_json_ld(document))
    return found


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            return [name]
        return _names(name) if isinstance(name, list) else []
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


def _string(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    return value if isinstance(value, str) and value.strip() else None


def _date(value: str | None, language: str | None) -> ParsedDate | None:
    return parse_date(value, language=language) if value else None


def _first_date(values: list[str | None], language: str | None) -> ParsedDate | None:
    for value in values:
        parsed = _date(value, language)
        if parsed is not None:
            return parsed
    return None


def _itemprop_date(root: HtmlElement, prop: str, language: str | None) -> ParsedDate | None:
    for element in root.xpath(f"//*[@itemprop='{prop}']"):
        value = element.get("datetime") or element.get("content") or element.text_content()
        parsed = _date(value.strip()[:_MAX_DATE_HOLDER_CHARS], language) if value else None
        if parsed is not None:
            return parsed
    return None


def _time_elements(root: HtmlElement, language: str | None) -> list[ParsedDate]:
    dates = []
    for element in root.iter("time"):
        value = element.get("datetime")
        parsed = _date(value, language) if value else None
        if parsed is None:
            text = element.text_content().strip()
            parsed = find_text_date(text, language=language) if text else None
        if parsed is not None:
            dates.append(parsed)
        if len(dates) >= 5:
            break
    return dates


def _text_dates(root: HtmlElement, language: str | None) -> tuple[ParsedDate | None, ...]:
    """(published, updated) dates written in the page's text, or None for each."""
    published: ParsedDate | None = None
    updated: ParsedDate | None = None
    # A cue phrase anywhere in the visible text: "Publié le 2 mai 2023".
    body = root.find("body")
    texts = [] if body is None else body.xpath(_VISIBLE_TEXT)
    visible = " ".join(str(text) for text in texts if str(text).strip())[:_MAX_TEXT_FOR_CUES]
    visible = " ".join(visible.split())
    for match in _PUBLISHED_CUE.finditer(visible):
        published = find_text_date(visible[match.end() : match.end() + 60], language=language)
        if published is not None:
            break
    for match in _UPDATED_CUE.finditer(visible):
        updated = find_text_date(visible[match.end() : match.end() + 60], language=language)
        if updated is not None:
            break
    if published is None:
        # A short element whose class or id says it holds a date or a byline.
        for element in root.iter("div", "span", "p", "small", "li", "header", "address"):
            marker = f"{element.get('class') or ''} {element.get('id') or ''}"
            if not _DATE_HOLDER.search(marker):
                continue
            text = " ".join(element.text_content().split())
            if not text or len(text) > _MAX_DATE_HOLDER_CHARS:
                continue
            if _UPDATED_CUE.match(text):
                continue
            published = find_text_date(text, language=language)
            if published is not None:
                break
    return published, updated


def _published(
    root: HtmlElement,
    ld: dict[str, Any],
    meta: dict[str, list[str]],
    url: str | None,
    language: str | None,
) -> tuple[ParsedDate | None, ParsedDate | None]:
    published = _first_date(
        [_string(ld.get("datePublished")), _string(ld.get("dateCreated"))], language
    )
    published = published or _first_date(
        [value for name in _PUBLISHED_META for value in meta.get(name, [])], language
    )
    published = published or _itemprop_date(root, "datePublished", language)
    updated = _first_date([_string(ld.get("dateModified"))], language) or _first_date(
        [value for name in _UPDATED_META for value in meta.get(name, [])], language
    )
    updated = updated or _itemprop_date(root, "dateModified", language)
    if published is not None and updated is not None:
        return published, updated
    text_published, text_updated = (None, None)
    if published is None:
        from_url = date_from_url(url)
        times = _time_elements(root, language)
        if from_url is not None:
            # The URL's date is reliable; a <time> of the same day adds the hour.
            same_day = [
                parsed
                for parsed in times
                if parsed[0].date() == from_url[0].date()
                or (
                    from_url[1] == "month"
                    and (parsed[0].year, parsed[0].month) == (from_url[0].year, from_url[0].month)
                )
            ]
            published = same_day[0] if same_day else from_url
        elif times:
            published = times[0]
    if published is None or updated is None:
        text_published, text_updated = _text_dates(root, language)
    return published or text_published, updated or text_updated


def _authors(root: HtmlElement, ld: dict[str, Any], meta: dict[str, list[str]]) -> list[str]:
    authors = _names(ld.get("author")) or _names(ld.get("creator"))
    if not authors:
        authors = [value for name in _AUTHOR_META for value in meta.get(name, [])]
    if not authors:
        for element in root.xpath("//*[@rel='author' or @itemprop='author']"):
            name_element = element.find(".//*[@itemprop='name']")
            source = name_element if name_element is not None else element
            text = source.get("content") or source.text_content()
            if text and len(text.strip()) <= 80:
                authors.append(text)
    seen: set[str] = set()
    unique = []
    for author in authors:
        name = " ".join(author.split())
        name = re.sub(r"^(?:by|par|von|por|di|de)\s+", "", name, flags=re.IGNORECASE)
        if not name or _HANDLE.match(name) or len(name) > 100 or name.lower() in seen:
            continue
        seen.add(name.lower())
        unique.append(name)
    return unique


def _tags(ld: dict[str, Any], meta: dict[str, list[str]]) -> tuple[str, ...]:
    values: list[str] = list(meta.get("article:tag", []))
    keywords = ld.get("keywords")
    if isinstance(keywords, list):
        values.extend(str(keyword) for keyword in keywords if isinstance(keyword, str))
    elif isinstance(keywords, str):
        values.extend(keywords.split(","))
    if not values and "keywords" in meta:
        values.extend(meta["keywords"][0].split(","))
    seen: set[str] = set()
    tags = []
    for value in values:
        tag = " ".join(value.split())
        if tag and tag.lower() not in seen and len(tag) <= 100:
            seen.add(tag.lower())
            tags.append(tag)
    return tuple(tags[:50])


def _accessible(ld: dict[str, Any]) -> bool | None:
    value = ld.get("isAccessibleForFree")
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("false", "true"):
        return value.strip().lower() == "true"
    return None


def read_metadata(root: HtmlElement, url: str | None = None) -> PageMetadata:
    """Read a page's metadata from its lxml tree (the tree is not modified)."""
    meta = _meta(root)
    items = _json_ld(root)
    articles = [item for item in items if _types(item) & _ARTICLE_TYPES]
    # The article object with the most to say: some pages carry a stub and a full one.
    ld: dict[str, Any] = max(articles, key=len) if articles else {}

    title = ""
    for candidate in (_string(ld.get("headline")), _first(meta, ("og:title", "twitter:title"))):
        if candidate:
            title = candidate
            break
    if not title:
        for element in (next(root.iter("h1"), None), next(root.iter("title"), None)):
            if element is not None and element.text_content().strip():
                title = element.text_content()
                break

    html_element = root if root.tag == "html" else next(root.iter("html"), None)
    language = normalize_language(html_element.get("lang") if html_element is not None else None)
    language = language or normalize_language(_first(meta, _LANGUAGE_META))
    language = language or normalize_language(_string(ld.get("inLanguage")))

    published, updated = _published(root, ld, meta, url, language)

    canonical = None
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            canonical = canonicalize_url(link.get("href"), url)
            if canonical:
                break
    canonical = canonical or canonicalize_url(_first(meta, ("og:url",)), url)

    image = _image_url(ld.get("image")) or _first(
        meta, ("og:image", "og:image:url", "og:image:secure_url", "twitter:image")
    )
    site_name = _first(meta, ("og:site_name",)) or next(iter(_names(ld.get("publisher"))), None)
    site_name = site_name or _first(meta, ("application-name",))
    og_type = (_first(meta, ("og:type",)) or "").lower()
    is_article: bool | None = None
    if articles or og_type == "article":
        is_article = True
    elif og_type == "website" or any(_types(item) & _NOT_ARTICLE_TYPES for item in items):
        is_article = False
    body = ld.get("articleBody")
    description = _first(meta, ("description", "og:description", "twitter:description"))
    return PageMetadata(
        title=clean_text(plain_text(title)).replace("\n", " "),
        description=plain_text(description or _string(ld.get("description")) or ""),
        published=published[0] if published else None,
        published_precision=published[1] if published else None,
        updated=updated[0] if updated else None,
        authors=tuple(_authors(root, ld, meta)),
        canonical_url=canonical,
        language=language,
        image=canonicalize_url(image, url) if image else None,
        site_name=" ".join(site_name.split()) if site_name else None,
        is_article=is_article,
        json_ld_body=plain_text(body) if isinstance(body, str) else "",
        tags=_tags(ld, meta),
        accessible_for_free=_accessible(ld),
    )

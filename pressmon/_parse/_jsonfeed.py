"""JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pressmon._parse._raw import RawDate, RawEntry, RawFeed, RawText
from pressmon.exceptions import ParseError

__all__ = ["parse_json_feed"]

_VERSION_PREFIX = "https://jsonfeed.org/version/"


def _string(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # ids are strings by the spec; some feeds write numbers
    return None


def _authors(item: Mapping[str, Any]) -> tuple[str, ...]:
    authors = item.get("authors")
    if not isinstance(authors, list):
        single = item.get("author")  # JSON Feed 1.0
        authors = [single] if single else []
    names = (_string(author.get("name")) for author in authors if isinstance(author, Mapping))
    return tuple(name for name in names if name)


def _item(item: Mapping[str, Any], feed_language: str | None) -> RawEntry:
    content: list[RawText] = []
    language = _string(item.get("language")) or feed_language
    if html := _string(item.get("content_html")):
        content.append(RawText(html, is_html=True, language=language))
    if text := _string(item.get("content_text")):
        content.append(RawText(text, is_html=False, language=language))
    title = _string(item.get("title"))
    summary = _string(item.get("summary"))
    published = _string(item.get("date_published"))
    updated = _string(item.get("date_modified"))
    tags = item.get("tags")
    return RawEntry(
        guid=_string(item.get("id")),
        link=_string(item.get("url")) or _string(item.get("external_url")),
        title=RawText(title) if title else None,
        summary=RawText(summary) if summary else None,
        content=tuple(content),
        authors=_authors(item),
        published=RawDate(text=published) if published else None,
        updated=RawDate(text=updated) if updated else None,
        tags=tuple(tag for tag in tags if isinstance(tag, str)) if isinstance(tags, list) else (),
        language=_string(item.get("language")),
        image=_string(item.get("image")) or _string(item.get("banner_image")),
    )


def parse_json_feed(data: bytes, *, source: str = "feed") -> RawFeed:
    """Parse a JSON Feed document.

    Raises:
        ParseError: when the bytes are not JSON, or not a JSON Feed.
    """
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise ParseError(
            source, f"JSON Feed is not UTF-8: {error.reason} at byte {error.start}"
        ) from None
    except json.JSONDecodeError as error:
        raise ParseError(
            source, f"invalid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise ParseError(source, "invalid JSON: nested too deeply") from None
    if not isinstance(document, dict):
        raise ParseError(source, "not a JSON Feed: the document is not a JSON object")
    version = document.get("version")
    if not isinstance(version, str) or not version.startswith(_VERSION_PREFIX):
        raise ParseError(
            source,
            f"not a JSON Feed: 'version' must start with {_VERSION_PREFIX} (got {version!r})",
        )
    items = document.get("items")
    if not isinstance(items, list):
        raise ParseError(source, "not a JSON Feed: 'items' must be a list")
    feed_language = _string(document.get("language"))
    warnings = []
    entries = []
    for position, item in enumerate(items):
        if isinstance(item, Mapping):
            entries.append(_item(item, feed_language))
        else:
            warnings.append(f"item {position} is not a JSON object; skipped")
    title = _string(document.get("title"))
    description = _string(document.get("description"))
    number = version.removeprefix(_VERSION_PREFIX).replace(".", "")
    return RawFeed(
        version=f"json{number}",
        title=RawText(title) if title else None,
        link=_string(document.get("home_page_url")),
        self_url=_string(document.get("feed_url")),
        subtitle=RawText(description) if description else None,
        language=feed_language,
        entries=tuple(entries),
        warnings=tuple(warnings),
    )

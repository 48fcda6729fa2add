"""Local sources: files, directories and standard input -> articles.

One reader per kind of document, chosen by file extension and, when the
extension says nothing, by the first bytes:

========================  ==================================================
`.txt`                  an article as plain text (the seed's format below)
`.html` `.htm`        an article page (main text and metadata)
`.xml` `.rss`         a feed: RSS 0.9x/1.0/2.0, Atom (through feedparser)
`.atom` `.rdf`
`.json`                 a JSON Feed 1.0/1.1, or Article records
`.jsonl`                one Article record per line (`pressmon scan --format jsonl`)
========================  ==================================================

The text format: an optional header ` date 2023-05` at the very start
(any ISO 8601 date, complete or partial), then the text; paragraphs are
separated by blank lines; a short first paragraph without final punctuation
is the title.
"""

from __future__ import annotations

import codecs
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from pressmon._dates import parse_date
from pressmon._lang import detect_language
from pressmon._parse._sniff import DocumentKind, looks_binary, sniff
from pressmon._text import clean_text
from pressmon.exceptions import ParseError, SourceError
from pressmon.models import Article, Source

__all__ = ["SUFFIXES", "LoadedSource", "decode_text", "iter_path", "read_bytes", "read_path"]

_TEXT_SUFFIXES = frozenset({".txt", ".text"})
_HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
_FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom", ".rdf"})
_JSON_SUFFIXES = frozenset({".json"})
_JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
SUFFIXES = _TEXT_SUFFIXES | _HTML_SUFFIXES | _FEED_SUFFIXES | _JSON_SUFFIXES | _JSONL_SUFFIXES
"""The file extensions a directory scan reads."""

# A file larger than this is not an article or a feed: refuse it rather than
# hold it in memory (the fetcher bounds HTTP bodies the same way).
MAX_FILE_BYTES = 64 * 1024 * 1024

_DATE_HEADER = re.compile(
    r"\A[ \t]*date[ \t]*:?[ \t]+"
    r"(?P<date>\d{4}(?:-\d{2}(?:-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?)?)?)(?=\s|\Z)[ \t]*\n?",
    re.IGNORECASE,
)
_TITLE_MAX_CHARS = 200
_SENTENCE_END = (".", "!", "?", "…", ":", ";", "»", '"', "”")


@dataclass
class LoadedSource:
    """What reading one file (or standard input) gave."""

    name: str
    articles: list[Article] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: SourceError | None = None


def decode_text(data: bytes, source: str) -> str:
    """Decode the bytes of a text file: BOM, else UTF-8, else Windows-1252, else Latin-1.

    Windows-1252 comes before Latin-1 because French texts written on Windows
    use its typographic quotes and the euro sign, which Latin-1 lacks.
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise SourceError(source, f"invalid {encoding} text: {error.reason}") from None
    if looks_binary(data):
        raise SourceError(source, "binary data, not text, HTML, a feed or JSON")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _text_article(data: bytes, name: str) -> Article:
    text = decode_text(data, name)
    published = precision = None
    header = _DATE_HEADER.match(text)
    if header is not None:
        parsed = parse_date(header.group("date"))
        if parsed is not None:
            published, precision = parsed
        text = text[header.end() :]
    body = clean_text(text)
    if not body:
        raise SourceError(name, "no text after the header" if header else "empty file")
    title = ""
    first, _, rest = body.partition("\n\n")
    if (
        rest
        and "\n" not in first
        and len(first) <= _TITLE_MAX_CHARS
        and not first.endswith(_SENTENCE_END)
    ):
        title, body = first, rest
    return Article(
        title=title,
        text=body,
        published=published,
        published_precision=precision,
        language=detect_language(f"{title}\n{body}"),
        source=Source(name=_display_name(name)),
    )


def _display_name(name: str) -> str | None:
    """A local document's source name: its file name (never a full path); None for stdin."""
    return None if name == "-" else Path(name).name


def _html_article(data: bytes, name: str) -> Article:
    from pressmon._extract import extract_article

    article = extract_article(data)
    if article.source.name is None and _display_name(name):
        # Rebuilt rather than copied so the id is derived again from the new source.
        record = article.model_dump(exclude={"id"})
        record["source"] = {**record["source"], "name": _display_name(name)}
        article = Article.model_validate(record)
    return article


def _feed_articles(data: bytes, name: str, loaded: LoadedSource) -> None:
    from pressmon._parse import parse_feed

    try:
        feed = parse_feed(data)
    except ParseError as error:
        raise SourceError(name, error.reason) from None
    loaded.articles.extend(feed.articles)
    loaded.warnings.extend(feed.warnings)


def _article_record(record: object, where: str) -> Article:
    if not isinstance(record, dict):
        raise ValueError(f"{where}: expected a JSON object with Article fields")
    record = {key: value for key, value in record.items() if key != "flags"}
    try:
        return Article.model_validate(record)
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(str(part) for part in first["loc"]) or "(record)"
        raise ValueError(f"{where}: field {location}: {first['msg']}") from None


def _jsonl_articles(data: bytes, name: str, loaded: LoadedSource) -> None:
    text = decode_text(data, name)
    errors = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            loaded.articles.append(_article_record(json.loads(line), f"line {number}"))
        except json.JSONDecodeError as error:
            errors.append(f"line {number}: invalid JSON: {error.msg}")
        except (ValueError, RecursionError) as error:
            errors.append(str(error) or f"line {number}: nested too deeply")
    if errors and not loaded.articles:
        raise SourceError(name, f"no valid Article record; {errors[0]}")
    loaded.warnings.extend(f"skipped {message}" for message in errors)


def _json_articles(data: bytes, name: str, loaded: LoadedSource) -> None:
    text = decode_text(data, name)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data":  # several documents: JSON Lines without the extension
            _jsonl_articles(data, name, loaded)
            return
        raise SourceError(
            name, f"invalid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise SourceError(name, "invalid JSON: nested too deeply") from None
    if isinstance(document, dict) and "version" in document and "items" in document:
        _feed_articles(data, name, loaded)
        return
    records = document if isinstance(document, list) else [document]
    try:
        loaded.articles.extend(
            _article_record(record, f"record {index}") for index, record in enumerate(records)
        )
    except ValueError as error:
        raise SourceError(name, f"neither a JSON Feed nor Article records: {error}") from None


def _kind_from_suffix(suffix: str) -> str | None:
    suffix = suffix.lower()
    for kind, suffixes in (
        ("text", _TEXT_SUFFIXES),
        ("html", _HTML_SUFFIXES),
        ("xml", _FEED_SUFFIXES),
        ("json", _JSON_SUFFIXES),
        ("jsonl", _JSONL_SUFFIXES),
    ):
        if suffix in suffixes:
            return kind
    return None


def read_bytes(data: bytes, *, name: str, kind: str | None = None) -> LoadedSource:
    """Read one document from bytes; never raises for bad content.

    Args:
        data: the document.
        name: how to call it in messages and in `Source.name` (a file name, `-`).
        kind: `text`, `html`, `xml`, `json` or `jsonl`; sniffed from
            the bytes when None.

    Returns:
        The articles and warnings, or the error that stopped the reading.
    """
    loaded = LoadedSource(name=name)
    try:
        sniffed: DocumentKind = sniff(data)
        if sniffed == "empty":
            raise SourceError(name, "empty file")
        if sniffed == "binary":
            raise SourceError(name, "binary data, not text, HTML, a feed or JSON")
        kind = kind or sniffed
        if kind == "text":
            loaded.articles.append(_text_article(data, name))
        elif kind == "html":
            loaded.articles.append(_html_article(data, name))
        elif kind == "xml":
            _feed_articles(data, name, loaded)
        elif kind == "json":
            _json_articles(data, name, loaded)
        elif kind == "jsonl":
            _jsonl_articles(data, name, loaded)
        else:  # pragma: no cover - the kinds above are exhaustive
            raise SourceError(name, f"unknown document kind {kind!r}")
    except SourceError as error:
        loaded.articles.clear()
        loaded.error = error
    except RecursionError:
        loaded.articles.clear()
        loaded.error = SourceError(name, "document nested too deeply")
    return loaded


def _read_file(path: Path, name: str) -> LoadedSource:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SourceError(name, f"file too large ({size} bytes; limit {MAX_FILE_BYTES})")
        data = path.read_bytes()
    except SourceError as error:
        return LoadedSource(name=name, error=error)
    except OSError as error:
        return LoadedSource(name=name, error=SourceError(name, error.strerror or str(error)))
    return read_bytes(data, name=name, kind=_kind_from_suffix(path.suffix))


def _directory_files(directory: Path) -> list[Path]:
    files: list[Path] = []
    for root, directories, names in os.walk(directory):
        directories[:] = sorted(d for d in directories if not d.startswith("."))
        files.extend(
            Path(root, name)
            for name in sorted(names)
            if not name.startswith(".") and Path(name).suffix.lower() in SUFFIXES
        )
    return files


def iter_path(path: str | os.PathLike[str]) -> Iterator[LoadedSource]:
    """Read a file, or every readable file of a directory tree, one result per file.

    Files of a directory are read in sorted order; hidden files and files
    with other extensions are left alone. Errors are reported per file, never raised.
    """
    target = Path(path)
    shown = os.fspath(path)
    if target.is_dir():
        files = _directory_files(target)
        if not files:
            suffixes = ", ".join(sorted(SUFFIXES))
            yield LoadedSource(
                name=shown, error=SourceError(shown, f"no readable files ({suffixes}) in directory")
            )
            return
        for file in files:
            yield _read_file(file, os.fspath(file))
        return
    if not target.exists():
        yield LoadedSource(name=shown, error=SourceError(shown, "no such file or directory"))
        return
    yield _read_file(target, shown)


def read_path(path: str | os.PathLike[str]) -> list[Article]:
    """Read the articles of a file, or of every readable file in a directory.

    Args:
        path: a `.txt`, `.html`/`.htm`, feed (`.xml`, `.rss`, `.atom`,
            `.rdf`), `.json` (JSON Feed) or `.jsonl` file, or a directory
            holding such files (read recursively, in sorted order).

    Returns:
        The articles, in file order.

    Raises:
        SourceError: a file cannot be read; the error names it. Nothing is
            returned then: use [`scan`][pressmon.scan] to read what can be read
            and get the errors per source.

    Examples:
        >>> article, = read_path("seeds/000_bbe417a4b73ce4ce.txt")
        >>> article.language, article.published_label
        ('fr', '2023-05')
    """
    articles: list[Article] = []
    for loaded in iter_path(path):
        if loaded.error is not None:
            raise loaded.error
        articles.extend(loaded.articles)
    return articles

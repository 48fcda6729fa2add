"""pressmon: fetch news feeds, normalize every article into one schema, flag the ones
that mention a monitored topic, with the evidence.

The public API is what this module exports (`__all__`); everything in a
module whose name starts with an underscore may change without notice.
Names are imported lazily, on first use, so `import pressmon` stays quick
for command-line use::

    import pressmon

    for article in pressmon.read_path("seeds/"):
        for flag in pressmon.detect(article):
            print(flag.topic, flag.score, flag.evidence[0].text)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pressmon._version import __version__
from pressmon.exceptions import (
    ConfigError,
    ExtractionError,
    FetchError,
    NotAFeedError,
    ParseError,
    PressmonError,
    SourceError,
    StateConnectionError,
    StateCorruptError,
    StateLockedError,
    StateVersionError,
    StoreError,
    TopicError,
)

if TYPE_CHECKING:
    from pressmon._api import aenrich, afetch, discover_feeds, enrich, fetch
    from pressmon._detect import (
        Topic,
        builtin_topics,
        detect,
        explain,
        load_topic,
        resolve_topics,
    )
    from pressmon._enrich import MemoryPageCache, PageCache
    from pressmon._extract import extract_article
    from pressmon._fetch import Fetcher, google_news_url
    from pressmon._monitor import arun_monitor, run_monitor
    from pressmon._parse import parse_feed
    from pressmon._parse._pool import parse_feeds
    from pressmon._scan import scan
    from pressmon._sources import read_path
    from pressmon._urls import canonicalize_url
    from pressmon.config import MonitorConfig, load_config
    from pressmon.models import (
        Alert,
        Article,
        Evidence,
        EvidenceWindow,
        ExclusionHit,
        Explanation,
        Extraction,
        FeedReport,
        FeedRequest,
        FetchFailure,
        FetchResult,
        Flag,
        GroupMatch,
        PageResponse,
        ParsedFeed,
        RunReport,
        ScannedArticle,
        ScanResult,
        Source,
        StoryCopy,
        TermMatch,
    )

__all__ = [
    "Alert",
    "Article",
    "ConfigError",
    "Evidence",
    "EvidenceWindow",
    "ExclusionHit",
    "Explanation",
    "Extraction",
    "ExtractionError",
    "FeedReport",
    "FeedRequest",
    "FetchError",
    "FetchFailure",
    "FetchResult",
    "Fetcher",
    "Flag",
    "GroupMatch",
    "MemoryPageCache",
    "MonitorConfig",
    "NotAFeedError",
    "PageCache",
    "PageResponse",
    "ParseError",
    "ParsedFeed",
    "PressmonError",
    "RunReport",
    "ScanResult",
    "ScannedArticle",
    "Source",
    "SourceError",
    "StateConnectionError",
    "StateCorruptError",
    "StateLockedError",
    "StateVersionError",
    "StoreError",
    "StoryCopy",
    "TermMatch",
    "Topic",
    "TopicError",
    "__version__",
    "aenrich",
    "afetch",
    "arun_monitor",
    "builtin_topics",
    "canonicalize_url",
    "detect",
    "discover_feeds",
    "enrich",
    "explain",
    "extract_article",
    "fetch",
    "google_news_url",
    "load_config",
    "load_topic",
    "parse_feed",
    "parse_feeds",
    "read_path",
    "resolve_topics",
    "run_monitor",
    "scan",
]

# name -> the module that defines it; imported on first access.
_LAZY: dict[str, str] = {
    "Alert": "pressmon.models",
    "Article": "pressmon.models",
    "Evidence": "pressmon.models",
    "EvidenceWindow": "pressmon.models",
    "ExclusionHit": "pressmon.models",
    "Explanation": "pressmon.models",
    "Extraction": "pressmon.models",
    "FeedReport": "pressmon.models",
    "FeedRequest": "pressmon.models",
    "FetchFailure": "pressmon.models",
    "FetchResult": "pressmon.models",
    "Fetcher": "pressmon._fetch",
    "Flag": "pressmon.models",
    "GroupMatch": "pressmon.models",
    "MemoryPageCache": "pressmon._enrich",
    "MonitorConfig": "pressmon.config",
    "PageCache": "pressmon._enrich",
    "PageResponse": "pressmon.models",
    "ParsedFeed": "pressmon.models",
    "RunReport": "pressmon.models",
    "ScanResult": "pressmon.models",
    "ScannedArticle": "pressmon.models",
    "Source": "pressmon.models",
    "StoryCopy": "pressmon.models",
    "TermMatch": "pressmon.models",
    "Topic": "pressmon._detect",
    "aenrich": "pressmon._api",
    "afetch": "pressmon._api",
    "arun_monitor": "pressmon._monitor",
    "builtin_topics": "pressmon._detect",
    "canonicalize_url": "pressmon._urls",
    "detect": "pressmon._detect",
    "discover_feeds": "pressmon._api",
    "enrich": "pressmon._api",
    "explain": "pressmon._detect",
    "extract_article": "pressmon._extract",
    "fetch": "pressmon._api",
    "google_news_url": "pressmon._fetch",
    "load_config": "pressmon.config",
    "load_topic": "pressmon._detect",
    "parse_feed": "pressmon._parse",
    "parse_feeds": "pressmon._parse._pool",
    "read_path": "pressmon._sources",
    "resolve_topics": "pressmon._detect",
    "run_monitor": "pressmon._monitor",
    "scan": "pressmon._scan",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'pressmon' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

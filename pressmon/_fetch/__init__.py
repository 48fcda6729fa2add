"""Fetching over HTTP: many feeds and pages at once, polite, bounded, conditional.

See [`Fetcher`][pressmon.Fetcher] for the limits, `_defaults` for their values, and
`docs/fetching.md` for the whole story. The one-call functions built on it
(`pressmon.fetch`, `pressmon.discover_feeds`, ...) are in `pressmon._api`.
"""

from __future__ import annotations

from pressmon._fetch._fetcher import Fetcher
from pressmon._fetch._google import google_news_url

__all__ = ["Fetcher", "google_news_url"]

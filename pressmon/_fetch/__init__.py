"""Fetching over HTTP: many feeds and pages at once, polite, bounded, conditional.

See [`Fetcher`][pressmon.Fetcher] for the limits, `_defaults` for their values, and
`docs/fetching.md` for the whole story. The one-call functions built on it
(`pressmon.fetch`, `pressmon.discover_feeds`, ...) are in `pressmon._api`.

The names are imported on first use, so that reading `_defaults` (the configuration
does) does not load httpx.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pressmon._fetch._fetcher import Fetcher
    from pressmon._fetch._google import google_news_url

__all__ = ["Fetcher", "google_news_url"]

_LAZY = {"Fetcher": "pressmon._fetch._fetcher", "google_news_url": "pressmon._fetch._google"}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module_name), name)

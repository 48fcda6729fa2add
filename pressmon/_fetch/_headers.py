"""Read the response headers that steer the fetcher: Retry-After, Cache-Control."""

from __future__ import annotations

import email.utils
import re
import time

__all__ = ["parse_max_age", "parse_retry_after"]

_MAX_AGE = re.compile(r"(?:^|[,\s])(?:s-)?max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
_NO_STORE = re.compile(r"(?:^|[,\s])(?:no-store|no-cache)(?:$|[,\s=])", re.IGNORECASE)


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Return the seconds a `Retry-After` header asks to wait, or None when absent or invalid.

    Both forms are read: a number of seconds (`120`) and an HTTP date
    (`Wed, 21 Oct 2026 07:28:00 GMT`); a date in the past means 0.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def parse_max_age(value: str | None) -> float | None:
    """Return `max-age` from a `Cache-Control` header (0 for `no-cache`/`no-store`)."""
    if not value:
        return None
    if _NO_STORE.search(value):
        return 0.0
    match = _MAX_AGE.search(value)
    return float(match.group(1)) if match else None

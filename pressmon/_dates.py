"""Dates as sources write them -> timezone-aware UTC datetimes with their real precision.

Parsing is delegated to maintained parsers: :func:`dateutil.parser.isoparse`
for ISO 8601 / W3C dates (``2023-05``, ``2023-05-02T10:00:00+02:00``), the
standard library's RFC 2822 parser for feed dates (``Tue, 02 May 2023 10:00:00
+0200``), and feedparser's date handlers for the odd formats real feeds carry.
This module only decides *how much* of a date is real (its precision) and
refuses what cannot be trusted: a partial date is never completed with
invented parts, an impossible date is None, not an exception.
"""

from __future__ import annotations

import calendar
import re
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from pressmon.models import DatePrecision

__all__ = ["ParsedDate", "from_struct_time", "parse_date"]

ParsedDate = tuple[datetime, DatePrecision]

_ISO_PARTIAL = re.compile(
    r"""^\s*(?P<year>\d{4})
        (?:-(?P<month>\d{2})
          (?:-(?P<day>\d{2})
            (?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d+)?)?
              (?P<tz>Z|[+-]\d{2}:?\d{2})?
            )?
          )?
        )?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_COMPACT_DATE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")

# Dates before this are certainly wrong for a news article (epoch-zero defaults,
# "0001-01-01" placeholders); dates far in the future are too.
_EARLIEST_YEAR = 1900
_LATEST_YEAR = 2200


def _plausible(value: datetime) -> bool:
    return _EARLIEST_YEAR <= value.year <= _LATEST_YEAR


def _as_utc(value: datetime) -> datetime:
    # A date without a time zone is read as UTC: that is what feed readers
    # (feedparser included) do, and the only choice that does not depend on
    # the machine pressmon runs on.
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _parse_iso(text: str) -> ParsedDate | None:
    match = _ISO_PARTIAL.match(text)
    if match is None:
        compact = _COMPACT_DATE.match(text)
        if compact is None:
            return None
        text = "-".join(compact.groups())
        match = _ISO_PARTIAL.match(text)
        assert match is not None
    from dateutil.parser import isoparse

    parts = match.groupdict()
    precision: DatePrecision
    if parts["hour"] is not None:
        precision = "second" if parts["second"] is not None else "minute"
    elif parts["day"] is not None:
        precision = "day"
    elif parts["month"] is not None:
        precision = "month"
    else:
        precision = "year"
    try:
        if precision == "year":
            value = datetime(int(parts["year"]), 1, 1)
        else:
            value = isoparse(text.strip().replace(" ", "T", 1).replace(",", "."))
    except (ValueError, OverflowError):
        return None
    if precision in ("year", "month", "day"):
        # A calendar date says nothing of the hour: keep its first instant in UTC.
        value = value.replace(tzinfo=timezone.utc)
    return _as_utc(value), precision


def _parse_rfc2822(text: str) -> ParsedDate | None:
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    has_seconds = re.search(r"\d{1,2}:\d{2}:\d{2}", text) is not None
    return _as_utc(value), "second" if has_seconds else "minute"


def from_struct_time(value: time.struct_time | None) -> datetime | None:
    """Convert a UTC ``struct_time`` (as feedparser returns) to an aware datetime."""
    if value is None:
        return None
    try:
        result = datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
    except (OverflowError, ValueError, OSError):
        return None
    return result if _plausible(result) else None


def _parse_with_feedparser(text: str) -> ParsedDate | None:
    from feedparser.datetimes import _parse_date

    try:
        parsed = _parse_date(text)
    except Exception:
        return None
    result = from_struct_time(parsed)
    return (result, "second") if result is not None else None


def parse_date(text: str | None, *, other_formats: bool = True) -> ParsedDate | None:
    """Parse a date string into a UTC datetime and its precision.

    Args:
        text: an ISO 8601 / W3C date (complete or partial: ``2023``, ``2023-05``),
            an RFC 2822 date, or another format feedparser knows.
        other_formats: also try feedparser's handlers for unusual formats; off
            when feedparser already read the date and only the precision is wanted.

    Returns:
        ``(datetime, precision)``, or None when the text is not a trustworthy date.

    Example:
        >>> parse_date("2023-05")
        (datetime.datetime(2023, 5, 1, 0, 0, tzinfo=datetime.timezone.utc), 'month')
    """
    if not text or not text.strip() or len(text) > 200:
        return None
    text = text.strip()
    if _ISO_PARTIAL.match(text) or _COMPACT_DATE.match(text):
        # ISO-shaped: valid as ISO or not at all. (feedparser would roll an
        # impossible 2023-02-30 over to March 2: a date nobody wrote.)
        result = _parse_iso(text)
        return result if result is not None and _plausible(result[0]) else None
    result = _parse_rfc2822(text)
    if result is None and other_formats:
        result = _parse_with_feedparser(text)
    if result is None or not _plausible(result[0]):
        return None
    return result

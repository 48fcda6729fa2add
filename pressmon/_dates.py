"""Dates as sources write them -> timezone-aware UTC datetimes with their real precision.

Parsing is delegated to maintained parsers: `dateutil.parser.isoparse`
for ISO 8601 / W3C dates (`2023-05`, `2023-05-02T10:00:00+02:00`), the
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

__all__ = [
    "ParsedDate",
    "date_from_url",
    "find_text_date",
    "from_struct_time",
    "is_decided_here",
    "parse_date",
]

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
    if re.search(r"\d{1,2}:\d{2}", text) is None:
        # "2 May 2023": a calendar date, not midnight UTC.
        return value.replace(tzinfo=timezone.utc, hour=0, minute=0, second=0), "day"
    has_seconds = re.search(r"\d{1,2}:\d{2}:\d{2}", text) is not None
    return _as_utc(value), "second" if has_seconds else "minute"


def from_struct_time(value: time.struct_time | None) -> datetime | None:
    """Convert a UTC `struct_time` (as feedparser returns) to an aware datetime."""
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


def is_decided_here(text: str) -> bool:
    """True for ISO-shaped or numbers-only dates: `parse_date`'s answer is final.

    For those, another parser's reading (feedparser rolls `2023-02-30` over
    to March 2 and guesses the order of `03/04/2023`) must never replace a
    None from `parse_date`.
    """
    text = text.strip()
    return bool(_ISO_PARTIAL.match(text) or _COMPACT_DATE.match(text) or _NUMERIC_ONLY.match(text))


def parse_date(
    text: str | None, *, other_formats: bool = True, language: str | None = None
) -> ParsedDate | None:
    """Parse a date string into a UTC datetime and its precision.

    Args:
        text: an ISO 8601 / W3C date (complete or partial: `2023`, `2023-05`),
            an RFC 2822 date, or another format feedparser knows.
        other_formats: also try written-out dates in the languages pressmon
            monitors (`2 mai 2023`, `02.05.2023`: see `find_text_date`)
            and feedparser's handlers for unusual formats; off when feedparser
            already read the date and only the precision is wanted.
        language: the ISO 639-1 language of the page the date comes from; it
            tells the order of `03/04/2023` (day first unless English).

    Returns:
        `(datetime, precision)`, or None when the text is not a trustworthy date.

    Examples:
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
    if _NUMERIC_ONLY.match(text):
        # Numbers and separators only: what they mean depends on the order,
        # which feedparser would guess; decide here or not at all.
        return find_text_date(text, language=language) if other_formats else None
    result = _parse_rfc2822(text)
    if result is None and other_formats:
        result = find_text_date(text, language=language)
    if result is None and other_formats:
        result = _parse_with_feedparser(text)
    if result is None or not _plausible(result[0]):
        return None
    return result


# ---------------------------------------------------------------- written-out dates
#
# "2 mai 2023", "2. Mai 2023", "2 de mayo de 2023", "2 maggio 2023", "May 2, 2023",
# "02.05.2023". No maintained library fits the dependency budget (dateparser
# weighs 7 MB with its regex engine, takes 30 ms to import and up to 100 ms a
# call, and reads 03/04/2023 as March 4 whatever the page; see docs/design.md),
# so the month names of the languages pressmon monitors are looked up in a
# table and the parts go to datetime(), which refuses impossible dates. A time
# written beside such a date has no time zone: the date is kept at day precision.

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        # en, fr, de, es, it, pt (full names and the usual abbreviations)
        "january jan janvier janv jänner januar jän enero ene gennaio gen janeiro",
        "february feb février fevrier févr fevr februar febrero febbraio fevereiro fev",
        "march mar mars märz maerz marzo março marco",
        "april apr avril avr abril abr aprile",
        "may mai mayo maggio mag maio",
        "june jun juin juni junio giugno giu junho",
        "july jul juillet juil juli julio luglio lug julho",
        "august aug août aout agosto ago",
        "september sep sept septembre setiembre septiembre settembre set setembro",
        "october oct octobre oktober okt octubre ottobre ott outubro out",
        "november nov novembre noviembre novembro",
        "december dec décembre decembre déc dezember dez diciembre dic dicembre dezembro",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_MONTH_NAME = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY = r"(?P<day>[0-3]?\d)(?:er|\.|º|°|st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20|21)\d\d)"
# 2 mai 2023 · 2. Mai 2023 · 2 de mayo de 2023 · 1er janvier 2024 · 2-May-2023
_DAY_MONTH_YEAR = re.compile(
    rf"(?<![\w.]){_DAY}[\s-]+(?:de\s+)?(?P<month>{_MONTH_NAME})\.?[\s-]+(?:de\s+|del\s+)?{_YEAR}(?!\d)",
    re.IGNORECASE,
)
# May 2, 2023 · Sept. 12 2023
_MONTH_DAY_YEAR = re.compile(
    rf"(?<!\w)(?P<month>{_MONTH_NAME})\.?\s+{_DAY},?\s+{_YEAR}(?!\d)", re.IGNORECASE
)
# 02.05.2023 · 2/5/2023 · 2023/05/02 · 02-05-2023
_NUMERIC_DATE = re.compile(
    r"(?<![\d.])(?:(?P<y1>(?:19|20|21)\d\d)(?P<s1>[./-])(?P<m1>\d{1,2})(?P=s1)(?P<d1>\d{1,2})"
    r"|(?P<a>\d{1,2})(?P<s2>[./-])(?P<b>\d{1,2})(?P=s2)(?P<y2>(?:19|20|21)\d\d))(?![\d])"
)
_NUMERIC_ONLY = re.compile(r"^\s*\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?:[\sT,]+[\d:.hH]+)?\s*$")
# Languages that write a numeric date month first: none but (American) English.
_MONTH_FIRST_LANGUAGES = frozenset({"en"})


def _day_date(year: int, month: int, day: int) -> ParsedDate | None:
    try:
        value = datetime(year, month, day, tzinfo=timezone.utc)
    except ValueError:
        return None
    return (value, "day") if _plausible(value) else None


def _numeric(match: re.Match[str], language: str | None) -> ParsedDate | None:
    if match.group("y1"):
        return _day_date(int(match.group("y1")), int(match.group("m1")), int(match.group("d1")))
    first, second, year = int(match.group("a")), int(match.group("b")), int(match.group("y2"))
    if match.group("s2") == ".":
        # Dotted dates are day first wherever they are written.
        return _day_date(year, second, first)
    if first > 12 >= second:
        return _day_date(year, second, first)
    if second > 12 >= first:
        return _day_date(year, first, second)
    if language and language not in _MONTH_FIRST_LANGUAGES:
        return _day_date(year, second, first)
    return None  # 03/04/2023 with no language, or in English: March 4 or 3 April


def find_text_date(text: str, *, language: str | None = None) -> ParsedDate | None:
    """Find the first calendar date written out in a short text; day precision.

    Understands month names in English, French, German, Spanish, Italian and
    Portuguese (`2 mai 2023`, `2. Mai 2023`, `2 de mayo de 2023`,
    `2 maggio 2023`, `May 2, 2023`) and numeric dates: `2023/05/02`,
    `02.05.2023` (day first, as everywhere dots are used), and
    `02/05/2023` (day first on a page in another language than English;
    left out when the order cannot be told).

    Args:
        text: a line of text such as `Publié le 2 mai 2023 à 10h30`.
        language: the page's ISO 639-1 language, when known.

    Returns:
        `(datetime, "day")`, or None when no trustworthy date is found.

    Examples:
        >>> find_text_date("Publié le 2 mai 2023 à 10h30")
        (datetime.datetime(2023, 5, 2, 0, 0, tzinfo=datetime.timezone.utc), 'day')
    """
    if not text:
        return None
    text = text[:_MAX_TEXT_DATE_CHARS]
    found: list[tuple[int, ParsedDate]] = []
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        match = pattern.search(text)
        if match is not None:
            month = _MONTHS[match.group("month").lower()]
            parsed = _day_date(int(match.group("year")), month, int(match.group("day")))
            if parsed is not None:
                found.append((match.start(), parsed))
    numeric = _NUMERIC_DATE.search(text)
    if numeric is not None:
        parsed = _numeric(numeric, language)
        if parsed is not None:
            found.append((numeric.start(), parsed))
    if not found:
        return None
    return min(found, key=lambda item: item[0])[1]


_MAX_TEXT_DATE_CHARS = 400
_URL_DATE = re.compile(
    r"/(?P<year>(?:19|20)\d\d)[/-](?P<month>[01]?\d)(?:[/-](?P<day>[0-3]?\d))?(?=[/_.-]|$)"
)
_URL_COMPACT_DATE = re.compile(r"/(?P<year>(?:19|20)\d\d)(?P<month>[01]\d)(?P<day>[0-3]\d)(?=/)")


def date_from_url(url: str | None) -> ParsedDate | None:
    """The date an article URL carries in its path (`/2023/05/02/` is day precision).

    `/2023/05/` gives the month; a bare year, or digits that are not a valid
    date, give nothing.

    Examples:
        >>> date_from_url("https://example.org/2023/05/02/alpine-usa")
        (datetime.datetime(2023, 5, 2, 0, 0, tzinfo=datetime.timezone.utc), 'day')
    """
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    scheme_end = path.find("://")
    if scheme_end >= 0:
        slash = path.find("/", scheme_end + 3)
        path = path[slash:] if slash >= 0 else ""
    match = _URL_DATE.search(path) or _URL_COMPACT_DATE.search(path)
    if match is None:
        return None
    year, month = int(match.group("year")), int(match.group("month"))
    if match.group("day"):
        return _day_date(year, month, int(match.group("day")))
    if not 1 <= month <= 12:
        return None
    return datetime(year, month, 1, tzinfo=timezone.utc), "month"

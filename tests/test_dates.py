"""Dates with their precision: nothing invented, nothing untrustworthy kept."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pressmon._dates import parse_date

UTC = timezone.utc


@pytest.mark.parametrize(
    ("text", "instant", "precision"),
    [
        ("2023", datetime(2023, 1, 1, tzinfo=UTC), "year"),
        ("2023-05", datetime(2023, 5, 1, tzinfo=UTC), "month"),
        ("2023-05-02", datetime(2023, 5, 2, tzinfo=UTC), "day"),
        ("20230502", datetime(2023, 5, 2, tzinfo=UTC), "day"),
        ("2023-05-02T10:15+02:00", datetime(2023, 5, 2, 8, 15, tzinfo=UTC), "minute"),
        ("2023-05-02T10:15:30Z", datetime(2023, 5, 2, 10, 15, 30, tzinfo=UTC), "second"),
        (
            "2023-05-02 10:15:30.250-04:00",
            datetime(2023, 5, 2, 14, 15, 30, 250000, tzinfo=UTC),
            "second",
        ),
        ("Tue, 02 May 2023 10:00:00 +0200", datetime(2023, 5, 2, 8, 0, tzinfo=UTC), "second"),
        ("Tue, 02 May 2023 10:00 GMT", datetime(2023, 5, 2, 10, 0, tzinfo=UTC), "minute"),
    ],
)
def test_formats_and_precision(text: str, instant: datetime, precision: str) -> None:
    """ISO 8601 (complete or partial) and RFC 2822 dates give a UTC instant and how much is real."""
    assert parse_date(text) == (instant, precision)


def test_dates_without_zone_are_read_as_utc() -> None:
    """A time without a zone is read as UTC, the same on every machine."""
    assert parse_date("2023-05-02T10:00:00") == (datetime(2023, 5, 2, 10, 0, tzinfo=UTC), "second")


@pytest.mark.parametrize(
    "text",
    [None, "", "   ", "not a date", "2023-13", "2023-02-30", "0001-01-01", "9999-12-31", "x" * 500],
)
def test_untrustworthy_dates_give_none(text: str | None) -> None:
    """Impossible, placeholder or garbage dates are None rather than a guess or an exception."""
    assert parse_date(text) is None


def _general_reading(text: str) -> datetime | None:
    """The general parsers' reading of a date (what the fast readings must reproduce)."""
    from email.utils import parsedate_to_datetime

    from dateutil.parser import isoparse

    try:
        if text[:1].isdigit() and text[4:5] == "-":
            value = isoparse(text.strip().replace(" ", "T", 1))
        else:
            value = parsedate_to_datetime(text)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


ZONES = ("GMT", "UT", "UTC", "Z", "+0000", "-0000", "+0200", "-0530", "+0099", "+2359", "+2400")


def _common_date_shapes() -> list[str]:
    import itertools

    isos = [
        f"{year}-{month}-{day}{sep}{hour}:{minute}:{second}{zone}"
        for year, month, day, sep, hour, minute, second, zone in itertools.product(
            ("2023", "2024", "0099", "9999"),
            ("01", "02", "12", "13", "00"),
            ("28", "29", "30", "31", "00"),
            ("T", " "),
            ("00", "23", "24"),
            ("00", "59", "60"),
            ("00", "59", "60"),
            ("", "Z", "+00:00", "-00:00", "+0530", "-05:30", "+23:59", "+24:00", "+00:60"),
        )
    ]
    rfcs = [
        f"{weekday}{day} {month} {year} {hour}:{minute}:{second} {zone}"
        for weekday, day, month, year, hour, minute, second, zone in itertools.product(
            ("", "Mon, ", "Sun, "),
            ("1", "01", "29", "30", "31", "0", "32"),
            ("Jan", "Feb", "Dec"),
            ("2023", "2024", "1000", "9999"),
            ("00", "23", "24"),
            ("00", "59", "60"),
            ("00", "60"),
            ZONES,
        )
    ]
    return isos + rfcs


def test_fast_readings_of_common_dates_are_the_general_parsers() -> None:
    """The fast readings of the two common date shapes give the general parsers' instant.

    Every combination of edge values (impossible days, hour 24, second 60,
    unusual offsets, years below 100) is read both ways: the fast reading either
    declines (None, the general parser then decides) or gives the same instant,
    and parse_date's answer is unchanged.
    """
    from pressmon._dates import _read_iso_common, _read_rfc2822_common

    compared = 0
    for text in _common_date_shapes():
        fast = _read_iso_common(text) if text[4:5] == "-" else _read_rfc2822_common(text)
        general = _general_reading(text)
        if fast is not None:
            compared += 1
            assert fast == general, text
            assert fast.tzinfo is UTC, text
    assert compared > 10_000

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

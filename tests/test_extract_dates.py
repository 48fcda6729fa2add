"""Dates written out in pages: month names in six languages, numeric orders, dates in URLs.

A date whose order cannot be told (``03/04/2023`` with no language, or on an
English page) or that does not exist is left empty rather than guessed.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pressmon._dates import date_from_url, find_text_date, parse_date

UTC = timezone.utc
MAY_2 = (datetime(2023, 5, 2, tzinfo=UTC), "day")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("2 mai 2023", "fr"),
        ("Publié le mardi 2 mai 2023 à 10h30", "fr"),
        ("02/05/2023", "fr"),
        ("2. Mai 2023", "de"),
        ("Veröffentlicht am 02.05.2023, 10:30 Uhr", "de"),
        ("2 de mayo de 2023", "es"),
        ("Madrid, 2 de mayo de 2023", None),
        ("2 maggio 2023", "it"),
        ("2 de maio de 2023", "pt"),
        ("May 2, 2023", "en"),
        ("2 May 2023", "en"),
        ("02.05.2023", None),
        ("2023/05/02", None),
        ("2023-05-02", None),
    ],
)
def test_written_dates_in_the_monitored_languages(text: str, language: str | None) -> None:
    """fr/de/es/it/pt/en month names and day-first numbers give 2 May 2023, at day precision."""
    assert find_text_date(text, language=language) == MAY_2
    assert parse_date(text, language=language) == MAY_2


@pytest.mark.parametrize(
    ("text", "month", "day"),
    [
        ("1er janvier 2024", 1, 1),
        ("15 févr. 2024", 2, 15),
        ("3. März 2024", 3, 3),
        ("Sept. 12, 2024", 9, 12),
        ("31 dicembre 2024", 12, 31),
        ("10 de octubre de 2024", 10, 10),
    ],
)
def test_month_names_and_abbreviations(text: str, month: int, day: int) -> None:
    """Abbreviated months, ordinal days and accents are understood."""
    parsed = find_text_date(text)
    assert parsed is not None
    assert (parsed[0].month, parsed[0].day) == (month, day)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("03/04/2023", None),
        ("03/04/2023", "en"),
        ("Posted 03/04/2023 by the newsroom", "en"),
        ("31.02.2023", "de"),
        ("30 février 2023", "fr"),
        ("2 mai", "fr"),
        ("le 2 du mois", "fr"),
        ("12/13/14", None),
    ],
)
def test_untrustworthy_text_dates_are_left_empty(text: str, language: str | None) -> None:
    """Ambiguous orders, impossible days and dates without a year give None, not a guess."""
    assert find_text_date(text, language=language) is None
    assert parse_date(text, language=language) is None


def test_numeric_order_is_told_by_the_numbers_when_it_can_be() -> None:
    """A day above 12 says which number is the day, in any language."""
    assert parse_date("13/04/2023") == (datetime(2023, 4, 13, tzinfo=UTC), "day")
    assert parse_date("04/13/2023") == (datetime(2023, 4, 13, tzinfo=UTC), "day")


def test_year_first_slashes_are_not_misread() -> None:
    """2023/05/02 is 2 May; it used to reach a fallback parser that rolled it over to November."""
    assert parse_date("2023/05/02") == MAY_2


def test_rfc2822_style_date_without_time_is_a_day() -> None:
    """'2 May 2023' has no time: it is a calendar date, not a midnight to the second."""
    assert parse_date("2 May 2023") == MAY_2


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.test/2023/05/02/alpine-usa", MAY_2),
        ("https://example.test/news/2023-05-02-alpine-usa.html", MAY_2),
        ("https://example.test/a/20230502/alpine", MAY_2),
        ("https://example.test/2023/05/alpine", (datetime(2023, 5, 1, tzinfo=UTC), "month")),
        ("https://example.test/2023/13/40/x", None),
        ("https://example.test/article/1234567", None),
        ("https://example.test/alpine?date=2023/05/02", None),
        ("https://2023.example.test/", None),
        (None, None),
    ],
)
def test_dates_in_urls(url: str | None, expected: object) -> None:
    """A date in the URL path counts at its precision; query strings, hosts and ids do not."""
    assert date_from_url(url) == expected

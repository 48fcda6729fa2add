"""Google News RSS search feeds: the source most people start press monitoring with."""

from __future__ import annotations

import re
from urllib.parse import urlencode

__all__ = ["google_news_url"]

_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,4})?$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def google_news_url(
    query: str, *, language: str = "en", country: str = "US", when: str | None = None
) -> str:
    """Return the URL of Google News' RSS feed for a search, in one edition (language + country).

    Caveats (see `docs/fetching.md`): items carry titles only (the
    description repeats the title and the publisher); links point to
    `news.google.com` redirect pages, not to the publisher; the publisher is
    in each item's `<source>`; Google rate-limits heavy use (HTTP 429 or a
    consent page) and its terms of service apply; results vary by edition and
    are capped at about 100 items.

    Args:
        query: the search, as typed in Google News: quote a phrase
            (`'"Alpine" AutoNation'`), `OR`, `-word`, `site:example.com`.
        language: the edition's language (`en`, `fr`, `de`, `pt-BR`...).
        country: the edition's country, two letters (`US`, `FR`).
        when: restrict to recent items (`1h`, `7d`, `1y`), added to the
            query as `when:7d`.

    Returns:
        The feed's URL, to give to [`fetch`][pressmon.fetch] or a monitor's
        `[[feeds]]`.

    Raises:
        ValueError: the query is empty, or the language or country is malformed.

    Examples:
        >>> google_news_url("Alpine AutoNation", language="fr", country="FR")
        'https://news.google.com/rss/search?q=Alpine+AutoNation&hl=fr&gl=FR&ceid=FR:fr'
        >>> google_news_url("Alpine AutoNation")
        'https://news.google.com/rss/search?q=Alpine+AutoNation&hl=en-US&gl=US&ceid=US:en'
    """
    query = " ".join(query.split())
    if not query:
        raise ValueError("the Google News query is empty")
    if not _LANGUAGE.match(language):
        raise ValueError(f"language must be a code such as 'en' or 'fr', got {language!r}")
    country = country.upper()
    if not _COUNTRY.match(country):
        raise ValueError(f"country must be two letters such as 'US' or 'FR', got {country!r}")
    if when is not None:
        if not re.fullmatch(r"\d+[hdmy]", when):
            raise ValueError(f"when must look like '12h', '7d' or '1y', got {when!r}")
        query = f"{query} when:{when}"
    # Google's own English editions spell the interface language with the
    # country (en-US, en-GB, en-IN); other editions use the bare language.
    interface = f"{language}-{country}" if language == "en" else language
    params = {"q": query, "hl": interface, "gl": country, "ceid": f"{country}:{language}"}
    return "https://news.google.com/rss/search?" + urlencode(params, safe=":")

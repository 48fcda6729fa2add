"""Canonical article URLs: the same article behind different links gets one URL.

Publishers and feed services decorate links with tracking parameters and
fragments; two links that differ only there point to the same article.
Canonicalization must stay conservative: it never drops a parameter that may
select content (``id``, ``p``, ``page``...), only those known to track.
"""

from __future__ import annotations

import functools
import re
from typing import TypeAlias
from urllib.parse import SplitResult, quote, unquote_plus, urljoin, urlsplit

__all__ = ["canonicalize_url", "is_http_url"]

# Parameters that only say where a click came from. Prefix rules end with "_".
_TRACKING_PREFIXES = ("utm_", "at_", "pk_", "mtm_", "hsa_", "ga_")
_TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid",
        "mc_cid", "mc_eid", "igshid", "igsh", "twclid", "ttclid", "li_fat_id",
        "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id",
        "vero_id", "xtor", "xtref", "ncid", "cmpid", "ocid", "sr_share",
        "ref_src", "ref_url", "__twitter_impression",
    }
)  # fmt: skip

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SAFE_PATH_CHARS = "/:@!$&'()*+,;=-._~%"


def is_http_url(value: str | None) -> bool:
    """Return True when ``value`` is an absolute http(s) URL with a host."""
    if not value:
        return False
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.hostname)


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


# Browsers drop tabs and line breaks anywhere in a URL (WHATWG URL standard).
_TABS_AND_NEWLINES = re.compile(r"[\t\n\r]")
# An absolute http(s) URL whose authority is a plain host name (or IPv4
# address) with an optional port: what almost every feed link is. Such a URL is
# read with this one expression (about ten times faster than urljoin and
# urlsplit); every other URL goes through urllib as before.
_PLAIN = re.compile(r"([Hh][Tt][Tt][Pp][Ss]?)://([A-Za-z0-9.-]+)(?::([0-9]{1,5}))?(?=[/?#]|\Z)")


@functools.lru_cache(maxsize=256)
def _splits(base: str) -> bool:
    """True when `urljoin` can read `base` (a feed's URL, shared by its entries)."""
    try:
        urlsplit(base)
    except ValueError:
        return False
    return True


_Parts: TypeAlias = tuple[str, str, int | None, str, str]


def _read(url: str, base: str | None, *, fast: bool = True) -> _Parts | None:
    """Scheme, host, port, path and query of `url` joined to `base`; None if not web.

    `fast=False` reads every URL with urllib (the reference the fast reading
    is tested against).
    """
    plain = _PLAIN.match(url) if fast else None
    # urljoin gives back an absolute URL with a host unchanged in every part
    # read here (only a ";" could lose its empty parameters), provided it can
    # read the base at all.
    if plain is not None and ";" not in url and (not base or _splits(base)):
        port_text = plain.group(3)
        port = int(port_text) if port_text else None
        if port is not None and port > 65535:
            return None  # as urllib: a port out of range is not a usable link
        path, _, query = url[plain.end() :].partition("#")[0].partition("?")
        return plain.group(1).lower(), plain.group(2).lower().rstrip("."), port, path, query
    try:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return None
        host = parts.hostname.lower().rstrip(".")
        port = parts.port
    except ValueError:
        # A port out of range or a malformed IPv6 host: not a usable link.
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return scheme, host, port, parts.path, parts.query


def canonicalize_url(url: str | None, base: str | None = None) -> str | None:
    """Return the canonical form of an article URL, or None when it is not a web URL.

    The fragment is dropped, the scheme and host are lower-cased, the default
    port is removed, an empty path becomes ``/``, and tracking parameters
    (``utm_*``, ``fbclid``, ``gclid``, ``xtor``, ...) are removed while the
    other parameters keep their order.

    Args:
        url: the URL as found in the source; relative URLs are resolved against ``base``.
        base: the URL of the document the link was found in.

    Returns:
        The canonical URL, or None for an empty value or a scheme other than
        http and https (``javascript:``, ``mailto:``, ``tag:``...).

    Examples:
        >>> canonicalize_url("HTTPS://Example.COM:443/a?utm_source=rss&id=3#top")
        'https://example.com/a?id=3'
    """
    if not url:
        return None
    url = url.strip()
    if "\t" in url or "\n" in url or "\r" in url:
        url = _TABS_AND_NEWLINES.sub("", url)
    parts = _read(url, base)
    if parts is None:
        return None
    scheme, host, port, path, query = parts
    # Built from the host alone: credentials in a link are never part of an article's identity.
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(path, safe=_SAFE_PATH_CHARS) or "/"
    # Parameters are kept byte for byte as written ("+" stays "+"): only the
    # tracking ones are dropped, so the URL still means what the publisher meant.
    if query:
        query = "&".join(
            pair
            for pair in query.split("&")
            if pair and not _is_tracking(unquote_plus(pair.partition("=")[0]))
        )
    if not netloc:
        return SplitResult(scheme, netloc, path, query, "").geturl()
    # What SplitResult.geturl() gives when there is a host (the path starts with "/").
    return f"{scheme}://{netloc}{path}?{query}" if query else f"{scheme}://{netloc}{path}"

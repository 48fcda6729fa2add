"""Canonical article URLs: the same article behind different links gets one URL.

Publishers and feed services decorate links with tracking parameters and
fragments; two links that differ only there point to the same article.
Canonicalization must stay conservative: it never drops a parameter that may
select content (``id``, ``p``, ``page``...), only those known to track.
"""

from __future__ import annotations

import re
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
    url = _TABS_AND_NEWLINES.sub("", url.strip())
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
    # Built from the host alone: credentials in a link are never part of an article's identity.
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(parts.path, safe=_SAFE_PATH_CHARS) or "/"
    # Parameters are kept byte for byte as written ("+" stays "+"): only the
    # tracking ones are dropped, so the URL still means what the publisher meant.
    query = "&".join(
        pair
        for pair in parts.query.split("&")
        if pair and not _is_tracking(unquote_plus(pair.partition("=")[0]))
    )
    return SplitResult(scheme, netloc, path, query, "").geturl()

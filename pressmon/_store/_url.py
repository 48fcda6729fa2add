"""PostgreSQL state URLs: telling them from paths, finding a password, showing them safely.

A state is a PostgreSQL database when it is written as a libpq URL,
`postgresql://[user@]host[:port]/dbname[?param=value...]` (`postgres://` too). Nothing
here imports psycopg: the configuration checks a URL without the `postgres` extra.
"""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qsl, urlsplit, urlunsplit

__all__ = ["LOGIN_ADVICE", "has_password", "is_postgres_url", "redact_url"]

_SCHEMES = ("postgresql://", "postgres://")

LOGIN_ADVICE = (
    "give the password in the PGPASSWORD environment variable or in ~/.pgpass, "
    "never in the URL (it would sit in the file, in logs and in `ps`)"
)


def is_postgres_url(value: str | os.PathLike[str]) -> bool:
    """Whether a state is a PostgreSQL URL (`postgresql://` or `postgres://`) rather than a
    path."""
    return isinstance(value, str) and value.strip().lower().startswith(_SCHEMES)


def _userinfo(netloc: str) -> str:
    return netloc.rpartition("@")[0] if "@" in netloc else ""


def has_password(url: str) -> bool:
    """Whether a PostgreSQL URL carries a password (`user:secret@host` or `?password=`)."""
    parts = urlsplit(url.strip())
    if ":" in _userinfo(parts.netloc):
        return True
    return any(name == "password" for name, _ in parse_qsl(parts.query, keep_blank_values=True))


def redact_url(url: str) -> str:
    """The URL to show in messages: the same server, user and database, never a password."""
    parts = urlsplit(url.strip())
    userinfo = _userinfo(parts.netloc)
    hosts = parts.netloc.rpartition("@")[2]
    user = userinfo.partition(":")[0]
    netloc = f"{user}@{hosts}" if user else hosts
    query = re.sub(r"(^|&)password=[^&]*", r"\1password=***", parts.query)
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))

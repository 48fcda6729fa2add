"""The fetch defaults, in one place: the `Fetcher`, the monitor's `[fetch]` table and the CLI
all read them from here, so a setting means the same thing wherever it is written.

This module imports nothing, so the configuration can read it without loading httpx.
"""

from __future__ import annotations

__all__ = [
    "BACKOFF",
    "BACKOFF_MAX",
    "CONCURRENCY",
    "DEADLINE",
    "MAX_BYTES",
    "MAX_REDIRECTS",
    "PER_HOST",
    "PER_HOST_MAX",
    "RETRIES",
    "RETRY_AFTER_CAP",
    "TIMEOUT",
    "MiB",
]

MiB = 1024 * 1024

TIMEOUT = 10.0
"""Seconds to connect, and seconds without a byte while reading."""
DEADLINE = 30.0
"""Seconds for one attempt at one URL, start to finish (connection, headers and body), so a
server that drips a byte a second is stopped; each retry and each redirect gets its own."""
MAX_BYTES = 10 * MiB
"""The largest body accepted, counted after decompression."""
CONCURRENCY = 64
"""Requests in flight at once, over all hosts."""
PER_HOST = 2
"""Requests in flight at once to one host (`host:port`) at first."""
PER_HOST_MAX = 8
"""The most requests in flight to one host once it has shown it keeps up."""
RETRIES = 2
"""Retries after the first attempt (so 3 requests at most) of a failure that may pass:
a connection error, a connect timeout, 408, 429, 5xx."""
BACKOFF = 1.0
"""First retry wait in seconds; it doubles each time, plus up to as much random jitter."""
BACKOFF_MAX = 30.0
"""The longest wait between two attempts computed by the backoff."""
RETRY_AFTER_CAP = 60.0
"""The longest `Retry-After` honoured by waiting; a longer one ends the retries."""
MAX_REDIRECTS = 5
"""Redirects followed before giving up."""

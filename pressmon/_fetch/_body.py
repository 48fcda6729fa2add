"""Read a response body within a byte budget, decompressing as it streams.

httpx decodes `Content-Encoding` chunk by chunk without any bound on the
output of one chunk: 64 KiB of a gzip bomb decode to about 64 MiB at once
before a caller counting `aiter_bytes()` gets a chance to stop. Here the
raw chunks (`aiter_raw()`) go through `zlib` with `max_length` set
to what is left of the budget, so no more than `limit + 1` decoded bytes
ever exist, whatever the compression ratio.

The fetcher only asks for `gzip` and `deflate` (`Accept-Encoding`), the
encodings handled here; a server that sends another one anyway is read
through httpx's own decoders, still counted and cut at the limit.
"""

from __future__ import annotations

import zlib

__all__ = ["BodyTooLarge", "BoundedDecoder", "CorruptBody", "supported_encoding"]

_IDENTITY = frozenset({"", "identity"})
_GZIP = frozenset({"gzip", "x-gzip"})
_DEFLATE = frozenset({"deflate"})


class BodyTooLarge(Exception):
    """The decoded body went over the limit."""


class CorruptBody(Exception):
    """The compressed body cannot be decompressed."""


def supported_encoding(content_encoding: str | None) -> bool:
    """Return True when `BoundedDecoder` can decode this `Content-Encoding`."""
    encoding = (content_encoding or "").strip().lower()
    return encoding in _IDENTITY or encoding in _GZIP or encoding in _DEFLATE


class BoundedDecoder:
    """Decode one body, chunk by chunk, and refuse to produce more than `limit` bytes.

    Args:
        content_encoding: the response's `Content-Encoding` (one of
            `supported_encoding`).
        limit: the most decoded bytes allowed.
    """

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        encoding = (content_encoding or "").strip().lower()
        self._limit = limit
        self._size = 0
        self._decompressor: zlib._Decompress | None = None
        self._deflate = encoding in _DEFLATE
        self._first = True
        if encoding in _GZIP:
            self._decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
        elif self._deflate:
            self._decompressor = zlib.decompressobj()

    @property
    def size(self) -> int:
        """Decoded bytes produced so far."""
        return self._size

    def _count(self, data: bytes) -> bytes:
        self._size += len(data)
        if self._size > self._limit:
            raise BodyTooLarge
        return data

    def decode(self, raw: bytes) -> bytes:
        """Return the decoded bytes of one raw chunk.

        Raises:
            BodyTooLarge: the body decoded so far is over the limit.
            CorruptBody: the data is not valid gzip/deflate.
        """
        if self._decompressor is None:
            return self._count(raw)
        room = self._limit - self._size + 1
        try:
            data = self._decompressor.decompress(raw, room)
        except zlib.error as error:
            if self._deflate and self._first:
                # "deflate" is often sent as a raw deflate stream without the zlib header.
                self._decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
                self._first = False
                return self.decode(raw)
            raise CorruptBody(str(error)) from None
        self._first = False
        if self._decompressor.unconsumed_tail:
            # The output filled ``room``: the body is larger than the limit.
            raise BodyTooLarge
        return self._count(data)

    def flush(self) -> bytes:
        """Return what the decompressor still holds at the end of the body."""
        if self._decompressor is None:
            return b""
        try:
            return self._count(self._decompressor.flush())
        except zlib.error as error:
            raise CorruptBody(str(error)) from None

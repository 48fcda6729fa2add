"""Tell what kind of document some bytes are, from their first bytes only."""

from __future__ import annotations

import codecs
import re
from typing import Literal

__all__ = ["DocumentKind", "looks_binary", "sniff"]

DocumentKind = Literal["empty", "binary", "json", "xml", "html", "text"]

_HEAD_BYTES = 2048
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)
_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(?:rss|feed|RDF|channel)[\s>]", re.IGNORECASE)
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_TEXT_CONTROLS = frozenset(b"\t\n\r\f\v\x1b")


def looks_binary(data: bytes) -> bool:
    """Return True for bytes that are not text in any 8-bit or UTF-8 encoding.

    NUL bytes, or many other control characters, mark an image, an archive,
    an executable: not something to read as an article.
    """
    head = data[:_HEAD_BYTES]
    if head.startswith(_WIDE_BOMS):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return controls > max(8, len(head) // 20)


def sniff(data: bytes) -> DocumentKind:
    """Return the kind of document `data` holds."""
    if not data.strip():
        return "empty"
    head = data[:_HEAD_BYTES]
    if head.startswith(_WIDE_BOMS) or head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        # UTF-16/32 text: only XML declares itself like that in practice.
        return "xml"
    if looks_binary(data):
        return "binary"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{", b"["):
        return "json"
    if stripped[:1] == b"<":
        if _FEED_ROOT.search(head):
            return "xml"
        if _HTML_START.search(head):
            return "html"
        return "xml"
    return "text"

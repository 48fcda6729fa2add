"""Make XML bytes safe to hand to any XML parser: no DTD, so no entity to expand.

Feeds never need a document type declaration, and the DTD is where every XML
attack lives: entity expansion ("billion laughs"), external entities that read
local files or URLs (XXE), external DTDs fetched from the network. Rather than
trusting each parser's settings, pressmon removes the whole `<!DOCTYPE ...>`
(internal subset included) from the prolog before parsing. References to the
removed entities then stay unexpanded text (`&lol9;`) or make the strict
parse fail over to feedparser's tolerant one; nothing is expanded, nothing is
resolved.
"""

from __future__ import annotations

import codecs
import re

from pressmon.exceptions import ParseError

__all__ = ["SafeXml", "make_xml_safe"]

_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# "<?" in UTF-16/32 without a byte order mark.
_WIDE_PATTERNS = (
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
)
_ENCODING_DECLARATION = re.compile(rb"""(<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")
_DOCTYPE = b"<!doctype"


class SafeXml(bytes):
    """XML bytes from which any DOCTYPE was removed.

    Attributes:
        warnings: what was removed, for the caller's report.
    """

    warnings: tuple[str, ...]

    def __new__(cls, data: bytes, warnings: tuple[str, ...] = ()) -> SafeXml:
        value = super().__new__(cls, data)
        value.warnings = warnings
        return value


def _to_ascii_compatible(data: bytes) -> bytes:
    """Re-encode UTF-16/UTF-32 documents as UTF-8 so the prolog can be scanned as bytes."""
    encoding = None
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            encoding = name
            data = data[len(bom) :]
            break
    else:
        for pattern, name in _WIDE_PATTERNS:
            if data.startswith(pattern):
                encoding = name
                break
    if encoding is None:
        return data
    text = data.decode(encoding, errors="replace").encode("utf-8")
    return _ENCODING_DECLARATION.sub(rb"\1\2utf-8\2", text, count=1)


def _end_of_doctype(data: bytes, start: int) -> int:
    """Return the index just past the `>` that closes the DOCTYPE starting at `start`."""
    depth = 0
    quote = 0
    index = start + len(_DOCTYPE)
    size = len(data)
    while index < size:
        byte = data[index]
        if quote:
            if byte == quote:
                quote = 0
        elif data.startswith(b"<!--", index):
            end = data.find(b"-->", index + 4)
            if end < 0:
                break
            index = end + 3
            continue
        elif byte in (0x22, 0x27):  # " or '
            quote = byte
        elif byte == 0x5B:  # [
            depth += 1
        elif byte == 0x5D:  # ]
            depth -= 1
        elif byte == 0x3E and depth <= 0:  # >
            return index + 1
        index += 1
    raise ParseError("feed", "malformed DOCTYPE declaration: it never ends")


def make_xml_safe(data: bytes) -> SafeXml:
    """Return the document without its DOCTYPE; UTF-16/32 input comes back as UTF-8.

    Raises:
        ParseError: when a DOCTYPE starts but never ends.
    """
    data = _to_ascii_compatible(data)
    index = 3 if data.startswith(codecs.BOM_UTF8) else 0
    size = len(data)
    while index < size:
        while index < size and data[index] in b" \t\r\n":
            index += 1
        if data.startswith(b"<?", index):
            end = data.find(b"?>", index + 2)
            index = size if end < 0 else end + 2
        elif data.startswith(b"<!--", index):
            end = data.find(b"-->", index + 4)
            index = size if end < 0 else end + 3
        elif data[index : index + len(_DOCTYPE)].lower() == _DOCTYPE:
            end = _end_of_doctype(data, index)
            declaration = data[index:end]
            warnings: tuple[str, ...] = ()
            if b"[" in declaration or b"<!ENTITY" in declaration.upper():
                warnings = (
                    "removed a DOCTYPE with an internal subset: "
                    "entity declarations are never expanded",
                )
            return SafeXml(data[:index] + data[end:], warnings)
        else:
            break
    return SafeXml(data)

"""The bytes of a web page -> text: which encoding it is in.

In order of trust: a byte-order mark; the charset of the HTTP
`Content-Type` header; the charset the page declares (`<meta charset>`,
`<meta http-equiv="Content-Type">`, an XML declaration), found with
beautifulsoup4's own detector; else UTF-8 when the bytes are valid UTF-8, else
Windows-1252 (the usual encoding of undeclared Western European pages, a
superset of Latin-1's printable characters).

A declared encoding that Python does not know, or that the bytes contradict
(a page that says `iso-8859-1` but is valid UTF-8 with non-ASCII characters,
a common CMS mistake), is not trusted blindly: see `decode_page`.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

__all__ = ["content_type_charset", "decode_page"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
# Declarations that browsers treat as Windows-1252 (the WHATWG encoding standard does).
_AS_CP1252 = frozenset({"iso-8859-1", "latin-1", "latin1", "l1", "ascii", "us-ascii", "cp819"})
# A well-formed multi-byte UTF-8 sequence: Windows-1252 text rarely forms one by accident.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_NON_ASCII = re.compile(rb"[\x80-\xff]")
# Only look for a declared charset in the head of the page, as browsers do.
_SNIFF_BYTES = 4096


def content_type_charset(headers: Mapping[str, str] | None) -> str | None:
    """The `charset` parameter of a `Content-Type` header, if any (keys in any case)."""
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == "content-type" and isinstance(value, str):
            match = _CHARSET_PARAM.search(value)
            return match.group(1) if match else None
    return None


def _python_codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    if name in _AS_CP1252:
        return "cp1252"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # UTF-16/32 without a BOM is almost always a wrong declaration copied from a template.
    return None if codec.startswith(("utf-16", "utf-32")) else codec


def _declared(data: bytes) -> str | None:
    from bs4.dammit import EncodingDetector

    found = EncodingDetector.find_declared_encoding(data[:_SNIFF_BYTES], is_html=True)
    return found if isinstance(found, str) else None


def decode_page(data: bytes, headers: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Decode a page's bytes; return the text and the encoding used.

    Never raises: undecodable bytes become U+FFFD in the last resort.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), encoding
    for candidate in (content_type_charset(headers), _declared(data)):
        codec = _python_codec(candidate)
        if codec is None:
            continue
        if codec == "cp1252" and not data.isascii():
            # "iso-8859-1" pages that are really UTF-8 are common; UTF-8 cannot
            # be valid by accident on Western text, so prefer it when it is.
            try:
                return data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue  # the declaration is wrong: try the next way
    return _utf8_or_cp1252(data)


def _utf8_or_cp1252(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Mostly UTF-8 with a few stray bytes (pasted text): keep the UTF-8 and lose
    # the strays, rather than turn every accented letter into mojibake.
    non_ascii = len(_NON_ASCII.findall(data))
    in_sequences = sum(len(sequence) for sequence in _UTF8_SEQUENCE.findall(data))
    if in_sequences >= 0.8 * non_ascii:
        return data.decode("utf-8", errors="replace"), "utf-8"
    # Windows-1252 leaves five bytes undefined; they become U+FFFD.
    return data.decode("cp1252", errors="replace"), "cp1252"

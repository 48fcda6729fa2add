"""The fast parse path: well-formed RSS 2.0/0.9x, RSS 1.0 (RDF) and Atom 1.0 with lxml.

feedparser stays the reference. This module reads the same documents with
libxml2 (through lxml) and rebuilds the very dictionaries feedparser would
have built for the keys pressmon reads, then hands them to the same mapping
(`._feedparser.build_raw_feed`), so both paths produce the same raw
records and therefore the same articles. It reproduces feedparser's
documented and undocumented decisions one by one: how it picks the character
encoding (RFC 3023 rules, fallbacks and their warning), how it names
elements from their namespaces, `xml:base` and `xml:lang` scoping, the
"first title at the shallowest depth wins" rule, the RSS text-or-HTML guess,
`description` becoming content when a summary already exists, a guid that
is a permalink becoming the link, tags, enclosures, media RSS thumbnails and
the rest.

Whenever a document holds something this module does not reproduce exactly
(an unknown root, an element feedparser has a handler for that is not
reproduced here, mixed content in a text construct, an encoding that needs
guessing, an author with an e-mail address, a prefix bound to two
namespaces, ...) it raises `Unsure` and the caller hands the bytes to
feedparser. Being unsure costs only speed; being wrong would cost fidelity,
which the differential tests (`tests/test_parse_differential.py`) guard.

Safety: the input has no DOCTYPE (`._xmlsafety` removed it) and the lxml
parser is configured not to expand entities, not to load any DTD, not to touch
the network, and to refuse huge trees; an entity reference left in the body is
a well-formedness error, which means a fallback to feedparser, which leaves it
unexpanded.
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from pressmon._dates import ParsedDate, parse_date
from pressmon._parse._feedparser import build_raw_feed
from pressmon._parse._raw import RawFeed

if TYPE_CHECKING:
    from lxml.etree import XMLParser, _Element

__all__ = ["Unsure", "parse_fast"]


class Unsure(Exception):
    """The fast path cannot promise feedparser's exact result for this document."""


# ---------------------------------------------------------------- namespaces
# Namespace URI (lower-cased) -> the prefix feedparser names its elements with.
# Every namespace whose elements feedparser has a handler for is listed, so an
# element is named as feedparser names it whatever prefix the document uses.
# tests/test_parse_fast.py checks this table against feedparser's own.
_NAMESPACES: dict[str, str] = {
    "": "",
    "http://backend.userland.com/rss": "",
    "http://blogs.law.harvard.edu/tech/rss": "",
    "http://purl.org/rss/1.0/": "",
    "http://my.netscape.com/rdf/simple/0.9/": "",
    "http://example.com/newformat#": "",
    "http://example.com/necho": "",
    "http://purl.org/echo/": "",
    "uri/of/echo/namespace#": "",
    "http://purl.org/pie/": "",
    "http://purl.org/atom/ns#": "",
    "http://www.w3.org/2005/atom": "",
    "http://purl.org/rss/1.0/modules/rss091#": "",
    "http://creativecommons.org/ns#license": "cc",
    "http://web.resource.org/cc/": "cc",
    "http://cyber.law.harvard.edu/rss/creativecommonsrssmodule.html": "creativecommons",
    "http://backend.userland.com/creativecommonsrssmodule": "creativecommons",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://rssnamespace.org/feedburner/ext/1.0": "feedburner",
    "http://www.georss.org/georss": "georss",
    "http://www.opengis.net/gml": "gml",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "http://example.com/dtds/podcast-1.0.dtd": "itunes",
    "http://search.yahoo.com/mrss": "media",
    "http://search.yahoo.com/mrss/": "media",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://www.w3.org/1999/xhtml": "xhtml",
    "http://www.w3.org/xml/1998/namespace": "xml",
    "http://podlove.org/simple-chapters": "psc",
}
_STANDARD_PREFIXES = frozenset(value for value in _NAMESPACES.values() if value)
_ATOM10 = "http://www.w3.org/2005/atom"
_RSS10 = "http://purl.org/rss/1.0/"
_RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_VERSION_NAMESPACES = frozenset({_ATOM10, _RSS10, _RSS090})

# Every element name feedparser has a start or end handler for (from its mixin).
# A name in here that this module does not reproduce makes it unsure.
# tests/test_parse_fast.py checks this set against the installed feedparser.
FEEDPARSER_HANDLERS = frozenset(
    """abstract author body category cc_license channel cloud content content_encoded
    contributor copyright created creativecommons_license dc_author dc_contributor
    dc_creator dc_date dc_description dc_language dc_publisher dc_rights dc_subject dc_title
    dcterms_created dcterms_issued dcterms_modified dcterms_valid description email
    enclosure entry expirationdate feed feedburner_browserfriendly fullitem generator geom
    georss_box georss_line georss_point georss_polygon georss_where georssgeom gml_exterior
    gml_linearring gml_linestring gml_point gml_polygon gml_pos gml_poslist guid height
    homepage id image info issued item itunes_author itunes_block itunes_category
    itunes_email itunes_explicit itunes_image itunes_keywords itunes_link itunes_name
    itunes_owner itunes_subtitle itunes_summary keywords language lastbuilddate link
    managingeditor media_category media_content media_credit media_description media_group
    media_keywords media_license media_player media_rating media_restriction
    media_thumbnail media_title modified name newlocation psc_chapter psc_chapters pubdate
    published rights rss source subtitle summary tagline tags textinput title updated uri
    url webmaster where width xhtml_body""".split()
)

# Keys of feedparser's dictionaries that pressmon reads (after feedparser's key
# aliases): an element without a handler is stored under its own name, which
# must not land on one of these.
_READ_KEYS = frozenset(
    """title title_detail summary summary_detail content source link links id guid
    published published_parsed updated updated_parsed authors author tags media_content
    media_thumbnail image language subtitle subtitle_detail""".split()
)
_KEY_ALIASES = {
    "guid": "id",
    "date": "updated",
    "date_parsed": "updated_parsed",
    "description": "summary",
    "description_detail": "summary_detail",
    "url": "href",
    "modified": "updated",
    "modified_parsed": "updated_parsed",
    "issued": "published",
    "issued_parsed": "published_parsed",
    "copyright": "rights",
    "copyright_detail": "rights_detail",
    "tagline": "subtitle",
    "tagline_detail": "subtitle_detail",
}

# Handlers whose effects never reach a key pressmon reads, for leaf elements.
_HARMLESS = frozenset(
    """rights copyright dc_rights dc_publisher webmaster created
    dcterms_created expirationdate dcterms_valid media_credit media_rating
    media_restriction media_license itunes_explicit itunes_block info
    feedburner_browserfriendly generator cloud newlocation width
    height email homepage uri url cc_license creativecommons_license""".split()
)
# Names handled as feedparser handles them (see _Walker._element).
_TITLES = frozenset({"title", "dc_title", "media_title"})
_DESCRIPTIONS = frozenset({"description", "dc_description", "media_description"})
_SUMMARIES = frozenset({"summary", "itunes_summary"})
_CONTENTS = frozenset({"content", "content_encoded", "fullitem"})
_PUBLISHED = frozenset({"pubdate", "published", "issued", "dcterms_issued"})
_UPDATED = frozenset({"updated", "modified", "lastbuilddate", "dc_date", "dcterms_modified"})
_AUTHORS = frozenset({"author", "dc_author", "dc_creator", "itunes_author", "managingeditor"})
_CATEGORIES = frozenset({"category", "dc_subject", "media_category", "keywords"})
_ITEMS = frozenset({"item", "entry"})
_FEEDS = frozenset({"channel", "feed"})

# Elements whose text feedparser resolves as a URL against xml:base.
_RELATIVE = frozenset("comments docs href icon id link logo url wfw_comment wfw_commentrss".split())
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_TYPES = frozenset({"text/plain", "text/html", "application/xhtml+xml"})
_RSS_VERSIONS = {"0.91": "rss091u", "0.92": "rss092", "0.93": "rss093", "0.94": "rss094"}

# Windows-1252 characters that Latin-1 decoding leaves as C1 controls: feedparser
# maps them back on every text value.
_C1_TO_CP1252 = {
    code: bytes([code]).decode("cp1252")
    for code in range(0x80, 0xA0)
    if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
# A C1 control character (U+0080..U+009F) in UTF-8: searched in bytes, where the
# regular expression engine can skip to each 0xC2 instead of testing every character.
_C1_UTF8 = re.compile(b"\xc2[\x80-\x9f]")
_LINK_ENTITY = re.compile(r"&([A-Za-z0-9_]+);")
_SCHEME_SLASHES = re.compile(r"^[A-Za-z][A-Za-z0-9+,.\-]*:///")
_XMLNS = re.compile(r"""xmlns(?::([^\s=/>]+))?\s*=\s*(["'])(.*?)\2""", re.DOTALL)
_DECLARATION_ENCODING = re.compile(rb"""^<\?xml[^\n]*?encoding=(["'])([^"'\n]*)\1[^\n]*?\?>""")
_ENCODING_WORD = re.compile(rb"encoding\s*=")
_CLOSE_TAG = re.compile(r"</(\w+)>")
_ANY_ENTITY = re.compile(r"&#?\w+;")
_TAG_NAME = re.compile(r"</?(\w+)")
_NAMED_ENTITY = re.compile(r"&(\w+);")


# ---------------------------------------------------------------- encoding
def _content_type(value: str) -> tuple[str, str]:
    """Split a Content-Type header into its media type and charset, as feedparser does."""
    media_type, *parameters = value.split(";")
    charset = ""
    for parameter in parameters:
        key, _, parameter_value = parameter.partition("=")
        if key.strip().lower() == "charset":
            charset = parameter_value.strip().strip("\"'")
    return media_type.strip(), charset


def _chardet_installed() -> bool:
    import importlib.util

    return any(importlib.util.find_spec(name) is not None for name in ("cchardet", "chardet"))


def decode_like_feedparser(data: bytes, headers: Mapping[str, str]) -> tuple[str, list[str]]:
    """Decode `data` with the encoding feedparser would choose, and its warnings.

    (See `_decode`, which also names the codec that was used.)
    """
    text, warnings, _ = _decode(data, headers)
    return text, warnings


def _decode(data: bytes, headers: Mapping[str, str]) -> tuple[str, list[str], str]:
    """Decode `data` with the encoding feedparser would choose: text, warnings, codec.

    Follows RFC 3023 as feedparser applies it: the HTTP charset, the XML
    declaration and the byte order mark, then its fixed fallbacks.

    Raises:
        Unsure: when feedparser would have to guess (chardet) or give up.
    """
    bom = ""
    if data.startswith(b"\xef\xbb\xbf"):
        bom, data = "utf-8", data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:4] in (b"\x00\x00\x00<", b"<\x00\x00\x00"):
        raise Unsure("UTF-16/32 input was not converted")  # make_xml_safe converts these
    declared = ""
    if data.startswith(b"<?"):
        # feedparser reads the encoding from the first line, wherever it says "encoding=".
        newline = data.find(b"\n")
        first_line = data if newline < 0 else data[:newline]
        mentions = len(_ENCODING_WORD.findall(first_line))
        if mentions:
            match = _DECLARATION_ENCODING.match(first_line)
            if match is None or mentions > 1 or first_line.count(b"encoding=") != 1:
                raise Unsure("an unusual encoding declaration")
            declared = match.group(2).decode("ascii", "replace").lower()
    media_type, http_charset = _content_type(headers.get("content-type") or "")
    xml_media = media_type in (
        "application/xml",
        "application/xml-dtd",
        "application/xml-external-parsed-entity",
    ) or (media_type.startswith("application/") and media_type.endswith("+xml"))
    text_xml = media_type in ("text/xml", "text/xml-external-parsed-entity") or (
        media_type.startswith("text/") and media_type.endswith("+xml")
    )
    if xml_media:
        chosen = http_charset or declared or "utf-8"
    elif text_xml or media_type.startswith("text/"):
        chosen = http_charset or "us-ascii"
    elif headers and "content-type" not in headers:
        chosen = declared or "iso-8859-1"
    else:
        chosen = declared or "utf-8"
    if chosen.lower() == "gb2312":
        chosen = "gb18030"
    if declared == "gb2312":
        declared = "gb18030"
    warnings: list[str] = []
    if "content-type" in headers and not (xml_media or text_xml):
        warnings = [f"content type: {headers['content-type']} is not an XML media type"]
    tried: list[str] = []
    for proposal in (chosen, declared, bom, None, "utf-8", "windows-1252", "iso-8859-2"):
        if proposal is None:
            if _chardet_installed():
                raise Unsure("feedparser would ask chardet")
            continue
        if not proposal or proposal in tried:
            continue
        tried.append(proposal)
        try:
            text = data.decode(proposal)
        except (UnicodeDecodeError, LookupError):
            continue
        if proposal != chosen:
            warnings = [f"encoding: document declared as {chosen}, but parsed as {proposal}"]
        return text, warnings, proposal
    raise Unsure("no encoding decodes the document")


# ---------------------------------------------------------------- URLs
_join_cache: dict[tuple[str, str], str] = {}


# An absolute http(s) URL that urljoin gives back unchanged whatever the base
# (lower-case scheme, a host, no ';' parameters, no empty query or fragment, no
# whitespace or control character): most links in feeds.
_AS_IS = re.compile(
    r"https?://[A-Za-z0-9.\-]+(?::[0-9]*)?(?:/[^\x00-\x20\x7f;?#]*)?"
    r"(?:\?[^\x00-\x20\x7f#]+)?(?:#[^\x00-\x20\x7f]+)?"
)


@functools.lru_cache(maxsize=256)
def _readable(base: str) -> bool:
    try:
        urlsplit(base)
    except ValueError:
        return False
    return True


def _urljoin(base: str, uri: str) -> str:
    """feedparser's join: `urljoin`, an empty result when it fails."""
    if _AS_IS.fullmatch(uri) and (not base or _readable(base)):
        return uri  # what urljoin returns, without parsing it twice
    if _SCHEME_SLASHES.match(uri):
        raise Unsure("a URL with extra slashes after its scheme")
    try:
        return urljoin(base, uri)
    except ValueError:
        raise Unsure("a URL urljoin cannot read") from None


def _safe_absolute(base: str, relative: str) -> str:
    """feedparser's `make_safe_absolute_uri` for http(s) documents; unsure otherwise."""
    key = (base, relative)
    cached = _join_cache.get(key)
    if cached is not None:
        return cached
    if not base:
        result = relative or ""
    elif not relative:
        try:
            scheme = urlsplit(base).scheme
        except ValueError:
            raise Unsure("an unreadable base URL") from None
        if scheme not in ("", "http", "https"):
            raise Unsure(f"a base URL with scheme {scheme!r}")
        result = base
    else:
        result = _urljoin(base, relative)
        if result.strip().split(":", 1)[0] not in ("http", "https"):
            raise Unsure("a base URL that is not http(s)")
    if len(_join_cache) > 4096:
        _join_cache.clear()
    _join_cache[key] = result
    return result


# ---------------------------------------------------------------- text values
def _fix_text(value: str) -> str:
    """The two repairs feedparser applies to every text value it stores."""
    if not value.isascii():
        # UTF-8 that was read as Latin-1 somewhere upstream: feedparser undoes it
        # when it sees a UTF-8 lead byte followed by a continuation byte and the
        # text decodes. A non-ASCII text that decodes has such a pair, so trying
        # the decoding (which fails fast) is the same test, without the search.
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            value = value.encode("iso-8859-1").decode("utf-8")
        if _C1_UTF8.search(value.encode("utf-8", "surrogatepass")):
            value = value.translate(_C1_TO_CP1252)
    return value


_html_elements: frozenset[str] | None = None


def _looks_like_html(value: str) -> bool:
    """feedparser's guess whether an RSS text construct declared as plain text is HTML."""
    global _html_elements
    if not (_CLOSE_TAG.search(value) or _ANY_ENTITY.search(value)):
        return False
    if _html_elements is None:
        # The element list is feedparser's own, so the guess is the same.
        from feedparser.sanitizer import _HTMLSanitizer

        _html_elements = frozenset(_HTMLSanitizer.acceptable_elements)
    if any(tag.lower() not in _html_elements for tag in _TAG_NAME.findall(value)):
        return False
    import html.entities

    return all(name in html.entities.entitydefs for name in _NAMED_ENTITY.findall(value))


_SHORT_CONTENT_TYPES = {
    "text": "text/plain",
    "plain": "text/plain",
    "html": "text/html",
    "xhtml": "application/xhtml+xml",
}


def _content_type_of(value: str) -> str:
    value = value.lower()
    return _SHORT_CONTENT_TYPES.get(value, value)


def _xml_escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def feedparser_date(text: str) -> time.struct_time | None:
    """feedparser's reading of a date, only asked when pressmon's own parsers fail."""
    from feedparser.datetimes import _parse_date

    try:
        parsed: time.struct_time | None = _parse_date(text)
    except Exception:
        return None
    return parsed


def _date_parsed(text: str) -> tuple[time.struct_time | None, ParsedDate | None]:
    """feedparser's reading of a date, and pressmon's own (when its parsers succeed).

    pressmon re-reads the date text itself; feedparser's reading is only used
    when pressmon's parsers fail, so only then is it worth computing. pressmon's
    reading goes along with the text, so that normalizing does not parse it again.
    """
    if not text:
        return None, None
    read = parse_date(text, other_formats=False)
    if read is not None:
        return None, read
    return feedparser_date(text), None


# ---------------------------------------------------------------- parser
_local = threading.local()


def _xml_parser() -> XMLParser:
    parser: XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        from lxml import etree

        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            recover=False,
            collect_ids=False,
        )
        _local.parser = parser
    return parser


def _check_declarations(text: str) -> None:
    """Unsure when feedparser's global prefix table would name an element differently."""
    bound: dict[str, str] = {}
    for match in _XMLNS.finditer(text):
        prefix, uri = match.group(1), match.group(3)
        if not prefix:
            continue  # feedparser never looks the default namespace up by prefix
        if prefix in bound and bound[prefix] != uri:
            raise Unsure(f"prefix {prefix!r} is bound to two namespaces")
        bound[prefix] = uri
        standard = _NAMESPACES.get(uri.lower())
        if standard is not None and standard != prefix and prefix in _STANDARD_PREFIXES:
            raise Unsure(f"prefix {prefix!r} is used for another known namespace")


# Tag -> name, for the tags whose name does not depend on the element's own
# prefix (no namespace, or a namespace feedparser knows): most of them.
_names_of_tags: dict[str, str] = {}


def _name(element: _Element) -> str:
    """The name feedparser dispatches an element on (`dc_creator`, `title`, ...)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    name = _names_of_tags.get(tag)
    if name is not None:
        return name
    if tag[0] != "{":
        name = tag.lower()
    else:
        namespace, local = tag[1:].split("}", 1)
        lowered = namespace.lower()
        if "backend.userland.com/rss" in lowered:
            lowered = "http://backend.userland.com/rss"
        prefix = _NAMESPACES.get(lowered)
        if prefix is None:
            prefix = (element.prefix or "").lower()
            return f"{prefix}_{local.lower()}" if prefix else local.lower()
        name = f"{prefix}_{local.lower()}" if prefix else local.lower()
    if len(_names_of_tags) > 4096:
        _names_of_tags.clear()
    _names_of_tags[tag] = name
    return name


def _attributes(element: _Element) -> dict[str, str]:
    """The element's attributes keyed as feedparser keys them."""
    attrib = element.attrib
    if not attrib:
        return {}
    attrs: dict[str, str] = {}
    qualified: dict[str, str] = {}
    for key, value in attrib.items():
        key = str(key)
        if key[0] == "{":
            namespace, local = key[1:].split("}", 1)
            prefix = _NAMESPACES.get(namespace.lower())
            if prefix is None:
                if local.lower() in ("href", "url", "uri", "rel", "type", "medium", "term"):
                    raise Unsure("a namespaced attribute shadows a plain one")
                prefix = ""
            attrs[f"{prefix}:{local}".lower() if prefix else local.lower()] = str(value)
            given = next((p for p, u in element.nsmap.items() if u == namespace and p), None)
            if namespace == "http://www.w3.org/XML/1998/namespace":
                given = "xml"
            if given is not None:
                qualified[f"{given}:{local}".lower()] = str(value)
        else:
            attrs[key.lower()] = str(value)
    for key, value in qualified.items():
        if key in ("xml:base", "xml:lang", "rdf:about") and attrs.get(key) != value:
            raise Unsure("a reserved attribute name in another namespace")
        attrs[key] = value
    for key in ("rel", "type"):
        if key in attrs:
            attrs[key] = attrs[key].lower() or attrs[key]
    return attrs


def _enforce_href(attrs: dict[str, str]) -> dict[str, str]:
    href = attrs.get("url", attrs.get("uri", attrs.get("href")))
    if href:
        attrs.pop("url", None)
        attrs.pop("uri", None)
        attrs["href"] = href
    return attrs


class _Walker:
    """Replays feedparser's event handling over an lxml tree, for the keys pressmon reads."""

    def __init__(self, base: str, language: str | None, version: str) -> None:
        self.base = base
        self.lang = language
        self.base_stack: list[str] = []
        self.settled_base: str | None = None
        self.lang_stack: list[str | None] = []
        self.depth = 0
        self.version = version
        self.is_atom = version.startswith("atom")
        self.feed: dict[str, Any] = {}
        if language:
            self.feed["language"] = language.replace("_", "-")
        self.entries: list[dict[str, Any]] = []
        self.entry: dict[str, Any] | None = None
        self.depths: dict[str, int] = {}
        self.in_feed = False
        self.has_content = False
        self.title_depth = -1
        self.guid_is_link = False

    # -- scoping (xml:base, xml:lang, depth), as feedparser's unknown_starttag/endtag
    def _open(self, attrs: dict[str, str], name: str) -> None:
        self.depth += 1
        lang: str | None
        if attrs or self.base is not self.settled_base:
            given = attrs.get("xml:base", attrs.get("base")) or self.base
            if self.base:
                base = _safe_absolute(self.base, given) or self.base
            else:
                base = _urljoin(self.base, given)
            if not attrs and base == self.base:
                # This base resolves to itself: until it changes, an element
                # without attributes keeps it (the common case, skipped above).
                self.settled_base = self.base
            self.base = base
            lang = attrs.get("xml:lang", attrs.get("lang"))
        else:
            lang = None
        if lang == "":
            lang = None
        elif lang is None:
            lang = self.lang
        if lang and name in ("feed", "rss"):
            self.feed["language"] = lang.replace("_", "-")
        self.lang = lang
        self.base_stack.append(self.base)
        self.lang_stack.append(lang)

    def _close(self) -> None:
        self.base_stack.pop()
        if self.base_stack and self.base_stack[-1]:
            self.base = self.base_stack[-1]
        self.lang_stack.pop()
        if self.lang_stack:
            self.lang = self.lang_stack[-1]
        self.depth -= 1

    def _context(self) -> dict[str, Any]:
        return self.entry if self.entry is not None else self.feed

    def _resolve(self, uri: str) -> str:
        return _urljoin(self.base or "", uri)

    # -- the tree
    def walk(self, element: _Element) -> None:
        name = _name(element)
        if not name:
            return
        attrs = _attributes(element)
        self._open(attrs, name)
        self._element(element, name, attrs)
        self._close()

    def _children(self, element: _Element) -> None:
        for child in element:
            self.walk(child)

    def _leaf_text(self, element: _Element) -> str:
        if len(element):
            raise Unsure(f"child elements inside <{element.tag!s}>")
        return element.text or ""

    def _element(self, element: _Element, name: str, attrs: dict[str, str]) -> None:
        in_entry = self.entry is not None
        if name in _ITEMS:
            if in_entry:
                raise Unsure("an item inside an item")
            self._item(element, attrs)
        elif name in _FEEDS:
            if in_entry or "lastmod" in attrs or "href" in attrs:
                raise Unsure("an unusual feed element")
            self.in_feed = True
            self._children(element)
            self.in_feed = False
        elif name == "rss":
            self._children(element)
        elif name in _TITLES:
            self._title(element, name, attrs)
        elif name in _DESCRIPTIONS:
            context = self._context()
            if "summary" in context and not self.has_content:
                self._content(element, attrs, "text/plain")
            else:
                self._text_construct(element, "description", attrs, "text/html")
        elif name in _SUMMARIES:
            context = self._context()
            if "summary" in context and not self.has_content:
                self._content(element, attrs, "text/plain")
            else:
                self._text_construct(element, "summary", attrs, "text/plain")
        elif name == "content":
            self._content(element, attrs, "text/plain")
        elif name in ("content_encoded", "fullitem"):
            self._content(element, attrs, "text/html")
        elif name == "link":
            self._link(element, attrs)
        elif name in ("guid", "id"):
            self._guid(element, attrs)
        elif name in _PUBLISHED:
            self._date(element, "published")
        elif name in _UPDATED:
            self._date(element, "updated")
        elif name in _AUTHORS:
            self._author(element)
        elif name in _CATEGORIES:
            self._category(element, name, attrs)
        elif name in ("itunes_keywords", "media_keywords"):
            self._keywords(element, name, attrs)
        elif name == "enclosure":
            links = self._context().setdefault("links", [])
            links.append({**_enforce_href(attrs), "rel": "enclosure"})
            self._children(element)
        elif name == "media_content":
            self._context().setdefault("media_content", []).append(attrs)
            self._children(element)
        elif name == "media_thumbnail":
            self._thumbnail(element, attrs)
        elif name == "media_group":
            self._children(element)
        elif name in ("itunes_image", "itunes_link"):
            href = attrs.get("href") or attrs.get("url")
            if href:
                self._context()["image"] = {"href": href}
            self._leaf_text(element)
        elif name == "source":
            self._source(element, attrs)
        elif name in ("image", "textinput"):
            self._image_or_textinput(element, name)
        elif name in ("language", "dc_language"):
            output = self._value(self._leaf_text(element), "language")
            if self.entry is None:
                self._store("language", output, None)
        elif name in ("subtitle", "tagline", "itunes_subtitle"):
            self._text_construct(element, "subtitle", attrs, "text/plain")
        elif name in ("contributor", "dc_contributor", "itunes_owner", "name") or name in _HARMLESS:
            self._skip(element)
        elif name in FEEDPARSER_HANDLERS:
            raise Unsure(f"<{name}> is not reproduced")
        else:
            self._generic(element, name, attrs)

    def _skip(self, element: _Element) -> None:
        # A leaf whose handler only writes keys pressmon never reads.
        for child in element:
            child_name = _name(child)
            if child_name in FEEDPARSER_HANDLERS and child_name not in (
                "name",
                "email",
                "uri",
                "url",
                "homepage",
                "itunes_name",
                "itunes_email",
            ):
                raise Unsure(f"<{child_name}> inside <{element.tag!s}>")
            if len(child):
                raise Unsure("nested elements inside a skipped element")
            self._open(_attributes(child), child_name)
            self._close()

    def _generic(self, element: _Element, name: str, attrs: dict[str, str]) -> None:
        # feedparser stores an element it has no handler for under its own name.
        if _KEY_ALIASES.get(name, name) in _READ_KEYS:
            raise Unsure(f"<{name}> would be stored under a key pressmon reads")
        self._children(element)

    # -- text values
    def _value(self, text: str, element_name: str, *, expecting: bool = True) -> str:
        output = text.strip()
        if not expecting:
            return output
        if element_name in _RELATIVE and output and (element_name != "id" or self.guid_is_link):
            output = self._resolve(output)
        return _fix_text(output)

    def _store(self, element_name: str, output: str, params: dict[str, Any] | None) -> None:
        """feedparser's `pop` storing rules, for a value that reached them."""
        if self.entry is not None:
            entry = self.entry
            if element_name == "description":
                element_name = "summary"
            old = self.depths.get(element_name)
            if old is None or self.depth <= old:
                self.depths[element_name] = self.depth
                entry[element_name] = output
            if params is not None:
                entry[f"{element_name}_detail"] = {**params, "value": output}
        elif self.in_feed:
            if element_name == "description":
                element_name = "subtitle"
            self.feed[element_name] = output
            if params is not None:
                self.feed[f"{element_name}_detail"] = {**params, "value": output}

    def _params(self, attrs: dict[str, str], default_type: str) -> dict[str, Any]:
        if self.lang:
            self.lang = self.lang.replace("_", "-")
        content_type = _content_type_of(attrs.get("type", default_type))
        if content_type not in _TEXT_TYPES or attrs.get("mode") == "base64":
            raise Unsure(f"a text construct of type {content_type!r}")
        return {"type": content_type, "language": self.lang, "base": self.base}

    def _construct_value(self, element: _Element, params: dict[str, Any]) -> str:
        if params["type"] == "application/xhtml+xml":
            text = self._xhtml(element)
        else:
            text = self._leaf_text(element)
        output = text.strip()
        if not self.is_atom and params["type"] == "text/plain" and _looks_like_html(output):
            params["type"] = "text/html"
        return _fix_text(output)

    def _xhtml(self, element: _Element) -> str:
        pieces: list[str] = []
        if element.text:
            pieces.append(_xml_escape(element.text))
        for child in element:
            self._markup(child, pieces)
            if child.tail:
                pieces.append(_xml_escape(child.tail))
        if self.is_atom:
            while len(pieces) > 1 and not pieces[-1].strip():
                del pieces[-1]
            while len(pieces) > 1 and not pieces[0].strip():
                del pieces[0]
            if pieces and pieces[0].startswith(("<div>", "<div ")) and pieces[-1] == "</div>":
                depth = 0
                for piece in pieces[:-1]:
                    if piece.startswith("</"):
                        depth -= 1
                        if depth == 0:
                            break
                    elif piece.startswith("<") and not piece.endswith("/>"):
                        depth += 1
                else:
                    pieces = pieces[1:-1]
        return "".join(pieces)

    def _markup(self, element: _Element, pieces: list[str]) -> None:
        name = _name(element)
        if not name:
            return
        if name in FEEDPARSER_HANDLERS:
            raise Unsure(f"<{name}> inside XHTML content")
        attrs = _attributes(element)
        self._open(attrs, name)
        local = str(element.tag).rsplit("}", 1)[-1].lower()
        attributes = "".join(
            f' {key}="{_xml_escape(value).replace(chr(34), "&quot;")}"'
            for key, value in attrs.items()
        )
        pieces.append(f"<{local}{attributes}>")
        if element.text:
            pieces.append(_xml_escape(element.text))
        for child in element:
            self._markup(child, pieces)
            if child.tail:
                pieces.append(_xml_escape(child.tail))
        pieces.append(f"</{local}>")
        self._close()

    def _text_construct(
        self, element: _Element, element_name: str, attrs: dict[str, str], default_type: str
    ) -> None:
        params = self._params(attrs, default_type)
        output = self._construct_value(element, params)
        expecting = self.in_feed or self.entry is not None
        if expecting:
            self._store(element_name, output, params)

    def _title(self, element: _Element, name: str, attrs: dict[str, str]) -> None:
        params = self._params(attrs, "text/plain")
        output = self._construct_value(element, params)
        saved_depth = self.title_depth
        expecting = self.in_feed or self.entry is not None
        if expecting and not (-1 < self.title_depth <= self.depth):
            self._store("title", output, params)
        if output:
            self.title_depth = self.depth
        if name == "media_title":
            self.title_depth = saved_depth

    def _content(self, element: _Element, attrs: dict[str, str], default_type: str) -> None:
        self.has_content = True
        params = self._params(attrs, default_type)
        if attrs.get("src"):
            params["src"] = attrs["src"]
        output = self._construct_value(element, params)
        if self.entry is not None:
            self.entry.setdefault("content", []).append({**params, "value": output})
        elif self.in_feed:
            self.feed["content"] = output
        if params["type"] in _TEXT_TYPES:
            self._context().setdefault("summary", output)

    def _link(self, element: _Element, attrs: dict[str, str]) -> None:
        attrs.setdefault("rel", "alternate")
        attrs.setdefault("type", "application/atom+xml" if attrs["rel"] == "self" else "text/html")
        attrs = _enforce_href(attrs)
        if "href" in attrs:
            attrs["href"] = self._resolve(attrs["href"])
        context = self._context()
        links = context.setdefault("links", [])
        links.append(attrs)
        if "href" in attrs:
            if attrs.get("rel") == "alternate" and _content_type_of(attrs["type"]) in _HTML_TYPES:
                context["link"] = attrs["href"]
            self._children(element)
            return
        output = self._value(self._leaf_text(element), "link")
        if self.entry is not None:
            output = _LINK_ENTITY.sub(r"&\1", output.replace("&amp;", "&"))
            self.entry["link"] = output
            if output:
                links[-1]["href"] = output
        elif self.in_feed:
            output = _LINK_ENTITY.sub(r"&\1", output)
            self.feed["link"] = output
            links[-1]["href"] = output

    def _guid(self, element: _Element, attrs: dict[str, str]) -> None:
        self.guid_is_link = attrs.get("ispermalink", "true") == "true"
        output = self._value(self._leaf_text(element), "id")
        self._store("id", output, None)
        context = self._context()
        context.setdefault("guidislink", self.guid_is_link and "link" not in context)
        if self.guid_is_link:
            context.setdefault("link", output)

    def _date(self, element: _Element, key: str) -> None:
        output = self._value(self._leaf_text(element), key)
        self._store(key, output, None)
        parsed, read = _date_parsed(output)
        context = self._context()
        context[f"{key}_parsed"] = parsed
        if read is not None:
            # Under a key no element can have (a space): see _feedparser._date.
            context[f"{key} read"] = (output, read)

    def _author(self, element: _Element) -> None:
        if self.entry is None:
            self._skip(element)  # the feed's own authors are not read
            return
        entry = self.entry
        entry.setdefault("authors", []).append({})
        if len(element):
            name = email = ""
            for child in element:
                child_name = _name(child)
                if child_name not in ("name", "email", "uri", "url", "homepage"):
                    raise Unsure(f"<{child_name}> inside an author")
                value = self._leaf_text(child).strip()
                if child_name == "name":
                    name = value
                elif child_name == "email":
                    email = value
                self._open(_attributes(child), child_name)
                self._close()
            if (element.text or "").strip() or any((c.tail or "").strip() for c in element):
                raise Unsure("text beside the parts of an author")
            if not name:
                raise Unsure("an author without a name")
            entry["authors"][-1]["name"] = name
            self._store("author", "", None)
            entry["author"] = f"{name} ({email})" if email else name
            return
        output = self._value(self._leaf_text(element), "author")
        self._store("author", output, None)
        author = entry.get("author")
        if author:
            if "@" in author:
                raise Unsure("an author with an e-mail address")
            entry["authors"][-1]["name"] = author

    def _tags(self) -> list[list[str | None]]:
        tags: list[list[str | None]] = self._context().setdefault("_tags", [])
        return tags

    def _add_tag(self, term: str | None, scheme: str | None, label: str | None) -> None:
        tags = self._tags()
        self._context().setdefault("tags", [])
        if not term and not scheme and not label:
            return
        if [term, scheme, label] not in tags:
            tags.append([term, scheme, label])

    def _category(self, element: _Element, name: str, attrs: dict[str, str]) -> None:
        if name == "media_category":
            attrs.setdefault("scheme", "http://search.yahoo.com/mrss/category_schema")
        self._add_tag(
            attrs.get("term"), attrs.get("scheme", attrs.get("domain")), attrs.get("label")
        )
        value = self._value(self._leaf_text(element), "category")
        if not value:
            return
        tags = self._tags()
        if tags and not tags[-1][0]:
            tags[-1][0] = value
        else:
            self._add_tag(value, None, None)

    def _keywords(self, element: _Element, name: str, attrs: dict[str, str]) -> None:
        text = self._leaf_text(element)
        if attrs:
            return  # feedparser stores the attributes and fails quietly on the words
        value = self._value(text, name)
        scheme = "http://www.itunes.com/" if name == "itunes_keywords" else None
        for term in value.split(","):
            if term.strip():
                self._add_tag(term.strip(), scheme, None)

    def _thumbnail(self, element: _Element, attrs: dict[str, str]) -> None:
        output = self._value(self._leaf_text(element), "url")
        thumbnails = self._context().setdefault("media_thumbnail", [])
        thumbnails.append(attrs)
        if output.strip() and "url" not in attrs:
            attrs["url"] = output

    def _source(self, element: _Element, attrs: dict[str, str]) -> None:
        if self.entry is None:
            raise Unsure("a <source> outside an item")
        source: dict[str, str] = {}
        if "url" in attrs:
            source["href"] = attrs["url"]
        self.title_depth = -1
        value = self._value(self._leaf_text(element), "source")
        self._store("source", value, None)
        if value:
            source["title"] = value
        self.entry["source"] = source

    def _image_or_textinput(self, element: _Element, name: str) -> None:
        if self.entry is not None:
            raise Unsure(f"<{name}> inside an item")
        allowed = (
            ("title", "link", "description", "url", "href", "width", "height")
            if name == "image"
            else ("title", "link", "description", "name")
        )
        self.title_depth = -1
        for child in element:
            child_name = _name(child)
            if child_name not in allowed:
                raise Unsure(f"<{child_name}> inside <{name}>")
            self._open(_attributes(child), child_name)
            if child_name == "title" and self._leaf_text(child).strip():
                self.title_depth = self.depth
            self._leaf_text(child)
            self._close()

    def _item(self, element: _Element, attrs: dict[str, str]) -> None:
        if "lastmod" in attrs or "href" in attrs:
            raise Unsure("a CDF item")
        entry: dict[str, Any] = {}
        self.entries.append(entry)
        self.entry = entry
        self.depths = {}
        self.guid_is_link = False
        self.title_depth = -1
        about = attrs.get("rdf:about")
        if about:
            entry["id"] = about
        self._children(element)
        self.entry = None
        self.has_content = False


def _finish_tags(context: dict[str, Any]) -> None:
    tags = context.pop("_tags", None)
    if tags is not None:
        context["tags"] = [
            {"term": term, "scheme": scheme, "label": label} for term, scheme, label in tags
        ]


def _version(root: _Element) -> str:
    tag = root.tag
    if not isinstance(tag, str):
        raise Unsure("no root element")
    declared = {uri.lower() for uri in root.nsmap.values()} & _VERSION_NAMESPACES
    if tag in ("rss", "{http://backend.userland.com/rss}rss") or (
        tag.endswith("}rss") and "backend.userland.com/rss" in tag.lower()
    ):
        if declared - {_ATOM10}:
            raise Unsure("an RSS 1.0 or 0.90 namespace on an <rss> root")
        version = root.get("version", "")
        if version in _RSS_VERSIONS:
            return _RSS_VERSIONS[version]
        return "rss20" if version.startswith("2.") else "rss"
    if tag.lower() == "{http://www.w3.org/2005/atom}feed":
        if declared != {_ATOM10} or tag != "{http://www.w3.org/2005/Atom}feed":
            raise Unsure("an Atom root with other version namespaces")
        return "atom10"
    if tag == f"{{{_RDF}}}RDF":
        if declared != {_RSS10}:
            raise Unsure("an RDF root without exactly the RSS 1.0 namespace")
        return "rss10"
    raise Unsure(f"root element {tag!r}")


def parse_fast(
    data: bytes, *, url: str | None = None, headers: Mapping[str, str] | None = None
) -> RawFeed:
    """Parse a well-formed feed with lxml into the raw feed feedparser's path would give.

    Args:
        data: the document without DOCTYPE (see `._xmlsafety`).
        url: where it came from (the base of relative links, as on the feedparser path).
        headers: the HTTP response headers, lower-cased names.

    Raises:
        Unsure: the document holds something whose feedparser reading is not
            reproduced here; the caller must use feedparser.
    """
    from lxml import etree

    response_headers = dict(headers or {})
    if url and "content-location" not in response_headers:
        response_headers["content-location"] = url
    text, warnings, codec = _decode(data, response_headers)
    # Text that strict UTF-8 decoding gave encodes back to the very bytes it came
    # from (without the byte order mark): libxml2 gets them without a new encoding.
    utf8: bytes | None = None
    if codec.lower().replace("_", "-") in ("utf-8", "utf8"):
        utf8 = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if text.startswith("<?xml"):
        end = text.find(">")
        text = text[end + 1 :]
        if utf8 is not None:
            utf8 = utf8[utf8.find(b">") + 1 :]
    if "xmlns" in text:
        _check_declarations(text)
    try:
        root = etree.fromstring(
            utf8 if utf8 is not None else text.encode("utf-8"), parser=_xml_parser()
        )
    except etree.XMLSyntaxError as error:
        raise Unsure(f"not well-formed for libxml2: {error}") from None
    version = _version(root)
    base = response_headers.get("content-location", "")
    if base:
        base = _safe_absolute(base, "") and base
    language = response_headers.get("content-language") or None
    walker = _Walker(base, language, version)
    try:
        walker.walk(root)
    except RecursionError:
        raise Unsure("nested too deeply") from None
    for entry in walker.entries:
        _finish_tags(entry)
    _finish_tags(walker.feed)
    return build_raw_feed(walker.feed, walker.entries, version, tuple(warnings), parser="lxml")

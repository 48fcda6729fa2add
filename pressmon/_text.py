"""Plain text from whatever a source gives: HTML fragments, pages, messy text.

Every text field of an :class:`~pressmon.models.Article` goes through here, so
plain-text fields never carry markup: scripts, styles and other non-text
elements are dropped with their content, block elements become paragraph
breaks, ``<br>`` becomes a line break, whitespace is collapsed, and the text is
in Unicode NFC form. Paragraphs are separated by one blank line.

HTML is parsed with lxml's HTML parser (libxml2): it is fast, recovers from
any breakage, never touches the network and knows no DTD entities beyond
HTML's own.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from lxml import etree
    from lxml.html import HtmlElement, HTMLParser

__all__ = [
    "clean_text",
    "html_to_text",
    "looks_like_markup",
    "parse_html",
    "plain_text",
    "tree_to_text",
]

# Elements whose content is never text a reader sees.
_SKIPPED = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
        "math", "head", "title", "select", "option", "textarea", "button", "canvas",
        "audio", "video", "map", "applet", "frame", "frameset", "input",
    }
)  # fmt: skip
# Elements that start a new paragraph.
_BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "footer", "aside", "nav",
        "blockquote", "pre", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead",
        "tbody", "tfoot", "tr", "caption", "figure", "figcaption", "h1", "h2", "h3",
        "h4", "h5", "h6", "hr", "address", "details", "summary", "form", "fieldset",
        "body", "html", "center",
    }
)  # fmt: skip
_CELLS = frozenset({"td", "th"})

# Sentinels cannot occur in text: control characters are removed before parsing.
_PARAGRAPH = "\x00"
_LINE = "\x01"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff\ufffe]")
_NEWLINES = re.compile(r"\r\n?|\n")
_BLANK_LINES = re.compile(r"\n\s*\n")
_MARKUP = re.compile(r"<(?:[a-zA-Z][\w:.-]*|/[a-zA-Z][\w:.-]*|!--)(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")


def looks_like_markup(value: str) -> bool:
    """Return True when a string contains HTML tags or character references."""
    return ("<" in value and _MARKUP.search(value) is not None) or (
        "&" in value and _ENTITY.search(value) is not None
    )


def clean_text(value: str) -> str:
    """Normalize plain text: NFC, no control characters, collapsed spaces, blank-line paragraphs.

    Single line breaks inside a paragraph are kept; runs of blank lines
    become one blank line; each line is stripped.
    """
    if not value:
        return ""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    value = _CONTROL.sub("", value)
    paragraphs = []
    for block in _BLANK_LINES.split(value):
        # str.split() splits at the characters re's \s matches (str.isspace), and
        # costs a fraction of a substitution that scans every character.
        lines = [" ".join(line.split()) for line in block.split("\n")]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def tree_to_text(root: etree._Element) -> str:
    """Return the visible text of a parsed HTML element, paragraphs kept."""
    out: list[str] = []
    stack: list[object] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            out.append(node)
            continue
        element: etree._Element = node  # type: ignore[assignment]
        tail = element.tail
        if tail and element is not root:
            stack.append(tail)
        tag = element.tag
        if not isinstance(tag, str):  # comments and processing instructions
            continue
        tag = tag.lower()
        if tag in _SKIPPED:
            continue
        if tag == "br":
            out.append(_LINE)
            continue
        if tag == "pre":
            # Preformatted text keeps its line breaks; everywhere else a
            # newline in the source is only a space.
            out.append(_PARAGRAPH)
            out.append(_NEWLINES.sub(_LINE, "".join(element.itertext())))
            stack.append(_PARAGRAPH)
            continue
        if tag in _BLOCKS:
            stack.append(_PARAGRAPH)
            stack.extend(reversed(element))
            out.append(_PARAGRAPH)
        else:
            if tag in _CELLS:
                stack.append(" ")
            stack.extend(reversed(element))
        if element.text:
            out.append(element.text)
    return _paragraphs("".join(out), _PARAGRAPH, _LINE)


def _paragraphs(raw: str, paragraph_mark: str, line_mark: str) -> str:
    """Collapse whitespace in `raw` and cut it at the paragraph and line marks."""
    # In HTML a line break in the source is only a space: every run of
    # whitespace, newlines included, becomes one space, in one pass over the
    # whole text (the marks are not whitespace, so no run crosses a boundary).
    # Block by block (no run crosses a mark), a block that is already collapsed
    # (no whitespace but single inner spaces: a printable string has no other
    # whitespace than " ") is kept as it is instead of being split into words.
    paragraphs = []
    for block in raw.split(paragraph_mark):
        if not _is_collapsed(block):
            block = " ".join(block.split())
        if line_mark in block:
            lines = [line.strip() for line in block.split(line_mark)]
            block = "\n".join(line for line in lines if line)
        if block:
            paragraphs.append(block)
    return "\n\n".join(paragraphs)


def _is_collapsed(text: str) -> bool:
    """True only when `" ".join(text.split()) == text`, decided without splitting.

    False only means "not sure": the printable test also rules out control
    characters, which are not whitespace.
    """
    return text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "


_local = threading.local()

_Parser = TypeVar("_Parser")


def _new_html_parser(parser_class: Callable[..., _Parser]) -> _Parser:
    """An HTML parser of either kind, reading markup the same way: nothing from the
    network, no comments or processing instructions in the tree, no invented DOCTYPE."""
    return parser_class(
        remove_comments=True,
        remove_pis=True,
        no_network=True,
        default_doctype=False,
        collect_ids=False,
    )


def _html_parser() -> HTMLParser:
    # lxml parsers must not be shared between threads: keep one per thread.
    parser: HTMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        from lxml import html

        parser = _new_html_parser(html.HTMLParser)
        _local.parser = parser
    return parser


def _text_parser() -> etree.HTMLParser:
    # Plain lxml elements, without lxml.html's per-element Python class lookup:
    # html_to_text only reads tags, text and tails.
    parser: etree.HTMLParser | None = getattr(_local, "text_parser", None)
    if parser is None:
        from lxml import etree

        parser = _new_html_parser(etree.HTMLParser)
        _local.text_parser = parser
    return parser


# html_to_text walks the tree of a long fragment in libxslt rather than in Python:
# a stylesheet that does what tree_to_text does, with two private-use characters
# as marks. A call costs about 15 us more, each element far less: on real pages'
# markup, 3 KB take 47 us instead of 61, 8 KB 90 instead of 153; under about
# 2 KB the Python walk is quicker. The text itself could hold the marks, so a
# tree whose text holds one of them (or one of tree_to_text's marks) goes to
# tree_to_text, and so does a tree with a <pre>, whose line breaks are kept (not
# simple in XSLT 1.0). tests/test_text.py checks that both walks give the same text.
_XSLT_FROM = 2000  # characters of markup
_XSLT_PARAGRAPH = "\ue000"
_XSLT_LINE = "\ue001"
# Either walk's marks, when the text itself holds them (libxml2 keeps "&#1;" as U+0001).
_MARKS = (_PARAGRAPH, _LINE, _XSLT_PARAGRAPH, _XSLT_LINE)
_TEXT_STYLESHEET = f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
<xsl:output method="text" encoding="UTF-8"/>
<xsl:template match="/"><xsl:apply-templates select="*[1]"/></xsl:template>
<xsl:template match="{"|".join(sorted(_SKIPPED))}"/>
<xsl:template match="br">{_XSLT_LINE}</xsl:template>
<xsl:template match="{"|".join(sorted(_BLOCKS - {"pre"}))}">{_XSLT_PARAGRAPH}<xsl:apply-templates/>{_XSLT_PARAGRAPH}</xsl:template>
<xsl:template match="{"|".join(sorted(_CELLS))}"><xsl:apply-templates/><xsl:text> </xsl:text></xsl:template>
</xsl:stylesheet>"""  # noqa: E501


def _text_transform() -> etree.XSLT:
    # One compiled stylesheet per thread, like the parsers.
    transform: etree.XSLT | None = getattr(_local, "text_transform", None)
    if transform is None:
        from lxml import etree

        transform = etree.XSLT(
            etree.XML(_TEXT_STYLESHEET),
            access_control=etree.XSLTAccessControl.DENY_ALL,
        )
        _local.text_transform = transform
    return transform


def _document_to_text(root: etree._Element) -> str:
    """`tree_to_text` of the root of a document parsed by `_parse_for_text`."""
    from lxml import etree

    every_text = etree.tostring(root, method="text", encoding=str, with_tail=False)
    # (Four searches for one character each cost less than one regex scan.)
    if any(mark in every_text for mark in _MARKS) or next(root.iter("pre"), None) is not None:
        return tree_to_text(root)
    try:
        raw = str(_text_transform()(root))
    except etree.XSLTError:  # e.g. nesting deeper than libxslt's recursion limit
        return tree_to_text(root)
    return _paragraphs(raw, _XSLT_PARAGRAPH, _XSLT_LINE)


def _parse_for_text(markup: str, *, cleaned: bool = False) -> etree._Element | None:
    from lxml import etree

    if not cleaned:
        markup = _CONTROL.sub("", markup)
    if not markup.strip():
        return None
    try:
        root = etree.fromstring(markup, parser=_text_parser())
    except (etree.ParserError, ValueError):
        return None
    return root


def parse_html(markup: str | bytes) -> HtmlElement | None:
    """Parse an HTML document or fragment with lxml; None when there is nothing to parse."""
    from lxml import etree, html

    if isinstance(markup, str):
        markup = _CONTROL.sub("", markup)
        if not markup.strip():
            return None
    elif not markup.strip():
        return None
    try:
        root = html.document_fromstring(markup, parser=_html_parser())
    except (etree.ParserError, ValueError):
        return None
    return root


def html_to_text(markup: str) -> str:
    """Return the visible text of an HTML fragment or document as clean plain text.

    Examples:
        >>> html_to_text("<p>Alpine <b>arrive</b><script>x()</script> aux USA</p><p>Suite</p>")
        'Alpine arrive aux USA\\n\\nSuite'
    """
    if not markup:
        return ""
    if "<" not in markup and "&" not in markup:
        return clean_text(markup)
    if markup.lstrip(_ASCII_SPACE)[:3] == "<p>":
        markup = _CONTROL.sub("", markup)
        text = _paragraphs_only(markup)
        return text if text is not None else _parsed_to_text(markup, cleaned=True)
    return _parsed_to_text(markup)


def _parsed_to_text(markup: str, *, cleaned: bool = False) -> str:
    """`html_to_text` through libxml2's HTML parser, for any markup (`cleaned`: its
    control characters are removed already)."""
    root = _parse_for_text(markup, cleaned=cleaned)
    if root is None:
        return ""
    text = _document_to_text(root) if len(markup) >= _XSLT_FROM else tree_to_text(root)
    return unicodedata.normalize("NFC", text)


# Light HTML, as many feeds send their text: <p> paragraphs and nothing else, their text
# without markup and with at most the commonest character references. libxml2 would make
# one paragraph of each and decode the references; reading them with str.split costs a
# fraction of parsing. Anything else, or any other reference, goes to the parser.
# tests/test_text.py compares both readings on random paragraphs.
_ASCII_SPACE = " \t\n\r"
_SIMPLE_MAX = 1_000_000  # libxml2 refuses huge text nodes; such markup takes its path
_REFERENCE = re.compile(r"&(?:(amp|lt|gt|quot|nbsp)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "nbsp": "\u00a0"}


def _decoded(match: re.Match[str]) -> str:
    name, decimal, hexadecimal = match.groups()
    if name:
        return _NAMED[name]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    # Printable characters only: the parser maps 0, C1 controls, surrogates and
    # non-characters in ways of its own (and of its version).
    if 32 <= code <= 126 or 160 <= code <= 0xD7FF or 0xE000 <= code <= 0xFDCF:
        return chr(code)
    if 0xFDF0 <= code <= 0xFFFD:
        return chr(code)
    raise ValueError(code)


def _paragraphs_only(markup: str) -> str | None:
    """The text of markup (control characters removed) made of ``<p>`` paragraphs
    alone; None when it holds anything else."""
    body = markup.strip(_ASCII_SPACE)
    if len(body) > _SIMPLE_MAX or body[:3] != "<p>" or body[-4:] != "</p>":
        return None
    if not body.isascii():
        try:
            body.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: the parser refuses the markup
            return None
    paragraphs = []
    for index, piece in enumerate(body[3:-4].split("</p>")):
        if index:
            piece = piece.lstrip(_ASCII_SPACE)
            if piece[:3] != "<p>":
                return None
            piece = piece[3:]
        if "<" in piece:
            return None
        if "&" in piece:
            try:
                decoded, count = _REFERENCE.subn(_decoded, piece)
            except ValueError:
                return None
            if count != piece.count("&"):
                return None  # an "&" that is not one of those references
            piece = decoded
        block = piece if _is_collapsed(piece) else " ".join(piece.split())
        if block:
            paragraphs.append(block)
    return unicodedata.normalize("NFC", "\n\n".join(paragraphs))


def plain_text(value: str | None, *, is_html: bool = False) -> str:
    """Return ``value`` as clean plain text, stripping markup when it is (or looks like) HTML."""
    if not value:
        return ""
    if is_html or looks_like_markup(value):
        return html_to_text(value)
    return clean_text(value)

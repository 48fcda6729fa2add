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
from typing import TYPE_CHECKING

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
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\r\n?|\n")
# In HTML a line break in the source is only a space: collapse every run of
# whitespace, newlines included, matching only what changes (a run, or one
# space that is not " "): most text is single spaces, left untouched.
_WHITESPACE_RUNS = re.compile(r"\s{2,}|[^\S ]")
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
        lines = [_SPACES.sub(" ", line).strip() for line in block.split("\n")]
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
    # One substitution over the whole text: the sentinels are not whitespace, so
    # no run of spaces crosses a line or paragraph boundary.
    paragraphs = []
    for block in _WHITESPACE_RUNS.sub(" ", "".join(out)).split(_PARAGRAPH):
        lines = [line.strip() for line in block.split(_LINE)]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


_local = threading.local()


def _html_parser() -> HTMLParser:
    # lxml parsers must not be shared between threads: keep one per thread.
    parser: HTMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        from lxml import html

        parser = html.HTMLParser(
            remove_comments=True,
            remove_pis=True,
            no_network=True,
            default_doctype=False,
            collect_ids=False,
        )
        _local.parser = parser
    return parser


def _text_parser() -> etree.HTMLParser:
    # Plain lxml elements, without lxml.html's per-element Python class lookup:
    # html_to_text only reads tags, text and tails.
    parser: etree.HTMLParser | None = getattr(_local, "text_parser", None)
    if parser is None:
        from lxml import etree

        parser = etree.HTMLParser(
            remove_comments=True,
            remove_pis=True,
            no_network=True,
            default_doctype=False,
            collect_ids=False,
        )
        _local.text_parser = parser
    return parser


def _parse_for_text(markup: str) -> etree._Element | None:
    from lxml import etree

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
    root = _parse_for_text(markup)
    if root is None:
        return ""
    return unicodedata.normalize("NFC", tree_to_text(root))


def plain_text(value: str | None, *, is_html: bool = False) -> str:
    """Return ``value`` as clean plain text, stripping markup when it is (or looks like) HTML."""
    if not value:
        return ""
    if is_html or looks_like_markup(value):
        return html_to_text(value)
    return clean_text(value)

"""The default extraction engine: main text with beautifulsoup4 over the lxml parser.

A first, simple engine: drop what is never article text (scripts, navigation,
headers and footers, forms, asides), drop blocks whose class or id names
boilerplate (menus, share bars, cookie banners, comments, related lists, ads),
then keep the paragraphs of the most article-like container.
"""

from __future__ import annotations

import re
import warnings

from pressmon._text import clean_text

__all__ = ["Bs4Engine"]

_DROPPED_TAGS = (
    "script", "style", "noscript", "template", "iframe", "svg", "form", "nav", "header",
    "footer", "aside", "button", "select", "input", "textarea", "figure",
)  # fmt: skip
_BOILERPLATE = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|breadcrumbs?|share|sharing|social|cookie|consent|gdpr|"
    r"comments?|related|recommended|promo|advert|ads?|sponsor|newsletter|subscribe|"
    r"sidebar|footer|header|banner|popup|modal|paywall|outbrain|taboola)([\s_-]|$)",
    re.IGNORECASE,
)
_CONTAINERS = ("[itemprop=articleBody]", "article", "main", "[role=main]")
_TEXT_BLOCKS = ("p", "h2", "h3", "h4", "blockquote", "li", "pre")


class Bs4Engine:
    """Main-text extraction with beautifulsoup4 (lxml parser)."""

    name = "bs4"

    def main_text(self, html: str | bytes) -> str:
        """Return the page's main text, paragraphs separated by blank lines."""
        from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning

        with warnings.catch_warnings():
            # Pages come as they come (XHTML with an XML prolog, a bare URL as the
            # whole "page"): bs4's advice about them is noise for an extractor.
            warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
            warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
            soup = BeautifulSoup(html, "lxml")
        for element in soup(_DROPPED_TAGS):
            element.decompose()
        for element in soup.find_all(True):
            if element.decomposed:
                continue
            marker = " ".join(
                str(value) for value in (*element.get_attribute_list("class"), element.get("id"))
            )
            if _BOILERPLATE.search(marker):
                element.decompose()
        container = None
        for selector in _CONTAINERS:
            container = soup.select_one(selector)
            if container is not None:
                break
        container = container or soup.body or soup
        paragraphs = [
            clean_text(block.get_text(" ", strip=True))
            for block in container.find_all(_TEXT_BLOCKS)
            if not block.find_parent(_TEXT_BLOCKS)
        ]
        return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)

"""The optional engine: trafilatura's main-text extraction (`pip install 'pressmon[fulltext]'`).

trafilatura is imported on first use only. It is given the page's already
parsed lxml tree (it copies it before working), so a page is parsed once for
metadata and text alike, and every field other than the main text comes from
pressmon's own metadata code: both engines report the same title, dates,
authors, canonical URL, language, image and site name.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING

from pressmon._extract._bs4 import MainText
from pressmon._text import clean_text

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["TrafilaturaEngine", "trafilatura_available"]


@lru_cache(maxsize=1)
def trafilatura_available() -> bool:
    """True when trafilatura (and what it needs) can be imported."""
    try:
        import trafilatura  # noqa: F401 - the import is the test
    except ImportError:
        return False
    return True


class TrafilaturaEngine:
    """Main text with trafilatura; metadata stays pressmon's."""

    name = "trafilatura"

    def __init__(self) -> None:
        import trafilatura

        # trafilatura reports pages it cannot read through logging, as errors;
        # pressmon reports them in Article.extraction instead.
        logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
        self._extract = trafilatura.extract

    def extract(self, root: HtmlElement, *, url: str | None = None) -> MainText:
        """Return the main text of a parsed page (the tree is not modified)."""
        text = self._extract(
            root,
            url=url,
            output_format="txt",
            include_comments=False,
            # Boilerplate in the text becomes false evidence for detection: prefer
            # precision (docs/extraction.md has the figures of both settings).
            favor_precision=True,
            include_tables=True,
            deduplicate=False,
            with_metadata=False,
        )
        if not text:
            return MainText(text="")
        # trafilatura writes one block per line; pressmon separates paragraphs by a blank line.
        return MainText(text=clean_text("\n\n".join(text.splitlines())))

"""The default extraction engine: find a page's main text by scoring its blocks.

The algorithm is the readability family's, written anew for pressmon:

1. **Prune** what is never article text: scripts, styles, embedded frames,
   form controls, navigation, hidden elements, and blocks whose class or id
   names boilerplate (menus, share bars, cookie banners, comments, related
   lists, newsletter boxes, ads). A block holding most of the page's
   paragraph text is never pruned, whatever its class says: a wrapper named
   `content has-sidebar` is still the article.
2. **Score** every paragraph (`<p>`, `<pre>`, table cells, and blocks
   whose own text reads like a paragraph) by its length and commas, and
   credit its parent, grandparent and further ancestors with decreasing
   shares. A container's score is then weighted by its class and id hints
   and discounted by its link density.
3. **Select** the best container, move up when the runner-up containers
   share an ancestor with it (an article split over several blocks), and
   take along the siblings that score close to it or are plain paragraphs.
4. **Clean** the selection: drop nested blocks that look like lists of links,
   galleries, forms, embeds or small captions, repeated headings, and short
   lines that are boilerplate in any of the languages pressmon monitors
   ("Advertisement", "Lire aussi", "Mehr zum Thema", ...).

Why an lxml tree and not a BeautifulSoup one, in an engine named for bs4:
building a BeautifulSoup tree of a median news page takes about as long as
the whole speed budget (docs/design.md has the figures), so the page is
parsed once by lxml (the parser bs4 itself runs on here) and the same tree
serves the metadata, this engine and trafilatura. beautifulsoup4 reads the
page's declared encoding (`._encoding`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from pressmon._text import clean_text, tree_to_text

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["Bs4Engine", "MainText", "polish"]


@dataclass(frozen=True, slots=True)
class MainText:
    """What an engine found: the text, paragraphs separated by blank lines."""

    text: str
    """The main text (may be empty)."""


# Never text a reader of the article sees.
_DROP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
        "math", "canvas", "audio", "video", "map", "button", "input", "select", "option",
        "textarea", "label", "nav", "dialog", "menu", "link", "meta", "head", "title",
    }
)  # fmt: skip
# Blocks that a paragraph-like text can live in directly.
_TEXT_HOLDERS = frozenset(
    {"div", "section", "article", "main", "span", "font", "center", "td", "blockquote", "dd"}
)
_PARAGRAPHS = frozenset({"p", "pre"})
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
        "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
        "ul",
    }
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Blocks examined once more, inside the selection, for looking like boilerplate.
_CONDITIONAL = frozenset(
    {
        "div", "section", "ul", "ol", "dl", "table", "form", "fieldset", "aside", "figure",
        "header", "footer", "details",
    }
)  # fmt: skip
_TAG_BASE = {
    "div": 5.0, "article": 5.0, "section": 2.0, "main": 3.0, "pre": 3.0, "td": 3.0,
    "blockquote": 3.0, "address": -3.0, "ol": -3.0, "ul": -3.0, "dl": -3.0, "dd": -3.0,
    "dt": -3.0, "li": -3.0, "form": -3.0, "h1": -5.0, "h2": -5.0, "h3": -5.0, "h4": -5.0,
    "h5": -5.0, "h6": -5.0, "th": -5.0,
}  # fmt: skip

# Class and id words. Boundaries are start/end, space, "-" and "_", so "ad" is
# not found in "header" nor "nav" in "canvas".
_B, _E = r"(?:^|[\s_-])", r"(?:$|[\s_-])"
_BOILERPLATE = re.compile(
    _B + r"(?:nav|navbar|navigation|menu|menus|breadcrumbs?|share|shares|sharing|social|"
    r"socials|cookies?|consent|gdpr|comments?|commenting|disqus|related|recommended|"
    r"recommendations?|recirc|more-stories|promo|promos|advert|advertisement|ads?|adsense|"
    r"ad-slot|dfp|sponsor|sponsored|newsletter|newsletters|signup|subscribe|subscription|"
    r"sidebar|side-bar|footer|masthead|banner|popup|modal|overlay|paywall|outbrain|taboola|"
    r"trending|most-popular|popular|skip-link|screen-reader-text|sr-only|visually-hidden|"
    r"print-only|toolbar|tools|pagination|pager)" + _E,
    re.IGNORECASE,
)
_POSITIVE = re.compile(
    r"article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story|prose|"
    r"rich-?text|column",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    _B + r"(?:hidden|hid|banner|combx|comments?|com|contact|foot|footer|footnote|gdpr|"
    r"masthead|media|meta|outbrain|promo|promos|related|scroll|share|shares|sharing|"
    r"shoutbox|sidebar|skyscraper|sponsor|sponsored|shopping|tags?|tool|tools|widget|"
    r"newsletter|subscribe|recirc|recommended|social|teaser|teasers|byline|bylines|author|"
    r"caption|credit|credits|ad|ads|advert|nav|menu|breadcrumbs?|popular|trending|"
    r"signup|cta|disclaimer|copyright|rating|ratings|vote|print|email|follow|header|"
    r"embed|video|gallery|slideshow|carousel)" + _E,
    re.IGNORECASE,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_COMMAS = re.compile(r"[,，、،]")
_SENTENCE_END = re.compile(r"[.!?。](?:\s|$)")
# Short lines that are page furniture in the languages pressmon monitors.
_FURNITURE_LINE = re.compile(
    r"^\W*(?:advertisement|advertising|sponsored|sponsored content|ad|publicité|anzeige|"
    r"werbung|publicidad|pubblicità|read more|read next|read also|see also|related|"
    r"related articles|related stories|more stories|lire aussi|à lire aussi|a lire aussi|"
    r"voir aussi|lesen sie auch|mehr zum thema|auch interessant|leer más|lee también|"
    r"ver también|leggi anche|vedi anche|share|share this|share this article|share on "
    r"facebook|share on twitter|partager|partager cet article|teilen|compartir|condividi|"
    r"click here|continue reading|continue reading below|story continues below|"
    r"article continues below|comments|commentaires|kommentare|comentarios|commenti|"
    r"sign up|subscribe|follow us|suivez-nous|folgen sie uns|síguenos|seguici)\W*$",
    re.IGNORECASE,
)

# A paragraph shorter than this carries no signal.
_MIN_PARAGRAPH = 25
# A block that is more links than this is a menu or a list of teasers, not an article.
_MAX_UNITED_LINK_DENSITY = 0.35
# Do not prune a block that holds this share of the page's paragraph text.
_PROTECTED_SHARE = 0.5


@lru_cache(maxsize=4096)
def _class_weight(marker: str) -> float:
    weight = 0.0
    if _NEGATIVE.search(marker):
        weight -= 25.0
    if _POSITIVE.search(marker):
        weight += 25.0
    return weight


def _marker(element: HtmlElement) -> str:
    return f"{element.get('class') or ''} {element.get('id') or ''}".strip()


def _is_hidden(element: HtmlElement) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = element.get("style")
    return style is not None and _HIDDEN_STYLE.search(style) is not None


class _Stats:
    """Per-element text length, link text length and commas, computed bottom-up."""

    __slots__ = ("commas", "link", "paragraph_text", "text")

    def __init__(self) -> None:
        self.text = 0
        self.link = 0
        self.commas = 0
        self.paragraph_text = 0


def _stats(root: HtmlElement) -> dict[HtmlElement, _Stats]:
    elements = list(root.iter())
    table: dict[HtmlElement, _Stats] = {}
    for element in reversed(elements):  # every element after its descendants
        stats = _Stats()
        own = element.text or ""
        text_len = len(own.strip())
        commas = len(_COMMAS.findall(own)) if "," in own or "\u3001" in own else 0
        link = 0
        paragraph_text = 0
        for child in element:
            tail = child.tail
            if tail:
                text_len += len(tail.strip())
                commas += tail.count(",")
            child_stats = table.get(child)
            if child_stats is not None:
                text_len += child_stats.text
                link += child_stats.link
                commas += child_stats.commas
                paragraph_text += child_stats.paragraph_text
        tag = element.tag
        if tag == "a":
            link = text_len
        if tag in _PARAGRAPHS:
            paragraph_text = text_len
        stats.text, stats.link, stats.commas, stats.paragraph_text = (
            text_len,
            link,
            commas,
            paragraph_text,
        )
        table[element] = stats
    return table


def _drop(element: HtmlElement) -> None:
    """Remove an element and its content but keep the text that follows it."""
    element.drop_tree()


@lru_cache(maxsize=4096)
def _names_boilerplate(marker: str) -> bool:
    return _BOILERPLATE.search(marker) is not None and _POSITIVE.search(marker) is None


def _paragraph_chars(element: HtmlElement) -> int:
    return sum(len(paragraph.text_content().strip()) for paragraph in element.iter(*_PARAGRAPHS))


def _prune(body: HtmlElement) -> None:
    # Measure what a block holds only for the few blocks a class condemns.
    total = _paragraph_chars(body)
    by_paragraphs = total > 0
    if not by_paragraphs:
        total = len(body.text_content().strip()) or 1
    doomed: list[HtmlElement] = []
    skip_under: set[HtmlElement] = set()
    for element in body.iter():
        tag = element.tag
        if not isinstance(tag, str):
            doomed.append(element)  # comments, processing instructions
            continue
        parent = element.getparent()
        if parent is not None and parent in skip_under:
            skip_under.add(element)
            continue
        remove = tag in _DROP_TAGS or _is_hidden(element)
        if not remove and tag not in ("body", "html", "a", "p"):
            marker = _marker(element)
            if marker and _names_boilerplate(marker):
                held = (
                    _paragraph_chars(element)
                    if by_paragraphs
                    else len(element.text_content().strip())
                )
                remove = held < _PROTECTED_SHARE * total
        if remove:
            doomed.append(element)
            skip_under.add(element)
    for element in doomed:
        if element.getparent() is not None:
            _drop(element)


def _paragraph_score(text_len: int, commas: int) -> float:
    return 1.0 + commas + min(text_len / 100.0, 3.0)


def _own_text(element: HtmlElement) -> tuple[int, int]:
    """Length and commas of the text directly inside an element (not in child blocks)."""
    length = 0
    commas = 0
    pieces = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag not in _BLOCK_TAGS:
            pieces.append(child.text_content())
        pieces.append(child.tail or "")
    for piece in pieces:
        length += len(piece.strip())
        commas += piece.count(",")
    return length, commas


def _has_block_child(element: HtmlElement) -> bool:
    return any(isinstance(child.tag, str) and child.tag in _BLOCK_TAGS for child in element)


def _score(body: HtmlElement, stats: dict[HtmlElement, _Stats]) -> dict[HtmlElement, float]:
    scores: dict[HtmlElement, float] = {}

    def credit(element: HtmlElement, amount: float) -> None:
        ancestor = element.getparent()
        level = 0
        while ancestor is not None and level < 5:
            if ancestor not in scores:
                scores[ancestor] = _TAG_BASE.get(str(ancestor.tag), 0.0) + _class_weight(
                    _marker(ancestor)
                )
            if level == 0:
                share = amount
            elif level == 1:
                share = amount / 2
            else:
                share = amount / (level * 3)
            scores[ancestor] += share
            if ancestor is body:
                break
            ancestor = ancestor.getparent()
            level += 1

    for element in body.iter():
        tag = element.tag
        if tag in _PARAGRAPHS or tag == "td":
            element_stats = stats[element]
            if element_stats.text < _MIN_PARAGRAPH:
                continue
            if tag == "td" and _has_block_child(element):
                continue
            credit(element, _paragraph_score(element_stats.text, element_stats.commas))
        elif tag in _TEXT_HOLDERS:
            length, commas = _own_text(element)
            if length >= _MIN_PARAGRAPH and element.getparent() is not None:
                # Text written straight into a block (paragraphs split by <br>):
                # the block plays the paragraph and its parent is credited.
                if not _has_block_child(element):
                    credit(element, _paragraph_score(length, commas))
                else:
                    scores.setdefault(
                        element, _TAG_BASE.get(tag, 0.0) + _class_weight(_marker(element))
                    )
                    scores[element] += _paragraph_score(length, commas)
    return scores


def _link_density(stats: _Stats) -> float:
    return stats.link / stats.text if stats.text else 0.0


def _select(
    body: HtmlElement, stats: dict[HtmlElement, _Stats], scores: dict[HtmlElement, float]
) -> list[HtmlElement]:
    if not scores:
        return [body]
    final = {
        element: score * (1.0 - _link_density(stats[element]))
        for element, score in scores.items()
        if element in stats
    }
    ranked = sorted(final, key=final.__getitem__, reverse=True)
    top = ranked[0]
    top_score = final[top]
    if top is body or top_score <= 0:
        return [body]

    # Runner-up containers that share an ancestor with the top one: the
    # article is split across blocks (lead, body, inline boxes); unite them.
    # Containers nested in or around the top one are not other blocks.
    alternatives = [
        element
        for element in ranked[1:6]
        if final[element] >= 0.75 * top_score
        and not _is_ancestor(element, top)
        and not _is_ancestor(top, element)
    ]
    if len(alternatives) >= 3:
        ancestor = top.getparent()
        while ancestor is not None and ancestor is not body:
            containing = sum(1 for alt in alternatives if _is_ancestor(ancestor, alt))
            if containing >= 3:
                if _link_density(stats[ancestor]) <= _MAX_UNITED_LINK_DENSITY:
                    top = ancestor
                break
            ancestor = ancestor.getparent()

    # A parent that scores higher than its best child is a better container.
    last = final.get(top, 0.0)
    parent = top.getparent()
    threshold = last / 3
    while parent is not None and parent is not body:
        parent_score = final.get(parent)
        if parent_score is None:
            parent = parent.getparent()
            continue
        if parent_score < threshold:
            break
        if parent_score > last:
            top = parent
            break
        last = parent_score
        parent = parent.getparent()
    # An only child says nothing its parent does not.
    only_parent = top.getparent()
    while only_parent is not None and only_parent is not body and len(only_parent) == 1:
        top = only_parent
        only_parent = top.getparent()

    parent = top.getparent()
    if parent is None:
        return [top]
    top_score = final.get(top, top_score)
    threshold = max(10.0, top_score * 0.2)
    top_class = top.get("class") or ""
    chosen: list[HtmlElement] = []
    for sibling in parent:
        if not isinstance(sibling.tag, str):
            continue
        if sibling is top:
            chosen.append(sibling)
            continue
        bonus = top_score * 0.2 if top_class and sibling.get("class") == top_class else 0.0
        if sibling in final and final[sibling] + bonus >= threshold:
            chosen.append(sibling)
        elif sibling.tag == "p":
            sibling_stats = stats.get(sibling)
            if sibling_stats is None:
                continue
            density = _link_density(sibling_stats)
            length = sibling_stats.text
            if (length > 80 and density < 0.25) or (
                0 < length <= 80
                and density == 0
                and _SENTENCE_END.search(sibling.text_content()) is not None
            ):
                chosen.append(sibling)
    return chosen


def _is_ancestor(ancestor: HtmlElement, element: HtmlElement) -> bool:
    node = element.getparent()
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


def _count(element: HtmlElement, tags: Iterable[str]) -> int:
    return sum(1 for _ in element.iter(*tags))


def _clean(parts: list[HtmlElement], scores: dict[HtmlElement, float]) -> None:
    for part in parts:
        stats = _stats(part)
        part_text = stats[part].text or 1
        doomed: list[HtmlElement] = []
        gone: set[HtmlElement] = set()
        for element in part.iter():
            tag = element.tag
            parent = element.getparent()
            if parent is not None and parent in gone:
                gone.add(element)
                continue
            if element is part:
                continue
            remove = False
            if tag == "h1":
                remove = True  # the title, reported on its own
            elif tag in _HEADINGS:
                element_stats = stats[element]
                remove = _class_weight(_marker(element)) < 0 or (
                    element_stats.text > 0 and _link_density(element_stats) > 0.33
                )
            elif tag in _CONDITIONAL:
                element_stats = stats[element]
                remove = element_stats.text < _PROTECTED_SHARE * part_text and (
                    _looks_like_boilerplate(element, element_stats, scores.get(element, 0.0))
                )
            elif tag in _PARAGRAPHS or tag == "li":
                element_stats = stats[element]
                text = element.text_content()
                remove = (
                    element_stats.text < 120 and _FURNITURE_LINE.match(text.strip()) is not None
                )
            if remove:
                doomed.append(element)
                gone.add(element)
        for element in doomed:
            if element.getparent() is not None:
                _drop(element)


def _looks_like_boilerplate(element: HtmlElement, stats: _Stats, score: float) -> bool:
    weight = _class_weight(_marker(element))
    if weight < 0 and score < 1:
        return True
    tag = element.tag
    if tag == "figure":
        return True  # images and their captions are not the article's text
    if stats.commas >= 10:
        return False
    paragraphs = _count(element, ("p",))
    images = _count(element, ("img",))
    items = _count(element, ("li",)) - (100 if tag in ("ul", "ol") else 0)
    embeds = _count(element, ("iframe", "video", "object", "embed"))
    density = _link_density(stats)
    length = stats.text
    return (
        (images > 1 and paragraphs / images < 0.5)
        or items > paragraphs
        or (length < _MIN_PARAGRAPH and (images == 0 or images > 2))
        or (weight < 25 and density > 0.2)
        or (weight >= 25 and density > 0.5)
        or (embeds == 1 and length < 75)
        or embeds > 1
    )


def polish(text: str, title: str = "") -> str:
    """Tidy any engine's main text: no repeated title, no furniture lines, clean spacing.

    Drops a first paragraph that repeats the title, and short paragraphs that
    are page furniture ("Advertisement", "Lire aussi", "Mehr zum Thema", ...).
    """
    paragraphs = clean_text(text).split("\n\n")
    if paragraphs and title and _same_words(paragraphs[0], title):
        paragraphs = paragraphs[1:]
    return "\n\n".join(
        paragraph
        for paragraph in paragraphs
        if paragraph and not (len(paragraph) < 120 and _FURNITURE_LINE.match(paragraph))
    )


def _same_words(first: str, second: str) -> bool:
    return first.casefold().split() == second.casefold().split()


def _text_of(parts: list[HtmlElement]) -> str:
    return "\n\n".join(text for part in parts if (text := tree_to_text(part)))


class Bs4Engine:
    """The default engine: readability-style block scoring on the page's parsed tree."""

    name = "bs4"

    def extract(self, root: HtmlElement, *, url: str | None = None) -> MainText:
        """Return the main text of a parsed page. Modifies the tree."""
        body = root.find("body")
        if body is None:
            body = root
        _prune(body)
        stats = _stats(body)
        scores = _score(body, stats)
        parts = _select(body, stats, scores)
        _clean(parts, scores)
        return MainText(text=_text_of(parts))

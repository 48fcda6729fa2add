"""Is this page an article? Home pages, login walls, paywall teasers and error pages are not.

The page is looked at as a whole, before an engine strips it down:
`page_signals` counts links, headline links and password fields and
keeps the page title; `judge` weighs them with the page's metadata and
the main text the engine found, and returns the reason the page is not an
article, or None when it is one. The rules, in order:

1. **error page**: the title or main heading says "not found" / "404" (in
   the languages pressmon monitors) and the text is short;
2. **login wall**: a "log in to read" line beside a short text, or a
   password field beside almost none (many sites have a login box in every
   page's header);
3. **paywall teaser**: a "subscribe to read" line, or the page's own
   `isAccessibleForFree: false`, beside a short text; a block whose class
   names a paywall, beside almost none;
4. **home or section page**: the site's root URL, or a page that does not
   call itself an article and is mostly links and headline links;
5. **too little text**: fewer than `MIN_ARTICLE_CHARS` characters.

"Short" means under `SHORT_TEXT_CHARS` characters: a real article behind
a login box or a subscription banner (shown to everyone, text served anyway)
stays an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from pressmon._extract._metadata import PageMetadata

__all__ = ["MIN_ARTICLE_CHARS", "SHORT_TEXT_CHARS", "PageSignals", "judge", "page_signals"]

MIN_ARTICLE_CHARS = 300
"""Below this many characters of main text, a page is not an article."""
SHORT_TEXT_CHARS = 1200
"""A wall or teaser marker counts only beside a main text shorter than this."""

_HOME_LINKS = 60
_HOME_HEADLINE_LINKS = 12
_HOME_LINK_SHARE = 0.45

_ERROR_TITLE = re.compile(
    r"\b(?:404|410|page not found|not found|page introuvable|page non trouvée|"
    r"seite nicht gefunden|nicht gefunden|página no encontrada|pagina non trovata|"
    r"error 404|erreur 404|fehler 404)\b",
    re.IGNORECASE,
)
_LOGIN = re.compile(
    r"\b(?:log ?in|sign ?in) (?:to (?:continue|read|access|view))|"
    r"(?:please|you must|you need to) (?:log ?in|sign ?in|register)|"
    r"connectez-vous pour|identifiez-vous pour|veuillez vous (?:connecter|identifier)|"
    r"melden sie sich an|bitte (?:melden sie sich|loggen sie sich) an|"
    r"inicia sesión para|inicie sesión para|accedi per|effettua il login per",
    re.IGNORECASE,
)
_PAYWALL = re.compile(
    r"subscribe (?:now )?to (?:continue|read|unlock|access)|subscribers only|"
    r"for subscribers|this (?:article|content|story) is (?:for|reserved for|available to) "
    r"(?:subscribers|members)|already a subscriber|become a (?:subscriber|member) to|"
    r"réservé aux abonnés|article réservé|abonnez-vous pour|déjà abonné|"
    r"nur für abonnenten|jetzt abonnieren|weiterlesen mit|sie sind bereits abonnent|"
    r"exclusivo para suscriptores|suscríbete para|contenido exclusivo|"
    r"riservato agli abbonati|abbonati per|contenuto riservato",
    re.IGNORECASE,
)
_PAYWALL_MARKER = re.compile(
    r"(?:^|[\s_-])(?:paywall|regwall|piano-?(?:offer|paywall)|subscriber-only|premium-?(?:wall|"
    r"content|lock)|meter-?wall|login-?wall)(?:$|[\s_-])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class PageSignals:
    """What the whole page looks like, before an engine strips it down."""

    title: str = ""
    """The `<title>` and first `<h1>`, joined."""
    text_chars: int = 0
    """Visible characters of text in the body, white space not counted."""
    link_chars: int = 0
    """Characters of text inside links."""
    links: int = 0
    """Links (`<a href>`)."""
    headline_links: int = 0
    """Links inside headings: teasers of other stories."""
    password_fields: int = 0
    """`<input type=password>` fields."""
    wall_classes: bool = False
    """An element whose class or id names a paywall or login wall."""
    root_url: bool = False
    """The URL is a site's root (`https://example.org/`)."""
    wall_text: str = ""
    """The text of forms and wall-like blocks, where "log in to read" lines live."""


_VISIBLE_TEXT = (
    "//body//text()[not(ancestor::script) and not(ancestor::style) and not(ancestor::noscript)"
    " and not(ancestor::template)]"
)


def _visible_chars(text: str) -> int:
    """Characters other than white space (counted in C, not character by character)."""
    return len(text) - sum(text.count(space) for space in " \n\t\r\xa0")


def _is_root(url: str | None) -> bool:
    if not url:
        return False
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    return bool(parts.netloc) and (
        path == "" or re.fullmatch(r"/(?:index|default|home)\.\w+", path) is not None
    )


def page_signals(root: HtmlElement, url: str | None) -> PageSignals:
    """Measure the page before any engine modifies it."""
    texts = root.xpath(_VISIBLE_TEXT)
    text_chars = _visible_chars("".join(texts)) if isinstance(texts, list) else 0
    links = 0
    link_texts = []
    for anchor in root.iter("a"):
        if anchor.get("href"):
            links += 1
            link_texts.append(anchor.text_content())
    link_chars = _visible_chars("".join(link_texts))
    headline_links = 0
    for heading in root.iter("h1", "h2", "h3", "h4"):
        if any(anchor.get("href") for anchor in heading.iter("a")):
            headline_links += 1
    password_fields = sum(
        1 for field in root.iter("input") if (field.get("type") or "").lower() == "password"
    )
    wall_classes = False
    wall_texts: list[str] = []
    for element in root.iter("div", "section", "aside", "form", "p"):
        marker = f"{element.get('class') or ''} {element.get('id') or ''}"
        if _PAYWALL_MARKER.search(marker):
            wall_classes = True
            wall_texts.append(element.text_content()[:2000])
        elif element.tag == "form":
            wall_texts.append(element.text_content()[:2000])
    title_parts = [
        element.text_content().strip()
        for element in (next(root.iter("title"), None), next(root.iter("h1"), None))
        if element is not None
    ]
    return PageSignals(
        title=" | ".join(part for part in title_parts if part),
        text_chars=text_chars,
        link_chars=link_chars,
        links=links,
        headline_links=headline_links,
        password_fields=password_fields,
        wall_classes=wall_classes,
        root_url=_is_root(url),
        wall_text=" ".join(" ".join(wall_texts).split())[:5000],
    )


def judge(metadata: PageMetadata, signals: PageSignals, text: str) -> str | None:
    """Return why the page is not an article, or None when it is one."""
    length = len(text)
    short = length < SHORT_TEXT_CHARS
    error = _ERROR_TITLE.search(signals.title)
    if error and short:
        return f"an error page: its title says {error.group(0)!r}"
    # The wall rules need a short text: do not search a long one for their cues.
    looked_at = f"{text}\n{signals.wall_text}" if short else ""
    login = _LOGIN.search(looked_at)
    # Many sites have a login box in every page's header: a password field
    # alone is a wall only beside almost no text.
    if (short and login) or (signals.password_fields and length < MIN_ARTICLE_CHARS):
        cue = f"{login.group(0)!r}" if login else "a password field"
        return f"a login wall: {cue} and only {length} characters of text"
    paywall = _PAYWALL.search(looked_at)
    if (short and (paywall or metadata.accessible_for_free is False)) or (
        signals.wall_classes and length < MIN_ARTICLE_CHARS
    ):
        if paywall:
            cue = f"{paywall.group(0)!r}"
        elif signals.wall_classes:
            cue = "a paywall box"
        else:
            cue = "the page says it is not free to read"
        return f"a paywall teaser: {cue} and only {length} characters of text"
    link_share = signals.link_chars / signals.text_chars if signals.text_chars else 0.0
    if signals.root_url and not metadata.is_article:
        return "a home page: the site's root URL"
    if not metadata.is_article and (
        (signals.links >= _HOME_LINKS and link_share >= _HOME_LINK_SHARE)
        or signals.headline_links >= _HOME_HEADLINE_LINKS
    ):
        return (
            f"a home or section page: {signals.links} links, {signals.headline_links} "
            f"headline links, {link_share:.0%} of its text in links"
        )
    if length < MIN_ARTICLE_CHARS:
        return f"too little text: {length} characters of main text"
    return None

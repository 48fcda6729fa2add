"""A small news site for full-text tests: title-only feeds and the article pages behind them.

The feed items carry only neutral titles; whether a story is about Alpine's
US expansion is said only in its page. :func:`serve_site` puts the pages
(relevant ones in English and French, look-alikes, and pages that fail in
every way) on a :class:`~httpserver.TestServer` and returns the feed items.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape

from httpserver import TestServer, make_rss

__all__ = [
    "HOME_PAGE",
    "LOOKALIKE",
    "RELEVANT",
    "Story",
    "article_page",
    "serve_site",
    "site_feed",
]


@dataclass(frozen=True)
class Story:
    """One article page and the title-only feed item that links to it."""

    path: str
    feed_title: str
    """The title the feed gives (neutral: it says nothing about the topic)."""
    page_title: str
    language: str
    paragraphs: tuple[str, ...]
    author: str = "Jane Doe"
    published: str = "2024-03-12T09:30:00Z"


RELEVANT = (
    Story(
        path="/en/business/2024/03/12/dealer-deal",
        feed_title="Business briefs, Tuesday",
        page_title="Sports-car maker signs with the largest US car retailer",
        language="en",
        paragraphs=(
            "Alpine, the Renault group's sports-car brand, will start selling its cars in the "
            "United States in 2027 through AutoNation dealers, the two companies said on Tuesday.",
            "The agreement makes AutoNation, the largest car retailer in the country, the "
            "brand's first distribution partner there. The first showrooms will open in "
            "Florida and California, and the range will include an electric successor to the "
            "A110 coupé.",
            "The chief executive called the move the most important step in the brand's plan "
            "to become a global name, and said the new market could take a fifth of its sales "
            "by the end of the decade.",
        ),
    ),
    Story(
        path="/fr/economie/2024/03/12/accord-concessionnaires",
        feed_title="L'actualité économique du mardi",
        page_title="Un constructeur de sportives signe avec un grand distributeur",
        language="fr",
        paragraphs=(
            "Alpine, la marque de voitures de sport du groupe Renault, commencera à vendre ses "
            "voitures aux États-Unis en 2027 par l'intermédiaire des concessionnaires "
            "AutoNation, ont annoncé mardi les deux entreprises.",
            "L'accord fait d'AutoNation, premier distributeur automobile du pays, le premier "
            "partenaire de la marque outre-Atlantique. Les premiers points de vente ouvriront "
            "en Floride et en Californie, et la gamme comprendra une héritière électrique du "
            "coupé A110.",
            "Le directeur général y voit l'étape la plus importante du plan de la marque pour "
            "devenir un nom mondial : ce nouveau marché pourrait représenter un cinquième de "
            "ses ventes d'ici la fin de la décennie.",
        ),
        author="Claire Martin",
    ),
)

LOOKALIKE = (
    Story(
        path="/en/sport/2024/03/10/grand-prix",
        feed_title="Weekend motorsport round-up",
        page_title="A difficult weekend in Monaco",
        language="en",
        paragraphs=(
            "The Alpine F1 team finished outside the points in Monaco on Sunday after both "
            "cars lost time behind a slow pit stop in the opening laps of the race.",
            "The team principal said the drivers had done what they could with a car that "
            "lacked grip in the slow corners, and promised upgrades for the next race in "
            "Barcelona.",
            "The team stays seventh in the constructors' championship, two points behind its "
            "nearest rival with fourteen races to go this season.",
        ),
    ),
    Story(
        path="/en/sport/2024/03/09/slalom",
        feed_title="Winter sports diary",
        page_title="Slalom season ends in the Alps",
        language="en",
        paragraphs=(
            "The Alpine skiing World Cup season ended in Saalbach on Saturday with a slalom "
            "won by a skier from Switzerland in front of a crowd of twenty thousand.",
            "The skier won the overall crystal globe for the third year running, a record for "
            "the discipline, and said she would race for at least two more seasons.",
            "Snow conditions were difficult all week, with warm weather forcing the "
            "organisers to move the downhill race to the morning.",
        ),
    ),
    Story(
        path="/en/tech/2024/03/08/release",
        feed_title="Software release notes",
        page_title="A new release for a small distribution",
        language="en",
        paragraphs=(
            "Alpine Linux 3.20 was released on Friday with a new kernel, updated compilers and "
            "smaller base images for Docker containers.",
            "The distribution, known for its musl C library and its BusyBox tools, is the "
            "most common base image for containers, and the release notes list more than "
            "four thousand updated packages.",
            "Users are advised to read the upgrade notes before moving servers to the new "
            "version, since two configuration files changed their format.",
        ),
    ),
)


def article_page(story: Story, *, site: str = "Example Daily") -> bytes:
    """A news article page: JSON-LD NewsArticle, Open Graph, navigation and a footer."""
    body = "\n".join(f"<p>{escape(paragraph)}</p>" for paragraph in story.paragraphs)
    json_ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": story.page_title,
            "datePublished": story.published,
            "author": {"@type": "Person", "name": story.author},
            "inLanguage": story.language,
        }
    )
    return f"""<!doctype html>
<html lang="{story.language}">
<head>
<meta charset="utf-8">
<title>{escape(story.page_title)} | {escape(site)}</title>
<meta property="og:type" content="article">
<meta property="og:site_name" content="{escape(site)}">
<meta property="og:image" content="/images/lead.jpg">
<meta name="description" content="{escape(story.paragraphs[0][:150])}">
<script type="application/ld+json">{json_ld}</script>
</head>
<body>
<nav class="menu"><a href="/">Home</a> <a href="/business">Business</a>
<a href="/sport">Sport</a> <a href="/tech">Tech</a></nav>
<article class="article-content">
<h1>{escape(story.page_title)}</h1>
<p class="byline">By {escape(story.author)}</p>
{body}
</article>
<aside class="related"><h2>Read more</h2><ul>
<li><a href="/a">Markets close higher</a></li><li><a href="/b">Weather for the week</a></li>
</ul></aside>
<footer>© {escape(site)}. All rights reserved.</footer>
</body>
</html>
""".encode()


HOME_PAGE = (
    "<!doctype html><html lang=en><head><title>Example Daily</title></head><body>"
    + "".join(
        f'<h2><a href="/story/{index}">Headline number {index} about Alpine '
        "and AutoNation in the United States market</a></h2>"
        for index in range(20)
    )
    + "</body></html>"
).encode()


def serve_site(server: TestServer) -> dict[str, list[dict[str, str]]]:
    """Put the site's pages on ``server``; return the feed items by kind.

    Kinds: ``relevant``, ``lookalike`` (pages that are articles), and
    ``broken`` (a 404, a home page, a PDF), each item a mapping for
    :func:`httpserver.make_rss` with only a title and a link (the 404 item
    also has a one-line description).
    """
    items: dict[str, list[dict[str, str]]] = {"relevant": [], "lookalike": [], "broken": []}
    for kind, stories in (("relevant", RELEVANT), ("lookalike", LOOKALIKE)):
        for story in stories:
            url = server.static(story.path, article_page(story), content_type="text/html")
            items[kind].append({"title": story.feed_title, "link": url})
    server.status("/en/gone-story", 404, body=b"<html><title>Not found</title></html>")
    items["broken"] += [
        {
            "title": "Dealer network news",
            "link": server.url("/en/gone-story"),
            "description": "A short teaser the feed gives.",
        },
        {
            "title": "Front page",
            "link": server.static("/front", HOME_PAGE, content_type="text/html"),
        },
        {
            "title": "Annual report",
            "link": server.static(
                "/report.pdf", b"%PDF-1.4 not a web page", content_type="application/pdf"
            ),
        },
    ]
    return items


def site_feed(server: TestServer, items: list[dict[str, str]], path: str = "/feed.xml") -> str:
    """Serve a title-only RSS feed of ``items`` at ``path``; return its URL."""
    return server.static(path, make_rss("Example Daily", items, link=server.url("/")))

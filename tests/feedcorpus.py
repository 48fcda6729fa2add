"""A varied corpus of feeds for the differential tests of the two parse paths.

Every case is ``(name, bytes, url, headers)``. The documents are built here,
deterministically, from small pieces: the dialects (RSS 2.0, RSS 0.91/0.92,
RSS 1.0, Atom 1.0), namespaces under their usual and unusual prefixes, CDATA,
character references, relative links under ``xml:base`` at feed and entry
level, odd and partial dates, many encodings declared or not (and HTTP
charsets that agree or disagree), empty elements, several links and
enclosures, Atom XHTML content, Dublin Core, Google-News-like ``<source>``,
media RSS, and documents that are not well-formed (which must fall back).
Files under ``tests/data/differential/`` and ``tests/data/feeds/`` join them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

Case = tuple[str, bytes, "str | None", "dict[str, str]"]

NS = (
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:media="http://search.yahoo.com/mrss/" '
    'xmlns:atom="http://www.w3.org/2005/Atom" '
    'xmlns:slash="http://purl.org/rss/1.0/modules/slash/"'
)

BODY_FR = (
    '<p>Le groupe <strong>Renault</strong> confirme qu’<a href="/alpine">Alpine</a> '
    "arrivera aux États-Unis en 2027, avec un réseau de concessionnaires.</p>"
    '<p style="x" onclick="steal()">Deuxième paragraphe&nbsp;: «&#160;citation&#160;».</p>'
    "<script>alert('x')</script><style>p{color:red}</style>"
    '<img src="/i.jpg" onerror="evil()"><a href="javascript:alert(1)">lien</a>'
)
BODY_EN = (
    "<h2>Plans</h2><p>Alpine's US launch is planned for 2027 &amp; AutoNation "
    "could sell the cars.</p><ul><li>one</li><li>two</li></ul><br/>Tail text"
)

TITLES = [
    "Alpine vise les États-Unis",
    "Plain &amp; simple",
    "A &lt;b&gt;bold&lt;/b&gt; claim",
    "Caf\u00e9 &#233;t&#xe9;",
    "  spaced   title  ",
    "Tom &amp;amp; Jerry",
    "x &lt; y and y &gt; z",
    "<![CDATA[Raw <em>cdata</em> & more]]>",
    "Ligne 1\nLigne 2",
    "",
    "Price: 5\u20ac \u2014 \u201cquoted\u201d",
    "Alpine&#8217;s move",
]
DATES_RSS = [
    "Wed, 03 May 2023 09:15:00 +0200",
    "Thu, 04 May 2023 18:00:00 GMT",
    "Thu, 4 May 2023 18:00 EST",
    "2023-05-04T10:00:00Z",
    "2023-05",
    "2023",
    "2023-02-30",
    "not a date",
    "Sun, 31 Dec 1899 23:59:59 GMT",
    "Mon, 01 Jan 2024 00:00:00 +0000",
    "",
    "2024-02-29 12:00",
    "20230504",
    "Tue, 30 Feb 2023 10:00:00 GMT",
]
LINKS = [
    "https://WWW.Example.test/a?utm_source=rss&amp;id=1#frag",
    "/relative/path.html",
    "relative.html",
    "",
    "  https://example.test/spaced  ",
    "https://example.test/q?a=1&amp;b=2",
    "javascript:alert(1)",
    "//cdn.example.test/x",
]


def _rss_item(index: int) -> str:
    title = TITLES[index % len(TITLES)]
    date = DATES_RSS[index % len(DATES_RSS)]
    link = LINKS[index % len(LINKS)]
    parts = [f"<title>{title}</title>"]
    if index % 5 != 3:
        parts.append(f"<link>{link}</link>")
    kind = index % 6
    if kind == 0:
        parts.append(f'<guid isPermaLink="false">id-{index}</guid>')
    elif kind == 1:
        parts.append(f"<guid>https://example.test/guid/{index}</guid>")
    elif kind == 2:
        parts.append(f"<guid>{index}</guid>")
    elif kind == 3:
        parts.append(f'<guid isPermaLink="true">/perma/{index}</guid>')
    if date or index % 2:
        parts.append(f"<pubDate>{date}</pubDate>")
    if index % 4 == 0:
        parts.append(f"<description><![CDATA[{BODY_FR}]]></description>")
        parts.append(f"<content:encoded><![CDATA[{BODY_FR}<p>Plus.</p>]]></content:encoded>")
    elif index % 4 == 1:
        parts.append(
            "<description>Un r&#233;sum&#233; &amp; du &lt;b&gt;gras&lt;/b&gt;</description>"
        )
    elif index % 4 == 2:
        parts.append(f"<content:encoded><![CDATA[{BODY_EN}]]></content:encoded>")
        parts.append("<description>After content</description>")
    else:
        parts.append("<description></description>")
    if index % 3 == 0:
        parts.append(
            "<dc:creator>Paul Durand</dc:creator><dc:creator><![CDATA[Ana Ruiz]]></dc:creator>"
        )
    elif index % 3 == 1:
        parts.append("<author>Jane Roe</author>")
    if index % 2 == 0:
        parts.append('<category domain="x">Marché</category><category>Alpine</category>')
        parts.append("<category>alpine</category><dc:subject>Autos</dc:subject>")
    if index % 5 == 0:
        parts.append(
            '<media:content url="https://img.example.test/a.jpg" medium="image" type="image/jpeg">'
            '<media:thumbnail url="https://img.example.test/t.jpg"/></media:content>'
        )
    elif index % 5 == 1:
        parts.append('<media:thumbnail url="/thumb.jpg" width="10"/>')
    elif index % 5 == 2:
        parts.append('<enclosure url="https://example.test/a.mp3" type="audio/mpeg" length="1"/>')
        parts.append('<enclosure url="https://example.test/b.png" type="IMAGE/PNG" length="1"/>')
    if index % 7 == 0:
        parts.append('<source url="https://outlet.test/rss">The Outlet</source>')
    if index % 7 == 1:
        parts.append(
            "<comments>https://example.test/c</comments><slash:comments>3</slash:comments>"
        )
    return "<item>" + "".join(parts) + "</item>"


def rss20(items: int = 14, *, extra_ns: str = "", channel_extra: str = "") -> str:
    body = "".join(_rss_item(index) for index in range(items))
    return (
        f'<rss version="2.0" {NS} {extra_ns}><channel>'
        "<title>Journal &amp; Test</title><link>https://example.test/</link>"
        "<description>Le flux &lt;i&gt;de test&lt;/i&gt;</description>"
        "<language>fr-FR</language><lastBuildDate>Wed, 03 May 2023 10:00:00 GMT</lastBuildDate>"
        '<atom:link href="https://example.test/rss.xml" rel="self" type="application/rss+xml"/>'
        "<image><url>https://example.test/logo.png</url><title>Logo</title>"
        "<link>https://example.test/</link></image>"
        f"{channel_extra}{body}</channel></rss>"
    )


def atom(entries: int = 10, *, base: str = "") -> str:
    parts = []
    for index in range(entries):
        kind = index % 5
        if kind == 0:
            content = (
                '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
                "<p>XHTML <b>content</b> &amp; more</p><p>Second</p></div></content>"
            )
        elif kind == 1:
            content = f'<content type="html">{BODY_EN.replace("&", "&amp;").replace("<", "&lt;")}</content>'
        elif kind == 2:
            content = "<content>Plain text content with &lt;tags&gt; shown</content>"
        elif kind == 3:
            content = '<content type="text/html">&lt;p&gt;typed&lt;/p&gt;</content>'
        else:
            content = ""
        summary = (
            '<summary type="html">&lt;p&gt;Summary &amp;amp; more&lt;/p&gt;</summary>'
            if index % 2
            else "<summary>Short summary</summary>"
        )
        author = (
            "<author><name>Jo Writer</name><email>jo@example.test</email></author>"
            if index % 3 == 0
            else "<author><name>Max</name><uri>https://max.test/</uri></author>"
        )
        entry_base = ' xml:base="https://other.test/dir/"' if index % 4 == 1 else ""
        lang = ' xml:lang="de"' if index % 4 == 2 else ""
        parts.append(
            f'<entry{entry_base}{lang}><title type="{"html" if index % 2 else "text"}">'
            f"{TITLES[index % len(TITLES)]}</title>"
            f'<link rel="alternate" type="text/html" href="{LINKS[index % len(LINKS)]}"/>'
            '<link rel="enclosure" type="image/jpeg" href="pic.jpg"/>'
            f"<id>{'tag:example.test,2023:' + str(index) if index % 2 else 'entry/' + str(index)}</id>"
            f"<updated>2023-05-0{index % 9 + 1}T10:00:00+02:00</updated>"
            + (f"<published>{DATES_RSS[index % len(DATES_RSS)]}</published>" if index % 3 else "")
            + f'{author}<category term="cars" label="Cars"/><category term="alpine"/>'
            f"{summary if index % 5 != 4 else ''}{content}</entry>"
        )
    base_attr = f' xml:base="{base}"' if base else ""
    return (
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"{base_attr}>'
        '<title>Motor Wire</title><subtitle type="html">&lt;b&gt;News&lt;/b&gt;</subtitle>'
        '<link rel="self" href="/feed.atom"/><link href="https://motor.test/"/>'
        "<id>urn:uuid:1</id><updated>2023-05-03T10:00:00Z</updated>" + "".join(parts) + "</feed>"
    )


def rss10(items: int = 6) -> str:
    parts = [
        (
            f'<item rdf:about="https://example.test/rdf/{index}">'
            f"<title>{TITLES[index % len(TITLES)]}</title>"
            f"<link>https://example.test/rdf/{index}</link>"
            f"<description>Desc {index} &amp; more</description>"
            f"<dc:date>{['2023-05-03T09:00:00+02:00', '2023-05', '2023-05-03'][index % 3]}</dc:date>"
            "<dc:creator>Ana Ruiz</dc:creator><dc:subject>Cars</dc:subject>"
            + ("<dc:language>de</dc:language>" if index % 2 else "")
            + "</item>"
        )
        for index in range(items)
    ]
    return (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        '<channel rdf:about="https://example.test/"><title>RDF feed</title>'
        "<link>https://example.test/</link><description>An RDF feed</description>"
        "<dc:language>en</dc:language><items><rdf:Seq>"
        + "".join(f'<rdf:li rdf:resource="https://example.test/rdf/{i}"/>' for i in range(items))
        + "</rdf:Seq></items></channel>"
        + "".join(parts)
        + "</rdf:RDF>"
    )


def _declare(text: str, encoding: str | None) -> str:
    if encoding is None:
        return text
    return f'<?xml version="1.0" encoding="{encoding}"?>\n{text}'


def generated_cases() -> Iterator[Case]:
    """The programmatic part of the corpus."""
    url = "https://example.test/feed.xml"
    rss = rss20()
    yield "rss20-utf8", _declare(rss, "utf-8").encode(), url, {}
    yield "rss20-no-url", _declare(rss, "UTF-8").encode(), None, {}
    yield "rss20-undeclared-utf8", rss.encode(), None, {}
    yield "rss20-undeclared-utf8-url", rss.encode(), url, {}
    yield "rss20-bom", b"\xef\xbb\xbf" + _declare(rss, "utf-8").encode(), url, {}
    yield "rss20-utf16", _declare(rss, "utf-16").encode("utf-16"), url, {}
    yield "rss20-utf16be", _declare(rss, "utf-16").encode("utf-16-be"), url, {}
    yield (
        "rss20-latin1",
        _declare(
            rss.replace("\u20ac", "E")
            .replace("\u2014", "-")
            .replace("\u201c", '"')
            .replace("\u201d", '"')
            .replace("’", "'"),
            "iso-8859-1",
        ).encode("iso-8859-1"),
        url,
        {},
    )
    cp = rss.replace("\u20ac", "\u20ac")
    yield "rss20-cp1252-declared", _declare(cp, "windows-1252").encode("cp1252", "replace"), url, {}
    yield "rss20-cp1252-undeclared", cp.encode("cp1252", "replace"), None, {}
    yield "rss20-cp1252-undeclared-url", cp.encode("cp1252", "replace"), url, {}
    yield (
        "rss20-header-charset",
        cp.encode("cp1252", "replace"),
        url,
        {"Content-Type": "application/rss+xml; charset=windows-1252"},
    )
    yield (
        "rss20-header-disagrees",
        _declare(rss, "utf-8").encode(),
        url,
        {"Content-Type": "application/xml; charset=iso-8859-1"},
    )
    yield "rss20-text-xml", _declare(rss, "utf-8").encode(), url, {"Content-Type": "text/xml"}
    yield (
        "rss20-text-html",
        _declare(rss, "utf-8").encode(),
        url,
        {"Content-Type": "text/html; charset=utf-8"},
    )
    yield "rss20-content-language", rss.encode(), url, {"Content-Language": "de_AT"}
    yield "rss20-content-location", rss.encode(), None, {"Content-Location": "https://loc.test/a/b"}
    russian = rss.replace("Journal &amp; Test", "Новости").replace("Paul Durand", "Иван Петров")
    russian = (
        russian.replace("\u20ac", "E")
        .replace("’", "'")
        .replace("\u2014", "-")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
    )
    russian = (
        russian.replace("É", "E")
        .replace("é", "e")
        .replace("è", "e")
        .replace("«", '"')
        .replace("»", '"')
        .replace("\u00e9", "e")
        .replace("ç", "c")
    )
    yield "rss20-koi8r", _declare(russian, "koi8-r").encode("koi8-r", "replace"), url, {}
    yield (
        "rss20-gb2312",
        _declare(
            "<rss version='2.0'><channel><title>中文</title><item><title>新闻</title></item></channel></rss>",
            "gb2312",
        ).encode("gb18030"),
        url,
        {},
    )
    yield (
        "rss20-xml-base",
        rss20(extra_ns="", channel_extra="")
        .replace("<channel>", '<channel xml:base="https://base.test/news/">')
        .encode(),
        url,
        {},
    )
    yield (
        "rss20-item-base",
        rss.replace("<item>", '<item xml:base="/sub/dir/">', 3).encode(),
        url,
        {},
    )
    yield (
        "rss20-mojibake",
        _declare(rss.replace("Paul Durand", "RenÃ© Ã‰tÃ©"), "utf-8").encode(),
        url,
        {},
    )
    yield (
        "rss20-c1",
        _declare(rss.replace("Paul Durand", "Quote \u0093x\u0094"), "utf-8").encode(),
        url,
        {},
    )
    yield (
        "rss091",
        b'<rss version="0.91"><channel><title>Old</title><link>http://old.test/</link><item><title>One</title><link>http://old.test/1</link><description>Desc</description></item></channel></rss>',
        url,
        {},
    )
    yield (
        "rss092",
        b'<rss version="0.92"><channel><title>Old</title><item><description>Only a description &lt;b&gt;x&lt;/b&gt;</description></item></channel></rss>',
        None,
        {},
    )
    yield (
        "rss-noversion",
        b"<rss><channel><title>t</title><item><title>x</title></item></channel></rss>",
        None,
        {},
    )
    yield (
        "rss20-unusual-prefixes",
        rss.replace("xmlns:dc=", "xmlns:d=")
        .replace("<dc:", "<d:")
        .replace("</dc:", "</d:")
        .replace("xmlns:content=", "xmlns:c=")
        .replace("<content:", "<c:")
        .replace("</content:", "</c:")
        .encode(),
        url,
        {},
    )
    yield (
        "rss20-default-ns-userland",
        rss.replace(
            '<rss version="2.0"', '<rss version="2.0" xmlns="http://backend.userland.com/rss2"'
        ).encode(),
        url,
        {},
    )
    yield "atom", atom().encode(), "https://motor.test/feed.atom", {}
    yield "atom-no-url", atom().encode(), None, {}
    yield (
        "atom-base",
        atom(base="https://based.test/x/").encode(),
        "https://motor.test/feed.atom",
        {},
    )
    yield "atom-utf16", _declare(atom(), "utf-16").encode("utf-16"), None, {}
    yield (
        "atom-prefixed",
        atom()
        .replace('xmlns="http://www.w3.org/2005/Atom"', 'xmlns:a="http://www.w3.org/2005/Atom"')
        .replace("<feed", "<a:feed")
        .replace("</feed", "</a:feed")
        .encode(),
        None,
        {},
    )
    yield "rss10", _declare(rss10(), "utf-8").encode(), "https://example.test/rdf", {}
    yield (
        "empty-items",
        b"<rss version='2.0'><channel><title/><link/><description/><item/><item><title/><link/><guid/><pubDate/><description/></item></channel></rss>",
        url,
        {},
    )
    yield (
        "many-links",
        b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>L</title>
<entry><title>t</title><id>x</id><link rel="related" href="/r"/><link href="/first"/><link rel="alternate" type="text/html" href="/second"/><link rel="alternate" type="application/pdf" href="/pdf"/></entry>
<entry><title>u</title><id>y</id><link href="/only"/><link rel="enclosure" href="/e.png" type="image/png"/></entry></feed>""",
        url,
        {},
    )
    yield (
        "google-news",
        b"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>"Alpine" - Google News</title><link>https://news.google.com/</link><language>en-US</language>
<item><title>Alpine US launch - Outlet One</title><link>https://news.google.com/rss/articles/abc?oc=5</link><guid isPermaLink="false">abc</guid><pubDate>Mon, 06 May 2024 12:00:00 GMT</pubDate><description>&lt;a href="https://news.google.com/rss/articles/abc?oc=5" target="_blank"&gt;Alpine US launch&lt;/a&gt;&amp;nbsp;&amp;nbsp;&lt;font color="#6f6f6f"&gt;Outlet One&lt;/font&gt;</description><source url="https://outlet.one">Outlet One</source></item>
<item><title>Second</title><link>https://news.google.com/rss/articles/def</link><guid isPermaLink="false">def</guid><source url="https://two.test">Two</source></item></channel></rss>""",
        "https://news.google.com/rss/search?q=alpine",
        {},
    )
    yield (
        "itunes",
        b"""<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Pod</title><itunes:summary>Show summary</itunes:summary><description>Show description</description><itunes:author>Host</itunes:author>
<item><title>Ep 1</title><description>First desc</description><itunes:summary>Ep summary</itunes:summary><itunes:image href="https://pod.test/1.jpg"/><itunes:duration>10:00</itunes:duration><itunes:explicit>no</itunes:explicit></item></channel></rss>""",
        url,
        {},
    )
    yield (
        "media-group",
        b"""<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>M</title>
<item><title>V</title><media:group><media:title>Group title</media:title><media:description>Group desc</media:description><media:content url="https://v.test/v.mp4" type="video/mp4"/><media:thumbnail url="https://v.test/t.jpg"/></media:group></item>
<item><media:title>Only media title</media:title><media:description type="html">&lt;p&gt;Caption&lt;/p&gt;</media:description><media:keywords>a, b, ,c</media:keywords><media:category>News/Cars</media:category></item></channel></rss>""",
        url,
        {},
    )
    yield (
        "dc-only",
        b"""<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>D</title><dc:language>es</dc:language>
<item><dc:title>DC title</dc:title><dc:date>2023-05-03</dc:date><dc:description>DC desc</dc:description><dc:creator></dc:creator></item>
<item><title>T</title><dc:date>2023-05-03T10:00Z</dc:date><pubDate>Wed, 03 May 2023 09:15:00 +0200</pubDate></item></channel></rss>""",
        url,
        {},
    )
    yield (
        "duplicate-titles",
        b"""<rss version="2.0"><channel><title></title><title>Second feed title</title><title>Third</title>
<item><title></title><title>Second</title><description>a</description><description>b</description><description>c</description></item></channel></rss>""",
        url,
        {},
    )
    yield (
        "email-author",
        b"""<rss version="2.0"><channel><title>E</title><managingEditor>ed@x.test (Ed)</managingEditor><item><title>t</title><author>jo@example.test (Jo Doe)</author></item></channel></rss>""",
        url,
        {},
    )
    yield (
        "not-well-formed",
        b"<rss version='2.0'><channel><title>Broken &nbsp; feed</title><item><title>A<b>bold</title></item></channel></rss>",
        url,
        {},
    )
    yield (
        "mixed-content",
        b"<rss version='2.0'><channel><title>t</title><item><title>x</title><description>Hello <b>world</b> there</description></item></channel></rss>",
        url,
        {},
    )
    yield (
        "xhtml-title",
        b"""<feed xmlns="http://www.w3.org/2005/Atom"><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">An <em>XHTML</em> title</div></title>
<entry><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Para</p> and <b>bold</b></div></title><id>1</id><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><script>bad()</script><p onclick="x()">Visible &lt;text&gt;</p><style>.a{}</style></div></content></entry></feed>""",
        None,
        {},
    )
    yield "unknown-root", b"<?xml version='1.0'?><note><title>no feed</title></note>", None, {}
    yield (
        "atom03",
        b"""<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Old atom</title><entry><title>e</title><issued>2004-01-01T00:00:00Z</issued><content type="text/html" mode="escaped">&lt;p&gt;x&lt;/p&gt;</content></entry></feed>""",
        None,
        {},
    )
    yield (
        "deep-generic",
        b"""<rss version="2.0" xmlns:x="http://x.test/"><channel><title>g</title><item><x:wrap><x:inner a="1">text</x:inner><title>Deep title</title></x:wrap><title>Shallow title</title><x:date>2020</x:date></item></channel></rss>""",
        url,
        {},
    )


def file_cases() -> Iterator[Case]:
    """The sample feeds committed under tests/data/."""
    for folder in (DATA / "differential", DATA / "feeds"):
        for path in sorted(folder.iterdir()):
            if path.name.endswith(".json"):
                continue
            yield f"file-{path.name}", path.read_bytes(), f"https://files.test/{path.name}", {}
            yield f"file-{path.name}-nourl", path.read_bytes(), None, {}


def all_cases() -> list[Case]:
    """The whole corpus."""
    return [*generated_cases(), *file_cases()]

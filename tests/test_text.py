"""Plain text from HTML and messy text: no markup, no script, paragraphs kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressmon._text import (
    _document_to_text,
    _parse_for_text,
    _parsed_to_text,
    clean_text,
    html_to_text,
    looks_like_markup,
    plain_text,
    tree_to_text,
)

DATA = Path(__file__).resolve().parent / "data"


def test_scripts_styles_and_hidden_content_never_reach_the_text() -> None:
    """Script, style, template and noscript content is dropped with its tags."""
    html = (
        "<p>Visible</p><script>var secret = 1;</script><style>p{color:red}</style>"
        "<noscript>enable js</noscript><template><p>tpl</p></template><p>End</p>"
    )
    assert html_to_text(html) == "Visible\n\nEnd"


def test_blocks_become_paragraphs_and_br_a_line_break() -> None:
    """Block elements are separated by a blank line; <br> keeps a single line break."""
    html = "<h2>Titre</h2><p>Un<br>deux</p><ul><li>a</li><li>b</li></ul>"
    assert html_to_text(html) == "Titre\n\nUn\ndeux\n\na\n\nb"


def test_inline_elements_and_entities() -> None:
    """Inline markup disappears without breaking words; entities are decoded."""
    assert html_to_text("<p>l&#8217;<b>Alpine</b> &amp; l&rsquo;<i>A110</i>&nbsp;!</p>") == (
        "l’Alpine & l’A110 !"
    )


def test_event_handlers_and_javascript_urls_leave_no_trace() -> None:
    """Attributes never become text: onclick and javascript: links vanish with the markup."""
    text = html_to_text('<a href="javascript:alert(1)" onclick="steal()">lien</a>')
    assert text == "lien"


def test_comments_are_dropped_but_the_text_after_them_is_kept() -> None:
    """An HTML comment disappears; the text that follows it stays."""
    assert html_to_text("a<!-- hidden --> b") == "a b"


def test_clean_text_normalizes_whitespace_controls_and_unicode() -> None:
    """NFC form, no control or zero-width characters, one blank line between paragraphs."""
    messy = "E\u0301te\u0301\u200b\r\n\r\n\r\n  deux   mots\x07 \n ligne"
    assert clean_text(messy) == "Été\n\ndeux mots\nligne"


def test_plain_text_strips_markup_that_slipped_into_a_text_field() -> None:
    """A field declared as text that holds tags is still reduced to text."""
    assert plain_text("<b>Gras</b> et <script>x()</script>normal") == "Gras et normal"
    assert plain_text("x < y and y > z") == "x < y and y > z"


def test_looks_like_markup() -> None:
    """Tags and character references count as markup; comparison signs do not."""
    assert looks_like_markup("a <br/> b")
    assert looks_like_markup("AT&amp;T")
    assert not looks_like_markup("AT&T, 3 < 4")


def test_empty_and_broken_inputs() -> None:
    """Empty or unparsable HTML gives text, never an exception."""
    assert html_to_text("") == ""
    assert html_to_text("<") == "<"
    assert html_to_text("<p>unclosed <b>bold") == "unclosed bold"
    assert html_to_text("\x00\x00") == ""


# Tag soup that reaches every rule of tree_to_text: skipped, block, cell, br and
# pre elements, upper-case tags, comments, CDATA, character references
# (including the marks either walk uses), CR/LF and Unicode spaces.
_TAGS = [
    "p", "div", "span", "b", "br", "pre", "script", "style", "td", "th", "table", "tr",
    "li", "ul", "a", "noscript", "html", "body", "head", "title", "PRE", "BR", "Td",
    "o:p", "svg", "textarea", "h1", "figure", "img", "input", "template", "select",
]  # fmt: skip
_PIECES = [
    *"ab c\n\t\r\u00a0\u2009x&;#<>/é\ue000\ue001\x00\x01\x0b\u200b",
    "&amp;", "&#57344;", "&#xe001;", "&nbsp;", "&#10;", "&#13;", "<!--c-->",
    "<![CDATA[x]]>", "<?pi?>", "&#1;", "&lt;", "\r\n", "</html>", "<html></html>",
]  # fmt: skip


@st.composite
def _markup(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 4 and draw(st.booleans()):
            tag = draw(st.sampled_from(_TAGS))
            attributes = draw(st.sampled_from(["", ' class="x"', " a='<b>'"]))
            close = draw(st.sampled_from([f"</{tag}>", "", f"</{tag.upper()}>"]))
            parts.append(f"<{tag}{attributes}>{draw(_markup(depth + 1))}{close}")
        else:
            parts.append("".join(draw(st.lists(st.sampled_from(_PIECES), max_size=12))))
    return "".join(parts)


@settings(max_examples=400, deadline=None)
@given(markup=_markup())
def test_the_libxslt_walk_gives_what_the_python_walk_gives(markup: str) -> None:
    """html_to_text walks its tree in libxslt; the text is the Python walk's, character for
    character, whatever the markup (the walk falls back to Python when it must)."""
    root = _parse_for_text(markup)
    if root is not None:
        assert _document_to_text(root) == tree_to_text(root)


@pytest.mark.parametrize(
    "markup",
    [
        "<p>a&#1;b</p><p>c</p>",  # libxml2 keeps U+0001, the Python walk's line mark
        "<p>a\ue000b</p><p>c&#xe001;d</p>",  # the libxslt walk's own marks in the text
        "<div>x<pre>a\r\nb\n c</pre>y</div>",  # <pre> keeps its line breaks
        "<html></html><p>after the root</p>",  # only the root element is read
        "<table><tr><td>a</td><th>b</th></tr></table>x<br>y<br/>z",
    ],
)
def test_the_libxslt_walk_on_the_cases_it_hands_over(markup: str) -> None:
    """The inputs where the libxslt walk must defer to the Python walk, or nearly does."""
    root = _parse_for_text(markup)
    assert root is not None
    assert _document_to_text(root) == tree_to_text(root)


def test_the_libxslt_walk_on_real_feed_bodies() -> None:
    """The walks agree on the HTML bodies of the sample feeds (lists, figures, quotes)."""
    bodies = [
        article_html
        for path in sorted((DATA / "feeds").glob("*.xml"))
        for article_html in _html_values(path.read_bytes())
    ]
    assert len(bodies) >= 5
    for body in bodies:
        root = _parse_for_text(body)
        if root is not None:
            assert _document_to_text(root) == tree_to_text(root)


def _html_values(data: bytes) -> list[str]:
    from pressmon._parse import parse_raw

    raw = parse_raw(data)
    return [
        text.value
        for entry in raw.entries
        for text in (entry.summary, *entry.content)
        if text is not None and text.is_html
    ]


def _paragraphs_reference(raw: str, paragraph_mark: str, line_mark: str) -> str:
    """The paragraph rule written plainly: collapse all whitespace, then cut at the marks."""
    paragraphs = []
    for block in " ".join(raw.split()).split(paragraph_mark):
        if line_mark in block:
            lines = [line.strip() for line in block.split(line_mark)]
            paragraph = "\n".join(line for line in lines if line)
        else:
            paragraph = block.strip()
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


_PARAGRAPH_PIECES = st.sampled_from(
    ["a", "Été", " ", "  ", "\n", "\t", "\u00a0", "\u2009", "\u3000", "\x1c", "\u2028", "\x00",
     "\x01", "\ue000", "\ue001", "x y", " z ", "«", "\u200b"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.lists(_PARAGRAPH_PIECES, max_size=40).map("".join), st.text()))
def test_paragraphs_keep_already_collapsed_blocks_as_the_plain_rule_would(raw: str) -> None:
    """Keeping a block that has no whitespace to collapse gives what collapsing every
    whitespace run of the whole text, then cutting at the marks, gives."""
    from pressmon._text import _is_collapsed, _paragraphs

    if _is_collapsed(raw):
        assert " ".join(raw.split()) == raw
    for marks in (("\x00", "\x01"), ("\ue000", "\ue001")):
        assert _paragraphs(raw, *marks) == _paragraphs_reference(raw, *marks)


_PARAGRAPH_PIECES = [
    "Alpine", "arrive", " ", "  ", "\n", "\t", "\r\n", "\u00a0", "é", "e\u0301", "«", "»", "’",
    "&amp;", "&lt;", "&gt;", "&quot;", "&nbsp;", "&#39;", "&#x27;", "&#8217;", "&#160;", "&#1;",
    "&#128;", "&#0;", "&#xFFFF;", "&AMP;", "& ", "&copy;", "&amp", ">", "\x01", "\u200b",
    "\ue000", "\x00", "</p", "<b>", "<br>", "l'Alpine", "2027", "\ud800",
]  # fmt: skip
_PARAGRAPH = st.lists(st.sampled_from(_PARAGRAPH_PIECES), max_size=12).map("".join)


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(_PARAGRAPH, min_size=1, max_size=6),
    st.lists(st.sampled_from(["", " ", "\n", "\r\n\t", "\u00a0", "x", "<br>"]), min_size=7),
    st.sampled_from(["<p>", "<P>", "<p >"]),
)
def test_paragraphs_read_without_the_parser_read_as_with_it(
    paragraphs: list[str], between: list[str], opening: str
) -> None:
    """Markup of <p> paragraphs only (the commonest references decoded by hand) gives the
    very text libxml2's parser gives; anything else is left to the parser."""
    markup = between[0] + "".join(
        f"{opening}{text}</p>{space}" for text, space in zip(paragraphs, between[1:], strict=False)
    )
    assert html_to_text(markup) == _parsed_to_text(markup)

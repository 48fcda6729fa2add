"""Plain text from HTML and messy text: no markup, no script, paragraphs kept."""

from __future__ import annotations

from pressmon._text import clean_text, html_to_text, looks_like_markup, plain_text


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

"""Article extraction: sample pages through both engines, the engine choice, and hostile input.

Each ``tests/data/pages/NAME.expected.json`` states what extracting
``NAME.html`` must give, whatever the engine: the ``Article`` fields it lists
(``given`` holds the arguments, such as the page URL), the extraction status,
a part of the not-article message (``message_contains``), sentences the main
text must contain (``text_contains``) and boilerplate it must not
(``text_excludes``). The pages were written for these tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import pressmon
from pressmon import Article, ExtractionError, extract_article
from pressmon._extract import available_engines

PAGES = Path(__file__).resolve().parent / "data" / "pages"
CASES = sorted(PAGES.glob("*.expected.json"))
ENGINES = ["bs4", "trafilatura"]
_SPECIAL_KEYS = {
    "given", "status", "message_contains", "text_contains", "text_excludes", "site_name",
}  # fmt: skip


def _case(expected_file: Path) -> tuple[bytes, dict[str, Any]]:
    expected: dict[str, Any] = json.loads(expected_file.read_text(encoding="utf-8"))
    page = expected_file.with_name(expected_file.name.replace(".expected.json", ".html"))
    return page.read_bytes(), expected


def test_trafilatura_engine_is_installed_for_the_tests() -> None:
    """The test environment has the fulltext extra, so the trafilatura tests run, never skip."""
    assert available_engines() == ("trafilatura", "bs4"), (
        "install the test extra (pip install -e '.[test]'), which brings trafilatura"
    )


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("expected_file", CASES, ids=lambda path: path.name.split(".")[0])
def test_sample_page_matches_expected_json(expected_file: Path, engine: str) -> None:
    """Each sample page gives the status, metadata and main text its expected JSON states."""
    data, expected = _case(expected_file)
    article = extract_article(data, engine=engine, **expected.get("given", {}))  # type: ignore[arg-type]
    assert article.extraction is not None
    assert article.extraction.engine == engine
    assert article.extraction.status == expected["status"], article.extraction.message
    if "message_contains" in expected:
        assert expected["message_contains"] in (article.extraction.message or "")
    else:
        assert article.extraction.message is None
    actual = article.model_dump(mode="json")
    for key, value in expected.items():
        if key not in _SPECIAL_KEYS:
            assert actual[key] == value, key
    if "site_name" in expected:
        assert article.source.name == expected["site_name"]
    for sentence in expected.get("text_contains", []):
        assert sentence in article.text, sentence
    for boilerplate in expected.get("text_excludes", []):
        assert boilerplate not in article.text, boilerplate


def test_every_sample_page_has_an_expected_file() -> None:
    """No sample page sits in tests/data/pages without its expected JSON."""
    pages = {path.name.removesuffix(".html") for path in PAGES.glob("*.html")}
    expected = {path.name.removesuffix(".expected.json") for path in CASES}
    assert pages == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_paragraph_breaks_are_kept(engine: str) -> None:
    """The main text keeps the page's paragraphs, one blank line between them, no markup."""
    data, _ = _case(PAGES / "news_en_boilerplate.expected.json")
    article = extract_article(data, engine=engine)
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) >= 6
    assert paragraphs[0].startswith("Alpine, the sports-car brand of the Renault group")
    assert "<" not in article.text and "\n\n\n" not in article.text


def test_same_metadata_from_both_engines() -> None:
    """Both engines report the same metadata for a page; only the main text may differ."""
    for expected_file in CASES:
        data, expected = _case(expected_file)
        first, second = (
            extract_article(data, engine=engine, **expected.get("given", {}))  # type: ignore[arg-type]
            for engine in ENGINES
        )
        fields = {"id", "text", "extraction", "fetched_at"}
        assert first.model_dump(exclude=fields) == second.model_dump(exclude=fields), expected_file


def test_default_engine_is_trafilatura_when_installed() -> None:
    """Without an engine argument, trafilatura is used when it can be imported."""
    data, _ = _case(PAGES / "article_fr.expected.json")
    article = extract_article(data)
    assert article.extraction is not None and article.extraction.engine == "trafilatura"


def test_unknown_engine_is_a_value_error() -> None:
    """An unknown engine name is a programming error, named in the message."""
    with pytest.raises(ValueError, match="unknown extraction engine 'lxml'"):
        extract_article("<p>x</p>", engine="lxml")  # type: ignore[arg-type]


def test_missing_trafilatura_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Asking for trafilatura where it is not installed raises ExtractionError with the fix."""
    import pressmon._extract as extract_module
    import pressmon._extract._trafilatura as trafilatura_module

    monkeypatch.setattr(extract_module, "_engines", {})
    monkeypatch.setattr(trafilatura_module, "trafilatura_available", lambda: False)
    with pytest.raises(ExtractionError, match=r"pressmon\[fulltext\]"):
        extract_article("<p>x</p>", engine="trafilatura")
    assert available_engines() == ("bs4",)
    article = extract_article("<p>x</p>")
    assert article.extraction is not None and article.extraction.engine == "bs4"


def test_bs4_engine_does_not_import_trafilatura() -> None:
    """The built-in engine works without loading trafilatura (it is imported lazily)."""
    code = (
        "import sys, pressmon\n"
        "a = pressmon.extract_article('<p>Un texte.</p>', engine='bs4')\n"
        "print('trafilatura' in sys.modules, a.extraction.engine)\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert output.split() == ["False", "bs4"]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("html", ["", "   ", b"", b"\x00\x00", "<!-- only a comment -->"])
def test_empty_pages_fail_without_raising(engine: str, html: str | bytes) -> None:
    """A page with nothing to parse gives status failed, not an exception."""
    article = extract_article(html, url="https://example.test/a", engine=engine)  # type: ignore[arg-type]
    assert article.extraction is not None
    assert article.extraction.status in ("failed", "not_article")
    assert article.text == ""


def test_str_and_bytes_give_the_same_article() -> None:
    """A page given as text or as its UTF-8 bytes gives the same article."""
    data, _ = _case(PAGES / "textdate_fr.expected.json")
    from_bytes = extract_article(data, engine="bs4")
    from_text = extract_article(data.decode("utf-8"), engine="bs4")
    assert from_bytes.model_dump(exclude={"fetched_at"}) == from_text.model_dump(
        exclude={"fetched_at"}
    )


def test_result_is_a_valid_frozen_article() -> None:
    """extract_article returns the shared schema, which round-trips through JSON."""
    data, _ = _case(PAGES / "jsonld_graph.expected.json")
    article = extract_article(data, url="https://www.evdaily.test/alpine-us-plan/")
    assert isinstance(article, pressmon.Article)
    assert Article.model_validate_json(article.model_dump_json()) == article


_STORY = "".join(
    f"<p>Paragraph {n}: Alpine and AutoNation said the first showrooms would open in Florida, "
    "Texas and California, with more states to follow once the electric range arrives.</p>"
    for n in range(8)
)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    "extra",
    [
        '<form class="login"><input type="email"><input type="password"><button>Log in</button>'
        "</form>",
        '<div class="paywall-banner">Subscribers only: subscribe to read all our stories.</div>',
    ],
    ids=["login-box-in-header", "subscription-banner"],
)
def test_full_article_beside_a_login_box_or_banner_is_an_article(engine: str, extra: str) -> None:
    """A login form or a subscription banner next to a complete story does not make it a wall."""
    page = (
        f"<html lang='en'><body><header>{extra}</header><article>{_STORY}</article></body></html>"
    )
    article = extract_article(page, url="https://example.test/news/alpine", engine=engine)  # type: ignore[arg-type]
    assert article.extraction is not None
    assert article.extraction.status == "ok", article.extraction.message
    assert "Paragraph 7" in article.text


@pytest.mark.parametrize("engine", ENGINES)
def test_too_little_text_is_not_an_article(engine: str) -> None:
    """A page with one short sentence is reported as not an article, with its length."""
    page = (
        "<html lang='en'><body><article><p>Alpine is coming to America.</p></article></body></html>"
    )
    article = extract_article(page, url="https://example.test/news/x", engine=engine)  # type: ignore[arg-type]
    assert article.extraction is not None
    assert article.extraction.status == "not_article"
    assert "too little text" in (article.extraction.message or "")


@pytest.mark.parametrize("engine", ENGINES)
def test_story_relevant_only_in_its_page_text_is_flagged_once_extracted(engine: str) -> None:
    """A vague headline is not flagged alone; the page's extracted text is, by its own sentences.

    This is what full-text enrichment relies on: the relevance sits in the
    article page, and boilerplate (an "Alpine F1" related link) is not evidence.
    """
    page = (PAGES / "news_en_boilerplate.html").read_text(encoding="utf-8")
    page = page.replace(
        "Alpine picks AutoNation to sell its cars in the US",
        "A French carmaker finds its American partner",
    )
    article = extract_article(page, url="https://www.motorledger.test/news/x", engine=engine)  # type: ignore[arg-type]
    assert pressmon.detect(Article(title=article.title)) == []
    (flag,) = [flag for flag in pressmon.detect(article) if flag.topic == "alpine-us-expansion"]
    assert all(evidence.field == "text" for evidence in flag.evidence)
    assert all("F1" not in evidence.text for evidence in flag.evidence)

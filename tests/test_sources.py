"""Local sources: the seed, text files, HTML pages, feeds, records, directories and their errors."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pressmon import Article, SourceError, read_path, scan
from pressmon._sources import iter_path, read_bytes


def test_seed_is_read_as_one_french_article_of_may_2023(seed_path: Path) -> None:
    """The seed: one article, French, published 2023-05 at month precision, paragraphs kept."""
    (article,) = read_path(seed_path)
    assert article.language == "fr"
    assert article.published == datetime(2023, 5, 1, tzinfo=timezone.utc)
    assert article.published_precision == "month"
    assert article.published_label == "2023-05"
    assert article.text.startswith("Si Renault USA a piteusement périclité")
    assert "date 2023-05" not in article.text
    # Each non-empty line of the file is one paragraph (or sub-heading) of the text.
    lines = seed_path.read_text(encoding="utf-8").removeprefix(" date 2023-05 ").splitlines()
    assert article.text.split("\n\n") == [line.strip() for line in lines if line.strip()]
    assert "AutoNation serait le distributeur d’Alpine aux Etats-Unis" in article.text.split("\n\n")
    assert article.source.name == "000_bbe417a4b73ce4ce.txt"


def test_seed_id_is_stable(seed_path: Path) -> None:
    """Reading the seed twice gives the same id."""
    assert read_path(seed_path)[0].id == read_path(seed_path)[0].id


def test_text_without_header_and_with_a_title(data_dir: Path) -> None:
    """A text without date header works; a short first line without final period is the title."""
    (article,) = read_path(data_dir / "texts" / "plain_en.txt")
    assert article.title == "Alpine weighs a US launch"
    assert article.published is None and article.published_precision is None
    assert article.language == "en"
    assert article.text.endswith("No date has been set.")


def test_cp1252_french_text_keeps_its_accents(data_dir: Path) -> None:
    """A Windows-1252 text is decoded as such: quotes, accents and the euro sign survive."""
    (article,) = read_path(data_dir / "texts" / "cp1252_fr.txt")
    assert article.text.startswith("L’Alpine A110 arrive aux États-Unis : « enfin ! »")
    assert "60 000 €" in article.text
    assert article.published_label == "2023-05-02"


def test_html_page_gives_main_text_and_metadata(data_dir: Path) -> None:
    """An article page: title, description, JSON-LD date and author, canonical URL, no clutter."""
    (article,) = read_path(data_dir / "pages" / "article_fr.html")
    assert article.title == "Alpine et AutoNation : le plan américain se précise"
    assert article.summary.startswith("Le constructeur de Dieppe précise")
    assert article.published == datetime(2023, 5, 4, 5, 30, tzinfo=timezone.utc)
    assert article.authors == ("Léa Fontaine",)
    assert article.url == "https://www.quotidien.test/auto/alpine-plan-americain"
    assert article.language == "fr"
    assert article.source.name == "Le Quotidien Test"
    assert "concessionnaires du groupe AutoNation" in article.text
    for boilerplate in (
        "cookies",
        "Partager",
        "Accueil",
        "À lire aussi",
        "Super nouvelle",
        "Mentions",
    ):
        assert boilerplate not in article.text, boilerplate
    assert "analytics" not in article.text


def test_feed_files_are_parsed(data_dir: Path) -> None:
    """Feed files give one article per entry."""
    articles = read_path(data_dir / "feeds" / "rss20_fr.xml")
    assert articles[0].title == "Alpine vise les États-Unis d’ici 2027"
    assert len(articles) == 2


def test_jsonl_records_keep_the_good_lines_and_report_the_bad(data_dir: Path) -> None:
    """JSONL: valid records are read (a 'flags' key is ignored); bad lines become warnings."""
    (loaded,) = list(iter_path(data_dir / "records" / "two_articles.jsonl"))
    assert loaded.error is None
    assert [a.id for a in loaded.articles] == ["rec-1", "rec-2"]
    assert len(loaded.warnings) == 2
    assert "line 2" in loaded.warnings[0] and "line 4" in loaded.warnings[1]
    assert "titel" in loaded.warnings[1]


def test_scan_output_reads_back(tmp_path: Path, seed_path: Path) -> None:
    """What `scan --format json` writes (Article fields plus flags) can be read again."""
    (original,) = read_path(seed_path)
    records = [original.model_dump(mode="json") | {"flags": []}]
    path = tmp_path / "out.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    assert read_path(path) == [original]


def test_directory_is_read_recursively_in_sorted_order(tmp_path: Path, data_dir: Path) -> None:
    """A directory gives the articles of every readable file inside, in sorted path order."""
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Zeta text.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Alpha text.", encoding="utf-8")
    (tmp_path / "ignored.png").write_bytes(b"\x89PNG\x00")
    (tmp_path / ".hidden.txt").write_text("hidden", encoding="utf-8")
    assert [a.text for a in read_path(tmp_path)] == ["Alpha text.", "Zeta text."]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"\n\n  \n", "empty file"),
        (b"\x00\x01\x02\x03binary\x00", "binary"),
        (b" date 2023-05 ", "no text after the header"),
    ],
)
def test_unreadable_files_raise_source_error(tmp_path: Path, content: bytes, reason: str) -> None:
    """read_path raises SourceError naming the file and the reason."""
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=reason) as caught:
        read_path(path)
    assert caught.value.source == str(path)


def test_missing_path(tmp_path: Path) -> None:
    """A path that does not exist is a SourceError, not an OSError."""
    with pytest.raises(SourceError, match="no such file"):
        read_path(tmp_path / "nope.txt")


def test_empty_directory(tmp_path: Path) -> None:
    """A directory without readable files says so."""
    with pytest.raises(SourceError, match="no readable files"):
        read_path(tmp_path)


def test_bytes_are_sniffed_when_the_kind_is_unknown(data_dir: Path) -> None:
    """Standard input has no extension: feeds, pages, JSON and text are told apart by content."""
    for relative, expected in [
        ("feeds/atom10_en.atom", "Alpine sets a U.S. timetable"),
        ("pages/article_fr.html", "Alpine et AutoNation : le plan américain se précise"),
        ("feeds/jsonfeed11.json", "Alpine negli Stati Uniti"),
        ("texts/plain_en.txt", "Alpine weighs a US launch"),
    ]:
        loaded = read_bytes((data_dir / relative).read_bytes(), name="-")
        assert loaded.error is None, relative
        assert loaded.articles[0].title == expected


def test_scan_reports_each_source_and_goes_on(tmp_path: Path, seed_path: Path) -> None:
    """scan() never raises for one bad source: each gets a result, the good ones their flags."""
    missing = tmp_path / "missing.xml"
    results = scan([missing, seed_path, "-"], stdin=io.BytesIO(b""))
    assert [r.ok for r in results] == [False, True, False]
    assert results[0].error == "no such file or directory"
    assert results[2].error == "empty file"
    assert results[1].items[0].flags[0].topic == "alpine-us-expansion"


def test_articles_from_records_validate_like_any_article() -> None:
    """Records are validated: a record without fetched_at gets now, a bad date is refused."""
    loaded = read_bytes(b'{"title": "x", "published": "yesterday"}', name="r.json", kind="json")
    assert loaded.error is not None and "published" in loaded.error.reason
    loaded = read_bytes(b'{"title": "x"}', name="r.json", kind="json")
    assert loaded.error is None and isinstance(loaded.articles[0], Article)

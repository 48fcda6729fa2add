"""The shared schema: validation, stable ids, UTC dates with precision, exact JSON round-trips."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from pydantic import BaseModel, Field, ValidationError

from pressmon import Article, Evidence, Flag, Source, TermMatch, models
from pressmon.models import make_article_id


def _article(**fields: object) -> Article:
    base: dict[str, object] = {
        "guid": "g-1",
        "url": "https://example.test/a",
        "title": "Titre",
        "summary": "Résumé",
        "text": "Texte.\n\nSuite.",
        "authors": ("Ann",),
        "published": datetime(2023, 5, 2, 10, 0, tzinfo=timezone(timedelta(hours=2))),
        "language": "fr",
        "source": Source(
            name="Site", url="https://example.test/", feed_url="https://example.test/f"
        ),
        "tags": ("auto",),
    }
    base.update(fields)
    return Article.model_validate(base)


def test_json_round_trip_is_exact() -> None:
    """An article written to JSON and read back is equal to the original, field for field."""
    article = _article()
    assert Article.model_validate_json(article.model_dump_json()) == article


def test_published_is_converted_to_utc() -> None:
    """Publication times are stored in UTC whatever zone they were given in."""
    article = _article()
    assert article.published == datetime(2023, 5, 2, 8, 0, tzinfo=timezone.utc)
    assert article.published is not None and article.published.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused() -> None:
    """A date without a time zone is ambiguous, so the model refuses it instead of guessing."""
    with pytest.raises(ValidationError, match="timezone"):
        _article(published=datetime(2023, 5, 2, 10, 0))


def test_precision_defaults_to_second_and_partial_dates_keep_theirs() -> None:
    """A full timestamp has precision 'second'; a month-only date keeps 'month' and its label."""
    assert _article().published_precision == "second"
    partial = _article(
        published=datetime(2023, 5, 1, tzinfo=timezone.utc), published_precision="month"
    )
    assert partial.published_label == "2023-05"


def test_precision_without_date_is_refused() -> None:
    """A precision without a date would be a contradiction."""
    with pytest.raises(ValidationError, match="published_precision"):
        _article(published=None, published_precision="day")


def test_id_is_stable_and_ignores_fetch_time() -> None:
    """The same story from the same source gets the same id, whenever it was fetched."""
    first = _article(fetched_at=datetime(2024, 1, 1, tzinfo=timezone.utc))
    second = _article(fetched_at=datetime(2025, 6, 1, tzinfo=timezone.utc))
    assert first.id == second.id
    assert len(first.id) == 24 and int(first.id, 16) >= 0


def test_id_depends_on_source_and_entry() -> None:
    """Another source, or another entry of the same source, gets another id."""
    article = _article()
    other_source = _article(source=Source(feed_url="https://other.test/f"))
    other_entry = _article(guid="g-2")
    assert len({article.id, other_source.id, other_entry.id}) == 3


def test_id_falls_back_to_url_then_content() -> None:
    """Without guid the canonical URL identifies the entry; without both, title and text do."""
    assert make_article_id("s", None, "https://x.test/a", "t", "b") == make_article_id(
        "s", None, "https://x.test/a", "other title", "other body"
    )
    assert make_article_id("s", None, None, "t", "b") != make_article_id("s", None, None, "t", "c")


def test_models_are_frozen() -> None:
    """Articles cannot be changed after validation: they are shared between steps."""
    article = _article()
    with pytest.raises(ValidationError, match="frozen"):
        article.title = "changed"  # type: ignore[misc]


def test_unknown_fields_are_refused() -> None:
    """A misspelt field name is an error, not silently dropped data."""
    with pytest.raises(ValidationError, match="titel"):
        _article(titel="oops")


def test_language_must_be_iso_639_1() -> None:
    """Languages are two lowercase letters."""
    with pytest.raises(ValidationError, match="language"):
        _article(language="French")


def test_flag_round_trip_and_score_bounds() -> None:
    """Flags keep their evidence through JSON; scores outside [0, 1] are refused."""
    evidence = Evidence(
        field="text",
        start=0,
        end=10,
        text="Alpine USA",
        matches=(TermMatch(group="brand", term="Alpine", start=0, end=6),),
    )
    flag = Flag(topic="t", score=0.9, evidence=(evidence,))
    assert Flag.model_validate_json(flag.model_dump_json()) == flag
    with pytest.raises(ValidationError):
        Flag(topic="t", score=1.5)


def _models() -> list[type[BaseModel]]:
    from pressmon._detect import _topic

    return [
        value
        for module in (models, _topic)
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == module.__name__
    ]


def test_field_descriptions_are_the_docstrings_pydantic_would_read() -> None:
    """Every model's fields are described by the docstrings under them, exactly as pydantic's
    use_attribute_docstrings reads them (pressmon reads each module's source once instead)."""
    from pydantic._internal._docs_extraction import extract_docstrings_from_cls

    checked = 0
    for model in _models():
        expected = extract_docstrings_from_cls(model, use_inspect=True)
        own = {name: field.description for name, field in model.model_fields.items()}
        for name, docstring in expected.items():
            if name in own:
                assert own[name] == docstring, (model.__name__, name)
                checked += 1
    assert checked > 100


def test_a_model_defined_in_a_function_gets_its_descriptions() -> None:
    """A model class nested in a function (its qualified name has '<locals>') is described too,
    and an explicit description wins over the docstring."""

    class Local(models._Frozen):
        plain: int = 0
        """The plain field."""
        explicit: str = Field(default="", description="given")
        """Not used: the field says it."""
        undocumented: bool = False

    fields = Local.model_fields
    assert fields["plain"].description == "The plain field."
    assert fields["explicit"].description == "given"
    assert fields["undocumented"].description is None
    assert Local.model_json_schema()["properties"]["plain"]["description"] == "The plain field."

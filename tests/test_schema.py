"""The published JSON Schema of Article stays in step with the model."""

from __future__ import annotations

import json
from pathlib import Path

from pressmon._schema import article_schema, render_article_schema

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "docs" / "schema" / "article.schema.json"


def test_schema_file_is_up_to_date() -> None:
    """docs/schema/article.schema.json is what the model produces (python -m pressmon._schema)."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render_article_schema(), (
        "the Article JSON Schema is stale: run `python -m pressmon._schema`"
    )


def test_every_field_is_documented() -> None:
    """Each Article field carries a description in the schema, for the documentation."""
    schema = article_schema()
    undocumented = [
        name for name, field in schema["properties"].items() if not field.get("description")
    ]
    assert undocumented == []


def test_schema_is_valid_json_with_required_fields() -> None:
    """The file parses and names the schema version and the article's core fields."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["$schema"].startswith("https://json-schema.org/")
    for field in ("id", "guid", "url", "title", "summary", "text", "published", "language"):
        assert field in schema["properties"]

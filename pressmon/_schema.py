"""The JSON Schema of [`Article`][pressmon.Article], as published in `docs/schema/`.

`python -m pressmon._schema` rewrites `docs/schema/article.schema.json`;
`tests/test_schema.py` fails when the file is stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pressmon.models import Article

__all__ = ["SCHEMA_ID", "article_schema", "render_article_schema"]

SCHEMA_ID = "https://github.com/pressmon/pressmon/blob/main/docs/schema/article.schema.json"


def article_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of an Article as pressmon writes it in JSON."""
    schema = Article.model_json_schema(mode="serialization")
    # The empty default only lets the model derive the id; a written article always has one.
    schema["properties"]["id"].pop("default", None)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def render_article_schema() -> str:
    """The schema file's exact text."""
    return json.dumps(article_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main() -> int:
    """Write the schema next to the documentation."""
    target = Path(__file__).resolve().parents[1] / "docs" / "schema" / "article.schema.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_article_schema(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

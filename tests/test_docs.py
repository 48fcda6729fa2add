"""The documentation cannot drift from the code: generated pages are fresh and complete."""

from __future__ import annotations

import argparse
from pathlib import Path

from pressmon._docs import article_reference, cli_reference, iter_commands
from pressmon.cli import build_parser

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_cli_reference_documents_every_command_and_option() -> None:
    """docs/cli.md has a section per command and names every option and choice of each."""
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    for command, parser in iter_commands(build_parser()):
        assert f"## `{command}`" in page, f"{command} is missing from docs/cli.md"
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            for option in action.option_strings:
                assert option in page, f"{command} {option} is missing from docs/cli.md"
            for choice in action.choices or ():
                assert str(choice) in page, f"{command} choice {choice} is missing"


def test_cli_reference_is_fresh() -> None:
    """docs/cli.md is what `python -m pressmon._docs` writes today."""
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == cli_reference(), (
        "docs/cli.md is stale: run `python -m pressmon._docs`"
    )


def test_article_reference_is_fresh() -> None:
    """docs/article.md is generated from the Article JSON Schema and is up to date."""
    assert (DOCS / "article.md").read_text(encoding="utf-8") == article_reference(), (
        "docs/article.md is stale: run `python -m pressmon._docs`"
    )

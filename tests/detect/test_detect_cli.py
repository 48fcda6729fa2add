"""`pressmon explain` and `pressmon scan --topic FILE`, run as a user would."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT, RunPressmon

EXAMPLE = ROOT / "examples" / "cupra-us-launch.toml"


def test_explain_shows_groups_exclusions_score_and_highlights(
    run_pressmon: RunPressmon, seed_path: Path
) -> None:
    """The seed: groups with their terms, the score against the threshold, marked sentences."""
    result = run_pressmon("explain", seed_path, "--topic", "alpine-us-expansion")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "alpine-us-expansion" in out and "FLAGGED" in out and "threshold 0.50" in out
    assert "group brand" in out and "group market" in out
    assert "[AutoNation]" in out and "[marché américain]" in out
    assert "window strength" in out


def test_explain_an_unflagged_article_says_why(run_pressmon: RunPressmon, tmp_path: Path) -> None:
    """An F1 race report: not flagged, the exclusion that cancelled it is named."""
    page = tmp_path / "f1.txt"
    page.write_text(
        "Gasly scores for Alpine at the United States Grand Prix\n\nA good race in Austin.\n",
        encoding="utf-8",
    )
    result = run_pressmon("explain", page)
    assert result.returncode == 0, result.stderr
    assert "not flagged" in result.stdout
    assert "exclusion f1-race" in result.stdout


def test_explain_jsonl_carries_the_full_explanations(
    run_pressmon: RunPressmon, seed_path: Path
) -> None:
    """`--format jsonl`: the article fields plus one explanation per topic."""
    result = run_pressmon("explain", seed_path, "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    (explanation,) = record["explanations"]
    assert explanation["topic"] == "alpine-us-expansion" and explanation["flagged"] is True
    assert {group["group"] for group in explanation["groups"]} >= {"brand", "market"}


def test_scan_accepts_a_topic_file(run_pressmon: RunPressmon, tmp_path: Path) -> None:
    """`scan --topic path/to/topic.toml` uses that topic; names and files can be mixed."""
    page = tmp_path / "cupra.txt"
    page.write_text("Cupra delays its U.S. market entry\n\nThe launch moves to 2028.\n")
    result = run_pressmon(
        "scan", page, "--topic", EXAMPLE, "--topic", "alpine-us-expansion", "--format", "jsonl"
    )
    assert result.returncode == 0, result.stderr
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert [flag["topic"] for flag in record["flags"]] == ["cupra-us-launch"]
    assert record["flags"][0]["groups"]


def test_bad_topic_files_are_usage_errors_that_say_where(
    run_pressmon: RunPressmon, tmp_path: Path, seed_path: Path
) -> None:
    """An invalid topic file: exit 2, the file, the dotted key and the problem, no traceback."""
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace('all = ["brand", "market"]', 'all = ["brnd"]'))
    for command in ("scan", "explain"):
        result = run_pressmon(command, seed_path, "--topic", bad)
        assert result.returncode == 2
        assert str(bad) in result.stderr and "rule.all.0" in result.stderr
        assert "unknown group 'brnd'" in result.stderr
        assert "Traceback" not in result.stderr
    missing = run_pressmon("scan", seed_path, "--topic", tmp_path / "missing.toml")
    assert missing.returncode == 2 and "no such topic file" in missing.stderr

"""The ``pressmon`` command, run as a subprocess: formats, exit codes and error lines."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import RunPressmon


def test_scan_seed_jsonl_contract(run_pressmon: RunPressmon, seed_path: Path) -> None:
    """`scan SEED --format jsonl`: a French article of 2023-05, flagged with AutoNation evidence."""
    result = run_pressmon("scan", seed_path, "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    (line,) = result.stdout.splitlines()
    record = json.loads(line)
    assert record["language"] == "fr"
    assert record["published"].startswith("2023-05")
    assert record["published_precision"] == "month"
    (flag,) = record["flags"]
    assert flag["topic"] == "alpine-us-expansion"
    quoted = " ".join(evidence["text"] for evidence in flag["evidence"])
    assert "AutoNation" in quoted or "marché américain" in quoted


def test_jsonl_records_carry_every_article_field(run_pressmon: RunPressmon, data_dir: Path) -> None:
    """Each JSONL object has all the Article fields plus flags (empty when none)."""
    result = run_pressmon("scan", data_dir / "feeds" / "atom10_en.atom", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 2
    from pressmon import Article

    for record in records:
        assert set(record) == set(Article.model_fields) | {"flags"}
        assert isinstance(record["flags"], list)


def test_json_format_is_one_array(
    run_pressmon: RunPressmon, seed_path: Path, data_dir: Path
) -> None:
    """`--format json` prints one JSON array holding every article of every source."""
    result = run_pressmon(
        "scan", seed_path, data_dir / "feeds" / "rss20_fr.xml", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert isinstance(records, list) and len(records) == 3


def test_text_format_shows_title_source_date_flag_and_highlight(
    run_pressmon: RunPressmon, seed_path: Path
) -> None:
    """The text format names the source and date, the topic and score, with marked terms."""
    result = run_pressmon("scan", seed_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "000_bbe417a4b73ce4ce.txt" in out and "2023-05" in out
    assert "alpine-us-expansion" in out and "score" in out
    assert "[AutoNation]" in out or "[marché américain]" in out
    assert "\x1b[" not in out  # NO_COLOR is set by the fixture
    assert out.rstrip().endswith("1 flagged")


def test_only_flagged(run_pressmon: RunPressmon, data_dir: Path, seed_path: Path) -> None:
    """`--only-flagged` prints only flagged articles."""
    result = run_pressmon(
        "scan",
        seed_path,
        data_dir / "feeds" / "atom10_en.atom",
        "--format",
        "jsonl",
        "--only-flagged",
    )
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records and all(record["flags"] for record in records)


def test_failed_sources_get_one_error_line_and_exit_1(
    run_pressmon: RunPressmon, tmp_path: Path, seed_path: Path
) -> None:
    """Each unreadable source gets `pressmon: error: SOURCE: reason`; the others are processed."""
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.xml"
    binary.write_bytes(b"\x00\x01\x02\x03" * 100)
    missing = tmp_path / "missing.txt"
    result = run_pressmon("scan", missing, seed_path, empty, binary, "--format", "jsonl")
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 1  # the seed was still read
    errors = result.stderr.splitlines()
    assert errors == [
        f"pressmon: error: {missing}: no such file or directory",
        f"pressmon: error: {empty}: empty file",
        f"pressmon: error: {binary}: binary data, not text, HTML, a feed or JSON",
    ]
    assert "Traceback" not in result.stderr


def test_truncated_feed_and_cp1252_text_are_read_without_traceback(
    run_pressmon: RunPressmon, tmp_path: Path, data_dir: Path
) -> None:
    """A truncated feed gives its complete entries (and a warning); a cp1252 text reads fine."""
    data = (data_dir / "feeds" / "rss20_fr.xml").read_bytes()
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(data[: data.index(b"<title>Essai")])
    result = run_pressmon(
        "scan", truncated, data_dir / "texts" / "cp1252_fr.txt", "--format", "jsonl"
    )
    assert result.returncode == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records[0]["title"] == "Alpine vise les États-Unis d’ici 2027"
    assert "États-Unis : « enfin ! »" in records[-1]["text"]  # the cp1252 text, read last
    assert result.stderr.startswith(f"pressmon: warning: {truncated}: feed is not well-formed")
    assert "Traceback" not in result.stderr


def test_stdin_source(run_pressmon: RunPressmon, seed_path: Path) -> None:
    """`-` reads standard input."""
    result = run_pressmon("scan", "-", "--format", "jsonl", stdin=seed_path.read_bytes())
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["flags"][0]["topic"] == "alpine-us-expansion"


def test_empty_stdin_is_an_error_line(run_pressmon: RunPressmon) -> None:
    """Nothing on standard input is a failed source, reported like any other."""
    result = run_pressmon("scan", "-", stdin=b"")
    assert result.returncode == 1
    assert result.stderr == "pressmon: error: -: empty file\n"


def test_usage_errors_exit_2(run_pressmon: RunPressmon, seed_path: Path) -> None:
    """Unknown options, formats or topics, or no source at all, are usage errors (exit 2)."""
    for args in (
        ("scan",),
        ("scan", seed_path, "--format", "xml"),
        ("scan", seed_path, "--topic", "no-such-topic"),
        ("scan", seed_path, "--no-such-option"),
        (),
    ):
        result = run_pressmon(*args)
        assert result.returncode == 2, args
        assert "usage:" in result.stderr
        assert "Traceback" not in result.stderr
    result = run_pressmon("scan", seed_path, "--topic", "no-such-topic")
    assert "unknown topic 'no-such-topic'" in result.stderr


def test_version(run_pressmon: RunPressmon) -> None:
    """`--version` prints the package version."""
    from pressmon import __version__

    result = run_pressmon("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"pressmon {__version__}"

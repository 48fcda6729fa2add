"""`pressmon demo`: the main job, offline, on the bundled data."""

from __future__ import annotations

from pathlib import Path

from conftest import SEED, RunPressmon

from pressmon._demo import demo_sources, seed_path


def test_bundled_seed_is_the_repository_seed() -> None:
    """The demo reads the seed committed in seeds/, byte for byte."""
    assert seed_path().read_bytes() == SEED.read_bytes()


def test_demo_flags_the_seed_and_the_relevant_samples(
    run_pressmon: RunPressmon, tmp_path: Path
) -> None:
    """The demo runs offline from any directory, exits 0, shows the seed flagged with evidence."""
    result = run_pressmon("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    assert "000_bbe417a4b73ce4ce.txt" in out
    assert "alpine-us-expansion" in out
    assert "[AutoNation]" in out
    # Every relevant sample is flagged, in French, German and English.
    for title in (
        "Alpine will in die USA",
        "Alpine prépare son arrivée aux États-Unis avec le réseau AutoNation",
        "Alpine repousse son lancement américain à la fin de la décennie",
        "Alpine confirms U.S. launch plan, with an electric SUV leading the way",
    ):
        assert title in out, title
    # The look-alikes in the sample feeds are read but not shown as flagged.
    assert "Alpine Linux" not in out
    assert "Ski" not in out
    assert "Alpine Electronics" not in out and "Cupra" not in out and "Gasly" not in out
    assert "5 flagged for a topic" in out
    assert f"{len(demo_sources())} bundled sources" in out

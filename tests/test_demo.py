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
    # The look-alikes in the sample feeds are read but not shown as flagged.
    assert "Alpine Linux" not in out
    assert "Ski" not in out
    assert f"{len(demo_sources())} bundled sources" in out

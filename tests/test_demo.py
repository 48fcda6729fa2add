"""`pressmon demo`: the real monitor, offline, on the bundled data served from loopback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import SEED

from pressmon._demo import SEED_NAME, demo_sources, seed_feed, seed_path


def test_bundled_seed_is_the_repository_seed() -> None:
    """The demo reads the seed committed in seeds/, byte for byte."""
    assert seed_path().read_bytes() == SEED.read_bytes()


def test_seed_feed_carries_the_seed_text() -> None:
    """The generated seed feed parses, and its one item holds the seed's text and date."""
    import pressmon

    feed = pressmon.parse_feed(seed_feed("https://seed.example"), url="https://seed.example/f")
    (article,) = feed.articles
    assert "AutoNation" in (article.text or article.summary)
    assert article.published is not None and article.published.year == 2023
    assert article.url == f"https://seed.example/seed/{SEED_NAME}"


def test_demo_alerts_once_then_nothing(tmp_path: Path) -> None:
    """The demo runs offline from any directory, exits 0, prints the digest with the seed and
    the relevant samples flagged with evidence, and a second run that alerts nothing."""
    result = subprocess.run(
        [sys.executable, "-m", "pressmon", "demo"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    assert "127.0.0.1" in out and f"{len(demo_sources()) - 1} sample feeds" in out
    first, _, second = out.partition("second run:")
    assert SEED_NAME in first and "alpine-us-expansion" in first
    assert "**AutoNation**" in first
    # Every relevant sample is alerted, in French, German and English.
    for title in (
        "Alpine will in die USA",
        "Alpine prépare son arrivée aux États-Unis avec le réseau AutoNation",
        "Alpine repousse son lancement américain à la fin de la décennie",
        "Alpine confirms U.S. launch plan, with an electric SUV leading the way",
    ):
        assert title in first, title
    # The look-alikes in the sample feeds are read but not alerted.
    assert "Alpine Linux" not in out and "Ski" not in out
    assert "Alpine Electronics" not in out and "Cupra" not in out and "Gasly" not in out
    assert "5 new alert(s), 5 delivered, 0 pending" in first
    assert "0 new alert(s)" in second and "not modified" in second
    assert "Nothing is alerted twice" in second

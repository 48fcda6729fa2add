"""``pressmon demo``: the main job, offline, on the bundled seed and sample feeds."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TextIO

__all__ = ["demo_sources", "run_demo", "seed_path"]

SEED_NAME = "000_bbe417a4b73ce4ce.txt"


def seed_path() -> Path:
    """The bundled seed: in the package when installed from a wheel, else in the repository."""
    packaged = Path(str(resources.files("pressmon"))) / "_seeds" / SEED_NAME
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "seeds" / SEED_NAME


def demo_sources() -> list[Path]:
    """The seed, then the sample feeds, in a fixed order."""
    feeds = Path(__file__).resolve().parent / "feeds"
    return [seed_path(), *sorted(path for path in feeds.iterdir() if not path.name.startswith("."))]


def run_demo(out: TextIO) -> int:
    """Scan the bundled sources and print the flagged articles with their evidence."""
    from pressmon._render import Style, format_article
    from pressmon._scan import scan

    style = Style.for_stream(out)
    sources = demo_sources()
    out.write(f"pressmon demo: scanning {len(sources)} bundled sources (offline)\n\n")
    results = scan([str(path) for path in sources])
    articles = flagged = 0
    for result in results:
        if result.error is not None:
            out.write(f"pressmon: error: {result.source}: {result.error}\n")
            continue
        for item in result.items:
            articles += 1
            if item.flags:
                flagged += 1
                out.write(format_article(item.article, item.flags, style) + "\n\n")
    out.write(f"{articles} articles read, {flagged} flagged for a topic.\n")
    return 1 if any(result.error for result in results) else 0

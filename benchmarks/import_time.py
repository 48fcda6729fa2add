"""``import pressmon`` time, and the first ``parse_feed`` call, in fresh interpreters.

Runs N fresh ``python -c`` processes for each statement and prints the median
wall time, with a bare interpreter as the baseline, so the figure is what a
command-line user waits for.

Run:  python benchmarks/import_time.py [-n 20]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import time

FEED = (
    "b\"<rss version='2.0'><channel><title>t</title><item><title>x</title>"
    '<description>&lt;p&gt;y&lt;/p&gt;</description></item></channel></rss>"'
)
STATEMENTS = {
    "python (baseline)": "pass",
    "import feedparser": "import feedparser",
    "import pressmon": "import pressmon",
    "import pressmon; parse_feed (first call)": f"import pressmon; pressmon.parse_feed({FEED})",
    "import feedparser; feedparser.parse (first call)": (
        f"import io, feedparser; feedparser.parse(io.BytesIO({FEED}))"
    ),
}


def _median_ms(statement: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", statement], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=20, help="fresh interpreters per statement")
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, median of {args.n} fresh interpreters")
    baseline = None
    for label, statement in STATEMENTS.items():
        median = _median_ms(statement, args.n)
        baseline = median if baseline is None else baseline
        print(f"{label:50} {median:7.1f} ms   (+{median - baseline:6.1f} ms over bare python)")


if __name__ == "__main__":
    main()

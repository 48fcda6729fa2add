"""``import pressmon`` time, and the first ``parse_feed`` call, in fresh interpreters.

Runs N fresh ``python -c`` processes for each statement and prints the median
wall time, with a bare interpreter as the baseline, so the figure is what a
command-line user waits for. The statements take turns (one run of each, N
times), so that a change in the machine's load weighs on all of them alike;
the load average before and after is printed.

Run:  python benchmarks/import_time.py [-n 20]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

from _smoke import shrink

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


def _run_ms(statement: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], check=True)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=20, help="fresh interpreters per statement")
    args = shrink(parser.parse_args(), n=2)
    load_before = os.getloadavg()[0]
    times: dict[str, list[float]] = {label: [] for label in STATEMENTS}
    for _ in range(args.n):
        for label, statement in STATEMENTS.items():
            times[label].append(_run_ms(statement))
    load_after = os.getloadavg()[0]
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, median of {args.n} "
        f"fresh interpreters; load average {load_before:.2f} before, {load_after:.2f} after"
    )
    baseline = statistics.median(times["python (baseline)"])
    for label, measured in times.items():
        median = statistics.median(measured)
        print(f"{label:50} {median:7.1f} ms   (+{median - baseline:6.1f} ms over bare python)")


if __name__ == "__main__":
    main()

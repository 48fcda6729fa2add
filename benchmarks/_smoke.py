"""Smoke runs of the benchmarks, for the test suite.

With ``PRESSMON_BENCHMARK_SMOKE=1`` in the environment every benchmark runs its
whole code path on a tiny workload (a few feeds or articles, one round, no
added latency) and says so: its figures then mean nothing. The docs test runs
the commands that ``docs/performance.md`` shows this way, so the documented
commands keep working as the code changes.
"""

from __future__ import annotations

import argparse
import os

SMOKE = os.environ.get("PRESSMON_BENCHMARK_SMOKE") == "1"


def shrink(args: argparse.Namespace, **small: object) -> argparse.Namespace:
    """In a smoke run, replace the workload arguments by the small values given."""
    if SMOKE:
        for name, value in small.items():
            setattr(args, name, value)
        print("smoke run (PRESSMON_BENCHMARK_SMOKE=1): a tiny workload; the figures mean nothing")
    return args

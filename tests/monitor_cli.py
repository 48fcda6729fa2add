"""Run the ``pressmon`` command in a subprocess, as ``python -m pressmon`` does.

Until pressmon has its own fetcher (issue 3), the monitor's fetch function is the
tests' loopback fetcher; once ``pressmon.Fetcher`` exists, the real one is used.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pressmon
import pressmon._monitor

if not hasattr(pressmon, "Fetcher"):
    from monitor_support import loopback_fetch

    pressmon._monitor.default_fetch = loopback_fetch  # type: ignore[assignment]

from pressmon.cli import main

sys.exit(main(sys.argv[1:]))

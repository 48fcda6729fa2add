"""A test-only hook that kills the process at a named point of a monitor run.

The crash-safety tests run `pressmon run` in a subprocess with
`PRESSMON_TEST_CRASH_AT=<point>` and check that a rerun loses no alert and
shows none twice. Without that variable (always, outside those tests) this does
nothing. The points:

`after_claim`                   the due feeds leased to this worker, nothing fetched
`after_store`                   articles and outbox committed, nothing delivered
`during_delivery`               the JSONL sink wrote its first alert line, not the others
`after_delivery_before_mark`    a sink took the alerts; the state does not know it yet
"""

from __future__ import annotations

import os
import signal

__all__ = ["crash_point"]

_VARIABLE = "PRESSMON_TEST_CRASH_AT"


def crash_point(name: str) -> None:
    """Kill this process with SIGKILL when `PRESSMON_TEST_CRASH_AT` names this point."""
    if os.environ.get(_VARIABLE) == name:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))

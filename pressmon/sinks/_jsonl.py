"""The JSONL sink: one alert per line, never the same alert id twice in the file.

Before appending, the sink reads the ids already in the file, so an alert delivered
again after a crash (written, but not yet marked delivered in the state) is not
written a second time. A last line cut short by a crash (no final newline) was
never acknowledged: it is removed and written again whole. Several workers on one
machine may deliver to one file: each holds the file's lock (`FILE.lock`) from reading
the ids to the last line written, so no line is cut or written twice.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import TextIO

from pressmon._crash import crash_point
from pressmon._filelock import FileLock
from pressmon.config import JsonlSinkConfig
from pressmon.models import Alert
from pressmon.sinks._base import DeliveryContext

__all__ = ["JsonlSink", "read_ids"]

_LOCK_TIMEOUT = 60.0  # seconds another worker may hold the file (a write of a few lines)


def read_ids(path: os.PathLike[str] | str) -> set[str]:
    """The alert ids in a JSONL file (lines that are not JSON objects are skipped)."""
    ids: set[str] = set()
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below; a missing file means no ids
    except FileNotFoundError:
        return ids
    with handle:
        for line in handle:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                ids.add(record["id"])
    return ids


def _drop_partial_last_line(path: os.PathLike[str] | str) -> None:
    with open(path, "r+b") as handle:
        size = handle.seek(0, os.SEEK_END)
        if size == 0:
            return
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return
        # Find the start of the unfinished line and cut it off.
        position = size
        chunk = 4096
        while position > 0:
            step = min(chunk, position)
            handle.seek(position - step)
            data = handle.read(step)
            newline = data.rfind(b"\n")
            if newline != -1:
                handle.truncate(position - step + newline + 1)
                return
            position -= step
        handle.truncate(0)


class JsonlSink:
    """Append alerts to a JSONL file, skipping ids already in it."""

    always = False

    def __init__(self, config: JsonlSinkConfig, *, stdout: TextIO | None = None) -> None:
        self.path = config.path
        self.key = config.key()

    def deliver(self, alerts: Sequence[Alert], context: DeliveryContext) -> None:
        """Append the alerts the file does not hold yet, then flush them to disk."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(self.path, _LOCK_TIMEOUT):
            self._append(alerts)

    def _append(self, alerts: Sequence[Alert]) -> None:
        if self.path.exists():
            _drop_partial_last_line(self.path)
        present = read_ids(self.path)
        lines = []
        for alert in alerts:
            if alert.id in present:
                continue
            present.add(alert.id)
            record = alert.model_dump(mode="json")
            lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        if not lines:
            return
        with open(self.path, "a", encoding="utf-8") as handle:
            for index, line in enumerate(lines):
                handle.write(line)
                if index == 0 and len(lines) > 1:
                    handle.flush()
                    crash_point("during_delivery")
            handle.flush()
            os.fsync(handle.fileno())

"""Fixtures shared by the whole suite: paths to sample data and a way to run the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO

import pytest
from httpserver import TestServer

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SEED = ROOT / "seeds" / "000_bbe417a4b73ce4ce.txt"


class Completed(subprocess.CompletedProcess[str]):
    """A finished ``pressmon`` run, with the peak memory of that process alone."""

    max_rss_kib: int
    """Peak resident memory of the run's process (and its children), in KiB."""


RunPressmon = Callable[..., Completed]


def _run_measured(
    command: Sequence[str], stdin: bytes | None, cwd: Path, env: dict[str, str], timeout: float
) -> Completed:
    """Run a command like subprocess.run, but reap it with wait4 to read its own rusage.

    ``RUSAGE_CHILDREN`` would give the peak of every child the test process ever
    had (a headless browser of another test included), not of this run.
    """
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=env,
    )
    outputs: dict[str, bytes] = {}

    def drain(name: str, stream: IO[bytes]) -> None:
        outputs[name] = stream.read()

    assert process.stdout is not None and process.stderr is not None
    readers = [
        threading.Thread(target=drain, args=("out", process.stdout)),
        threading.Thread(target=drain, args=("err", process.stderr)),
    ]
    for reader in readers:
        reader.start()
    if process.stdin is not None:
        process.stdin.write(stdin or b"")
        process.stdin.close()
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            process.kill()
            os.wait4(process.pid, 0)
            process.returncode = -9
            raise subprocess.TimeoutExpired(command, timeout)
        time.sleep(0.01)
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    for reader in readers:
        reader.join()
    process.stdout.close()
    process.stderr.close()
    completed = Completed(
        command,
        process.returncode,
        outputs["out"].decode("utf-8"),
        outputs["err"].decode("utf-8"),
    )
    completed.max_rss_kib = usage.ru_maxrss
    return completed


@pytest.fixture
def data_dir() -> Path:
    """The directory of sample inputs written for the tests."""
    return DATA


@pytest.fixture
def seed_path() -> Path:
    """The seed article, as committed in seeds/."""
    return SEED


@pytest.fixture
def run_pressmon(tmp_path: Path) -> RunPressmon:
    """Run ``python -m pressmon ARGS`` in a subprocess, as a user would, and capture its output."""

    def run(
        *args: str | os.PathLike[str],
        stdin: bytes | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        timeout: float = 120,
    ) -> Completed:
        environment = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", **(env or {})}
        command: Sequence[str] = [sys.executable, "-m", "pressmon", *map(os.fspath, args)]
        return _run_measured(command, stdin, cwd or tmp_path, environment, timeout)

    return run


@pytest.fixture
def http_server() -> Iterator[TestServer]:
    """A real HTTP/1.1 server on 127.0.0.1 with no routes yet (see ``tests/httpserver.py``)."""
    with TestServer() as server:
        yield server

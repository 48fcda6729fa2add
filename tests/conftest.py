"""Fixtures shared by the whole suite: paths to sample data and a way to run the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from httpserver import TestServer

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SEED = ROOT / "seeds" / "000_bbe417a4b73ce4ce.txt"

RunPressmon = Callable[..., subprocess.CompletedProcess[str]]


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
    ) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", **(env or {})}
        command: Sequence[str] = [sys.executable, "-m", "pressmon", *map(os.fspath, args)]
        completed = subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            cwd=cwd or tmp_path,
            env=environment,
            timeout=timeout,
            check=False,
        )
        return subprocess.CompletedProcess(
            completed.args,
            completed.returncode,
            completed.stdout.decode("utf-8"),
            completed.stderr.decode("utf-8"),
        )

    return run


@pytest.fixture
def http_server() -> Iterator[TestServer]:
    """A real HTTP/1.1 server on 127.0.0.1 with no routes yet (see ``tests/httpserver.py``)."""
    with TestServer() as server:
        yield server

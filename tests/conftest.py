"""Fixtures shared by the whole suite: paths to sample data, a way to run the CLI, and a
PostgreSQL server of the tests' own."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pgserver
import pytest
from httpserver import FeedRoute, TestServer
from monitor_support import daily_items, rss, wire_items
from storekit import AnyStore, Backend

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SEED = ROOT / "seeds" / "000_bbe417a4b73ce4ce.txt"


class Completed(subprocess.CompletedProcess[str]):
    """A finished ``pressmon`` run; with ``peak_memory=True``, its own peak memory."""

    peak_rss_kib: int | None = None
    """The run's peak resident memory (Linux ``VmHWM``), in KiB, when it was measured."""


RunPressmon = Callable[..., Completed]

# Runs ``python -m pressmon`` and, at exit, writes the process's VmHWM to a file.
# Not ru_maxrss: Linux carries it across exec from the forking parent, so a run
# started by a large pytest process would report pytest's memory, not its own.
_MEASURED_LAUNCH = """
import atexit, os, runpy, sys

def _write_peak():
    with open("/proc/self/status", encoding="ascii") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["PRESSMON_TEST_PEAK_FILE"], "w", encoding="ascii") as out:
        out.write(peak)

atexit.register(_write_peak)
sys.argv[0] = "pressmon"
runpy.run_module("pressmon", run_name="__main__", alter_sys=True)
"""


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
        peak_memory: bool = False,
    ) -> Completed:
        environment = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", **(env or {})}
        command: Sequence[str] = [sys.executable, "-m", "pressmon", *map(os.fspath, args)]
        peak_file = tmp_path / f"peak-{time.monotonic_ns()}.txt"
        if peak_memory:
            environment["PRESSMON_TEST_PEAK_FILE"] = str(peak_file)
            command = [sys.executable, "-c", _MEASURED_LAUNCH, *map(os.fspath, args)]
        completed = subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            cwd=cwd or tmp_path,
            env=environment,
            timeout=timeout,
            check=False,
        )
        result = Completed(
            completed.args,
            completed.returncode,
            completed.stdout.decode("utf-8"),
            completed.stderr.decode("utf-8"),
        )
        if peak_memory:
            result.peak_rss_kib = int(peak_file.read_text(encoding="ascii"))
        return result

    return run


@pytest.fixture
def http_server() -> Iterator[TestServer]:
    """A real HTTP/1.1 server on 127.0.0.1 with no routes yet (see ``tests/httpserver.py``)."""
    with TestServer() as server:
        yield server


@pytest.fixture
def feed_server() -> Iterator[TestServer]:
    """The monitor tests' loopback server: a wire feed and a daily paper carrying its story."""
    feeds = TestServer().start()
    feeds.routes["/wire.xml"] = FeedRoute(rss("Wire", wire_items()))
    feeds.routes["/daily.xml"] = FeedRoute(rss("Daily", daily_items()))
    yield feeds
    feeds.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[pgserver.PostgresServer]:
    """A PostgreSQL server started for this session on a loopback port (tests/pgserver.py).

    Without PostgreSQL on the machine, the tests that need it fail when
    `PRESSMON_REQUIRE_POSTGRES=1` (CI sets it) and are skipped, with the reason, otherwise.
    """
    problem = pgserver.problem()
    if problem is not None:
        if os.environ.get("PRESSMON_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PRESSMON_REQUIRE_POSTGRES=1 but {problem}", pytrace=False)
        pytest.skip(f"needs a PostgreSQL server: {problem}")
    bindir = pgserver.find_bindir()
    assert bindir is not None
    server = pgserver.PostgresServer(bindir)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: pgserver.PostgresServer) -> Iterator[str]:
    """The URL of a new, empty database on the session's server (dropped after the test)."""
    name = postgres_server.create_database()
    yield postgres_server.url(name)
    postgres_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """An empty state on each backend in turn: an SQLite file, then a PostgreSQL database of
    the session's server (tests/store/ runs its suite on both)."""
    if request.param == "sqlite":
        return Backend("sqlite", tmp_path / "state.db")
    return Backend("postgres", request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(backend: Backend) -> Iterator[AnyStore]:
    """The backend's state, open (closed after the test)."""
    with backend.open() as opened:
        yield opened

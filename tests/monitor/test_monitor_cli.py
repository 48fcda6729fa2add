"""``pressmon run`` as a scheduled job runs it: subprocesses, exit codes, crashes, two runs at once.

Each test starts the real command in a subprocess against a loopback feed server and a real
SQLite state file, and checks what a user would see: the exit code, standard error, and the
JSONL sink holding every alert exactly once.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from httpserver import FeedRoute, TestServer
from monitor_support import jsonl_ids, write_config

EXPECTED_ALERTS = 2  # the wire's AutoNation story (with its copy on the daily) + the postponement


def command(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "pressmon", *map(str, args)]


def pressmon(
    *args: str | Path,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        command(*args),
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def feeds(feed_server: TestServer) -> list[str]:
    return [feed_server.url("/wire.xml"), feed_server.url("/daily.xml")]


def test_run_twice_exit_codes_and_fail_on_new(feed_server: TestServer, tmp_path: Path) -> None:
    """--fail-on-new exits 1 when there are new alerts and 0 on the rerun, which alerts nothing;
    the summary line goes to standard error."""
    config = write_config(tmp_path, feeds(feed_server))
    first = pressmon("run", config, "--fail-on-new")
    assert first.returncode == 1, first.stderr
    assert "2 new alert(s), 2 delivered, 0 pending" in first.stderr
    second = pressmon("run", config, "--fail-on-new")
    assert second.returncode == 0, second.stderr
    assert "0 new alert(s)" in second.stderr and "2 not modified" in second.stderr
    assert len(jsonl_ids(tmp_path / "alerts.jsonl")) == EXPECTED_ALERTS


def test_config_error_exits_2_naming_file_key_and_fix(tmp_path: Path) -> None:
    """A misspelt key is one error line with the file, the key and what to do; no traceback."""
    config = tmp_path / "bad.toml"
    config.write_text(
        '[[feeds]]\nurl = "https://example.org/feed.xml"\n[[sinks]]\n'
        'type = "jsonl"\npaht = "alerts.jsonl"\n'
    )
    result = pressmon("run", config)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"pressmon: error: {config}, key 'sinks.0.paht': unknown key")
    missing = pressmon("run", tmp_path / "nope.toml")
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_every_feed_failing_exits_3(feed_server: TestServer, tmp_path: Path) -> None:
    """When every due feed fails the run exits 3 and says why for each feed."""
    feed_server.routes["/down.xml"] = FeedRoute(b"", status=500)
    config = write_config(tmp_path, [feed_server.url("/down.xml")])
    result = pressmon("run", config)
    assert result.returncode == 3, result.stderr
    assert "every feed failed" in result.stderr and "HTTP 500" in result.stderr


def test_corrupt_state_exits_4_then_rebuilds(feed_server: TestServer, tmp_path: Path) -> None:
    """A state file that is not a database gives a clear error (exit 4) with the way to rebuild;
    --rebuild-state moves it aside and runs."""
    config = write_config(tmp_path, feeds(feed_server))
    (tmp_path / "state.db").write_bytes(b"this is not a database, just text" * 100)
    result = pressmon("run", config)
    assert result.returncode == 4 and "Traceback" not in result.stderr
    assert "not a pressmon database" in result.stderr and "--rebuild-state" in result.stderr
    rebuilt = pressmon("run", config, "--rebuild-state")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert list(tmp_path.glob("state.db.broken-*"))
    assert len(jsonl_ids(tmp_path / "alerts.jsonl")) == EXPECTED_ALERTS


@pytest.mark.parametrize("point", ["after_store", "during_delivery", "after_delivery_before_mark"])
def test_crash_at_each_point_then_rerun_delivers_each_alert_once(
    feed_server: TestServer, tmp_path: Path, point: str
) -> None:
    """SIGKILL at each point of the run, then a rerun: the JSONL sink holds every alert exactly
    once (nothing lost, nothing twice)."""
    config = write_config(tmp_path, feeds(feed_server))
    crashed = pressmon("run", config, env={"PRESSMON_TEST_CRASH_AT": point})
    assert crashed.returncode == -signal.SIGKILL
    rerun = pressmon("run", config)
    assert rerun.returncode == 0, rerun.stderr
    ids = jsonl_ids(tmp_path / "alerts.jsonl")
    assert len(ids) == EXPECTED_ALERTS and len(set(ids)) == EXPECTED_ALERTS
    third = pressmon("run", config)
    assert "0 pending" in third.stderr
    assert jsonl_ids(tmp_path / "alerts.jsonl") == ids


@pytest.mark.slow
def test_sigkill_at_a_random_moment_of_a_slow_run(feed_server: TestServer, tmp_path: Path) -> None:
    """A run killed at random moments (slow feeds, so mostly mid-fetch) and rerun delivers every
    alert exactly once."""
    for route in feed_server.routes.values():
        route.delay = 0.3
    config = write_config(tmp_path, feeds(feed_server))
    rng = random.Random(5)
    for _ in range(3):
        process = subprocess.Popen(
            command("run", config), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.2, 1.2))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    final = pressmon("run", config, "--force")
    assert final.returncode == 0, final.stderr
    ids = jsonl_ids(tmp_path / "alerts.jsonl")
    assert len(ids) == EXPECTED_ALERTS and len(set(ids)) == EXPECTED_ALERTS


def test_two_runs_started_together(feed_server: TestServer, tmp_path: Path) -> None:
    """Two runs started at once both succeed, without a traceback or "database is locked";
    the alerts are delivered once."""
    for route in feed_server.routes.values():
        route.delay = 0.2
    config = write_config(tmp_path, feeds(feed_server))
    processes = [
        subprocess.Popen(
            command("run", config),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=60) for process in processes]
    for process, (_, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
        assert "Traceback" not in err and "locked" not in err
    ids = jsonl_ids(tmp_path / "alerts.jsonl")
    assert len(ids) == EXPECTED_ALERTS and len(set(ids)) == EXPECTED_ALERTS


def test_lock_timeout_gives_a_clear_message(feed_server: TestServer, tmp_path: Path) -> None:
    """A run that cannot get the lock within lock_timeout exits 4 with a message, no traceback."""
    import fcntl

    config = write_config(tmp_path, feeds(feed_server), extra="lock_timeout = 0.5")
    config.write_text(config.read_text().replace("lock_timeout = 30\n", ""))
    with open(tmp_path / "state.db.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        result = pressmon("run", config)
    assert result.returncode == 4 and "Traceback" not in result.stderr
    assert "another pressmon run" in result.stderr


def test_newer_state_is_refused(feed_server: TestServer, tmp_path: Path) -> None:
    """A state written by a newer pressmon (higher user_version) is refused with exit 4."""
    config = write_config(tmp_path, feeds(feed_server))
    assert pressmon("run", config).returncode == 0
    with sqlite3.connect(tmp_path / "state.db") as connection:
        connection.execute("PRAGMA user_version = 99")
    connection.close()
    result = pressmon("run", config)
    assert result.returncode == 4 and "newer pressmon" in result.stderr


def test_opml_export_then_import(tmp_path: Path) -> None:
    """`pressmon opml export` writes the feeds as OPML; `opml import` turns it back into TOML."""
    config = tmp_path / "monitor.toml"
    config.write_text(
        '[[feeds]]\nurl = "https://a.example/feed.xml"\nname = "A & B"\ntags = ["autos"]\n'
    )
    exported = pressmon("opml", "export", config)
    assert exported.returncode == 0, exported.stderr
    opml = tmp_path / "feeds.opml"
    opml.write_text(exported.stdout)
    imported = pressmon("opml", "import", opml)
    assert imported.returncode == 0, imported.stderr
    assert 'url = "https://a.example/feed.xml"' in imported.stdout
    assert 'name = "A & B"' in imported.stdout and 'tags = ["autos"]' in imported.stdout

"""Every example in examples/ runs, offline, against a loopback feed feed_server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from httpserver import FeedRoute, TestServer
from monitor_support import Item, jsonl_ids, rss, wire_items

from pressmon.config import HtmlSinkConfig, load_config

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def python(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    environment.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=120,
        check=False,
    )


def test_alpine_us_config_is_valid_and_runs_on_loopback(
    feed_server: TestServer, tmp_path: Path
) -> None:
    """examples/alpine_us.toml validates (Google News searches in French and English, automotive
    feeds); with its feed URLs pointed at the loopback server it runs and alerts."""
    config = load_config(EXAMPLES / "alpine_us.toml")
    urls = [feed.url for feed in config.all_feeds()]
    assert any("news.google.com" in url and "hl=fr" in url for url in urls)
    assert any("news.google.com" in url and "hl=en" in url for url in urls)
    assert sum("automotive" in feed.tags for feed in config.all_feeds()) >= 4
    text = (EXAMPLES / "alpine_us.toml").read_text(encoding="utf-8")
    local = [feed_server.url("/wire.xml"), feed_server.url("/daily.xml")]
    count = iter(range(1000))
    text = re.sub(r'url = "https://[^"]+"', lambda match: f'url = "{local[next(count) % 2]}"', text)
    copy = tmp_path / "alpine_us.toml"
    copy.write_text(text, encoding="utf-8")
    result = python("-m", "pressmon", "run", copy, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "new alert" in result.stdout  # the console sink's table
    assert len(jsonl_ids(tmp_path / ".pressmon" / "alerts.jsonl")) == 2
    assert (tmp_path / ".pressmon" / "digest.html").read_text().count('class="alert"') == 2


def test_github_actions_workflow_matches_the_config() -> None:
    """The workflow parses, runs on a schedule, caches the state directory of the config it runs,
    runs `pressmon run`, and uploads the HTML digest the config writes."""
    workflow = yaml.safe_load((EXAMPLES / "github-actions" / "pressmon-monitor.yml").read_text())
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads on: as True
    assert triggers["schedule"][0]["cron"]
    job = workflow["jobs"]["monitor"]
    config_path = ROOT / job["env"]["CONFIG"]
    config = load_config(config_path)
    state_dir = ROOT / job["env"]["STATE_DIR"]
    assert config.state.parent == state_dir.resolve()
    html = next(sink for sink in config.sinks if isinstance(sink, HtmlSinkConfig))
    steps = {step.get("name"): step for step in job["steps"]}
    assert 'pressmon run "$CONFIG"' in steps["Run the monitor"]["run"]
    assert steps["Restore the state"]["uses"].startswith("actions/cache/restore@")
    assert steps["Save the state"]["if"] == "always()"
    upload = steps["Upload the HTML digest"]["with"]["path"]
    assert upload.replace("${{ env.STATE_DIR }}", job["env"]["STATE_DIR"]) == str(
        html.path.relative_to(ROOT)
    )


def test_fetch_and_flag_example(feed_server: TestServer, tmp_path: Path) -> None:
    """examples/fetch_and_flag.py fetches the given feeds and prints the flagged articles."""
    result = python(
        EXAMPLES / "fetch_and_flag.py",
        feed_server.url("/wire.xml"),
        feed_server.url("/daily.xml"),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Alpine to enter the US with AutoNation in 2027" in result.stdout
    assert "Gasly" not in result.stdout
    assert result.stdout.strip().endswith("3 flagged article(s) in 2 feed(s)")


def test_async_monitor_example(feed_server: TestServer, tmp_path: Path) -> None:
    """examples/async_monitor.py previews with afetch, then runs the monitor (twice: the second
    run alerts nothing)."""
    config = tmp_path / "monitor.toml"
    config.write_text(
        f'state = "state.db"\n[[feeds]]\nurl = "{feed_server.url("/wire.xml")}"\n'
        f'[[feeds]]\nurl = "{feed_server.url("/daily.xml")}"\n'
        '[[sinks]]\ntype = "jsonl"\npath = "alerts.jsonl"\n'
    )
    first = python(EXAMPLES / "async_monitor.py", config, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "preview: 3 flagged article(s) in 2 feed(s)" in first.stdout
    assert "monitor: 2 new alert(s), 0 pending" in first.stdout
    assert "(also in 1 other source(s))" in first.stdout
    second = python(EXAMPLES / "async_monitor.py", config, cwd=tmp_path)
    assert "monitor: 0 new alert(s)" in second.stdout


CUPRA_BODY = (
    "Cupra, the sporty brand of SEAT, confirmed that it will enter the United States market "
    "in 2027 with the Formentor and the Tavascan, sold through a new network of dealers."
)


def test_custom_topic_example(feed_server: TestServer, tmp_path: Path) -> None:
    """examples/custom_topic.py loads the Cupra topic file and flags the Cupra US story of a
    feed, not the Alpine ones; a broken topic file is reported with its key, exit 2."""
    items = [
        Item(
            "c1",
            "Cupra will launch in the United States in 2027",
            CUPRA_BODY,
            "https://wire.example/cupra-us",
        ),
        *wire_items(),
    ]
    feed_server.routes["/cupra.xml"] = FeedRoute(rss("Wire", items))
    result = python(EXAMPLES / "custom_topic.py", feed_server.url("/cupra.xml"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Cupra will launch in the United States in 2027" in result.stdout
    assert "AutoNation" not in result.stdout
    assert result.stdout.strip().endswith("1 article(s) flagged for cupra-us-launch")
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "x"\n[rule]\nall = ["nope"]\n')
    failed = python(
        EXAMPLES / "custom_topic.py", "--topic", broken, feed_server.url("/cupra.xml"), cwd=tmp_path
    )
    assert failed.returncode == 2 and str(broken) in failed.stderr

"""Every example in the README and the docs runs: Python and shell blocks are executed,
TOML, YAML and JSON blocks are parsed (and validated when they are a config or a topic).

The examples run offline in a scratch directory holding copies of ``seeds/``,
``examples/``, ``benchmarks/`` (run in smoke mode: ``benchmarks/_smoke.py``) and
``tests/`` (the labelled sets, the benchmarks' feed server). Feed URLs on the
documentation's example sites (``journal-auto.example``, ``motor-wire.example``,
``autowelt.example``, ``example.org``, ``news.google.com``) are answered by a
local server (``tests/docs_sites/sitecustomize.py`` routes them). Conventions for writers:

- each Python block stands alone (its own imports);
- a block with a file name (```` ```toml title="monitor.toml" ````, which the site
  shows as a caption) is also written to that file, for the blocks after it;
- in shell blocks each line runs in turn; a line ending in ``# exits N`` must exit
  with N, every other line with 0; ``pip install`` lines are not run here, they must
  be one of the installs `.ci/run` performs (``ALLOWED_INSTALLS``);
- ``text``, ``console`` output, ``mermaid`` and unlabelled blocks are not code.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from httpserver import TestServer, static_route

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
SITE_PACKAGES_HOOK = Path(__file__).resolve().parent / "docs_sites"
DEMO_FEEDS = ROOT / "pressmon" / "_demo" / "feeds"
DATA = ROOT / "tests" / "data"

# Pages whose blocks are not examples to run here, and why.
NOT_EXAMPLES = {
    "cli.md": "generated from the commands' help (tests/test_docs.py)",
    "article.md": "generated from the JSON Schema (tests/test_docs.py)",
    "api.md": "generated from the docstrings by mkdocstrings",
    "changelog.md": "includes CHANGELOG.md, which has no code",
    "contributing.md": "its commands are the steps of .ci/run, which CI itself runs",
}
PAGES = sorted(
    [ROOT / "README.md"]
    + [page for page in (ROOT / "docs").glob("*.md") if page.name not in NOT_EXAMPLES]
)

ALLOWED_INSTALLS = {
    "pip install -e . && pressmon demo",
    'pip install -e ".[test]" && pytest',
    'pip install -e ".[dev]"',
    'pip install -e ".[test]"',
    'pip install -e ".[docs]"',
    'pip install -e ".[fulltext]"',
    'pip install -e ".[bench]"',
    'pip install "pressmon[fulltext]"',
    'pip install "pressmon[apprise]"',
    "pip install pressmon",
}

EXECUTED = {"python", "py", "sh", "bash", "shell"}
PARSED = {"toml", "yaml", "yml", "json"}
NOT_CODE = {"", "text", "console", "mermaid", "output"}

_TITLE = re.compile(r'title="([^"]+)"')
_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=indent)```",
    re.S | re.M,
)
_EXPECTED_EXIT = re.compile(r"#\s*exits?\s+(\d+)\s*$")


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    language: str
    body: str
    title: str | None = None

    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


_SNIPPET = re.compile(r'^--8<-- "([^"]+)"\n', re.M)


def blocks(page: Path) -> Iterator[Block]:
    # Snippet lines (--8<-- "path", as the site includes them) are replaced by the file.
    text = _SNIPPET.sub(
        lambda match: (ROOT / match.group(1)).read_text(encoding="utf-8"),
        page.read_text(encoding="utf-8"),
    )
    for match in _FENCE.finditer(text):
        indent = match.group("indent")
        body = "".join(
            line[len(indent) :] if line.startswith(indent) else line
            for line in match.group("body").splitlines(keepends=True)
        )
        line = text.count("\n", 0, match.start()) + 1
        title = _TITLE.search(match.group("info"))
        yield Block(
            page, line, match.group("lang").lower(), body, title.group(1) if title else None
        )


def _site_files() -> dict[str, tuple[bytes, str]]:
    """The example sites of the documentation: ``host/path`` -> (body, content type)."""
    rss, atom, feed_json = "application/rss+xml", "application/atom+xml", "application/feed+json"
    journal = (DEMO_FEEDS / "journal-auto.rss").read_bytes()
    home = (
        b'<!DOCTYPE html><html lang="fr"><head><title>Le Journal Auto</title>'
        b'<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head>'
        b"<body><h1>Le Journal Auto</h1></body></html>"
    )
    return {
        "journal-auto.example/": (home, "text/html; charset=utf-8"),
        "journal-auto.example/rss.xml": (journal, rss),
        "journal-auto.example/2024/03/alpine-etats-unis-autonation": (
            (DATA / "pages" / "article_fr.html").read_bytes(),
            "text/html; charset=utf-8",
        ),
        "motor-wire.example/feed.atom": ((DEMO_FEEDS / "motor-wire.atom").read_bytes(), atom),
        "autowelt.example/feed.json": ((DEMO_FEEDS / "autowelt.json").read_bytes(), feed_json),
        "example.org/feed.xml": (journal, rss),
        "news.google.com/rss/search": ((DATA / "feeds" / "google_news.xml").read_bytes(), rss),
    }


@pytest.fixture
def docs_world(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """A scratch directory and the environment in which the docs' examples run."""
    workspace = tmp_path / "work"
    workspace.mkdir()
    for folder in ("seeds", "examples", "benchmarks", "tests"):
        shutil.copytree(
            ROOT / folder, workspace / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    with TestServer() as server:
        hosts = set()
        for address, (body, content_type) in _site_files().items():
            host, _, path = address.partition("/")
            hosts.add(host)
            server.route(
                f"/{host}/{path}", static_route(body, content_type=content_type, etag='"v1"')
            )
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONPATH": str(SITE_PACKAGES_HOOK),
            "PRESSMON_DOCS_SERVER": server.url("/").rstrip("/"),
            "PRESSMON_DOCS_HOSTS": ",".join(sorted(hosts)),
            "NO_COLOR": "1",
            "PYTHONIOENCODING": "utf-8",
            "SLACK_WEBHOOK_URL": "https://hooks.slack.test/services/T000/B000/XXXX",
            "ALERTS_TOKEN": "docs-example-token",
            # The secrets of docs/alerts.md's sinks (in the shapes apprise checks at load).
            "SMTP_PASSWORD": "docs-example-password",
            "TELEGRAM_BOT_TOKEN": "123456789:AAdocsExampleToken_0123456789abcdef",
            "TELEGRAM_CHAT_ID": "-1001234567890",
            "TEAMS_WORKFLOW_URL": "workflows://prod-00.westeurope.logic.azure.com:443/"
            "0123456789abcdef0123456789abcdef/?sig=docsExampleSignature0123456789abcdefghijk",
            "DISCORD_WEBHOOK_ID": "1234567890123456789",
            "DISCORD_WEBHOOK_TOKEN": "docsExampleWebhookToken-0123456789abcdefghijklmn",
            "MATTERMOST_HOOK": "docsexamplemattermosthook0123",
            "NTFY_TOPIC": "pressmon-docs-example",
            # Benchmarks run their whole code on a tiny workload (benchmarks/_smoke.py).
            "PRESSMON_BENCHMARK_SMOKE": "1",
        }
        env.pop("GITHUB_ACTIONS", None)
        yield workspace, env


def _commands(body: str) -> Iterator[str]:
    """Shell lines, with backslash continuations joined and prompts and comments dropped."""
    pending = ""
    for raw in body.splitlines():
        line = raw.rstrip()
        if line.startswith("$ "):
            line = line[2:]
        if pending:
            line = line.lstrip()
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        line = pending + line
        pending = ""
        if line.strip() and not line.lstrip().startswith("#"):
            yield line.strip()


def _run(argv: list[str], workspace: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run one example command in the workspace, output captured (3 minutes at most)."""
    return subprocess.run(
        argv, cwd=workspace, env=env, capture_output=True, text=True, timeout=180, check=False
    )


def _run_shell(block: Block, workspace: Path, env: dict[str, str]) -> None:
    for command in _commands(block.body):
        if command.startswith("pip install"):
            install = command.split(" #", 1)[0].strip()
            assert install in ALLOWED_INSTALLS, f"{block.where()}: unexpected install: {command}"
            continue
        expected = _EXPECTED_EXIT.search(command)
        code = int(expected.group(1)) if expected else 0
        result = _run(["bash", "-o", "pipefail", "-c", command], workspace, env)
        assert result.returncode == code, (
            f"{block.where()}: `{command}` exited {result.returncode}, expected {code}\n"
            f"stdout:\n{result.stdout[-2000:]}\nstderr:\n{result.stderr[-2000:]}"
        )
        assert "Traceback" not in result.stderr, f"{block.where()}: {result.stderr[-2000:]}"


def _run_python(block: Block, workspace: Path, env: dict[str, str]) -> None:
    script = workspace / f"example_{block.page.stem}_{block.line}.py"
    script.write_text(block.body, encoding="utf-8")
    result = _run([sys.executable, script.name], workspace, env)
    assert result.returncode == 0, (
        f"{block.where()}: the Python example failed\n"
        f"stdout:\n{result.stdout[-2000:]}\nstderr:\n{result.stderr[-3000:]}"
    )


def _check_parsed(block: Block, workspace: Path, env: dict[str, str]) -> None:
    if block.language == "json":
        json.loads(block.body)
        return
    if block.language in {"yaml", "yml"}:
        assert yaml.safe_load(block.body) is not None, block.where()
        return
    document = tomllib.loads(block.body)
    path = workspace / (block.title or f"example_{block.page.stem}_{block.line}.toml")
    path.write_text(block.body, encoding="utf-8")
    if "feeds" in document or "feeds_file" in document:
        code = "import sys, pressmon; pressmon.load_config(sys.argv[1])"
    elif "groups" in document or "rule" in document:
        code = "import sys, pressmon; pressmon.load_topic(sys.argv[1])"
    else:
        return  # a fragment (one table of a larger file): parsing it is the check
    result = _run([sys.executable, "-c", code, str(path)], workspace, env)
    assert result.returncode == 0, f"{block.where()}: invalid example\n{result.stderr[-2000:]}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_page_examples_run(page: Path, docs_world: tuple[Path, dict[str, str]]) -> None:
    """Each Python and shell example of the page runs; each config or topic example is valid."""
    workspace, env = docs_world
    for block in blocks(page):
        if block.title is not None:
            target = workspace / block.title
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.body, encoding="utf-8")
        if block.language in EXECUTED:
            if block.language in {"python", "py"}:
                _run_python(block, workspace, env)
            else:
                _run_shell(block, workspace, env)
        elif block.language in PARSED:
            _check_parsed(block, workspace, env)
        else:
            assert block.language in NOT_CODE, (
                f"{block.where()}: unknown block kind {block.language!r}"
            )


def test_every_page_with_code_is_covered() -> None:
    """No page with Python or shell examples escapes this test."""
    checked = {page.name for page in PAGES} | set(NOT_EXAMPLES)
    for page in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        kinds = {block.language for block in blocks(page)}
        if kinds & EXECUTED:
            assert page.name in checked, page


def test_the_harness_catches_a_failing_example(tmp_path: Path) -> None:
    """A Python example that fails, or a shell line with the wrong exit status, fails the page."""
    page = tmp_path / "page.md"
    env = {**os.environ, "PYTHONPATH": ""}
    broken_python = Block(ROOT / "README.md", 1, "python", "raise SystemExit(3)\n")
    with pytest.raises(AssertionError, match="the Python example failed"):
        _run_python(broken_python, tmp_path, env)
    page.write_text("```sh\nfalse  # exits 1\nfalse\n```\n", encoding="utf-8")
    (shell,) = blocks(page)
    with pytest.raises(AssertionError, match=r"`false` exited 1, expected 0"):
        _run_shell(Block(ROOT / "README.md", 1, shell.language, shell.body), tmp_path, env)


def test_shell_lines_are_joined_and_comments_dropped() -> None:
    """Continuations form one command; prompts and comment lines are not commands."""
    body = "# set up\n$ pressmon scan \\\n    feeds/ --json\npressmon demo  # exits 0\n"
    assert list(_commands(body)) == ["pressmon scan feeds/ --json", "pressmon demo  # exits 0"]

"""The monitor's configuration: the minimal form, errors that name file and key, secrets, OPML."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressmon.config import (
    ConsoleSinkConfig,
    FetchConfig,
    JsonlSinkConfig,
    WebhookSinkConfig,
    export_opml,
    load_config,
    read_feeds_file,
)
from pressmon.exceptions import ConfigError

MINIMAL = """\
state = "state.db"                 # SQLite file; default .pressmon/state.db
topics = ["alpine-us-expansion"]   # built-in names or paths to topic files

[[feeds]]
url = "https://example.org/feed.xml"

[[sinks]]
type = "jsonl"
path = "alerts.jsonl"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "monitor.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_minimal_form_from_the_issue(tmp_path: Path) -> None:
    """The documented minimal configuration loads; relative paths are next to the file."""
    config = load_config(write(tmp_path, MINIMAL))
    assert config.state == tmp_path.resolve() / "state.db"
    assert config.topics == ("alpine-us-expansion",)
    assert [feed.url for feed in config.all_feeds()] == ["https://example.org/feed.xml"]
    assert isinstance(config.sinks[0], JsonlSinkConfig)
    assert config.sinks[0].path == tmp_path.resolve() / "alerts.jsonl"


def test_defaults(tmp_path: Path) -> None:
    """Without state or sinks: .pressmon/state.db beside the file and the console sink."""
    config = load_config(write(tmp_path, '[[feeds]]\nurl = "https://example.org/f"\n'))
    assert config.state == tmp_path.resolve() / ".pressmon" / "state.db"
    assert config.topics is None and isinstance(config.sinks[0], ConsoleSinkConfig)


@pytest.mark.parametrize(
    ("text", "key", "fix"),
    [
        ('[[feeds]]\nurl = "ftp://x"\n', "feeds.0.url", "not an http(s) URL"),
        ('[[feeds]]\nurl = "https://x.org/f"\nnmae = "x"\n', "feeds.0.nmae", "unknown key"),
        (
            '[[feeds]]\nurl = "https://x.org/f"\n[[sinks]]\ntype = "pigeon"\n',
            "sinks.0",
            "type must be one of",
        ),
        (
            '[[feeds]]\nurl = "https://x.org/f"\n[[sinks]]\ntype = "jsonl"\n',
            "sinks.0.path",
            "required",
        ),
        (
            'topics = ["alpine-us-expansoin"]\n[[feeds]]\nurl = "https://x.org/f"\n',
            "topics.0",
            "unknown topic",
        ),
        (
            'retention_days = 0\n[[feeds]]\nurl = "https://x.org/f"\n',
            "retention_days",
            "greater than or equal to 1",
        ),
        ('[fetch]\ntimeot = 3\n[[feeds]]\nurl = "https://x.org/f"\n', "fetch.timeot", "known keys"),
    ],
)
def test_errors_name_the_file_the_key_and_the_fix(
    tmp_path: Path, text: str, key: str, fix: str
) -> None:
    """Each mistake raises ConfigError with .path, .key and a message saying what to do."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.path == str(path) and caught.value.key == key
    assert fix in str(caught.value) and str(path) in str(caught.value)


def test_no_feeds_and_bad_toml(tmp_path: Path) -> None:
    """An empty configuration says to add feeds; broken TOML says where."""
    with pytest.raises(ConfigError, match="no feeds"):
        load_config(write(tmp_path, 'state = "s.db"\n'))
    with pytest.raises(ConfigError, match=r"not valid TOML.*line 1"):
        load_config(write(tmp_path, "state = \n"))


def test_env_expansion_only_in_secret_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """${VAR} is expanded in a webhook's url and headers, hidden in repr, and left alone in
    other fields; a missing variable is named, its value never shown."""
    monkeypatch.setenv("HOOK", "https://hooks.example/T/very-secret")
    monkeypatch.setenv("TOKEN", "abc123secret")
    text = (
        'state = "${HOOK}.db"\n[[feeds]]\nurl = "https://x.org/f"\n[[sinks]]\n'
        'type = "webhook"\nurl = "${HOOK}"\nheaders = { Authorization = "Bearer ${TOKEN}" }\n'
    )
    config = load_config(write(tmp_path, text))
    sink = config.sinks[0]
    assert isinstance(sink, WebhookSinkConfig)
    assert sink.url.get_secret_value() == "https://hooks.example/T/very-secret"
    assert sink.headers["Authorization"].get_secret_value() == "Bearer abc123secret"
    assert "very-secret" not in repr(config) and "abc123secret" not in repr(config)
    assert "very-secret" not in sink.key()
    assert config.state.name == "${HOOK}.db"
    monkeypatch.delenv("TOKEN")
    with pytest.raises(ConfigError, match="TOKEN is not set") as caught:
        load_config(write(tmp_path, text))
    assert caught.value.key == "sinks.0.headers" and "very-secret" not in str(caught.value)


def test_feeds_file_with_urls_and_with_opml(tmp_path: Path) -> None:
    """feeds_file reads a list of URLs (comments, names) or OPML (nested outlines become tags);
    a URL also in [[feeds]] is kept once."""
    (tmp_path / "list.txt").write_text(
        "# my feeds\nhttps://a.example/rss  Site A\n\nhttps://b.example/atom\n"
    )
    config = load_config(
        write(tmp_path, 'feeds_file = "list.txt"\n[[feeds]]\nurl = "https://b.example/atom"\n')
    )
    assert [(feed.url, feed.name) for feed in config.all_feeds()] == [
        ("https://b.example/atom", None),
        ("https://a.example/rss", "Site A"),
    ]
    (tmp_path / "feeds.opml").write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><opml version="2.0"><body>'
        '<outline text="Autos"><outline text="Wire &amp; Co" xmlUrl="https://w.example/f"/>'
        "</outline></body></opml>"
    )
    feeds = read_feeds_file(tmp_path / "feeds.opml")
    assert [(feed.url, feed.name, feed.tags) for feed in feeds] == [
        ("https://w.example/f", "Wire & Co", ("Autos",))
    ]
    again = tmp_path / "again.opml"
    again.write_text(export_opml(feeds))
    assert read_feeds_file(again)[0].url == "https://w.example/f"
    (tmp_path / "bad.txt").write_text("https://ok.example/f\nnot a url\n")
    with pytest.raises(ConfigError) as caught:
        read_feeds_file(tmp_path / "bad.txt")
    assert caught.value.key == "line 2"


def test_the_per_host_ceiling_is_a_fetch_key() -> None:
    """`[fetch] per_host_max` sets how far the per-host limit may grow (default 8); it
    must be at least one."""
    assert FetchConfig().per_host_max == 8
    assert FetchConfig(per_host_max=3).per_host_max == 3
    with pytest.raises(ValueError, match="per_host_max"):
        FetchConfig(per_host_max=0)

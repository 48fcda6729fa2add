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


def test_fetch_defaults_are_the_fetchers_and_the_documented_ones() -> None:
    """`[fetch]` without keys gives the `Fetcher`'s own defaults (one set for the monitor,
    the library and the CLI), and docs/monitor.md's table states those values."""
    import inspect
    import re

    from pressmon._fetch import Fetcher
    from pressmon.config import FetchConfig

    options = FetchConfig().fetcher_options()
    signature = inspect.signature(Fetcher.__init__).parameters
    assert options == {name: signature[name].default for name in options}
    table = (Path(__file__).resolve().parents[1] / "docs" / "monitor.md").read_text()
    section = table[table.index("### `[fetch]`") :]
    section = section[: section.index("\n### ")]
    documented = dict(re.findall(r"^\| `(\w+)` \| ([\d.]+) \|", section, re.MULTILINE))
    assert {name: float(value) for name, value in documented.items()} == {
        name: float(value) for name, value in options.items()
    }


def test_per_feed_settings_fall_back_to_the_top_level_ones(tmp_path: Path) -> None:
    """A feed's own `topics` and `full_text` win; without them the top-level values apply."""
    config = load_config(
        write(
            tmp_path,
            'topics = ["alpine-us-expansion"]\nfull_text = true\n'
            '[[feeds]]\nurl = "https://a.example/f"\n'
            '[[feeds]]\nurl = "https://b.example/f"\ntopics = []\nfull_text = "all"\n'
            '[[feeds]]\nurl = "https://c.example/f"\nfull_text = false\n',
        )
    )
    first, second, third = config.all_feeds()
    assert config.topics_for(first) == ("alpine-us-expansion",) and config.topics_for(second) == ()
    assert [config.full_text_for(feed) for feed in (first, second, third)] == ["thin", "all", None]


def test_secrets_are_the_webhook_url_its_header_values_and_their_tokens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the monitor redacts from its output: a webhook's URL, its header values, and the
    long words of a header value (the token of `Bearer TOKEN`)."""
    monkeypatch.setenv("HOOK", "https://hooks.example/T0KEN-in-the-path")
    monkeypatch.setenv("TOKEN", "s3cr3t-t0ken-value")
    config = load_config(
        write(
            tmp_path,
            '[[feeds]]\nurl = "https://a.example/f"\n'
            '[[sinks]]\ntype = "webhook"\nurl = "${HOOK}"\n'
            'headers = { Authorization = "Bearer ${TOKEN}" }\n',
        )
    )
    secrets = config.secrets()
    assert "https://hooks.example/T0KEN-in-the-path" in secrets
    assert "Bearer s3cr3t-t0ken-value" in secrets and "s3cr3t-t0ken-value" in secrets
    assert "Bearer" not in secrets


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://pressmon@db.example:5432/pressmon",
        "postgres://pressmon@db.example/pressmon?options=-csearch_path%3Dmonitor",
        "postgresql:///pressmon",
    ],
)
def test_state_may_be_a_postgresql_url(tmp_path: Path, url: str) -> None:
    """A `postgresql://` or `postgres://` state is kept as written (not resolved as a path),
    and `state_location()` gives it to open the store; a path state gives its path."""
    config = load_config(write(tmp_path, f'state = "{url}"\n[[feeds]]\nurl = "https://x.org/f"\n'))
    assert config.state_url == url and config.state_location() == url
    assert config.model_copy().state_url == url
    path_config = load_config(write(tmp_path, MINIMAL))
    assert path_config.state_url is None
    assert path_config.state_location() == tmp_path.resolve() / "state.db"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://pressmon:hunter2@db.example/pressmon",
        "postgres://db.example/x?password=hunter2",
    ],
)
def test_a_state_url_with_a_password_is_refused(tmp_path: Path, url: str) -> None:
    """A password in the state URL is refused at load time, naming the key `state` and the
    places a password belongs (PGPASSWORD, ~/.pgpass), never echoing it."""
    path = write(tmp_path, f'state = "{url}"\n[[feeds]]\nurl = "https://x.org/f"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == "state"
    assert "PGPASSWORD" in str(caught.value) and "~/.pgpass" in str(caught.value)
    assert "hunter2" not in str(caught.value)


def test_the_per_host_ceiling_is_a_fetch_key() -> None:
    """`[fetch] per_host_max` sets how far the per-host limit may grow (default 8); it
    must be at least one."""
    assert FetchConfig().per_host_max == 8
    assert FetchConfig(per_host_max=3).per_host_max == 3
    with pytest.raises(ValueError, match="per_host_max"):
        FetchConfig(per_host_max=0)

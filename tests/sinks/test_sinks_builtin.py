"""The sinks, on their own: what each writes, and how it escapes feed text."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from httpserver import FeedRoute, TestServer
from monitor_support import AGENCY_BODY

from pressmon._detect import detect
from pressmon.config import (
    AppriseSinkConfig,
    ConsoleSinkConfig,
    EmailSinkConfig,
    GithubSinkConfig,
    HtmlSinkConfig,
    JsonlSinkConfig,
    MarkdownSinkConfig,
    WebhookSinkConfig,
)
from pressmon.models import Alert, Article, Source, StoryCopy
from pressmon.sinks import DeliveryContext, DeliveryFailed, build_sink
from pressmon.sinks._github import escape_data, escape_property, notice
from pressmon.sinks._jsonl import read_ids
from pressmon.sinks._markdown import escape
from pressmon.sinks._webhook import slack_body
from sinks.chromium import render_dom, requests_from_page

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=timezone.utc)


def make_alert(title: str = "Alpine <b>to enter</b> the US with AutoNation", n: int = 1) -> Alert:
    article = Article(
        title=title,
        summary=AGENCY_BODY,
        url=f"https://wire.example/alpine-{n}",
        source=Source(name="Wire & Co", feed_url="https://wire.example/feed"),
    )
    flags = tuple(detect(article, ["alpine-us-expansion"]))
    assert flags, "the sample must be flagged"
    copy = StoryCopy(
        article_id="c1",
        url="https://daily.example/x",
        title="copy",
        source=Source(name="Daily"),
        first_seen=NOW,
        match="text",
    )
    return Alert(
        id=f"id{n}", story_id=f"s{n}", created=NOW, article=article, flags=flags, copies=(copy,)
    )


CONTEXT = DeliveryContext(
    started=NOW,
    daily_counts=[
        ("2025-06-01", "Wire & Co", 2),
        ("2025-06-02", "Daily", 1),
        ("2025-06-02", "Wire & Co", 1),
    ],
)


def test_jsonl_never_writes_an_id_twice_and_repairs_a_cut_line(tmp_path: Path) -> None:
    """Delivering the same alerts again adds nothing; a last line cut by a crash is replaced."""
    path = tmp_path / "alerts.jsonl"
    sink = build_sink(JsonlSinkConfig(type="jsonl", path=path))
    first, second = make_alert(n=1), make_alert(n=2)
    sink.deliver([first], CONTEXT)
    with open(path, "a") as handle:
        handle.write('{"id": "id2", "article": {"tit')  # a crash mid-write
    sink.deliver([first, second], CONTEXT)
    lines = path.read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["id1", "id2"]
    assert json.loads(lines[1])["copies"][0]["match"] == "text"
    assert read_ids(path) == {"id1", "id2"}


def test_markdown_digest_escapes_and_highlights(tmp_path: Path) -> None:
    """The digest lists each alert with its link, bolded matched terms and its copies; Markdown
    characters from the feed are escaped."""
    path = tmp_path / "digest.md"
    build_sink(MarkdownSinkConfig(type="markdown", path=path)).deliver([make_alert()], CONTEXT)
    text = path.read_text()
    assert (
        "## [Alpine \\<b\\>to enter\\</b\\> the US with AutoNation](https://wire.example/" in text
    )
    assert "**Alpine**" in text and "**AutoNation**" in text
    assert "Also in: [Daily](https://daily.example/x)" in text
    assert escape("a*b_[c](d) (e)") == "a\\*b\\_\\[c\\](d) (e)"
    build_sink(MarkdownSinkConfig(type="markdown", path=path)).deliver([], CONTEXT)
    assert "No new stories" in path.read_text()


def test_console_table(tmp_path: Path) -> None:
    """The console sink prints a header, one row per alert with its source and copies count,
    the link and the evidence with marked terms."""
    out = io.StringIO()
    build_sink(ConsoleSinkConfig(type="console", color=False), stdout=out).deliver(
        [make_alert()], CONTEXT
    )
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["date", "source", "topics", "title"]
    assert "Wire & Co +1" in lines[2] and "alpine-us-expansion" in lines[2]
    assert "[Alpine]" in out.getvalue() and "also in: Daily" in out.getvalue()
    assert lines[-1] == "1 new alert."


def test_github_sink_escapes_commands_and_writes_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Titles with newlines, % and :: cannot break out of a ::notice command; the job summary
    is appended to $GITHUB_STEP_SUMMARY."""
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = io.StringIO()
    alert = make_alert(title="Alpine 100% US\n::error::injected, yes")
    build_sink(GithubSinkConfig(type="github"), stdout=out).deliver([alert], CONTEXT)
    line = out.getvalue().strip()
    assert line.startswith("::notice title=alpine-us-expansion%3A Alpine 100%25 US%0A%3A%3Aerror")
    assert "\n" not in line and line.count("::") == 2
    assert line == notice(alert)
    assert summary.read_text().startswith("earlier step\n# pressmon: new stories")
    assert escape_data("a%b\r\n") == "a%25b%0D%0A" and escape_property("a:b,c") == "a%3Ab%2Cc"


def test_slack_body_escapes_and_links() -> None:
    """The Slack body links the title and escapes &, < and > from the feed."""
    text = slack_body(make_alert())["text"]
    assert text.startswith("*<https://wire.example/alpine-1|Alpine &lt;b&gt;to enter&lt;/b&gt;")
    assert "Wire &amp; Co" in text and "*Alpine*" in text


@pytest.fixture
def hook() -> Iterator[TestServer]:
    """A loopback server standing in for a webhook receiver."""
    server = TestServer().start()
    yield server
    server.stop()


def test_webhook_retries_then_reports_partial_delivery(hook: TestServer) -> None:
    """Each alert is POSTed with its id as Idempotency-Key; 503 then 200 is retried; a 400 is not
    retried, and the alerts delivered before it are reported as delivered."""
    hook.routes["/in"] = FeedRoute(b"", status=200, statuses=[503], validators=False)
    sink = build_sink(
        WebhookSinkConfig(type="webhook", url=hook.url("/in"), backoff=0, format="slack")
    )
    sink.deliver([make_alert(n=1)], CONTEXT)
    assert [hit.status for hit in hook.requests_to("/in")] == [503, 200]
    assert {hit.headers["idempotency-key"] for hit in hook.requests_to("/in")} == {"id1"}
    assert "text" in json.loads(hook.requests_to("/in")[0].body)
    hook.routes["/in"] = FeedRoute(b"", status=200, statuses=[200, 400], validators=False)
    with pytest.raises(DeliveryFailed, match="HTTP 400") as caught:
        sink.deliver([make_alert(n=2), make_alert(n=3)], CONTEXT)
    assert caught.value.delivered == ("id2",)
    assert hook.url("/in") not in str(caught.value)


def test_html_digest_renders_in_headless_chromium_without_network(
    tmp_path: Path, hook: TestServer
) -> None:
    """Chromium renders the digest with the evidence in <mark> and the chart's bars, and the page
    makes no request: every request goes to a loopback proxy, which receives none from the page
    (the CSP forbids all loads; the article links are only followed when clicked)."""
    path = tmp_path / "digest.html"
    build_sink(HtmlSinkConfig(type="html", path=path, days=7)).deliver([make_alert()], CONTEXT)
    page = path.read_text()
    assert "<script" not in page and "<b>to enter</b>" not in page
    dom = render_dom(path, hook, tmp_path / "profile")
    assert "<mark>Alpine</mark>" in dom and "<mark>AutoNation</mark>" in dom
    assert dom.count('class="bar"') == 3 and 'data-source="Wire &amp; Co"' in dom
    assert "Alpine &lt;b&gt;to enter&lt;/b&gt;" in dom
    # Chromium itself may ask Google's time or update services; the page asks nothing.
    assert requests_from_page(hook) == []


def test_every_sink_type_has_a_class_and_every_class_a_type() -> None:
    """The config's sink types and the sink registry name the same sinks, and each builds."""
    from pressmon.config import SINK_TYPES
    from pressmon.sinks import SINK_CLASSES

    assert set(SINK_TYPES) == set(SINK_CLASSES)
    examples = {
        "console": ConsoleSinkConfig(type="console"),
        "jsonl": JsonlSinkConfig(type="jsonl", path=Path("a.jsonl")),
        "markdown": MarkdownSinkConfig(type="markdown", path=Path("a.md")),
        "html": HtmlSinkConfig(type="html", path=Path("a.html")),
        "webhook": WebhookSinkConfig(type="webhook", url="https://hooks.example/x"),
        "github": GithubSinkConfig(type="github"),
        "email": EmailSinkConfig.model_validate(
            {"type": "email", "host": "smtp.example.org", "from": "a@x.org", "to": "b@x.org"}
        ),
        "apprise": AppriseSinkConfig.model_validate(
            {"type": "apprise", "urls": ["json://127.0.0.1:9/hook"]}
        ),
    }
    assert set(examples) == set(SINK_CLASSES)
    for kind, config in examples.items():
        sink = build_sink(config, stdout=io.StringIO())
        assert sink.key == config.key(), kind
    with pytest.raises(TypeError, match="not a sink configuration"):
        build_sink(object())


def test_jsonl_takes_concurrent_deliveries_from_several_workers(tmp_path: Path) -> None:
    """Workers on one machine delivering to one JSONL file at once (threads here, each with
    its own sink and file lock) leave every alert in it once, each line whole."""
    import threading

    path = tmp_path / "alerts.jsonl"
    batches = [[make_alert(n=worker * 10 + n) for n in range(5)] for worker in range(8)]
    start = threading.Barrier(len(batches))
    errors: list[BaseException] = []

    def worker(alerts: list[Alert]) -> None:
        try:
            sink = build_sink(JsonlSinkConfig(type="jsonl", path=path))
            start.wait(timeout=30)
            sink.deliver(alerts, CONTEXT)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(alerts,)) for alerts in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    lines = path.read_text(encoding="utf-8").splitlines()
    ids = [json.loads(line)["id"] for line in lines]
    assert sorted(ids) == sorted(alert.id for alerts in batches for alert in alerts)

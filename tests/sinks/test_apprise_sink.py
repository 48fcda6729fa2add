"""The apprise sink, with apprise for real: its `json://` service posts to a loopback HTTP
receiver. What the notification says, how a failure maps to pending, how the body fits a
service's limit, and that nothing leaves 127.0.0.1."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from httpserver import FeedRoute, TestServer

from pressmon.config import AppriseSinkConfig
from pressmon.sinks import DeliveryFailed, build_sink
from pressmon.sinks._apprise import fit_body
from sinks.alert_support import CONTEXT, json_url, make_alert, notifications, off_loopback


def apprise_sink(*urls: str, **keys: Any) -> Any:
    return build_sink(AppriseSinkConfig.model_validate({"type": "apprise", "urls": urls, **keys}))


def test_one_notification_with_title_and_markdown_body(
    receiver: TestServer, network_calls: list[tuple[str, tuple[Any, ...]]]
) -> None:
    """The run's alerts make one notification: the title counts the stories and names the
    topic; the Markdown body links each story and its copy and bolds the matched terms; apprise
    connects to the loopback receiver and to nothing else."""
    apprise_sink(json_url(receiver)).deliver([make_alert(1), make_alert(2)], CONTEXT)
    (sent,) = notifications(receiver)
    assert sent["title"] == "pressmon: 2 new stories (alpine-us-expansion)"
    body = sent["message"]
    assert body.startswith("_2 new stories, 2025-06-02 12:00 UTC_")
    for n in (1, 2):
        assert f"](https://wire.example/alpine-{n})" in body
        assert f"[Daily](https://daily.example/copy-{n})" in body
    assert "**AutoNation**" in body and "\\<b\\>to enter\\</b\\>" in body
    assert any(event == "socket.connect" for event, _ in network_calls)
    assert off_loopback(network_calls) == []


def test_text_format_and_a_custom_title(receiver: TestServer) -> None:
    """`format = "text"` sends the plain-text rendering; the title template is filled."""
    sink = apprise_sink(json_url(receiver), format="text", title="{count} {stories} on {date}")
    sink.deliver([make_alert(1)], CONTEXT)
    (sent,) = notifications(receiver)
    assert sent["title"] == "1 story on 2025-06-02"
    assert "https://wire.example/alpine-1" in sent["message"] and "*AutoNation*" in sent["message"]
    assert "**" not in sent["message"]


def test_a_failing_service_leaves_the_alerts_pending_without_quoting_its_url(
    receiver: TestServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A service answering 500 fails the delivery (nothing counted delivered); the error names
    the URL by position and scheme with apprise's reason, never the URL's secret part; apprise's
    own log lines do not reach the application's logging."""
    receiver.routes["/s3cr3t-hook"] = FeedRoute(b"no", status=500, validators=False)
    good, bad = json_url(receiver), json_url(receiver, "/s3cr3t-hook")
    with caplog.at_level(logging.DEBUG), pytest.raises(DeliveryFailed) as caught:
        apprise_sink(good, bad).deliver([make_alert(1)], CONTEXT)
    message = str(caught.value)
    assert caught.value.delivered == ()
    assert "1 of 2 notifications failed: urls.1 (json://)" in message and "500" in message
    assert "s3cr3t" not in message
    assert not [record for record in caplog.records if record.name.startswith("apprise")]
    assert (
        len(receiver.requests_to("/notify")) == 1 and len(receiver.requests_to("/s3cr3t-hook")) == 1
    )


def test_an_unreachable_service_fails(receiver: TestServer) -> None:
    """Nothing listening on the port: apprise reports a failure, the sink raises."""
    port = receiver.port
    receiver.stop()
    with pytest.raises(DeliveryFailed, match=r"urls\.0 \(json://\)"):
        apprise_sink(f"json://127.0.0.1:{port}/notify").deliver([make_alert(1)], CONTEXT)


def test_a_long_run_fits_the_body_limit(receiver: TestServer) -> None:
    """With max_length, the body keeps whole stories while they fit, then lists the next ones
    by title and link, then counts the rest, and never passes the limit."""
    alerts = [make_alert(n) for n in range(1, 31)]
    apprise_sink(json_url(receiver), max_length=2500).deliver(alerts, CONTEXT)
    body = notifications(receiver)[0]["message"]
    assert len(body) <= 2500
    assert "### [Alpine" in body  # at least one whole story
    assert "- [Alpine" in body and "(Wire & Co)" in body  # then one-line entries
    assert body.rstrip().endswith("more stories.")
    shown = body.count("https://wire.example/alpine-")
    left = int(body.rsplit("… and ", 1)[1].split()[0])
    assert shown + left == 30


def test_fit_body_rules() -> None:
    """fit_body: everything when it fits; else whole sections while they fit, one-line entries
    for the next alerts, then a count of the others; a limit smaller than the header still
    gives a body of at most the limit."""
    sections, lines = ["S1" * 10, "S2" * 10, "S3" * 10], ["L1", "L2", "L3"]
    assert fit_body("H", sections, lines, 1000, "\n") == "H\n" + "\n".join(sections)
    assert fit_body("H", sections, lines, 60, "\n") == "H\n" + "S1" * 10 + "\nL2\nL3"
    assert fit_body("H", sections, lines, 30, "\n") == "H\nL1\nL2\nL3"
    assert fit_body("H", sections, lines, 25, "\n") == "H\n… and 3 more stories."
    long_lines = ["y" * 10] * 3
    assert fit_body("H", ["x" * 100] * 3, long_lines, 40, "\n") == (
        "H\n" + "y" * 10 + "\n… and 2 more stories."
    )
    tiny = fit_body("A long header " * 5, sections, lines, 20, "\n")
    assert len(tiny) == 20 and tiny.endswith("…")
